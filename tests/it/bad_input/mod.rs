//! The bad-input campaign (reliability): for every route, a valid request the server accepts,
//! broken by generated mutations and sent over raw TCP; every answer below 500, in the route's
//! own format and among the statuses that route may give, with no panic; afterwards what the
//! server keeps is consistent with what it answered, and the server is still healthy.
//!
//! - Each route's baseline is a request it accepts: a live code on the device pages with a
//!   signed-in session and its form token, alice's password on `/login`, a fresh refresh token,
//!   device code or authorization code on `/token`, right client credentials on
//!   `/device_authorization`, `/introspect` and `/revoke`, a live bearer token on `/userinfo`
//!   (`routes.rs`, `pages.rs`). Before the campaign each is sent unmutated and must be
//!   accepted, and again after it, so that no share below comes from a dead baseline.
//!   Single-use ones (codes, tokens, decisions, sessions, paired devices) are made afresh
//!   for each case (`live.rs`).
//! - Each case is one baseline with one to three mutations (`support/malformed`). Per route
//!   the campaign counts the answers actually received, by status, and fails if any is outside
//!   the route's allowed set, if none was accepted or too few were (some mutations leave the
//!   request valid, and those must all be accepted), or if, where the route reads input, too
//!   few were refused by the route itself in its own format.
//! - After each case the server's state must agree with the answer: a single-use request sent
//!   again unmutated is accepted exactly when the mutated one was not, a refused sign-out or
//!   revocation ended nothing, an accepted device authorization's code polls as pending, an
//!   accepted approval's code redeems once, and a session handed out works exactly when the
//!   sign-in was accepted.
//!
//! `AUTHBOX_BAD_INPUT_CASES` sets how many cases (6,000 by default), and
//! `AUTHBOX_BAD_INPUT_SEED` which ones; the summary printed at the end says both, with a table
//! of each route's statuses.

mod live;
mod pages;
mod routes;
mod wire;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::support::TestServer;
use crate::support::browser::Browser;
use crate::support::malformed::{Case, LEAVE_VALID, Material, mutated};
use crate::support::oauth::{ALICE_PASSWORD, DEVICE_GRANT_FORM, Reply, enc};
use crate::support::raw::Connection;
use crate::support::web::web_clients;
use live::{BOB_PASSWORD, Live};
use routes::{ANY_ROUTE, Listener, Route, Seen, Took, routes};
use wire::{Verdict, run_case, send_plain};

const DEFAULT_CASES: u64 = 6_000;
const DEFAULT_SEED: u64 = 0x00a0_7b0c;
/// Client threads: enough to keep both of the server's workers busy.
const CLIENTS: u64 = 4;
/// At least this share of a route's answers accept the request: mutations that leave it valid
/// (and, for the reads, many that only touch what the route ignores).
const MIN_ACCEPTED_SHARE: f64 = 0.05;
/// At least this share of the answers of a route that reads input are its own refusals, in its
/// own format: the mutations reach the code that judges the request.
const MIN_REFUSED_SHARE: f64 = 0.2;

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

/// What one route answered over the campaign.
#[derive(Default)]
struct RouteTally {
    cases: u64,
    /// Answers received, the HTTP layer's refusals included.
    answered: u64,
    statuses: BTreeMap<u16, u64>,
    accepted: u64,
    /// 4xx from the route itself, in its own format (not the HTTP layer's, not "no route").
    refused_by_route: u64,
    not_http: u64,
    closed: u64,
    /// Cases with a single mutation that leaves the request valid, and how many were accepted.
    left_valid: u64,
    left_valid_accepted: u64,
    failures: Vec<String>,
}

impl RouteTally {
    fn merge(&mut self, other: RouteTally) {
        self.cases += other.cases;
        self.answered += other.answered;
        for (status, n) in other.statuses {
            *self.statuses.entry(status).or_default() += n;
        }
        self.accepted += other.accepted;
        self.refused_by_route += other.refused_by_route;
        self.not_http += other.not_http;
        self.closed += other.closed;
        self.left_valid += other.left_valid;
        self.left_valid_accepted += other.left_valid_accepted;
        self.failures.extend(other.failures);
    }

