//! One-time account links, keyed by the SHA-256 of their secret. Using one is a compare-and-swap
//! in one write transaction: the link goes `Live → Used` and the account gets its new password
//! together, so of two uses at once exactly one wins.

use redb::{ReadableTable, WriteTransaction};

use super::audit::AuditRows;
use super::expiry::{RowKind, index_expiry};
use super::records::{decode_account_link, decode_user, encode_account_link, encode_user};
use super::tables::{ACCOUNT_LINK_HASH_TO_LINK, USER_SUB_TO_USER};
use super::users::put_new_user;
use super::{Store, StoreError};
use crate::domain::account_link::{AccountLink, LinkSpent, LinkState};
use crate::domain::time::Timestamp;
use crate::domain::user::{PasswordHash, User};

pub type AccountLinkHash = [u8; 32];

/// How long a link is kept past its expiry, so that a late click is told "expired" rather than
/// "unknown", and the operator's list still shows it.
const KEPT_AFTER_EXPIRY: std::time::Duration = std::time::Duration::from_secs(7 * 24 * 3600);

/// What using a link came to: the link (now used) and its account with the new password, or
/// why it could not be used; `None` when no link (or no account) is behind the hash.
pub type LinkUseResult = Option<Result<(AccountLink, User), LinkSpent>>;

/// Stores `link` under `hash` and revokes the account's other live links, so only the newest
/// link an operator handed out works.
fn put_link(
    txn: &WriteTransaction,
    hash: &AccountLinkHash,
    link: &AccountLink,
) -> Result<(), StoreError> {
    let mut links = txn.open_table(ACCOUNT_LINK_HASH_TO_LINK)?;
    let mut superseded = Vec::new();
    for entry in links.iter()? {
        let (key, record) = entry?;
        let other = decode_account_link(record.value())?;
        if other.sub == link.sub && other.state == LinkState::Live {
            superseded.push((key.value().to_vec(), other));
        }
    }
    for (key, mut other) in superseded {
        other.state = LinkState::Revoked {
            at: link.created_at,
        };
        links.insert(key.as_slice(), encode_account_link(&other)?.as_slice())?;
    }
    links.insert(hash.as_slice(), encode_account_link(link)?.as_slice())?;
    index_expiry(
        txn,
        link.expires_at.plus(KEPT_AFTER_EXPIRY),
        RowKind::AccountLink,
        hash,
    )
}

impl Store {
    /// Creates an invited account and its invitation together: the username is taken from now
    /// on, and the account cannot sign in until the link gives it a password.
    pub fn insert_invited_user(
        &self,
        user: &User,
        hash: &AccountLinkHash,
        link: &AccountLink,
        audit: AuditRows,
    ) -> Result<(), StoreError> {
        let (user, hash, link) = (user.clone(), *hash, link.clone());
        self.write(move |txn| {
            put_new_user(txn, &user)?;
            put_link(txn, &hash, &link)?;
            audit.write(txn)
        })
    }

    /// Stores a link for an existing account (a recovery link, or a new invitation).
    pub fn insert_account_link(
        &self,
        hash: &AccountLinkHash,
        link: &AccountLink,
        audit: AuditRows,
    ) -> Result<(), StoreError> {
        let (hash, link) = (*hash, link.clone());
        self.write(move |txn| {
            if txn
                .open_table(USER_SUB_TO_USER)?
                .get(link.sub.as_str())?
                .is_none()
            {
                return Err(StoreError::NotFound {
                    what: "user",
                    key: link.username.to_string(),
                });
            }
            put_link(txn, &hash, &link)?;
            audit.write(txn)
        })
    }

    pub fn account_link(&self, hash: &AccountLinkHash) -> Result<Option<AccountLink>, StoreError> {
        let read = self.begin_read()?;
        read.open_table(ACCOUNT_LINK_HASH_TO_LINK)?
            .get(hash.as_slice())?
            .map(|r| decode_account_link(r.value()))
            .transpose()
    }

    /// Every stored link (live, used or revoked until it expires), oldest first.
    pub fn account_links(&self) -> Result<Vec<AccountLink>, StoreError> {
        let read = self.begin_read()?;
        let mut links = Vec::new();
        for entry in read.open_table(ACCOUNT_LINK_HASH_TO_LINK)?.iter()? {
            links.push(decode_account_link(entry?.1.value())?);
        }
        links.sort_by_key(|l| l.created_at);
        Ok(links)
    }

    /// Revokes the live link named `id`; `Ok(None)` when no link has that id, `Err(spent)` in
    /// the inner result when it can no longer be used anyway.
    pub fn revoke_account_link(
        &self,
        id: &str,
        now: Timestamp,
        audit: AuditRows,
    ) -> Result<Option<Result<AccountLink, LinkSpent>>, StoreError> {
        let id = id.to_owned();
        self.write(move |txn| {
            let mut links = txn.open_table(ACCOUNT_LINK_HASH_TO_LINK)?;
            let mut found = None;
            for entry in links.iter()? {
                let (key, record) = entry?;
                let link = decode_account_link(record.value())?;
                if link.id == id {
                    found = Some((key.value().to_vec(), link));
                    break;
                }
            }
            let Some((key, mut link)) = found else {
                return Ok(None);
            };
            if let Err(spent) = link.usable(now) {
                return Ok(Some(Err(spent)));
            }
            link.state = LinkState::Revoked { at: now };
            links.insert(key.as_slice(), encode_account_link(&link)?.as_slice())?;
            audit.write(txn)?;
            Ok(Some(Ok(link)))
        })
    }

    /// Uses the link behind `hash` once: if it is live at `now`, marks it used and gives its
    /// account `password`, in one transaction. `Ok(None)` when no link has that hash.
    pub fn use_account_link(
        &self,
        hash: &AccountLinkHash,
        now: Timestamp,
        password: &PasswordHash,
        audit: AuditRows,
    ) -> Result<LinkUseResult, StoreError> {
        let (hash, password) = (*hash, password.clone());
        self.write(move |txn| {
            let mut links = txn.open_table(ACCOUNT_LINK_HASH_TO_LINK)?;
            let Some(mut link) = links
                .get(hash.as_slice())?
                .map(|r| decode_account_link(r.value()))
                .transpose()?
            else {
                return Ok(None);
            };
            let mut users = txn.open_table(USER_SUB_TO_USER)?;
            let Some(mut user) = users
                .get(link.sub.as_str())?
                .map(|r| decode_user(r.value()))
                .transpose()?
            else {
                // The account was removed after the link was made.
                return Ok(None);
            };
            if let Err(spent) = link.usable_on(user.password_hash.is_set(), now) {
                return Ok(Some(Err(spent)));
            }
            link.state = LinkState::Used { at: now };
            user.password_hash = password.clone();
            user.updated_at = now;
            links.insert(hash.as_slice(), encode_account_link(&link)?.as_slice())?;
            users.insert(link.sub.as_str(), encode_user(&user)?.as_slice())?;
            audit.write(txn)?;
            Ok(Some(Ok((link, user))))
        })
    }
}
