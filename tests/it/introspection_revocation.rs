//! `/introspect` (RFC 7662) and `/revoke` (RFC 7009), by SPEC ID.

use std::time::Duration;

use serde_json::json;

use crate::support::TestServer;
use crate::support::oauth::{Fixtures, Reply, enc};

fn started() -> (TestServer, Fixtures) {
    let server = TestServer::start();
    let fixtures = server.fixtures();
    (server, fixtures)
}

impl TestServer {
    fn introspect(&self, fixtures: &Fixtures, token: &str, hint: Option<&str>) -> Reply {
        let mut body = format!("token={}", enc(token));
        if let Some(hint) = hint {
            body.push_str(&format!("&token_type_hint={hint}"));
        }
        self.post_form(
            "/introspect",
            &body,
            Some(("rs-api", &fixtures.rs_api_secret)),
        )
    }

    fn revoke(&self, token: &str, client_id: &str, hint: Option<&str>) -> u16 {
        let mut body = format!("token={}&client_id={}", enc(token), enc(client_id));
        if let Some(hint) = hint {
            body.push_str(&format!("&token_type_hint={hint}"));
        }
        let response = reqwest::blocking::Client::new()
            .post(self.url("/revoke"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .expect("POST /revoke");
        response.status().as_u16()
    }

    fn refresh_with(&self, refresh_token: &str, client_id: &str) -> Reply {
        let body = format!(
            "grant_type=refresh_token&refresh_token={}&client_id={}",
            enc(refresh_token),
            enc(client_id)
        );
        self.post_form("/token", &body, None)
    }

    fn userinfo_status(&self, token: &str) -> u16 {
        reqwest::blocking::Client::new()
            .get(self.url("/userinfo"))
            .bearer_auth(token)
            .send()
            .expect("GET")
            .status()
            .as_u16()
    }
}

#[test]
fn int_2_2_a_an_active_access_token_is_described_without_personal_data() {
    let (server, fixtures) = started();
    let reply = server.grant("tv-public", "openid email", "alice");
    let answer = server.introspect(&fixtures, &reply.str("access_token"), None);
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.header("cache-control"),
        Some("no-store"),
        "INT-cache"
    );
    assert_eq!(answer.body["active"], true);
    assert_eq!(answer.body["client_id"], "tv-public");
    assert_eq!(answer.body["scope"], "openid email");
    assert!(answer.body["exp"].is_u64() && answer.body["iat"].is_u64());
    assert!(answer.body.get("email").is_none(), "INT-5-a");
    // INT-2.1-c: a wrong hint only changes where the search starts.
    let hinted = server.introspect(&fixtures, &reply.str("access_token"), Some("refresh_token"));
    assert_eq!(hinted.body["active"], true);
}

#[test]
fn int_2_2_b_inactive_tokens_say_active_false_and_nothing_else() {
    let (server, fixtures) = started();
    let reply = server.grant("tv-public", "openid offline_access", "alice");
    assert_eq!(
        server.introspect(&fixtures, "garbage", None).body,
        json!({"active": false})
    );
    // INT-4-a: a forged signature.
    let mut forged = reply.str("access_token").into_bytes();
    let last = forged.len() - 3;
    forged[last] = if forged[last] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged).expect("ascii");
    assert_eq!(
        server.introspect(&fixtures, &forged, None).body,
        json!({"active": false})
    );
    // The refresh token is active until revoked.
    let rt = reply.str("refresh_token");
    let active = server.introspect(&fixtures, &rt, Some("refresh_token"));
    assert_eq!(
        (
            active.body["active"].clone(),
            active.body["token_type"].clone()
        ),
        (json!(true), json!("refresh_token"))
    );
    assert_eq!(server.revoke(&rt, "tv-public", None), 200);
    assert_eq!(
        server.introspect(&fixtures, &rt, None).body,
        json!({"active": false})
    );
    // An expired access token.
    server.advance(Duration::from_secs(65));
    assert_eq!(
        server
            .introspect(&fixtures, &reply.str("access_token"), None)
            .body,
        json!({"active": false})
    );
}

#[test]
fn int_2_1_and_2_3_only_authenticated_confidential_clients_may_introspect() {
    let (server, _) = started();
    let token = server
        .grant("tv-public", "openid", "alice")
        .str("access_token");
    let anonymous = server.post_form("/introspect", &format!("token={token}"), None);
    anonymous.is_error(401, "invalid_client");
    assert!(anonymous.header("www-authenticate").is_some(), "INT-2.1-b");
    server
        .post_form(
            "/introspect",
            &format!("token={token}"),
            Some(("rs-api", "wrong")),
        )
        .is_error(401, "invalid_client");
    // INT-4-b: a public client cannot authenticate, so it learns nothing.
    server
        .post_form(
            "/introspect",
            &format!("token={token}&client_id=tv-public"),
            None,
        )
        .is_error(401, "invalid_client");
    let get = reqwest::blocking::get(server.url("/introspect?token=x")).expect("GET");
    assert_eq!(get.status(), 405, "INT-2.1-a");
}

