//! Two-step sign-in (issue 21): a TOTP authenticator set up from "My account", asked for after
//! the password; recovery codes; replay, time-step tolerance, the sign-in budget; `amr` in the
//! device's ID token; and the pending sign-in bound to its browser.
//!
//! The codes are computed here, independently of the server (RFC 6238 with ring's HMAC-SHA-1).

use std::sync::{Arc, Barrier};
use std::time::Duration;

use crate::support::TestServer;
use crate::support::browser::Browser;
use crate::support::jwt::verify;
use crate::support::oauth::ALICE_PASSWORD;

/// RFC 6238 with SHA-1 and six digits, as an authenticator app computes it.
pub(crate) fn totp(secret: &[u8], unix_secs: u64) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, secret);
    let mac = ring::hmac::sign(&key, &(unix_secs / 30).to_be_bytes());
    let mac = mac.as_ref();
    let offset = (mac[19] & 0x0f) as usize;
    let word = u32::from_be_bytes([
        mac[offset] & 0x7f,
        mac[offset + 1],
        mac[offset + 2],
        mac[offset + 3],
    ]);
    format!("{:06}", word % 1_000_000)
}

/// RFC 4648 base32, as the page shows the key.
pub(crate) fn base32_decode(text: &str) -> Vec<u8> {
    let (mut out, mut buffer, mut bits) = (Vec::new(), 0u32, 0u32);
    for c in text.bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'2'..=b'7' => c - b'2' + 26,
            _ => panic!("not base32: {text}"),
        };
        buffer = (buffer << 5) | u32::from(value);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    out
}

fn between<'a>(html: &'a str, start: &str, end: &str) -> Vec<&'a str> {
    html.split(start)
        .skip(1)
        .filter_map(|rest| rest.split(end).next())
        .collect()
}

pub(crate) struct Enrolled {
    pub secret: Vec<u8>,
    pub recovery: Vec<String>,
}

pub(crate) fn now(server: &TestServer) -> u64 {
    server.app().now().secs()
}

fn signed_in(server: &TestServer) -> Browser {
    let mut browser = Browser::new(server);
    browser.get("/login");
    let page = browser.submit(
        "/login",
        &[("username", "alice"), ("password", ALICE_PASSWORD)],
    );
    assert_eq!(page.status, 200);
    browser
}

/// Alice sets up her authenticator from "My account"; the clock then moves on a step, so the
/// next code is not a replay of the confirming one.
pub(crate) fn enrol(server: &TestServer) -> Enrolled {
    let mut browser = signed_in(server);
    let account = browser.get("/account");
    assert!(account.says("href=\"/account/second-factor\""));
    let page = browser.get("/account/second-factor");
    assert_eq!(page.status, 200);
    assert!(page.says("<svg"), "a QR code, drawn without script");
    let key = between(&page.html, "id=\"totp-key\" class=\"code\">", "<")[0].to_owned();
    let secret = base32_decode(&key);
    assert_eq!(secret.len(), 20, "160 bits");
    let posted = browser.submit_unfollowed(
        "/account/second-factor",
        &[("code", &totp(&secret, now(server)))],
    );
    assert_eq!(posted.status, 303);
    assert_eq!(posted.header("location"), "/account/second-factor/codes");
    let codes = browser.get("/account/second-factor/codes");
    assert_eq!(codes.status, 200);
    let recovery: Vec<String> = between(&codes.html, "<li><code>", "</code>")
        .into_iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(recovery.len(), 10);
    let again = browser.get("/account/second-factor/codes");
    assert!(!again.says(&recovery[0]), "the codes are shown once");
    assert!(browser.get("/account").says("Two-step sign-in is on"));
    server.advance(Duration::from_secs(30));
    Enrolled { secret, recovery }
}

/// The password, then the second page; the status of the code's answer (unfollowed).
pub(crate) fn password_then_code(browser: &mut Browser, code: &str) -> u16 {
    browser.get("/login");
    let first = browser.submit_unfollowed(
        "/login",
        &[("username", "alice"), ("password", ALICE_PASSWORD)],
    );
    assert_eq!(first.status, 303);
    assert_eq!(first.header("location"), "/login/code");
    let asked = browser.get("/login/code");
    assert_eq!(asked.status, 200);
    assert!(asked.says("name=\"code\""));
    browser
        .submit_unfollowed("/login/code", &[("code", code)])
        .status
}

fn is_signed_in(browser: &mut Browser) -> bool {
    browser.get("/account").status == 200
}

fn started() -> TestServer {
    let server = TestServer::start();
    server.fixtures();
    server
}

