//! Per-client access policy (`--allow-group`): every path that would grant a person something
//! for a client holds to `App::may_use`. What a person, the device and the web app see.

use std::time::Duration;

use crate::support::TestServer;
use crate::support::browser::{Browser, Page};
use crate::support::oauth::{ALICE_PASSWORD, Reply, enc, started};
use crate::support::web::{CALLBACK, VERIFIER, WEB_APP, authorize_path, exchange, web_clients};

const BOB_PASSWORD: &str = "Tr0ub4dor&3";
const INTERVAL: Duration = Duration::from_secs(5);

/// SPEC §0's fixtures and web apps; `family` holds alice, `kids` holds bob.
fn server() -> TestServer {
    let server = started();
    web_clients(&server);
    let cli = server.cli();
    cli.run(&["group", "create", "family"]).ok();
    cli.run(&["group", "add", "family", "alice"]).ok();
    cli.run(&["group", "create", "kids"]).ok();
    cli.run(&["group", "add", "kids", "bob"]).ok();
    server
}

fn allow(server: &TestServer, client: &str, groups: &[&str]) {
    let mut args = vec!["client", "update", client];
    for group in groups {
        args.extend(["--allow-group", group]);
    }
    if groups.is_empty() {
        args.push("--allow-everyone");
    }
    server.cli().run(&args).ok();
}

fn refresh(server: &TestServer, client: &str, token: &str) -> Reply {
    server.post_form(
        "/token",
        &format!(
            "grant_type=refresh_token&client_id={}&refresh_token={}",
            enc(client),
            enc(token)
        ),
        None,
    )
}

/// Audit events of `kind` about `client`.
fn audited(server: &TestServer, kind: &str, client: &str) -> usize {
    let events = server.cli().run(&["--json", "audit"]).json()["events"].clone();
    events
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["event"] == kind && e["client_id"] == client)
        .count()
}

fn check_not_for_you(page: &Page, app: &str, account: &str) {
    assert_eq!(page.status, 403, "{}", page.html);
    assert!(page.says("Not available to your account"), "{}", page.html);
    assert!(
        page.says(&format!(
            "<strong>{app}</strong> is not available to <strong>{account}</strong>"
        )),
        "{}",
        page.html
    );
    assert!(page.says("Sign in as someone else"), "a way out");
    assert!(page.says("action=\"/logout\""));
    assert!(page.says("href=\"/\""), "home");
    assert!(!page.says("value=\"approve\""), "nothing to approve");
}

/// Signs in to the web app as `username`; ends where the request goes after sign-in.
fn sign_in_to_app_as(browser: &mut Browser, path: &str, username: &str, password: &str) -> Page {
    let page = browser.get(path);
    let request = page.hidden("authorize").expect("the request is carried");
    browser.submit(
        "/login",
        &[
            ("username", username),
            ("password", password),
            ("authorize", &request),
        ],
    )
}

/// The `href` of the "Back to the app" link.
fn back_to_app(page: &Page) -> url::Url {
    let start = page.html.find("<a href=\"https://").expect("a link back");
    let rest = &page.html[start + "<a href=\"".len()..];
    let href = &rest[..rest.find('"').expect("end of href")];
    url::Url::parse(&href.replace("&amp;", "&")).expect("a URL")
}

fn param(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.into_owned())
}

#[test]
fn pol_01_device_flow_a_person_outside_is_refused_at_the_code_and_the_device_hears_access_denied() {
    let server = server();
    allow(&server, "tv-public", &["family"]);
    let started = server.device_authorization("tv-public", "openid offline_access");
    let user_code = started.str("user_code");

    let mut browser = Browser::new(&server);
    let page = browser.reach_consent(&user_code, "bob", BOB_PASSWORD);
    check_not_for_you(&page, "tv-public", "Bob");
    // The device hears it at once, not after the code expires.
    server.advance(INTERVAL);
    server
        .poll(&started.str("device_code"), "tv-public")
        .is_error(400, "access_denied");
    assert_eq!(audited(&server, "access_refused", "tv-public"), 1);
    // Entering the code again does not reopen it.
    let again = browser.submit("/device", &[("user_code", &user_code)]);
    assert!(again.says("denied"), "{}", again.html);

    // Alice, in the group, pairs as before.
    let started = server.device_authorization("tv-public", "openid offline_access");
    let mut browser = Browser::new(&server);
    let page = browser.reach_consent(&started.str("user_code"), "alice", ALICE_PASSWORD);
    assert_eq!(page.status, 200);
    assert!(page.says("value=\"approve\""));
    browser.decide(&started.str("user_code"), "approve");
    server.advance(INTERVAL);
    assert_eq!(
        server.poll(&started.str("device_code"), "tv-public").status,
        200
    );
}

