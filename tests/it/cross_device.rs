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
