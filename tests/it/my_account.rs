//! "My account" (issue 20, item 6): every signed-in person sees their name and email, changes
//! their password (the current one required, wrong guesses spending the sign-in budget), and
//! finds their devices; a person not signed in signs in and comes back to it.

use crate::support::TestServer;
use crate::support::browser::Browser;
use crate::support::oauth::ALICE_PASSWORD;

const NEW_PASSWORD: &str = "alice picks a new passphrase";

fn started() -> TestServer {
    let server = TestServer::start();
    server.fixtures();
    server
}

fn signed_in(server: &TestServer) -> Browser {
    let mut browser = Browser::new(server);
    browser.get("/login");
    browser.submit(
        "/login",
        &[("username", "alice"), ("password", ALICE_PASSWORD)],
    );
    browser
}

fn change(browser: &mut Browser, current: &str, new: &str, repeat: &str) -> u16 {
    browser.get("/account");
    browser
        .submit(
            "/account/password",
            &[("current", current), ("password", new), ("repeat", repeat)],
        )
        .status
}

#[test]
fn acct_01_not_signed_in_the_account_page_signs_in_and_comes_back() {
    let server = started();
    let mut browser = Browser::new(&server);
    let page = browser.get("/account");
    assert_eq!(page.status, 401);
    assert!(page.says("Sign in to see your account") && page.says("name=\"then\""));
    let wrong = browser.submit(
        "/login",
        &[
            ("username", "alice"),
            ("password", "wrong"),
            ("then", "account"),
        ],
    );
    assert_eq!(wrong.status, 401);
    assert!(
        wrong.says("name=\"then\""),
        "a wrong password keeps the way back"
    );
    let signed_in = browser.submit_unfollowed(
        "/login",
        &[
            ("username", "alice"),
            ("password", ALICE_PASSWORD),
            ("then", "account"),
        ],
    );
    assert_eq!(signed_in.status, 303);
    assert_eq!(signed_in.header("location"), "/account");
    let account = browser.get("/account");
    assert_eq!(account.status, 200);
    for shown in [
        "alice",
        "Alice",
        "alice@example.org",
        "href=\"/devices\"",
        "href=\"/device\"",
    ] {
        assert!(account.says(shown), "{shown}");
    }
}

#[test]
fn acct_02_a_password_change_needs_the_current_one_and_ends_the_other_browsers() {
    let server = started();
    let mut here = signed_in(&server);
    let mut elsewhere = signed_in(&server);
    let tv = server.grant("tv-public", "openid offline_access", "alice");

    assert_eq!(
        change(
            &mut here,
            ALICE_PASSWORD,
            NEW_PASSWORD,
            "not the same at all"
        ),
        400
    );
    assert_eq!(change(&mut here, ALICE_PASSWORD, "short", "short"), 400);
    assert_eq!(
        change(&mut here, "not my password", NEW_PASSWORD, NEW_PASSWORD),
        401
    );
    assert_eq!(elsewhere.get("/account").status, 200, "nothing changed yet");

    here.get("/account");
    let changed = here.submit_unfollowed(
        "/account/password",
        &[
            ("current", ALICE_PASSWORD),
            ("password", NEW_PASSWORD),
            ("repeat", NEW_PASSWORD),
        ],
    );
    assert_eq!(changed.status, 303, "Post/Redirect/Get");
    assert_eq!(changed.header("location"), "/account?changed=password");
    let page = here.get("/account?changed=password");
    assert_eq!(page.status, 200, "this browser stays signed in");
    assert!(page.says("Your password is changed"));
    assert_eq!(
        elsewhere.get("/account").status,
        401,
        "the other browser is signed out"
    );
    let body = format!(
        "grant_type=refresh_token&refresh_token={}&client_id=tv-public",
        crate::support::oauth::enc(&tv.str("refresh_token"))
    );
    assert_eq!(
        server.post_form("/token", &body, None).status,
        200,
        "devices stay"
    );

    let mut again = Browser::new(&server);
    again.get("/login");
    let page = again.submit(
        "/login",
        &[("username", "alice"), ("password", NEW_PASSWORD)],
    );
    assert_eq!(page.status, 200, "the new password signs in");
}

#[test]
fn acct_03_a_wrong_current_password_spends_the_sign_in_budget() {
    let server = started();
    let mut browser = signed_in(&server);
    for i in 0..5 {
        assert_eq!(
            change(&mut browser, "guess", NEW_PASSWORD, NEW_PASSWORD),
            401,
            "guess {i}"
        );
    }
    assert_eq!(
        change(&mut browser, ALICE_PASSWORD, NEW_PASSWORD, NEW_PASSWORD),
        429,
        "out of budget, even the right password is not checked"
    );
    // Signing in to the account shares the budget.
    let mut other = Browser::new(&server);
    other.get("/login");
    let page = other.submit(
        "/login",
        &[("username", "alice"), ("password", ALICE_PASSWORD)],
    );
    assert_eq!(page.status, 429);
}

#[test]
fn acct_04_the_landing_page_leads_to_my_account() {
    let server = started();
    let mut browser = Browser::new(&server);
    assert!(browser.get("/").says("href=\"/login\""));
    browser.get("/login");
    browser.submit(
        "/login",
        &[("username", "alice"), ("password", ALICE_PASSWORD)],
    );
    assert!(browser.get("/").says("href=\"/account\""));
}
