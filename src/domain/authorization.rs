//! The authorization-code grant (RFC 6749 §4.1, OIDC Core §3.1) with PKCE (RFC 7636): what a
//! valid authorization request is, and the life of the code it yields.
//!
//! ```text
//! Issued ──redeem──► Redeemed      (a second redemption is a replay: what the first produced
//!                                   is revoked, RFC 6749 §4.1.2)
//! ```

use std::time::Duration;

use super::client::{Client, ClientId, GrantType};
use super::network::PlainHttp;
use super::oauth::{ErrorCode, OAuthFailure};
use super::refusal::AppRefusal;
use super::resource::Resources;
use super::scope::ScopeSet;
use super::time::Timestamp;

pub use super::authorization_code::{
    AuthorizationCode, CodeChallenge, CodeState, Redemption, is_well_formed_verifier,
};

/// OIDC leaves `state` and `nonce` unbounded; a bound keeps codes and pages small.
const MAX_ECHOED_LEN: usize = 512;

/// OIDC Core §3.1.2.1 `prompt`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Prompt {
    /// Show nothing: answer at once, or fail with `login_required` / `consent_required`.
    pub none: bool,
    /// Ask for the password even when signed in.
    pub login: bool,
    /// Ask for consent even when it was given before.
    pub consent: bool,
}

impl Prompt {
    pub fn parse(text: Option<&str>) -> Result<Prompt, OAuthFailure> {
        let mut prompt = Prompt::default();
        for value in text
            .unwrap_or_default()
            .split(' ')
            .filter(|v| !v.is_empty())
        {
            match value {
                "none" => prompt.none = true,
                "login" => prompt.login = true,
                "consent" => prompt.consent = true,
                // Choosing an account means signing in as the one wanted.
                "select_account" => prompt.login = true,
                other => {
                    return Err(OAuthFailure::new(
                        ErrorCode::InvalidRequest,
                        format!("prompt value {other:?} is not supported"),
                    ));
                }
            }
        }
        if prompt.none && (prompt.login || prompt.consent) {
            return Err(OAuthFailure::new(
                ErrorCode::InvalidRequest,
                "prompt=none cannot be combined with other values",
            ));
        }
        Ok(prompt)
    }
}

/// The parameters of an authorization request as they arrived, each at most once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthorizationParams {
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub response_type: Option<String>,
    pub response_mode: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub prompt: Option<String>,
    pub max_age: Option<String>,
    pub request: Option<String>,
    pub request_uri: Option<String>,
    pub registration: Option<String>,
}

/// Why an authorization request is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestRefused {
    /// The redirect URI could not be verified: the browser must not be sent anywhere, so the
    /// person is shown why (RFC 6749 §4.1.2.1).
    NoRedirect(AppRefusal),
    /// Sent back to the verified redirect URI with `state` (RFC 6749 §4.1.2.1).
    Redirect {
        redirect_uri: String,
        state: Option<String>,
        failure: OAuthFailure,
    },
}

/// A valid authorization request from a known client to one of its registered redirect URIs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationRequest {
    pub client_id: ClientId,
    /// As presented, or the client's only registered one when none was presented.
    pub redirect_uri: String,
    /// Whether the request named its redirect URI; the token request must then repeat it
    /// (RFC 6749 §4.1.3).
    pub redirect_uri_presented: bool,
    pub scopes: ScopeSet,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: CodeChallenge,
    pub prompt: Prompt,
    pub max_age: Option<Duration>,
}

