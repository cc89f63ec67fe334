//! Playing a web app (a relying party) over HTTP: registering it, sending the person to
//! `/authorize`, and exchanging the code.

use authbox::app::clients::ClientSettings;

use super::TestServer;
use super::browser::{Browser, Page};
use super::oauth::{ALICE_PASSWORD, Reply, enc};

/// RFC 7636 Appendix B: a verifier and its S256 challenge, computed independently of authbox.
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

pub const WEB_APP: &str = "web-app";
pub const CALLBACK: &str = "https://app.example.test/cb";
pub const NATIVE_CALLBACK: &str = "http://127.0.0.1/callback";
pub const AFTER_LOGOUT: &str = "https://app.example.test/bye";
pub const WEB_CONF: &str = "web-conf";
pub const CONF_CALLBACK: &str = "https://conf.example.test/cb";

/// Registers a public web app (code + refresh, two redirect URIs, a post-logout URI) and a
/// confidential one; returns the confidential one's secret.
pub fn web_clients(server: &TestServer) -> String {
    let app = server.app();
    app.add_client(
        WEB_APP,
        false,
        &ClientSettings {
            name: Some("Photo album".into()),
            grants: Some(vec!["authorization_code".into(), "refresh_token".into()]),
            scopes: Some("openid profile email offline_access api.read".into()),
            redirect_uris: Some(vec![CALLBACK.into(), NATIVE_CALLBACK.into()]),
            post_logout_redirect_uris: Some(vec![AFTER_LOGOUT.into()]),
            ..ClientSettings::default()
        },
    )
    .expect("web-app");
    let (_, secret) = app
        .add_client(
            WEB_CONF,
            true,
            &ClientSettings {
                name: Some("Wiki".into()),
                grants: Some(vec!["authorization_code".into()]),
                scopes: Some("openid profile email".into()),
                redirect_uris: Some(vec![CONF_CALLBACK.into()]),
                ..ClientSettings::default()
            },
        )
        .expect("web-conf");
    secret.expect("secret")
}

/// `/authorize?…` for `web-app` with PKCE, `state=st` and `nonce=n-0S6`; `extra` pairs are
/// added, and a pair whose value is empty removes that parameter.
pub fn authorize_path(scope: &str, extra: &[(&str, &str)]) -> String {
    let mut pairs: Vec<(&str, &str)> = vec![
        ("response_type", "code"),
        ("client_id", WEB_APP),
        ("redirect_uri", CALLBACK),
        ("scope", scope),
        ("state", "st"),
        ("nonce", "n-0S6"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ];
    for (name, value) in extra {
        pairs.retain(|(n, _)| n != name);
        if !value.is_empty() {
            pairs.push((name, value));
        }
    }
    let query: Vec<String> = pairs
        .iter()
        .map(|(n, v)| format!("{}={}", enc(n), enc(v)))
        .collect();
    format!("/authorize?{}", query.join("&"))
}

impl Browser {
    /// Opens `path` and, when asked, signs in as alice; ends on the consent page or the redirect.
    pub fn sign_in_to_app(&mut self, path: &str) -> Page {
        let page = self.get(path);
        if !page.says("name=\"password\"") {
            return page;
        }
        let request = page.hidden("authorize").expect("the request is carried");
        self.submit(
            "/login",
            &[
                ("username", "alice"),
                ("password", ALICE_PASSWORD),
                ("authorize", &request),
            ],
        )
    }

    /// Answers the consent page on screen.
    pub fn decide_for_app(&mut self, consent: &Page, decision: &str) -> Page {
        let request = consent.hidden("authorize").expect("a consent page");
        self.submit(
            "/authorize/decision",
            &[("authorize", &request), ("decision", decision)],
        )
    }

    /// Signs in, approves, and returns the code from the redirect.
    pub fn code_for(&mut self, path: &str) -> String {
        let page = self.sign_in_to_app(path);
        let redirect = if page.status == 200 {
            self.decide_for_app(&page, "approve")
        } else {
            page
        };
        redirect
            .location_param("code")
            .unwrap_or_else(|| panic!("no code in {}", redirect.header("location")))
    }
}

/// `grant_type=authorization_code` for the public `web-app`.
pub fn exchange(server: &TestServer, code: &str, redirect_uri: &str, verifier: &str) -> Reply {
    server.post_form(
        "/token",
        &format!(
            "grant_type=authorization_code&client_id={WEB_APP}&code={}&redirect_uri={}&code_verifier={}",
            enc(code),
            enc(redirect_uri),
            enc(verifier)
        ),
        None,
    )
}
