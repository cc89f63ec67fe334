//! The authorization-code grant with PKCE (RFC 6749 §4.1, RFC 7636, OIDC Core §3.1, RFC 9207),
//! played by a browser with a cookie jar and a web app over HTTP. SPEC D1.

use std::time::Duration;

use crate::support::TestServer;
use crate::support::browser::Browser;
use crate::support::jwt::verify;
use crate::support::oauth::{enc, started};
use crate::support::web::{
    AFTER_LOGOUT, CALLBACK, CHALLENGE, CONF_CALLBACK, NATIVE_CALLBACK, VERIFIER, WEB_APP, WEB_CONF,
    authorize_path, exchange, web_clients,
};

fn web_server() -> (TestServer, String) {
    let server = started();
    let secret = web_clients(&server);
    (server, secret)
}

#[test]
fn rfc6749_4_1_a_person_signs_in_to_a_web_app() {
    let (server, _) = web_server();
    let mut browser = Browser::new(&server);
    let path = authorize_path("openid profile email offline_access", &[]);

    let login = browser.get(&path);
    assert_eq!(login.status, 200);
    assert!(login.says("Sign in to continue to <strong>Photo album</strong>"));
    assert!(login.header("x-frame-options") == "DENY", "WEB-4");

    let request = login.hidden("authorize").expect("carried");
    let consent = browser.submit(
        "/login",
        &[
            ("username", "alice"),
            ("password", crate::support::oauth::ALICE_PASSWORD),
            ("authorize", &request),
        ],
    );
    assert_eq!(consent.status, 200, "{}", consent.html);
    assert!(consent.says("Sign in to Photo album?"));
    assert!(
        consent.says("app.example.test"),
        "where the browser goes next"
    );
    assert!(consent.says("name=\"decision\" value=\"approve\""));
    assert!(consent.says("name=\"decision\" value=\"deny\""));
    assert!(
        consent
            .header("content-security-policy")
            .contains("form-action 'self' https://app.example.test;"),
        "the consent form may lead back to the app, and nowhere else: {}",
        consent.header("content-security-policy")
    );

    let back = browser.decide_for_app(&consent, "approve");
    assert_eq!(back.status, 303);
    let location = back.location();
    assert_eq!(
        format!(
            "{}://{}{}",
            location.scheme(),
            location.host_str().unwrap_or_default(),
            location.path()
        ),
        CALLBACK
    );
    assert_eq!(
        back.location_param("state").as_deref(),
        Some("st"),
        "state unchanged"
    );
    assert_eq!(
        back.location_param("iss").as_deref(),
        Some(server.base.as_str()),
        "RFC 9207: iss identifies the issuer (mix-up defence)"
    );
    assert_eq!(back.header("cache-control"), "no-store");
    let code = back.location_param("code").expect("a code");

    let tokens = exchange(&server, &code, CALLBACK, VERIFIER);
    assert_eq!(tokens.status, 200, "{}", tokens.body);
    assert_eq!(tokens.header("cache-control"), Some("no-store"));
    assert_eq!(tokens.str("token_type"), "Bearer");
    assert!(
        tokens.body["refresh_token"].is_string(),
        "SPEC D3: offline_access granted to a client allowed refresh_token"
    );
    let (header, id) = verify(&server, &tokens.str("id_token"), WEB_APP);
    assert_eq!(header.alg, jsonwebtoken::Algorithm::RS256, "SPEC D2");
    assert_eq!(
        id["nonce"], "n-0S6",
        "OIDC Core §3.1.3.7: the nonce comes back"
    );
    assert_eq!(id["azp"], WEB_APP);
    assert!(id["at_hash"].is_string(), "OIDC Core §3.1.3.6");
    assert_eq!(id["email"], "alice@example.org");
    let sub = id["sub"].as_str().expect("sub").to_owned();

    let userinfo = reqwest::blocking::Client::new()
        .get(server.url("/userinfo"))
        .bearer_auth(tokens.str("access_token"))
        .send()
        .expect("userinfo");
    assert_eq!(userinfo.status(), 200);
    let claims: serde_json::Value = userinfo.json().expect("JSON");
    assert_eq!(claims["sub"], sub.as_str());

    let refreshed = server.post_form(
        "/token",
        &format!(
            "grant_type=refresh_token&client_id={WEB_APP}&refresh_token={}",
            enc(&tokens.str("refresh_token"))
        ),
        None,
    );
    assert_eq!(refreshed.status, 200, "{}", refreshed.body);
    let (_, again) = verify(&server, &refreshed.str("id_token"), WEB_APP);
    assert_eq!(again["sub"], sub.as_str());
    assert!(
        again.get("nonce").is_none(),
        "OIDC Core §12.2: no nonce on refresh"
    );
}

