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

/// The page is drawn with its stylesheet, and nothing on the way ran into the policy (WEB-5).
fn check_styled_within_policy(chrome: &Chrome) {
    chrome.assert_no_csp_violations();
    assert_eq!(
        chrome.css_value(".card", "border-top-left-radius"),
        "12px",
        "the stylesheet applies"
    );
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
    // The consent page is a GET reached by a redirect: reloading it posts no password again.
    assert!(
        chrome.address().contains("/device/consent?"),
        "{}",
        chrome.address()
    );
    chrome.reload();
    chrome.wait_for_text("You are signing in on a device");

    chrome.click("button[value=approve]");
    let done = chrome.wait_for_text("is connected");
    assert!(done.contains("go back to it"));
    assert!(
        chrome.address().contains("/device/done?"),
        "{}",
        chrome.address()
    );
    chrome.reload();
    assert!(
        chrome
            .wait_for_text("is connected")
            .contains("Living room TV")
    );
    chrome.screenshot("phone-3-approved");
    check_styled_within_policy(&chrome);

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
    chrome.wait_for_text("was not connected");
    check_styled_within_policy(&chrome);

    server.advance(INTERVAL);
    server
        .poll(&started.str("device_code"), "tv-public")
        .is_error(400, "access_denied");
}

/// Cross-device BCP "Detect and Remediate": "I didn't start this" on the consent page, then
/// the way to My devices, in a real browser (`xd_02_a` proves the rest over HTTP).
#[test]
fn xd_02_c_a_person_reports_a_code_they_did_not_start() {
    let server = started();
    let Some(chrome) = Chrome::launch(PHONE.0, PHONE.1) else {
        return;
    };
    let started = server.device_authorization("tv-public", "openid");
    let user_code = started.str("user_code");
    sign_in_and_reach_consent(&chrome, &server, &user_code);
    chrome.click("button[value=report]");
    let done = chrome.wait_for_text("and we were told");
    assert!(done.contains("Living room TV"), "{done}");
    chrome.screenshot("phone-reported");
    check_styled_within_policy(&chrome);
    chrome.click("#review-devices");
    chrome.wait_for_text("My devices and apps");

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
    check_styled_within_policy(&chrome);
}

fn px(value: &str) -> f64 {
    value.trim_end_matches("px").parse().unwrap_or(0.0)
}

/// On a 1080p TV the pairing page fills the screen and the code reads from across the room;
/// on a phone the address wraps only at its slashes and dots, never inside a word.
#[test]
fn the_pairing_page_is_readable_on_a_tv_and_its_address_wraps_whole_on_a_phone() {
    let server = started();
    let user_code = server
        .device_authorization("tv-public", "openid")
        .str("user_code");
    let path = format!("/device/pair?user_code={user_code}");
    let Some(tv) = Chrome::launch(1920, 1080) else {
        return;
    };
    tv.goto(&server.url(&path));
    // 6.5vw of 1920 px: 125 px, some 3.5 cm on a 43-inch screen, where the phone layout
    // gave it 52 px.
    let code = px(&tv.css_value(".pair-code", "font-size"));
    assert!(code > 120.0, "the code is {code}px on a TV");
    let qr = px(&tv.css_value(".pair-qr", "width"));
    assert!(qr > 450.0, "the QR code is {qr}px wide on a TV");
    // Nothing spills out of the card.
    let card = px(&tv.css_value(".card", "width"));
    let steps = px(&tv.css_value(".pair-steps", "width"));
    assert!(
        steps + qr < card,
        "steps {steps}px and QR {qr}px in a {card}px card"
    );
    tv.screenshot("tv-pairing");
    check_styled_within_policy(&tv);
    drop(tv);

    let Some(phone) = Chrome::launch(PHONE.0, PHONE.1) else {
        return;
    };
    phone.goto(&server.url(&path));
    assert_eq!(phone.css_value(".pair-url", "word-break"), "normal");
    assert!(phone.text().contains(&format!("{}/device", server.base)));
    phone.screenshot("phone-pairing");
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
    check_styled_within_policy(&chrome);
    let body = format!(
        "grant_type=refresh_token&refresh_token={}&client_id=tv-public",
        crate::support::oauth::enc(&tokens.str("refresh_token"))
    );
    server
        .post_form("/token", &body, None)
        .is_error(400, "invalid_grant");
}

