//! `--require-second-factor-for-admins` and the operator's side of the second factor: an
//! administrator without one is sent to set it up, the admin pages refuse a session that did
//! not use one; `user show` says whether it is on and `user update --no-totp` turns it off.

use authbox::app::accounts::UserChanges;

use crate::second_factor::{enrol, now, password_then_code, totp};
use crate::support::TestServer;
use crate::support::browser::Browser;
use crate::support::oauth::ALICE_PASSWORD;

fn admin_alice(server: &TestServer) {
    server.fixtures();
    let changes = UserChanges {
        admin: Some(true),
        ..UserChanges::default()
    };
    server.app().update_user("alice", &changes).expect("admin");
}

#[test]
fn mfa_20_an_admin_without_a_second_factor_is_sent_to_set_it_up_and_kept_off_the_admin_pages() {
    let server = TestServer::start_with(|s| s.second_factor_for_admins = true);
    admin_alice(&server);
    let mut browser = Browser::new(&server);
    browser.get("/login");
    let signed_in = browser.submit_unfollowed(
        "/login",
        &[
            ("username", "alice"),
            ("password", ALICE_PASSWORD),
            ("back", "/admin"),
        ],
    );
    assert_eq!(signed_in.status, 303);
    assert_eq!(signed_in.header("location"), "/account/second-factor");
    let admin = browser.get("/admin");
    assert_eq!(admin.status, 403);
    assert!(admin.says("Two-step sign-in needed"), "{}", admin.html);
    assert!(admin.says("href=\"/account/second-factor\""));

    let enrolled = enrol(&server);
    let mut two_step = Browser::new(&server);
    let code = totp(&enrolled.secret, now(&server));
    assert_eq!(password_then_code(&mut two_step, &code), 303);
    assert_eq!(two_step.get("/admin").status, 200);
}

#[test]
fn mfa_21_without_the_setting_an_admin_signs_in_with_a_password_alone() {
    let server = TestServer::start();
    admin_alice(&server);
    let mut browser = Browser::new(&server);
    browser.get("/login");
    browser.submit(
        "/login",
        &[("username", "alice"), ("password", ALICE_PASSWORD)],
    );
    assert_eq!(browser.get("/admin").status, 200);
}

#[test]
fn mfa_22_an_operator_turns_a_lost_authenticator_off() {
    let server = TestServer::start();
    server.fixtures();
    let cli = server.cli();
    assert_eq!(
        cli.run(&["--json", "user", "show", "alice"]).json()["user"]["totp"],
        false
    );
    enrol(&server);
    assert_eq!(
        cli.run(&["--json", "user", "show", "alice"]).json()["user"]["totp"],
        true
    );
    assert!(cli.run(&["user", "show", "alice"]).ok().contains("totp"));
    cli.run(&["user", "update", "alice", "--no-totp"]).ok();
    assert_eq!(
        cli.run(&["--json", "user", "show", "alice"]).json()["user"]["totp"],
        false
    );
    let mut browser = Browser::new(&server);
    browser.get("/login");
    let page = browser.submit_unfollowed(
        "/login",
        &[("username", "alice"), ("password", ALICE_PASSWORD)],
    );
    assert_eq!(page.status, 303);
    assert_ne!(page.header("location"), "/login/code");
}

/// Every route that takes a TOTP or recovery code.
const CODE_ROUTES: [&str; 3] = [
    "/login/code",
    "/account/second-factor",
    "/account/second-factor/off",
];

/// A browser at the point where `route` takes a code: signed in, or halfway through.
fn at_route(server: &TestServer, route: &str) -> (Browser, Vec<(&'static str, String)>) {
    let mut browser = Browser::new(server);
    match route {
        "/login/code" => {
            enrol(server);
            browser.get("/login");
            browser.submit_unfollowed(
                "/login",
                &[("username", "alice"), ("password", ALICE_PASSWORD)],
            );
            browser.get("/login/code");
            (browser, Vec::new())
        }
        "/account/second-factor" => {
            browser.get("/login");
            browser.submit(
                "/login",
                &[("username", "alice"), ("password", ALICE_PASSWORD)],
            );
            browser.get("/account/second-factor");
            (browser, Vec::new())
        }
        _ => {
            let enrolled = enrol(server);
            let code = totp(&enrolled.secret, now(server));
            assert_eq!(password_then_code(&mut browser, &code), 303);
            browser.get("/account");
            (browser, vec![("current", ALICE_PASSWORD.to_owned())])
        }
    }
}

#[test]
fn mfa_23_every_route_that_takes_a_code_spends_the_sign_in_budget() {
    for route in CODE_ROUTES {
        let server = TestServer::start();
        server.fixtures();
        let (mut browser, extra) = at_route(&server, route);
        let statuses: Vec<u16> = (0..6)
            .map(|_| {
                let mut fields: Vec<(&str, &str)> =
                    extra.iter().map(|(k, v)| (*k, v.as_str())).collect();
                fields.push(("code", "000000"));
                browser.submit_unfollowed(route, &fields).status
            })
            .collect();
        assert_eq!(statuses[..5], [401; 5], "{route}: {statuses:?}");
        assert_eq!(statuses[5], 429, "{route}: {statuses:?}");
    }
}
