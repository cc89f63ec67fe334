//! `POST /token` with the device grant (RFC 8628 §3.4–3.5), by SPEC ID.

use std::time::Duration;

use crate::support::TestServer;
use crate::support::oauth::DEVICE_GRANT_FORM;
use crate::support::oauth::started;

const INTERVAL: Duration = Duration::from_secs(5);

#[test]
fn dag_3_5_a_an_approved_code_yields_tokens() {
    let server = started();
    let reply = server.grant("tv-public", "openid profile", "alice");
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.body["access_token"].is_string());
    assert!(
        reply.str("token_type").eq_ignore_ascii_case("bearer"),
        "OIDC-3.1.3.3-a"
    );
    assert!(reply.body["expires_in"].is_u64(), "OA-5.1-a: a JSON number");
    assert_eq!(reply.str("scope"), "openid profile");
    assert!(reply.body["id_token"].is_string(), "OIDC-3.1.3.3-b");
    // OA-5.1-b, OIDC-3.1.3.3-c.
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    assert_eq!(reply.header("pragma"), Some("no-cache"));
}

#[test]
fn oidc_3_1_3_3_b_no_openid_no_id_token() {
    let server = started();
    let reply = server.grant("tv-public", "api.read", "alice");
    assert_eq!(reply.status, 200);
    assert!(reply.body.get("id_token").is_none());
}

#[test]
fn dag_3_5_b_d_pending_is_a_400_and_the_first_poll_is_never_slow_down() {
    let server = started();
    let started = server.device_authorization("tv-public", "openid");
    let reply = server.poll(&started.str("device_code"), "tv-public");
    reply.is_error(400, "authorization_pending");
    assert_eq!(reply.header("cache-control"), Some("no-store"));
}

#[test]
fn dag_3_5_c_polling_too_fast_slows_down_and_an_obedient_client_is_never_stuck() {
    let server = TestServer::start_with(|s| s.lifetimes.device_code = Duration::from_secs(120));
    server.fixtures();
    let started = server.device_authorization("tv-public", "openid");
    let code = started.str("device_code");
    server.advance(INTERVAL);
    server
        .poll(&code, "tv-public")
        .is_error(400, "authorization_pending");
    server.poll(&code, "tv-public").is_error(400, "slow_down");
    for _ in 0..5 {
        server.advance(INTERVAL + Duration::from_secs(5));
        server
            .poll(&code, "tv-public")
            .is_error(400, "authorization_pending");
    }
}

#[test]
fn a_client_that_ignores_slow_down_keeps_hearing_it_while_rule_benders_still_finish() {
    let server = started();
    let hammer = server
        .device_authorization("tv-public", "openid")
        .str("device_code");
    server
        .poll(&hammer, "tv-public")
        .is_error(400, "authorization_pending");
    for _ in 0..10 {
        server.advance(Duration::from_secs(1));
        server.poll(&hammer, "tv-public").is_error(400, "slow_down");
    }

    // This one goes back to the original 5 s after slow_down; it still gets its tokens.
    let started = server.device_authorization("tv-public", "openid");
    let (bender, user_code) = (started.str("device_code"), started.str("user_code"));
    server
        .poll(&bender, "tv-public")
        .is_error(400, "authorization_pending");
    server.poll(&bender, "tv-public").is_error(400, "slow_down");
    server.approve(&user_code, "alice");
    let mut outcome = None;
    for _ in 0..5 {
        server.advance(INTERVAL);
        let reply = server.poll(&bender, "tv-public");
        if reply.status == 200 {
            outcome = Some(reply);
            break;
        }
        reply.is_error(400, "slow_down");
    }
    assert!(
        outcome.is_some(),
        "a client keeping the original interval finished"
    );
}

#[test]
fn dag_3_5_e_denied_stays_access_denied_until_expiry() {
    let server = started();
    let started = server.device_authorization("tv-public", "openid");
    server.deny(&started.str("user_code"));
    let code = started.str("device_code");
    server.advance(INTERVAL);
    server
        .poll(&code, "tv-public")
        .is_error(400, "access_denied");
    server.advance(INTERVAL);
    server
        .poll(&code, "tv-public")
        .is_error(400, "access_denied");
    server.advance(Duration::from_secs(30));
    server
        .poll(&code, "tv-public")
        .is_error(400, "expired_token");
}

#[test]
fn dag_3_5_f_an_expired_code_is_expired_token_and_cannot_be_approved() {
    let server = started();
    let started = server.device_authorization("tv-public", "openid");
    server.advance(Duration::from_secs(35));
    server
        .poll(&started.str("device_code"), "tv-public")
        .is_error(400, "expired_token");
    let now = server.app().now();
    assert!(
        server
            .app()
            .approve_device(&started.str("user_code"), "alice", None, now)
            .is_err()
    );
    server
        .poll(&started.str("device_code"), "tv-public")
        .is_error(400, "expired_token");
}

#[test]
fn dag_3_5_g_h_a_code_is_redeemed_once_and_never_resurrected() {
    let server = started();
    let started = server.device_authorization("tv-public", "openid");
    let (code, user_code) = (started.str("device_code"), started.str("user_code"));
    server.approve(&user_code, "alice");
    server.advance(INTERVAL);
    assert_eq!(server.poll(&code, "tv-public").status, 200);
    server.advance(INTERVAL);
    server
        .poll(&code, "tv-public")
        .is_error(400, "invalid_grant");
    let now = server.app().now();
    assert!(
        server
            .app()
            .approve_device(&user_code, "bob", None, now)
            .is_err(),
        "DAG-3.5-h"
    );
    server.advance(INTERVAL);
    server
        .poll(&code, "tv-public")
        .is_error(400, "invalid_grant");
}