#[test]
fn rev_2_1_d_a_revoked_refresh_token_is_dead_at_once_and_takes_its_access_tokens() {
    let (server, fixtures) = started();
    let reply = server.grant("tv-public", "openid offline_access", "alice");
    let (rt, at) = (reply.str("refresh_token"), reply.str("access_token"));
    assert_eq!(server.userinfo_status(&at), 200);
    assert_eq!(
        server.revoke(&rt, "tv-public", Some("refresh_token")),
        200,
        "REV-2.1-a"
    );
    server
        .refresh_with(&rt, "tv-public")
        .is_error(400, "invalid_grant");
    // REV-2.1-e: the access tokens of the same grant go too.
    assert_eq!(
        server.introspect(&fixtures, &at, None).body,
        json!({"active": false})
    );
    assert_eq!(server.userinfo_status(&at), 401);
}

#[test]
fn jat_rev_a_revoked_access_token_is_refused_everywhere() {
    let (server, fixtures) = started();
    let at = server
        .grant("tv-public", "openid", "alice")
        .str("access_token");
    assert_eq!(
        server.revoke(&at, "tv-public", Some("refresh_token")),
        200,
        "REV-2.1-b: a wrong hint still finds it"
    );
    assert_eq!(server.userinfo_status(&at), 401);
    assert_eq!(
        server.introspect(&fixtures, &at, None).body,
        json!({"active": false})
    );
    // Tokens issued later are unaffected.
    let later = server
        .grant("tv-public", "openid", "alice")
        .str("access_token");
    assert_eq!(server.userinfo_status(&later), 200);
}

#[test]
fn rev_2_1_c_another_clients_token_is_not_revoked() {
    let (server, _) = started();
    let rt = server
        .grant("tv-public", "openid offline_access", "alice")
        .str("refresh_token");
    let body = format!("token={}&client_id=tv-other", enc(&rt));
    server
        .post_form("/revoke", &body, None)
        .is_error(400, "invalid_grant");
    assert_eq!(
        server.refresh_with(&rt, "tv-public").status,
        200,
        "still good for its owner"
    );
}

#[test]
fn rev_2_2_unknown_repeated_and_oddly_hinted_revocations_succeed() {
    let (server, _) = started();
    assert_eq!(
        server.revoke("garbage", "tv-public", None),
        200,
        "REV-2.2-a"
    );
    let rt = server
        .grant("tv-public", "openid offline_access", "alice")
        .str("refresh_token");
    assert_eq!(
        server.revoke(&rt, "tv-public", Some("bogus")),
        200,
        "REV-2.2-b"
    );
    assert_eq!(server.revoke(&rt, "tv-public", None), 200, "twice");
    server
        .refresh_with(&rt, "tv-public")
        .is_error(400, "invalid_grant");
}

#[test]
fn rev_2_2_1_errors_follow_rfc_6749() {
    let (server, _) = started();
    server
        .post_form("/revoke", "token=x", Some(("tv-conf", "wrong")))
        .is_error(401, "invalid_client");
    server
        .post_form("/revoke", "client_id=tv-public", None)
        .is_error(400, "invalid_request");
    let get = reqwest::blocking::get(server.url("/revoke?token=x&callback=y")).expect("GET");
    assert_eq!(get.status(), 405, "REV-2.3-a: no GET, no JSONP");
}

#[test]
fn asm_2_c_discovery_lists_both_endpoints() {
    let (server, _) = started();
    let doc = server.get_json("/.well-known/oauth-authorization-server");
    assert_eq!(
        doc["introspection_endpoint"],
        format!("{}/introspect", server.base)
    );
    assert_eq!(
        doc["revocation_endpoint"],
        format!("{}/revoke", server.base)
    );
    assert!(
        doc["revocation_endpoint_auth_methods_supported"]
            .as_array()
            .is_some_and(|a| a.contains(&json!("none")))
    );
}

/// `GRANT` for a confidential client, authenticating with Basic at both endpoints.
fn confidential_grant(server: &TestServer, client_id: &str, secret: &str, scope: &str) -> Reply {
    let started = server.post_form(
        "/device_authorization",
        &format!("scope={}", enc(scope)),
        Some((client_id, secret)),
    );
    assert_eq!(started.status, 200, "{}", started.body);
    server.approve(&started.str("user_code"), "alice");
    server.advance(Duration::from_secs(5));
    let body = format!(
        "grant_type={}&device_code={}",
        crate::support::oauth::DEVICE_GRANT_FORM,
        enc(&started.str("device_code"))
    );
    let tokens = server.post_form("/token", &body, Some((client_id, secret)));
    assert_eq!(tokens.status, 200, "{}", tokens.body);
    tokens
}

