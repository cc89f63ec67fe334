//! The mixed load of one cycle: device authorizations, polls of pending codes, approvals and
//! denials through the pages as a signed-in person, redemptions and refreshes. Each worker
//! records what the server acknowledged and stops at the first request the dead server cannot
//! answer.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::ledger::{
    Code, Dice, PASSWORD, Shared, device_authorization, error_of, http, ledger, poll, refresh,
};
use crate::support::browser::Browser;

/// Bounds on what the ledger holds, so each cycle's checks stay quick and every kind of
/// request keeps flowing: beyond them the load pauses that kind, and after each cycle's checks
/// the surplus is retired (forgotten by the test, left valid on the server).
pub const MOST_PENDING: usize = 150;
const MOST_APPROVED: usize = 40;
const MOST_REFRESH_TOKENS: usize = 80;
/// One decision in this many is a denial.
const DENY_ONE_IN: u64 = 5;

/// Load until `killed`: each worker stops at its first request the dead server cannot answer.
pub fn workers(
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
                    let Some((status, body)) = device_authorization(&http, &base) else {
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
                match browser.try_post("/login", &fields) {
                    None => return,
                    Some(page) if page.status < 400 => {
                        let mut ledger = ledger(&shared);
                        ledger.figures.sessions_recorded += 1;
                        ledger.sessions.push(browser.twin());
                    }
                    Some(page) => {
                        ledger(&shared)
                            .fail(format!("sign-in page {}: {}", page.status, page.html));
                        return;
                    }
                }
                if browser.try_get("/device").is_none() {
                    return;
                }
                let mut dice = Dice(seed.rotate_left(17) | 1);
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
                    let deny = dice.below(DENY_ONE_IN) == 0;
                    match deny {
                        true => ledger(&shared).denying.push(code.clone()),
                        false => ledger(&shared).approving.push(code.clone()),
                    }
                    let token = browser.token();
                    let answer = browser.try_post(
                        "/device/decision",
                        &[
                            ("user_code", &code.user),
                            ("decision", if deny { "deny" } else { "approve" }),
                            ("csrf_token", &token),
                        ],
                    );
                    let Some(page) = answer else { return };
                    let mut ledger = ledger(&shared);
                    ledger.approving.retain(|c| c.device != code.device);
                    ledger.denying.retain(|c| c.device != code.device);
                    if deny && page.status == 200 && page.says("was not connected") {
                        ledger.figures.denials += 1;
                        ledger.denied.push(code.device);
                    } else if !deny && page.status == 200 && page.says("is connected") {
                        ledger.figures.approvals += 1;
                        ledger.approved.push(code);
                    } else {
                        ledger.fail(format!("decision page {}: {}", page.status, page.html));
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
                            ledger.signed(&body);
                        }
                        _ => ledger.fail(format!("refresh of a current token: {status} {body}")),
                    }
                }
            }),
        );
    }
    handles
}
