//! Bob's devices, each signed in and then ended, in turn by every path there is: his "My
//! devices" page, `authbox grant revoke` (the CLI reaches the running server through its
//! control socket), RFC 7009 `/revoke`, and reuse detection; every fifth is only rotated, for
//! the promise that a rotated refresh token stays refused. Each promise is recorded once the
//! server acknowledged the step. Bob's grants are his alone, so the live-grant count the
//! campaign keeps for Alice is not touched.
//!
//! The keeper records every key a JWKS answer showed, and in some cycles first rotates the
//! ES256 key to sign at once (`--now`): the new key must be in the file before the first token
//! it signs is handed out. Only `--now`: a publish-ahead key that never signed is rightly
//! unpublished by the next `--now` rotation, which would make "every key published stays
//! published" untrue for reasons that have nothing to do with a crash.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use reqwest::blocking::Client;
use serde_json::Value;

use super::ledger::{
    EVERY_REVOCATION, PASSWORD, Revoked, RevokedBy, Shared, Site, device_authorization, error_of,
    http, ledger, poll, refresh, send,
};
use crate::support::binary::Cli;
use crate::support::browser::Browser;

/// Bob's grant ids, as `authbox grant list` shows them through the running server; `None` when
/// the server died meanwhile.
fn grant_ids(cli: &Cli) -> Option<HashSet<String>> {
    let out = cli.run(&["--json", "grant", "list", "--user", "bob"]);
    if out.code != Some(0) {
        return None;
    }
    let listed: Value = serde_json::from_str(&out.stdout).ok()?;
    Some(
        listed["grants"]
            .as_array()?
            .iter()
            .filter(|g| g["state"] == "live")
            .filter_map(|g| g["id"].as_str().map(str::to_owned))
            .collect(),
    )
}

/// Bob signs in on a fresh browser; `None` when the server died meanwhile.
fn signed_in(base: &str) -> Option<Browser> {
    let mut browser = Browser::at(base);
    browser.try_get("/login")?;
    let token = browser.token();
    let fields = [
        ("username", "bob"),
        ("password", PASSWORD),
        ("csrf_token", token.as_str()),
    ];
    let page = browser.try_post("/login", &fields)?;
    (page.status < 400).then_some(browser)
}

/// A device Bob approved and that redeemed its code: its token response.
fn new_device(http: &Client, browser: &mut Browser, base: &str) -> Option<Result<Value, String>> {
    let (status, started) = device_authorization(http, base)?;
    let (Some(device), Some(user)) = (
        started["device_code"].as_str(),
        started["user_code"].as_str(),
    ) else {
        return Some(Err(format!("device authorization: {status} {started}")));
    };
    browser.try_get("/device")?;
    let token = browser.token();
    browser.try_post("/device", &[("user_code", user), ("csrf_token", &token)])?;
    let token = browser.token();
    let page = browser.try_post(
        "/device/decision",
        &[
            ("user_code", user),
            ("decision", "approve"),
            ("csrf_token", &token),
        ],
    )?;
    if !page.says("is connected") {
        return Some(Err(format!(
            "Bob's approval {}: {}",
            page.status, page.html
        )));
    }
    let (status, tokens) = poll(http, base, device)?;
    Some(match status {
        200 => Ok(tokens),
        _ => Err(format!("Bob's redemption: {status} {tokens}")),
    })
}

fn field(body: &Value, name: &str) -> String {
    body[name].as_str().unwrap_or_default().to_owned()
}