#[test]
fn pol_02_the_policy_is_checked_at_every_path_that_grants_a_person_something() {
    let server = server();
    let check_count = |expected: usize| {
        assert_eq!(
            audited(&server, "access_refused", "tv-public")
                + audited(&server, "access_refused", WEB_APP),
            expected,
            "each refusal is audited"
        );
    };

    // 1. Entering a device code (pol_01 shows the page): the grant is denied.
    allow(&server, "tv-public", &["family"]);
    let first = server.device_authorization("tv-public", "openid");
    let mut bob = Browser::new(&server);
    assert_eq!(
        bob.reach_consent(&first.str("user_code"), "bob", BOB_PASSWORD)
            .status,
        403
    );
    check_count(1);

    // 2. Approving a device: the consent page was shown while bob was allowed.
    allow(&server, "tv-public", &[]);
    let second = server.device_authorization("tv-public", "openid");
    let consent = bob.submit("/device", &[("user_code", &second.str("user_code"))]);
    assert_eq!(consent.status, 200, "{}", consent.html);
    allow(&server, "tv-public", &["family"]);
    let decided = bob.decide(&second.str("user_code"), "approve");
    check_not_for_you(&decided, "tv-public", "Bob");
    server.advance(INTERVAL);
    server
        .poll(&second.str("device_code"), "tv-public")
        .is_error(400, "access_denied");
    check_count(2);

    // 3. Redeeming an approved device code: approved while allowed, then the policy changed.
    allow(&server, "tv-public", &[]);
    let third = server.device_authorization("tv-public", "openid offline_access");
    server.approve(&third.str("user_code"), "bob");
    allow(&server, "tv-public", &["family"]);
    server.advance(INTERVAL);
    server
        .poll(&third.str("device_code"), "tv-public")
        .is_error(400, "access_denied");
    check_count(3);

    // 4. Refreshing a device's tokens: paired while allowed.
    allow(&server, "tv-public", &[]);
    let paired = server.grant("tv-public", "openid offline_access", "bob");
    assert_eq!(paired.status, 200, "{}", paired.body);
    allow(&server, "tv-public", &["family"]);
    refresh(&server, "tv-public", &paired.str("refresh_token")).is_error(400, "invalid_grant");
    check_count(4);

    // 5. An app's request, signed in: the page, with a way back that carries access_denied.
    allow(&server, WEB_APP, &["family"]);
    let mut bob = Browser::new(&server);
    let page = sign_in_to_app_as(
        &mut bob,
        &authorize_path("openid", &[]),
        "bob",
        BOB_PASSWORD,
    );
    check_not_for_you(&page, "Photo album", "Bob");
    let back = back_to_app(&page);
    assert_eq!(
        format!(
            "{}://{}{}",
            back.scheme(),
            back.host_str().unwrap_or_default(),
            back.path()
        ),
        CALLBACK
    );
    assert_eq!(param(&back, "error").as_deref(), Some("access_denied"));
    assert_eq!(
        param(&back, "state").as_deref(),
        Some("st"),
        "RFC 6749 §4.1.2.1"
    );
    assert_eq!(param(&back, "iss").as_deref(), Some(server.base.as_str()));
    assert!(param(&back, "code").is_none());
    check_count(5);
    // Already signed in, the next request meets the same page without signing in.
    let again = bob.get(&authorize_path("openid", &[]));
    check_not_for_you(&again, "Photo album", "Bob");
    check_count(6);

    // 6. The consent decision: the page was shown while bob was allowed.
    allow(&server, WEB_APP, &[]);
    let consent = bob.get(&authorize_path("openid", &[]));
    assert_eq!(consent.status, 200, "{}", consent.html);
    allow(&server, WEB_APP, &["family"]);
    let decided = bob.decide_for_app(&consent, "approve");
    check_not_for_you(&decided, "Photo album", "Bob");
    assert!(decided.header("location").is_empty(), "no code");
    check_count(7);

    // 7. Issuing from a remembered consent, silently (prompt=none): straight back with
    //    access_denied, as nothing may be shown.
    allow(&server, WEB_APP, &[]);
    let code = bob.code_for(&authorize_path("openid offline_access", &[]));
    let tokens = exchange(&server, &code, CALLBACK, VERIFIER);
    assert_eq!(tokens.status, 200, "{}", tokens.body);
    let silent = bob.get(&authorize_path(
        "openid offline_access",
        &[("prompt", "none")],
    ));
    assert_eq!(silent.status, 302, "consent is remembered: {}", silent.html);
    assert!(silent.location_param("code").is_some());
    allow(&server, WEB_APP, &["family"]);
    let silent = bob.get(&authorize_path(
        "openid offline_access",
        &[("prompt", "none")],
    ));
    assert_eq!(silent.status, 302);
    assert_eq!(
        silent.location_param("error").as_deref(),
        Some("access_denied")
    );
    assert_eq!(silent.location_param("state").as_deref(), Some("st"));
    check_count(8);
    //    …and without prompt=none, the remembered consent issues nothing either.
    let remembered = bob.get(&authorize_path("openid offline_access", &[]));
    check_not_for_you(&remembered, "Photo album", "Bob");
    check_count(9);

    // 8. Refreshing an app's tokens.
    refresh(&server, WEB_APP, &tokens.str("refresh_token")).is_error(400, "invalid_grant");
    check_count(10);

    // 9. Redeeming an app's code issued while allowed.
    allow(&server, WEB_APP, &[]);
    let code = bob.code_for(&authorize_path("openid", &[]));
    allow(&server, WEB_APP, &["family"]);
    exchange(&server, &code, CALLBACK, VERIFIER).is_error(400, "invalid_grant");
    check_count(11);
}

