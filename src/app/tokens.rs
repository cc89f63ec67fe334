//! Minting tokens: an RFC 9068 access token and, when `openid` was granted, an ID token.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::{App, ProtocolError};
use crate::crypto::hash::{at_hash, sha256};
use crate::crypto::jws;
use crate::crypto::random::random_array;
use std::sync::Arc;

use crate::crypto::keys::SigningKey;
use crate::domain::approval::Approval;
use crate::domain::client::Client;
use crate::domain::oauth::{ErrorCode, OAuthFailure};
use crate::domain::refresh::RefreshFamily;
use crate::domain::scope::ScopeSet;
use crate::domain::signing::SigningAlg;
use crate::domain::time::Timestamp;
use crate::domain::token::{AccessTokenClaims, Audience, IdTokenClaims, IdTokenInput};
use crate::domain::user::User;

/// SPEC D2: small, fast ES256 access tokens; RS256 ID tokens, which every relying party accepts.
pub(super) const DEFAULT_ACCESS_TOKEN_ALG: SigningAlg = SigningAlg::Es256;
pub(super) const DEFAULT_ID_TOKEN_ALG: SigningAlg = SigningAlg::Rs256;

/// A successful token response (RFC 6749 §5.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedTokens {
    pub access_token: String,
    pub expires_in: u64,
    pub scope: String,
    pub id_token: Option<String>,
    pub refresh_token: Option<String>,
}

/// The `grant_id` of the access tokens of the grant `client_id` got for `sub`, with the person
/// signed in at `auth_time`, whose first tokens were issued at `started_at`.
///
/// Derived rather than drawn and stored: a grant's first access token is signed before its
/// refresh family is stored (with the same `now`, which becomes the family's `created_at`),
/// and a refresh knows only the family, so both compute the same id from what they share.
/// Two grants of one person and client started in the same millisecond from one sign-in
/// would share an id, and revoking one would end the other's access tokens too: the safe side.
pub(super) fn grant_id(
    client_id: &str,
    sub: &str,
    auth_time: Timestamp,
    started_at: Timestamp,
) -> String {
    let named = format!(
        "{client_id}\u{0}{sub}\u{0}{}\u{0}{}",
        auth_time.millis(),
        started_at.millis()
    );
    URL_SAFE_NO_PAD.encode(&sha256(named.as_bytes())[..16])
}

/// The `grant_id` of the access tokens issued with `family`'s refresh tokens.
pub(super) fn family_grant_id(family: &RefreshFamily) -> String {
    grant_id(
        family.client_id.as_str(),
        family.sub.as_str(),
        family.auth_time,
        family.created_at,
    )
}

impl App {
    /// Signs an RFC 9068 access token for `sub`; returns it with its lifetime in seconds.
    /// `groups` are the person's, carried when `groups` was granted.
    fn sign_access_token(
        &self,
        client: &Client,
        sub: &str,
        scopes: &ScopeSet,
        person: Option<(Timestamp, &str)>,
        groups: Option<Vec<String>>,
        now: Timestamp,
    ) -> Result<(String, u64), ProtocolError> {
        let settings = &self.settings;
        let lifetime = client
            .lifetimes
            .access_token
            .unwrap_or(settings.lifetimes.access_token);
        let audiences = settings
            .resources
            .audiences(scopes, &settings.userinfo_audience());
        let claims = AccessTokenClaims {
            iss: settings.issuer.clone(),
            sub: sub.to_owned(),
            aud: Audience::from_list(audiences),
            exp: now.plus(lifetime).secs(),
            iat: now.secs(),
            jti: URL_SAFE_NO_PAD.encode(random_array::<16>()?),
            client_id: client.id.as_str().to_owned(),
            scope: scopes.to_string(),
            auth_time: person.map(|(auth_time, _)| auth_time.secs()),
            grant_id: person.map(|(_, grant)| grant.to_owned()),
            groups,
        };
        let alg = client.access_token_alg.unwrap_or(DEFAULT_ACCESS_TOKEN_ALG);
        let token = jws::sign(self.active_key(alg, now)?.as_ref(), "at+jwt", &claims)?;
        Ok((token, lifetime.as_secs()))
    }

