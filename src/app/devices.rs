//! "My devices": the devices a person paired (their refresh families), and signing one out,
//! which revokes its refresh tokens and its live access tokens at once.

use super::consents::AllowedApp;
use super::{App, AppError};
use crate::domain::audit::{AuditEvent, AuditKind};
use crate::domain::refresh::RefreshFamily;
use crate::domain::scope::ScopeSet;
use crate::domain::time::Timestamp;
use crate::domain::user::{Subject, User};
use crate::store::{AuditRows, FamilyId, IssuedTo};

/// One paired device as people and administrators see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairedDevice {
    /// The family id in lower-case hex: names the pairing, grants nothing. Hex, because an id
    /// is typed or pasted as a command-line argument, where one starting with `-` would read
    /// as a flag.
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

/// "My devices and apps" for the person behind a browser's cookie.
// Made once per request and moved straight to its page: boxing would cost more reading than
// the bytes it saves.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum MyDevices {
    /// Nobody is signed in on this browser.
    SignIn,
    Listed {
        user: User,
        devices: Vec<PairedDevice>,
        apps: Vec<AllowedApp>,
        now: Timestamp,
    },
}

/// What became of one of that page's buttons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    SignIn,
    /// Ended; the name of the device's app or of the app.
    Done(String),
    /// Nothing of the person's goes by that name.
    NotFound,
}

fn format_id(id: &FamilyId) -> String {
    id.iter().map(|b| format!("{b:02x}")).collect()
}

fn parse_id(id: &str) -> Option<FamilyId> {
    if id.len() != 2 * std::mem::size_of::<FamilyId>() || !id.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return None;
    }
    let mut out = FamilyId::default();
    for (byte, pair) in out.iter_mut().zip(id.as_bytes().chunks(2)) {
        *byte = u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?;
    }
    Some(out)
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
            id: format_id(id),
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

    /// Revokes the refresh `families` and the access tokens in `sets`, issued up to `now`, in
    /// one transaction.
    pub(super) fn revoke_grants(
        &self,
        families: &[FamilyId],
        sets: &[IssuedTo<'_>],
        now: Timestamp,
        audit: Option<AuditEvent>,
    ) -> Result<(), AppError> {
        // Remembered until the longest-lived of those tokens has expired anyway.
        let keep = self.longest_access_token_lifetime()? + std::time::Duration::from_secs(1);
        let audit = match audit {
            Some(event) => self.audit_rows(event)?,
            None => AuditRows::none(),
        };
        Ok(self.store.revoke_tokens(families, sets, now, keep, audit)?)
    }

    /// Every access token in `sets`, issued up to `now`, stops working.
    pub(super) fn revoke_token_sets(
        &self,
        sets: &[IssuedTo<'_>],
        now: Timestamp,
        audit: AuditEvent,
    ) -> Result<(), AppError> {
        self.revoke_grants(&[], sets, now, Some(audit))
    }

    /// Revokes a refresh family and the access tokens of its grant (RFC 7009 §2.1), and no
    /// others: the client's tokens from the person's other grants, say another TV that never
    /// asked for lasting access, keep working.
    pub(super) fn end_pairing(
        &self,
        id: &FamilyId,
        family: &RefreshFamily,
    ) -> Result<(), AppError> {
        let now = self.now();
        let grant_id = super::tokens::family_grant_id(family);
        let (client_id, sub) = (family.client_id.as_str(), family.sub.as_str());
        self.revoke_grants(
            &[*id],
            &[
                IssuedTo::Grant {
                    client_id,
                    sub,
                    grant_id: Some(&grant_id),
                },
                // Tokens signed before access tokens named their grant could be any grant's:
                // they go as they always did, with all the client's for the person.
                IssuedTo::Grant {
                    client_id,
                    sub,
                    grant_id: None,
                },
            ],
            now,
            Some(
                AuditEvent::new(AuditKind::Revoked, now)
                    .subject(family.sub.as_str())
                    .client(family.client_id.as_str()),
            ),
        )?;
        Ok(())
    }

    /// Signs a device out: its refresh family is revoked and the access tokens of its grant stop
    /// working. `only_for` limits this to one person's own devices.
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

impl App {
    /// `GET /devices`: the signed-in person's devices and the apps they allowed.
    pub fn my_devices(&self, cookie: &str) -> Result<MyDevices, AppError> {
        let Some((_, user)) = self.signed_in(cookie)? else {
            return Ok(MyDevices::SignIn);
        };
        Ok(MyDevices::Listed {
            devices: self.devices_of(&user.sub)?,
            apps: self.allowed_apps(&user.sub)?,
            user,
            now: self.now(),
        })
    }

    /// `POST /devices/sign-out`: signs one of the person's own devices out.
    pub fn sign_out_my_device(&self, cookie: &str, id: &str) -> Result<Ended, AppError> {
        self.as_signed_in(cookie, |user| {
            Ok(self.sign_out_device(id, Some(&user.sub))?.client_name)
        })
    }

    /// `POST /devices/forget-app`: takes back a web app's permission to sign the person in
    /// without asking.
    pub fn forget_my_app(&self, cookie: &str, client_id: &str) -> Result<Ended, AppError> {
        self.as_signed_in(cookie, |user| {
            let name = match self.client(client_id) {
                Ok(client) => client.name,
                Err(AppError::NotFound(_) | AppError::Invalid(_)) => String::new(),
                Err(fault) => return Err(fault),
            };
            self.revoke_consent(&user.sub, client_id)?;
            Ok(name)
        })
    }

    /// Runs `act` as the person behind `cookie`; what it did not find is [`Ended::NotFound`].
    fn as_signed_in(
        &self,
        cookie: &str,
        act: impl FnOnce(&User) -> Result<String, AppError>,
    ) -> Result<Ended, AppError> {
        let Some((_, user)) = self.signed_in(cookie)? else {
            return Ok(Ended::SignIn);
        };
        match act(&user) {
            Ok(name) => Ok(Ended::Done(name)),
            Err(AppError::NotFound(_)) => Ok(Ended::NotFound),
            Err(fault) => Err(fault),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairing_ids_are_hex_and_read_back() {
        let id: FamilyId = [0xfb, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 0xff];
        let text = format_id(&id);
        assert_eq!(text, "fb000102030405060708090a0b0c0dff");
        assert_eq!(parse_id(&text), Some(id));
        assert_eq!(parse_id(&text.to_uppercase()), Some(id));
        assert_eq!(parse_id("-P3x"), None);
        assert_eq!(parse_id(&"+f".repeat(16)), None);
        assert_eq!(parse_id(&"é".repeat(16)), None);
        assert_eq!(parse_id(&"g".repeat(32)), None);
    }
}