#[test]
fn rfc6749_4_1_2_a_post_request_works_like_a_get() {
    let (server, _) = web_server();
    let mut browser = Browser::new(&server);
    browser.code_for(&authorize_path("openid", &[]));
    let query = authorize_path("openid", &[]);
    let body = query.trim_start_matches("/authorize?");
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let back = browser.post_raw("/authorize", &fields, &[]);
    assert_eq!(back.status, 303, "{}", back.html);
    assert!(back.location_param("code").is_some());
}

#[test]
fn consent_is_remembered_for_the_web_app_and_listed_and_revocable() {
    let (server, _) = web_server();
    let mut browser = Browser::new(&server);
    let first = browser.code_for(&authorize_path("openid profile offline_access", &[]));
    let tokens = exchange(&server, &first, CALLBACK, VERIFIER);
    assert_eq!(tokens.status, 200);

    let again = browser.get(&authorize_path("openid profile", &[]));
    assert_eq!(
        again.status, 302,
        "remembered: straight back to the app, no page"
    );
    assert!(again.location_param("code").is_some());

    let asks = browser.get(&authorize_path("openid profile", &[("prompt", "consent")]));
    assert_eq!(asks.status, 200, "prompt=consent asks again");
    assert!(asks.says("Sign in to Photo album?"));

    let wider = browser.get(&authorize_path("openid email", &[]));
    assert_eq!(wider.status, 200, "a scope not consented to is asked about");

    let devices = browser.get("/devices");
    assert!(devices.says("Photo album"), "{}", devices.html);
    assert!(devices.says("Remove access for Photo album"));
    let removed = browser.submit("/devices/forget-app", &[("client_id", WEB_APP)]);
    assert!(removed.says("will ask before signing you in again"));
    assert!(!removed.says("Remove access for Photo album"));

    let asks_again = browser.get(&authorize_path("openid profile", &[]));
    assert_eq!(asks_again.status, 200, "consent forgotten");
    let refresh = server.post_form(
        "/token",
        &format!(
            "grant_type=refresh_token&client_id={WEB_APP}&refresh_token={}",
            enc(&tokens.str("refresh_token"))
        ),
        None,
    );
    refresh.is_error(400, "invalid_grant");
}

#[test]
fn dag_5_3_a_the_device_grant_asks_again_even_after_a_web_app_consent() {
    let (server, _) = web_server();
    server
        .cli()
        .run(&[
            "client",
            "update",
            "tv-public",
            "--grant",
            "device_code",
            "--grant",
            "authorization_code",
            "--grant",
            "refresh_token",
            "--redirect-uri",
            CALLBACK,
        ])
        .ok();
    let mut browser = Browser::new(&server);
    let path = authorize_path("openid", &[("client_id", "tv-public")]);
    browser.code_for(&path);
    assert_eq!(
        browser.get(&path).status,
        302,
        "remembered for the web flow"
    );

    let started = server.device_authorization("tv-public", "openid");
    browser.get("/device");
    let page = browser.submit("/device", &[("user_code", &started.str("user_code"))]);
    assert!(
        page.says("You are signing in on a device"),
        "the device grant never uses remembered consent"
    );
}

