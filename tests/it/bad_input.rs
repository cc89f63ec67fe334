//! The bad-input campaign (reliability): thousands of generated malformed requests across every
//! endpoint, sent over raw TCP, each answered below 500 in its endpoint's own format, with no
//! panic; then the server is still healthy and nothing it stored was harmed.
//!
//! `AUTHBOX_BAD_INPUT_CASES` sets how many requests (10,000 by default), and
//! `AUTHBOX_BAD_INPUT_SEED` which ones; the summary line printed at the end says both.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::support::TestServer;
use crate::support::browser::Browser;
use crate::support::contract::{self, Asked};
use crate::support::malformed::{Baseline, Case, Delivery, Format, Material, baselines, generate};
use crate::support::oauth::{ALICE_PASSWORD, DEVICE_GRANT_FORM, enc};
use crate::support::raw::{Answer, Connection, Outcome};
use crate::support::web::{authorize_path, web_clients};

const DEFAULT_CASES: u64 = 10_000;
const DEFAULT_SEED: u64 = 0x00a0_7b0c;
/// Client threads: enough to keep both of the server's workers busy.
const CLIENTS: u64 = 4;

fn setting(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(text) => {
            let text = text.trim();
            let parsed = match text.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16),
                None => text.parse(),
            };
            parsed.unwrap_or_else(|_| panic!("{name}={text:?} is not a number"))
        }
        Err(_) => default,
    }
}

/// Counts panics on the server's threads (actix workers, the blocking pool, the server's own
/// thread) while the campaign runs; the clients' threads are named and left out. (Under
/// `cargo test` another test failing at the same time would be counted too.)
fn count_server_panics() -> Arc<AtomicU64> {
    let count = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&count);
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let thread = std::thread::current();
        let name = thread.name().unwrap_or("");
        if !name.starts_with("bad-input-client") && !name.starts_with("bad_input") {
            counter.fetch_add(1, Ordering::SeqCst);
        }
        previous(info);
    }));
    count
}

/// A browser's cookie and the form token of the page it was shown.
fn browser_session(addr: SocketAddr, cookie: Option<&str>, login: bool) -> (String, String) {
    let cookie_header = cookie
        .map(|c| format!("Cookie: authbox_session={c}\r\n"))
        .unwrap_or_default();
    let mut connection = Connection::open(addr).expect("connect");
    connection
        .send(format!("GET /device HTTP/1.1\r\nHost: x\r\n{cookie_header}\r\n").as_bytes())
        .expect("send");
    let Outcome::Answered(page) = connection.read_answer(false) else {
        panic!("no code page");
    };
    let cookie = set_cookie(&page)
        .or(cookie.map(str::to_owned))
        .expect("a cookie");
    let token = form_token(&page);
    if !login {
        return (cookie, token);
    }
    let body = format!(
        "username=alice&password={}&csrf_token={}",
        enc(ALICE_PASSWORD),
        enc(&token)
    );
    let request = format!(
        "POST /login HTTP/1.1\r\nHost: x\r\nCookie: authbox_session={cookie}\r\nOrigin: http://{addr}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    connection.send(request.as_bytes()).expect("send");
    let Outcome::Answered(signed_in) = connection.read_answer(false) else {
        panic!("no answer to signing in");
    };
    assert_eq!(signed_in.status, 200, "{}", signed_in.text());
    let cookie = set_cookie(&signed_in).expect("a new session cookie");
    browser_session(addr, Some(&cookie), false)
}

fn set_cookie(answer: &Answer) -> Option<String> {
    let value = answer.header("set-cookie")?;
    let pair = value.split(';').next()?;
    Some(pair.split_once('=')?.1.to_owned())
}

fn form_token(page: &Answer) -> String {
    let html = page.text();
    let marker = "name=\"csrf_token\" value=\"";
    let at = html.find(marker).expect("a form token") + marker.len();
    html[at..at + html[at..].find('"').expect("quote")].to_owned()
}

/// Registers SPEC §0's fixtures and a web app, and makes the live values the baselines use.
fn prepare(server: &TestServer) -> (Material, String) {
    let fixtures = server.fixtures();
    web_clients(server);
    let tokens = server.grant("tv-public", "openid profile offline_access", "alice");
    assert_eq!(tokens.status, 200, "{}", tokens.body);
    let started = server.device_authorization("tv-public", "openid profile");
    let addr: SocketAddr = server
        .base
        .trim_start_matches("http://")
        .parse()
        .expect("addr");
    let anonymous = browser_session(addr, None, false);
    let signed_in = browser_session(addr, None, true);
    let authorize_query = authorize_path("openid profile", &[])
        .trim_start_matches("/authorize?")
        .to_owned();
    let material = Material {
        device_code: started.str("device_code"),
        user_code: started.str("user_code"),
        access_token: tokens.str("access_token"),
        id_token: tokens.str("id_token"),
        refresh_token: tokens.str("refresh_token"),
        tv_conf_secret: fixtures.tv_conf_secret.clone(),
        rs_api_secret: fixtures.rs_api_secret.clone(),
        anonymous,
        signed_in,
        cookie_name: "authbox_session".into(),
        origin: server.base.clone(),
        stylesheet: authbox::assets::stylesheet_path().to_owned(),
        authorize_query,
    };
    (material, fixtures.tv_conf_secret)
}

/// The baselines of the metrics-only listener: its two routes and a path that is neither.
fn metrics_listener_baselines() -> Vec<Baseline> {
    let get = |endpoint, target: &str, format| Baseline {
        endpoint,
        method: "GET",
        target: target.to_owned(),
        headers: vec![("Accept", b"*/*".to_vec())],
        form: Vec::new(),
        format,
    };
    vec![
        get("metrics listener /metrics", "/metrics", Format::Metrics),
        get("metrics listener /healthz", "/healthz", Format::Document),
        get("metrics listener (no route)", "/token", Format::Nowhere),
    ]
}

/// How one request went, for the tally.
enum Verdict {
    /// Answered in the endpoint's format (or the not-found/method format where that applies).
    Answered(u16),
    /// Refused by the HTTP layer with a bare status: the request was not HTTP.
    RefusedAsNotHttp(u16),
    /// Closed without an answer, which an oversized or cut-short request may get.
    ClosedAsAllowed,
}

#[derive(Default)]
struct Tally {
    requests: u64,
    by_endpoint: BTreeMap<&'static str, u64>,
    statuses: BTreeMap<u16, u64>,
    not_http: u64,
    closed: u64,
    failures: Vec<String>,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        self.requests += other.requests;
        for (k, v) in other.by_endpoint {
            *self.by_endpoint.entry(k).or_default() += v;
        }
        for (k, v) in other.statuses {
            *self.statuses.entry(k).or_default() += v;
        }
        self.not_http += other.not_http;
        self.closed += other.closed;
        self.failures.extend(other.failures);
    }
}

