//! The budgets as an attacker meets them: every route that takes a user code spends the same
//! code-entry budget (RFC 8628 §5.1), requests released together cannot all pass one check,
//! device authorizations are limited per address, per client and in all, addresses are
//! counted as networks, and the shared budget neither opens the guessing bound nor lets a few
//! addresses lock out everyone.

use std::sync::{Arc, Barrier};
use std::time::Duration;

use authbox::domain::network::{Cidr, ProxyHeader};
use reqwest::blocking::Client;

use crate::support::TestServer;
use crate::support::browser::Browser;
use crate::support::oauth::ALICE_PASSWORD;

const WINDOW: Duration = Duration::from_secs(15 * 60);
/// A well-formed code that names no grant.
const WRONG: &str = "BCDF-GHJK";

fn server_with(adjust: impl FnOnce(&mut authbox::app::settings::Settings)) -> TestServer {
    let server = TestServer::start_with(|s| {
        s.lifetimes.device_code = Duration::from_secs(3600);
        s.trusted_proxies = vec![Cidr::parse("127.0.0.1").expect("cidr")];
        adjust(s);
    });
    server.fixtures();
    server
}

/// A route that takes a typed user code, driven as its users drive it.
#[derive(Debug, Clone, Copy)]
enum CodeRoute {
    PairingPage,
    QrImage,
    CodeForm,
    ConsentPage,
    SignInWithCode,
    Decision,
}

const CODE_ROUTES: [(CodeRoute, &str); 6] = [
    (CodeRoute::PairingPage, "/device/pair"),
    (CodeRoute::QrImage, "/device/qr.svg"),
    (CodeRoute::CodeForm, "/device"),
    (CodeRoute::ConsentPage, "/device/consent"),
    (CodeRoute::SignInWithCode, "/login"),
    (CodeRoute::Decision, "/device/decision"),
];

const ALICE: (&str, &str) = ("alice", ALICE_PASSWORD);
const BOB: (&str, &str) = ("bob", "Tr0ub4dor&3");

impl CodeRoute {
    /// Presents `code` through this route and returns the status; the routes for people who
    /// are signed in sign in as `(username, password)` first.
    fn present_as(
        self,
        browser: &mut Browser,
        code: &str,
        (username, password): (&str, &str),
    ) -> u16 {
        match self {
            CodeRoute::PairingPage => browser.get(&format!("/device/pair?user_code={code}")),
            CodeRoute::QrImage => browser.get(&format!("/device/qr.svg?user_code={code}")),
            CodeRoute::CodeForm => {
                browser.get("/device");
                browser.submit("/device", &[("user_code", code)])
            }
            // Reached only by the redirect after the code form, with the browser's ticket (see
            // `dag_5_1_a_the_consent_page_looks_only_with_its_ticket_and_spends_the_budget`).
            CodeRoute::ConsentPage => {
                browser.get("/device");
                let posted = browser.submit_unfollowed("/device", &[("user_code", code)]);
                if posted.status != 303 {
                    return posted.status;
                }
                let location = posted.header("location").to_owned();
                assert!(location.starts_with("/device/consent?"), "{location}");
                browser.get(&location)
            }
            CodeRoute::SignInWithCode => {
                browser.get("/login");
                browser.submit(
                    "/login",
                    &[
                        ("username", username),
                        ("password", password),
                        ("user_code", code),
                    ],
                )
            }
            CodeRoute::Decision => {
                browser.get("/login");
                browser.submit("/login", &[("username", username), ("password", password)]);
                browser.get("/device");
                browser.decide(code, "deny")
            }
        }
        .status
    }

    fn present(self, browser: &mut Browser, code: &str) -> u16 {
        self.present_as(browser, code, ALICE)
    }
}