impl AuthorizationRequest {
    /// Checks `params` against `client` (already looked up by `client_id`). The redirect URI is
    /// verified first, so every later problem can be reported to the client.
    pub fn check(
        params: &AuthorizationParams,
        client: &Client,
        resources: &Resources,
        plain_http: PlainHttp,
    ) -> Result<AuthorizationRequest, RequestRefused> {
        let redirect_uri = match params.redirect_uri.as_deref() {
            Some(presented) if client.redirect_uris.iter().any(|r| r.matches(presented)) => {
                presented.to_owned()
            }
            Some(_) => {
                return Err(RequestRefused::NoRedirect(AppRefusal::ReturnUnregistered));
            }
            None => match client.redirect_uris.as_slice() {
                [only] => only.as_str().to_owned(),
                _ => {
                    return Err(RequestRefused::NoRedirect(AppRefusal::ReturnUnnamed));
                }
            },
        };
        // Registered while the operator allowed plain http on a private network, and no longer
        // allowed: nothing is sent there in the clear.
        if url::Url::parse(&redirect_uri)
            .is_ok_and(|url| url.scheme() == "http" && !plain_http.allows(&url))
        {
            return Err(RequestRefused::NoRedirect(AppRefusal::ReturnInsecure));
        }
        let state = params.state.clone();
        let refuse = |code: ErrorCode, description: &str| RequestRefused::Redirect {
            redirect_uri: redirect_uri.clone(),
            state: state.clone(),
            failure: OAuthFailure::new(code, description),
        };
        if state.as_ref().is_some_and(|s| s.len() > MAX_ECHOED_LEN) {
            return Err(refuse(ErrorCode::InvalidRequest, "state is too long"));
        }
        if params.request.is_some() {
            return Err(refuse(
                ErrorCode::RequestNotSupported,
                "request objects are not supported",
            ));
        }
        if params.request_uri.is_some() {
            return Err(refuse(
                ErrorCode::RequestUriNotSupported,
                "request_uri is not supported",
            ));
        }
        if params.registration.is_some() {
            return Err(refuse(
                ErrorCode::RegistrationNotSupported,
                "registration is not supported",
            ));
        }
        match params.response_type.as_deref() {
            Some("code") => {}
            None => {
                return Err(refuse(
                    ErrorCode::InvalidRequest,
                    "response_type is missing",
                ));
            }
            Some(_) => {
                return Err(refuse(
                    ErrorCode::UnsupportedResponseType,
                    "only response_type=code is supported",
                ));
            }
        }
        if params
            .response_mode
            .as_deref()
            .is_some_and(|m| m != "query")
        {
            return Err(refuse(
                ErrorCode::InvalidRequest,
                "only response_mode=query is supported",
            ));
        }
        if !client.allows(GrantType::AuthorizationCode) {
            return Err(refuse(
                ErrorCode::UnauthorizedClient,
                "this client may not use the authorization-code grant",
            ));
        }
        let code_challenge = CodeChallenge::parse(
            params.code_challenge.as_deref(),
            params.code_challenge_method.as_deref(),
        )
        .map_err(|f| refuse(f.code, f.description.as_deref().unwrap_or_default()))?;
        let prompt = Prompt::parse(params.prompt.as_deref())
            .map_err(|f| refuse(f.code, f.description.as_deref().unwrap_or_default()))?;
        let max_age = match params.max_age.as_deref() {
            None => None,
            Some(text) => Some(Duration::from_secs(text.parse::<u64>().map_err(|_| {
                refuse(
                    ErrorCode::InvalidRequest,
                    "max_age must be a whole number of seconds",
                )
            })?)),
        };
        let nonce = params.nonce.clone();
        if nonce.as_ref().is_some_and(|n| n.len() > MAX_ECHOED_LEN) {
            return Err(refuse(ErrorCode::InvalidRequest, "nonce is too long"));
        }
        let scopes = requested_scopes(client, params.scope.as_deref(), resources)
            .map_err(|f| refuse(f.code, f.description.as_deref().unwrap_or_default()))?;
        Ok(AuthorizationRequest {
            client_id: client.id.clone(),
            redirect_uri_presented: params.redirect_uri.is_some(),
            redirect_uri,
            scopes,
            state,
            nonce,
            code_challenge,
            prompt,
            max_age,
        })
    }

    /// The request as parameters again, to carry it through the sign-in and consent forms; it is
    /// checked anew when it comes back.
    pub fn to_params(&self) -> AuthorizationParams {
        let prompt = [
            (self.prompt.none, "none"),
            (self.prompt.login, "login"),
            (self.prompt.consent, "consent"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, name)| *name)
        .collect::<Vec<_>>()
        .join(" ");
        AuthorizationParams {
            client_id: Some(self.client_id.as_str().to_owned()),
            redirect_uri: self
                .redirect_uri_presented
                .then(|| self.redirect_uri.clone()),
            response_type: Some("code".into()),
            response_mode: None,
            scope: Some(self.scopes.to_string()),
            state: self.state.clone(),
            nonce: self.nonce.clone(),
            code_challenge: Some(self.code_challenge.as_str().to_owned()),
            code_challenge_method: Some("S256".into()),
            prompt: (!prompt.is_empty()).then_some(prompt),
            max_age: self.max_age.map(|d| d.as_secs().to_string()),
            request: None,
            request_uri: None,
            registration: None,
        }
    }

    /// Whether the person must prove who they are again: `prompt=login`, or a sign-in older
    /// than `max_age` (OIDC Core §3.1.2.1).
    /// The request once the person has just signed in for it: `prompt=login` and `max_age`
    /// are then met, so showing the same request again (after a redirect) must not ask for the
    /// password again.
    pub fn signed_in_afresh(&self) -> AuthorizationRequest {
        let mut request = self.clone();
        request.prompt.login = false;
        request.max_age = None;
        request
    }

