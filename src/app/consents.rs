//! Remembered consents as people see them: which web apps may sign them in without asking, and
//! taking that back.

use super::{App, AppError};
use crate::domain::audit::{AuditEvent, AuditKind};
use crate::domain::client::ClientId;
use crate::domain::scope::ScopeSet;
use crate::domain::time::Timestamp;
use crate::domain::user::Subject;
use crate::store::{FamilyId, IssuedTo};

/// One app a person allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedApp {
    pub client_id: String,
    pub client_name: String,
    pub scopes: ScopeSet,
    pub granted_at: Timestamp,
}

impl App {
    /// The apps `sub` allowed, newest first. Apps removed since are left out.
    pub fn allowed_apps(&self, sub: &Subject) -> Result<Vec<AllowedApp>, AppError> {
        let mut apps = Vec::new();
        for (client_id, consent) in self.store.consents_of(sub)? {
            if let Some(client) = self.store.client(&client_id)? {
                apps.push(AllowedApp {
                    client_id: client_id.to_string(),
                    client_name: client.name,
                    scopes: consent.scopes,
                    granted_at: consent.granted_at,
                });
            }
        }
        apps.sort_by_key(|app| std::cmp::Reverse(app.granted_at));
        Ok(apps)
    }

    /// Takes back a consent: the app must ask next time, and its refresh and access tokens for
    /// this person stop working now.
    pub fn revoke_consent(&self, sub: &Subject, client_id: &str) -> Result<(), AppError> {
        let not_found = || AppError::NotFound(format!("no app {client_id:?} is allowed"));
        let client_id = ClientId::parse(client_id).map_err(|_| not_found())?;
        if !self.store.forget_consent(sub, &client_id)? {
            return Err(not_found());
        }
        let now = self.now();
        let families: Vec<FamilyId> = self
            .store
            .refresh_families_of(sub.as_str())?
            .into_iter()
            .filter(|(_, family)| family.client_id == client_id && family.revoked_at.is_none())
            .map(|(id, _)| id)
            .collect();
        let tokens = IssuedTo::ClientPerson {
            client_id: client_id.as_str(),
            sub: sub.as_str(),
        };
        let revoked = AuditEvent::new(AuditKind::Revoked, now)
            .subject(sub.as_str())
            .client(client_id.as_str());
        self.revoke_grants(&families, &[tokens], now, Some(revoked))?;
        tracing::info!(client_id = %client_id, "a person took back their consent");
        Ok(())
    }
}
