//! The pairing page and QR code a TV backend can show.

use crate::support::TestServer;

#[test]
fn a_live_code_gets_a_pairing_page_and_a_qr_code() {
    let server = TestServer::start();
    server.fixtures();
    let user_code = server
        .device_authorization("tv-public", "openid")
        .str("user_code");

    let page = reqwest::blocking::get(server.url(&format!("/device/pair?user_code={user_code}")))
        .expect("GET");
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-security-policy"]
            .to_str()
            .expect("ascii")
            .contains("frame-ancestors 'none'")
    );
    let html = page.text().expect("html");
    // The address may wrap only at the breaks the page marks.
    let text = html.replace("<wbr>", "");
    assert!(text.contains(&user_code) && text.contains(&format!("{}/device", server.base)));
    assert!(
        html.contains("<svg") && html.contains("<path d=\"M"),
        "the QR code is drawn inline"
    );

    let svg = reqwest::blocking::get(server.url(&format!(
        "/device/qr.svg?user_code={}",
        user_code.to_lowercase()
    )))
    .expect("GET");
    assert_eq!(svg.status(), 200);
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    assert!(svg.text().expect("svg").starts_with("<svg"));
}

#[test]
fn codes_that_are_not_live_get_no_pairing_page() {
    let server = TestServer::start();
    server.fixtures();
    let unknown =
        reqwest::blocking::get(server.url("/device/pair?user_code=BCDF-GHJK")).expect("GET");
    assert_eq!(unknown.status(), 404);
    let started = server.device_authorization("tv-public", "openid");
    server.approve(&started.str("user_code"), "alice");
    let used = reqwest::blocking::get(server.url(&format!(
        "/device/qr.svg?user_code={}",
        started.str("user_code")
    )))
    .expect("GET");
    assert_eq!(used.status(), 409);
    let nothing = reqwest::blocking::get(server.url("/device/qr.svg")).expect("GET");
    assert_eq!(nothing.status(), 404);
}
