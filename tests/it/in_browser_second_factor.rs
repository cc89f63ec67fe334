//! Two-step sign-in in a real headless Chromium on a phone-sized screen: set up the
//! authenticator from My account (the key read from the page's text), sign out, then pair a TV
//! signing in with the password and a code; the TV's ID token says `otp` and `mfa`.

use std::time::Duration;

use crate::second_factor::{base32_decode, now, totp};
use crate::support::TestServer;
use crate::support::jwt::verify;
use crate::support::oauth::ALICE_PASSWORD;
use crate::support::webdriver::Chrome;

const PHONE: (u32, u32) = (390, 844);

#[test]
fn mfa_30_set_up_on_a_phone_then_sign_in_with_a_code_and_approve_a_tv() {
    let server = TestServer::start();
    server.fixtures();
    let Some(chrome) = Chrome::launch(PHONE.0, PHONE.1) else {
        return;
    };
    chrome.goto(&server.url("/account"));
    chrome.type_into("#username", "alice");
    chrome.type_into("#password", ALICE_PASSWORD);
    chrome.click("button[type=submit]");
    chrome.wait_for_text("Two-step sign-in is off");
    chrome.goto(&server.url("/account/second-factor"));
    let page = chrome.wait_for_text("authenticator app");
    chrome.assert_no_csp_violations();
    chrome.screenshot("phone-totp-1-set-up");
    let key = page
        .split("Key:")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the key is on the page")
        .to_owned();
    let secret = base32_decode(&key);
    chrome.type_into("#code", &totp(&secret, now(&server)));
    chrome.click("button[type=submit]");
    let codes = chrome.wait_for_text("Your recovery codes");
    assert!(codes.contains("not shown again"));
    chrome.screenshot("phone-totp-2-recovery-codes");
    chrome.goto(&server.url("/account"));
    chrome.wait_for_text("Two-step sign-in is on");
    chrome.click("form.signout button");
    chrome.wait_for_text("You are signed out");
    server.advance(Duration::from_secs(30));

    let started = server.device_authorization("tv-public", "openid");
    let user_code = started.str("user_code");
    chrome.goto(&server.url("/device"));
    chrome.type_into("#user_code", &user_code);
    chrome.click("button[type=submit]");
    chrome.wait_for_text("Sign in to connect");
    chrome.type_into("#username", "alice");
    chrome.type_into("#password", ALICE_PASSWORD);
    chrome.click("button[type=submit]");
    chrome.wait_for_text("six-digit code");
    chrome.assert_no_csp_violations();
    chrome.screenshot("phone-totp-3-code");
    chrome.type_into("#code", &totp(&secret, now(&server)));
    chrome.click("button[type=submit]");
    chrome.wait_for_text("You are signing in on a device");
    chrome.click("button[value=approve]");
    chrome.wait_for_text("is connected");

    let tokens = server.poll(&started.str("device_code"), "tv-public");
    let (_, id) = verify(&server, &tokens.str("id_token"), "tv-public");
    assert_eq!(id["amr"], serde_json::json!(["pwd", "otp", "mfa"]));
}