#[test]
fn mfa_01_enrol_then_the_password_alone_opens_no_session_and_the_code_does() {
    let server = started();
    let enrolled = enrol(&server);
    let mut browser = Browser::new(&server);
    browser.get("/login");
    let first = browser.submit_unfollowed(
        "/login",
        &[("username", "alice"), ("password", ALICE_PASSWORD)],
    );
    assert_eq!(first.header("location"), "/login/code");
    assert!(!is_signed_in(&mut browser), "no session before the code");
    let code = totp(&enrolled.secret, now(&server));
    assert_eq!(password_then_code(&mut browser, &code), 303);
    assert!(is_signed_in(&mut browser));
}

#[test]
fn mfa_02_a_code_used_once_is_refused_the_second_time() {
    let server = started();
    let enrolled = enrol(&server);
    let code = totp(&enrolled.secret, now(&server));
    let mut first = Browser::new(&server);
    assert_eq!(password_then_code(&mut first, &code), 303);
    let mut second = Browser::new(&server);
    assert_eq!(password_then_code(&mut second, &code), 401);
    assert!(!is_signed_in(&mut second));
}

#[test]
fn mfa_03_one_step_either_side_is_accepted_two_are_not() {
    let server = started();
    let enrolled = enrol(&server);
    // One step further, so the step before now is not the one enrolment used.
    server.advance(Duration::from_secs(30));
    let t = now(&server);
    for off_by_two in [t - 60, t + 60] {
        let mut browser = Browser::new(&server);
        let code = totp(&enrolled.secret, off_by_two);
        assert_eq!(password_then_code(&mut browser, &code), 401);
    }
    for off_by_one in [t - 30, t + 30] {
        let mut browser = Browser::new(&server);
        let code = totp(&enrolled.secret, off_by_one);
        assert_eq!(password_then_code(&mut browser, &code), 303);
        assert!(is_signed_in(&mut browser));
    }
}

#[test]
fn mfa_04_a_recovery_code_signs_in_once() {
    let server = started();
    let enrolled = enrol(&server);
    let recovery = enrolled.recovery[3].to_uppercase();
    let mut first = Browser::new(&server);
    assert_eq!(password_then_code(&mut first, &recovery), 303);
    assert!(is_signed_in(&mut first));
    let mut second = Browser::new(&server);
    assert_eq!(password_then_code(&mut second, &recovery), 401);
    let mut third = Browser::new(&server);
    assert_eq!(
        password_then_code(&mut third, &enrolled.recovery[4]),
        303,
        "the others still work"
    );
}

#[test]
fn mfa_05_sixty_wrong_codes_released_together_get_the_budgets_five_checks() {
    let server = started();
    let enrolled = enrol(&server);
    let mut browser = Browser::new(&server);
    let right = totp(&enrolled.secret, now(&server));
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    browser.get("/login");
    browser.submit_unfollowed(
        "/login",
        &[("username", "alice"), ("password", ALICE_PASSWORD)],
    );
    browser.get("/login/code");
    let barrier = Arc::new(Barrier::new(60));
    let racers: Vec<_> = (0..60)
        .map(|_| {
            let mut tab = browser.twin();
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                tab.submit_unfollowed("/login/code", &[("code", wrong)])
                    .status
            })
        })
        .collect();
    let statuses: Vec<u16> = racers.into_iter().map(|r| r.join().unwrap()).collect();
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let paused = statuses.iter().filter(|s| **s == 429).count();
    assert!(checked <= 5, "{statuses:?}");
    assert_eq!(checked + paused, 60, "{statuses:?}");
    // Out of budget, even the right code is not looked at.
    let status = browser
        .submit_unfollowed("/login/code", &[("code", &right)])
        .status;
    assert_eq!(status, 429);
    assert!(!is_signed_in(&mut browser));
}

