//! The client credentials grant (RFC 6749 §4.4): a confidential service acting for itself.

use super::tokens::IssuedTokens;
use super::{App, ProtocolError};
use crate::domain::authorization::requested_scopes;
use crate::domain::client::{Client, GrantType};
use crate::domain::oauth::{ErrorCode, OAuthFailure};
use crate::domain::resource::Resources;
use crate::domain::scope::ScopeSet;

fn refuse(code: ErrorCode, description: impl Into<String>) -> ProtocolError {
    ProtocolError::OAuth(OAuthFailure::new(code, description))
}

impl App {
    /// An access token whose subject is the client. Requested scopes follow the same rules as for
    /// a person's grants, and only the resources' can be granted: OpenID Connect's scopes are
    /// about a person, and there is none here. An omitted scope gets every resource scope the
    /// client is allowed.
    pub fn client_credentials(
        &self,
        client: &Client,
        scope: Option<&str>,
    ) -> Result<IssuedTokens, ProtocolError> {
        if client.disabled {
            return Err(refuse(
                ErrorCode::InvalidClient,
                "client authentication failed",
            ));
        }
        if !client.is_confidential() || !client.allows(GrantType::ClientCredentials) {
            return Err(refuse(
                ErrorCode::UnauthorizedClient,
                "this client may not use the client_credentials grant",
            ));
        }
        let resources = &self.settings.resources;
        let scopes = match scope {
            Some(_) => requested_scopes(client, scope, resources).map_err(ProtocolError::OAuth)?,
            None => ScopeSet::from_tokens(
                client
                    .scopes
                    .iter()
                    .map(|s| s.as_str())
                    .filter(|s| resources.knows(s) && !Resources::is_about_a_person(s)),
            )
            .map_err(|e| refuse(ErrorCode::InvalidScope, e.0))?,
        };
        if let Some(person) = scopes
            .iter()
            .find(|s| Resources::is_about_a_person(s.as_str()))
        {
            return Err(refuse(
                ErrorCode::InvalidScope,
                format!("scope {person} is about a person; client_credentials has none"),
            ));
        }
        if scopes.is_empty() {
            return Err(refuse(
                ErrorCode::InvalidScope,
                "no scope requested and no resource scope allowed by default",
            ));
        }
        self.issue_client_token(client, &scopes, self.now())
    }
}