#[test]
fn oidc_3_1_2_1_prompt_none_login_and_max_age() {
    let (server, _) = web_server();
    let mut browser = Browser::new(&server);
    let none = browser.get(&authorize_path("openid", &[("prompt", "none")]));
    assert_eq!(none.status, 302);
    assert_eq!(
        none.location_param("error").as_deref(),
        Some("login_required")
    );
    assert_eq!(none.location_param("state").as_deref(), Some("st"));
    assert_eq!(
        none.location_param("iss").as_deref(),
        Some(server.base.as_str())
    );

    // Signed in, but never consented.
    let consent = browser.sign_in_to_app(&authorize_path("openid", &[]));
    assert_eq!(consent.status, 200);
    let none = browser.get(&authorize_path("openid", &[("prompt", "none")]));
    assert_eq!(
        none.location_param("error").as_deref(),
        Some("consent_required")
    );
    browser.decide_for_app(&consent, "approve");
    let none = browser.get(&authorize_path("openid", &[("prompt", "none")]));
    assert!(
        none.location_param("code").is_some(),
        "signed in and consented"
    );

    let login = browser.get(&authorize_path("openid", &[("prompt", "login")]));
    assert_eq!(login.status, 200);
    assert!(
        login.says("name=\"password\""),
        "prompt=login asks for the password"
    );
    let code = browser
        .sign_in_to_app(&authorize_path("openid", &[("prompt", "login")]))
        .location_param("code");
    assert!(code.is_some(), "after signing in again, back to the app");

    // Within the session's idle limit (60 s in the test profile), past a max_age of 20 s.
    server.advance(Duration::from_secs(30));
    let stale = browser.get(&authorize_path("openid", &[("max_age", "20")]));
    assert!(
        stale.says("name=\"password\""),
        "a sign-in older than max_age is redone"
    );
    let fresh = browser.get(&authorize_path("openid", &[("max_age", "3600")]));
    let code = fresh.location_param("code").expect("fresh enough");
    let tokens = exchange(&server, &code, CALLBACK, VERIFIER);
    let (_, id) = verify(&server, &tokens.str("id_token"), WEB_APP);
    assert!(
        id["auth_time"].is_u64(),
        "OIDC Core §2: auth_time when max_age was asked"
    );
}

#[test]
fn rfc6749_4_1_2_1_denying_sends_access_denied_back() {
    let (server, _) = web_server();
    let mut browser = Browser::new(&server);
    let consent = browser.sign_in_to_app(&authorize_path("openid", &[]));
    let back = browser.decide_for_app(&consent, "deny");
    assert_eq!(back.status, 303);
    assert_eq!(
        back.location_param("error").as_deref(),
        Some("access_denied")
    );
    assert_eq!(back.location_param("state").as_deref(), Some("st"));
    assert!(back.location_param("code").is_none());
}

#[test]
fn rfc7636_pkce_is_required_with_s256_only() {
    let (server, _) = web_server();
    let mut browser = Browser::new(&server);
    for (name, extra) in [
        ("no challenge", vec![("code_challenge", "")]),
        (
            "plain",
            vec![
                ("code_challenge_method", "plain"),
                ("code_challenge", VERIFIER),
            ],
        ),
        ("no method means plain", vec![("code_challenge_method", "")]),
        ("not base64url", vec![("code_challenge", "a+b/c=")]),
    ] {
        let page = browser.get(&authorize_path("openid", &extra));
        assert_eq!(page.status, 302, "{name}");
        assert_eq!(
            page.location_param("error").as_deref(),
            Some("invalid_request"),
            "{name}"
        );
        assert_eq!(
            page.location_param("state").as_deref(),
            Some("st"),
            "{name}"
        );
    }

    let code = browser.code_for(&authorize_path("openid", &[]));
    let wrong = exchange(
        &server,
        &code,
        CALLBACK,
        "wrong-verifier-wrong-verifier-wrong-verifier-0",
    );
    wrong.is_error(400, "invalid_grant");
    let missing = server.post_form(
        "/token",
        &format!(
            "grant_type=authorization_code&client_id={WEB_APP}&code={}&redirect_uri={}",
            enc(&code),
            enc(CALLBACK)
        ),
        None,
    );
    missing.is_error(400, "invalid_request");
    let good = exchange(&server, &code, CALLBACK, VERIFIER);
    assert_eq!(
        good.status, 200,
        "a wrong guess does not spend the code: {}",
        good.body
    );
    let _ = CHALLENGE;
}