/// Sends one case and judges what came back.
fn run_case(
    case: &Case,
    addr: SocketAddr,
    kept: &mut Option<Connection>,
) -> Result<Verdict, String> {
    let wire = case.bytes();
    let reusable = case.keeps_connection();
    let mut retried = false;
    loop {
        let reused = reusable && kept.is_some();
        let mut connection = match kept.take().filter(|_| reusable) {
            Some(connection) => connection,
            None => Connection::open(addr).map_err(|e| format!("cannot connect: {e}"))?,
        };
        if wire.len() > 64 * 1024 {
            // The server stops reading a body past its limit; do not wait long on a full pipe.
            let _ = connection
                .stream()
                .set_write_timeout(Some(Duration::from_secs(2)));
        }
        let sent = match &case.delivery {
            Delivery::Trickle { pieces, pause_ms } => connection.trickle(
                &wire,
                wire.len().div_ceil(*pieces),
                Duration::from_millis(*pause_ms),
            ),
            Delivery::AtOnce => connection.send(&wire),
        };
        if case.half_close {
            connection.finish_sending();
        }
        // A server that refuses a request early stops reading it and may close: the rest of
        // the request then cannot be written, but the answer can still be read.
        let outcome = connection.read_answer(case.is_head());
        let answer = match outcome {
            Outcome::Answered(answer) => answer,
            Outcome::Closed { .. } if sent.is_err() && reused && !retried => {
                retried = true;
                continue;
            }
            Outcome::Closed { .. } if sent.is_err() && !case.may_close => {
                return Err(format!(
                    "closed while the request was being sent ({:?}), without an answer",
                    sent.err()
                ));
            }
            // The server may close a kept-alive connection just as a request is sent on it.
            Outcome::Closed { partial } if partial.is_empty() && reused && !retried => {
                retried = true;
                continue;
            }
            Outcome::Closed { .. } if case.may_close => return Ok(Verdict::ClosedAsAllowed),
            Outcome::Closed { partial } => {
                return Err(format!(
                    "closed without an answer (after {:?})",
                    String::from_utf8_lossy(&partial)
                ));
            }
            Outcome::Silent { partial } => {
                return Err(format!(
                    "no answer within the patience (after {:?})",
                    String::from_utf8_lossy(&partial)
                ));
            }
            Outcome::Garbled(what) => return Err(format!("garbled answer: {what}")),
        };
        if reusable && !answer.closes() {
            *kept = Some(connection);
        }
        if answer.status >= 500 {
            return Err(format!("{} {:?}", answer.status, answer.text()));
        }
        if case.broken_http && contract::is_bare_http_refusal(&answer) {
            return Ok(Verdict::RefusedAsNotHttp(answer.status));
        }
        let asked = Asked {
            format: case.format,
            endpoint: case.endpoint,
            head: case.is_head(),
            accepts_html: case.accepts_html(),
        };
        return match contract::check(&answer, &asked) {
            Ok(()) => Ok(Verdict::Answered(answer.status)),
            Err(why) => Err(format!(
                "{why}; answered {} {:?} {:?}",
                answer.status,
                answer.headers,
                &answer.text().chars().take(300).collect::<String>()
            )),
        };
    }
}