    pub fn needs_fresh_sign_in(&self, auth_time: Timestamp, now: Timestamp) -> bool {
        self.prompt.login
            || self
                .max_age
                .is_some_and(|max_age| now.since(auth_time) > max_age)
    }
}

/// [`requested_scopes`] for a device authorization (RFC 8628 §3.1), held to the client's
/// device-grant cap: an omitted scope gets the defaults within the cap, and a scope beyond it is
/// `invalid_scope`. Cross-device BCP (draft-ietf-oauth-cross-device-security), "Limited
/// Scopes": what a phished code can unlock is bounded before anyone is asked.
pub fn requested_device_scopes(
    client: &Client,
    scope: Option<&str>,
    resources: &Resources,
) -> Result<ScopeSet, OAuthFailure> {
    let scopes = requested_scopes(client, scope, resources)?;
    let Some(cap) = &client.device_scope_cap else {
        return Ok(scopes);
    };
    let invalid = |why: String| OAuthFailure::new(ErrorCode::InvalidScope, why);
    if scope.is_some() {
        if let Some(beyond) = scopes.iter().find(|s| !cap.contains(s.as_str())) {
            return Err(invalid(format!(
                "scope {beyond} is beyond what this client's device grants may carry"
            )));
        }
        return Ok(scopes);
    }
    let capped = ScopeSet::from_tokens(
        scopes
            .iter()
            .map(|s| s.as_str())
            .filter(|s| cap.contains(s)),
    )
    .map_err(|e| invalid(e.0))?;
    if capped.is_empty() {
        return Err(invalid(
            "no scope requested and none allowed by default".into(),
        ));
    }
    Ok(capped)
}

/// RFC 6749 §3.3: an omitted scope gets the client's allowed scopes that this server knows, less
/// `offline_access`, which a person must be asked for explicitly. Shared by every grant that
/// asks a person.
pub fn requested_scopes(
    client: &Client,
    scope: Option<&str>,
    resources: &Resources,
) -> Result<ScopeSet, OAuthFailure> {
    let invalid = |why: String| OAuthFailure::new(ErrorCode::InvalidScope, why);
    let scopes = match scope {
        Some(text) => ScopeSet::parse(text),
        None => ScopeSet::from_tokens(
            client
                .scopes
                .iter()
                .map(|s| s.as_str())
                .filter(|s| *s != "offline_access" && resources.knows(s)),
        ),
    }
    .map_err(|e| invalid(e.0))?;
    if let Some(unknown) = scopes.iter().find(|s| !resources.knows(s.as_str())) {
        return Err(invalid(format!("unknown scope {unknown}")));
    }
    if let Some(denied) = scopes.iter().find(|s| !client.scopes.contains(s.as_str())) {
        return Err(invalid(format!(
            "scope {denied} is not allowed for this client"
        )));
    }
    if scopes.is_empty() {
        return Err(invalid(
            "no scope requested and none allowed by default".into(),
        ));
    }
    Ok(scopes)
}

/// What a person granted to a client, remembered so that a web app's next sign-in does not ask
/// again. The device grant never uses it (RFC 8628 §5.3: a browser session says nothing about
/// the device in front of the person).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    pub scopes: ScopeSet,
    pub granted_at: Timestamp,
}