    fn share(&self, count: u64) -> f64 {
        count as f64 / self.answered.max(1) as f64
    }
}

fn address(route: &Route, live: &Live) -> SocketAddr {
    match route.listener {
        Listener::Main => live.addr,
        Listener::Metrics => live.metrics,
    }
}

/// Sends every route's baseline unmutated and checks that it is accepted and that what must
/// hold after it holds: the baselines are live. `when` names the moment for the message.
fn check_baselines_accepted(routes: &[Route], live: &Live, when: &str) {
    for route in routes {
        let prepared = (route.prepare)(live);
        let answer = send_plain(address(route, live), &prepared.baseline);
        assert!(
            (route.accepted)(&answer),
            "{when}, the unmutated baseline of {} is not accepted: {} {:?}",
            route.name,
            answer.status,
            answer.text().chars().take(300).collect::<String>()
        );
        if let Some(after) = prepared.after {
            let case = Case::from(&prepared.baseline);
            let seen = Seen {
                took: Took::Accepted,
                answer: Some(&answer),
                case: &case,
            };
            after(&seen).unwrap_or_else(|why| panic!("{when}, {}: {why}", route.name));
        }
    }
}

/// Runs case `index`: route `index` modulo their number, its baseline made for the case,
/// mutated, sent, judged; then what must hold after it.
fn run_one(
    index: u64,
    seed: u64,
    (routes, live, material): (&[Route], &Live, &Material),
    kept: &mut [Option<Connection>; 2],
    tally: &mut BTreeMap<&'static str, RouteTally>,
) {
    let route = &routes[(index % routes.len() as u64) as usize];
    let prepared = (route.prepare)(live);
    let case = mutated(seed, index, &prepared.baseline, material);
    let counts = tally.entry(route.name).or_default();
    counts.cases += 1;
    let slot = usize::from(route.listener == Listener::Metrics);
    let verdict = match run_case(&case, address(route, live), &mut kept[slot]) {
        Ok(verdict) => verdict,
        Err(why) => {
            let failure = format!("case {index}: {why}\n    {}", case.describe());
            counts.failures.push(failure);
            return;
        }
    };
    let (took, answer) = match &verdict {
        Verdict::Answered(answer) if (route.accepted)(answer) => (Took::Accepted, Some(answer)),
        Verdict::Answered(answer) | Verdict::NotHttp(answer) => (Took::Refused, Some(answer)),
        Verdict::Closed => (Took::Unknown, None),
    };
    match &verdict {
        Verdict::Answered(answer) => {
            let own = !matches!(answer.status, 404 | 405) || route.allowed.contains(&answer.status);
            if took == Took::Refused && (400..500).contains(&answer.status) && own {
                counts.refused_by_route += 1;
            }
        }
        Verdict::NotHttp(_) => counts.not_http += 1,
        Verdict::Closed => counts.closed += 1,
    }
    if let Some(answer) = answer {
        counts.answered += 1;
        *counts.statuses.entry(answer.status).or_default() += 1;
        if !route.allowed.contains(&answer.status) && !ANY_ROUTE.contains(&answer.status) {
            counts.failures.push(format!(
                "case {index}: {} is not among this route's statuses\n    {}",
                answer.status,
                case.describe()
            ));
        }
    }
    if took == Took::Accepted {
        counts.accepted += 1;
    }
    // An unknown parameter is one only where the request has a form; added to a GET it is
    // content, which RFC 9110 §9.3.1 lets a server refuse.
    if let [only] = case.mutations[..]
        && LEAVE_VALID.contains(&only)
        && (only != "unknown-param" || !prepared.baseline.form.is_empty())
    {
        counts.left_valid += 1;
        if took == Took::Accepted {
            counts.left_valid_accepted += 1;
        } else {
            counts.failures.push(format!(
                "case {index}: {only} leaves the request valid, yet it was not accepted\n    {}",
                case.describe()
            ));
        }
    }
    if let Some(after) = prepared.after {
        let seen = Seen {
            took,
            answer,
            case: &case,
        };
        if let Err(why) = after(&seen) {
            counts.failures.push(format!(
                "case {index}: afterwards {why}\n    {}",
                case.describe()
            ));
        }
    }
}

