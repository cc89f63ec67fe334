//! One code, one account: the first signed-in account to open a device code's consent page
//! claims it, and any other account that enters it afterwards is refused and audited
//! (`code_entered_by_another`). Cross-device BCP (draft-ietf-oauth-cross-device-security),
//! "Detect and Remediate": a phisher who sends one code to many people gets it looked at by
//! one of them at most, and a code entered by two accounts is a sign of exactly that.
//!
//! Kept in memory: losing the claims on restart only lets a second account in once more, as
//! before this existed. Bounded: an entry needs a signed-in account and a live grant (at most
//! `--device-authorizations-total`), and is forgotten when its code has expired.

use std::collections::HashMap;
use std::sync::Mutex;

use super::App;
use super::device::{CodeProblem, DecisionError, FoundGrant};
use crate::domain::audit::{AuditEvent, AuditKind};
use crate::domain::time::Timestamp;
use crate::domain::user::{Subject, User};
use crate::store::DeviceCodeHash;

/// Which account claimed each code, until when the claim is kept.
#[derive(Default)]
pub(super) struct CodeClaims {
    entries: Mutex<HashMap<DeviceCodeHash, (Subject, Timestamp)>>,
}

impl CodeClaims {
    /// Whether `sub` holds the code: it claimed it before, or nobody had and now it does.
    fn claim(&self, hash: &DeviceCodeHash, sub: &Subject, until: Timestamp) -> bool {
        let mut entries = match self.entries.lock() {
            Ok(entries) => entries,
            Err(poisoned) => poisoned.into_inner(),
        };
        let (holder, _) = entries.entry(*hash).or_insert_with(|| (sub.clone(), until));
        holder == sub
    }

    pub(super) fn forget_expired(&self, now: Timestamp) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|_, (_, until)| *until > now);
        }
    }
}

impl App {
    /// Claims the grant `found` for `user`, or refuses them when another account holds it.
    /// Called by every path that shows or approves a device request for a person
    /// (`hold_to_policy`).
    pub(super) fn claim_code(&self, found: &FoundGrant, user: &User) -> Result<(), DecisionError> {
        let now = self.now();
        let until = now.plus(self.settings.lifetimes.device_code);
        if self.code_claims.claim(&found.hash, &user.sub, until) {
            return Ok(());
        }
        self.record(
            AuditEvent::new(AuditKind::CodeEnteredByAnother, now)
                .subject(user.sub.as_str())
                .client(found.client_id.as_str()),
        );
        Err(DecisionError::Code(CodeProblem::EnteredByAnother))
    }
}
