//! Checking the access tokens authbox issued, as its own resource server (UserInfo) and for
//! introspection (RFC 9068 §4): signature by a published key, `typ`, `iss`, `exp`, `aud`.

use serde_json::Value;

use super::App;
use crate::crypto::jws;
use crate::domain::scope::ScopeSet;
use crate::domain::time::Timestamp;
use crate::domain::token::UserInfoClaims;
use crate::domain::user::Subject;
use crate::store::PresentedToken;

/// A valid access token's claims that matter here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessToken {
    pub sub: String,
    pub client_id: String,
    pub scopes: ScopeSet,
    pub audiences: Vec<String>,
    pub iat: u64,
    pub exp: u64,
    pub jti: String,
    /// Present when a person signed in for it; absent for a client acting for itself.
    pub auth_time: Option<u64>,
    /// The grant it comes from; absent for a client acting for itself.
    pub grant_id: Option<String>,
}

/// Why a bearer token is refused (RFC 6750 §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BearerError {
    InvalidToken,
    InsufficientScope,
}

fn string(claims: &Value, name: &str) -> Option<String> {
    claims.get(name)?.as_str().map(str::to_owned)
}

impl App {
    /// The token's claims if authbox issued it, it is an access token (not an ID token: `typ`
    /// decides), and it has neither expired nor been revoked.
    pub fn verify_access_token(&self, token: &str) -> Option<AccessToken> {
        let now = self.now();
        let ring = self.key_ring();
        let verified = jws::verify(token, |kid| ring.published(kid, now))?;
        if !matches!(
            verified.typ.as_deref(),
            Some("at+jwt" | "application/at+jwt")
        ) {
            return None;
        }
        let claims = verified.claims;
        if string(&claims, "iss")? != self.settings.issuer {
            return None;
        }
        let exp = claims.get("exp")?.as_u64()?;
        if exp <= now.secs() {
            return None;
        }
        let audiences = match claims.get("aud")? {
            Value::String(one) => vec![one.clone()],
            Value::Array(many) => many
                .iter()
                .filter_map(|a| a.as_str().map(str::to_owned))
                .collect(),
            _ => return None,
        };
        let token = AccessToken {
            sub: string(&claims, "sub")?,
            client_id: string(&claims, "client_id")?,
            scopes: ScopeSet::parse(&string(&claims, "scope").unwrap_or_default()).ok()?,
            audiences,
            iat: claims.get("iat")?.as_u64()?,
            exp,
            jti: string(&claims, "jti")?,
            auth_time: claims.get("auth_time").and_then(Value::as_u64),
            grant_id: string(&claims, "grant_id"),
        };
        // A store that cannot answer counts as revoked: refusing is the safe side.
        let revoked = self
            .store
            .access_token_revoked(&PresentedToken {
                jti: &token.jti,
                client_id: &token.client_id,
                sub: &token.sub,
                grant_id: token.grant_id.as_deref(),
                issued_at: Timestamp::from_secs(token.iat),
            })
            .unwrap_or(true);
        (!revoked).then_some(token)
    }

    /// OIDC Core §5.3: the claims of the token's user, as its scopes allow. The token must be
    /// for UserInfo (RFC 9700 §2.3) and carry `openid`.
    pub fn userinfo(&self, token: &str) -> Result<UserInfoClaims, BearerError> {
        let access = self
            .verify_access_token(token)
            .ok_or(BearerError::InvalidToken)?;
        if !access
            .audiences
            .contains(&self.settings.userinfo_audience())
        {
            return Err(BearerError::InvalidToken);
        }
        if !access.scopes.contains("openid") {
            return Err(BearerError::InsufficientScope);
        }
        let user = self
            .store
            .user_by_sub(&Subject::from_stored(access.sub.clone()))
            .ok()
            .flatten()
            .filter(|u| !u.disabled)
            .ok_or(BearerError::InvalidToken)?;
        let groups = if access.scopes.contains("groups") {
            self.group_names_of(&user.sub)
                .map_err(|_| BearerError::InvalidToken)?
        } else {
            Vec::new()
        };
        Ok(UserInfoClaims::build(&user, &access.scopes, &groups))
    }
}
