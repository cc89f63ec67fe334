//! People and their browser sessions.

use serde::{Deserialize, Serialize};

use super::{StoreError, V1, V2, corrupt, decode_body, encode, unknown_version};
use crate::domain::second_factor::{SecondFactor, SignInMethod, TotpSecret};
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

/// V2 (schema 7) adds the second factor after the V1 fields.
#[derive(Serialize, Deserialize)]
struct UserV2 {
    v1: UserV1,
    second_factor: SecondFactorV1,
}

/// 0 off, 1 enrolling, 2 on. The secret is kept as it is: the server needs it to check codes
/// (README, "Two-step sign-in").
#[derive(Serialize, Deserialize, Default)]
struct SecondFactorV1 {
    state: u8,
    secret: Vec<u8>,
    /// When the enrolment started (1), or the last accepted time step (2).
    moment: u64,
    recovery: Vec<[u8; 32]>,
}

fn encode_second_factor(factor: &SecondFactor) -> SecondFactorV1 {
    match factor {
        SecondFactor::Off => SecondFactorV1::default(),
        SecondFactor::Enrolling { secret, started_at } => SecondFactorV1 {
            state: 1,
            secret: secret.0.to_vec(),
            moment: started_at.millis(),
            recovery: Vec::new(),
        },
        SecondFactor::On {
            secret,
            last_step,
            recovery,
        } => SecondFactorV1 {
            state: 2,
            secret: secret.0.to_vec(),
            moment: *last_step,
            recovery: recovery.clone(),
        },
    }
}

fn decode_second_factor(r: SecondFactorV1) -> Result<SecondFactor, StoreError> {
    let secret = || {
        <[u8; 20]>::try_from(r.secret.as_slice())
            .map(TotpSecret)
            .map_err(|_| StoreError::Corrupt("a stored TOTP secret is not 160 bits".into()))
    };
    match r.state {
        0 => Ok(SecondFactor::Off),
        1 => Ok(SecondFactor::Enrolling {
            secret: secret()?,
            started_at: Timestamp::from_millis(r.moment),
        }),
        2 => Ok(SecondFactor::On {
            secret: secret()?,
            last_step: r.moment,
            recovery: r.recovery,
        }),
        other => Err(StoreError::Corrupt(format!(
            "a user's second factor has unknown state {other}"
        ))),
    }
}

pub fn encode_user(user: &User) -> Result<Vec<u8>, StoreError> {
    let v1 = UserV1 {
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
    };
    encode(
        V2,
        &UserV2 {
            v1,
            second_factor: encode_second_factor(&user.second_factor),
        },
    )
}

pub fn decode_user(bytes: &[u8]) -> Result<User, StoreError> {
    let (r, factor) = match bytes.split_first() {
        Some((&V1, body)) => (decode_body::<UserV1>("user", body)?, SecondFactor::Off),
        Some((&V2, body)) => {
            let r: UserV2 = decode_body("user", body)?;
            (r.v1, decode_second_factor(r.second_factor)?)
        }
        Some((&version, _)) => return Err(unknown_version("user", version)),
        None => return Err(StoreError::Corrupt("a user record is empty".into())),
    };
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
        second_factor: factor,
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

/// V2 (schema 7) adds how the person signed in.
#[derive(Serialize, Deserialize)]
struct SessionV2 {
    v1: SessionV1,
    method: u8,
}

pub fn encode_session(session: &Session) -> Result<Vec<u8>, StoreError> {
    encode(
        V2,
        &SessionV2 {
            v1: SessionV1 {
                sub: session.sub.to_string(),
                auth_time_ms: session.auth_time.millis(),
                last_seen_ms: session.last_seen.millis(),
            },
            method: session.method.to_stored(),
        },
    )
}

pub fn decode_session(bytes: &[u8]) -> Result<Session, StoreError> {
    let (r, method) = match bytes.split_first() {
        Some((&V1, body)) => (
            decode_body::<SessionV1>("session", body)?,
            SignInMethod::Password,
        ),
        Some((&V2, body)) => {
            let r: SessionV2 = decode_body("session", body)?;
            (r.v1, stored_method(r.method)?)
        }
        Some((&version, _)) => return Err(unknown_version("session", version)),
        None => return Err(StoreError::Corrupt("a session record is empty".into())),
    };
    Ok(Session {
        sub: Subject::from_stored(r.sub),
        auth_time: Timestamp::from_millis(r.auth_time_ms),
        last_seen: Timestamp::from_millis(r.last_seen_ms),
        method,
    })
}

/// A stored sign-in method byte, or why the record is unreadable.
pub(super) fn stored_method(byte: u8) -> Result<SignInMethod, StoreError> {
    SignInMethod::from_stored(byte)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown sign-in method {byte}")))
}
