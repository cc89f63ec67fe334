//! Authorization codes (RFC 6749 §4.1): what is kept of one, and what presenting it finds.

use super::client::ClientId;
use super::oauth::{ErrorCode, OAuthFailure};
use super::scope::ScopeSet;
use super::second_factor::SignInMethod;
use super::time::Timestamp;
use super::user::Subject;

/// RFC 7636 §4.2: an S256 challenge is the base64url SHA-256 of the verifier, 43 characters.
const S256_CHALLENGE_LEN: usize = 43;

/// The S256 code challenge of an authorization request. `plain` is never accepted: it would
/// let anyone who sees the request redeem the code (RFC 9700 §2.1.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeChallenge(String);

impl CodeChallenge {
    pub fn parse(challenge: Option<&str>, method: Option<&str>) -> Result<Self, OAuthFailure> {
        let invalid = |why: &str| OAuthFailure::new(ErrorCode::InvalidRequest, why);
        let challenge = challenge.ok_or_else(|| {
            invalid("code_challenge is required: this server requires PKCE with S256")
        })?;
        match method {
            Some("S256") => {}
            None | Some("plain") => {
                return Err(invalid(
                    "code_challenge_method must be S256: plain is not supported",
                ));
            }
            Some(_) => return Err(invalid("code_challenge_method must be S256")),
        }
        let well_formed = challenge.len() == S256_CHALLENGE_LEN
            && challenge
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !well_formed {
            return Err(invalid(
                "code_challenge must be the 43-character base64url SHA-256 of the verifier",
            ));
        }
        Ok(CodeChallenge(challenge.to_owned()))
    }

    pub fn from_stored(challenge: String) -> Self {
        CodeChallenge(challenge)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// RFC 7636 §4.1: 43 to 128 unreserved characters.
pub fn is_well_formed_verifier(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// An authorization code's record; the code itself is never stored, only its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationCode {
    pub client_id: ClientId,
    pub redirect_uri: String,
    pub redirect_uri_presented: bool,
    pub sub: Subject,
    pub scopes: ScopeSet,
    pub nonce: Option<String>,
    pub code_challenge: CodeChallenge,
    pub auth_time: Timestamp,
    /// How the person signed in (OIDC `amr`).
    pub method: SignInMethod,
    pub issued_at: Timestamp,
    pub expires_at: Timestamp,
    pub state: CodeState,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeState {
    Issued,
    /// Exchanged once; `family` is the refresh family it started, if any, so a replay can
    /// revoke it.
    Redeemed {
        at: Timestamp,
        family: Option<[u8; 16]>,
    },
}

/// What presenting a code at the token endpoint finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redemption {
    /// Exchange it.
    Redeem,
    /// Expired, another client's, or bound to another redirect URI: refuse, change nothing.
    Refuse,
    /// Already exchanged: someone holds a copy. Refuse, and revoke what it produced.
    Replayed { family: Option<[u8; 16]> },
}

impl AuthorizationCode {
    /// RFC 6749 §4.1.3: the code must be this client's, unexpired, and the redirect URI the same
    /// as in the authorization request.
    pub fn judge(
        &self,
        client: &ClientId,
        redirect_uri: Option<&str>,
        now: Timestamp,
    ) -> Redemption {
        if self.client_id != *client {
            return Redemption::Refuse;
        }
        if let CodeState::Redeemed { family, .. } = self.state {
            return Redemption::Replayed { family };
        }
        let redirect_ok = match redirect_uri {
            Some(presented) => presented == self.redirect_uri,
            None => !self.redirect_uri_presented,
        };
        if !redirect_ok || now >= self.expires_at {
            return Redemption::Refuse;
        }
        Redemption::Redeem
    }
}