impl Consent {
    pub fn covers(&self, scopes: &ScopeSet) -> bool {
        scopes.is_subset_of(&self.scopes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::client::{ClientKind, ClientLifetimes, RedirectUri};
    use crate::domain::resource::Resource;
    use crate::domain::user::Subject;

    fn client() -> Client {
        Client {
            id: ClientId::parse("web").unwrap(),
            name: "Web".into(),
            kind: ClientKind::Public,
            grant_types: vec![GrantType::AuthorizationCode],
            scopes: ScopeSet::parse("openid profile offline_access").unwrap(),
            redirect_uris: vec![
                RedirectUri::parse(
                    "https://app.example/cb",
                    crate::domain::network::PlainHttp::LoopbackOnly,
                )
                .unwrap(),
            ],
            post_logout_redirect_uris: Vec::new(),
            lifetimes: ClientLifetimes::default(),
            id_token_alg: None,
            access_token_alg: None,
            created_at: Timestamp::from_secs(0),
            disabled: false,
            may_introspect: false,
            allowed_groups: Vec::new(),
            web_origins: Vec::new(),
            device_scope_cap: None,
        }
    }

    fn resources() -> Resources {
        Resources::new(vec![
            Resource::parse("https://api.example=api.read").unwrap(),
        ])
        .unwrap()
    }

    fn params() -> AuthorizationParams {
        AuthorizationParams {
            client_id: Some("web".into()),
            redirect_uri: Some("https://app.example/cb".into()),
            response_type: Some("code".into()),
            scope: Some("openid profile".into()),
            state: Some("xyz".into()),
            code_challenge: Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into()),
            code_challenge_method: Some("S256".into()),
            ..AuthorizationParams::default()
        }
    }

    fn error_of(params: &AuthorizationParams) -> Option<ErrorCode> {
        match AuthorizationRequest::check(params, &client(), &resources(), PlainHttp::LoopbackOnly)
        {
            Err(RequestRefused::Redirect { failure, state, .. }) => {
                assert_eq!(state.as_deref(), params.state.as_deref());
                Some(failure.code)
            }
            Err(RequestRefused::NoRedirect(_)) => panic!("expected a redirect"),
            Ok(_) => None,
        }
    }

    #[test]
    fn a_good_request_round_trips_through_its_params() {
        let request = AuthorizationRequest::check(
            &params(),
            &client(),
            &resources(),
            PlainHttp::LoopbackOnly,
        )
        .unwrap();
        let again = AuthorizationRequest::check(
            &request.to_params(),
            &client(),
            &resources(),
            PlainHttp::LoopbackOnly,
        )
        .unwrap();
        assert_eq!(request, again);
    }

    #[test]
    fn pkce_is_required_with_s256_only() {
        let mut p = params();
        p.code_challenge_method = Some("plain".into());
        assert_eq!(error_of(&p), Some(ErrorCode::InvalidRequest));
        p.code_challenge_method = None;
        assert_eq!(error_of(&p), Some(ErrorCode::InvalidRequest));
        let mut p = params();
        p.code_challenge = None;
        assert_eq!(error_of(&p), Some(ErrorCode::InvalidRequest));
        assert!(is_well_formed_verifier(&"a".repeat(43)));
        assert!(!is_well_formed_verifier(&"a".repeat(42)));
        assert!(!is_well_formed_verifier(&format!("{}!", "a".repeat(43))));
    }

    #[test]
    fn an_unverified_redirect_is_never_followed() {
        let mut p = params();
        p.redirect_uri = Some("https://evil.example/cb".into());
        p.response_type = Some("token".into());
        assert!(matches!(
            AuthorizationRequest::check(&p, &client(), &resources(), PlainHttp::LoopbackOnly),
            Err(RequestRefused::NoRedirect(_))
        ));
    }

    #[test]
    fn other_problems_go_back_to_the_client() {
        let mut p = params();
        p.response_type = Some("token".into());
        assert_eq!(error_of(&p), Some(ErrorCode::UnsupportedResponseType));
        let mut p = params();
        p.scope = Some("openid admin".into());
        assert_eq!(error_of(&p), Some(ErrorCode::InvalidScope));
        let mut p = params();
        p.prompt = Some("none login".into());
        assert_eq!(error_of(&p), Some(ErrorCode::InvalidRequest));
        let mut p = params();
        p.request = Some("eyJ...".into());
        assert_eq!(error_of(&p), Some(ErrorCode::RequestNotSupported));
    }

    #[test]
    fn codes_are_single_use_and_bound_to_client_and_redirect() {
        let now = Timestamp::from_secs(100);
        let code = AuthorizationCode {
            client_id: ClientId::parse("web").unwrap(),
            redirect_uri: "https://app.example/cb".into(),
            redirect_uri_presented: true,
            sub: Subject::from_stored("s".into()),
            scopes: ScopeSet::parse("openid").unwrap(),
            nonce: None,
            code_challenge: CodeChallenge::from_stored("c".into()),
            auth_time: now,
            method: crate::domain::second_factor::SignInMethod::Password,
            issued_at: now,
            expires_at: now.plus(Duration::from_secs(60)),
            state: CodeState::Issued,
        };
        let web = ClientId::parse("web").unwrap();
        let uri = Some("https://app.example/cb");
        assert_eq!(code.judge(&web, uri, now), Redemption::Redeem);
        assert_eq!(code.judge(&web, None, now), Redemption::Refuse);
        assert_eq!(
            code.judge(&ClientId::parse("other").unwrap(), uri, now),
            Redemption::Refuse
        );
        assert_eq!(
            code.judge(&web, uri, now.plus(Duration::from_secs(60))),
            Redemption::Refuse
        );
        let mut used = code.clone();
        used.state = CodeState::Redeemed {
            at: now,
            family: None,
        };
        assert_eq!(
            used.judge(&web, uri, now),
            Redemption::Replayed { family: None }
        );
    }
}
