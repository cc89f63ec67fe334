//! An authorization request as a browser brings it to `/authorize` (RFC 6749 §4.1.1, OIDC Core
//! §3.1.2.1, RFC 7636): the redirect URI, PKCE, `prompt`, `scope`, `max_age`, and the code
//! verifier later checked against the challenge.
//!
//! Input: a query string. Its parameters are the request's; `registered=` (space-separated)
//! replaces the client's registered redirect URIs, and `code_verifier=` is checked against the
//! challenge. Checks:
//! - a registered redirect URI is absolute, has no fragment, and is https, http to a loopback
//!   host, or a reverse-domain scheme; it matches itself, and matches another string only as a
//!   canonical loopback-IP http URI that differs in the port alone (RFC 8252 §7.3);
//! - the browser is never sent to a redirect URI that does not match a registered one; every
//!   refusal that redirects goes to the verified URI;
//! - an accepted request stays within the client's scopes and the length bounds, and survives
//!   the trip through the sign-in and consent forms: `to_params` checks again to itself;
//! - a code verifier matches a challenge exactly when it is well formed (RFC 7636 §4.1) and the
//!   challenge is its base64url SHA-256, which is always a challenge authbox accepts.
#![no_main]

use std::sync::OnceLock;

use authbox::app::authorize::pkce_matches;
use authbox::crypto::hash::sha256;
use authbox::domain::authorization::{
    AuthorizationParams, AuthorizationRequest, CodeChallenge, Prompt, RequestRefused,
    is_well_formed_verifier,
};
use authbox::domain::client::{
    Client, ClientId, ClientKind, ClientLifetimes, GrantType, RedirectUri,
};
use authbox::domain::network::PlainHttp;
use authbox::domain::resource::{Resource, Resources};
use authbox::domain::scope::ScopeSet;
use authbox::domain::time::Timestamp;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use libfuzzer_sys::fuzz_target;

/// OIDC leaves `state` and `nonce` unbounded; authbox echoes at most this much of either.
const MAX_ECHOED_LEN: usize = 512;

fn resources() -> &'static Resources {
    static RESOURCES: OnceLock<Resources> = OnceLock::new();
    RESOURCES.get_or_init(|| {
        let api = Resource::parse("https://api.example.com=api.read,api.write").expect("resource");
        Resources::new(vec![api]).expect("resources")
    })
}

fn client(redirect_uris: Vec<RedirectUri>) -> Client {
    Client {
        id: ClientId::parse("web").expect("client id"),
        name: "Web app".into(),
        kind: ClientKind::Public,
        grant_types: vec![GrantType::RefreshToken, GrantType::AuthorizationCode],
        scopes: ScopeSet::parse("openid profile offline_access api.read").expect("scopes"),
        redirect_uris,
        post_logout_redirect_uris: Vec::new(),
        lifetimes: ClientLifetimes::default(),
        id_token_alg: None,
        access_token_alg: None,
        created_at: Timestamp::from_millis(0),
        web_origins: Vec::new(),
        disabled: false,
        may_introspect: false,
        allowed_groups: Vec::new(),
        device_scope_cap: None,
    }
}

fuzz_target!(|data: &[u8]| {
    let mut params = AuthorizationParams::default();
    let mut registered = None;
    let mut verifier = None;
    for (name, value) in form_urlencoded::parse(data) {
        let slot = match name.as_ref() {
            "client_id" => &mut params.client_id,
            "redirect_uri" => &mut params.redirect_uri,
            "response_type" => &mut params.response_type,
            "response_mode" => &mut params.response_mode,
            "scope" => &mut params.scope,
            "state" => &mut params.state,
            "nonce" => &mut params.nonce,
            "code_challenge" => &mut params.code_challenge,
            "code_challenge_method" => &mut params.code_challenge_method,
            "prompt" => &mut params.prompt,
            "max_age" => &mut params.max_age,
            "request" => &mut params.request,
            "request_uri" => &mut params.request_uri,
            "registration" => &mut params.registration,
            "registered" => &mut registered,
            "code_verifier" => &mut verifier,
            _ => continue,
        };
        slot.get_or_insert_with(|| value.into_owned());
    }
    let registered: Vec<RedirectUri> = match &registered {
        Some(list) => list.split(' ').filter_map(check_redirect_uri).collect(),
        None => [
            "https://app.example.com/callback",
            "http://127.0.0.1:8000/cb",
        ]
        .into_iter()
        .map(|uri| RedirectUri::parse(uri, PlainHttp::LoopbackOnly).expect("redirect URI"))
        .collect(),
    };
    if let Some(presented) = &params.redirect_uri {
        check_redirect_uri(presented);
        for uri in &registered {
            check_match(uri, presented);
        }
    }
    check_request(&params, &client(registered));
    check_pkce(params.code_challenge.as_deref(), verifier.as_deref());
    check_prompt(params.prompt.as_deref());
    check_scope(params.scope.as_deref());
});

