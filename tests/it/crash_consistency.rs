//! Crash consistency of the real binary: mixed load (device authorizations, polls, approvals
//! through the pages, redemptions, refreshes), SIGKILL at a random moment, `authbox check`,
//! restart on the same file, then every promise the server made before dying is checked:
//!
//! - every acknowledged device authorization still polls `authorization_pending` (or has
//!   expired by time);
//! - every approval whose success page was shown still redeems to tokens;
//! - every refresh token handed out and not yet rotated still refreshes;
//! - no device code yields tokens twice, however its redemption was cut;
//! - the file always opens and passes redb's integrity check.
//!
//! Requests cut by the kill are resolved after the restart: each must have either happened
//! or not, nothing in between. `cargo test crash_consistency` runs 20 cycles; set
//! `AUTHBOX_CRASH_CYCLES=200` for the long campaign and `AUTHBOX_CRASH_SEED` to replay one.

use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::blocking::Client;
use serde_json::Value;

use crate::support::binary::Cli;
use crate::support::browser::Browser;
use crate::support::spawned::{NO_DEVICE_AUTHORIZATION_LIMITS, Spawned};

const PASSWORD: &str = "correct horse battery staple";
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// Long enough that codes outlive a 200-cycle campaign, so expiry is rarely the answer.
const DEVICE_CODE_TTL: Duration = Duration::from_secs(3600);
/// Bounds on what the ledger holds, so each cycle's checks stay quick and every kind of
/// request keeps flowing: beyond them the load pauses that kind, and after each cycle's checks
/// the surplus is retired (forgotten by the test, left valid on the server).
const MOST_PENDING: usize = 150;
const MOST_APPROVED: usize = 40;
const MOST_REFRESH_TOKENS: usize = 80;
const KEPT_PENDING: usize = 100;
const KEPT_REFRESH_TOKENS: usize = 50;

/// A small deterministic generator, so a failing campaign can be replayed from its seed.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound.max(1)
    }
}

#[derive(Clone)]
struct Code {
    device: String,
    user: String,
    acknowledged: Instant,
}

/// What the server has promised so far, and what is still unknown because the kill cut it.
#[derive(Default)]
struct Ledger {
    pending: Vec<Code>,
    approving: Vec<Code>,
    approved: Vec<Code>,
    redeeming: Vec<Code>,
    /// Every device code that has ever yielded tokens, or may have (its answer was lost).
    redeemed: HashSet<String>,
    redeemed_this_cycle: Vec<String>,
    refresh_tokens: Vec<String>,
    refreshing: Vec<String>,
    failures: Vec<String>,
    figures: Figures,
    /// Refresh grants (one per redemption) the file must hold live, by evidence: each
    /// redemption seen, plus each cut redemption that turned out spent, less each grant a cut
    /// refresh turned out to have rotated (presenting its spent token again ended it).
    live_grants: u64,
}

#[derive(Default, Debug)]
struct Figures {
    device_authorizations: u64,
    polls: u64,
    approvals: u64,
    redemptions: u64,
    refreshes: u64,
    cut_approvals: u64,
    cut_redemptions: u64,
    cut_refreshes: u64,
    /// Cut redemptions whose tokens were lost with the answer (the grant was spent).
    cut_redemptions_spent: u64,
    /// Cut refreshes that had rotated (the grant then ended on the token's second use).
    cut_refreshes_rotated: u64,
    checked_after_restart: u64,
}

impl Ledger {
    fn fail(&mut self, what: String) {
        self.failures.push(what);
    }

    /// Records tokens for `code`; a second time is the failure this campaign exists to catch.
    fn tokens_for(&mut self, code: &str, body: &Value) {
        if !self.redeemed.insert(code.to_owned()) {
            self.fail(format!("device code {code} yielded tokens twice"));
        }
        self.live_grants += 1;
        self.redeemed_this_cycle.push(code.to_owned());
        match body["refresh_token"].as_str() {
            Some(token) => self.refresh_tokens.push(token.to_owned()),
            None => self.fail(format!("tokens without a refresh token: {body}")),
        }
    }
}

type Shared = Arc<Mutex<Ledger>>;

fn ledger(shared: &Shared) -> std::sync::MutexGuard<'_, Ledger> {
    shared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// One request's outcome: an answer, or none because the server died first.
