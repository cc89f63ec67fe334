//! "My devices": the devices a person paired (their refresh families), and signing one out,
//! which revokes its refresh tokens and its live access tokens at once.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::{App, AppError};
use crate::domain::audit::{AuditEvent, AuditKind};
use crate::domain::refresh::RefreshFamily;
use crate::domain::scope::ScopeSet;
use crate::domain::time::Timestamp;
use crate::domain::user::Subject;
use crate::store::FamilyId;

/// One paired device as people and administrators see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairedDevice {
    /// The family id, base64url: names the pairing, grants nothing.
    pub id: String,
    pub sub: Subject,
    pub client_id: String,
    pub client_name: String,
    pub approved_at: Timestamp,
    pub last_used_at: Timestamp,
    pub from: Option<String>,
    pub scopes: ScopeSet,
    pub live: bool,
}

fn parse_id(id: &str) -> Option<FamilyId> {
    URL_SAFE_NO_PAD
        .decode(id)
        .ok()
        .and_then(|bytes| FamilyId::try_from(bytes.as_slice()).ok())
}

impl App {
    fn paired(
        &self,
        id: &FamilyId,
        family: RefreshFamily,
        now: Timestamp,
    ) -> Result<PairedDevice, AppError> {
        let client_name = self
            .store
            .client(&family.client_id)?
            .map(|c| c.name)
            .unwrap_or_else(|| family.client_id.to_string());
        Ok(PairedDevice {
            id: URL_SAFE_NO_PAD.encode(id),
            live: family.is_live(now),
            sub: family.sub,
            client_id: family.client_id.to_string(),
            client_name,
            approved_at: family.created_at,
            last_used_at: family.last_used_at,
            from: family.device_address,
            scopes: family.scopes,
        })
    }

    /// The devices still signed in as `sub`, newest first.
    pub fn devices_of(&self, sub: &Subject) -> Result<Vec<PairedDevice>, AppError> {
        let now = self.now();
        let families = self.store.refresh_families_of(sub.as_str())?;
        families
            .into_iter()
            .filter(|(_, f)| f.is_live(now))
            .map(|(id, family)| self.paired(&id, family, now))
            .collect()
    }

    /// Every pairing, or one person's, for `authbox grant list`.
    pub fn all_devices(&self, sub: Option<&Subject>) -> Result<Vec<PairedDevice>, AppError> {
        let now = self.now();
        let families = match sub {
            Some(sub) => self.store.refresh_families_of(sub.as_str())?,
            None => self.store.refresh_families()?,
        };
        families
            .into_iter()
            .map(|(id, family)| self.paired(&id, family, now))
            .collect()
    }

    /// Every access token `client_id` holds for `sub`, issued up to `now`, stops working.
    pub(super) fn revoke_access_tokens(
        &self,
        client_id: &str,
        sub: &str,
        now: Timestamp,
    ) -> Result<(), AppError> {
        // Remembered until the longest-lived of those tokens has expired anyway.
        let keep = self.longest_access_token_lifetime()? + std::time::Duration::from_secs(1);
        Ok(self.store.revoke_client_tokens(client_id, sub, now, keep)?)
    }

    /// Revokes a refresh family and every access token its client holds for the person.
    pub(super) fn end_pairing(
        &self,
        id: &FamilyId,
        family: &RefreshFamily,
    ) -> Result<(), AppError> {
        let now = self.now();
        self.store.revoke_refresh_family(id, now)?;
        self.revoke_access_tokens(family.client_id.as_str(), family.sub.as_str(), now)?;
        self.record(
            AuditEvent::new(AuditKind::Revoked, now)
                .subject(family.sub.as_str())
                .client(family.client_id.as_str()),
        );
        Ok(())
    }

    /// Signs a device out: its refresh family is revoked and every access token its client holds
    /// for the person stops working. `only_for` limits this to one person's own devices.
    pub fn sign_out_device(
        &self,
        id: &str,
        only_for: Option<&Subject>,
    ) -> Result<PairedDevice, AppError> {
        let not_found = || AppError::NotFound(format!("there is no device pairing {id:?}"));
        let family_id = parse_id(id).ok_or_else(not_found)?;
        let family = self
            .store
            .refresh_family(&family_id)?
            .ok_or_else(not_found)?;
        if only_for.is_some_and(|sub| *sub != family.sub) {
            return Err(not_found());
        }
        self.end_pairing(&family_id, &family)?;
        let now = self.now();
        tracing::info!(client_id = %family.client_id, "signed a device out");
        let mut device = self.paired(&family_id, family, now)?;
        device.live = false;
        Ok(device)
    }
}