#[test]
fn dag_5_1_a_every_route_that_takes_a_code_spends_the_one_budget() {
    for (route, path) in CODE_ROUTES {
        let server = server_with(|_| {});
        let live = server
            .device_authorization("tv-public", "openid")
            .str("user_code");
        let mut guesser = Browser::new(&server).with_header("X-Forwarded-For", "198.51.100.9");
        for i in 0..5 {
            let status = route.present(&mut guesser, WRONG);
            assert!(
                status == 400 || status == 404,
                "{path}: wrong guess {i} answered {status}"
            );
        }
        assert_eq!(
            route.present(&mut guesser, &live),
            429,
            "{path}: after five wrong codes even a live one is not looked at"
        );
        let mut same_address = Browser::new(&server).with_header("X-Forwarded-For", "198.51.100.9");
        assert_eq!(
            CodeRoute::CodeForm.present(&mut same_address, &live),
            429,
            "{path}: the code form shares the budget"
        );
        // Another person elsewhere is not held back (the guesser spent alice's budget too).
        let mut elsewhere = Browser::new(&server).with_header("X-Forwarded-For", "203.0.113.7");
        let status = route.present_as(&mut elsewhere, &live, BOB);
        assert!(
            status == 200,
            "{path}: another address is not held back ({status})"
        );
    }
}

/// The consent page shows what a code leads to only to the browser the code form sent there
/// (its ticket), and looks the code up within the one budget: a link made for somebody else
/// looks nothing up, and a browser out of budget is not answered about its code.
#[test]
fn dag_5_1_a_the_consent_page_looks_only_with_its_ticket_and_spends_the_budget() {
    let server = server_with(|_| {});
    let live = server
        .device_authorization("tv-public", "openid")
        .str("user_code");
    let mut person = Browser::new(&server).with_header("X-Forwarded-For", "198.51.100.9");
    person.get("/device");
    let posted = person.submit_unfollowed("/device", &[("user_code", &live)]);
    assert_eq!(posted.status, 303, "{}", posted.html);
    let consent = posted.header("location").to_owned();
    assert!(consent.contains("ticket="), "{consent}");
    let shown = person.get(&consent);
    assert_eq!(shown.status, 200);
    assert!(
        shown.says("name=\"password\""),
        "sign in first: {}",
        shown.html
    );

    // The same address in another browser, and the link without its ticket: the code form,
    // code filled in, and nothing looked up.
    let mut other = Browser::new(&server).with_header("X-Forwarded-For", "198.51.100.9");
    other.get("/device");
    let borrowed = other.get(&consent);
    assert_eq!(borrowed.status, 303);
    assert!(
        borrowed
            .header("location")
            .starts_with("/device?user_code=")
    );
    let bare = person.get(&format!("/device/consent?user_code={live}"));
    assert_eq!(bare.status, 303);
    assert!(bare.header("location").starts_with("/device?user_code="));
    let wrong_link = person.get(&format!("/device/consent?user_code={WRONG}&ticket=x"));
    assert_eq!(
        wrong_link.status, 303,
        "a link does not say whether a code is live"
    );

    // Ticketless links spent nothing: five wrong codes are still needed to run out.
    for i in 0..5 {
        let status = person.submit("/device", &[("user_code", WRONG)]).status;
        assert_eq!(status, 400, "wrong guess {i}");
    }
    assert_eq!(
        person.get(&consent).status,
        429,
        "out of budget, the consent page does not look the code up"
    );
}