fn send(request: reqwest::blocking::RequestBuilder) -> Option<(u16, Value)> {
    let response = request.send().ok()?;
    let status = response.status().as_u16();
    let text = response.text().ok()?;
    Some((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
}

fn poll(http: &Client, base: &str, device_code: &str) -> Option<(u16, Value)> {
    send(http.post(format!("{base}/token")).form(&[
        ("grant_type", DEVICE_GRANT),
        ("client_id", "tv"),
        ("device_code", device_code),
    ]))
}

fn refresh(http: &Client, base: &str, token: &str) -> Option<(u16, Value)> {
    send(http.post(format!("{base}/token")).form(&[
        ("grant_type", "refresh_token"),
        ("client_id", "tv"),
        ("refresh_token", token),
    ]))
}

fn error_of(body: &Value) -> &str {
    body["error"].as_str().unwrap_or("(none)")
}

fn http() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("HTTP client")
}

/// Load until `killed`: each worker stops at its first request the dead server cannot answer.
fn workers(
    base: &str,
    shared: &Shared,
    killed: &Arc<AtomicBool>,
    seed: u64,
) -> Vec<std::thread::JoinHandle<()>> {
    let mut handles = Vec::new();
    let spawn = |handles: &mut Vec<_>, work: Box<dyn FnOnce() + Send>| {
        handles.push(std::thread::spawn(work));
    };
    let idle = || std::thread::sleep(Duration::from_millis(5));

    for _ in 0..2 {
        let (base, shared, killed) = (base.to_owned(), Arc::clone(shared), Arc::clone(killed));
        spawn(
            &mut handles,
            Box::new(move || {
                let http = http();
                while !killed.load(Ordering::SeqCst) {
                    if ledger(&shared).pending.len() >= MOST_PENDING {
                        idle();
                        continue;
                    }
                    let request = http
                        .post(format!("{base}/device_authorization"))
                        .form(&[("client_id", "tv"), ("scope", "openid offline_access")]);
                    let Some((status, body)) = send(request) else {
                        return;
                    };
                    let mut ledger = ledger(&shared);
                    match (
                        status,
                        body["device_code"].as_str(),
                        body["user_code"].as_str(),
                    ) {
                        (200, Some(device), Some(user)) => {
                            ledger.figures.device_authorizations += 1;
                            ledger.pending.push(Code {
                                device: device.to_owned(),
                                user: user.to_owned(),
                                acknowledged: Instant::now(),
                            });
                        }
                        _ => ledger.fail(format!("device authorization: {status} {body}")),
                    }
                }
            }),
        );
    }

    // Polls pending codes, each at most once a second as the interval asks.
    {
        let (base, shared, killed) = (base.to_owned(), Arc::clone(shared), Arc::clone(killed));
        spawn(
            &mut handles,
            Box::new(move || {
                let http = http();
                let mut dice = Dice(seed | 1);
                let mut last_polled = std::collections::HashMap::new();
                while !killed.load(Ordering::SeqCst) {
                    let picked = {
                        let mut ledger = ledger(&shared);
                        let count = ledger.pending.len() as u64;
                        (count > 0).then(|| ledger.pending.swap_remove(dice.below(count) as usize))
                    };
                    let Some(code) = picked else {
                        idle();
                        continue;
                    };
                    let recent = last_polled
                        .get(&code.device)
                        .is_some_and(|at: &Instant| at.elapsed() < Duration::from_millis(1200));
                    if recent {
                        ledger(&shared).pending.push(code);
                        idle();
                        continue;
                    }
                    last_polled.insert(code.device.clone(), Instant::now());
                    let answer = poll(&http, &base, &code.device);
                    let mut ledger = ledger(&shared);
                    match answer {
                        None => {
                            ledger.pending.push(code);
                            return;
                        }
                        Some((400, body))
                            if matches!(error_of(&body), "authorization_pending" | "slow_down") =>
                        {
                            ledger.figures.polls += 1;
                            ledger.pending.push(code);
                        }
                        Some((status, body)) => {
                            ledger.fail(format!("poll of a pending code: {status} {body}"));
                        }
                    }
                }
            }),
        );
    }

    // Approves through the pages, as a signed-in person.
    {
        let (base, shared, killed) = (base.to_owned(), Arc::clone(shared), Arc::clone(killed));
        spawn(
            &mut handles,
            Box::new(move || {
                let mut browser = Browser::at(&base);
                // The kill may land during the sign-in too.
                if browser.try_get("/login").is_none() {
                    return;
                }
                let token = browser.token();
                let fields = [
                    ("username", "alice"),
                    ("password", PASSWORD),
                    ("csrf_token", token.as_str()),
                ];
                if browser.try_post("/login", &fields).is_none()
                    || browser.try_get("/device").is_none()
                {
                    return;
                }
                while !killed.load(Ordering::SeqCst) {
                    let picked = {
                        let mut ledger = ledger(&shared);
                        if ledger.approved.len() >= MOST_APPROVED
                            || ledger.approved.len() + ledger.refresh_tokens.len()
                                >= MOST_REFRESH_TOKENS
                        {
                            None
                        } else {
                            ledger.pending.pop()
                        }
                    };
                    let Some(code) = picked else {
                        idle();
                        continue;
                    };
                    ledger(&shared).approving.push(code.clone());
                    let token = browser.token();
                    let answer = browser.try_post(
                        "/device/decision",
                        &[
                            ("user_code", &code.user),
                            ("decision", "approve"),
                            ("csrf_token", &token),
                        ],
                    );
                    let Some(page) = answer else { return };
                    let mut ledger = ledger(&shared);
                    ledger.approving.retain(|c| c.device != code.device);
                    if page.status == 200 && page.says("Device connected") {
                        ledger.figures.approvals += 1;
                        ledger.approved.push(code);
                    } else {
                        ledger.fail(format!("approval page {}: {}", page.status, page.html));
                    }
                }
            }),
        );
    }

    // Redeems approved codes.
    {
        let (base, shared, killed) = (base.to_owned(), Arc::clone(shared), Arc::clone(killed));
        spawn(
            &mut handles,
            Box::new(move || {
                let http = http();
                while !killed.load(Ordering::SeqCst) {
                    let picked = {
                        let mut ledger = ledger(&shared);
                        if ledger.refresh_tokens.len() >= MOST_REFRESH_TOKENS {
                            None
                        } else {
                            ledger.approved.pop()
                        }
                    };
                    let Some(code) = picked else {
                        idle();
                        continue;
                    };
                    ledger(&shared).redeeming.push(code.clone());
                    let Some((status, body)) = poll(&http, &base, &code.device) else {
                        return;
                    };
                    let mut ledger = ledger(&shared);
                    ledger.redeeming.retain(|c| c.device != code.device);
                    match status {
                        200 => {
                            ledger.figures.redemptions += 1;
                            ledger.tokens_for(&code.device, &body);
                        }
                        // Polled as pending within the interval: try again later.
                        400 if error_of(&body) == "slow_down" => ledger.approved.insert(0, code),
                        _ => {
                            ledger.fail(format!("redemption of an approved code: {status} {body}"))
                        }
                    }
                }
            }),
        );
    }

    for _ in 0..2 {
        let (base, shared, killed) = (base.to_owned(), Arc::clone(shared), Arc::clone(killed));
        spawn(
            &mut handles,
            Box::new(move || {
                let http = http();
                while !killed.load(Ordering::SeqCst) {
                    let picked = ledger(&shared).refresh_tokens.pop();
                    let Some(token) = picked else {
                        idle();
                        continue;
                    };
                    ledger(&shared).refreshing.push(token.clone());
                    let Some((status, body)) = refresh(&http, &base, &token) else {
                        return;
                    };
                    let mut ledger = ledger(&shared);
                    ledger.refreshing.retain(|t| *t != token);
                    match (status, body["refresh_token"].as_str()) {
                        (200, Some(next)) => {
                            ledger.figures.refreshes += 1;
                            ledger.refresh_tokens.push(next.to_owned());
                        }
                        _ => ledger.fail(format!("refresh of a current token: {status} {body}")),
                    }
                }
            }),
        );
    }
    handles
}

/// After the restart: settles every request the kill cut, then checks every promise.
fn check_promises(base: &str, ledger: &mut Ledger, dice: &mut Dice) {
    let http = http();
    let mut checked = 0u64;
    let mut answer = |send: &dyn Fn() -> Option<(u16, Value)>| {
        checked += 1;
        send().expect("the restarted server answers")
    };

    for code in std::mem::take(&mut ledger.approving) {
        ledger.figures.cut_approvals += 1;
        let (status, body) = answer(&|| poll(&http, base, &code.device));
        match (status, error_of(&body)) {
            (200, _) => ledger.tokens_for(&code.device, &body),
            (400, "authorization_pending") => ledger.pending.push(code),
            _ => ledger.fail(format!("an approval cut by the kill: {status} {body}")),
        }
    }
    for code in std::mem::take(&mut ledger.approved) {
        let (status, body) = answer(&|| poll(&http, base, &code.device));
        match status {
            200 => ledger.tokens_for(&code.device, &body),
            _ => ledger.fail(format!(
                "an approval whose success page was shown did not redeem: {status} {body}"
            )),
        }
    }
    for code in std::mem::take(&mut ledger.redeeming) {
        ledger.figures.cut_redemptions += 1;
        let (status, body) = answer(&|| poll(&http, base, &code.device));
        match (status, error_of(&body)) {
            (200, _) => ledger.tokens_for(&code.device, &body),
            // Redeemed before the kill, its tokens lost with the answer: spent, as it must be.
            // The grant count checked below shows it really was redeemed, not lost.
            (400, "invalid_grant") => {
                ledger.redeemed.insert(code.device.clone());
                ledger.figures.cut_redemptions_spent += 1;
                ledger.live_grants += 1;
            }
            _ => ledger.fail(format!("a redemption cut by the kill: {status} {body}")),
        }
    }
    let pending = std::mem::take(&mut ledger.pending);
    for code in pending {
        let (status, body) = answer(&|| poll(&http, base, &code.device));
        match (status, error_of(&body)) {
            (400, "authorization_pending") => ledger.pending.push(code),
            (400, "expired_token") if code.acknowledged.elapsed() >= DEVICE_CODE_TTL => {}
            _ => ledger.fail(format!(
                "an acknowledged device authorization was lost: {status} {body}"
            )),
        }
    }
    // Spent codes stay spent: this cycle's, and a sample of all before.
    let mut spent: Vec<String> = std::mem::take(&mut ledger.redeemed_this_cycle);
    let earlier: Vec<&String> = ledger.redeemed.iter().collect();
    for _ in 0..earlier.len().min(50) {
        spent.push(earlier[dice.below(earlier.len() as u64) as usize].clone());
    }
    for code in spent {
        let (status, body) = answer(&|| poll(&http, base, &code));
        if (status, error_of(&body)) != (400, "invalid_grant") {
            ledger.fail(format!("a spent device code answered {status} {body}"));
        }
    }
    for token in std::mem::take(&mut ledger.refreshing) {
        ledger.figures.cut_refreshes += 1;
        let (status, body) = answer(&|| refresh(&http, base, &token));
        match (status, body["refresh_token"].as_str()) {
            (200, Some(next)) => ledger.refresh_tokens.push(next.to_owned()),
            // Rotated before the kill; presenting it again revoked its family, as it must.
            // The grant count checked below shows one grant ended, so the token was real.
            (400, _) if error_of(&body) == "invalid_grant" => {
                ledger.figures.cut_refreshes_rotated += 1;
                ledger.live_grants = ledger.live_grants.saturating_sub(1);
            }
            _ => ledger.fail(format!("a refresh cut by the kill: {status} {body}")),
        }
    }
    for token in std::mem::take(&mut ledger.refresh_tokens) {
        let (status, body) = answer(&|| refresh(&http, base, &token));
        match (status, body["refresh_token"].as_str()) {
            (200, Some(next)) => ledger.refresh_tokens.push(next.to_owned()),
            _ => ledger.fail(format!(
                "a refresh token handed out and never rotated was refused: {status} {body}"
            )),
        }
    }
    ledger.figures.checked_after_restart += checked;
    retire(&mut ledger.pending, KEPT_PENDING, dice);
    retire(&mut ledger.refresh_tokens, KEPT_REFRESH_TOKENS, dice);
}

/// Forgets random entries beyond `keep`; each was checked after at least one kill.
fn retire<T>(list: &mut Vec<T>, keep: usize, dice: &mut Dice) {
    while list.len() > keep {
        list.swap_remove(dice.below(list.len() as u64) as usize);
    }
}

fn serve(data: &Path) -> (Spawned, String) {
    let ttl = format!("{}s", DEVICE_CODE_TTL.as_secs());
    let mut server = Spawned::serve_with(
        data,
        &["--poll-interval", "1s", "--device-code-ttl", &ttl],
        &NO_DEVICE_AUTHORIZATION_LIMITS,
    );
    let base = server.base_url();
    (server, base)
}

#[test]
fn sigkill_under_mixed_load_breaks_no_promise() {
    let cycles: u32 = std::env::var("AUTHBOX_CRASH_CYCLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let seed: u64 = std::env::var("AUTHBOX_CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
                | 1
        });
    eprintln!("crash campaign: {cycles} cycles, AUTHBOX_CRASH_SEED={seed}");
    let mut dice = Dice(seed);
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("authbox.redb");
    let (mut server, mut base) = serve(&data);
    let cli = Cli::new(&data);
    cli.run(&[
        "client",
        "add",
        "tv",
        "--grant",
        "device_code",
        "--grant",
        "refresh_token",
    ])
    .ok();
    cli.add_user("alice", PASSWORD, &[]);

    let shared: Shared = Arc::default();
    let started = Instant::now();
    let mut acknowledged_before = 0;
    for cycle in 1..=cycles {
        let killed = Arc::new(AtomicBool::new(false));
        let load = workers(&base, &shared, &killed, dice.next());
        std::thread::sleep(Duration::from_millis(300 + dice.below(1200)));
        server.child.kill().expect("SIGKILL");
        server.child.wait().expect("reap");
        killed.store(true, Ordering::SeqCst);
        for worker in load {
            worker.join().expect("a load thread");
        }

        // The file opens, and redb's integrity check passes, with no server holding it.
        cli.run(&["check"]).ok();
        (server, base) = serve(&data);
        let mut ledger = ledger(&shared);
        let acknowledged = ledger.figures.device_authorizations;
        assert!(
            acknowledged > acknowledged_before,
            "cycle {cycle} acknowledged no work before its kill (AUTHBOX_CRASH_SEED={seed})"
        );
        acknowledged_before = acknowledged;
        check_promises(&base, &mut ledger, &mut dice);
        assert!(
            ledger.failures.is_empty(),
            "cycle {cycle} (AUTHBOX_CRASH_SEED={seed}):\n{}",
            ledger.failures.join("\n")
        );
        // Evidence for how the cut requests were resolved: the grants in the file.
        let listed = cli.run(&["--json", "grant", "list"]).json();
        let live = listed["grants"].as_array().map_or(0, |grants| {
            grants.iter().filter(|g| g["state"] == "live").count()
        }) as u64;
        assert_eq!(
            live, ledger.live_grants,
            "cycle {cycle}: the file holds {live} live grants, the ledger says {} (AUTHBOX_CRASH_SEED={seed}); {:?}",
            ledger.live_grants, ledger.figures
        );
    }
    assert_eq!(server.terminate_and_wait(), Some(0));
    let ledger = ledger(&shared);
    eprintln!(
        "crash campaign: {cycles} SIGKILL cycles in {:?}, failures 0; {:?}; ledger now: {} pending, {} spent codes, {} live refresh tokens",
        started.elapsed(),
        ledger.figures,
        ledger.pending.len(),
        ledger.redeemed.len(),
        ledger.refresh_tokens.len()
    );
    assert!(
        ledger.figures.redemptions > 0 && ledger.figures.refreshes > 0,
        "the load never reached redemptions and refreshes: {:?}",
        ledger.figures
    );
    // The kills must have cut each kind of write at least once, or the campaign proved nothing
    // about them. Twenty cycles cut each about a dozen times (README, "Reliability campaigns").
    if cycles >= 20 {
        let f = &ledger.figures;
        assert!(
            f.cut_approvals > 0 && f.cut_redemptions > 0 && f.cut_refreshes > 0,
            "no kill cut an approval, a redemption or a refresh (AUTHBOX_CRASH_SEED={seed}): {f:?}"
        );
    }
}
