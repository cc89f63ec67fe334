//! Client authentication at the protocol endpoints (RFC 6749 §2.3).
//!
//! Every failure is the same `invalid_client` with the same description, so a caller cannot
//! tell an unknown client from a wrong secret (SPEC OA-5.2-d). Authentication proves only who
//! the client is; what a disabled client may still do is each use case's decision.

use super::App;
use super::ProtocolError;
use crate::crypto::hash::{digests_equal, sha256};
use crate::domain::client::{Client, ClientId, ClientKind};
use crate::domain::oauth::{ErrorCode, OAuthFailure};

/// What the request presented, already taken apart by the HTTP layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCredentials {
    pub client_id: String,
    /// `None` for a public client sending only its id.
    pub secret: Option<String>,
}

fn failed() -> ProtocolError {
    ProtocolError::OAuth(OAuthFailure::new(
        ErrorCode::InvalidClient,
        "client authentication failed",
    ))
}

impl App {
    pub fn authenticate_client(
        &self,
        credentials: &ClientCredentials,
    ) -> Result<Client, ProtocolError> {
        let Ok(id) = ClientId::parse(&credentials.client_id) else {
            return Err(failed());
        };
        let presented = credentials.secret.as_deref().map(|s| sha256(s.as_bytes()));
        let client = self.store.client(&id)?;
        let Some(client) = client else {
            // Compare anyway, so an unknown client takes as long as a known one.
            if let Some(presented) = &presented {
                let _ = digests_equal(presented, &[0u8; 32]);
            }
            return Err(failed());
        };
        match (&client.kind, presented) {
            (ClientKind::Public, None) => Ok(client),
            // RFC 6749 §2.3: a public client's id proves nothing, and a secret it sends would
            // suggest trust that is not there; refuse rather than ignore it.
            (ClientKind::Public, Some(_)) => Err(failed()),
            (ClientKind::Confidential { .. }, None) => Err(failed()),
            (ClientKind::Confidential { secret }, Some(presented)) => {
                if digests_equal(&presented, &secret.0) {
                    Ok(client)
                } else {
                    Err(failed())
                }
            }
        }
    }
}
