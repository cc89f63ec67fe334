//! The headers every answer carries for browsers: a Content-Security-Policy that allows only
//! what the pages use (SPEC WEB-5), and `Strict-Transport-Security` when the issuer is https
//! (SPEC WEB-10, OA-10.11-a).

use std::collections::BTreeMap;

use reqwest::blocking::{Client, Response};

use crate::support::TestServer;

fn get(server: &TestServer, path: &str, accept: &str) -> Response {
    Client::new()
        .get(server.url(path))
        .header("Accept", accept)
        .send()
        .expect("GET")
}

fn header(response: &Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().expect("ascii").to_owned())
}

/// The policy as directive → sources, so a test names exactly what is allowed.
fn directives(csp: &str) -> BTreeMap<String, String> {
    csp.split(';')
        .filter_map(|d| {
            let mut words = d.split_whitespace();
            let name = words.next()?.to_owned();
            Some((name, words.collect::<Vec<_>>().join(" ")))
        })
        .collect()
}

#[test]
fn web_5_pages_allow_only_what_they_use() {
    let server = TestServer::start();
    server.fixtures();
    let user_code = server
        .device_authorization("tv-public", "openid")
        .str("user_code");
    let expected: BTreeMap<String, String> = [
        ("default-src", "'none'"),
        ("style-src", "'self'"),
        ("img-src", "'self'"),
        ("form-action", "'self'"),
        ("base-uri", "'none'"),
        ("frame-ancestors", "'none'"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    for path in [
        "/device".to_owned(),
        "/login".to_owned(),
        format!("/device?user_code={user_code}"),
        format!("/device/pair?user_code={user_code}"),
        "/nothing-here".to_owned(),
    ] {
        let page = get(&server, &path, "text/html");
        let csp = header(&page, "content-security-policy").expect("a policy");
        assert_eq!(directives(&csp), expected, "{path}: {csp}");
        let html = page.text().expect("html");
        assert!(
            !html.contains("<script") && !html.contains("style=") && !html.contains("<img"),
            "{path}: the pages need no script, inline style or image"
        );
    }
}

#[test]
fn web_10_an_https_issuer_gets_strict_transport_security_on_every_answer() {
    let server = TestServer::start_with(|settings| settings.issuer = "https://as.test".into());
    server.fixtures();
    let answers = [
        get(&server, "/device", "text/html"),
        get(&server, "/healthz", "application/json"),
        get(&server, "/.well-known/openid-configuration", "*/*"),
        get(&server, "/token", "application/json"),
        get(&server, "/nothing-here", "text/html"),
        get(&server, "/nothing-here", "application/json"),
        get(&server, "/metrics", "text/plain"),
    ];
    for answer in &answers {
        assert_eq!(
            header(answer, "strict-transport-security").as_deref(),
            Some("max-age=31536000"),
            "{} (status {}): a year, and no includeSubDomains, which could cut off \
             plain-http hosts under the same parent domain",
            answer.url(),
            answer.status()
        );
    }
    let token = server.device_authorization("tv-public", "openid");
    assert_eq!(
        token.header("strict-transport-security"),
        Some("max-age=31536000")
    );
}

#[test]
fn web_10_a_plain_http_issuer_gets_no_strict_transport_security() {
    let server = TestServer::start();
    for path in ["/device", "/healthz", "/nothing-here"] {
        let answer = get(&server, path, "text/html");
        assert_eq!(
            header(&answer, "strict-transport-security"),
            None,
            "{path}: meaningless over http (RFC 6797 §8.1)"
        );
    }
}
