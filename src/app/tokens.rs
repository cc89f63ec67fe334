//! Minting tokens: an RFC 9068 access token and, when `openid` was granted, an ID token.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::{App, ProtocolError};
use crate::crypto::hash::at_hash;
use crate::crypto::jws;
use crate::crypto::random::random_array;
use crate::domain::client::Client;
use crate::domain::device_grant::Approval;
use crate::domain::signing::SigningAlg;
use crate::domain::time::Timestamp;
use crate::domain::token::{AccessTokenClaims, Audience, IdTokenClaims, IdTokenInput};
use crate::domain::user::User;

/// SPEC D2: small, fast ES256 access tokens; RS256 ID tokens, which every relying party accepts.
const DEFAULT_ACCESS_TOKEN_ALG: SigningAlg = SigningAlg::Es256;
const DEFAULT_ID_TOKEN_ALG: SigningAlg = SigningAlg::Rs256;

/// A successful token response (RFC 6749 §5.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedTokens {
    pub access_token: String,
    pub expires_in: u64,
    pub scope: String,
    pub id_token: Option<String>,
    pub refresh_token: Option<String>,
}

impl App {
    pub(super) fn issue_tokens(
        &self,
        client: &Client,
        user: &User,
        approval: &Approval,
        now: Timestamp,
    ) -> Result<IssuedTokens, ProtocolError> {
        let settings = &self.settings;
        let ring = self.key_ring();
        let key = |alg: SigningAlg| {
            ring.active(alg)
                .ok_or_else(|| ProtocolError::Unavailable(format!("no active {alg} signing key")))
        };
        let lifetime = client
            .lifetimes
            .access_token
            .unwrap_or(settings.lifetimes.access_token);
        let audiences = settings
            .resources
            .audiences(&approval.scopes, &settings.userinfo_audience());
        let claims = AccessTokenClaims {
            iss: settings.issuer.clone(),
            sub: user.sub.as_str().to_owned(),
            aud: Audience::from_list(audiences),
            exp: now.plus(lifetime).secs(),
            iat: now.secs(),
            jti: URL_SAFE_NO_PAD.encode(random_array::<16>()?),
            client_id: client.id.as_str().to_owned(),
            scope: approval.scopes.to_string(),
            auth_time: approval.auth_time.secs(),
        };
        let access_key = key(client.access_token_alg.unwrap_or(DEFAULT_ACCESS_TOKEN_ALG))?;
        let access_token = jws::sign(access_key.as_ref(), "at+jwt", &claims)?;

        let id_token = if approval.scopes.contains("openid") {
            let alg = client.id_token_alg.unwrap_or(DEFAULT_ID_TOKEN_ALG);
            let claims = IdTokenClaims::build(IdTokenInput {
                issuer: &settings.issuer,
                client_id: client.id.as_str(),
                user,
                scopes: &approval.scopes,
                now,
                expires_at: now.plus(settings.lifetimes.id_token),
                auth_time: approval.auth_time,
                at_hash: Some(at_hash(alg, &access_token)),
            });
            Some(jws::sign(key(alg)?.as_ref(), "JWT", &claims)?)
        } else {
            None
        };
        Ok(IssuedTokens {
            access_token,
            expires_in: lifetime.as_secs(),
            scope: approval.scopes.to_string(),
            id_token,
            refresh_token: None,
        })
    }
}
