//! After a restore: a snapshot brings back what was true when it was taken, so refresh tokens
//! rotated since are current again, revoked grants live again and codes redeemed since are
//! redeemable again. `authbox restore --end-grants` ends all of that before the file is used.

use serde::Serialize;

use super::{App, AppError};
use crate::store::{AuditRows, FamilyId, IssuedTo};

/// What ending every grant ended.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EndedGrants {
    /// Refresh grants (paired devices and app grants) revoked, with their access tokens.
    pub grants: usize,
    /// Browser sessions ended.
    pub sessions: usize,
    /// Device codes, pending or approved and not yet redeemed, that will never yield tokens.
    pub device_codes: usize,
}

impl App {
    /// Signs every device and browser out and voids every device code that has not yielded
    /// tokens: each person's refresh grants and access tokens end, as a password change ends
    /// them.
    pub fn end_every_grant(&self) -> Result<EndedGrants, AppError> {
        let now = self.now();
        let mut ended = EndedGrants::default();
        for user in self.store.users()? {
            let families: Vec<FamilyId> = self
                .store
                .refresh_families_of(user.sub.as_str())?
                .into_iter()
                .filter(|(_, family)| family.revoked_at.is_none())
                .map(|(id, _)| id)
                .collect();
            ended.grants += families.len();
            let tokens = IssuedTo::Person {
                sub: user.sub.as_str(),
            };
            // Nothing is recorded for the restored file: its log ends where the backup did,
            // and the operator's restore is what ended these.
            self.revoke_grants(&families, &[tokens], now, None)?;
            ended.sessions += self
                .store
                .remove_sessions_of(&user.sub, None, AuditRows::none())?;
        }
        for hash in self.store.device_grant_hashes()? {
            let voided = self.store.update_device_grant(
                &hash,
                move |grant| if grant.void(now) { Ok(()) } else { Err(()) },
                None,
                AuditRows::none(),
            )?;
            if voided == Some(Ok(())) {
                ended.device_codes += 1;
            }
        }
        tracing::info!(
            grants = ended.grants,
            sessions = ended.sessions,
            device_codes = ended.device_codes,
            "every grant of the restored file ended"
        );
        Ok(ended)
    }
}
