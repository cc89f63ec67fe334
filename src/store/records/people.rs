//! People and their browser sessions.

use serde::{Deserialize, Serialize};

use super::{StoreError, V1, corrupt, decode, encode};
use crate::domain::session::Session;
use crate::domain::time::Timestamp;
use crate::domain::user::{Email, PasswordHash, Subject, User, Username};

#[derive(Serialize, Deserialize)]
struct UserV1 {
    sub: String,
    username: String,
    display_name: Option<String>,
    email: Option<String>,
    email_verified: bool,
    password_phc: String,
    disabled: bool,
    admin: bool,
    created_at_ms: u64,
    updated_at_ms: u64,
}

pub fn encode_user(user: &User) -> Result<Vec<u8>, StoreError> {
    encode(
        V1,
        &UserV1 {
            sub: user.sub.as_str().to_owned(),
            username: user.username.as_str().to_owned(),
            display_name: user.display_name.clone(),
            email: user.email.as_ref().map(|e| e.as_str().to_owned()),
            email_verified: user.email_verified,
            password_phc: user.password_hash.as_phc().to_owned(),
            disabled: user.disabled,
            admin: user.admin,
            created_at_ms: user.created_at.millis(),
            updated_at_ms: user.updated_at.millis(),
        },
    )
}

pub fn decode_user(bytes: &[u8]) -> Result<User, StoreError> {
    let r: UserV1 = decode("user", bytes)?;
    Ok(User {
        sub: Subject::from_stored(r.sub),
        username: Username::parse(&r.username).map_err(corrupt("username"))?,
        display_name: r.display_name,
        email: r
            .email
            .as_deref()
            .map(Email::parse)
            .transpose()
            .map_err(corrupt("email"))?,
        email_verified: r.email_verified,
        password_hash: PasswordHash::from_phc(r.password_phc),
        disabled: r.disabled,
        admin: r.admin,
        created_at: Timestamp::from_millis(r.created_at_ms),
        updated_at: Timestamp::from_millis(r.updated_at_ms),
    })
}

#[derive(Serialize, Deserialize)]
struct SessionV1 {
    sub: String,
    auth_time_ms: u64,
    last_seen_ms: u64,
}

pub fn encode_session(session: &Session) -> Result<Vec<u8>, StoreError> {
    encode(
        V1,
        &SessionV1 {
            sub: session.sub.to_string(),
            auth_time_ms: session.auth_time.millis(),
            last_seen_ms: session.last_seen.millis(),
        },
    )
}

pub fn decode_session(bytes: &[u8]) -> Result<Session, StoreError> {
    let r: SessionV1 = decode("session", bytes)?;
    Ok(Session {
        sub: Subject::from_stored(r.sub),
        auth_time: Timestamp::from_millis(r.auth_time_ms),
        last_seen: Timestamp::from_millis(r.last_seen_ms),
    })
}