/// Ends the grant `tokens` started by `by`; the promise once the server acknowledged it, or
/// `None` when the server died first.
fn revoke(
    by: RevokedBy,
    site: &Site,
    http: &Client,
    browser: &mut Browser,
    tokens: &Value,
    id: Option<&str>,
) -> Option<Result<Revoked, String>> {
    let base = &site.base;
    let first = field(tokens, "refresh_token");
    let mut revoked = Revoked {
        by,
        refresh_tokens: vec![first.clone()],
        access_tokens: vec![field(tokens, "access_token")],
        fresh: true,
    };
    let acknowledged = match by {
        RevokedBy::MyDevices => {
            browser.try_get("/devices")?;
            let token = browser.token();
            let id = id.unwrap_or_default();
            let page = browser.try_post(
                "/devices/sign-out",
                &[("device", id), ("csrf_token", &token)],
            )?;
            (page.status == 200 && page.says("is signed out"))
                .then_some(())
                .ok_or(format!(
                    "My devices sign-out {}: {}",
                    page.status, page.html
                ))
        }
        RevokedBy::Cli => {
            let out = Cli::new(&site.data).run(&["grant", "revoke", id.unwrap_or_default()]);
            match out.code {
                Some(0) => Ok(()),
                // The server died under the command: no acknowledgement, no promise.
                _ => return None,
            }
        }
        RevokedBy::Rfc7009 => {
            let (status, body) = send(
                http.post(format!("{base}/revoke"))
                    .form(&[("client_id", "tv"), ("token", first.as_str())]),
            )?;
            (status == 200)
                .then_some(())
                .ok_or(format!("RFC 7009 revocation: {status} {body}"))
        }
        RevokedBy::Reuse => {
            let (status, next) = refresh(http, base, &first)?;
            if status != 200 {
                return Some(Err(format!("Bob's refresh: {status} {next}")));
            }
            revoked.refresh_tokens.push(field(&next, "refresh_token"));
            revoked.access_tokens.push(field(&next, "access_token"));
            let (status, body) = refresh(http, base, &first)?;
            (status == 400 && error_of(&body) == "invalid_grant")
                .then_some(())
                .ok_or(format!("a rotated token presented again: {status} {body}"))
        }
    };
    Some(acknowledged.map(|()| revoked))
}

/// Signs Bob's devices in and out until `killed`.
pub fn revoker(site: Site, shared: Shared, killed: Arc<AtomicBool>, first_turn: u64) {
    let http = http();
    let cli = Cli::new(&site.data);
    let Some(mut browser) = signed_in(&site.base) else {
        return;
    };
    let mut turn = first_turn;
    while !killed.load(Ordering::SeqCst) {
        turn += 1;
        let before = match grant_ids(&cli) {
            Some(ids) => ids,
            None => return,
        };
        let tokens = match new_device(&http, &mut browser, &site.base) {
            None => return,
            Some(Err(failure)) => return ledger(&shared).fail(failure),
            Some(Ok(tokens)) => tokens,
        };
        ledger(&shared).signed(&tokens);
        if turn % 5 == 4 {
            // Rotated only: the old token must stay refused (presenting it ends the grant).
            let old = field(&tokens, "refresh_token");
            let Some((status, body)) = refresh(&http, &site.base, &old) else {
                return;
            };
            let mut ledger = ledger(&shared);
            match status {
                200 => {
                    ledger.figures.rotations_recorded += 1;
                    ledger.rotated.push(old);
                    ledger.signed(&body);
                }
                _ => ledger.fail(format!("Bob's rotation: {status} {body}")),
            }
            continue;
        }
        let by = EVERY_REVOCATION[(turn % 5) as usize % EVERY_REVOCATION.len()];
        let id = if matches!(by, RevokedBy::MyDevices | RevokedBy::Cli) {
            let Some(after) = grant_ids(&cli) else { return };
            let new: Vec<String> = after.difference(&before).cloned().collect();
            if new.len() != 1 {
                return ledger(&shared).fail(format!("Bob's new grant among {new:?}"));
            }
            new.into_iter().next()
        } else {
            None
        };
        match revoke(by, &site, &http, &mut browser, &tokens, id.as_deref()) {
            None => return,
            Some(Ok(revoked)) => ledger(&shared).revoked(revoked),
            Some(Err(failure)) => return ledger(&shared).fail(failure),
        }
    }
}

/// Records the published keys, after rotating the ES256 key when `rotate`.
pub fn keeper(site: Site, shared: Shared, rotate: bool) {
    let http = http();
    if rotate {
        let args = ["key", "rotate", "--alg", "ES256", "--now"];
        if Cli::new(&site.data).run(&args).code != Some(0) {
            return;
        }
        ledger(&shared).figures.key_rotations += 1;
    }
    let Some((200, jwks)) = send(http.get(format!("{}/jwks", site.base))) else {
        return;
    };
    let mut ledger = ledger(&shared);
    for key in jwks["keys"].as_array().into_iter().flatten() {
        let kid = key["kid"].as_str().unwrap_or_default().to_owned();
        if let Some(earlier) = ledger.published_keys.insert(kid.clone(), key.clone())
            && earlier != *key
        {
            ledger.fail(format!("key {kid} changed: {earlier} then {key}"));
        }
    }
}
