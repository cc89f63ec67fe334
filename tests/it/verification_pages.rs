//! The person's pages over HTTP with a cookie jar, by SPEC ID: code entry, sign-in, consent,
//! outcomes, and the form, cookie and header protections.

use std::time::Duration;

use crate::support::TestServer;
use crate::support::browser::Browser;
use crate::support::oauth::ALICE_PASSWORD;
use crate::support::oauth::started;

const INTERVAL: Duration = Duration::from_secs(5);

#[test]
fn dag_3_3_a_a_person_pairs_a_device_from_the_browser() {
    let server = started();
    let started = server.device_authorization("tv-public", "openid profile offline_access");
    let user_code = started.str("user_code");
    let mut browser = Browser::new(&server);

    let entry = browser.get("/device");
    assert_eq!(entry.status, 200);
    assert!(entry.says("name=\"user_code\""), "DAG-3.3-a: a code field");
    // DAG-6.1-b: lower case with a space instead of the dash.
    let typed = user_code.to_lowercase().replace('-', " ");
    let login = browser.submit("/device", &[("user_code", &typed)]);
    assert!(
        login.says("name=\"username\"") && login.says("name=\"password\""),
        "code first, then sign-in (D6)"
    );

    let consent = browser.submit(
        "/login",
        &[
            ("username", "alice"),
            ("password", ALICE_PASSWORD),
            ("user_code", &user_code),
        ],
    );
    assert_eq!(consent.status, 200);
    assert!(consent.says("You are signing in on a device"), "DAG-5.4-a");
    assert!(consent.says("tv-public"), "DAG-5.4-b: the client's name");
    assert!(
        consent.says(&user_code),
        "the code to compare with the screen"
    );
    assert!(consent.says("127.0.0.1"), "where the device asked from");
    assert!(consent.says("same network"), "the network hint");
    assert!(
        consent.says("Stay signed in on this device"),
        "OIDC-11-a: offline access is named"
    );
    assert!(
        consent.says("value=\"approve\"") && consent.says("value=\"deny\""),
        "DAG-3.3-b"
    );
    assert!(
        consent.says("If you did not start this, choose “I didn't start this”"),
        "XD-ux"
    );
    assert!(
        !consent.says(&started.str("device_code")),
        "DAG-3.3-c: the device code is never shown"
    );

    server
        .poll(&started.str("device_code"), "tv-public")
        .is_error(400, "authorization_pending");
    let done = browser.decide(&user_code, "approve");
    assert!(
        done.says("is connected") && done.says("go back to it"),
        "DAG-3.3-b: return to the device"
    );
    server.advance(INTERVAL);
    let tokens = server.poll(&started.str("device_code"), "tv-public");
    assert_eq!(tokens.status, 200, "{}", tokens.body);
}

#[test]
fn dag_3_3_1_a_the_complete_uri_shows_the_code_and_a_get_never_approves() {
    let server = started();
    let started = server.device_authorization("tv-public", "openid");
    let user_code = started.str("user_code");
    let mut browser = Browser::new(&server);
    let page = browser.get(&format!("/device?user_code={user_code}"));
    assert!(page.says(&user_code) && page.says("Make sure this code is the one shown"));
    // DAG-3.3-e: a GET that names a decision changes nothing.
    browser.get(&format!("/device?user_code={user_code}&decision=approve"));
    server.advance(INTERVAL);
    server
        .poll(&started.str("device_code"), "tv-public")
        .is_error(400, "authorization_pending");
}

#[test]
fn dag_3_3_1_b_denying_reaches_the_device() {
    let server = started();
    let started = server.device_authorization("tv-public", "openid");
    let user_code = started.str("user_code");
    let mut browser = Browser::new(&server);
    browser.reach_consent(&user_code, "alice", ALICE_PASSWORD);
    assert!(browser.decide(&user_code, "deny").says("was not connected"));
    server.advance(INTERVAL);
    server
        .poll(&started.str("device_code"), "tv-public")
        .is_error(400, "access_denied");
}

