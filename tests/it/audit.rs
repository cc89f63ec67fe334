//! The audit log: what happened is recorded with who, which client and where; no secret ever
//! is; `authbox audit` reads it; the sweeper drops what is older than the retention.

use std::time::Duration;

use serde_json::Value;

use crate::support::TestServer;
use crate::support::binary::Cli;
use crate::support::browser::Browser;
use crate::support::oauth::{ALICE_PASSWORD, enc};
use crate::support::server::eventually;
use crate::support::spawned::Spawned;

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

/// One life of the real server on `data` at `port` (the same issuer every time, so tokens
/// stay valid), ended by SIGKILL the moment `story` has its last answer; then the events on
/// file, read by the CLI with no server running.
fn kill_right_after(data: &std::path::Path, port: u16, story: impl FnOnce(&str)) -> Vec<String> {
    let mut server = Spawned::serve_on(port, data, &[], &[]);
    let base = server.base_url();
    story(&base);
    server.child.kill().expect("SIGKILL");
    server.child.wait().expect("reap");
    let out = Cli::new(data).run(&["--json", "audit"]).json();
    kinds(
        out["events"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default(),
    )
}

fn post(base: &str, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let answer = reqwest::blocking::Client::new()
        .post(format!("{base}{path}"))
        .form(form)
        .send()
        .expect("POST");
    let status = answer.status().as_u16();
    (status, answer.json().unwrap_or(Value::Null))
}

fn device_code_for_tv(base: &str) -> (String, String) {
    let (status, started) = post(
        base,
        "/device_authorization",
        &[("client_id", "tv"), ("scope", "openid offline_access")],
    );
    assert_eq!(status, 200, "{started}");
    let text = |name: &str| started[name].as_str().unwrap_or_default().to_owned();
    (text("device_code"), text("user_code"))
}

fn count(kinds: &[String], kind: &str) -> usize {
    kinds.iter().filter(|k| *k == kind).count()
}

/// Each security event is committed with the fact it records: a server killed the moment it
/// has answered has already written both. (Buffered, an event lived up to 200 ms in memory
/// after its answer, and a kill lost it while the approval or revocation it told of stayed.)
#[test]
fn a_kill_right_after_an_answer_keeps_the_event_that_tells_of_it() {
    const PASSWORD: &str = "correct horse battery staple";
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("authbox.redb");
    let cli = Cli::new(&data);
    cli.run(&[
        "client",
        "add",
        "tv",
        "--grant",
        "device_code",
        "--grant",
        "refresh_token",
    ])
    .ok();
    cli.add_user("alice", PASSWORD, &[]);
    let port = crate::support::spawned::free_port();

    let mut device_code = String::new();
    let log = kill_right_after(&data, port, |base| {
        let user_code;
        (device_code, user_code) = device_code_for_tv(base);
        let mut browser = Browser::at(base);
        browser.reach_consent(&user_code, "alice", PASSWORD);
        assert!(browser.decide(&user_code, "approve").says("connected"));
    });
    assert_eq!(count(&log, "signed_in"), 1, "{log:?}");
    assert_eq!(count(&log, "approved"), 1, "{log:?}");

    let mut tokens = Value::Null;
    let log = kill_right_after(&data, port, |base| {
        let status;
        (status, tokens) = post(
            base,
            "/token",
            &[
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                ("device_code", &device_code),
                ("client_id", "tv"),
            ],
        );
        assert_eq!(status, 200, "{tokens}");
    });
    assert_eq!(count(&log, "redeemed"), 1, "{log:?}");

    let text = |name: &str| tokens[name].as_str().unwrap_or_default().to_owned();
    let (access, first_refresh) = (text("access_token"), text("refresh_token"));
    let log = kill_right_after(&data, port, |base| {
        let revoke = [("token", access.as_str()), ("client_id", "tv")];
        assert_eq!(post(base, "/revoke", &revoke).0, 200);
        let refresh = [
            ("grant_type", "refresh_token"),
            ("refresh_token", first_refresh.as_str()),
            ("client_id", "tv"),
        ];
        assert_eq!(post(base, "/token", &refresh).0, 200);
        let (status, reused) = post(base, "/token", &refresh);
        assert_eq!(
            (status, reused["error"].as_str()),
            (400, Some("invalid_grant"))
        );
    });
    assert_eq!(count(&log, "revoked"), 1, "{log:?}");
    assert_eq!(count(&log, "refresh_reused"), 1, "{log:?}");

    let log = kill_right_after(&data, port, |base| {
        let (_, user_code) = device_code_for_tv(base);
        let mut browser = Browser::at(base);
        browser.reach_consent(&user_code, "alice", PASSWORD);
        assert!(browser.decide(&user_code, "deny").says("denied"));
    });
    assert_eq!(count(&log, "signed_in"), 2, "{log:?}");
    assert_eq!(count(&log, "denied"), 1, "{log:?}");
}
