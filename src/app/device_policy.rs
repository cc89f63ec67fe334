//! The access policy at a device grant: a person a client's policy keeps out gets no consent
//! page, and the device hears `access_denied` rather than waiting for the code to expire.

use super::App;
use super::device::{DecisionError, FoundGrant};
use crate::domain::audit::{AuditEvent, AuditKind};
use crate::domain::group::NotForYou;
use crate::domain::user::User;

impl App {
    /// [`App::may_use`] at a device grant: when `user` may not use the client that asked, the
    /// grant is denied and the refusal audited as `access_refused`, by one write.
    pub(super) fn hold_to_policy(
        &self,
        found: &FoundGrant,
        user: &User,
    ) -> Result<(), DecisionError> {
        // A client gone or disabled leaves nothing to approve; the code's own checks say so.
        let Some(client) = self.store.client(&found.client_id)? else {
            return Ok(());
        };
        if self.may_use(&client, user)? {
            return Ok(());
        }
        self.decide(
            found,
            AuditEvent::new(AuditKind::AccessRefused, self.now()),
            Some(&user.sub),
            |grant, now| grant.deny(now),
        )?;
        Err(DecisionError::NotForYou(NotForYou::new(&client.name, user)))
    }
}
