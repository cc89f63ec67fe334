//! Bugs the bad-input campaign (`bad_input.rs`) found, each pinned by the request that showed it.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::support::TestServer;
use crate::support::oauth::started;
use crate::support::raw::{Answer, Connection, Outcome};

/// Sends `request` on a fresh connection and returns the answer.
fn exchange(server: &TestServer, request: &str) -> Answer {
    let addr: SocketAddr = server
        .base
        .trim_start_matches("http://")
        .parse()
        .expect("addr");
    let mut connection = Connection::open(addr).expect("connect");
    connection.send(request.as_bytes()).expect("send");
    match connection.read_answer(request.starts_with("HEAD ")) {
        Outcome::Answered(answer) => answer,
        Outcome::Closed { partial } | Outcome::Silent { partial } => panic!(
            "no answer to {request:?}, only {:?}",
            String::from_utf8_lossy(&partial)
        ),
        Outcome::Garbled(what) => panic!("a garbled answer to {request:?}: {what}"),
    }
}

fn form_post(path: &str, body: &str) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// RFC 6749 §5.2: `%x20-21 / %x23-5B / %x5D-7E`.
fn description_is_plain(text: &str) -> bool {
    text.bytes()
        .all(|b| matches!(b, 0x20 | 0x21 | 0x23..=0x5B | 0x5D..=0x7E))
}

fn oauth_error(answer: &Answer) -> (u16, String, String) {
    let body: serde_json::Value = serde_json::from_slice(&answer.body).expect("JSON");
    (
        answer.status,
        body["error"].as_str().unwrap_or_default().to_owned(),
        body["error_description"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    )
}

#[test]
fn oa_5_2_c_descriptions_that_quote_the_request_keep_to_the_allowed_characters() {
    let server = started();
    let repeated = exchange(
        &server,
        &form_post(
            "/token",
            "%22a%5Cb%22=1&%22a%5Cb%22=2&grant_type=client_credentials",
        ),
    );
    let (status, error, description) = oauth_error(&repeated);
    assert_eq!((status, error.as_str()), (400, "invalid_request"));
    assert_eq!(description, "the parameter 'a?b' is repeated");
    let scope = exchange(
        &server,
        &form_post(
            "/device_authorization",
            "client_id=tv-public&scope=%C3%A9t%C3%A9%22",
        ),
    );
    let (status, error, description) = oauth_error(&scope);
    assert_eq!((status, error.as_str()), (400, "invalid_scope"));
    assert!(
        description_is_plain(&description) && description.contains("?"),
        "{description}"
    );
    let long = exchange(
        &server,
        &form_post(
            "/device_authorization",
            &format!("client_id=tv-public&scope=%01{}", "x".repeat(5_000)),
        ),
    );
    let (_, _, description) = oauth_error(&long);
    assert!(
        description.len() <= 203 && description.ends_with("..."),
        "{description}"
    );
}

#[test]
fn a_method_a_resource_does_not_take_is_refused_in_the_format_the_client_reads() {
    let server = TestServer::start();
    let page = exchange(
        &server,
        "PUT /device HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\nContent-Length: 0\r\n\r\n",
    );
    assert_eq!(page.status, 405);
    assert_eq!(page.header("allow"), Some("GET, POST"));
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
    assert!(page.text().contains("Not allowed here"), "{}", page.text());
    let json = exchange(&server, "DELETE /userinfo HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(json.status, 405);
    assert_eq!(json.header("allow"), Some("GET, POST, OPTIONS"));
    assert_eq!(json.header("cache-control"), Some("no-store"));
    let (_, error, description) = oauth_error(&json);
    assert_eq!(error, "invalid_request");
    assert_eq!(description, "DELETE is not allowed here");
}

/// actix-http reads the body of an `Upgrade: websocket` request until the connection closes;
/// authbox upgrades nothing, so it refuses such a body at once instead of waiting.
#[test]
fn a_body_that_would_run_until_the_connection_closes_is_refused_at_once() {
    let server = started();
    let body = "client_id=tv-public&scope=openid";
    let started = Instant::now();
    let answer = exchange(
        &server,
        &format!(
            "POST /device_authorization HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    let (status, error, _) = oauth_error(&answer);
    assert_eq!((status, error.as_str()), (400, "invalid_request"));
    let userinfo = exchange(
        &server,
        "GET /userinfo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\r\n",
    );
    assert_eq!(userinfo.status, 400);
    assert_eq!(
        userinfo.header("www-authenticate"),
        Some("Bearer realm=\"authbox\", error=\"invalid_request\"")
    );
}

/// A body declared larger than any form is refused on its declaration, without waiting for it.
#[test]
fn a_body_declared_too_large_is_refused_before_it_is_sent() {
    let server = started();
    let started = Instant::now();
    let answer = exchange(
        &server,
        "POST /token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: 1000000000\r\n\r\ngrant_type=",
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    let (status, error, _) = oauth_error(&answer);
    assert_eq!((status, error.as_str()), (413, "invalid_request"));
}

/// RFC 9110 §5.3: `Authorization` is no list, so it is sent once. Two of them are two ways of
/// authenticating (RFC 6749 §2.3), and a proxy in front may have judged the other one; the
/// campaign saw a request with a confidential client's Basic header and a Bearer header
/// accepted as that client.
#[test]
fn a_repeated_authorization_header_is_refused_rather_than_half_read() {
    let server = TestServer::start();
    let fixtures = server.fixtures();
    let basic = crate::support::malformed::basic("tv-conf", &fixtures.tv_conf_secret);
    let basic = String::from_utf8(basic).expect("ASCII");
    let body = "scope=openid";
    for second in [basic.as_str(), "Bearer not-a-token"] {
        let answer = exchange(
            &server,
            &format!(
                "POST /device_authorization HTTP/1.1\r\nHost: x\r\nAuthorization: {basic}\r\n\
                 Authorization: {second}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
                 Content-Length: {}\r\n\r\n{body}",
                body.len()
            ),
        );
        let (status, error, _) = oauth_error(&answer);
        assert_eq!(
            (status, error.as_str()),
            (400, "invalid_request"),
            "{second}"
        );
    }
    let once = exchange(
        &server,
        &format!(
            "POST /device_authorization HTTP/1.1\r\nHost: x\r\nAuthorization: {basic}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    );
    assert_eq!(once.status, 200, "{}", once.text());

    let access_token = server
        .grant("tv-public", "openid", "alice")
        .str("access_token");
    let userinfo = |headers: usize| {
        let header = format!("Authorization: Bearer {access_token}\r\n").repeat(headers);
        exchange(
            &server,
            &format!("GET /userinfo HTTP/1.1\r\nHost: x\r\n{header}\r\n"),
        )
    };
    let twice = userinfo(2);
    assert_eq!(twice.status, 400);
    assert_eq!(
        twice.header("www-authenticate"),
        Some("Bearer realm=\"authbox\", error=\"invalid_request\"")
    );
    assert_eq!(userinfo(1).status, 200);
}
