//! Refresh tokens, by SPEC ID: issued for lasting access, rotated, reuse revokes the family,
//! idle expiry, scope narrowing, client binding, and ID tokens on refresh.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use crate::support::TestServer;
use crate::support::oauth::started;
use crate::support::oauth::{Reply, enc};

impl TestServer {
    fn refresh(&self, refresh_token: &str, client_id: &str, scope: Option<&str>) -> Reply {
        let mut body = format!(
            "grant_type=refresh_token&refresh_token={}&client_id={}",
            enc(refresh_token),
            enc(client_id)
        );
        if let Some(scope) = scope {
            body.push_str(&format!("&scope={}", enc(scope)));
        }
        self.post_form("/token", &body, None)
    }
}

fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).expect("payload");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url")).expect("JSON")
}

#[test]
fn bcp_2_2_2_a_lasting_access_yields_a_refresh_token_that_rotates() {
    let server = started();
    let first = server.grant("tv-public", "openid offline_access", "alice");
    let rt1 = first.str("refresh_token");
    assert!(
        URL_SAFE_NO_PAD.decode(&rt1).is_ok_and(|b| b.len() == 32),
        "opaque, 256 bits"
    );
    server.advance(Duration::from_secs(10));
    let second = server.refresh(&rt1, "tv-public", None);
    assert_eq!(second.status, 200, "{}", second.body);
    let rt2 = second.str("refresh_token");
    assert_ne!(rt1, rt2, "a new refresh token every time");
    assert!(second.body["access_token"].is_string());
    assert_eq!(second.header("cache-control"), Some("no-store"));
    assert_eq!(second.str("scope"), "openid offline_access");
}

#[test]
fn d3_no_refresh_token_without_offline_access_or_the_refresh_grant() {
    let server = started();
    assert!(
        server
            .grant("tv-public", "openid", "alice")
            .body
            .get("refresh_token")
            .is_none()
    );
    // A client without the refresh_token grant gets none, even for offline_access.
    server
        .cli()
        .run(&["client", "update", "tv-other", "--grant", "device_code"])
        .ok();
    assert!(
        server
            .grant("tv-other", "openid offline_access", "alice")
            .body
            .get("refresh_token")
            .is_none()
    );
}

#[test]
fn bcp_4_14_2_a_a_spent_token_coming_back_revokes_the_family() {
    let server = started();
    let rt1 = server
        .grant("tv-public", "openid offline_access", "alice")
        .str("refresh_token");
    let rt2 = server.refresh(&rt1, "tv-public", None).str("refresh_token");
    server
        .refresh(&rt1, "tv-public", None)
        .is_error(400, "invalid_grant");
    server
        .refresh(&rt2, "tv-public", None)
        .is_error(400, "invalid_grant");
}

