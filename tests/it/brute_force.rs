//! Attempt budgets on the verification pages, by SPEC ID: user codes (RFC 8628 §5.1) and
//! passwords (OWASP), per browser, address and account, with the proxy rule of RFC 9700 §4.13.

use std::time::Duration;

use authbox::domain::network::Cidr;

use crate::support::TestServer;
use crate::support::browser::Browser;
use crate::support::oauth::ALICE_PASSWORD;

const WINDOW: Duration = Duration::from_secs(15 * 60);

fn started() -> TestServer {
    let server = TestServer::start_with(|s| s.lifetimes.device_code = Duration::from_secs(3600));
    server.fixtures();
    server
}

fn behind_a_proxy() -> TestServer {
    let server = TestServer::start_with(|s| {
        s.lifetimes.device_code = Duration::from_secs(3600);
        s.trusted_proxies = vec![Cidr::parse("127.0.0.1").expect("cidr")];
    });
    server.fixtures();
    server
}

fn wrong_code(browser: &mut Browser, code: &str) -> u16 {
    browser.get("/device");
    browser.submit("/device", &[("user_code", code)]).status
}

#[test]
fn dag_5_1_a_five_wrong_codes_then_even_the_right_one_waits() {
    let server = started();
    let started = server.device_authorization("tv-public", "openid");
    let user_code = started.str("user_code");
    let mut browser = Browser::new(&server);
    for _ in 0..5 {
        assert_eq!(
            wrong_code(&mut browser, "BCDF-GHJK"),
            400,
            "a generic 'not right' page"
        );
    }
    browser.get("/device");
    let paused = browser.submit("/device", &[("user_code", &user_code)]);
    assert_eq!(paused.status, 429);
    assert!(paused.says("Too many tries"));
    assert!(
        paused
            .header("retry-after")
            .parse::<u64>()
            .is_ok_and(|s| s > 0 && s <= 900)
    );
    assert!(!paused.says("name=\"password\"") && !paused.says("value=\"approve\""));

    // A new browser from the same address is still held back.
    let mut fresh = Browser::new(&server);
    assert_eq!(
        fresh
            .reach_consent(&user_code, "alice", ALICE_PASSWORD)
            .status,
        429
    );
    server.advance(Duration::from_secs(5));
    server
        .poll(&started.str("device_code"), "tv-public")
        .is_error(400, "authorization_pending");

    // After the pause, the right code works.
    server.advance(WINDOW);
    let consent = fresh.reach_consent(&user_code, "alice", ALICE_PASSWORD);
    assert!(
        consent.says("value=\"approve\""),
        "allowed again after the cooldown"
    );
}

#[test]
fn dag_6_1_d_spellings_of_one_wrong_code_all_count() {
    let server = started();
    let mut browser = Browser::new(&server);
    for spelling in [
        "bcdf-ghjz",
        "BCDFGHJZ",
        "bcdf ghjz",
        " BcDf-GhJz ",
        "bcdfghjz",
    ] {
        assert_eq!(wrong_code(&mut browser, spelling), 400);
    }
    assert_eq!(wrong_code(&mut browser, "BCDF-GHJZ"), 429);
}

#[test]
fn dag_5_1_a_the_budget_follows_the_account_across_addresses() {
    let server = behind_a_proxy();
    let user_code = server
        .device_authorization("tv-public", "openid")
        .str("user_code");
    for (i, address) in [
        "198.51.100.1",
        "198.51.100.2",
        "198.51.100.3",
        "198.51.100.4",
        "198.51.100.5",
    ]
    .iter()
    .enumerate()
    {
        let mut browser = Browser::new(&server).with_header("X-Forwarded-For", address);
        browser.get("/login");
        browser.submit(
            "/login",
            &[("username", "alice"), ("password", ALICE_PASSWORD)],
        );
        let status = wrong_code(&mut browser, "BCDF-GHJK");
        assert_eq!(status, 400, "attempt {i} from {address}");
    }
    let mut sixth = Browser::new(&server).with_header("X-Forwarded-For", "203.0.113.50");
    sixth.get("/login");
    sixth.submit(
        "/login",
        &[("username", "alice"), ("password", ALICE_PASSWORD)],
    );
    sixth.get("/device");
    assert_eq!(
        sixth.submit("/device", &[("user_code", &user_code)]).status,
        429,
        "alice's budget is spent"
    );
    // Bob, from yet another address, is not affected.
    let mut bob = Browser::new(&server).with_header("X-Forwarded-For", "203.0.113.51");
    assert!(
        bob.reach_consent(&user_code, "bob", "Tr0ub4dor&3")
            .says("value=\"approve\"")
    );
}