/// A relying party small enough to read: it sends the browser to authbox with state, nonce and
/// PKCE, and on the way back checks `state` and `iss`, exchanges the code, verifies the ID
/// token's signature, audience and nonce, and greets the person by name.
struct TinyRelyingParty {
    base: String,
}

const RP_STATE: &str = "rp-state-7f3a";
const RP_NONCE: &str = "rp-nonce-91c2";

impl TinyRelyingParty {
    fn start(issuer: &str) -> TinyRelyingParty {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (issuer, own) = (issuer.to_owned(), base.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                Self::answer(stream, &issuer, &own);
            }
        });
        TinyRelyingParty { base }
    }

    fn answer(mut stream: std::net::TcpStream, issuer: &str, own: &str) {
        use std::io::{BufRead, BufReader, Write};
        let mut reader = BufReader::new(stream.try_clone().expect("clone"));
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).is_err() {
            return;
        }
        let mut header = String::new();
        while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
            header.clear();
        }
        let target = request_line.split(' ').nth(1).unwrap_or("/").to_owned();
        let url = url::Url::parse(&format!("{own}{target}")).expect("url");
        let redirect_uri = format!("{own}/callback");
        let response = match url.path() {
            "/start" => {
                let location = format!(
                    "{issuer}/authorize?response_type=code&client_id=web-app&redirect_uri={}&scope=openid%20profile&state={RP_STATE}&nonce={RP_NONCE}&code_challenge={}&code_challenge_method=S256",
                    crate::support::oauth::enc(&redirect_uri),
                    crate::support::web::CHALLENGE
                );
                format!(
                    "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                )
            }
            "/callback" => {
                let body = Self::callback(&url, issuer, &redirect_uri)
                    .unwrap_or_else(|why| format!("<h1>RP error: {why}</h1>"));
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                )
            }
            _ => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".into(),
        };
        let _ = stream.write_all(response.as_bytes());
    }

    fn callback(url: &url::Url, issuer: &str, redirect_uri: &str) -> Result<String, String> {
        let param = |name: &str| {
            url.query_pairs()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.into_owned())
        };
        if param("state").as_deref() != Some(RP_STATE) {
            return Err("state does not match".into());
        }
        if param("iss").as_deref() != Some(issuer) {
            return Err("the response is from another issuer".into());
        }
        let code = param("code").ok_or("no code")?;
        let tokens: serde_json::Value = reqwest::blocking::Client::new()
            .post(format!("{issuer}/token"))
            .form(&[
                ("grant_type", "authorization_code"),
                ("client_id", "web-app"),
                ("code", &code),
                ("redirect_uri", redirect_uri),
                ("code_verifier", crate::support::web::VERIFIER),
            ])
            .send()
            .and_then(|r| r.json())
            .map_err(|e| e.to_string())?;
        let id_token = tokens["id_token"].as_str().ok_or("no ID token")?;
        let (_, claims) = crate::support::jwt::verify_at(issuer, id_token, "web-app");
        if claims["nonce"] != RP_NONCE {
            return Err("nonce does not match".into());
        }
        Ok(format!(
            "<h1>Hello, {}</h1><p>subject {}</p>",
            claims["name"].as_str().unwrap_or("?"),
            claims["sub"].as_str().unwrap_or("?")
        ))
    }
}

#[test]
fn a_person_signs_in_to_a_web_app_through_authbox() {
    let server = started();
    crate::support::web::web_clients(&server);
    let Some(chrome) = Chrome::launch(DESKTOP.0, DESKTOP.1) else {
        return;
    };
    let rp = TinyRelyingParty::start(&server.base);

    chrome.goto(&format!("{}/start", rp.base));
    chrome.wait_for_text("Sign in to continue to Photo album");
    chrome.screenshot("web-1-sign-in");
    chrome.type_into("#username", "alice");
    chrome.type_into("#password", ALICE_PASSWORD);
    chrome.click("button[type=submit]");
    let consent = chrome.wait_for_text("Sign in to Photo album?");
    assert!(consent.contains("127.0.0.1"), "{consent}");
    chrome.screenshot("web-2-consent");
    chrome.click("button[value=approve]");
    let greeted = chrome.wait_for_text("Hello, Alice");
    assert!(!greeted.contains("RP error"), "{greeted}");
    chrome.screenshot("web-3-signed-in");
    // The consent form's redirect back to the app passed `form-action`.
    chrome.assert_no_csp_violations();

    // The second visit goes straight through: the consent is remembered.
    chrome.goto(&format!("{}/start", rp.base));
    chrome.wait_for_text("Hello, Alice");
}