#[test]
fn pol_03_leaving_the_group_stops_refresh_and_rejoining_restores_it() {
    let server = server();
    allow(&server, "tv-public", &["kids"]);
    allow(&server, WEB_APP, &["kids"]);
    let paired = server.grant("tv-public", "openid offline_access", "bob");
    assert_eq!(paired.status, 200, "{}", paired.body);
    let mut bob = Browser::new(&server);
    let path = authorize_path("openid offline_access", &[]);
    let page = sign_in_to_app_as(&mut bob, &path, "bob", BOB_PASSWORD);
    let code = bob
        .decide_for_app(&page, "approve")
        .location_param("code")
        .expect("a code");
    let app_tokens = exchange(&server, &code, CALLBACK, VERIFIER);
    assert_eq!(app_tokens.status, 200, "{}", app_tokens.body);

    let device = refresh(&server, "tv-public", &paired.str("refresh_token"));
    assert_eq!(device.status, 200, "a member refreshes: {}", device.body);
    let device_token = device.str("refresh_token");

    server.cli().run(&["group", "remove", "kids", "bob"]).ok();
    refresh(&server, "tv-public", &device_token).is_error(400, "invalid_grant");
    refresh(&server, WEB_APP, &app_tokens.str("refresh_token")).is_error(400, "invalid_grant");

    // The grant itself was not spent: put back in the group, the same token works.
    server.cli().run(&["group", "add", "kids", "bob"]).ok();
    assert_eq!(refresh(&server, "tv-public", &device_token).status, 200);
}

#[test]
fn pol_04_a_grant_approved_before_the_policy_was_set_is_refused_at_refresh() {
    let server = server();
    let paired = server.grant("tv-public", "openid offline_access", "bob");
    assert_eq!(paired.status, 200, "{}", paired.body);
    allow(&server, "tv-public", &["family"]);
    refresh(&server, "tv-public", &paired.str("refresh_token")).is_error(400, "invalid_grant");
    // Alice's grant, approved before too, goes on: she is in the group now named.
    let hers = server.grant("tv-public", "openid offline_access", "alice");
    assert_eq!(
        refresh(&server, "tv-public", &hers.str("refresh_token")).status,
        200
    );
}

