//! What a person granted a client, in either flow: the device grant's approval and the
//! authorization code's consent both come down to it, and the tokens are issued from it.

use super::scope::ScopeSet;
use super::second_factor::SignInMethod;
use super::time::Timestamp;
use super::user::Subject;

/// What the person decided on a consent page: who, which scopes, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    pub sub: Subject,
    /// The scopes granted: the requested ones, or fewer.
    pub scopes: ScopeSet,
    /// When the person last proved who they are (OIDC `auth_time`).
    pub auth_time: Timestamp,
    /// How the approving person signed in (OIDC `amr`).
    pub method: SignInMethod,
    pub approved_at: Timestamp,
}
