//! RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): an app asks authbox to end the
//! person's session, and may name where the browser goes afterwards.

use super::{App, AppError};
use crate::crypto::jws;
use crate::domain::client::{Client, ClientId};
use crate::domain::refusal::AppRefusal;
use crate::domain::user::Subject;

/// The parameters of a logout request (§2), as they arrived.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogoutParams {
    pub id_token_hint: Option<String>,
    pub client_id: Option<String>,
    pub post_logout_redirect_uri: Option<String>,
    pub state: Option<String>,
}

/// A checked logout request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoutRequest {
    /// The person the app's ID token names, when it sent one that authbox issued.
    pub hinted_sub: Option<Subject>,
    pub client: Option<Client>,
    /// Where to send the browser afterwards, with `state`: only a URI registered for the client.
    pub return_to: Option<String>,
}

/// Why a logout request is not followed.
#[derive(Debug)]
pub enum LogoutProblem {
    /// The request cannot be followed, for this reason, which the person is told.
    Refused(AppRefusal),
    /// A fault on our side: the request may be fine.
    Unavailable(AppError),
}

impl From<AppRefusal> for LogoutProblem {
    fn from(why: AppRefusal) -> Self {
        LogoutProblem::Refused(why)
    }
}

impl App {
    /// The `sub` and `aud` of an ID token authbox issued. Expiry does not matter here: the hint
    /// only says who the app thinks is signed in (§2).
    fn id_token_subject(&self, token: &str) -> Option<(Subject, String)> {
        let ring = self.key_ring();
        let verified = jws::verify(token, |kid| ring.published(kid, self.now()))?;
        if verified.typ.as_deref() != Some("JWT") {
            return None;
        }
        let claims = verified.claims;
        if claims.get("iss")?.as_str()? != self.settings.issuer {
            return None;
        }
        let sub = claims.get("sub")?.as_str()?.to_owned();
        let aud = claims.get("aud")?.as_str()?.to_owned();
        Some((Subject::from_stored(sub), aud))
    }

    /// Checks a logout request. `Err` says, for the person, why it cannot be followed; the
    /// browser is then sent nowhere (§3: no redirect to an unregistered URI).
    pub fn check_logout_request(
        &self,
        params: &LogoutParams,
    ) -> Result<LogoutRequest, LogoutProblem> {
        let hint = match params.id_token_hint.as_deref() {
            Some(token) => Some(
                self.id_token_subject(token)
                    .ok_or(AppRefusal::SignOutUnverifiable)?,
            ),
            None => None,
        };
        let client_id = match (params.client_id.as_deref(), &hint) {
            (Some(given), Some((_, aud))) if given != aud => {
                return Err(AppRefusal::SignOutContradicts.into());
            }
            (Some(given), _) => Some(given.to_owned()),
            (None, Some((_, aud))) => Some(aud.clone()),
            (None, None) => None,
        };
        let unknown = || AppRefusal::AppUnknown;
        let client = match client_id {
            Some(id) => {
                let id = ClientId::parse(&id).map_err(|_| unknown())?;
                let client = self
                    .store
                    .client(&id)
                    .map_err(|e| LogoutProblem::Unavailable(e.into()))?
                    .ok_or_else(unknown)?;
                Some(client)
            }
            None => None,
        };
        let return_to = match params.post_logout_redirect_uri.as_deref() {
            None => None,
            Some(uri) => {
                let registered = client
                    .as_ref()
                    .is_some_and(|c| c.post_logout_redirect_uris.iter().any(|r| r.matches(uri)));
                if !registered {
                    return Err(AppRefusal::SignOutReturnUnregistered.into());
                }
                let mut url = url::Url::parse(uri).map_err(|_| AppRefusal::SignOutReturnInvalid)?;
                if let Some(state) = params.state.as_deref() {
                    url.query_pairs_mut().append_pair("state", state);
                }
                Some(url.to_string())
            }
        };
        Ok(LogoutRequest {
            hinted_sub: hint.map(|(sub, _)| sub),
            client,
            return_to,
        })
    }
}
