//! The audit log: what happened is recorded with who, which client and where; no secret ever
//! is; `authbox audit` reads it; the sweeper drops what is older than the retention.

use std::time::Duration;

use serde_json::Value;

use crate::support::TestServer;
use crate::support::browser::Browser;
use crate::support::oauth::{ALICE_PASSWORD, enc};
use crate::support::server::eventually;

fn events(server: &TestServer, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["--json", "audit"];
    all.extend_from_slice(args);
    let out = server.cli().run(&all).json();
    out["events"].as_array().cloned().unwrap_or_default()
}

fn kinds(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["event"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn a_device_story_is_recorded_in_order_without_secrets() {
    let server = TestServer::start();
    server.fixtures();
    let started = server.device_authorization("tv-public", "openid offline_access");
    let user_code = started.str("user_code");

    let mut browser = Browser::new(&server);
    browser.get("/login");
    browser.submit(
        "/login",
        &[("username", "alice"), ("password", "not the password")],
    );
    browser.get("/device");
    browser.submit("/device", &[("user_code", "BCDF-GHJK")]);
    browser.reach_consent(&user_code, "alice", ALICE_PASSWORD);
    browser.decide(&user_code, "approve");
    server.advance(Duration::from_secs(5));
    let tokens = server.poll(&started.str("device_code"), "tv-public");
    let rt1 = tokens.str("refresh_token");
    let refresh = |rt: &str| {
        let body = format!(
            "grant_type=refresh_token&refresh_token={}&client_id=tv-public",
            enc(rt)
        );
        server.post_form("/token", &body, None)
    };
    refresh(&rt1);
    refresh(&rt1).is_error(400, "invalid_grant");

    let log = events(&server, &[]);
    assert_eq!(
        kinds(&log),
        [
            "sign_in_failed",
            "code_rejected",
            "signed_in",
            "approved",
            "redeemed",
            "refresh_reused"
        ],
        "{log:#?}"
    );
    assert_eq!(
        log[0]["subject"], "alice",
        "a failed sign-in names the username tried"
    );
    assert_eq!(log[0]["address"], "127.0.0.1");
    assert_eq!(log[3]["client_id"], "tv-public");
    assert_eq!(
        log[3]["address"],
        Value::Null,
        "an approval names the account and client, not where the approver was"
    );
    assert_eq!(
        log[4]["address"], "127.0.0.1",
        "a redemption names where the device asked from"
    );
    let sub = log[2]["subject"].as_str().expect("sub").to_owned();
    assert_eq!(log[4]["subject"], sub.as_str());

    let text = server.cli().run(&["--json", "audit"]).ok();
    for secret in [
        started.str("device_code"),
        rt1,
        tokens.str("access_token"),
        ALICE_PASSWORD.to_owned(),
    ] {
        assert!(!text.contains(&secret), "a secret in the audit log");
    }

    let alices = events(&server, &["--user", "alice"]);
    assert_eq!(
        alices.len(),
        5,
        "alice's events, by username and by sub: {alices:#?}"
    );
    assert!(events(&server, &["--user", "bob"]).is_empty());
    let table = server.cli().run(&["audit", "--since", "1h"]).ok();
    assert!(
        table.starts_with("TIME") && table.contains("redeemed"),
        "{table}"
    );
}

#[test]
fn revocations_are_recorded() {
    let server = TestServer::start();
    server.fixtures();
    let rt = server
        .grant("tv-public", "openid offline_access", "alice")
        .str("refresh_token");
    let revoked = reqwest::blocking::Client::new()
        .post(server.url("/revoke"))
        .form(&[("token", rt.as_str()), ("client_id", "tv-public")])
        .send()
        .expect("POST /revoke");
    assert_eq!(revoked.status(), 200);
    assert!(kinds(&events(&server, &[])).contains(&"revoked".to_owned()));
}

#[test]
fn old_events_are_swept_after_the_retention() {
    let server = TestServer::start();
    server.fixtures();
    let mut browser = Browser::new(&server);
    browser.get("/login");
    browser.submit(
        "/login",
        &[("username", "alice"), ("password", ALICE_PASSWORD)],
    );
    assert_eq!(events(&server, &[]).len(), 1);
    // Two days pass an hour at a time, as a clock does (a jump would hold deletion; see
    // `clock_jumps`).
    for _ in 0..48 {
        server.advance(Duration::from_secs(3600));
        server
            .app()
            .sweep(Duration::from_millis(20))
            .expect("sweep");
    }
    eventually("the sweeper drops events older than the retention", || {
        events(&server, &[]).is_empty()
    });
}