#[test]
fn dag_3_5_f_an_expired_code_is_reported_and_stays_expired() {
    let server = started();
    let started = server.device_authorization("tv-public", "openid");
    server.advance(Duration::from_secs(35));
    let mut browser = Browser::new(&server);
    let page = browser.reach_consent(&started.str("user_code"), "alice", ALICE_PASSWORD);
    assert_eq!(page.status, 410);
    assert!(page.says("expired"));
    server
        .poll(&started.str("device_code"), "tv-public")
        .is_error(400, "expired_token");
}

#[test]
fn dag_5_5_a_a_used_code_says_so_to_the_next_person() {
    let server = started();
    let started = server.device_authorization("tv-public", "openid");
    let user_code = started.str("user_code");
    let mut bob = Browser::new(&server);
    bob.reach_consent(&user_code, "bob", "Tr0ub4dor&3");
    bob.decide(&user_code, "approve");
    let mut alice = Browser::new(&server);
    let page = alice.reach_consent(&user_code, "alice", ALICE_PASSWORD);
    assert_eq!(page.status, 409);
    assert!(page.says("already been used"), "XD-once");
    assert!(!page.says("value=\"approve\""), "no second consent");
}

#[test]
fn dag_5_3_a_a_known_browser_is_still_asked_every_time() {
    let server = started();
    let mut browser = Browser::new(&server);
    let first = server
        .device_authorization("tv-public", "openid")
        .str("user_code");
    browser.reach_consent(&first, "alice", ALICE_PASSWORD);
    browser.decide(&first, "approve");
    let second = server
        .device_authorization("tv-public", "openid")
        .str("user_code");
    browser.get("/device");
    let page = browser.submit("/device", &[("user_code", &second)]);
    assert!(
        page.says("You are signing in on a device"),
        "signed in already, but consent is asked again"
    );
}

#[test]
fn oidc_2_auth_time_is_when_the_person_signed_in() {
    let server = started();
    let mut browser = Browser::new(&server);
    let claims = |reply: &crate::support::oauth::Reply| -> serde_json::Value {
        let payload = reply
            .str("id_token")
            .split('.')
            .nth(1)
            .expect("payload")
            .to_owned();
        serde_json::from_slice(
            &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, payload)
                .expect("b64"),
        )
        .expect("JSON")
    };
    let mut auth_times = Vec::new();
    for _ in 0..2 {
        let started = server.device_authorization("tv-public", "openid");
        browser.reach_consent(&started.str("user_code"), "alice", ALICE_PASSWORD);
        browser.decide(&started.str("user_code"), "approve");
        server.advance(INTERVAL);
        auth_times.push(
            claims(&server.poll(&started.str("device_code"), "tv-public"))["auth_time"].clone(),
        );
    }
    assert_eq!(auth_times[0], auth_times[1], "one sign-in, one auth_time");
}

#[test]
fn web_1_2_3_forms_need_the_browsers_token_and_our_origin() {
    let server = started();
    let started = server.device_authorization("tv-public", "openid");
    let user_code = started.str("user_code");
    let mut alice = Browser::new(&server);
    alice.reach_consent(&user_code, "alice", ALICE_PASSWORD);

    // WEB-1: no token, then bob's token in alice's browser.
    let missing = alice.post_raw(
        "/device/decision",
        &[("user_code", &user_code), ("decision", "approve")],
        &[],
    );
    assert_eq!(missing.status, 403);
    let mut bob = Browser::new(&server);
    bob.get("/device");
    let bobs = bob.token();
    let foreign = alice.post_raw(
        "/device/decision",
        &[
            ("user_code", &user_code),
            ("decision", "approve"),
            ("csrf_token", &bobs),
        ],
        &[],
    );
    assert_eq!(foreign.status, 403);
    // WEB-3: the right token, but from another site.
    let token = alice.get("/device").csrf_token();
    let fields = [
        ("user_code", user_code.as_str()),
        ("decision", "approve"),
        ("csrf_token", token.as_str()),
    ];
    let cross = alice.post_raw(
        "/device/decision",
        &fields,
        &[
            ("Origin", "https://evil.test"),
            ("Sec-Fetch-Site", "cross-site"),
        ],
    );
    assert_eq!(cross.status, 403);
    server.advance(INTERVAL);
    server
        .poll(&started.str("device_code"), "tv-public")
        .is_error(400, "authorization_pending");

    // WEB-2: login CSRF.
    let mut fresh = Browser::new(&server);
    fresh.get("/login");
    let page = fresh.post_raw(
        "/login",
        &[("username", "alice"), ("password", ALICE_PASSWORD)],
        &[],
    );
    assert_eq!(page.status, 403);
}