/// The routes the server declares, read from its source, whose handlers read `user_code`: each
/// must be one of [`CODE_ROUTES`], so a route added later cannot answer about codes unguarded.
#[test]
fn dag_5_1_a_no_route_reads_a_user_code_outside_the_guarded_list() {
    let http = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http");
    let handlers = declared_routes();
    assert!(
        handlers.len() >= 20,
        "the scan found the routes: {handlers:?}"
    );
    let mut taking_codes = Vec::new();
    for (path, handler) in &handlers {
        let Some((module, function)) = handler.split_once("::") else {
            continue;
        };
        let Ok(source) = std::fs::read_to_string(http.join(format!("{module}.rs"))) else {
            continue;
        };
        let reads_codes = handler_body(&source, function).is_some_and(|body| {
            body.contains("get(\"user_code\")") || body.contains("live_request")
        });
        if reads_codes {
            taking_codes.push(path.clone());
        }
    }
    for expected in [
        "/device/pair",
        "/device/qr.svg",
        "/device",
        "/device/consent",
        "/login",
        "/device/decision",
    ] {
        assert!(
            taking_codes.iter().any(|p| p == expected),
            "the scan sees {expected} take a code: {taking_codes:?}"
        );
    }
    for path in &taking_codes {
        assert!(
            CODE_ROUTES.iter().any(|(_, p)| p == path),
            "{path} reads a user code but is not in the guarded list"
        );
    }
    // And none of them reaches a code but through the guarded use cases.
    let files = http_sources();
    assert!(files.iter().any(|f| f.ends_with("admin/people.rs")));
    for file in files {
        let source = std::fs::read_to_string(&file).expect("source");
        for unguarded in [".pending_request(", ".approve_device(", ".deny_device("] {
            assert!(
                !source.contains(unguarded),
                "{} calls {unguarded} instead of its guarded form",
                file.display()
            );
        }
    }
}

/// The text of `fn name(` up to the next item at the start of a line.
/// The routes `src/http/mod.rs` declares, as (path, `module::handler`) pairs.
pub(crate) fn declared_routes() -> Vec<(String, String)> {
    let http = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http");
    let routes: String = std::fs::read_to_string(http.join("mod.rs"))
        .expect("src/http/mod.rs")
        .split_whitespace()
        .collect();
    // Every `resource("P")` or `.route("P",` names a path; every `.to(module::handler)` after
    // it serves that path.
    let mut handlers = Vec::new();
    let mut path = String::new();
    let mut rest = routes.as_str();
    while let Some(at) = rest.find(['(', '.']) {
        rest = &rest[at + 1..];
        if let Some(named) = rest
            .strip_prefix('"')
            .or_else(|| rest.strip_prefix("route(\""))
        {
            if let Some(end) = named.find('"') {
                path = named[..end].to_owned();
            }
        } else if let Some(target) = rest.strip_prefix("to(") {
            let end = target.find(')').unwrap_or(target.len());
            handlers.push((path.clone(), target[..end].to_owned()));
        }
    }
    handlers
}

/// Every file under `src/http`, its folders included.
pub(crate) fn http_sources() -> Vec<std::path::PathBuf> {
    let http = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http");
    let mut files = Vec::new();
    let mut folders = vec![http];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("src/http") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                folders.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}

pub(crate) fn handler_body<'a>(source: &'a str, name: &str) -> Option<&'a str> {
    let start = source.find(&format!("fn {name}("))?;
    let rest = &source[start..];
    let end = rest
        .match_indices("\n")
        .map(|(i, _)| i + 1)
        .find(|&i| {
            rest[i..].starts_with("pub ")
                || rest[i..].starts_with("fn ")
                || rest[i..].starts_with("async fn ")
        })
        .unwrap_or(rest.len());
    Some(&rest[..end])
}

#[test]
fn dag_3_3_e_the_prefilled_code_form_says_nothing_about_the_code() {
    let server = server_with(|_| {});
    let live = server
        .device_authorization("tv-public", "openid")
        .str("user_code");
    let mut browser = Browser::new(&server);
    let for_live = browser.get(&format!("/device?user_code={live}"));
    let wrong = "XZXZ-XZXZ";
    let for_wrong = browser.get(&format!("/device?user_code={wrong}"));
    assert_eq!((for_live.status, for_wrong.status), (200, 200));
    assert_eq!(
        for_live.html.replace(&live, "CODE"),
        for_wrong.html.replace(wrong, "CODE"),
        "the page only echoes what was typed"
    );
}

