//! Changing an account from the CLI, against a running server, ends what the person was
//! signed in with: a new password signs them out everywhere (or, with `--keep-devices`, out of
//! browsers only), removal ends everything, and disabling ends the browser sessions.

use serde_json::Value;

use crate::support::TestServer;
use crate::support::browser::Browser;
use crate::support::oauth::{ALICE_PASSWORD, Reply, enc};

const NEW_PASSWORD: &str = "a brand new passphrase 42";
const SIGNED_OUT: &str = "Sign in to see the devices signed in as you";

/// A browser signed in as alice, on "My devices".
fn signed_in_browser(server: &TestServer) -> Browser {
    let mut browser = Browser::new(server);
    browser.get("/login");
    browser.submit(
        "/login",
        &[("username", "alice"), ("password", ALICE_PASSWORD)],
    );
    assert!(!browser.get("/devices").says(SIGNED_OUT), "signed in");
    browser
}

fn refresh(server: &TestServer, tokens: &Reply) -> Reply {
    let body = format!(
        "grant_type=refresh_token&refresh_token={}&client_id=tv-public",
        enc(&tokens.str("refresh_token"))
    );
    server.post_form("/token", &body, None)
}

fn userinfo_status(server: &TestServer, tokens: &Reply) -> u16 {
    reqwest::blocking::Client::new()
        .get(server.url("/userinfo"))
        .bearer_auth(tokens.str("access_token"))
        .send()
        .expect("GET /userinfo")
        .status()
        .as_u16()
}

fn passwd(server: &TestServer, extra: &[&str]) {
    let mut args = vec!["user", "passwd", "alice", "--password-stdin"];
    args.extend_from_slice(extra);
    server
        .cli()
        .run_with_stdin(&args, Some(&format!("{NEW_PASSWORD}\n")))
        .ok();
}

fn audit_events(server: &TestServer) -> Vec<(String, Value)> {
    let log = server.cli().run(&["--json", "audit"]).json();
    log["events"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|e| (e["event"].as_str().unwrap_or_default().to_owned(), e))
        .collect()
}

#[test]
fn a_new_password_signs_the_person_out_everywhere() {
    let server = TestServer::start();
    server.fixtures();
    let mut browser = signed_in_browser(&server);
    let lasting = server.grant("tv-public", "openid offline_access", "alice");
    let plain = server.grant("tv-other", "openid", "alice");
    let bobs = server.grant("tv-public", "openid offline_access", "bob");

    passwd(&server, &[]);

    assert!(
        browser.get("/devices").says(SIGNED_OUT),
        "the old session cookie is signed out"
    );
    refresh(&server, &lasting).is_error(400, "invalid_grant");
    assert_eq!(userinfo_status(&server, &lasting), 401);
    assert_eq!(
        userinfo_status(&server, &plain),
        401,
        "every client's access tokens, refresh token or not"
    );
    assert_eq!(refresh(&server, &bobs).status, 200, "others are untouched");
    let grants = server
        .cli()
        .run(&["--json", "grant", "list", "--user", "alice"])
        .json();
    assert_eq!(grants["grants"][0]["state"], "ended");

    let events = audit_events(&server);
    let ended: Vec<&str> = events
        .iter()
        .filter(|(kind, _)| kind == "sessions_ended" || kind == "revoked")
        .map(|(kind, _)| kind.as_str())
        .collect();
    assert_eq!(
        ended,
        ["sessions_ended", "revoked", "revoked"],
        "the session, the device grant, all access tokens: {events:#?}"
    );
    let grant_event = events.iter().find(|(kind, _)| kind == "revoked");
    assert_eq!(
        grant_event.map(|(_, e)| e["client_id"].clone()),
        Some(Value::from("tv-public"))
    );

    // The new password works.
    let mut again = Browser::new(&server);
    again.get("/login");
    again.submit(
        "/login",
        &[("username", "alice"), ("password", NEW_PASSWORD)],
    );
    assert!(!again.get("/devices").says(SIGNED_OUT));
}

#[test]
fn keep_devices_ends_only_the_browser_sessions() {
    let server = TestServer::start();
    server.fixtures();
    let mut browser = signed_in_browser(&server);
    let lasting = server.grant("tv-public", "openid offline_access", "alice");

    passwd(&server, &["--keep-devices"]);

    assert!(browser.get("/devices").says(SIGNED_OUT));
    assert_eq!(userinfo_status(&server, &lasting), 200);
    let refreshed = refresh(&server, &lasting);
    assert_eq!(refreshed.status, 200, "{}", refreshed.body);
    assert_eq!(userinfo_status(&server, &refreshed), 200);
}

#[test]
fn removing_a_person_ends_their_grants_and_disabling_their_sessions() {
    let server = TestServer::start();
    server.fixtures();
    // Disabled and enabled again: the session stays ended.
    let mut browser = signed_in_browser(&server);
    server.cli().run(&["user", "disable", "alice"]).ok();
    server.cli().run(&["user", "enable", "alice"]).ok();
    assert!(browser.get("/devices").says(SIGNED_OUT));

    let _browser = signed_in_browser(&server);
    let lasting = server.grant("tv-public", "openid offline_access", "alice");
    server.cli().run(&["user", "remove", "alice"]).ok();
    refresh(&server, &lasting).is_error(400, "invalid_grant");
    assert_eq!(userinfo_status(&server, &lasting), 401);
    let grants = server.cli().run(&["--json", "grant", "list"]).json();
    let states: Vec<&Value> = grants["grants"]
        .as_array()
        .expect("grants")
        .iter()
        .map(|g| &g["state"])
        .collect();
    assert_eq!(
        states,
        [&Value::from("ended")],
        "no grant outlives its person"
    );
    let kinds: Vec<String> = audit_events(&server).into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        kinds.iter().filter(|k| *k == "sessions_ended").count(),
        2,
        "{kinds:?}"
    );
}
