//! Remembered consents: which scopes a person let each web app have.

use super::audit::AuditRows;
use super::records::{decode_consent, encode_consent};
use super::tables::USER_SUB_CLIENT_TO_CONSENT;
use super::{Store, StoreError};
use crate::domain::authorization::Consent;
use crate::domain::client::ClientId;
use crate::domain::user::Subject;

impl Store {
    pub fn consent(&self, sub: &Subject, client: &ClientId) -> Result<Option<Consent>, StoreError> {
        let read = self.begin_read()?;
        let consents = read.open_table(USER_SUB_CLIENT_TO_CONSENT)?;
        consents
            .get((sub.as_str(), client.as_str()))?
            .map(|r| decode_consent(r.value()))
            .transpose()
    }

    /// Records a consent, replacing any earlier one for the same person and client, with the
    /// `audit` events that tell of it.
    pub fn remember_consent(
        &self,
        sub: &Subject,
        client: &ClientId,
        consent: &Consent,
        audit: AuditRows,
    ) -> Result<(), StoreError> {
        let (sub, client, record) = (sub.clone(), client.clone(), encode_consent(consent)?);
        self.write(move |txn| {
            txn.open_table(USER_SUB_CLIENT_TO_CONSENT)?
                .insert((sub.as_str(), client.as_str()), record.as_slice())?;
            audit.write(txn)
        })
    }

    /// Forgets a consent; `false` when there was none.
    pub fn forget_consent(&self, sub: &Subject, client: &ClientId) -> Result<bool, StoreError> {
        let (sub, client) = (sub.clone(), client.clone());
        self.write(move |txn| {
            Ok(txn
                .open_table(USER_SUB_CLIENT_TO_CONSENT)?
                .remove((sub.as_str(), client.as_str()))?
                .is_some())
        })
    }

    /// A person's consents, by client id.
    pub fn consents_of(&self, sub: &Subject) -> Result<Vec<(ClientId, Consent)>, StoreError> {
        let read = self.begin_read()?;
        let consents = read.open_table(USER_SUB_CLIENT_TO_CONSENT)?;
        let mut out = Vec::new();
        for entry in consents.range((sub.as_str(), "")..)? {
            let (key, record) = entry?;
            let (owner, client) = key.value();
            if owner != sub.as_str() {
                break;
            }
            let client = ClientId::parse(client)
                .map_err(|e| StoreError::Corrupt(format!("a consent names a bad client: {e}")))?;
            out.push((client, decode_consent(record.value())?));
        }
        Ok(out)
    }
}
