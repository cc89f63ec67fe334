//! Revoked access tokens: single tokens by `jti`, and every token of a kind issued before a
//! moment: a grant's (when its device is signed out), a client's for a person (when its refresh
//! token is reused, or the person takes the app's permission back), or a person's (when their
//! password changes or the account is removed).

use super::audit::AuditRows;
use super::expiry::{RowKind, index_expiry};
use super::refresh::{FamilyId, mark_family_revoked};
use super::tables::{CLIENT_SUB_TO_REVOKED_AT, REVOKED_JTI_TO_EXPIRY};
use super::{Store, StoreError};
use crate::domain::time::Timestamp;

/// A set of access tokens that one revocation ends, named by what the tokens carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssuedTo<'a> {
    /// Every token of the person, whichever client holds it.
    Person { sub: &'a str },
    /// Every token the client holds for the person.
    ClientPerson { client_id: &'a str, sub: &'a str },
    /// The tokens of one grant, by the `grant_id` they carry; `None` names the client's tokens
    /// for the person that carry none (issued before grants were named).
    Grant {
        client_id: &'a str,
        sub: &'a str,
        grant_id: Option<&'a str>,
    },
}

impl IssuedTo<'_> {
    /// The row key. Client ids are never empty and neither they nor subjects hold NUL, so the
    /// three shapes never meet.
    fn key(&self) -> String {
        match self {
            IssuedTo::Person { sub } => format!("\u{0}{sub}"),
            IssuedTo::ClientPerson { client_id, sub } => format!("{client_id}\u{0}{sub}"),
            IssuedTo::Grant {
                client_id,
                sub,
                grant_id,
            } => format!("{client_id}\u{0}{sub}\u{0}{}", grant_id.unwrap_or_default()),
        }
    }
}

/// What an access token says about itself, for [`Store::access_token_revoked`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PresentedToken<'a> {
    pub jti: &'a str,
    pub client_id: &'a str,
    pub sub: &'a str,
    pub grant_id: Option<&'a str>,
    pub issued_at: Timestamp,
}

impl Store {
    /// Denies one access token until it would have expired anyway; `audit` tells of it.
    pub fn revoke_jti(
        &self,
        jti: &str,
        expires: Timestamp,
        audit: AuditRows,
    ) -> Result<(), StoreError> {
        let jti = jti.to_owned();
        self.write(move |txn| {
            txn.open_table(REVOKED_JTI_TO_EXPIRY)?
                .insert(jti.as_str(), expires.secs())?;
            index_expiry(txn, expires, RowKind::RevokedJti, jti.as_bytes())?;
            audit.write(txn)
        })
    }

    /// Revokes the refresh `families` and denies every access token in `sets` issued up to
    /// `now`, in one transaction, so no crash leaves a grant revoked and its access tokens live.
    /// Each token entry lasts `keep` (the longest access-token lifetime), after which such
    /// tokens have expired anyway. `audit` tells of it, in the same transaction.
    pub fn revoke_tokens(
        &self,
        families: &[FamilyId],
        sets: &[IssuedTo<'_>],
        now: Timestamp,
        keep: std::time::Duration,
        audit: AuditRows,
    ) -> Result<(), StoreError> {
        let families = families.to_vec();
        let keys: Vec<String> = sets.iter().map(IssuedTo::key).collect();
        let forget_at = now.plus(keep);
        self.write(move |txn| {
            for id in &families {
                mark_family_revoked(txn, id, now)?;
            }
            let mut table = txn.open_table(CLIENT_SUB_TO_REVOKED_AT)?;
            for key in &keys {
                table.insert(key.as_str(), (now.millis(), forget_at.millis()))?;
                index_expiry(txn, forget_at, RowKind::ClientRevocation, key.as_bytes())?;
            }
            audit.write(txn)
        })
    }

    /// Whether an access token has been revoked: by its `jti`, or as one of the person's, the
    /// client's for the person, or its grant's tokens.
    pub fn access_token_revoked(&self, token: &PresentedToken<'_>) -> Result<bool, StoreError> {
        let read = self.begin_read()?;
        if read
            .open_table(REVOKED_JTI_TO_EXPIRY)?
            .get(token.jti)?
            .is_some()
        {
            return Ok(true);
        }
        let cutoffs = read.open_table(CLIENT_SUB_TO_REVOKED_AT)?;
        let sets = [
            IssuedTo::Person { sub: token.sub },
            IssuedTo::ClientPerson {
                client_id: token.client_id,
                sub: token.sub,
            },
            IssuedTo::Grant {
                client_id: token.client_id,
                sub: token.sub,
                grant_id: token.grant_id,
            },
        ];
        for set in sets {
            let revoked_at = cutoffs.get(set.key().as_str())?.map(|v| v.value().0);
            if revoked_at.is_some_and(|at| token.issued_at.millis() <= at) {
                return Ok(true);
            }
        }
        Ok(false)
    }
}