/// The campaign's request loop: `cases` requests from `CLIENTS` threads.
fn campaign(
    seed: u64,
    cases: u64,
    main: (SocketAddr, Vec<Baseline>),
    metrics: (SocketAddr, Vec<Baseline>),
    material: &Material,
) -> Tally {
    // About one request in eight goes to the metrics listener.
    let mut all: Vec<(SocketAddr, Baseline)> = main.1.iter().map(|b| (main.0, b.clone())).collect();
    let metrics_share = all.len() / 7;
    for i in 0..metrics_share {
        all.push((metrics.0, metrics.1[i % metrics.1.len()].clone()));
    }
    let addresses: Vec<SocketAddr> = all.iter().map(|(a, _)| *a).collect();
    let baselines: Vec<Baseline> = all.into_iter().map(|(_, b)| b).collect();
    let mut tally = Tally::default();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..CLIENTS)
            .map(|client| {
                let baselines = &baselines;
                let addresses = &addresses;
                std::thread::Builder::new()
                    .name(format!("bad-input-client-{client}"))
                    .spawn_scoped(scope, move || {
                        let mut tally = Tally::default();
                        let mut kept: [Option<Connection>; 2] = [None, None];
                        for index in (client..cases).step_by(CLIENTS as usize) {
                            let (which, case) = generate(seed, index, baselines, material);
                            let addr = addresses[which];
                            let slot = usize::from(addr != addresses[0]);
                            tally.requests += 1;
                            *tally.by_endpoint.entry(case.endpoint).or_default() += 1;
                            match run_case(&case, addr, &mut kept[slot]) {
                                Ok(Verdict::Answered(status)) => {
                                    *tally.statuses.entry(status).or_default() += 1;
                                }
                                Ok(Verdict::RefusedAsNotHttp(status)) => {
                                    *tally.statuses.entry(status).or_default() += 1;
                                    tally.not_http += 1;
                                }
                                Ok(Verdict::ClosedAsAllowed) => tally.closed += 1,
                                Err(why) => tally
                                    .failures
                                    .push(format!("case {index}: {why}\n    {}", case.describe())),
                            }
                        }
                        tally
                    })
                    .expect("a client thread")
            })
            .collect();
        for handle in handles {
            tally.merge(handle.join().expect("a client thread panicked"));
        }
    });
    tally
}

/// After the campaign: the server answers, a new device flow works end to end, and what was
/// stored before (clients, users, a grant and its tokens) still works.
fn check_still_healthy(
    server: &TestServer,
    tv_conf_secret: &str,
    kept: &crate::support::oauth::Reply,
) {
    let health = reqwest::blocking::get(server.url("/healthz")).expect("/healthz");
    assert_eq!(health.status(), 200, "/healthz after the campaign");
    // A new device flow, start to finish.
    let tokens = server.grant("tv-public", "openid profile offline_access", "bob");
    assert_eq!(
        tokens.status, 200,
        "a device flow after the campaign: {}",
        tokens.body
    );
    // A confidential client's secret still verifies.
    let started = server.post_form(
        "/device_authorization",
        "scope=openid",
        Some(("tv-conf", tv_conf_secret)),
    );
    assert_eq!(
        started.status, 200,
        "tv-conf after the campaign: {}",
        started.body
    );
    // The grant made before the campaign: its refresh token rotates and its access token is live.
    let refreshed = server.post_form(
        "/token",
        &format!(
            "grant_type=refresh_token&refresh_token={}&client_id=tv-public",
            enc(&kept.str("refresh_token"))
        ),
        None,
    );
    assert_eq!(
        refreshed.status, 200,
        "the old grant refreshes: {}",
        refreshed.body
    );
    let userinfo = reqwest::blocking::Client::new()
        .get(server.url("/userinfo"))
        .bearer_auth(kept.str("access_token"))
        .send()
        .expect("/userinfo");
    assert_eq!(userinfo.status(), 200, "the old access token still works");
    // alice still signs in through the pages and approves a device there.
    let started = server.device_authorization("tv-public", "openid");
    let mut browser = Browser::new(server);
    let consent = browser.reach_consent(&started.str("user_code"), "alice", ALICE_PASSWORD);
    assert_eq!(
        consent.status, 200,
        "alice reaches consent: {}",
        consent.html
    );
    let done = browser.decide(&started.str("user_code"), "approve");
    assert_eq!(done.status, 200, "{}", done.html);
    server.advance(Duration::from_secs(5));
    let polled = server.post_form(
        "/token",
        &format!(
            "grant_type={DEVICE_GRANT_FORM}&device_code={}&client_id=tv-public",
            enc(&started.str("device_code"))
        ),
        None,
    );
    assert_eq!(polled.status, 200, "{}", polled.body);
}

