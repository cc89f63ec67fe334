//! One-time account links (invitations and recovery links).
//!
//! Links carry no groups: the groups an invitation names are joined when it is made, since the
//! account exists from then on (and can do nothing until the link is used).

use serde::{Deserialize, Serialize};

use super::{StoreError, V1, corrupt, decode, encode};
use crate::domain::account_link::{AccountLink, LinkKind, LinkState};
use crate::domain::time::Timestamp;
use crate::domain::user::{Subject, Username};

const INVITATION: u8 = 1;
const RECOVERY: u8 = 2;
const LIVE: u8 = 0;
const USED: u8 = 1;
const REVOKED: u8 = 2;

#[derive(Serialize, Deserialize)]
struct AccountLinkV1 {
    id: String,
    kind: u8,
    keep_devices: bool,
    sub: String,
    username: String,
    created_at_ms: u64,
    expires_at_ms: u64,
    state: u8,
    /// When it was used or revoked; 0 while live.
    state_at_ms: u64,
}

pub fn encode_account_link(link: &AccountLink) -> Result<Vec<u8>, StoreError> {
    let (kind, keep_devices) = match link.kind {
        LinkKind::Invitation => (INVITATION, false),
        LinkKind::Recovery { keep_devices } => (RECOVERY, keep_devices),
    };
    let (state, state_at_ms) = match link.state {
        LinkState::Live => (LIVE, 0),
        LinkState::Used { at } => (USED, at.millis()),
        LinkState::Revoked { at } => (REVOKED, at.millis()),
    };
    encode(
        V1,
        &AccountLinkV1 {
            id: link.id.clone(),
            kind,
            keep_devices,
            sub: link.sub.as_str().to_owned(),
            username: link.username.as_str().to_owned(),
            created_at_ms: link.created_at.millis(),
            expires_at_ms: link.expires_at.millis(),
            state,
            state_at_ms,
        },
    )
}

pub fn decode_account_link(bytes: &[u8]) -> Result<AccountLink, StoreError> {
    let r: AccountLinkV1 = decode("account link", bytes)?;
    let kind = match r.kind {
        INVITATION => LinkKind::Invitation,
        RECOVERY => LinkKind::Recovery {
            keep_devices: r.keep_devices,
        },
        other => {
            return Err(StoreError::Corrupt(format!(
                "an account link has kind {other}"
            )));
        }
    };
    let at = Timestamp::from_millis(r.state_at_ms);
    let state = match r.state {
        LIVE => LinkState::Live,
        USED => LinkState::Used { at },
        REVOKED => LinkState::Revoked { at },
        other => {
            return Err(StoreError::Corrupt(format!(
                "an account link has state {other}"
            )));
        }
    };
    Ok(AccountLink {
        id: r.id,
        kind,
        sub: Subject::from_stored(r.sub),
        username: Username::parse(&r.username).map_err(corrupt("username"))?,
        created_at: Timestamp::from_millis(r.created_at_ms),
        expires_at: Timestamp::from_millis(r.expires_at_ms),
        state,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(kind: LinkKind, state: LinkState) -> AccountLink {
        AccountLink {
            id: "0123456789abcdef".into(),
            kind,
            sub: Subject::from_stored("sub-1".into()),
            username: Username::parse("carol").unwrap(),
            created_at: Timestamp::from_millis(1_000),
            expires_at: Timestamp::from_millis(2_000),
            state,
        }
    }

    #[test]
    fn every_kind_and_state_comes_back_as_written() {
        let at = Timestamp::from_millis(1_500);
        for kind in [
            LinkKind::Invitation,
            LinkKind::Recovery { keep_devices: true },
            LinkKind::Recovery {
                keep_devices: false,
            },
        ] {
            for state in [
                LinkState::Live,
                LinkState::Used { at },
                LinkState::Revoked { at },
            ] {
                let written = link(kind, state);
                let bytes = encode_account_link(&written).unwrap();
                assert_eq!(bytes[0], V1);
                assert_eq!(decode_account_link(&bytes).unwrap(), written);
            }
        }
    }

    #[test]
    fn unknown_versions_kinds_and_states_are_refused() {
        let bytes = encode_account_link(&link(LinkKind::Invitation, LinkState::Live)).unwrap();
        let mut newer = bytes.clone();
        newer[0] = 2;
        assert!(
            decode_account_link(&newer).is_err(),
            "a V2 this build does not know"
        );
        let record = AccountLinkV1 {
            id: "x".into(),
            kind: 7,
            keep_devices: false,
            sub: "s".into(),
            username: "carol".into(),
            created_at_ms: 0,
            expires_at_ms: 0,
            state: LIVE,
            state_at_ms: 0,
        };
        assert!(decode_account_link(&encode(V1, &record).unwrap()).is_err());
        let record = AccountLinkV1 {
            kind: INVITATION,
            state: 9,
            ..record
        };
        assert!(decode_account_link(&encode(V1, &record).unwrap()).is_err());
    }
}