/// The campaign's request loop: `cases` cases from [`CLIENTS`] threads.
fn campaign(
    seed: u64,
    cases: u64,
    routes: &[Route],
    live: &Live,
    material: &Material,
) -> BTreeMap<&'static str, RouteTally> {
    let mut tally: BTreeMap<&'static str, RouteTally> = BTreeMap::new();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..CLIENTS)
            .map(|client| {
                std::thread::Builder::new()
                    .name(format!("bad-input-client-{client}"))
                    .spawn_scoped(scope, move || {
                        let mut tally = BTreeMap::new();
                        let mut kept: [Option<Connection>; 2] = [None, None];
                        for index in (client..cases).step_by(CLIENTS as usize) {
                            run_one(index, seed, (routes, live, material), &mut kept, &mut tally);
                        }
                        tally
                    })
                    .expect("a client thread")
            })
            .collect();
        for handle in handles {
            for (route, counts) in handle.join().expect("a client thread panicked") {
                tally.entry(route).or_default().merge(counts);
            }
        }
    });
    tally
}

/// One line per route: its cases, answers, accepted and refused shares and statuses.
fn table(tally: &BTreeMap<&'static str, RouteTally>) -> String {
    let mut lines = vec![format!(
        "  {:<52} {:>5} {:>5} {:>8} {:>8} {:>5} {:>5} {:>5}  statuses",
        "route", "cases", "answ", "accepted", "refused", "bare", "shut", "valid"
    )];
    for (route, t) in tally {
        let statuses: Vec<String> = t.statuses.iter().map(|(s, n)| format!("{s}×{n}")).collect();
        lines.push(format!(
            "  {route:<52} {:>5} {:>5} {:>7.0}% {:>7.0}% {:>5} {:>5} {:>2}/{:<2}  {}",
            t.cases,
            t.answered,
            100.0 * t.share(t.accepted),
            100.0 * t.share(t.refused_by_route),
            t.not_http,
            t.closed,
            t.left_valid_accepted,
            t.left_valid,
            statuses.join(" ")
        ));
    }
    lines.join("\n")
}

/// Why a route's mix is degenerate, if it is.
fn degenerate(route: &Route, t: &RouteTally) -> Option<String> {
    if t.answered == 0 {
        return Some("no answer was received".into());
    }
    if t.accepted == 0 || t.share(t.accepted) < MIN_ACCEPTED_SHARE {
        return Some(format!(
            "only {} of {} answers accepted the request",
            t.accepted, t.answered
        ));
    }
    if route.takes_input && t.share(t.refused_by_route) < MIN_REFUSED_SHARE {
        return Some(format!(
            "only {} of {} answers were the route's own refusals",
            t.refused_by_route, t.answered
        ));
    }
    None
}

