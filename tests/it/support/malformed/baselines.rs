//! The baselines: for every route, a request the server accepts or refuses in its own format.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::{Baseline, Format, Material};

pub fn basic(id: &str, secret: &str) -> Vec<u8> {
    let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    format!(
        "Basic {}",
        STANDARD.encode(format!("{}:{}", encode(id), encode(secret)))
    )
    .into_bytes()
}

fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect()
}

const FORM: &[u8] = b"application/x-www-form-urlencoded";
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// One or more baselines per route of `src/http/mod.rs` (and `/metrics`, and a path that is no
/// route at all).
pub fn baselines(m: &Material) -> Vec<Baseline> {
    let json = |endpoint, method, target: &str, format| Baseline {
        endpoint,
        method,
        target: target.to_owned(),
        headers: vec![("Accept", b"application/json".to_vec())],
        form: Vec::new(),
        format,
    };
    let oauth = |endpoint, form: Vec<(String, String)>, auth: Option<Vec<u8>>| {
        let mut headers = vec![("Content-Type", FORM.to_vec())];
        if let Some(auth) = auth {
            headers.push(("Authorization", auth));
        }
        Baseline {
            endpoint,
            method: "POST",
            target: endpoint.to_owned(),
            headers,
            form,
            format: Format::OAuth,
        }
    };
    let browser = |endpoint, method, target: String, signed_in: bool, form: &[(&str, &str)]| {
        let (cookie, token) = if signed_in {
            &m.signed_in
        } else {
            &m.anonymous
        };
        let mut headers = vec![
            (
                "Accept",
                b"text/html,application/xhtml+xml,*/*;q=0.8".to_vec(),
            ),
            ("Cookie", format!("{}={cookie}", m.cookie_name).into_bytes()),
        ];
        let mut form = fields(form);
        if method == "POST" {
            headers.push(("Content-Type", FORM.to_vec()));
            headers.push(("Origin", m.origin.clone().into_bytes()));
            if endpoint != "/authorize" && endpoint != "/end_session" {
                form.push(("csrf_token".into(), token.clone()));
            }
        }
        Baseline {
            endpoint,
            method,
            target,
            headers,
            form,
            format: Format::Page,
        }
    };
    let authorize_request = m.authorize_query.clone();
    let mut all = vec![
        json("/healthz", "GET", "/healthz", Format::Document),
        json("/jwks", "GET", "/jwks", Format::Document),
        json(
            "/.well-known/openid-configuration",
            "GET",
            "/.well-known/openid-configuration",
            Format::Document,
        ),
        json(
            "/.well-known/oauth-authorization-server",
            "GET",
            "/.well-known/oauth-authorization-server",
            Format::Document,
        ),
        json(
            "/.well-known/oauth-authorization-server/{suffix}",
            "GET",
            "/.well-known/oauth-authorization-server/tenant",
            Format::Document,
        ),
        // With a listener of its own, `/metrics` is nowhere on the main one.
        json("/metrics (main listener)", "GET", "/metrics", Format::Nowhere),
        json("(stylesheet)", "GET", &m.stylesheet, Format::Stylesheet),
        json("(no route)", "GET", "/no/such/endpoint", Format::Nowhere),
        oauth(
            "/device_authorization",
            fields(&[("client_id", "tv-public"), ("scope", "openid profile")]),
            None,
        ),
        oauth(
            "/device_authorization",
            fields(&[("scope", "openid")]),
            Some(basic("tv-conf", &m.tv_conf_secret)),
        ),
        oauth(
            "/token",
            fields(&[
                ("grant_type", DEVICE_GRANT),
                ("device_code", &m.device_code),
                ("client_id", "tv-public"),
            ]),
            None,
        ),
        oauth(
            "/token",
            fields(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", &m.refresh_token),
                ("client_id", "tv-public"),
                ("scope", "openid"),
            ]),
            None,
        ),
        oauth(
            "/token",
            fields(&[
                ("grant_type", "authorization_code"),
                ("code", "not-a-code"),
                ("redirect_uri", "https://app.example.test/cb"),
                ("code_verifier", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
                ("client_id", "web-app"),
            ]),
            None,
        ),
        oauth(
            "/token",
            fields(&[("grant_type", "client_credentials"), ("scope", "api.read")]),
            Some(basic("rs-api", &m.rs_api_secret)),
        ),
        oauth(
            "/introspect",
            fields(&[("token", &m.access_token)]),
            Some(basic("rs-api", &m.rs_api_secret)),
        ),
        oauth(
            "/revoke",
            fields(&[("token", "not-a-live-token"), ("client_id", "tv-public")]),
            None,
        ),
        Baseline {
            endpoint: "/userinfo",
            method: "GET",
            target: "/userinfo".into(),
            headers: vec![(
                "Authorization",
                format!("Bearer {}", m.access_token).into_bytes(),
            )],
            form: Vec::new(),
            format: Format::Bearer,
        },
        Baseline {
            endpoint: "/userinfo",
            method: "POST",
            target: "/userinfo".into(),
            headers: vec![("Content-Type", FORM.to_vec())],
            form: fields(&[("access_token", &m.access_token)]),
            format: Format::Bearer,
        },
        Baseline {
            endpoint: "/userinfo",
            method: "OPTIONS",
            target: "/userinfo".into(),
            headers: vec![
                ("Origin", b"https://app.example.test".to_vec()),
                ("Access-Control-Request-Method", b"GET".to_vec()),
            ],
            form: Vec::new(),
            format: Format::Bearer,
        },
        browser(
            "/authorize",
            "GET",
            format!("/authorize?{authorize_request}"),
            true,
            &[],
        ),
        browser("/authorize", "POST", "/authorize".into(), false, &[]),
        browser(
            "/authorize/decision",
            "POST",
            "/authorize/decision".into(),
            true,
            &[("authorize", &authorize_request), ("decision", "deny")],
        ),
        browser(
            "/device",
            "GET",
            format!("/device?user_code={}", m.user_code),
            false,
            &[],
        ),
        browser(
            "/device",
            "POST",
            "/device".into(),
            false,
            &[("user_code", &m.user_code)],
        ),
        browser(
            "/device",
            "POST",
            "/device".into(),
            true,
            &[("user_code", &m.user_code)],
        ),
        browser("/login", "GET", "/login".into(), false, &[]),
        browser(
            "/login",
            "POST",
            "/login".into(),
            false,
            &[
                ("username", "alice"),
                ("password", "not alice's password"),
                ("user_code", &m.user_code),
            ],
        ),
        browser(
            "/device/decision",
            "POST",
            "/device/decision".into(),
            true,
            &[("user_code", "BCDF-GHJK"), ("decision", "approve")],
        ),
        browser("/logout", "POST", "/logout".into(), false, &[]),
        browser(
            "/end_session",
            "GET",
            "/end_session?client_id=web-app&post_logout_redirect_uri=https%3A%2F%2Fapp.example.test%2Fbye&state=s".into(),
            false,
            &[],
        ),
        browser(
            "/end_session",
            "POST",
            "/end_session".into(),
            true,
            &[("client_id", "web-app"), ("state", "s")],
        ),
        browser("/devices", "GET", "/devices".into(), true, &[]),
        browser(
            "/devices/sign-out",
            "POST",
            "/devices/sign-out".into(),
            true,
            &[("device", "no-such-device")],
        ),
        browser(
            "/devices/forget-app",
            "POST",
            "/devices/forget-app".into(),
            true,
            &[("client_id", "no-such-app")],
        ),
        browser(
            "/device/pair",
            "GET",
            format!("/device/pair?user_code={}", m.user_code),
            false,
            &[],
        ),
    ];
    let mut qr = browser(
        "/device/qr.svg",
        "GET",
        format!("/device/qr.svg?user_code={}", m.user_code),
        false,
        &[],
    );
    qr.format = Format::Qr;
    all.push(qr);
    all
}