#[test]
fn rfc9700_4_1_an_unregistered_redirect_uri_never_receives_a_redirect() {
    let (server, _) = web_server();
    let mut browser = Browser::new(&server);
    for trick in [
        "https://app.example.test/cb/extra",
        "https://app.example.test/cb?next=1",
        "https://app.example.test/CB",
        "https://APP.example.test/cb",
        "https://app.example.test/cb#frag",
        "https://user@app.example.test/cb",
        "https://app.example.test:8443/cb",
        "https://app.example.test.evil.example/cb",
        "http://app.example.test/cb",
        "https://evil.example/cb",
        "javascript:alert(1)",
        "not a uri",
    ] {
        // Even with a second problem that would normally be reported to the client.
        let page = browser.get(&authorize_path(
            "openid",
            &[("redirect_uri", trick), ("response_type", "token")],
        ));
        assert_eq!(page.status, 400, "{trick}");
        assert!(page.header("location").is_empty(), "{trick}: no redirect");
        assert!(page.says("not registered"), "{trick}");
    }
    for (name, extra) in [
        ("unknown client", vec![("client_id", "nobody")]),
        ("no client", vec![("client_id", "")]),
        ("two registered, none named", vec![("redirect_uri", "")]),
    ] {
        let page = browser.get(&authorize_path("openid", &extra));
        assert_eq!(page.status, 400, "{name}");
        assert!(page.header("location").is_empty(), "{name}");
    }
    let repeated = browser.get(&format!(
        "{}&redirect_uri={}",
        authorize_path("openid", &[]),
        enc("https://evil.example/cb")
    ));
    assert_eq!(
        repeated.status, 400,
        "a repeated parameter is never followed"
    );
    assert!(repeated.header("location").is_empty());
}

#[test]
fn rfc8252_7_3_a_loopback_redirect_may_use_any_port() {
    let (server, _) = web_server();
    let mut browser = Browser::new(&server);
    let native = "http://127.0.0.1:51004/callback";
    let code = browser.code_for(&authorize_path("openid", &[("redirect_uri", native)]));
    exchange(&server, &code, CALLBACK, VERIFIER).is_error(400, "invalid_grant");
    let code = browser.code_for(&authorize_path("openid", &[("redirect_uri", native)]));
    let tokens = exchange(&server, &code, native, VERIFIER);
    assert_eq!(tokens.status, 200, "{}", tokens.body);
    let other_host = browser.get(&authorize_path(
        "openid",
        &[("redirect_uri", "http://localhost:51004/callback")],
    ));
    assert_eq!(other_host.status, 400);
    let _ = NATIVE_CALLBACK;
}

#[test]
fn rfc6749_4_1_3_the_code_is_single_use_and_a_replay_revokes_its_tokens() {
    let (server, _) = web_server();
    let mut browser = Browser::new(&server);
    let code = browser.code_for(&authorize_path("openid offline_access", &[]));
    let first = exchange(&server, &code, CALLBACK, VERIFIER);
    assert_eq!(first.status, 200);
    exchange(&server, &code, CALLBACK, VERIFIER).is_error(400, "invalid_grant");

    let introspected = server.post_form(
        "/introspect",
        &format!("token={}", enc(&first.str("access_token"))),
        Some(("rs-api", &server_secret(&server))),
    );
    assert_eq!(
        introspected.body["active"], false,
        "the replay revoked the access token"
    );
    let refresh = server.post_form(
        "/token",
        &format!(
            "grant_type=refresh_token&client_id={WEB_APP}&refresh_token={}",
            enc(&first.str("refresh_token"))
        ),
        None,
    );
    refresh.is_error(400, "invalid_grant");
    let audit = server.cli().run(&["audit", "--json"]).ok();
    assert!(audit.contains("code_replayed"), "{audit}");
}