fn check_redirect_uri(text: &str) -> Option<RedirectUri> {
    let uri = RedirectUri::parse(text, PlainHttp::LoopbackOnly).ok()?;
    assert_eq!(uri.as_str(), text);
    assert!(
        !text.chars().any(|c| c.is_control() || c == ' '),
        "{text:?}"
    );
    let url = url::Url::parse(text).expect("a registered redirect URI is no URL");
    assert!(url.fragment().is_none(), "{text:?}");
    let loopback = match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => {}
        "http" => assert!(loopback, "plain http to {text:?}"),
        scheme => assert!(scheme.contains('.'), "scheme {scheme:?}"),
    }
    assert!(uri.matches(text));
    Some(uri)
}

fn check_match(registered: &RedirectUri, presented: &str) {
    if !registered.matches(presented) || presented == registered.as_str() {
        return;
    }
    let ours = url::Url::parse(registered.as_str()).expect("registered URI");
    let theirs = url::Url::parse(presented).expect("a presented URI that is no URL matched");
    assert_eq!(theirs.as_str(), presented, "a non-canonical URI matched");
    let loopback_ip = |url: &url::Url| {
        url.scheme() == "http"
            && match url.host() {
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                _ => false,
            }
    };
    assert!(
        loopback_ip(&ours),
        "{presented:?} matched {}",
        registered.as_str()
    );
    let (mut ours, mut theirs) = (ours, theirs);
    let _ = ours.set_port(None);
    let _ = theirs.set_port(None);
    assert_eq!(
        ours, theirs,
        "a loopback URI differing in more than the port"
    );
}

fn check_request(params: &AuthorizationParams, client: &Client) {
    let outcome = AuthorizationRequest::check(params, client, resources(), PlainHttp::LoopbackOnly);
    let verified = match params.redirect_uri.as_deref() {
        Some(presented) => client
            .redirect_uris
            .iter()
            .any(|r| r.matches(presented))
            .then(|| presented.to_owned()),
        None => match client.redirect_uris.as_slice() {
            [only] => Some(only.as_str().to_owned()),
            _ => None,
        },
    };
    match outcome {
        Err(RequestRefused::NoRedirect(_)) => {
            assert_eq!(verified, None, "a verified redirect URI was not used");
        }
        Err(RequestRefused::Redirect {
            redirect_uri,
            state,
            ..
        }) => {
            assert_eq!(Some(redirect_uri), verified);
            assert_eq!(state, params.state);
        }
        Ok(request) => {
            assert_eq!(Some(request.redirect_uri.clone()), verified);
            assert_eq!(
                request.redirect_uri_presented,
                params.redirect_uri.is_some()
            );
            assert!(request.scopes.is_subset_of(&client.scopes));
            assert!(!request.scopes.is_empty());
            assert!(
                request
                    .state
                    .as_ref()
                    .is_none_or(|s| s.len() <= MAX_ECHOED_LEN)
            );
            assert!(
                request
                    .nonce
                    .as_ref()
                    .is_none_or(|n| n.len() <= MAX_ECHOED_LEN)
            );
            assert_eq!(params.response_type.as_deref(), Some("code"));
            assert_eq!(params.code_challenge_method.as_deref(), Some("S256"));
            let again = AuthorizationRequest::check(
                &request.to_params(),
                client,
                resources(),
                PlainHttp::LoopbackOnly,
            );
            assert_eq!(
                again,
                Ok(request),
                "the request changed on its way through the forms"
            );
        }
    }
}

fn challenge_of(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(sha256(verifier.as_bytes()))
}

fn check_pkce(challenge: Option<&str>, verifier: Option<&str>) {
    let Some(verifier) = verifier else {
        return;
    };
    let well_formed = is_well_formed_verifier(verifier);
    let own = challenge_of(verifier);
    assert!(CodeChallenge::parse(Some(&own), Some("S256")).is_ok());
    assert_eq!(
        pkce_matches(&CodeChallenge::from_stored(own.clone()), verifier),
        well_formed,
        "{verifier:?}"
    );
    if let Some(challenge) = challenge {
        let matched = pkce_matches(&CodeChallenge::from_stored(challenge.to_owned()), verifier);
        assert_eq!(
            matched,
            well_formed && challenge == own,
            "{challenge:?} {verifier:?}"
        );
    }
}

fn check_prompt(text: Option<&str>) {
    let Ok(prompt) = Prompt::parse(text) else {
        return;
    };
    assert!(!(prompt.none && (prompt.login || prompt.consent)));
    let words = text
        .unwrap_or_default()
        .split(' ')
        .filter(|w| !w.is_empty());
    for word in words {
        match word {
            "none" => assert!(prompt.none),
            "login" | "select_account" => assert!(prompt.login),
            "consent" => assert!(prompt.consent),
            other => panic!("prompt value {other:?} was accepted"),
        }
    }
}

fn check_scope(text: Option<&str>) {
    let Some(Ok(scopes)) = text.map(ScopeSet::parse) else {
        return;
    };
    let shown = scopes.to_string();
    assert!(!shown.starts_with(' ') && !shown.ends_with(' ') && !shown.contains("  "));
    assert_eq!(ScopeSet::parse(&shown).as_ref(), Ok(&scopes), "{shown:?}");
    let tokens: Vec<&str> = shown.split(' ').filter(|t| !t.is_empty()).collect();
    for (i, token) in tokens.iter().enumerate() {
        assert!(!tokens[..i].contains(token), "scope {token} twice");
        assert!(scopes.contains(token));
    }
}
