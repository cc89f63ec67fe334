//! The person's half in a real headless Chromium: the device asks over HTTP, the browser types
//! the code (lower case, with a space), signs in and decides, and the device's poll agrees.
//! Screenshots at phone and desktop widths land in `target/screenshots/`.

use std::time::Duration;

use crate::support::TestServer;
use crate::support::oauth::ALICE_PASSWORD;
use crate::support::webdriver::Chrome;

const PHONE: (u32, u32) = (390, 844);
const DESKTOP: (u32, u32) = (1280, 800);
const INTERVAL: Duration = Duration::from_secs(5);

fn started() -> TestServer {
    let server = TestServer::start();
    server.fixtures();
    server
        .cli()
        .run(&["client", "update", "tv-public", "--name", "Living room TV"])
        .ok();
    server
}

fn sign_in_and_reach_consent(chrome: &Chrome, server: &TestServer, user_code: &str) {
    chrome.goto(&server.url("/device"));
    chrome.type_into("#user_code", &user_code.to_lowercase().replace('-', " "));
    chrome.click("button[type=submit]");
    chrome.wait_for_text("Sign in to connect");
    chrome.type_into("#username", "alice");
    chrome.type_into("#password", ALICE_PASSWORD);
    chrome.click("button[type=submit]");
    chrome.wait_for_text("You are signing in on a device");
}

#[test]
fn a_person_approves_on_a_phone() {
    let server = started();
    let Some(chrome) = Chrome::launch(PHONE.0, PHONE.1) else {
        return;
    };
    let started = server.device_authorization("tv-public", "openid profile offline_access");
    let user_code = started.str("user_code");

    chrome.goto(&server.url("/device"));
    chrome.screenshot("phone-1-enter-code");
    sign_in_and_reach_consent(&chrome, &server, &user_code);
    let consent = chrome.text();
    assert!(
        consent.contains("Living room TV") && consent.contains(&user_code),
        "{consent}"
    );
    assert!(consent.contains("Stay signed in on this device"));
    chrome.screenshot("phone-2-consent");

    chrome.click("button[value=approve]");
    let done = chrome.wait_for_text("Device connected");
    assert!(done.contains("go back to it"));
    chrome.screenshot("phone-3-approved");

    server.advance(INTERVAL);
    let tokens = server.poll(&started.str("device_code"), "tv-public");
    assert_eq!(tokens.status, 200, "{}", tokens.body);
}

#[test]
fn a_person_denies_on_a_desktop() {
    let server = started();
    let Some(chrome) = Chrome::launch(DESKTOP.0, DESKTOP.1) else {
        return;
    };
    let started = server.device_authorization("tv-public", "openid");
    let user_code = started.str("user_code");

    chrome.goto(&server.url(&format!("/device?user_code={user_code}")));
    assert!(
        chrome
            .text()
            .contains("Make sure this code is the one shown")
    );
    chrome.screenshot("desktop-1-check-code");
    chrome.click("button[type=submit]");
    chrome.wait_for_text("Sign in to connect");
    chrome.type_into("#username", "alice");
    chrome.type_into("#password", ALICE_PASSWORD);
    chrome.click("button[type=submit]");
    chrome.wait_for_text("You are signing in on a device");
    chrome.screenshot("desktop-2-consent");
    chrome.click("button[value=deny]");
    chrome.wait_for_text("Request denied");

    server.advance(INTERVAL);
    server
        .poll(&started.str("device_code"), "tv-public")
        .is_error(400, "access_denied");
}

#[test]
fn an_expired_code_is_explained() {
    let server = started();
    let Some(chrome) = Chrome::launch(PHONE.0, PHONE.1) else {
        return;
    };
    let started = server.device_authorization("tv-public", "openid");
    server.advance(Duration::from_secs(35));
    chrome.goto(&server.url("/device"));
    chrome.type_into("#user_code", &started.str("user_code"));
    chrome.click("button[type=submit]");
    chrome.wait_for_text("This code has expired");
    chrome.screenshot("phone-expired");
    server
        .poll(&started.str("device_code"), "tv-public")
        .is_error(400, "expired_token");
}

#[test]
fn guessing_is_stopped_in_the_browser_too() {
    let server = started();
    let Some(chrome) = Chrome::launch(PHONE.0, PHONE.1) else {
        return;
    };
    let user_code = server
        .device_authorization("tv-public", "openid")
        .str("user_code");
    for _ in 0..5 {
        chrome.goto(&server.url("/device"));
        chrome.type_into("#user_code", "BCDF-GHJK");
        chrome.click("button[type=submit]");
        chrome.wait_for_text("That code is not right");
    }
    chrome.goto(&server.url("/device"));
    chrome.type_into("#user_code", &user_code);
    chrome.click("button[type=submit]");
    chrome.wait_for_text("Too many tries");
    chrome.screenshot("phone-too-many-tries");
}

#[test]
fn the_pairing_page_renders_the_code_and_qr() {
    let server = started();
    let Some(chrome) = Chrome::launch(DESKTOP.0, DESKTOP.1) else {
        return;
    };
    let user_code = server
        .device_authorization("tv-public", "openid")
        .str("user_code");
    chrome.goto(&server.url(&format!("/device/pair?user_code={user_code}")));
    assert!(chrome.text().contains(&user_code));
    chrome.screenshot("desktop-pairing");
}

#[test]
fn a_person_signs_a_device_out_from_my_devices() {
    let server = started();
    let Some(chrome) = Chrome::launch(PHONE.0, PHONE.1) else {
        return;
    };
    let tokens = server.grant("tv-public", "openid profile offline_access", "alice");
    chrome.goto(&server.url("/login"));
    chrome.type_into("#username", "alice");
    chrome.type_into("#password", ALICE_PASSWORD);
    chrome.click("button[type=submit]");
    chrome.wait_for_text("You are signed in");
    chrome.goto(&server.url("/devices"));
    chrome.wait_for_text("Living room TV");
    chrome.screenshot("phone-my-devices");
    chrome.click("form[action='/devices/sign-out'] button");
    chrome.wait_for_text("Living room TV is signed out");
    let body = format!(
        "grant_type=refresh_token&refresh_token={}&client_id=tv-public",
        crate::support::oauth::enc(&tokens.str("refresh_token"))
    );
    server
        .post_form("/token", &body, None)
        .is_error(400, "invalid_grant");
}