/// `rs-api`'s secret, rotated so the test knows it.
fn server_secret(server: &TestServer) -> String {
    let (_, secret) = server.app().rotate_client_secret("rs-api").expect("rotate");
    secret
}

#[test]
fn rfc6749_4_1_3_the_code_is_bound_to_client_redirect_uri_and_time() {
    let (server, secret) = web_server();
    let mut browser = Browser::new(&server);
    let code = browser.code_for(&authorize_path("openid", &[]));
    let other_client = server.post_form(
        "/token",
        &format!(
            "grant_type=authorization_code&code={}&redirect_uri={}&code_verifier={VERIFIER}",
            enc(&code),
            enc(CALLBACK)
        ),
        Some((WEB_CONF, &secret)),
    );
    other_client.is_error(400, "invalid_grant");
    exchange(&server, &code, NATIVE_CALLBACK, VERIFIER).is_error(400, "invalid_grant");
    let omitted = server.post_form(
        "/token",
        &format!(
            "grant_type=authorization_code&client_id={WEB_APP}&code={}&code_verifier={VERIFIER}",
            enc(&code)
        ),
        None,
    );
    omitted.is_error(400, "invalid_grant");

    server.advance(Duration::from_secs(61));
    exchange(&server, &code, CALLBACK, VERIFIER).is_error(400, "invalid_grant");
    exchange(&server, "not-a-code", CALLBACK, VERIFIER).is_error(400, "invalid_grant");
}

#[test]
fn a_confidential_web_app_must_authenticate() {
    let (server, secret) = web_server();
    let mut browser = Browser::new(&server);
    let path = authorize_path(
        "openid",
        &[("client_id", WEB_CONF), ("redirect_uri", CONF_CALLBACK)],
    );
    let code = browser.code_for(&path);
    let body = format!(
        "grant_type=authorization_code&code={}&redirect_uri={}&code_verifier={VERIFIER}",
        enc(&code),
        enc(CONF_CALLBACK)
    );
    server
        .post_form("/token", &format!("{body}&client_id={WEB_CONF}"), None)
        .is_error(401, "invalid_client");
    server
        .post_form("/token", &body, Some((WEB_CONF, "wrong")))
        .is_error(401, "invalid_client");
    let tokens = server.post_form("/token", &body, Some((WEB_CONF, &secret)));
    assert_eq!(tokens.status, 200, "{}", tokens.body);
    assert!(
        tokens.body.get("refresh_token").is_none(),
        "not allowed refresh_token"
    );
}

#[test]
fn rfc6749_4_1_2_1_other_problems_are_reported_to_the_app() {
    let (server, _) = web_server();
    let mut browser = Browser::new(&server);
    for (extra, error) in [
        (
            vec![("response_type", "token")],
            "unsupported_response_type",
        ),
        (vec![("response_type", "")], "invalid_request"),
        (vec![("scope", "openid admin")], "invalid_scope"),
        (vec![("scope", "OpenID")], "invalid_scope"),
        (vec![("prompt", "none login")], "invalid_request"),
        (vec![("max_age", "soon")], "invalid_request"),
        (vec![("request", "eyJhbGciOi")], "request_not_supported"),
        (
            vec![("request_uri", "https://app.example.test/r")],
            "request_uri_not_supported",
        ),
        (vec![("response_mode", "fragment")], "invalid_request"),
    ] {
        let page = browser.get(&authorize_path("openid", &extra));
        assert_eq!(page.status, 302, "{extra:?}");
        assert_eq!(
            page.location_param("error").as_deref(),
            Some(error),
            "{extra:?}"
        );
        assert_eq!(page.location_param("state").as_deref(), Some("st"));
        assert_eq!(
            page.location_param("iss").as_deref(),
            Some(server.base.as_str())
        );
    }
    let device_only = browser.get(&authorize_path(
        "openid",
        &[("client_id", "tv-public"), ("redirect_uri", "")],
    ));
    assert_eq!(
        device_only.status, 400,
        "a client with no redirect URI gets a page"
    );
}

