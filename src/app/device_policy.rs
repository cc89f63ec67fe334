//! What a device grant is held to when a person looks at it or approves it: the client that
//! asked still exists and is enabled, the grant carries no more than the client's device-grant
//! scope cap allows now, no other account opened it first (`code_claims`), and the client's
//! access policy lets the person in. A person a policy
//! keeps out gets no consent page, and the device hears `access_denied` rather than waiting
//! for the code to expire.

use super::App;
use super::device::{CodeProblem, DecisionError, FoundGrant};
use crate::domain::audit::{AuditEvent, AuditKind};
use crate::domain::group::NotForYou;
use crate::domain::user::User;

impl App {
    /// The binding checks, then [`App::may_use`], at a device grant. Cross-device BCP
    /// (draft-ietf-oauth-cross-device-security), "Limited Scopes" and "Detect and Remediate":
    /// a client disabled, removed or capped since the code was issued leaves nothing to approve
    /// (the code reads as unknown, as the code form reads it); when `user` may not use the
    /// client, the grant is denied and the refusal audited as `access_refused`, by one write.
    pub(super) fn hold_to_policy(
        &self,
        found: &FoundGrant,
        user: &User,
    ) -> Result<(), DecisionError> {
        let unknown = DecisionError::Code(CodeProblem::Unknown);
        let Some(client) = self.store.client(&found.client_id)?.filter(|c| !c.disabled) else {
            return Err(unknown);
        };
        if let Some(cap) = &client.device_scope_cap {
            let grant = self.store.device_grant(&found.hash)?;
            if grant.is_none_or(|g| !g.scopes.is_subset_of(cap)) {
                return Err(unknown);
            }
        }
        self.claim_code(found, user)?;
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
