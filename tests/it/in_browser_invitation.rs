//! An invitation end to end in headless Chromium at phone size (issue 20): the admin runs
//! `authbox user invite`, the person opens the link on their phone, chooses a password, lands
//! signed in on "My account", then pairs a TV: enters its code, approves, and the TV's poll
//! gets tokens.

use std::time::Duration;

use crate::support::TestServer;
use crate::support::webdriver::Chrome;

const PHONE: (u32, u32) = (390, 844);

#[test]
fn inv_07_an_invited_person_sets_a_password_on_a_phone_and_pairs_a_tv() {
    let server = TestServer::start();
    server.fixtures();
    server
        .cli()
        .run(&["client", "update", "tv-public", "--name", "Living room TV"])
        .ok();
    let Some(phone) = Chrome::launch(PHONE.0, PHONE.1) else {
        return;
    };
    let invited = server
        .cli()
        .run(&["--json", "user", "invite", "dana", "--name", "Dana"])
        .json();
    let link = invited["url"].as_str().expect("a link").to_owned();

    phone.goto(&link);
    phone.wait_for_text("Welcome, Dana");
    phone.screenshot("phone-invitation");
    let password = "dana's first passphrase";
    phone.type_into("#password", password);
    phone.type_into("#repeat", password);
    phone.click("button[type=submit]");
    let account = phone.wait_for_text("My account");
    assert!(account.contains("dana"), "{account}");
    phone.screenshot("phone-my-account");
    phone.assert_no_csp_violations();

    let tv = server.device_authorization("tv-public", "openid profile offline_access");
    let user_code = tv.str("user_code");
    phone.click("a[href='/device']");
    phone.type_into("#user_code", &user_code);
    phone.click("button[type=submit]");
    phone.wait_for_text("You are signing in on a device");
    phone.click("button[value=approve]");
    phone.wait_for_text("is connected");

    server.advance(Duration::from_secs(5));
    let tokens = server.poll(&tv.str("device_code"), "tv-public");
    assert_eq!(tokens.status, 200, "{}", tokens.body);
    assert!(!tokens.str("refresh_token").is_empty());
}