#[test]
fn bad_input_at_authorize_never_gives_a_5xx() {
    let (server, _) = web_server();
    let client = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    for query in [
        "",
        "client_id=%FF",
        "client_id=web-app&redirect_uri=%ZZ",
        "client_id=web-app&client_id=web-app",
        &format!("client_id=web-app&state={}", "s".repeat(4000)),
        &format!("client_id={}", "x".repeat(10_000)),
    ] {
        let response = client
            .get(format!("{}/authorize?{query}", server.base))
            .send()
            .expect("GET");
        assert_eq!(response.status(), 400, "{query}");
        assert!(response.headers().get("location").is_none(), "{query}");
    }
    let odd_nonce = client
        .get(server.url(&authorize_path("openid", &[("nonce", "\u{0}\u{7f}")])))
        .send()
        .expect("GET");
    assert_eq!(
        odd_nonce.status(),
        200,
        "an opaque nonce is carried as it is"
    );
    let response = client
        .post(server.url("/authorize"))
        .header("Content-Type", "text/plain")
        .body("client_id=web-app")
        .send()
        .expect("POST");
    assert_eq!(response.status(), 400);
    let forged = client
        .post(server.url("/authorize/decision"))
        .form(&[("decision", "approve"), ("authorize", "client_id=web-app")])
        .send()
        .expect("POST");
    assert_eq!(forged.status(), 403, "WEB-1: no form token, no decision");
}

#[test]
fn a_disabled_client_or_person_gets_nothing_for_a_code() {
    let (server, _) = web_server();
    let mut browser = Browser::new(&server);
    let code = browser.code_for(&authorize_path("openid", &[]));
    server
        .cli()
        .run(&["client", "update", WEB_APP, "--disable"])
        .ok();
    exchange(&server, &code, CALLBACK, VERIFIER).is_error(400, "invalid_grant");
    let page = browser.get(&authorize_path("openid", &[]));
    assert_eq!(page.status, 400, "a disabled app is not known");
    server
        .cli()
        .run(&["client", "update", WEB_APP, "--enable"])
        .ok();
    let code = browser.code_for(&authorize_path("openid", &[]));
    server.cli().run(&["user", "disable", "alice"]).ok();
    exchange(&server, &code, CALLBACK, VERIFIER).is_error(400, "invalid_grant");
}