/// `count` threads with their own connections, released together; the statuses they got.
pub(crate) fn released_together(
    count: usize,
    request: impl Fn(&Client) -> u16 + Send + Sync + 'static,
) -> Vec<u16> {
    let barrier = Arc::new(Barrier::new(count));
    let request = Arc::new(request);
    let racers: Vec<_> = (0..count)
        .map(|_| {
            let barrier = Arc::clone(&barrier);
            let request = Arc::clone(&request);
            std::thread::spawn(move || {
                let client = Client::builder().build().expect("client");
                barrier.wait();
                request(&client)
            })
        })
        .collect();
    racers
        .into_iter()
        .map(|r| r.join().expect("racer"))
        .collect()
}

pub(crate) fn count(statuses: &[u16], status: u16) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

#[test]
fn dag_5_1_a_a_hundred_guesses_released_together_get_five_looks() {
    let server = server_with(|_| {});
    let live = server
        .device_authorization("tv-public", "openid")
        .str("user_code");
    let url = server.url("/device/qr.svg");
    let statuses = released_together(100, move |client| {
        let guess = format!("{url}?user_code={WRONG}");
        client.get(guess).send().expect("answer").status().as_u16()
    });
    assert_eq!(
        count(&statuses, 404),
        5,
        "five wrong codes were looked up: {statuses:?}"
    );
    assert_eq!(
        count(&statuses, 429),
        95,
        "the rest were refused unlooked: {statuses:?}"
    );
    let right = Client::new()
        .get(server.url(&format!("/device/qr.svg?user_code={live}")))
        .send()
        .expect("answer");
    assert_eq!(right.status(), 429);
}

#[test]
fn web_12_sixty_wrong_passwords_released_together_get_five_checks() {
    let server = server_with(|_| {});
    let base = server.base.clone();
    let statuses = released_together(60, move |_| {
        sign_in(&mut Browser::at(&base), "not alice's password").status
    });
    assert_eq!(
        count(&statuses, 401),
        5,
        "five passwords were checked: {statuses:?}"
    );
    assert_eq!(count(&statuses, 429), 55, "{statuses:?}");
    let paused = sign_in(&mut Browser::new(&server), ALICE_PASSWORD);
    assert_eq!(paused.status, 429, "the account's budget is spent");
}

/// Alice's sign-in form, filled with `password` and sent.
fn sign_in(browser: &mut Browser, password: &str) -> crate::support::browser::Page {
    browser.get("/login");
    browser.submit("/login", &[("username", "alice"), ("password", password)])
}

#[test]
fn a_right_password_gives_its_place_back() {
    let server = server_with(|_| {});
    let mut alice = Browser::new(&server);
    for _ in 0..10 {
        let signed_in = sign_in(&mut alice, ALICE_PASSWORD);
        assert_eq!(signed_in.status, 200, "successes never spend the budget");
    }
}

#[test]
fn dag_5_1_a_ipv6_addresses_are_counted_by_their_slash_64() {
    let server = server_with(|_| {});
    for host in 1..=5 {
        let mut browser =
            Browser::new(&server).with_header("X-Forwarded-For", &format!("2001:db8:1:2::{host}"));
        assert_eq!(CodeRoute::CodeForm.present(&mut browser, WRONG), 400);
    }
    let mut same_64 =
        Browser::new(&server).with_header("X-Forwarded-For", "2001:db8:1:2:ffff:1:2:3");
    assert_eq!(
        CodeRoute::CodeForm.present(&mut same_64, WRONG),
        429,
        "a new address in the same /64 is the same network"
    );
    let mut next_64 = Browser::new(&server).with_header("X-Forwarded-For", "2001:db8:1:3::1");
    assert_eq!(CodeRoute::CodeForm.present(&mut next_64, WRONG), 400);
}

