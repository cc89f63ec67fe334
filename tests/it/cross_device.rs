//! The cross-device BCP (draft-ietf-oauth-cross-device-security) at the device flow: each
//! test names the mitigation it proves, as a client, a person or an attacker sees it. Test
//! names are `xd_NN_…`, NN the item of issue 23.

use std::time::Duration;

use serde_json::Value;

use crate::support::TestServer;
use crate::support::browser::Browser;
use crate::support::oauth::{ALICE_PASSWORD, Reply};
use authbox::domain::network::Cidr;

/// Where the phisher's device asks from, and where the person's browser is.
const PHISHER: &str = "198.51.100.9";
const PERSON: &str = "203.0.113.7";
/// `REPORT_COOLDOWN` in `src/app/guard.rs`, as the README states it.
const COOLDOWN: Duration = Duration::from_secs(15 * 60);

fn server() -> TestServer {
    let server = TestServer::start_with(|s| {
        s.trusted_proxies = vec![Cidr::parse("127.0.0.1").expect("cidr")];
    });
    server.fixtures();
    server
}

fn start_from(server: &TestServer, client_id: &str, address: &str) -> Reply {
    server.post_form_with(
        "/device_authorization",
        &format!("client_id={client_id}&scope=openid%20profile"),
        &[("X-Forwarded-For", address)],
    )
}

