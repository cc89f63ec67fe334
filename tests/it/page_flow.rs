//! The pages as a person moves through them: every form that works answers with a redirect to
//! a page (Post/Redirect/Get), so a reload never posts a code, a password or a decision again;
//! and no page is a dead end. SPEC-style IDs: PRG-* for the redirects, NAV-* for the ways on.

use crate::support::TestServer;
use crate::support::browser::{Browser, Page};
use crate::support::oauth::{ALICE_PASSWORD, started};
use crate::support::web::{authorize_path, web_clients};

fn sign_in(browser: &mut Browser) -> Page {
    browser.get("/login");
    browser.submit_unfollowed(
        "/login",
        &[("username", "alice"), ("password", ALICE_PASSWORD)],
    )
}

/// A live code, typed into the code form by a browser signed in as alice: the consent page's
/// address.
fn consent_address(server: &TestServer, browser: &mut Browser) -> (String, String) {
    let user_code = server
        .device_authorization("tv-public", "openid")
        .str("user_code");
    browser.get("/device");
    let posted = browser.submit_unfollowed("/device", &[("user_code", &user_code)]);
    assert_eq!(posted.status, 303, "{}", posted.html);
    (user_code, posted.header("location").to_owned())
}

#[test]
fn prg_1_the_code_form_and_sign_in_lead_to_a_consent_page_a_reload_shows_again() {
    let server = started();
    let mut browser = Browser::new(&server);
    let device = server.device_authorization("tv-public", "openid");
    let user_code = device.str("user_code");
    browser.get("/device");
    let posted = browser.submit_unfollowed("/device", &[("user_code", &user_code)]);
    assert_eq!(posted.status, 303);
    assert_eq!(posted.header("cache-control"), "no-store");
    let sign_in_page = posted.header("location").to_owned();
    assert!(
        sign_in_page.starts_with("/device/consent?"),
        "{sign_in_page}"
    );
    assert!(browser.get(&sign_in_page).says("name=\"password\""));

    let signed_in = browser.submit_unfollowed(
        "/login",
        &[
            ("username", "alice"),
            ("password", ALICE_PASSWORD),
            ("user_code", &user_code),
        ],
    );
    assert_eq!(signed_in.status, 303, "{}", signed_in.html);
    assert!(
        signed_in.header("set-cookie").contains("authbox_session="),
        "the new session's cookie comes with the redirect"
    );
    let consent = signed_in.header("location").to_owned();
    assert!(consent.starts_with("/device/consent?"), "{consent}");
    assert_ne!(consent, sign_in_page, "a ticket for the new cookie");
    let first = browser.get(&consent);
    assert!(
        first.says("You are signing in on a device"),
        "{}",
        first.html
    );
    // A reload is a GET of the same page: the same consent, and nothing decided.
    let reload = browser.get(&consent);
    assert_eq!(reload.status, 200);
    assert!(reload.says("You are signing in on a device"));
    server
        .poll(&device.str("device_code"), "tv-public")
        .is_error(400, "authorization_pending");
}

#[test]
fn prg_2_a_decision_leads_to_a_page_that_names_the_device_and_the_way_on() {
    let server = started();
    let mut browser = Browser::new(&server);
    sign_in(&mut browser);
    let started = server.device_authorization("tv-public", "openid");
    let user_code = started.str("user_code");
    browser.get("/device");
    browser.submit("/device", &[("user_code", &user_code)]);
    let decided = browser.submit_unfollowed(
        "/device/decision",
        &[("user_code", &user_code), ("decision", "approve")],
    );
    assert_eq!(decided.status, 303, "{}", decided.html);
    let done = decided.header("location").to_owned();
    assert!(done.starts_with("/device/done?"), "{done}");
    let page = browser.get(&done);
    assert!(
        page.says("<h1>tv-public is connected</h1>"),
        "{}",
        page.html
    );
    assert!(page.says("href=\"/devices\""), "NAV: My devices");
    assert!(page.says("href=\"/device\""), "NAV: another device");
    // A reload says the same, and the device got its tokens once.
    assert!(browser.get(&done).says("tv-public is connected"));
    server.advance(std::time::Duration::from_secs(5));
    let tokens = server.poll(&started.str("device_code"), "tv-public");
    assert_eq!(tokens.status, 200, "{}", tokens.body);

    // The address in another browser, or with its outcome changed, says nothing.
    let mut other = Browser::new(&server);
    other.get("/device");
    let elsewhere = other.get(&done);
    assert_eq!(elsewhere.status, 303);
    assert_eq!(elsewhere.header("location"), "/device");
    let changed = done.replace("outcome=approved", "outcome=denied");
    assert_eq!(browser.get(&changed).header("location"), "/device");
}

#[test]
fn nav_1_a_denial_offers_another_code() {
    let server = started();
    let mut browser = Browser::new(&server);
    sign_in(&mut browser);
    let (user_code, consent) = consent_address(&server, &mut browser);
    browser.get(&consent);
    let page = browser.decide(&user_code, "deny");
    assert!(
        page.says("<h1>tv-public was not connected</h1>"),
        "{}",
        page.html
    );
    assert!(page.says("<a href=\"/device\">Enter another code</a>"));
}

