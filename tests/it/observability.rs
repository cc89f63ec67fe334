//! What an operator sees: `/metrics` in Prometheus text format (on the main port or a separate
//! one), one log line per request in text or JSON, and no secret in any log line.

use std::collections::HashMap;

use crate::support::binary::Cli;
use crate::support::browser::Browser;
use crate::support::spawned::Spawned;

const PASSWORD: &str = "correct horse battery staple";
/// A one-second polling interval keeps the flow short.
const FAST_POLLING: (&str, &str) = ("AUTHBOX_POLL_INTERVAL", "1s");
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// Parses the text exposition format: `name{label="value",…} number` per sample line.
fn parse_metrics(text: &str) -> HashMap<String, f64> {
    let mut samples = HashMap::new();
    for line in text.lines() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (series, value) = line
            .rsplit_once(' ')
            .unwrap_or_else(|| panic!("not a sample line: {line:?}"));
        let value: f64 = value
            .parse()
            .unwrap_or_else(|_| panic!("not a number in {line:?}"));
        if let Some((name, labels)) = series.split_once('{') {
            assert!(labels.ends_with('}'), "{line:?}");
            assert!(
                name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "{line:?}"
            );
        }
        samples.insert(series.to_owned(), value);
    }
    samples
}

fn sample(samples: &HashMap<String, f64>, series: &str) -> f64 {
    *samples
        .get(series)
        .unwrap_or_else(|| panic!("no {series} in {:#?}", samples.keys()))
}

struct Flow {
    /// Every secret value the flow saw: codes, tokens, the password, cookies.
    secrets: Vec<String>,
}

/// A person and a TV, all the way: device code, a pending poll, sign-in and approval in the
/// browser pages, tokens, a refresh, UserInfo, introspection and revocation.
fn full_device_flow(base: &str, data: &std::path::Path) -> Flow {
    let cli = Cli::new(data);
    cli.add_user("alice", PASSWORD, &[]);
    let created = cli
        .run(&[
            "--json",
            "client",
            "add",
            "tv-conf",
            "--confidential",
            "--grant",
            "device_code",
            "--grant",
            "refresh_token",
        ])
        .json();
    let secret = created["secret"].as_str().expect("secret").to_owned();
    let client = reqwest::blocking::Client::new();
    let post = |path: &str, form: &[(&str, &str)]| -> serde_json::Value {
        let response = client
            .post(format!("{base}{path}"))
            .basic_auth("tv-conf", Some(&secret))
            .form(form)
            .send()
            .expect("POST");
        let text = response.text().expect("body");
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
    };

    let started = post(
        "/device_authorization",
        &[("scope", "openid profile offline_access")],
    );
    let device_code = started["device_code"].as_str().expect("device_code");
    let user_code = started["user_code"].as_str().expect("user_code");
    let poll = [("grant_type", DEVICE_GRANT), ("device_code", device_code)];
    assert_eq!(post("/token", &poll)["error"], "authorization_pending");

    let mut browser = Browser::at(base);
    let consent = browser.reach_consent(user_code, "alice", PASSWORD);
    let session_cookie = consent
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|c| {
            c.split(';')
                .next()?
                .split_once('=')
                .map(|(_, v)| v.to_owned())
        })
        .collect::<Vec<_>>();
    let form_token = browser.token();
    let approved = browser.decide(user_code, "approve");
    assert_eq!(approved.status, 200);

    // The servers here poll at FAST_POLLING.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let tokens = post("/token", &poll);
    let access_token = tokens["access_token"].as_str().expect("AT").to_owned();
    let refresh_token = tokens["refresh_token"].as_str().expect("RT").to_owned();
    let id_token = tokens["id_token"].as_str().expect("ID token").to_owned();
    let refreshed = post(
        "/token",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh_token),
        ],
    );
    let second_access = refreshed["access_token"].as_str().expect("AT").to_owned();
    let second_refresh = refreshed["refresh_token"].as_str().expect("RT").to_owned();
    let userinfo = client
        .get(format!("{base}/userinfo"))
        .bearer_auth(&second_access)
        .send()
        .expect("userinfo");
    assert_eq!(userinfo.status(), 200);
    assert_eq!(
        post("/introspect", &[("token", &second_access)])["active"],
        true
    );
    post("/revoke", &[("token", &second_refresh)]);

    let mut secrets = vec![
        secret.clone(),
        PASSWORD.to_owned(),
        device_code.to_owned(),
        user_code.to_owned(),
        user_code.replace('-', ""),
        form_token,
        access_token,
        refresh_token,
        id_token,
        second_access,
        second_refresh,
    ];
    secrets.extend(session_cookie);
    Flow { secrets }
}