#[test]
fn dag_5_1_a_a_few_addresses_cannot_pause_code_entry_for_everyone() {
    let server = server_with(|_| {});
    let live = server
        .device_authorization("tv-public", "openid")
        .str("user_code");
    // Twenty addresses, five wrong codes each: the hundred that once paused everyone.
    for address in 1..=20 {
        let mut browser =
            Browser::new(&server).with_header("X-Forwarded-For", &format!("198.51.100.{address}"));
        for _ in 0..5 {
            assert_eq!(CodeRoute::CodeForm.present(&mut browser, WRONG), 400);
        }
    }
    let mut person = Browser::new(&server).with_header("X-Forwarded-For", "203.0.113.80");
    let consent = person.reach_consent(&live, "alice", ALICE_PASSWORD);
    assert!(
        consent.says("value=\"approve\""),
        "with one live code the shared budget is far above a hundred: {}",
        consent.status
    );
}

#[test]
fn dag_5_1_a_with_many_live_codes_the_shared_budget_shrinks_and_frees_without_doubling() {
    let server = server_with(|_| {});
    // 20^8 / 2^20 = 24,414 guesses per window for one live code; with 244 live codes the
    // shared budget is its floor, a hundred.
    let mut live = String::new();
    for i in 0..244 {
        let started = server.post_form_with(
            "/device_authorization",
            "client_id=tv-public&scope=openid",
            &[("X-Forwarded-For", &format!("192.0.2.{}", i % 200))],
        );
        assert_eq!(started.status, 200, "{}", started.body);
        live = started.str("user_code");
    }
    for address in 1..=20 {
        let mut browser =
            Browser::new(&server).with_header("X-Forwarded-For", &format!("198.51.100.{address}"));
        for _ in 0..5 {
            assert_eq!(CodeRoute::CodeForm.present(&mut browser, WRONG), 400);
        }
    }
    let mut person = Browser::new(&server).with_header("X-Forwarded-For", "203.0.113.80");
    let paused = CodeRoute::CodeForm.present(&mut person, &live);
    assert_eq!(
        paused, 429,
        "a hundred wrong codes close code entry for everyone"
    );
    server.advance(WINDOW);
    let consent = person.reach_consent(&live, "alice", ALICE_PASSWORD);
    assert!(
        consent.says("value=\"approve\""),
        "one window later it is open again, with no doubled pause"
    );
}

fn authorize_from(server: &TestServer, address: &str) -> crate::support::oauth::Reply {
    server.post_form_with(
        "/device_authorization",
        "client_id=tv-public&scope=openid",
        &[("X-Forwarded-For", address)],
    )
}

#[test]
fn dag_3_1_device_authorizations_are_limited_per_address() {
    let server = server_with(|s| s.device_authorizations.per_address_per_minute = 20);
    for i in 0..20 {
        assert_eq!(
            authorize_from(&server, "198.51.100.7").status,
            200,
            "request {i}"
        );
    }
    let limited = authorize_from(&server, "198.51.100.7");
    limited.is_error(429, "temporarily_unavailable");
    let wait: u64 = limited
        .header("retry-after")
        .and_then(|s| s.parse().ok())
        .expect("Retry-After in seconds");
    assert!((1..=60).contains(&wait), "{wait}");
    assert_eq!(limited.header("cache-control"), Some("no-store"));
    assert_eq!(
        authorize_from(&server, "198.51.100.8").status,
        200,
        "another address is not limited"
    );
    server.advance(Duration::from_secs(61));
    assert_eq!(authorize_from(&server, "198.51.100.7").status, 200);
}

#[test]
fn dag_3_1_a_hundred_device_authorizations_released_together_store_twenty() {
    let server = server_with(|s| s.device_authorizations.per_address_per_minute = 20);
    let stored = || {
        server
            .app()
            .live_rows()
            .expect("rows")
            .into_iter()
            .find(|(kind, _)| *kind == "device_grants")
            .map_or(0, |(_, count)| count)
    };
    let before = stored();
    let url = server.url("/device_authorization");
    let statuses = released_together(100, move |client| {
        client
            .post(&url)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("X-Forwarded-For", "198.51.100.7")
            .body("client_id=tv-public&scope=openid")
            .send()
            .expect("answer")
            .status()
            .as_u16()
    });
    assert_eq!(count(&statuses, 200), 20, "{statuses:?}");
    assert_eq!(count(&statuses, 429), 80, "{statuses:?}");
    let after = stored();
    assert_eq!(after - before, 20, "twenty grants were written, no more");
}