fn audit_events(server: &TestServer) -> Vec<Value> {
    server.cli().run(&["--json", "audit"]).json()["events"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Cross-device BCP "Detect and Remediate" (and "Rate Limits"): the person sent someone
/// else's code says "I didn't start this". The device hears `access_denied`, the report is in
/// the audit log with the address the device asked from, the person is shown the way to sign
/// out other devices, and that address gets no new codes for that client for a while, while
/// other clients there and the client elsewhere are untouched.
#[test]
fn xd_02_a_i_did_not_start_this_denies_audits_and_cools_down_the_address() {
    let server = server();
    let started = start_from(&server, "tv-public", PHISHER);
    assert_eq!(started.status, 200, "{}", started.body);
    let user_code = started.str("user_code");

    let mut person = Browser::new(&server).with_header("X-Forwarded-For", PERSON);
    let consent = person.reach_consent(&user_code, "alice", ALICE_PASSWORD);
    assert!(
        consent.says("value=\"report\"") && consent.says("I didn't start this"),
        "{}",
        consent.html
    );
    let done = person.decide(&user_code, "report");
    assert_eq!(done.status, 200, "{}", done.html);
    assert!(
        done.says("was not connected, and we were told"),
        "{}",
        done.html
    );
    assert!(
        done.says("href=\"/devices\""),
        "offers My devices: {}",
        done.html
    );

    server.advance(Duration::from_secs(5));
    let polled = server.poll(&started.str("device_code"), "tv-public");
    assert_eq!(polled.str("error"), "access_denied", "{}", polled.body);

    let reported: Vec<Value> = audit_events(&server)
        .into_iter()
        .filter(|e| e["event"] == "device_reported")
        .collect();
    assert_eq!(reported.len(), 1, "{reported:?}");
    assert_eq!(reported[0]["client_id"], "tv-public");
    assert_eq!(reported[0]["address"], PHISHER);

    let again = start_from(&server, "tv-public", PHISHER);
    assert_eq!(again.status, 429, "{}", again.body);
    assert_eq!(again.str("error"), "temporarily_unavailable");
    let wait: u64 = again.headers["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!(wait > 14 * 60 && wait <= 15 * 60, "{wait}");
    assert_eq!(start_from(&server, "tv-other", PHISHER).status, 200);
    assert_eq!(start_from(&server, "tv-public", PERSON).status, 200);

    server.advance(COOLDOWN);
    assert_eq!(start_from(&server, "tv-public", PHISHER).status, 200);

    let metrics = reqwest::blocking::get(server.url("/metrics"))
        .expect("scrape")
        .text()
        .expect("body");
    assert!(
        metrics
            .lines()
            .any(|l| l == "authbox_device_reports_total 1"),
        "{metrics}"
    );
}

/// A report is a decision like Deny: a code already approved cannot be reported away, a
/// reload of the outcome shows it again, and a crafted link to the outcome page shows nothing.
#[test]
fn xd_02_b_a_report_needs_a_pending_code_and_its_outcome_page_a_ticket() {
    let server = server();
    let started = start_from(&server, "tv-public", PHISHER);
    let user_code = started.str("user_code");
    let mut person = Browser::new(&server).with_header("X-Forwarded-For", PERSON);
    person.reach_consent(&user_code, "alice", ALICE_PASSWORD);
    let approved = person.decide(&user_code, "approve");
    assert!(approved.says("connected"), "{}", approved.html);
    let late = person.decide(&user_code, "report");
    assert_eq!(late.status, 409, "{}", late.html);
    assert!(
        audit_events(&server)
            .iter()
            .all(|e| e["event"] != "device_reported")
    );
    assert_eq!(start_from(&server, "tv-public", PHISHER).status, 200);

    let crafted =
        Browser::new(&server).get("/device/done?client_id=tv-public&outcome=reported&ticket=AAAA");
    assert!(!crafted.says("we were told"), "{}", crafted.html);
}

/// Cross-device BCP "Limited Scopes", and the binding of consent to issuance: the client and
/// scopes the person is shown are exactly those the device was issued and the tokens carry.
#[test]
fn xd_03_a_the_consent_page_shows_the_client_and_scopes_the_tokens_carry() {
    let server = server();
    server
        .cli()
        .run(&["client", "update", "tv-public", "--name", "Living room TV"])
        .ok();
    let started = start_from(&server, "tv-public", PHISHER);
    let user_code = started.str("user_code");
    let mut person = Browser::new(&server);
    let consent = person.reach_consent(&user_code, "alice", ALICE_PASSWORD);
    assert!(consent.says("Living room TV"), "{}", consent.html);
    assert!(consent.says("(openid)") && consent.says("(profile)"));
    assert!(!consent.says("(offline_access)") && !consent.says("(email)"));
    person.decide(&user_code, "approve");
    server.advance(Duration::from_secs(5));
    let tokens = server.poll(&started.str("device_code"), "tv-public");
    assert_eq!(tokens.status, 200, "{}", tokens.body);
    assert_eq!(tokens.str("scope"), "openid profile");
}

/// Cross-device BCP "Limited Scopes": a client's device grants carry no more than its cap
/// (`client update --device-scope-cap`), asked for explicitly or by default; the cap survives
/// a restart, and a cap lowered after a code was issued leaves that code nothing to approve.
#[test]
fn xd_03_b_a_device_grant_never_exceeds_the_clients_device_scope_cap() {
    let server = server();
    let capped = start_from(&server, "tv-public", PHISHER);
    server
        .cli()
        .run(&[
            "client",
            "update",
            "tv-public",
            "--device-scope-cap",
            "openid",
        ])
        .ok();
    let shown = server.cli().run(&["client", "show", "tv-public"]).ok();
    assert!(
        shown.contains("device_scope_cap") && shown.contains("openid"),
        "{shown}"
    );
    let server = server.restart();

    let beyond = server.device_authorization("tv-public", "openid offline_access");
    assert_eq!(beyond.status, 400, "{}", beyond.body);
    assert_eq!(beyond.str("error"), "invalid_scope");
    assert!(beyond.str("error_description").contains("offline_access"));
    let within = server.device_authorization("tv-public", "openid");
    assert_eq!(within.status, 200, "{}", within.body);
    let defaulted = server.post_form("/device_authorization", "client_id=tv-public", None);
    assert_eq!(defaulted.status, 200, "{}", defaulted.body);
    server.approve(&defaulted.str("user_code"), "alice");
    server.advance(Duration::from_secs(5));
    let tokens = server.poll(&defaulted.str("device_code"), "tv-public");
    assert_eq!(tokens.str("scope"), "openid", "{}", tokens.body);

    // Issued before the cap, asking for more than it allows now: nothing to consent to.
    let mut person = Browser::new(&server);
    let page = person.reach_consent(&capped.str("user_code"), "alice", ALICE_PASSWORD);
    assert_eq!(page.status, 400, "{}", page.html);
    assert!(!page.says("value=\"approve\""));

    server
        .cli()
        .run(&["client", "update", "tv-public", "--device-scope-cap", ""])
        .ok();
    let lifted = server.device_authorization("tv-public", "openid offline_access");
    assert_eq!(lifted.status, 200, "{}", lifted.body);
}

/// Cross-device BCP "Detect and Remediate": an operator who disables a client being phished
/// stops approvals of codes it was already issued, even from a consent page already open;
/// enabling it again does not bring those approvals back.
#[test]
fn xd_03_c_a_code_of_a_client_disabled_since_cannot_be_approved() {
    let server = server();
    let started = start_from(&server, "tv-public", PHISHER);
    let user_code = started.str("user_code");
    let mut person = Browser::new(&server);
    let consent = person.reach_consent(&user_code, "alice", ALICE_PASSWORD);
    assert!(consent.says("value=\"approve\""), "{}", consent.html);
    server
        .cli()
        .run(&["client", "update", "tv-public", "--disable"])
        .ok();
    let refused = person.decide(&user_code, "approve");
    assert_eq!(refused.status, 400, "{}", refused.html);
    assert!(!refused.says("is connected"));

    server
        .cli()
        .run(&["client", "update", "tv-public", "--enable"])
        .ok();
    server.advance(Duration::from_secs(5));
    let polled = server.poll(&started.str("device_code"), "tv-public");
    assert_eq!(
        polled.str("error"),
        "authorization_pending",
        "{}",
        polled.body
    );
}

/// Cross-device BCP "Detect and Remediate": one code, one account. A phisher sends the same
/// code to two people; the first to open it holds it, the second is told clearly that another
/// account is using it, cannot approve it even by posting the form, and the attempt is in the
/// audit log. The first person can still decide.
#[test]
fn xd_04_a_a_code_entered_by_a_second_account_is_refused_and_audited() {
    let server = server();
    let started = start_from(&server, "tv-public", PHISHER);
    let user_code = started.str("user_code");
    let mut alice = Browser::new(&server);
    let consent = alice.reach_consent(&user_code, "alice", ALICE_PASSWORD);
    assert!(consent.says("value=\"approve\""), "{}", consent.html);

    let mut bob = Browser::new(&server);
    let refused = bob.reach_consent(&user_code, "bob", "Tr0ub4dor&3");
    assert_eq!(refused.status, 409, "{}", refused.html);
    assert!(
        refused.says("being used by another account"),
        "{}",
        refused.html
    );
    bob.get("/device"); // a page with a form, for a fresh form token
    let posted = bob.decide(&user_code, "approve");
    assert_eq!(posted.status, 409, "{}", posted.html);

    let bob_sub = server.cli().run(&["--json", "user", "show", "bob"]).json()["user"]["sub"]
        .as_str()
        .expect("sub")
        .to_owned();
    let entered: Vec<Value> = audit_events(&server)
        .into_iter()
        .filter(|e| e["event"] == "code_entered_by_another")
        .collect();
    assert_eq!(entered.len(), 2, "{entered:?}");
    assert!(entered.iter().all(|e| e["client_id"] == "tv-public"));
    assert!(
        entered.iter().all(|e| e["subject"] == bob_sub.as_str()),
        "{entered:?}"
    );

    let approved = alice.decide(&user_code, "approve");
    assert!(approved.says("is connected"), "{}", approved.html);
}

/// RFC 8628 §3.5 with the cross-device BCP's "Rate Limits": a device polling too fast hears
/// `slow_down` with the interval it must keep from now on, not only the advice to add five
/// seconds.
#[test]
fn xd_05_c_slow_down_says_the_interval_to_keep() {
    let server = server();
    let started = start_from(&server, "tv-public", PHISHER);
    let base = started.body["interval"].as_u64().expect("interval");
    let device_code = started.str("device_code");
    let first = server.poll(&device_code, "tv-public");
    assert_eq!(first.str("error"), "authorization_pending");
    assert!(first.body.get("interval").is_none(), "{}", first.body);
    let hurried = server.poll(&device_code, "tv-public");
    assert_eq!(hurried.str("error"), "slow_down", "{}", hurried.body);
    assert_eq!(
        hurried.body["interval"].as_u64(),
        Some(base + 5),
        "{}",
        hurried.body
    );
}

fn userinfo_status(server: &TestServer, access_token: &str) -> u16 {
    reqwest::blocking::Client::new()
        .get(server.url("/userinfo"))
        .bearer_auth(access_token)
        .send()
        .expect("GET /userinfo")
        .status()
        .as_u16()
}

/// Cross-device BCP "Detect and Remediate": once a phished device is found, everything issued
/// from its device code stops at once, its refresh tokens and its live access tokens, by
/// every way an operator or an administrator has to sign it out: `authbox grant revoke` and
/// the person's page on the admin pages (My devices is `my_devices::oidc_16_18_a`). All three
/// reach one function, `App::sign_out_device`.
#[test]
fn xd_04_b_signing_a_device_out_revokes_everything_its_code_produced() {
    let server = server();
    let changes = authbox::app::accounts::UserChanges {
        admin: Some(true),
        ..Default::default()
    };
    server.app().update_user("alice", &changes).expect("admin");
    let grant_ids = |server: &TestServer| -> Vec<String> {
        server
            .cli()
            .run(&["--json", "grant", "list", "--user", "bob"])
            .json()["grants"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .filter(|g| g["state"] == "live")
            .map(|g| g["id"].as_str().unwrap_or_default().to_owned())
            .collect()
    };

    // By the command line.
    let tokens = server.grant("tv-public", "openid offline_access", "bob");
    assert_eq!(userinfo_status(&server, &tokens.str("access_token")), 200);
    let ids = grant_ids(&server);
    assert_eq!(ids.len(), 1);
    server.cli().run(&["grant", "revoke", &ids[0]]).ok();
    assert_eq!(userinfo_status(&server, &tokens.str("access_token")), 401);
    server
        .post_form(
            "/token",
            &format!(
                "grant_type=refresh_token&client_id=tv-public&refresh_token={}",
                crate::support::oauth::enc(&tokens.str("refresh_token"))
            ),
            None,
        )
        .is_error(400, "invalid_grant");

    // From the admin pages' person page.
    let tokens = server.grant("tv-public", "openid offline_access", "bob");
    assert_eq!(userinfo_status(&server, &tokens.str("access_token")), 200);
    let mut admin = Browser::new(&server);
    admin.get("/login");
    admin.submit(
        "/login",
        &[("username", "alice"), ("password", ALICE_PASSWORD)],
    );
    let person = admin.get("/admin/people/bob");
    let grant = person.hidden("grant").expect("the device's grant");
    let revoked = admin.submit_unfollowed(
        "/admin/grants/revoke",
        &[("grant", &grant), ("back", "/admin/people/bob")],
    );
    assert_eq!(revoked.status, 303);
    assert_eq!(userinfo_status(&server, &tokens.str("access_token")), 401);
    assert!(grant_ids(&server).is_empty());
}