#[test]
fn web_3_origin_null_from_our_no_referrer_policy_is_not_a_cross_site_post() {
    let server = started();
    let user_code = server
        .device_authorization("tv-public", "openid")
        .str("user_code");
    let mut browser = Browser::new(&server);
    let token = browser.get("/device").csrf_token();
    let fields = [
        ("user_code", user_code.as_str()),
        ("csrf_token", token.as_str()),
    ];
    let page = browser.post_raw(
        "/device",
        &fields,
        &[("Origin", "null"), ("Sec-Fetch-Site", "same-origin")],
    );
    assert_eq!(page.status, 303, "the token decides: {}", page.html);
    let forged = [("user_code", user_code.as_str()), ("csrf_token", "forged")];
    assert_eq!(
        browser
            .post_raw("/device", &forged, &[("Origin", "null")])
            .status,
        403
    );
}

#[test]
fn web_4_10_11_every_page_carries_the_protective_headers() {
    let server = started();
    let mut browser = Browser::new(&server);
    let user_code = server
        .device_authorization("tv-public", "openid")
        .str("user_code");
    let pages = vec![
        browser.get("/device"),
        browser.submit("/device", &[("user_code", "BCDF-GHJK")]),
        browser.get("/login"),
        browser.submit("/device", &[("user_code", &user_code)]),
        browser.submit(
            "/login",
            &[
                ("username", "alice"),
                ("password", ALICE_PASSWORD),
                ("user_code", &user_code),
            ],
        ),
    ];
    for page in pages {
        let csp = page.header("content-security-policy");
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'none'"),
            "{csp}"
        );
        assert!(!page.html.contains("<script"), "WEB-5: no inline script");
        assert_eq!(page.header("x-frame-options"), "DENY");
        assert_eq!(page.header("referrer-policy"), "no-referrer");
        assert_eq!(page.header("x-content-type-options"), "nosniff");
        assert_eq!(page.header("cache-control"), "no-store");
    }
}