#[test]
fn dag_3_1_live_grants_are_capped_per_client_and_in_all_across_a_restart() {
    let server = TestServer::start_with(|s| {
        s.lifetimes.device_code = Duration::from_secs(600);
        s.trusted_proxies = vec![Cidr::parse("127.0.0.1").expect("cidr")];
        s.device_authorizations.live_per_client = 30;
        s.device_authorizations.live_total = 40;
    });
    let secret = server.fixtures().tv_conf_secret;
    for i in 0..30 {
        let from = format!("198.51.100.{i}");
        assert_eq!(authorize_from(&server, &from).status, 200, "grant {i}");
    }
    let capped = authorize_from(&server, "203.0.113.1");
    capped.is_error(429, "temporarily_unavailable");
    assert!(capped.header("retry-after").is_some());
    // Another client still has room, up to the server's cap.
    for i in 0..10 {
        let other = server.post_form(
            "/device_authorization",
            "client_id=tv-conf&scope=openid",
            Some(("tv-conf", &secret)),
        );
        assert_eq!(other.status, 200, "grant {i} of tv-conf: {}", other.body);
    }
    server
        .post_form(
            "/device_authorization",
            "client_id=tv-conf&scope=openid",
            Some(("tv-conf", &secret)),
        )
        .is_error(503, "temporarily_unavailable");

    let server = server.restart();
    authorize_from(&server, "203.0.113.2").is_error(429, "temporarily_unavailable");
    server.advance(Duration::from_secs(601));
    assert_eq!(
        authorize_from(&server, "203.0.113.2").status,
        200,
        "expired grants free their places"
    );
}

/// The consent page a person reaches, through `seen_as`, for a device that asked with
/// `headers`.
fn consent_for_a_device_asking_with(
    server: &TestServer,
    headers: &[(&str, &str)],
    seen_as: (&str, &str),
) -> crate::support::browser::Page {
    let started = server.post_form_with(
        "/device_authorization",
        "client_id=tv-public&scope=openid",
        headers,
    );
    let mut browser = Browser::new(server).with_header(seen_as.0, seen_as.1);
    browser.reach_consent(&started.str("user_code"), "alice", ALICE_PASSWORD)
}

#[test]
fn bcp_4_13_every_line_of_x_forwarded_for_is_read_from_the_right() {
    let server = server_with(|_| {});
    // The client wrote the first line; the trusted proxy added the second.
    let consent = consent_for_a_device_asking_with(
        &server,
        &[
            ("X-Forwarded-For", "6.6.6.6"),
            ("X-Forwarded-For", "192.0.2.44"),
        ],
        ("X-Forwarded-For", "192.0.2.45"),
    );
    assert!(consent.says("192.0.2.44"), "{}", consent.html);
    assert!(!consent.says("6.6.6.6"));
    assert!(consent.says("same network"), "{}", consent.html);
}

#[test]
fn bcp_4_13_rfc_7239_forwarded_is_read_when_the_proxy_sends_it() {
    let server = server_with(|s| s.proxy_header = ProxyHeader::Forwarded);
    let consent = consent_for_a_device_asking_with(
        &server,
        &[
            ("X-Forwarded-For", "6.6.6.6"),
            ("Forwarded", "for=\"[2001:db8:cafe::17]:4711\";proto=https"),
        ],
        ("Forwarded", "for=198.51.100.3"),
    );
    assert!(consent.says("2001:db8:cafe::17"), "{}", consent.html);
    assert!(!consent.says("6.6.6.6"));
}
