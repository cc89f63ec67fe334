//! Browser sessions, keyed by the SHA-256 of their id, and the server's form key.

use std::time::Duration;

use redb::ReadableTable;

use super::audit::AuditRows;
use super::expiry::{RowKind, index_expiry};
use super::records::{decode_session, encode_session};
use super::tables::{META_FORM_KEY, META_KEY_TO_VALUE, SESSION_ID_HASH_TO_SESSION};
use super::{Store, StoreError};
use crate::domain::session::Session;
use crate::domain::time::Timestamp;
use crate::domain::user::Subject;

pub type SessionIdHash = [u8; 32];

impl Store {
    /// Stores a new session, with the `audit` events that tell of it; the sweeper deletes it at
    /// its absolute expiry.
    pub fn insert_session(
        &self,
        hash: &SessionIdHash,
        session: &Session,
        max: Duration,
        audit: AuditRows,
    ) -> Result<(), StoreError> {
        let (hash, record) = (*hash, encode_session(session)?);
        let expires = session.hard_expiry(max);
        self.write(move |txn| {
            txn.open_table(SESSION_ID_HASH_TO_SESSION)?
                .insert(hash.as_slice(), record.as_slice())?;
            index_expiry(txn, expires, RowKind::Session, &hash)?;
            audit.write(txn)
        })
    }

    pub fn session(&self, hash: &SessionIdHash) -> Result<Option<Session>, StoreError> {
        let read = self.begin_read()?;
        let sessions = read.open_table(SESSION_ID_HASH_TO_SESSION)?;
        sessions
            .get(hash.as_slice())?
            .map(|r| decode_session(r.value()))
            .transpose()
    }

    pub fn touch_session(&self, hash: &SessionIdHash, now: Timestamp) -> Result<(), StoreError> {
        let hash = *hash;
        self.write(move |txn| {
            let mut sessions = txn.open_table(SESSION_ID_HASH_TO_SESSION)?;
            let found = sessions
                .get(hash.as_slice())?
                .map(|r| decode_session(r.value()))
                .transpose()?;
            if let Some(mut session) = found {
                session.last_seen = now;
                sessions.insert(hash.as_slice(), encode_session(&session)?.as_slice())?;
            }
            Ok(())
        })
    }

    pub fn remove_session(&self, hash: &SessionIdHash) -> Result<(), StoreError> {
        let hash = *hash;
        self.write(move |txn| {
            txn.open_table(SESSION_ID_HASH_TO_SESSION)?
                .remove(hash.as_slice())?;
            Ok(())
        })
    }

    /// Ends every session of `sub` but `keep` (the one a person changes their password in);
    /// returns how many ended. Sessions are keyed by their cookie's digest alone, so this reads
    /// them all: a home lab's few hundred at most, and only when an account changes. `audit` is
    /// written only when some ended.
    pub fn remove_sessions_of(
        &self,
        sub: &Subject,
        keep: Option<SessionIdHash>,
        audit: AuditRows,
    ) -> Result<usize, StoreError> {
        let sub = sub.clone();
        self.write(move |txn| {
            let mut sessions = txn.open_table(SESSION_ID_HASH_TO_SESSION)?;
            let mut theirs = Vec::new();
            for entry in sessions.iter()? {
                let (hash, record) = entry?;
                let kept = keep.is_some_and(|k| k.as_slice() == hash.value());
                if !kept && decode_session(record.value())?.sub == sub {
                    theirs.push(hash.value().to_vec());
                }
            }
            for hash in &theirs {
                sessions.remove(hash.as_slice())?;
            }
            if !theirs.is_empty() {
                audit.write(txn)?;
            }
            Ok(theirs.len())
        })
    }

    /// The server's form key, stored from `fresh` the first time, in one write transaction so
    /// that two starts never settle on different keys.
    pub fn form_key(&self, fresh: [u8; 32]) -> Result<[u8; 32], StoreError> {
        self.write(move |txn| {
            let mut meta = txn.open_table(META_KEY_TO_VALUE)?;
            let existing = meta
                .get(META_FORM_KEY)?
                .and_then(|v| <[u8; 32]>::try_from(v.value()).ok());
            match existing {
                Some(key) => Ok(key),
                None => {
                    meta.insert(META_FORM_KEY, fresh.as_slice())?;
                    Ok(fresh)
                }
            }
        })
    }
}
