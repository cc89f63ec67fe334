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