#[test]
fn pol_05_a_person_in_any_one_of_the_named_groups_may_use_the_client() {
    let server = server();
    server.cli().run(&["group", "add", "family", "bob"]).ok();
    allow(&server, "tv-public", &["family", "kids"]);
    server.cli().run(&["group", "remove", "kids", "bob"]).ok();
    let bobs = server.grant("tv-public", "openid offline_access", "bob");
    assert_eq!(bobs.status, 200, "still in family: {}", bobs.body);
    server.cli().run(&["group", "remove", "family", "bob"]).ok();
    refresh(&server, "tv-public", &bobs.str("refresh_token")).is_error(400, "invalid_grant");
}

#[test]
fn pol_06_client_credentials_have_no_person_and_are_unaffected() {
    let server = TestServer::start();
    let fixtures = server.fixtures();
    server.cli().run(&["group", "create", "nobody"]).ok();
    server
        .cli()
        .run(&["client", "update", "rs-api", "--allow-group", "nobody"])
        .ok();
    let tokens = server.post_form(
        "/token",
        "grant_type=client_credentials",
        Some(("rs-api", &fixtures.rs_api_secret)),
    );
    assert_eq!(tokens.status, 200, "{}", tokens.body);
}

#[test]
fn pol_07_a_disabled_client_stays_refused_whatever_the_policy() {
    let server = server();
    allow(&server, "tv-public", &["kids"]);
    let paired = server.grant("tv-public", "openid offline_access", "bob");
    assert_eq!(paired.status, 200, "{}", paired.body);
    server
        .cli()
        .run(&["client", "update", "tv-public", "--disable"])
        .ok();
    refresh(&server, "tv-public", &paired.str("refresh_token")).is_error(400, "invalid_grant");
    server
        .device_authorization("tv-public", "openid")
        .is_error(401, "invalid_client");
}

#[test]
fn pol_08_the_refusal_page_speaks_the_persons_language() {
    let server = server();
    allow(&server, "tv-public", &["family"]);
    let started = server.device_authorization("tv-public", "openid");
    let mut browser = Browser::new(&server).with_header("Accept-Language", "de");
    let page = browser.reach_consent(&started.str("user_code"), "bob", BOB_PASSWORD);
    assert_eq!(page.status, 403, "{}", page.html);
    assert!(page.says("Für Ihr Konto nicht verfügbar"), "{}", page.html);
    assert!(page.says("Als jemand anderes anmelden"), "{}", page.html);
}

#[test]
fn pol_09_in_chromium_a_person_outside_the_tvs_group_is_refused_and_the_tv_hears_access_denied() {
    let server = server();
    server
        .cli()
        .run(&["client", "update", "tv-public", "--name", "Living room TV"])
        .ok();
    allow(&server, "tv-public", &["family"]);
    let Some(chrome) = crate::support::webdriver::Chrome::launch(390, 844) else {
        return;
    };
    let started = server.device_authorization("tv-public", "openid offline_access");
    let user_code = started.str("user_code");

    chrome.goto(&server.url("/device"));
    chrome.type_into("#user_code", &user_code);
    chrome.click("button[type=submit]");
    chrome.wait_for_text("Sign in to connect");
    chrome.type_into("#username", "bob");
    chrome.type_into("#password", BOB_PASSWORD);
    chrome.click("button[type=submit]");
    let page = chrome.wait_for_text("Not available to your account");
    assert!(
        page.contains("Living room TV is not available to Bob"),
        "{page}"
    );
    assert!(page.contains("Sign in as someone else"), "{page}");
    assert!(!page.contains("Approve"), "nothing to approve: {page}");
    chrome.screenshot("policy-1-not-for-you");
    chrome.assert_no_csp_violations();

    server.advance(INTERVAL);
    server
        .poll(&started.str("device_code"), "tv-public")
        .is_error(400, "access_denied");

    // The way out: signing out leads to a page that offers to start again.
    chrome.click("form.signout button");
    let out = chrome.wait_for_text("Signed out");
    assert!(out.contains("Enter a code"), "{out}");
}