#[test]
fn dag_3_5_g_concurrent_polls_redeem_exactly_once() {
    let server = started();
    for _ in 0..3 {
        let started = server.device_authorization("tv-public", "openid profile");
        server.approve(&started.str("user_code"), "alice");
        server.advance(INTERVAL);
        let code = started.str("device_code");
        let statuses: Vec<u16> = std::thread::scope(|scope| {
            let polls: Vec<_> = (0..20)
                .map(|_| scope.spawn(|| server.poll(&code, "tv-public").status))
                .collect();
            polls
                .into_iter()
                .map(|p| p.join().expect("poll thread"))
                .collect()
        });
        assert_eq!(
            statuses.iter().filter(|s| **s == 200).count(),
            1,
            "{statuses:?}"
        );
        assert!(
            statuses.iter().all(|s| *s == 200 || *s == 400),
            "{statuses:?}"
        );
    }
}

#[test]
fn dag_3_4_a_a_missing_device_code_is_invalid_request() {
    let server = started();
    let body = format!("grant_type={DEVICE_GRANT_FORM}&client_id=tv-public");
    server
        .post_form("/token", &body, None)
        .is_error(400, "invalid_request");
}

#[test]
fn dag_3_4_b_a_confidential_clients_code_needs_its_secret() {
    let server = TestServer::start();
    let fixtures = server.fixtures();
    let secret = fixtures.tv_conf_secret.as_str();
    let started = server.post_form(
        "/device_authorization",
        "scope=openid",
        Some(("tv-conf", secret)),
    );
    server.approve(&started.str("user_code"), "alice");
    server.advance(INTERVAL);
    let code = started.str("device_code");
    server
        .poll(&code, "tv-conf")
        .is_error(401, "invalid_client");
    let body = format!("grant_type={DEVICE_GRANT_FORM}&device_code={code}");
    let reply = server.post_form("/token", &body, Some(("tv-conf", secret)));
    assert_eq!(reply.status, 200, "{}", reply.body);
}

#[test]
fn dag_3_4_c_a_code_is_bound_to_its_client() {
    let server = started();
    let started = server.device_authorization("tv-public", "openid");
    server.approve(&started.str("user_code"), "alice");
    server.advance(INTERVAL);
    let code = started.str("device_code");
    server
        .poll(&code, "tv-other")
        .is_error(400, "invalid_grant");
    assert_eq!(
        server.poll(&code, "tv-public").status,
        200,
        "the rightful client still redeems it"
    );
}

#[test]
fn dag_3_4_d_an_unknown_code_is_invalid_grant() {
    let server = started();
    server
        .poll(&"x".repeat(43), "tv-public")
        .is_error(400, "invalid_grant");
}

#[test]
fn dag_3_5_i_no_tokens_for_an_account_disabled_after_approving() {
    let server = started();
    let started = server.device_authorization("tv-public", "openid");
    server.approve(&started.str("user_code"), "alice");
    server.cli().run(&["user", "disable", "alice"]).ok();
    server.advance(INTERVAL);
    server
        .poll(&started.str("device_code"), "tv-public")
        .is_error(400, "invalid_grant");
}

#[test]
fn oa_3_2_b_c_d_empty_unknown_and_repeated_parameters() {
    let server = started();
    let started = server.device_authorization("tv-public", "openid");
    let code = started.str("device_code");
    let base = format!("grant_type={DEVICE_GRANT_FORM}&device_code={code}&client_id=tv-public");
    server
        .post_form("/token", &format!("{base}&scope=&foo=bar"), None)
        .is_error(400, "authorization_pending");
    server
        .post_form("/token", &format!("{base}&device_code={code}"), None)
        .is_error(400, "invalid_request");
    server
        .post_form(
            "/token",
            &format!("{base}&grant_type={DEVICE_GRANT_FORM}"),
            None,
        )
        .is_error(400, "invalid_request");
}

#[test]
fn oa_5_2_a_other_grants_are_unsupported_and_grant_type_is_required() {
    let server = started();
    let password = "grant_type=password&username=alice&password=x&client_id=tv-public";
    server
        .post_form("/token", password, None)
        .is_error(400, "unsupported_grant_type");
    server
        .post_form("/token", "grant_type=foo&client_id=tv-public", None)
        .is_error(400, "unsupported_grant_type");
    server
        .post_form("/token", "client_id=tv-public", None)
        .is_error(400, "invalid_request");
}

#[test]
fn oa_3_2_a_the_token_endpoint_takes_post_only() {
    let server = started();
    let get = reqwest::blocking::get(server.url("/token?grant_type=x")).expect("GET");
    assert_eq!(get.status(), 405);
    assert_eq!(get.headers()["allow"], "POST");
}

#[test]
fn a_client_disabled_after_approval_gets_invalid_grant() {
    let server = started();
    let started = server.device_authorization("tv-public", "openid");
    server.approve(&started.str("user_code"), "alice");
    server
        .cli()
        .run(&["client", "update", "tv-public", "--disable"])
        .ok();
    server.advance(INTERVAL);
    server
        .poll(&started.str("device_code"), "tv-public")
        .is_error(400, "invalid_grant");
}