/// The failures grouped by route and the first words of what went wrong, so that one bug is
/// one line however often the generator hit it.
fn failure_kinds(failures: &[(&str, &String)]) -> String {
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for (route, failure) in failures {
        let why = failure.split(": ").nth(1).unwrap_or_default();
        let why: String = why
            .split(';')
            .next()
            .unwrap_or_default()
            .chars()
            .take(70)
            .collect();
        *kinds.entry(format!("{route}: {why}")).or_default() += 1;
    }
    kinds
        .iter()
        .map(|(kind, n)| format!("  {n:>5} × {kind}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// After the campaign: the server answers, a new device flow works end to end, and what was
/// stored before (clients, users, a grant and its tokens) still works.
fn check_still_healthy(server: &TestServer, tv_conf_secret: &str, kept: &Reply) {
    let health = reqwest::blocking::get(server.url("/healthz")).expect("/healthz");
    assert_eq!(health.status(), 200, "/healthz after the campaign");
    let tokens = server.grant("tv-public", "openid profile offline_access", "bob");
    assert_eq!(
        tokens.status, 200,
        "a device flow after the campaign: {}",
        tokens.body
    );
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

#[test]
fn bad_input_mutated_valid_requests_get_each_routes_own_answers_and_leave_state_consistent() {
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
    let fixtures = server.fixtures();
    web_clients(&server);
    // bob's grant, kept for the end: no case names it (the mutations splice in a token of
    // another grant of his).
    let kept = server.grant("tv-public", "openid profile offline_access", "bob");
    assert_eq!(kept.status, 200, "{}", kept.body);
    let other = server.grant("tv-public", "openid profile offline_access", "bob");
    assert_eq!(other.status, 200, "{}", other.body);
    let main: SocketAddr = server
        .base
        .trim_start_matches("http://")
        .parse()
        .expect("addr");
    let metrics = server.metrics.expect("a metrics listener");
    let secrets = (
        fixtures.tv_conf_secret.clone(),
        fixtures.rs_api_secret.clone(),
    );
    let live = Live::new(server.app(), (main, metrics), secrets);
    let bob = live.session("bob", BOB_PASSWORD);
    let material = Material {
        access_token: other.str("access_token"),
        id_token: other.str("id_token"),
        refresh_token: other.str("refresh_token"),
        tv_conf_secret: fixtures.tv_conf_secret.clone(),
        anonymous: {
            let visitor = live.anonymous_session();
            (visitor.cookie, visitor.token)
        },
        signed_in: (bob.cookie, bob.token),
        cookie_name: "authbox_session".into(),
    };
    let routes = routes();
    check_baselines_accepted(&routes, &live, "before the campaign");

    let panics = count_server_panics();
    let started = Instant::now();
    let tally = campaign(seed, cases, &routes, &live, &material);
    let elapsed = started.elapsed();
    let panicked = panics.load(Ordering::SeqCst);
    let _ = std::panic::take_hook();

    let total = |pick: fn(&RouteTally) -> u64| tally.values().map(pick).sum::<u64>();
    eprintln!(
        "bad input: {} cases over {} routes in {:.1} s (seed {seed:#x}, {CLIENTS} clients): \
         {} answered, {} accepted, {} refused by their route, {} refused by the HTTP layer as \
         not HTTP, {} closed unanswered; {}/{} left valid and accepted; server panics \
         {panicked}; failures {}\n{}",
        total(|t| t.cases),
        routes.len(),
        elapsed.as_secs_f64(),
        total(|t| t.answered),
        total(|t| t.accepted),
        total(|t| t.refused_by_route),
        total(|t| t.not_http),
        total(|t| t.closed),
        total(|t| t.left_valid_accepted),
        total(|t| t.left_valid),
        total(|t| t.failures.len() as u64),
        table(&tally)
    );
    let failures: Vec<(&str, &String)> = tally
        .iter()
        .flat_map(|(route, t)| t.failures.iter().map(move |f| (*route, f)))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {cases} cases failed (seed {seed:#x}); by kind:\n{}\nthe first:\n{}",
        failures.len(),
        failure_kinds(&failures),
        failures
            .iter()
            .take(25)
            .map(|(route, f)| format!("{route}: {f}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert_eq!(panicked, 0, "the server panicked");
    let degenerate: Vec<String> = routes
        .iter()
        .filter_map(|route| {
            let counts = tally.get(route.name);
            let why = match counts {
                None => Some("no case".to_owned()),
                Some(counts) => degenerate(route, counts),
            };
            why.map(|why| format!("  {}: {why}", route.name))
        })
        .collect();
    assert!(
        degenerate.is_empty(),
        "routes whose mix of answers proves little (seed {seed:#x}):\n{}",
        degenerate.join("\n")
    );
    assert!(
        total(|t| t.left_valid) > 0,
        "no case left its request valid"
    );
    check_baselines_accepted(&routes, &live, "after the campaign");
    check_still_healthy(&server, &fixtures.tv_conf_secret, &kept);
}
