//! "My devices" and `authbox grant …`: a person (or an administrator) sees paired devices and
//! signs one out, with the effect visible on the very next request.

use crate::support::TestServer;
use crate::support::browser::Browser;
use crate::support::oauth::{ALICE_PASSWORD, Reply, enc};

fn started() -> TestServer {
    let server = TestServer::start();
    server.fixtures();
    server
        .cli()
        .run(&["client", "update", "tv-public", "--name", "Living room TV"])
        .ok();
    server
}

impl TestServer {
    fn refresh_once(&self, refresh_token: &str) -> Reply {
        let body = format!(
            "grant_type=refresh_token&refresh_token={}&client_id=tv-public",
            enc(refresh_token)
        );
        self.post_form("/token", &body, None)
    }

    fn userinfo_code(&self, token: &str) -> u16 {
        reqwest::blocking::Client::new()
            .get(self.url("/userinfo"))
            .bearer_auth(token)
            .send()
            .expect("GET")
            .status()
            .as_u16()
    }
}

fn signed_in(server: &TestServer, username: &str, password: &str) -> Browser {
    let mut browser = Browser::new(server);
    browser.get("/login");
    let page = browser.submit("/login", &[("username", username), ("password", password)]);
    assert!(
        page.says("/devices"),
        "the signed-in page links to My devices"
    );
    browser
}

#[test]
fn oidc_16_18_a_a_person_sees_a_device_and_signs_it_out() {
    let server = started();
    let tokens = server.grant("tv-public", "openid profile offline_access", "alice");
    let mut browser = signed_in(&server, "alice", ALICE_PASSWORD);

    let page = browser.get("/devices");
    assert_eq!(page.status, 200);
    assert!(
        page.says("Living room TV") && page.says("127.0.0.1"),
        "{}",
        page.html
    );
    assert!(
        page.says("Stay signed in on this device"),
        "its scopes in words"
    );
    let marker = "name=\"device\" value=\"";
    let at = page.html.find(marker).expect("a sign-out form") + marker.len();
    let id = page.html[at..].split('"').next().expect("id").to_owned();

    let after = browser.submit("/devices/sign-out", &[("device", &id)]);
    assert!(after.says("Living room TV is signed out"));
    assert!(after.says("No device is signed in"));
    server
        .refresh_once(&tokens.str("refresh_token"))
        .is_error(400, "invalid_grant");
    assert_eq!(
        server.userinfo_code(&tokens.str("access_token")),
        401,
        "its live access token stopped at once"
    );
}

#[test]
fn a_person_cannot_sign_out_someone_elses_device() {
    let server = started();
    let tokens = server.grant("tv-public", "openid offline_access", "alice");
    let grants = server
        .cli()
        .run(&["--json", "grant", "list", "--user", "alice"])
        .json();
    let id = grants["grants"][0]["id"].as_str().expect("id").to_owned();

    let mut bob = signed_in(&server, "bob", "Tr0ub4dor&3");
    // Bob has no devices, so no form on that page; the code page carries his form token.
    bob.get("/device");
    let page = bob.submit("/devices/sign-out", &[("device", &id)]);
    assert!(page.says("That device was not found"));
    assert_eq!(
        server.refresh_once(&tokens.str("refresh_token")).status,
        200,
        "alice's device is untouched"
    );
}

#[test]
fn my_devices_needs_a_signed_in_person() {
    let server = started();
    let page = Browser::new(&server).get("/devices");
    assert_eq!(page.status, 401);
    assert!(page.says("name=\"password\""));
}

#[test]
fn an_administrator_lists_and_revokes_pairings() {
    let server = started();
    let tokens = server.grant("tv-public", "openid offline_access", "alice");
    server.grant("tv-public", "openid offline_access", "bob");
    let all = server.cli().run(&["--json", "grant", "list"]).json();
    assert_eq!(all["grants"].as_array().map(Vec::len), Some(2));
    let alices = server
        .cli()
        .run(&["--json", "grant", "list", "--user", "alice"])
        .json();
    let grant = &alices["grants"][0];
    assert_eq!(
        (grant["state"].as_str(), grant["client_id"].as_str()),
        (Some("live"), Some("tv-public"))
    );
    let table = server.cli().run(&["grant", "list"]).ok();
    assert!(
        table.starts_with("ID") && table.contains("tv-public"),
        "{table}"
    );

    let id = grant["id"].as_str().expect("id");
    server.cli().run(&["grant", "revoke", id]).ok();
    server
        .refresh_once(&tokens.str("refresh_token"))
        .is_error(400, "invalid_grant");
    let after = server
        .cli()
        .run(&["--json", "grant", "list", "--user", "alice"])
        .json();
    assert_eq!(after["grants"][0]["state"], "ended");
    server
        .cli()
        .run(&["grant", "revoke", "nonsense"])
        .fails_with(&["no device pairing"]);
}