#[test]
fn int_4_b_a_client_sees_its_own_tokens_and_only_a_resource_server_sees_others() {
    let (server, fixtures) = started();
    let secret = fixtures.tv_conf_secret.as_str();
    let by_tv_conf = |token: &str| {
        server.post_form(
            "/introspect",
            &format!("token={}", enc(token)),
            Some(("tv-conf", secret)),
        )
    };
    let own = confidential_grant(&server, "tv-conf", secret, "openid offline_access");
    for token in [own.str("access_token"), own.str("refresh_token")] {
        let answer = by_tv_conf(&token);
        assert_eq!(
            answer.body["active"], true,
            "its own token: {}",
            answer.body
        );
        assert_eq!(answer.body["client_id"], "tv-conf");
    }
    let others = server.grant("tv-public", "openid offline_access", "alice");
    for token in [others.str("access_token"), others.str("refresh_token")] {
        assert_eq!(
            by_tv_conf(&token).body,
            json!({"active": false}),
            "another client's token is none of its business"
        );
        let answer = server.introspect(&fixtures, &token, None);
        assert_eq!(answer.body["active"], true, "rs-api is a resource server");
    }

    // The permission is the operator's to give and take.
    let at = others.str("access_token");
    server
        .cli()
        .run(&["client", "update", "rs-api", "--no-may-introspect"])
        .ok();
    assert_eq!(
        server.introspect(&fixtures, &at, None).body,
        json!({"active": false})
    );
    let shown = server
        .cli()
        .run(&["--json", "client", "update", "rs-api", "--may-introspect"])
        .json();
    assert_eq!(shown["client"]["may_introspect"], true);
    assert_eq!(server.introspect(&fixtures, &at, None).body["active"], true);
    server
        .cli()
        .run(&["client", "update", "tv-public", "--may-introspect"])
        .fails_with(&["confidential"]);
}

#[test]
fn int_2_2_b_tokens_of_disabled_or_removed_accounts_are_inactive() {
    let (server, fixtures) = started();
    let refused_everywhere = |reply: &Reply| {
        for token in [reply.str("access_token"), reply.str("refresh_token")] {
            assert_eq!(
                server.introspect(&fixtures, &token, None).body,
                json!({"active": false})
            );
        }
        assert_eq!(server.userinfo_status(&reply.str("access_token")), 401);
    };
    let alices = server.grant("tv-public", "openid offline_access", "alice");
    assert_eq!(
        server
            .introspect(&fixtures, &alices.str("refresh_token"), None)
            .body["active"],
        true
    );
    server.cli().run(&["user", "disable", "alice"]).ok();
    refused_everywhere(&alices);
    server
        .refresh_with(&alices.str("refresh_token"), "tv-public")
        .is_error(400, "invalid_grant");

    let bobs = server.grant("tv-public", "openid offline_access", "bob");
    assert_eq!(
        server
            .introspect(&fixtures, &bobs.str("access_token"), None)
            .body["active"],
        true
    );
    server.cli().run(&["user", "remove", "bob"]).ok();
    refused_everywhere(&bobs);
    server
        .refresh_with(&bobs.str("refresh_token"), "tv-public")
        .is_error(400, "invalid_grant");
}

#[test]
fn rev_2_1_e_revoking_one_grant_leaves_the_same_clients_other_grants_alone() {
    let (server, fixtures) = started();
    // One person, one client, three TVs: one never asked for lasting access.
    let plain = server.grant("tv-public", "openid", "alice");
    let revoked = server.grant("tv-public", "openid offline_access", "alice");
    let kept = server.grant("tv-public", "openid offline_access", "alice");
    // A refresh before the revocation: its access token belongs to the same grant.
    let refreshed = server.refresh_with(&revoked.str("refresh_token"), "tv-public");
    assert_eq!(refreshed.status, 200, "{}", refreshed.body);

    assert_eq!(
        server.revoke(&refreshed.str("refresh_token"), "tv-public", None),
        200
    );

    for dead in [revoked.str("access_token"), refreshed.str("access_token")] {
        assert_eq!(server.userinfo_status(&dead), 401, "REV-2.1-e");
        assert_eq!(
            server.introspect(&fixtures, &dead, None).body,
            json!({"active": false})
        );
    }
    for alive in [plain.str("access_token"), kept.str("access_token")] {
        assert_eq!(
            server.userinfo_status(&alive),
            200,
            "another grant's access token"
        );
        assert_eq!(
            server.introspect(&fixtures, &alive, None).body["active"],
            true
        );
    }
    let again = server.refresh_with(&kept.str("refresh_token"), "tv-public");
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(server.userinfo_status(&again.str("access_token")), 200);
}
