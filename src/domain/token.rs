//! The claims of the tokens authbox signs: RFC 9068 access tokens and OIDC ID tokens.
//!
//! Claims that do not apply are left out, never sent as `null` (OIDC Core §2, §5.3.2).

use serde::Serialize;

use super::scope::ScopeSet;
use super::second_factor::SignInMethod;
use super::time::Timestamp;
use super::user::User;

/// RFC 7519 §4.1.3: one audience as a string, several as an array.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Audience {
    One(String),
    Many(Vec<String>),
}

impl Audience {
    pub fn from_list(mut list: Vec<String>) -> Audience {
        if list.len() == 1 {
            Audience::One(list.remove(0))
        } else {
            Audience::Many(list)
        }
    }
}

/// RFC 9068 §2.2. No personal data beyond `sub` (§6): that is what UserInfo is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessTokenClaims {
    pub iss: String,
    pub sub: String,
    pub aud: Audience,
    pub exp: u64,
    pub iat: u64,
    pub jti: String,
    pub client_id: String,
    pub scope: String,
    /// When the person signed in; absent for a client acting for itself (client credentials).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_time: Option<u64>,
    /// Names the grant (the approval and its refresh tokens) the token comes from, so that
    /// revoking that grant ends its tokens and no others (RFC 7009 §2.1). Opaque; absent for
    /// a client acting for itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grant_id: Option<String>,
    /// The person's groups, when `groups` was granted, so a resource server can decide on
    /// them without asking UserInfo.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<String>>,
}

/// OIDC Core §2, with the standard claims of §5.4 that the granted scopes allow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IdTokenClaims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub exp: u64,
    pub iat: u64,
    pub auth_time: u64,
    /// RFC 8176 authentication method references: how the person signed in.
    pub amr: Vec<String>,
    pub azp: String,
    /// The authorization request's `nonce`, so the relying party can tie the token to its own
    /// request (OIDC Core §3.1.2.1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_hash: Option<String>,
    #[serde(flatten)]
    pub about: ScopedClaims,
}

/// What an ID token says about `user`, limited by `scopes`.
pub struct IdTokenInput<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub user: &'a User,
    /// The names of the groups the person is in, sorted.
    pub groups: &'a [String],
    pub scopes: &'a ScopeSet,
    pub now: Timestamp,
    pub expires_at: Timestamp,
    pub auth_time: Timestamp,
    pub method: SignInMethod,
    pub nonce: Option<String>,
    pub at_hash: Option<String>,
}

impl IdTokenClaims {
    pub fn build(input: IdTokenInput<'_>) -> IdTokenClaims {
        let user = input.user;
        IdTokenClaims {
            iss: input.issuer.to_owned(),
            sub: user.sub.as_str().to_owned(),
            aud: input.client_id.to_owned(),
            exp: input.expires_at.secs(),
            iat: input.now.secs(),
            auth_time: input.auth_time.secs(),
            amr: input.method.amr(),
            azp: input.client_id.to_owned(),
            nonce: input.nonce,
            at_hash: input.at_hash,
            about: ScopedClaims::for_scopes(user, input.scopes, input.groups),
        }
    }
}

/// The standard claims of OIDC Core §5.4 that the granted scopes allow: `profile` gives name,
/// username and `updated_at`; `email` gives the address and whether it is verified; `groups`
/// gives the names of the person's groups, sorted (empty when in none). Shared by the ID token
/// and UserInfo, so the two never disagree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScopedClaims {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred_username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<String>>,
}

impl ScopedClaims {
    pub fn for_scopes(user: &User, scopes: &ScopeSet, groups: &[String]) -> ScopedClaims {
        let profile = scopes.contains("profile");
        let email = scopes.contains("email") && user.email.is_some();
        ScopedClaims {
            name: if profile {
                user.display_name.clone()
            } else {
                None
            },
            preferred_username: profile.then(|| user.username.as_str().to_owned()),
            updated_at: profile.then(|| user.updated_at.secs()),
            email: if email {
                user.email.as_ref().map(|e| e.as_str().to_owned())
            } else {
                None
            },
            email_verified: email.then_some(user.email_verified),
            groups: scopes.contains("groups").then(|| groups.to_vec()),
        }
    }
}

/// The UserInfo response (OIDC Core §5.3.2): `sub`, and the claims the scopes allow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserInfoClaims {
    pub sub: String,
    #[serde(flatten)]
    pub about: ScopedClaims,
}

impl UserInfoClaims {
    pub fn build(user: &User, scopes: &ScopeSet, groups: &[String]) -> UserInfoClaims {
        UserInfoClaims {
            sub: user.sub.as_str().to_owned(),
            about: ScopedClaims::for_scopes(user, scopes, groups),
        }
    }
}