#[test]
fn web_6_8_the_session_cookie_is_guarded_and_renewed_at_sign_in() {
    let server = started();
    let client = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let first = client.get(server.url("/device")).send().expect("GET");
    let set_cookie = first.headers()["set-cookie"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        set_cookie.starts_with("authbox_session="),
        "the plain name over loopback http: {set_cookie}"
    );
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(
            set_cookie.contains(attribute),
            "{attribute} in {set_cookie}"
        );
    }
    assert!(!set_cookie.contains("Domain"), "no Domain attribute");
    let before = set_cookie.split(';').next().expect("pair").to_owned();
    let token = first.text().expect("html");
    let token = token
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("token")
        .to_owned();
    let login = client
        .post(server.url("/login"))
        .header("Cookie", &before)
        .form(&[
            ("username", "alice"),
            ("password", ALICE_PASSWORD),
            ("csrf_token", &token),
        ])
        .send()
        .expect("POST");
    assert_eq!(login.status(), 303, "signed in, then on to a page");
    let after = login.headers()["set-cookie"]
        .to_str()
        .expect("ascii")
        .split(';')
        .next()
        .expect("pair")
        .to_owned();
    assert_ne!(before, after, "WEB-8: a new session id at sign-in");
    // The pre-login cookie is still anonymous: it leads to the sign-in page, not consent.
    let user_code = server
        .device_authorization("tv-public", "openid")
        .str("user_code");
    let posted = client
        .post(server.url("/device"))
        .header("Cookie", &before)
        .form(&[
            ("user_code", user_code.as_str()),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .expect("POST");
    let location = posted.headers()["location"].to_str().expect("ascii");
    let page = client
        .get(server.url(location))
        .header("Cookie", &before)
        .send()
        .expect("GET")
        .text()
        .expect("html");
    assert!(page.contains("name=\"password\""));
}

#[test]
fn web_9_an_idle_session_ends() {
    let server = TestServer::start_with(|s| s.lifetimes.device_code = Duration::from_secs(300));
    server.fixtures();
    let started = server.device_authorization("tv-public", "openid");
    let user_code = started.str("user_code");
    let mut browser = Browser::new(&server);
    browser.reach_consent(&user_code, "alice", ALICE_PASSWORD);
    server.advance(Duration::from_secs(65));
    let page = browser.decide(&user_code, "approve");
    assert_eq!(page.status, 401);
    assert!(page.says("name=\"password\""), "asked to sign in again");
    server
        .poll(&started.str("device_code"), "tv-public")
        .is_error(400, "authorization_pending");
}

#[test]
fn web_13_unknown_users_and_wrong_passwords_look_the_same() {
    let server = started();
    let mut browser = Browser::new(&server);
    browser.get("/login");
    let wrong = browser.submit(
        "/login",
        &[("username", "alice"), ("password", "not the password")],
    );
    let unknown = browser.submit(
        "/login",
        &[("username", "mallory"), ("password", "not the password")],
    );
    assert_eq!(wrong.status, 401);
    assert_eq!(unknown.status, wrong.status);
    let message = |page: &crate::support::browser::Page| {
        page.html.contains("The username or password is not right.")
    };
    assert!(message(&wrong) && message(&unknown));
    // WEB-15: an oversized password is refused quickly, not hashed.
    let huge = "x".repeat(10_000);
    let refused = browser.submit("/login", &[("username", "alice"), ("password", &huge)]);
    assert_eq!(refused.status, 401);
}

#[test]
fn web_16_client_names_are_escaped() {
    let server = started();
    server
        .cli()
        .run(&[
            "client",
            "update",
            "tv-public",
            "--name",
            "<script>alert(1)</script>",
        ])
        .ok();
    let user_code = server
        .device_authorization("tv-public", "openid")
        .str("user_code");
    let mut browser = Browser::new(&server);
    let page = browser.reach_consent(&user_code, "alice", ALICE_PASSWORD);
    assert!(page.says("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!page.says("<script>alert(1)"));
}

#[test]
fn the_consent_page_offers_to_sign_out() {
    let server = started();
    let user_code = server
        .device_authorization("tv-public", "openid")
        .str("user_code");
    let mut browser = Browser::new(&server);
    let consent = browser.reach_consent(&user_code, "alice", ALICE_PASSWORD);
    assert!(consent.says("action=\"/logout\"") && consent.says("Not Alice?"));
    assert!(browser.submit("/logout", &[]).says("Signed out"));
    browser.get("/device");
    assert!(
        browser
            .submit("/device", &[("user_code", &user_code)])
            .says("name=\"password\"")
    );
}

#[test]
fn signing_out_ends_the_session() {
    let server = started();
    let mut browser = Browser::new(&server);
    browser.get("/login");
    browser.submit(
        "/login",
        &[("username", "alice"), ("password", ALICE_PASSWORD)],
    );
    browser.get("/device");
    assert!(browser.submit("/logout", &[]).says("Signed out"));
    let user_code = server
        .device_authorization("tv-public", "openid")
        .str("user_code");
    browser.get("/device");
    assert!(
        browser
            .submit("/device", &[("user_code", &user_code)])
            .says("name=\"password\"")
    );
}