#[test]
fn mfa_06_a_tv_approved_after_a_two_step_sign_in_hears_otp_and_mfa_in_amr() {
    let server = started();
    let enrolled = enrol(&server);
    let started = server.device_authorization("tv-public", "openid offline_access");
    let user_code = started.str("user_code");
    let mut browser = Browser::new(&server);
    browser.get("/device");
    let page = browser.submit("/device", &[("user_code", &user_code)]);
    assert!(page.says("name=\"password\""));
    let first = browser.submit_unfollowed(
        "/login",
        &[
            ("username", "alice"),
            ("password", ALICE_PASSWORD),
            ("user_code", &user_code),
        ],
    );
    assert_eq!(first.header("location"), "/login/code");
    browser.get("/login/code");
    let consent = browser.submit(
        "/login/code",
        &[("code", &totp(&enrolled.secret, now(&server)))],
    );
    assert_eq!(consent.status, 200);
    assert!(consent.says("name=\"decision\""), "{}", consent.html);
    browser.decide(&user_code, "approve");
    let tokens = server.poll(&started.str("device_code"), "tv-public");
    let (_, id) = verify(&server, &tokens.str("id_token"), "tv-public");
    assert_eq!(id["amr"], serde_json::json!(["pwd", "otp", "mfa"]));
    // A refresh keeps how the person signed in.
    let body = format!(
        "grant_type=refresh_token&refresh_token={}&client_id=tv-public",
        crate::support::oauth::enc(&tokens.str("refresh_token"))
    );
    let refreshed = server.post_form("/token", &body, None);
    let (_, again) = verify(&server, &refreshed.str("id_token"), "tv-public");
    assert_eq!(again["amr"], serde_json::json!(["pwd", "otp", "mfa"]));
    let discovery = server.get_json("/.well-known/openid-configuration");
    assert!(
        discovery["claims_supported"]
            .as_array()
            .unwrap()
            .contains(&"amr".into())
    );
    let events = server.cli().run(&["--json", "audit"]).json();
    let events = events["events"].as_array().cloned().unwrap_or_default();
    let with = |kind: &str, detail: &str| {
        events
            .iter()
            .any(|e| e["event"] == kind && e["detail"] == detail)
    };
    assert!(with("signed_in", "password+totp"), "{events:?}");
    assert!(with("approved", "password+totp"), "{events:?}");
}

#[test]
fn mfa_07_a_password_alone_says_pwd() {
    let server = started();
    let started = server.device_authorization("tv-public", "openid");
    let user_code = started.str("user_code");
    let mut browser = Browser::new(&server);
    browser.reach_consent(&user_code, "alice", ALICE_PASSWORD);
    browser.decide(&user_code, "approve");
    let tokens = server.poll(&started.str("device_code"), "tv-public");
    let (_, id) = verify(&server, &tokens.str("id_token"), "tv-public");
    assert_eq!(id["amr"], serde_json::json!(["pwd"]));
}

#[test]
fn mfa_08_bad_codes_and_foreign_or_stale_pending_sign_ins_get_a_clear_page() {
    let server = started();
    let enrolled = enrol(&server);
    let mut browser = Browser::new(&server);
    browser.get("/login");
    browser.submit_unfollowed(
        "/login",
        &[("username", "alice"), ("password", ALICE_PASSWORD)],
    );
    browser.get("/login/code");
    let long = "7".repeat(5000);
    for malformed in ["12345", "1234567", "12a456", "", long.as_str(), "١٢٣٤٥٦"] {
        let page = browser.submit_unfollowed("/login/code", &[("code", malformed)]);
        assert_eq!(page.status, 400, "{malformed:?}");
        assert!(page.says("six digits"));
    }
    // Another browser holds no pending sign-in, even with the right code.
    let right = totp(&enrolled.secret, now(&server));
    let mut other = Browser::new(&server);
    other.get("/login");
    assert_eq!(other.get("/login/code").status, 400);
    let foreign = other.submit_unfollowed("/login/code", &[("code", &right)]);
    assert_eq!(foreign.status, 400);
    assert!(foreign.says("Sign in again"));
    assert!(!is_signed_in(&mut other));
    // Five minutes later the pending sign-in is gone.
    server.advance(Duration::from_secs(5 * 60 + 1));
    let right = totp(&enrolled.secret, now(&server));
    let stale = browser.submit_unfollowed("/login/code", &[("code", &right)]);
    assert_eq!(stale.status, 400);
    assert!(!is_signed_in(&mut browser));
}

#[test]
fn mfa_09_turning_it_off_takes_the_password_and_a_code() {
    let server = started();
    let enrolled = enrol(&server);
    let mut browser = Browser::new(&server);
    let code = totp(&enrolled.secret, now(&server));
    assert_eq!(password_then_code(&mut browser, &code), 303);
    browser.get("/account");
    server.advance(Duration::from_secs(30));
    let code = totp(&enrolled.secret, now(&server));
    let wrong = browser.submit_unfollowed(
        "/account/second-factor/off",
        &[("current", "not the password"), ("code", &code)],
    );
    assert_eq!(wrong.status, 401);
    let off = browser.submit_unfollowed(
        "/account/second-factor/off",
        &[("current", ALICE_PASSWORD), ("code", &code)],
    );
    assert_eq!(off.status, 303);
    assert!(browser.get("/account").says("Two-step sign-in is off"));
    let mut next = Browser::new(&server);
    next.get("/login");
    let page = next.submit_unfollowed(
        "/login",
        &[("username", "alice"), ("password", ALICE_PASSWORD)],
    );
    assert_ne!(page.header("location"), "/login/code");
}
