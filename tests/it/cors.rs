//! CORS on the endpoints a browser-based TV app or single-page app calls with its public
//! client (`/device_authorization`, `/token`, `/revoke`): a page may read the answers only
//! from an origin its client lists, the answer names that origin (never `*`), and nothing
//! ever allows credentials. Before, a preflight got 405 and no page could call them.

use reqwest::blocking::Client;
use reqwest::header::{HeaderMap, ORIGIN};

use crate::support::TestServer;

const APP: &str = "https://tv.example.org";

fn started() -> TestServer {
    let server = TestServer::start();
    server.fixtures();
    server
        .cli()
        .run(&[
            "client",
            "add",
            "web-tv",
            "--grant",
            "device_code",
            "--grant",
            "refresh_token",
            "--web-origin",
            APP,
        ])
        .ok();
    server
}

fn preflight(server: &TestServer, path: &str, origin: &str) -> (u16, HeaderMap) {
    let answer = Client::new()
        .request(reqwest::Method::OPTIONS, server.url(path))
        .header(ORIGIN, origin)
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type")
        .send()
        .expect("OPTIONS");
    (answer.status().as_u16(), answer.headers().clone())
}

fn post(server: &TestServer, path: &str, origin: &str, form: &[(&str, &str)]) -> (u16, HeaderMap) {
    let answer = Client::new()
        .post(server.url(path))
        .header(ORIGIN, origin)
        .form(form)
        .send()
        .expect("POST");
    (answer.status().as_u16(), answer.headers().clone())
}

fn allowed(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("access-control-allow-origin")
        .and_then(|v| v.to_str().ok())
}

#[test]
fn a_listed_origin_passes_the_preflight_of_every_client_endpoint_and_no_other_does() {
    let server = started();
    for path in ["/device_authorization", "/token", "/revoke"] {
        let (status, headers) = preflight(&server, path, APP);
        assert_eq!(status, 204, "{path}");
        assert_eq!(allowed(&headers), Some(APP), "{path}");
        assert!(headers.get("access-control-allow-credentials").is_none());
        let methods = headers
            .get("access-control-allow-methods")
            .and_then(|v| v.to_str().ok());
        assert_eq!(methods, Some("POST"), "{path}");

        let (_, headers) = preflight(&server, path, "https://elsewhere.example");
        assert_eq!(allowed(&headers), None, "{path}: an unlisted origin");
    }
}

#[test]
fn the_answer_is_readable_only_by_an_origin_its_own_client_lists() {
    let server = started();
    let ask = [("client_id", "web-tv"), ("scope", "openid offline_access")];
    let (status, headers) = post(&server, "/device_authorization", APP, &ask);
    assert_eq!(status, 200);
    assert_eq!(allowed(&headers), Some(APP));
    assert!(headers.get("access-control-allow-credentials").is_none());
    let vary = headers
        .get("vary")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(vary.contains("Origin"), "{vary}");

    // The same page asking for another client's codes cannot read them.
    let other = [("client_id", "tv-public"), ("scope", "openid")];
    let (status, headers) = post(&server, "/device_authorization", APP, &other);
    assert_eq!(status, 200);
    assert_eq!(allowed(&headers), None);

    // Errors in the protocol's own shape are readable too, so the app can show them.
    let poll = [
        ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
        ("device_code", "not-a-code"),
        ("client_id", "web-tv"),
    ];
    let (status, headers) = post(&server, "/token", APP, &poll);
    assert_eq!(status, 400);
    assert_eq!(allowed(&headers), Some(APP));
    let (_, headers) = post(&server, "/token", "https://elsewhere.example", &poll);
    assert_eq!(allowed(&headers), None);
}

#[test]
fn a_web_origin_is_for_public_clients_and_must_be_an_origin() {
    let server = started();
    server
        .cli()
        .run(&[
            "client",
            "add",
            "svc",
            "--confidential",
            "--grant",
            "client_credentials",
            "--web-origin",
            APP,
        ])
        .fails_with(&["public client"]);
    for bad in ["http://tv.example.org", "https://tv.example.org/app", "*"] {
        server
            .cli()
            .run(&["client", "update", "web-tv", "--web-origin", bad])
            .fails_with(&["web origin"]);
    }
    // Taking the list away takes the access away.
    server
        .cli()
        .run(&[
            "client",
            "update",
            "web-tv",
            "--web-origin",
            "https://other.example.org",
        ])
        .ok();
    let (_, headers) = preflight(&server, "/token", APP);
    assert_eq!(allowed(&headers), None);
}

/// A TV backend shows the pairing page inside its own page: the client's listed origins may
/// frame it, for that client's codes only; every other page, and other clients' pairing
/// pages, refuse to be framed.
#[test]
fn a_clients_listed_origins_may_frame_its_pairing_page_and_nothing_else() {
    let server = started();
    let framing = |client: &str| {
        let code = server
            .device_authorization(client, "openid")
            .str("user_code");
        let answer = Client::new()
            .get(server.url(&format!("/device/pair?user_code={code}")))
            .send()
            .expect("GET /device/pair");
        assert_eq!(answer.status(), 200);
        let header = |name: &str| {
            answer
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        (
            header("content-security-policy").unwrap_or_default(),
            header("x-frame-options"),
        )
    };
    let (policy, frame_options) = framing("web-tv");
    assert!(
        policy.contains(&format!("frame-ancestors {APP}")),
        "{policy}"
    );
    assert_eq!(frame_options, None);
    let (policy, frame_options) = framing("tv-public");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert_eq!(frame_options.as_deref(), Some("DENY"));
    let device_page = Client::new()
        .get(server.url("/device"))
        .send()
        .expect("GET /device");
    let policy = device_page
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
}