#[test]
fn web_12_five_wrong_passwords_pause_the_account_even_for_the_right_one() {
    let server = started();
    let mut browser = Browser::new(&server);
    browser.get("/login");
    for _ in 0..5 {
        assert_eq!(
            browser
                .submit(
                    "/login",
                    &[("username", "alice"), ("password", "wrong password")]
                )
                .status,
            401
        );
    }
    let paused = browser.submit(
        "/login",
        &[("username", "alice"), ("password", ALICE_PASSWORD)],
    );
    assert_eq!(paused.status, 429);
    assert!(!paused.header("retry-after").is_empty());
    server.advance(WINDOW);
    browser.get("/login");
    assert_eq!(
        browser
            .submit(
                "/login",
                &[("username", "alice"), ("password", ALICE_PASSWORD)]
            )
            .status,
        200
    );
}

#[test]
fn bcp_4_13_a_forwarded_for_is_ignored_without_a_trusted_proxy() {
    let server = started();
    let mut first = Browser::new(&server).with_header("X-Forwarded-For", "1.2.3.4");
    for _ in 0..5 {
        wrong_code(&mut first, "BCDF-GHJK");
    }
    let mut second = Browser::new(&server).with_header("X-Forwarded-For", "5.6.7.8");
    assert_eq!(
        wrong_code(&mut second, "BCDF-GHJK"),
        429,
        "the header did not change the address"
    );
}

#[test]
fn behind_a_trusted_proxy_each_forwarded_address_has_its_own_budget() {
    let server = behind_a_proxy();
    let mut first = Browser::new(&server).with_header("X-Forwarded-For", "1.2.3.4");
    for _ in 0..5 {
        wrong_code(&mut first, "BCDF-GHJK");
    }
    let mut second = Browser::new(&server).with_header("X-Forwarded-For", "5.6.7.8");
    assert_eq!(wrong_code(&mut second, "BCDF-GHJK"), 400);
    // The consent page shows the forwarded address of the device, too.
    let started = server.post_form_with(
        "/device_authorization",
        "client_id=tv-public&scope=openid",
        &[("X-Forwarded-For", "192.0.2.44")],
    );
    let page = second.reach_consent(&started.str("user_code"), "alice", ALICE_PASSWORD);
    assert!(
        page.says("192.0.2.44") && page.says("different network"),
        "{}",
        page.html
    );
}

#[test]
fn dag_5_1_a_guessing_at_the_decision_form_spends_the_same_budget() {
    let server = started();
    let started = server.device_authorization("tv-public", "openid");
    let user_code = started.str("user_code");
    let mut browser = Browser::new(&server);
    browser.get("/login");
    browser.submit(
        "/login",
        &[("username", "alice"), ("password", ALICE_PASSWORD)],
    );
    browser.get("/device");
    // Straight to the decision, skipping the code form: each unknown code is a wrong try.
    for guess in [
        "BCDF-GHJK",
        "BCDF-GHJL",
        "BCDF-GHJM",
        "BCDF-GHJN",
        "BCDF-GHJP",
    ] {
        let answer = browser.submit(
            "/device/decision",
            &[("user_code", guess), ("decision", "approve")],
        );
        assert_eq!(answer.status, 400, "{guess} is simply unknown");
    }
    let paused = browser.submit(
        "/device/decision",
        &[("user_code", &user_code), ("decision", "approve")],
    );
    assert_eq!(paused.status, 429, "even the right code waits");
    assert!(paused.says("Too many tries"));
    server.advance(Duration::from_secs(5));
    server
        .poll(&started.str("device_code"), "tv-public")
        .is_error(400, "authorization_pending");

    // Nor is signing in again with a code in hand a way around it.
    let mut other = Browser::new(&server);
    other.get("/login");
    let signed_in = other.submit(
        "/login",
        &[
            ("username", "alice"),
            ("password", ALICE_PASSWORD),
            ("user_code", &user_code),
        ],
    );
    assert_eq!(signed_in.status, 429);
    assert!(!signed_in.says("value=\"approve\""));
}
