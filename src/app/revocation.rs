//! Introspection (RFC 7662) and revocation (RFC 7009) of the tokens authbox issued.

use serde::Serialize;

use super::{App, ProtocolError};
use crate::crypto::hash::sha256;
use crate::domain::audit::{AuditEvent, AuditKind};
use crate::domain::client::Client;
use crate::domain::oauth::{ErrorCode, OAuthFailure};
use crate::domain::refresh::TokenState;
use crate::domain::time::Timestamp;
use crate::domain::user::Subject;

/// RFC 7662 §2.2. An inactive token says `active: false` and nothing else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Introspection {
    pub active: bool,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub details: Option<TokenDetails>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenDetails {
    pub scope: String,
    pub client_id: String,
    pub sub: String,
    pub exp: u64,
    pub iat: u64,
    pub iss: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aud: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
    pub token_type: &'static str,
}

const INACTIVE: Introspection = Introspection {
    active: false,
    details: None,
};

fn refuse(code: ErrorCode, description: &str) -> ProtocolError {
    ProtocolError::OAuth(OAuthFailure::new(code, description))
}

impl App {
    /// Whether the person `sub` may still use what they were given: a disabled or removed
    /// account's tokens are dead, whatever their expiry says.
    fn account_usable(&self, sub: &str) -> Result<bool, ProtocolError> {
        let user = self
            .store
            .user_by_sub(&Subject::from_stored(sub.to_owned()))?;
        Ok(user.is_some_and(|u| !u.disabled))
    }

    /// What a resource server may learn of `token`. Only confidential clients may ask: a public
    /// client's id proves nothing, and token scanning must not be open to anyone (§2.1, §4).
    /// A token the caller may not see (§4: another client's, unless the caller is a resource
    /// server) and a token of an account that is disabled or removed are `active: false`,
    /// indistinguishable from unknown ones (§2.2).
    pub fn introspect(&self, caller: &Client, token: &str) -> Result<Introspection, ProtocolError> {
        if !caller.is_confidential() || caller.disabled {
            return Err(refuse(
                ErrorCode::InvalidClient,
                "only confidential clients may introspect",
            ));
        }
        // The hint only orders the search (§2.1); every kind is tried.
        if let Some(access) = self.verify_access_token(token) {
            // Only a person's token has `auth_time`; a client's own has no account behind it.
            let person_gone = access.auth_time.is_some() && !self.account_usable(&access.sub)?;
            if !caller.may_introspect_tokens_of(&access.client_id) || person_gone {
                return Ok(INACTIVE);
            }
            return Ok(Introspection {
                active: true,
                details: Some(TokenDetails {
                    scope: access.scopes.to_string(),
                    client_id: access.client_id,
                    sub: access.sub,
                    exp: access.exp,
                    iat: access.iat,
                    iss: self.settings.issuer.clone(),
                    aud: Some(access.audiences),
                    jti: Some(access.jti),
                    token_type: "Bearer",
                }),
            });
        }
        let now = self.now();
        let Some((state, _, family)) = self.store.refresh_token(&sha256(token.as_bytes()))? else {
            return Ok(INACTIVE);
        };
        if state != TokenState::Current
            || !family.is_live(now)
            || !caller.may_introspect_tokens_of(family.client_id.as_str())
            || !self.account_usable(family.sub.as_str())?
        {
            return Ok(INACTIVE);
        }
        let exp = family
            .last_used_at
            .plus(family.idle)
            .min(family.hard_expiry());
        Ok(Introspection {
            active: true,
            details: Some(TokenDetails {
                scope: family.scopes.to_string(),
                client_id: family.client_id.to_string(),
                sub: family.sub.to_string(),
                exp: exp.secs(),
                iat: family.created_at.secs(),
                iss: self.settings.issuer.clone(),
                aud: None,
                jti: None,
                token_type: "refresh_token",
            }),
        })
    }

    /// RFC 7009 §2.1: revokes `token` if it is `client`'s. A refresh token takes its family and
    /// the access tokens issued with it; an access token is denied until it expires. Another
    /// client's token is left alone (`invalid_grant`, SPEC D4); an unknown one is no error.
    pub fn revoke(&self, client: &Client, token: &str) -> Result<(), ProtocolError> {
        if client.disabled {
            return Err(refuse(
                ErrorCode::InvalidClient,
                "client authentication failed",
            ));
        }
        let not_yours = || {
            refuse(
                ErrorCode::InvalidGrant,
                "the token was not issued to this client",
            )
        };
        if let Some((_, family_id, family)) = self.store.refresh_token(&sha256(token.as_bytes()))? {
            if family.client_id != client.id {
                return Err(not_yours());
            }
            self.end_pairing(&family_id, &family)?;
            return Ok(());
        }
        if let Some(access) = self.verify_access_token(token) {
            if access.client_id != client.id.as_str() {
                return Err(not_yours());
            }
            let revoked = AuditEvent::new(AuditKind::Revoked, self.now())
                .subject(access.sub.as_str())
                .client(client.id.as_str());
            self.store.revoke_jti(
                &access.jti,
                Timestamp::from_secs(access.exp),
                self.audit_rows(revoked)?,
            )?;
            tracing::info!(client_id = %client.id, "revoked an access token");
        }
        Ok(())
    }
}