#[test]
fn metrics_on_their_own_port_count_the_device_flow() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("authbox.redb");
    let mut server =
        Spawned::serve_with(&data, &["--metrics-listen", "127.0.0.1:0"], &[FAST_POLLING]);
    let base = server.base_url();
    let metrics_line = server.line_with("metrics_addr=");
    let metrics_addr = metrics_line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("metrics_addr="))
        .expect("metrics address")
        .to_owned();
    full_device_flow(&base, &data);

    let scraped = reqwest::blocking::get(format!("http://{metrics_addr}/metrics")).expect("scrape");
    assert_eq!(scraped.status(), 200);
    assert!(
        scraped.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/plain; version=0.0.4")
    );
    let samples = parse_metrics(&scraped.text().expect("body"));
    let count = |series: &str| sample(&samples, series);
    assert_eq!(
        count(r#"authbox_device_authorizations_total{outcome="issued"}"#),
        1.0
    );
    assert_eq!(
        count(
            r#"authbox_token_requests_total{grant="device_code",outcome="authorization_pending"}"#
        ),
        1.0
    );
    assert_eq!(
        count(r#"authbox_token_requests_total{grant="device_code",outcome="issued"}"#),
        1.0
    );
    assert_eq!(
        count(r#"authbox_token_requests_total{grant="refresh_token",outcome="issued"}"#),
        1.0
    );
    assert_eq!(
        count(r#"authbox_decisions_total{flow="device",decision="approved"}"#),
        1.0
    );
    assert_eq!(
        count(r#"authbox_http_requests_total{route="/token",method="POST",status="200"}"#),
        2.0
    );
    assert_eq!(
        count(r#"authbox_http_request_duration_seconds_count{route="/token"}"#),
        3.0
    );
    assert_eq!(
        count(r#"authbox_http_request_duration_seconds_bucket{route="/token",le="+Inf"}"#),
        3.0
    );
    assert!(count("authbox_store_commit_seconds_count") >= 5.0);
    assert!(count(r#"authbox_store_commit_batch_size_bucket{le="1"}"#) >= 5.0);
    assert_eq!(count(r#"authbox_live_rows{kind="users"}"#), 1.0);
    assert_eq!(count(r#"authbox_live_rows{kind="clients"}"#), 1.0);

    // Not on the public port when it has its own.
    let public = reqwest::blocking::get(format!("{base}/metrics")).expect("GET");
    assert_eq!(public.status(), 404);
    assert_eq!(server.terminate_and_wait(), Some(0));
}

#[test]
fn metrics_stay_off_a_public_address_unless_they_have_their_own() {
    // Loopback: served where it listens.
    let local = crate::support::TestServer::start();
    let scraped = reqwest::blocking::get(local.url("/metrics")).expect("scrape");
    assert_eq!(scraped.status(), 200);

    // Every address: not served, since anyone could count the users and sessions.
    let dir = tempfile::tempdir().expect("temp dir");
    let mut public = Spawned::run(
        &dir.path().join("authbox.redb"),
        &[
            "serve",
            "--listen",
            "0.0.0.0:0",
            "--issuer",
            "https://auth.example.org",
        ],
        &[],
    );
    let base = public.base_url().replace("0.0.0.0", "127.0.0.1");
    assert_eq!(
        reqwest::blocking::get(format!("{base}/metrics"))
            .expect("GET")
            .status(),
        404
    );
    assert_eq!(
        reqwest::blocking::get(format!("{base}/healthz"))
            .expect("GET")
            .status(),
        200
    );
    assert!(
        public
            .line_with("/metrics is not served")
            .contains("--metrics-listen")
    );
    assert_eq!(public.terminate_and_wait(), Some(0));

    // Every address, with a metrics listener: served there.
    let dir = tempfile::tempdir().expect("temp dir");
    let mut apart = Spawned::run(
        &dir.path().join("authbox.redb"),
        &[
            "serve",
            "--listen",
            "0.0.0.0:0",
            "--issuer",
            "https://auth.example.org",
            "--metrics-listen",
            "127.0.0.1:0",
        ],
        &[],
    );
    let metrics_line = apart.line_with("metrics_addr=");
    let metrics_addr = metrics_line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("metrics_addr="))
        .expect("metrics address")
        .to_owned();
    let scraped = reqwest::blocking::get(format!("http://{metrics_addr}/metrics")).expect("GET");
    assert_eq!(scraped.status(), 200);
    assert_eq!(apart.terminate_and_wait(), Some(0));
}

#[test]
fn a_wrong_user_code_beyond_the_budget_is_counted_as_throttled() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("authbox.redb");
    let mut server = Spawned::serve_with(&data, &[], &[("AUTHBOX_USER_CODE_ATTEMPTS", "1")]);
    let base = server.base_url();
    let mut browser = Browser::at(&base);
    browser.get("/device");
    browser.submit("/device", &[("user_code", "BCDF-GHJK")]);
    let paused = browser.submit("/device", &[("user_code", "BCDF-GHJK")]);
    assert_eq!(paused.status, 429);
    let samples = parse_metrics(
        &reqwest::blocking::get(format!("{base}/metrics"))
            .expect("scrape")
            .text()
            .expect("body"),
    );
    assert_eq!(
        sample(&samples, r#"authbox_throttled_total{attempt="user_code"}"#),
        1.0
    );
    assert_eq!(server.terminate_and_wait(), Some(0));
}

#[test]
fn json_logs_have_one_line_per_request_and_no_secret_ever() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("authbox.redb");
    // Debug level, so that whatever the libraries say is searched too.
    let mut server = Spawned::serve_with(
        &data,
        &[],
        &[
            ("AUTHBOX_LOG_FORMAT", "json"),
            ("AUTHBOX_LOG", "debug"),
            FAST_POLLING,
        ],
    );
    let listening = server.line_with("authbox is listening");
    let event: serde_json::Value = serde_json::from_str(&listening).expect("a JSON line");
    let base = format!("http://{}", event["addr"].as_str().expect("addr"));

    let flow = full_device_flow(&base, &data);
    for _ in 0..7 {
        reqwest::blocking::get(format!("{base}/healthz?probe=1")).expect("healthz");
    }
    assert_eq!(server.terminate_and_wait(), Some(0));

    let mut access_lines = Vec::new();
    for line in &server.seen {
        let event: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
        if event["target"] == "authbox::access" {
            access_lines.push(event);
        }
    }
    let health: Vec<_> = access_lines
        .iter()
        .filter(|e| e["route"] == "/healthz")
        .collect();
    assert_eq!(health.len(), 7, "one line per request");
    for event in &health {
        assert_eq!(event["method"], "GET");
        assert_eq!(event["status"], 200);
        assert!(event["latency_ms"].as_f64().expect("latency") >= 0.0);
    }
    for route in [
        "/device_authorization",
        "/token",
        "/device",
        "/login",
        "/device/decision",
        "/userinfo",
        "/introspect",
        "/revoke",
    ] {
        assert!(
            access_lines.iter().any(|e| e["route"] == route),
            "no access line for {route}"
        );
    }
    let whole_log = server.seen.join("\n");
    assert!(
        !whole_log.contains("probe=1"),
        "query strings are not logged"
    );
    for secret in flow.secrets.iter().filter(|s| s.len() >= 8) {
        assert!(
            !whole_log.contains(secret.as_str()),
            "a secret reached the log: {secret}"
        );
    }
}

#[test]
fn text_logs_name_route_status_and_latency() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut server = Spawned::serve(&dir.path().join("authbox.redb"));
    let base = server.base_url();
    reqwest::blocking::get(format!("{base}/.well-known/openid-configuration")).expect("GET");
    let line = server.line_with("authbox::access");
    for field in [
        "method=GET",
        "route=/.well-known/openid-configuration",
        "status=200",
        "latency_ms=",
    ] {
        assert!(line.contains(field), "{field} missing from {line}");
    }
    assert_eq!(server.terminate_and_wait(), Some(0));
}