#[test]
fn bcp_4_14_2_b_concurrent_refreshes_mint_once() {
    let server = started();
    let rt1 = server
        .grant("tv-public", "openid offline_access", "alice")
        .str("refresh_token");
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let racers: Vec<_> = (0..10)
            .map(|_| scope.spawn(|| server.refresh(&rt1, "tv-public", None)))
            .collect();
        racers
            .into_iter()
            .map(|r| r.join().expect("racer").status)
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

#[test]
fn bcp_4_14_2_e_an_idle_refresh_token_expires() {
    let server = started();
    let rt = server
        .grant("tv-public", "openid offline_access", "alice")
        .str("refresh_token");
    server.advance(Duration::from_secs(125));
    server
        .refresh(&rt, "tv-public", None)
        .is_error(400, "invalid_grant");
}

#[test]
fn oa_6_a_scope_can_narrow_but_never_widen() {
    let server = started();
    let rt = server
        .grant("tv-public", "openid profile offline_access", "alice")
        .str("refresh_token");
    server
        .refresh(&rt, "tv-public", Some("openid email"))
        .is_error(400, "invalid_scope");
    let narrowed = server.refresh(&rt, "tv-public", Some("openid"));
    assert_eq!(narrowed.status, 200, "{}", narrowed.body);
    assert_eq!(narrowed.str("scope"), "openid");
    // The family keeps its scope: the next refresh may ask for all of it again.
    let full = server.refresh(&narrowed.str("refresh_token"), "tv-public", None);
    assert_eq!(full.str("scope"), "openid profile offline_access");
}

#[test]
fn oidc_12_1_a_refresh_token_is_bound_to_its_client() {
    let server = started();
    let rt = server
        .grant("tv-public", "openid offline_access", "alice")
        .str("refresh_token");
    server
        .refresh(&rt, "tv-other", None)
        .is_error(400, "invalid_grant");
    assert_eq!(
        server.refresh(&rt, "tv-public", None).status,
        200,
        "the owner still refreshes"
    );
}

#[test]
fn oidc_12_2_a_id_tokens_on_refresh_keep_iss_sub_aud_and_auth_time() {
    let server = started();
    let first = server.grant("tv-public", "openid offline_access", "alice");
    server.advance(Duration::from_secs(30));
    let second = server.refresh(&first.str("refresh_token"), "tv-public", None);
    let (a, b) = (
        claims(&first.str("id_token")),
        claims(&second.str("id_token")),
    );
    for claim in ["iss", "sub", "aud", "auth_time"] {
        assert_eq!(a[claim], b[claim], "{claim}");
    }
    assert!(b["iat"].as_u64() > a["iat"].as_u64());
    assert!(b.get("nonce").is_none());
    let (at1, at2) = (
        claims(&first.str("access_token")),
        claims(&second.str("access_token")),
    );
    assert_eq!(at1["auth_time"], at2["auth_time"], "JAT-2.2.1-a");
}

#[test]
fn a_disabled_user_or_client_gets_no_more_tokens() {
    let server = started();
    let rt = server
        .grant("tv-public", "openid offline_access", "alice")
        .str("refresh_token");
    server.cli().run(&["user", "disable", "alice"]).ok();
    server
        .refresh(&rt, "tv-public", None)
        .is_error(400, "invalid_grant");
    server.cli().run(&["user", "enable", "alice"]).ok();
    server
        .cli()
        .run(&["client", "update", "tv-public", "--disable"])
        .ok();
    server
        .refresh(&rt, "tv-public", None)
        .is_error(400, "invalid_grant");
}

#[test]
fn garbage_and_missing_refresh_tokens_are_protocol_errors() {
    let server = started();
    server
        .refresh("garbage", "tv-public", None)
        .is_error(400, "invalid_grant");
    server
        .post_form(
            "/token",
            "grant_type=refresh_token&client_id=tv-public",
            None,
        )
        .is_error(400, "invalid_request");
}

/// SPEC D5 with a grace window: a server that forgives a client retrying a refresh.
fn with_grace(grace: Duration) -> TestServer {
    let server = TestServer::start_with(|s| s.lifetimes.refresh_grace = grace);
    server.fixtures();
    server
}

#[test]
fn d5_within_the_grace_window_a_retry_gets_the_same_successor() {
    let server = with_grace(Duration::from_secs(5));
    let rt1 = server
        .grant("tv-public", "openid offline_access", "alice")
        .str("refresh_token");
    let first = server.refresh(&rt1, "tv-public", None);
    let rt2 = first.str("refresh_token");
    server.advance(Duration::from_secs(4));
    let retry = server.refresh(&rt1, "tv-public", None);
    assert_eq!(retry.status, 200, "{}", retry.body);
    assert_eq!(retry.str("refresh_token"), rt2, "the same successor");
    assert_ne!(retry.str("access_token"), first.str("access_token"));

    // Once the successor has been used, the old token coming back is reuse again.
    let rt3 = server.refresh(&rt2, "tv-public", None).str("refresh_token");
    server
        .refresh(&rt1, "tv-public", None)
        .is_error(400, "invalid_grant");
    server
        .refresh(&rt3, "tv-public", None)
        .is_error(400, "invalid_grant");
}

#[test]
fn d5_after_the_grace_window_a_retry_revokes_the_family() {
    let server = with_grace(Duration::from_secs(5));
    let rt1 = server
        .grant("tv-public", "openid offline_access", "alice")
        .str("refresh_token");
    let rt2 = server.refresh(&rt1, "tv-public", None).str("refresh_token");
    server.advance(Duration::from_secs(6));
    server
        .refresh(&rt1, "tv-public", None)
        .is_error(400, "invalid_grant");
    server
        .refresh(&rt2, "tv-public", None)
        .is_error(400, "invalid_grant");
}

#[test]
fn d5_concurrent_refreshes_within_the_grace_window_share_one_rotation() {
    let server = with_grace(Duration::from_secs(5));
    let rt1 = server
        .grant("tv-public", "openid offline_access", "alice")
        .str("refresh_token");
    let answers: Vec<Reply> = std::thread::scope(|scope| {
        let racers: Vec<_> = (0..20)
            .map(|_| scope.spawn(|| server.refresh(&rt1, "tv-public", None)))
            .collect();
        racers
            .into_iter()
            .map(|r| r.join().expect("racer"))
            .collect()
    });
    let successors: std::collections::HashSet<String> = answers
        .iter()
        .map(|a| {
            assert_eq!(a.status, 200, "{}", a.body);
            a.str("refresh_token")
        })
        .collect();
    assert_eq!(successors.len(), 1, "one rotation: {successors:?}");
    let rt2 = successors.into_iter().next().expect("a successor");
    let next = server.refresh(&rt2, "tv-public", None);
    assert_eq!(next.status, 200, "the family lives on: {}", next.body);
}