/// The failures grouped by endpoint, mutations and the first words of what went wrong, so that
/// one bug is one line however often the generator hit it.
fn failure_kinds(failures: &[String]) -> String {
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for failure in failures {
        let why = failure.split(": ").nth(1).unwrap_or_default();
        let why: String = why
            .split(';')
            .next()
            .unwrap_or_default()
            .chars()
            .take(60)
            .collect();
        let what = failure
            .split("\n    ")
            .nth(1)
            .and_then(|d| d.split(" \"").next())
            .unwrap_or_default();
        *kinds.entry(format!("{what}: {why}")).or_default() += 1;
    }
    kinds
        .iter()
        .map(|(kind, n)| format!("  {n:>5} × {kind}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn bad_input_every_endpoint_answers_malformed_requests_in_its_own_format() {
    let cases = setting("AUTHBOX_BAD_INPUT_CASES", DEFAULT_CASES);
    let seed = setting("AUTHBOX_BAD_INPUT_SEED", DEFAULT_SEED);
    // Wide attempt budgets, so generated sign-ins and codes reach the code behind the pause.
    let server = TestServer::start_listening(
        |settings| {
            settings.login_budget.failures = 1_000_000;
            settings.user_code_budget.failures = 1_000_000;
        },
        true,
    );
    let (material, tv_conf_secret) = prepare(&server);
    // A grant the campaign never names: it must come through untouched. bob's, since the
    // campaign replays alice's refresh token, and reuse ends the access tokens the client holds
    // for her (BCP-4.14.2-a).
    let kept = server.grant("tv-public", "openid profile offline_access", "bob");
    assert_eq!(kept.status, 200, "{}", kept.body);
    let main: SocketAddr = server
        .base
        .trim_start_matches("http://")
        .parse()
        .expect("addr");
    let metrics = server.metrics.expect("a metrics listener");
    let panics = count_server_panics();
    let started = Instant::now();
    let tally = campaign(
        seed,
        cases,
        (main, baselines(&material)),
        (metrics, metrics_listener_baselines()),
        &material,
    );
    let elapsed = started.elapsed();
    let panicked = panics.load(Ordering::SeqCst);
    let _ = std::panic::take_hook();
    let endpoints: Vec<String> = tally
        .by_endpoint
        .iter()
        .map(|(e, n)| format!("{e} {n}"))
        .collect();
    let statuses: Vec<String> = tally
        .statuses
        .iter()
        .map(|(s, n)| format!("{s}×{n}"))
        .collect();
    eprintln!(
        "bad input: {} requests in {:.1} s (seed {seed:#x}, {CLIENTS} clients); statuses {}; \
         {} refused by the HTTP layer as not HTTP, {} closed unanswered (oversized or cut short); \
         server panics {panicked}; failures {}\n  by endpoint: {}",
        tally.requests,
        elapsed.as_secs_f64(),
        statuses.join(" "),
        tally.not_http,
        tally.closed,
        tally.failures.len(),
        endpoints.join(", "),
    );
    assert!(
        tally.failures.is_empty(),
        "{} of {} requests broke the contract (seed {seed:#x}); by kind:\n{}\nthe first:\n{}",
        tally.failures.len(),
        tally.requests,
        failure_kinds(&tally.failures),
        tally
            .failures
            .iter()
            .take(25)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert_eq!(panicked, 0, "the server panicked");
    assert!(tally.requests >= cases);
    // Every route was reached, and most requests were answered by an endpoint.
    assert!(tally.by_endpoint.len() >= 25, "{endpoints:?}");
    check_still_healthy(&server, &tv_conf_secret, &kept);
}