#[test]
fn rfc6749_4_4_client_credentials() {
    let server = started();
    let secret = server_secret(&server);
    let tokens = server.post_form(
        "/token",
        "grant_type=client_credentials",
        Some(("rs-api", &secret)),
    );
    assert_eq!(tokens.status, 200, "{}", tokens.body);
    assert_eq!(tokens.str("scope"), "api.read");
    assert!(
        tokens.body.get("refresh_token").is_none(),
        "RFC 6749 §4.4.3"
    );
    assert!(tokens.body.get("id_token").is_none());
    let (header, claims) = verify(
        &server,
        &tokens.str("access_token"),
        "https://api.example.test",
    );
    assert_eq!(header.typ.as_deref(), Some("at+jwt"));
    assert_eq!(claims["sub"], "rs-api", "RFC 9068 §2.2: sub is the client");
    assert_eq!(claims["client_id"], "rs-api");
    assert!(claims.get("auth_time").is_none(), "no person signed in");

    server
        .post_form(
            "/token",
            "grant_type=client_credentials&scope=openid",
            Some(("rs-api", &secret)),
        )
        .is_error(400, "invalid_scope");
    server
        .post_form(
            "/token",
            "grant_type=client_credentials&scope=api.write",
            Some(("rs-api", &secret)),
        )
        .is_error(400, "invalid_scope");
    server
        .post_form(
            "/token",
            "grant_type=client_credentials",
            Some(("rs-api", "wrong")),
        )
        .is_error(401, "invalid_client");
    server
        .post_form(
            "/token",
            "grant_type=client_credentials&client_id=tv-public",
            None,
        )
        .is_error(400, "unauthorized_client");
    let userinfo = reqwest::blocking::Client::new()
        .get(server.url("/userinfo"))
        .bearer_auth(tokens.str("access_token"))
        .send()
        .expect("userinfo");
    assert_eq!(userinfo.status(), 401, "a client's token names no person");
}

#[test]
fn rp_initiated_logout_with_a_registered_return_address() {
    let (server, _) = web_server();
    let mut browser = Browser::new(&server);
    let code = browser.code_for(&authorize_path("openid", &[]));
    let id_token = exchange(&server, &code, CALLBACK, VERIFIER).str("id_token");

    let refused = browser.get(&format!(
        "/end_session?id_token_hint={}&post_logout_redirect_uri={}",
        enc(&id_token),
        enc("https://evil.example/bye")
    ));
    assert_eq!(refused.status, 400);
    assert!(refused.header("location").is_empty(), "no open redirect");
    assert_eq!(
        browser.get(&authorize_path("openid", &[])).status,
        302,
        "still signed in"
    );

    let out = browser.get(&format!(
        "/end_session?id_token_hint={}&post_logout_redirect_uri={}&state=bye1",
        enc(&id_token),
        enc(AFTER_LOGOUT)
    ));
    assert_eq!(out.status, 302);
    assert!(out.header("location").starts_with(AFTER_LOGOUT));
    assert_eq!(out.location_param("state").as_deref(), Some("bye1"));
    let after = browser.get(&authorize_path("openid", &[]));
    assert!(after.says("name=\"password\""), "signed out");
}

#[test]
fn rp_initiated_logout_without_a_hint_asks_first() {
    let (server, _) = web_server();
    let mut browser = Browser::new(&server);
    browser.code_for(&authorize_path("openid", &[]));
    let ask = browser.get(&format!(
        "/end_session?client_id={WEB_APP}&post_logout_redirect_uri={}&state=s2",
        enc(AFTER_LOGOUT)
    ));
    assert_eq!(ask.status, 200);
    assert!(ask.says("Photo album</strong> asks to sign you out"));
    assert_eq!(
        browser.get(&authorize_path("openid", &[])).status,
        302,
        "nothing happens until the person confirms"
    );
    let carried: Vec<(String, String)> = ["post_logout_redirect_uri", "state", "client_id"]
        .iter()
        .filter_map(|name| ask.hidden(name).map(|v| ((*name).to_owned(), v)))
        .collect();
    let fields: Vec<(&str, &str)> = carried
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let out = browser.submit("/logout", &fields);
    assert_eq!(out.status, 303);
    assert_eq!(out.location_param("state").as_deref(), Some("s2"));
    assert!(
        browser
            .get(&authorize_path("openid", &[]))
            .says("name=\"password\"")
    );

    let nobody = browser.get(&format!(
        "/end_session?client_id={WEB_APP}&post_logout_redirect_uri={}",
        enc(AFTER_LOGOUT)
    ));
    assert_eq!(nobody.status, 302, "nobody signed in: straight back");
    let plain = browser.get("/end_session");
    assert_eq!(plain.status, 303, "nowhere to go back to: our own page");
    assert_eq!(plain.header("location"), "/logout");
    assert!(browser.get("/logout").says("Signed out"));
}
