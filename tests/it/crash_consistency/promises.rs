//! After a restart: every request the kill cut is settled (it either happened or not, nothing
//! in between), then every promise in the ledger is checked against the restarted server.

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{DecodingKey, Validation, decode, decode_header};
use serde_json::Value;

use super::DEVICE_CODE_TTL;
use super::ledger::{Dice, Ledger, Site, error_of, http, poll, refresh, retire, send};

const KEPT_PENDING: usize = 100;
const KEPT_REFRESH_TOKENS: usize = 50;
/// Bounds on the newer promises kept from one restart to the next: enough that each is
/// checked after several kills, few enough that the checks stay quick.
const KEPT_DENIED: usize = 40;
const KEPT_REVOKED: usize = 40;
const KEPT_ROTATED: usize = 20;
const KEPT_SESSIONS: usize = 8;
/// Ended grants checked after an earlier kill whose access tokens are introspected again.
const INTROSPECTED_OLDER: u64 = 4;

/// After the restart: settles every request the kill cut, then checks every promise.
pub fn check_promises(base: &str, ledger: &mut Ledger, dice: &mut Dice) {
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

/// The newer promises: denials, revocations by every path, rotated tokens, browser sessions,
/// published keys and the signatures of tokens handed out before the kill.
pub fn check_newer_promises(site: &Site, ledger: &mut Ledger, dice: &mut Dice) {
    let http = http();
    let base = site.base.as_str();
    let gone = || -> (u16, Value) { panic!("the restarted server does not answer") };

    for code in std::mem::take(&mut ledger.denying) {
        ledger.figures.cut_denials += 1;
        let (status, body) = poll(&http, base, &code.device).unwrap_or_else(gone);
        match (status, error_of(&body)) {
            (400, "access_denied") => ledger.denied.push(code.device),
            (400, "authorization_pending") => ledger.pending.push(code),
            _ => ledger.fail(format!("a denial cut by the kill: {status} {body}")),
        }
    }
    for code in ledger.denied.clone() {
        let (status, body) = poll(&http, base, &code).unwrap_or_else(gone);
        ledger.figures.denials_checked += 1;
        if (status, error_of(&body)) != (400, "access_denied") {
            ledger.fail(format!("a denied device code answered {status} {body}"));
        }
    }

    // Introspection authenticates the resource server with its (Argon2-hashed) secret, so
    // access tokens are introspected for the grants ended since the last kill and a few older
    // ones; refresh tokens, cheap to present, for every grant kept.
    let older = ledger.revoked.iter().filter(|r| !r.fresh).count() as u64;
    let mut older_to_introspect = INTROSPECTED_OLDER;
    for index in 0..ledger.revoked.len() {
        let revoked = ledger.revoked[index].clone();
        for token in &revoked.refresh_tokens {
            let (status, body) = refresh(&http, base, token).unwrap_or_else(gone);
            if (status, error_of(&body)) != (400, "invalid_grant") {
                ledger.fail(format!(
                    "a refresh token of a grant ended by {:?} answered {status} {body}",
                    revoked.by
                ));
            }
        }
        let sampled = !revoked.fresh
            && older_to_introspect > 0
            && dice.below(older.max(1)) < INTROSPECTED_OLDER;
        if sampled {
            older_to_introspect -= 1;
        }
        let access_tokens = if revoked.fresh || sampled {
            revoked.access_tokens.as_slice()
        } else {
            &[]
        };
        for token in access_tokens {
            let (status, body) = send(
                http.post(format!("{base}/introspect"))
                    .basic_auth("rs", Some(&site.introspector_secret))
                    .form(&[("token", token.as_str())]),
            )
            .unwrap_or_else(gone);
            if status != 200 || body["active"] != false {
                ledger.fail(format!(
                    "an access token of a grant ended by {:?} introspects {status} {body}",
                    revoked.by
                ));
            }
        }
        ledger.revoked[index].fresh = false;
        *ledger
            .figures
            .revocations_checked
            .entry(format!("{:?}", revoked.by))
            .or_default() += 1;
    }

    for token in ledger.rotated.clone() {
        let (status, body) = refresh(&http, base, &token).unwrap_or_else(gone);
        ledger.figures.rotated_checked += 1;
        if (status, error_of(&body)) != (400, "invalid_grant") {
            ledger.fail(format!("a rotated refresh token answered {status} {body}"));
        }
    }

    for session in &mut ledger.sessions {
        let page = session
            .try_get("/devices")
            .expect("the restarted server answers");
        ledger.figures.sessions_checked += 1;
        if page.status != 200 || !page.says("signed in as") {
            ledger.failures.push(format!(
                "a browser signed in before the kill is signed out: {} {}",
                page.status, page.html
            ));
        }
    }

    check_signatures(site, ledger);

    retire(&mut ledger.denied, KEPT_DENIED, dice);
    retire(&mut ledger.revoked, KEPT_REVOKED, dice);
    retire(&mut ledger.rotated, KEPT_ROTATED, dice);
    retire(&mut ledger.sessions, KEPT_SESSIONS, dice);
}

/// Every key published before the kill is still published, unchanged, and every token signed
/// before it still verifies against what `/jwks` serves now. Verified with `jsonwebtoken`,
/// which shares no code with authbox's signing; expiry and audience are not the point here.
fn check_signatures(site: &Site, ledger: &mut Ledger) {
    let jwks: Value = reqwest::blocking::get(format!("{}/jwks", site.base))
        .and_then(|r| r.json())
        .expect("the restarted server serves its JWKS");
    let served: Vec<&Value> = jwks["keys"].as_array().into_iter().flatten().collect();
    let mut published: Vec<(String, Value)> = ledger.published_keys.clone().into_iter().collect();
    published.sort_by(|a, b| a.0.cmp(&b.0));
    for (kid, key) in published {
        ledger.figures.keys_checked += 1;
        match served.iter().find(|k| k["kid"] == kid.as_str()) {
            Some(now) if **now == key => {}
            Some(now) => ledger.fail(format!("key {kid} changed across the kill: {key} → {now}")),
            None => ledger.fail(format!("key {kid}, published before the kill, is gone")),
        }
    }
    let set: JwkSet = serde_json::from_value(jwks).expect("a JWK set");
    for token in ledger.signed_tokens.clone() {
        ledger.figures.signatures_checked += 1;
        if let Err(why) = verify_signature(&set, &token) {
            ledger.fail(format!(
                "a token signed before the kill no longer verifies: {why}"
            ));
        }
    }
}

fn verify_signature(set: &JwkSet, token: &str) -> Result<(), String> {
    let header = decode_header(token).map_err(|e| e.to_string())?;
    let kid = header.kid.clone().ok_or("no kid")?;
    let jwk = set.find(&kid).ok_or(format!("no published key {kid}"))?;
    let key = DecodingKey::from_jwk(jwk).map_err(|e| e.to_string())?;
    let mut validation = Validation::new(header.alg);
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    decode::<Value>(token, &key, &validation)
        .map(|_| ())
        .map_err(|e| format!("{kid}: {e}"))
}