#[test]
fn nav_2_a_wrong_code_stays_in_the_field() {
    let server = started();
    let mut browser = Browser::new(&server);
    browser.get("/device");
    let page = browser.submit("/device", &[("user_code", "bcdf ghjk")]);
    assert_eq!(page.status, 400);
    assert!(page.says("That code is not right"));
    assert!(
        page.says("value=\"BCDF-GHJK\""),
        "to correct, not retype: {}",
        page.html
    );
    let odd = browser.submit("/device", &[("user_code", "<b>12")]);
    assert_eq!(odd.status, 400);
    assert!(odd.says("value=\"&lt;b&gt;12\""), "{}", odd.html);
}

#[test]
fn prg_3_signing_in_without_a_code_leads_to_a_page_that_says_as_whom() {
    let server = started();
    let mut browser = Browser::new(&server);
    let signed_in = sign_in(&mut browser);
    assert_eq!(signed_in.status, 303);
    assert_eq!(signed_in.header("location"), "/login");
    let page = browser.get("/login");
    assert!(
        page.says("You are signed in as <strong>Alice</strong>"),
        "{}",
        page.html
    );
    assert!(page.says("action=\"/logout\""), "NAV: sign out from there");
    assert!(!page.says("name=\"password\""), "no second sign-in form");
}

#[test]
fn prg_4_signing_out_leads_to_a_page_and_its_confirmation_has_a_way_back() {
    let server = started();
    let mut browser = Browser::new(&server);
    sign_in(&mut browser);
    let asked = browser.get("/logout");
    assert!(asked.says("Sign out?"), "{}", asked.html);
    assert!(asked.says("Alice"));
    assert!(
        asked.says("<a class=\"button secondary\" href=\"/\">Stay signed in</a>"),
        "NAV: cancel"
    );
    let out = browser.submit_unfollowed("/logout", &[]);
    assert_eq!(out.status, 303);
    assert_eq!(out.header("location"), "/logout");
    let page = browser.get("/logout");
    assert!(
        page.says("You are signed out on this browser"),
        "{}",
        page.html
    );
    assert!(browser.get("/login").says("name=\"password\""));
}

#[test]
fn prg_5_after_signing_in_for_an_app_with_prompt_login_the_consent_page_is_a_get_and_asks_once() {
    let server = started();
    web_clients(&server);
    let mut browser = Browser::new(&server);
    let path = authorize_path("openid profile", &[("prompt", "login"), ("max_age", "0")]);
    let login = browser.get(&path);
    let request = login.hidden("authorize").expect("carried");
    let signed_in = browser.submit_unfollowed(
        "/login",
        &[
            ("username", "alice"),
            ("password", ALICE_PASSWORD),
            ("authorize", &request),
        ],
    );
    assert_eq!(signed_in.status, 303, "{}", signed_in.html);
    let consent = signed_in.header("location").to_owned();
    assert!(consent.starts_with("/authorize?"), "{consent}");
    assert!(
        !consent.contains("prompt=login"),
        "met by the sign-in just done"
    );
    assert!(!consent.contains("max_age"), "met by the sign-in just done");
    let page = browser.get(&consent);
    assert!(page.says("Sign in to Photo album?"), "{}", page.html);
    let again = browser.get(&consent);
    assert!(
        again.says("Sign in to Photo album?"),
        "a reload asks the same"
    );
    let back = browser.decide_for_app(&page, "approve");
    assert_eq!(back.status, 303);
    assert!(back.location_param("code").is_some());
}

#[test]
fn prg_6_my_devices_buttons_lead_back_to_the_page_with_a_notice_only_they_can_give() {
    let server = started();
    web_clients(&server);
    let mut browser = Browser::new(&server);
    sign_in(&mut browser);
    browser.get("/login");
    let forgot = browser.submit_unfollowed("/devices/forget-app", &[("client_id", "web-app")]);
    assert_eq!(forgot.status, 303, "{}", forgot.html);
    let notice = forgot.header("location").to_owned();
    assert!(
        notice.starts_with("/devices?notice=app-not-found"),
        "{notice}"
    );
    assert!(browser.get(&notice).says("That app was not found"));
    // Somebody else's link, or a notice made up, shows the page without it.
    let made_up = "/devices?notice=device-signed-out&name=Your+bank&ticket=x";
    let page = browser.get(made_up);
    assert_eq!(page.status, 200);
    assert!(!page.says("Your bank"), "{}", page.html);
}

#[test]
fn nav_3_a_missing_page_links_home() {
    let server = started();
    let page = Browser::new(&server)
        .with_header("Accept", "text/html")
        .get("/no/such/page");
    assert_eq!(page.status, 404);
    assert!(
        page.says("<a href=\"/\">Go to the start page</a>"),
        "{}",
        page.html
    );
}
