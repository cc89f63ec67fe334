//! Refresh tokens (keyed by SHA-256) and their families.

use redb::{ReadableTable, WriteTransaction};

use super::expiry::{RowKind, index_expiry};
use super::records::{
    decode_refresh_family, decode_refresh_token, encode_refresh_family, encode_refresh_token,
};
use super::tables::{
    REFRESH_FAMILY_ID_TO_FAMILY, REFRESH_TOKEN_HASH_TO_TOKEN, USER_SUB_FAMILY_TO_NOTHING,
};
use super::{Store, StoreError};
use crate::domain::refresh::{RefreshFamily, TokenState};
use crate::domain::time::Timestamp;

pub type RefreshTokenHash = [u8; 32];
pub type FamilyId = [u8; 16];

/// What a rotation found when it came to swap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Swap {
    Rotated,
    /// The token was no longer current: another refresh got there first.
    Lost,
}

/// A family about to start with its first token; both go when the family's hard expiry
/// passes. Stored on its own, or with the grant redemption that produced it.
#[derive(Debug, Clone)]
pub struct NewRefreshFamily {
    pub id: FamilyId,
    pub family: RefreshFamily,
    pub first: RefreshTokenHash,
}

impl NewRefreshFamily {
    pub(super) fn insert(&self, txn: &WriteTransaction) -> Result<(), StoreError> {
        let (id, family, first) = (&self.id, &self.family, &self.first);
        txn.open_table(REFRESH_FAMILY_ID_TO_FAMILY)?
            .insert(id.as_slice(), encode_refresh_family(family)?.as_slice())?;
        txn.open_table(REFRESH_TOKEN_HASH_TO_TOKEN)?.insert(
            first.as_slice(),
            encode_refresh_token(id, TokenState::Current)?.as_slice(),
        )?;
        txn.open_table(USER_SUB_FAMILY_TO_NOTHING)?
            .insert((family.sub.as_str(), id.as_slice()), ())?;
        index_expiry(txn, family.hard_expiry(), RowKind::RefreshFamily, id)?;
        index_expiry(txn, family.hard_expiry(), RowKind::RefreshToken, first)
    }
}

impl Store {
    pub fn insert_refresh_family(&self, new: NewRefreshFamily) -> Result<(), StoreError> {
        self.write(move |txn| new.insert(txn))
    }

    /// The presented token's state and its family.
    pub fn refresh_token(
        &self,
        hash: &RefreshTokenHash,
    ) -> Result<Option<(TokenState, FamilyId, RefreshFamily)>, StoreError> {
        let read = self.begin_read()?;
        let tokens = read.open_table(REFRESH_TOKEN_HASH_TO_TOKEN)?;
        let Some((family_id, state)) = tokens
            .get(hash.as_slice())?
            .map(|r| decode_refresh_token(r.value()))
            .transpose()?
        else {
            return Ok(None);
        };
        let families = read.open_table(REFRESH_FAMILY_ID_TO_FAMILY)?;
        let family = families
            .get(family_id.as_slice())?
            .map(|r| decode_refresh_family(r.value()))
            .transpose()?;
        Ok(family.map(|f| (state, family_id, f)))
    }

    /// Swaps `old` for `new` in one write transaction, if `old` is still its family's current
    /// token: the compare-and-swap that lets one of several racing refreshes win.
    pub fn rotate_refresh_token(
        &self,
        old: &RefreshTokenHash,
        new: &RefreshTokenHash,
        now: Timestamp,
    ) -> Result<Swap, StoreError> {
        let (old, new) = (*old, *new);
        self.write(move |txn| {
            let mut tokens = txn.open_table(REFRESH_TOKEN_HASH_TO_TOKEN)?;
            let found = tokens
                .get(old.as_slice())?
                .map(|r| decode_refresh_token(r.value()))
                .transpose()?;
            let Some((family_id, TokenState::Current)) = found else {
                return Ok(Swap::Lost);
            };
            let mut families = txn.open_table(REFRESH_FAMILY_ID_TO_FAMILY)?;
            let family = families
                .get(family_id.as_slice())?
                .map(|r| decode_refresh_family(r.value()))
                .transpose()?;
            let Some(mut family) = family.filter(|f| f.revoked_at.is_none()) else {
                return Ok(Swap::Lost);
            };
            tokens.insert(
                old.as_slice(),
                encode_refresh_token(&family_id, TokenState::Rotated)?.as_slice(),
            )?;
            tokens.insert(
                new.as_slice(),
                encode_refresh_token(&family_id, TokenState::Current)?.as_slice(),
            )?;
            family.last_used_at = now;
            families.insert(
                family_id.as_slice(),
                encode_refresh_family(&family)?.as_slice(),
            )?;
            index_expiry(txn, family.hard_expiry(), RowKind::RefreshToken, &new)?;
            Ok(Swap::Rotated)
        })
    }

    /// A person's families (live or not yet swept), newest first.
    pub fn refresh_families_of(
        &self,
        sub: &str,
    ) -> Result<Vec<(FamilyId, RefreshFamily)>, StoreError> {
        let read = self.begin_read()?;
        let index = read.open_table(USER_SUB_FAMILY_TO_NOTHING)?;
        let families = read.open_table(REFRESH_FAMILY_ID_TO_FAMILY)?;
        let mut out = Vec::new();
        let empty: &[u8] = &[];
        for entry in index.range((sub, empty)..)? {
            let (key, _) = entry?;
            let (owner, id) = key.value();
            if owner != sub {
                break;
            }
            let Ok(id) = FamilyId::try_from(id) else {
                continue;
            };
            if let Some(record) = families.get(id.as_slice())? {
                out.push((id, decode_refresh_family(record.value())?));
            }
        }
        out.sort_by_key(|(_, family)| std::cmp::Reverse(family.created_at));
        Ok(out)
    }

    /// Every family, for the administrator.
    pub fn refresh_families(&self) -> Result<Vec<(FamilyId, RefreshFamily)>, StoreError> {
        let read = self.begin_read()?;
        let families = read.open_table(REFRESH_FAMILY_ID_TO_FAMILY)?;
        let mut out = Vec::new();
        for entry in families.iter()? {
            let (id, record) = entry?;
            if let Ok(id) = FamilyId::try_from(id.value()) {
                out.push((id, decode_refresh_family(record.value())?));
            }
        }
        out.sort_by_key(|(_, family)| std::cmp::Reverse(family.created_at));
        Ok(out)
    }

    pub fn refresh_family(&self, id: &FamilyId) -> Result<Option<RefreshFamily>, StoreError> {
        let read = self.begin_read()?;
        let families = read.open_table(REFRESH_FAMILY_ID_TO_FAMILY)?;
        families
            .get(id.as_slice())?
            .map(|r| decode_refresh_family(r.value()))
            .transpose()
    }
}

/// Marks a family revoked at `now` within `txn`, unless it already is: none of its tokens works
/// again. Called with the access-token revocations that go with it (`Store::revoke_tokens`).
pub(super) fn mark_family_revoked(
    txn: &WriteTransaction,
    id: &FamilyId,
    now: Timestamp,
) -> Result<(), StoreError> {
    let mut families = txn.open_table(REFRESH_FAMILY_ID_TO_FAMILY)?;
    let family = families
        .get(id.as_slice())?
        .map(|r| decode_refresh_family(r.value()))
        .transpose()?;
    if let Some(mut family) = family.filter(|f| f.revoked_at.is_none()) {
        family.revoked_at = Some(now);
        families.insert(id.as_slice(), encode_refresh_family(&family)?.as_slice())?;
    }
    Ok(())
}
