//! `authbox user update` (issue 20, item 4): `--disabled`/`--enabled` as `user disable`/`enable`
//! (one function: disabling ends sessions, device grants and access tokens, and says how many),
//! and a password reset with `--password-stdin`, as `user passwd`.

use crate::support::TestServer;
use crate::support::browser::Browser;
use crate::support::oauth::{ALICE_PASSWORD, Reply, enc};

fn started() -> TestServer {
    let server = TestServer::start();
    server.fixtures();
    server
}

fn signed_in(server: &TestServer, password: &str) -> Browser {
    let mut browser = Browser::new(server);
    browser.get("/login");
    browser.submit("/login", &[("username", "alice"), ("password", password)]);
    assert_eq!(browser.get("/account").status, 200);
    browser
}

fn refresh_status(server: &TestServer, tokens: &Reply) -> u16 {
    let body = format!(
        "grant_type=refresh_token&refresh_token={}&client_id=tv-public",
        enc(&tokens.str("refresh_token"))
    );
    server.post_form("/token", &body, None).status
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

#[test]
fn upd_01_disabling_ends_sessions_device_grants_and_access_tokens_and_says_so() {
    for command in [
        &["user", "update", "alice", "--disabled"][..],
        &["user", "disable", "alice"][..],
    ] {
        let server = started();
        let mut browser = signed_in(&server, ALICE_PASSWORD);
        let tv = server.grant("tv-public", "openid offline_access", "alice");
        let plain = server.grant("tv-other", "openid", "alice");

        let said = server.cli().run(command).ok();
        assert!(
            said.contains("Ended 1 browser session and 1 device grant")
                && said.contains("every access token"),
            "{command:?}: {said}"
        );
        let json = server
            .cli()
            .run(&[&["--json"][..], command].concat())
            .json();
        assert_eq!(json["user"]["disabled"], true);
        assert_eq!(json["ended"]["browser_sessions"], 0, "already ended");

        assert_eq!(browser.get("/account").status, 401, "{command:?}");
        assert_eq!(refresh_status(&server, &tv), 400);
        assert_eq!(userinfo_status(&server, &plain), 401);

        // Enabled again: nothing comes back, but the person can sign in anew.
        server
            .cli()
            .run(&["user", "update", "alice", "--enabled"])
            .ok();
        assert_eq!(refresh_status(&server, &tv), 400);
        signed_in(&server, ALICE_PASSWORD);
    }
}

#[test]
fn upd_02_update_sets_a_password_as_passwd_does() {
    let server = started();
    let mut browser = signed_in(&server, ALICE_PASSWORD);
    let tv = server.grant("tv-public", "openid offline_access", "alice");
    let new = "a passphrase set by update";
    let said = server
        .cli()
        .run_with_stdin(
            &[
                "user",
                "update",
                "alice",
                "--name",
                "Alice A.",
                "--password-stdin",
                "--keep-devices",
            ],
            Some(&format!("{new}\n")),
        )
        .ok();
    assert!(
        said.contains("Ended 1 browser session") && said.contains("devices stay signed in"),
        "{said}"
    );
    assert_eq!(browser.get("/account").status, 401);
    assert_eq!(refresh_status(&server, &tv), 200, "--keep-devices");
    let page = signed_in(&server, new).get("/account");
    assert!(page.says("Alice A."));

    server
        .cli()
        .run_with_stdin(
            &["user", "update", "alice", "--password-stdin"],
            Some("short\n"),
        )
        .fails_with(&["shorter than 8"]);
    server
        .cli()
        .run(&["user", "update", "alice", "--disabled", "--enabled"])
        .fails_with(&["cannot be used with"]);
}