    /// The key that signs for `alg` at `now`, the moment the token says it was issued.
    fn active_key(
        &self,
        alg: SigningAlg,
        now: Timestamp,
    ) -> Result<Arc<SigningKey>, ProtocolError> {
        self.key_ring()
            .active(alg, now)
            .ok_or_else(|| ProtocolError::Unavailable(format!("no active {alg} signing key")))
    }

    /// Tokens for what a person approved: an access token and, when `openid` was granted, an ID
    /// token carrying the authorization request's `nonce`, if it had one. These are a new
    /// grant's first tokens; a refresh family started for it must start at `now`.
    pub(super) fn issue_tokens(
        &self,
        client: &Client,
        user: &User,
        approval: &Approval,
        nonce: Option<&str>,
        now: Timestamp,
    ) -> Result<IssuedTokens, ProtocolError> {
        let grant = grant_id(
            client.id.as_str(),
            user.sub.as_str(),
            approval.auth_time,
            now,
        );
        self.issue_tokens_in_grant(client, user, approval, nonce, now, &grant)
    }

    /// Tokens for what a person approved, in the grant named `grant` ([`grant_id`]).
    ///
    /// Every path that gives a person tokens ends here, so the access policy is held to once
    /// more: each caller checks [`App::may_use`] first to answer in its own words, and a path
    /// added later that forgets to still issues nothing.
    pub(super) fn issue_tokens_in_grant(
        &self,
        client: &Client,
        user: &User,
        approval: &Approval,
        nonce: Option<&str>,
        now: Timestamp,
        grant: &str,
    ) -> Result<IssuedTokens, ProtocolError> {
        if !self.may_use(client, user)? {
            self.record_access_refused(client, &user.sub);
            return Err(ProtocolError::OAuth(OAuthFailure::new(
                ErrorCode::InvalidGrant,
                "this account may not use this client",
            )));
        }
        let groups = if approval.scopes.contains("groups") {
            self.group_names_of(&user.sub)?
        } else {
            Vec::new()
        };
        let (access_token, expires_in) = self.sign_access_token(
            client,
            user.sub.as_str(),
            &approval.scopes,
            Some((approval.auth_time, grant)),
            approval.scopes.contains("groups").then(|| groups.clone()),
            now,
        )?;
        let id_token = if approval.scopes.contains("openid") {
            let alg = client.id_token_alg.unwrap_or(DEFAULT_ID_TOKEN_ALG);
            let claims = IdTokenClaims::build(IdTokenInput {
                issuer: &self.settings.issuer,
                client_id: client.id.as_str(),
                user,
                groups: &groups,
                scopes: &approval.scopes,
                now,
                expires_at: now.plus(self.settings.lifetimes.id_token),
                auth_time: approval.auth_time,
                method: approval.method,
                nonce: nonce.map(str::to_owned),
                at_hash: Some(at_hash(alg, &access_token)),
            });
            Some(jws::sign(
                self.active_key(alg, now)?.as_ref(),
                "JWT",
                &claims,
            )?)
        } else {
            None
        };
        Ok(IssuedTokens {
            access_token,
            expires_in,
            scope: approval.scopes.to_string(),
            id_token,
            refresh_token: None,
        })
    }

    /// An access token for a client acting for itself (RFC 6749 §4.4): `sub` is the client
    /// (RFC 9068 §2.2), and there is no ID token or refresh token.
    pub(super) fn issue_client_token(
        &self,
        client: &Client,
        scopes: &ScopeSet,
        now: Timestamp,
    ) -> Result<IssuedTokens, ProtocolError> {
        let (access_token, expires_in) =
            self.sign_access_token(client, client.id.as_str(), scopes, None, None, now)?;
        Ok(IssuedTokens {
            access_token,
            expires_in,
            scope: scopes.to_string(),
            id_token: None,
            refresh_token: None,
        })
    }
}
