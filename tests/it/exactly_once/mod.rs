//! Exactly once under concurrency, at full scale (issue 9, campaign 2).
//!
//! - Redemptions (DAG-3.5-g): in every round one freshly approved device code is polled by
//!   [`race::RACERS`] clients at the same instant; exactly one gets tokens, every other an
//!   `invalid_grant`, and the code stays spent.
//! - Refreshes (BCP-4.14.2-a/b, D5): one refresh token presented by [`race::RACERS`] clients at the
//!   same instant mints exactly once; with a grace window of 0 the race counts as reuse, so the
//!   family is revoked, the winner's new refresh token and access token with it. With a grace
//!   window (`--refresh-grace`) the same race is one rotation that every racer is told about:
//!   all get the same successor, and the family lives on.
//! - Decisions (DAG-3.5-h): Approve and Deny of one code, sent together from two tabs of one
//!   session and from two people's browsers (alice approving and bob denying, then the other way
//!   round), and Approve from both people; exactly one page says what happened, the other says
//!   it was already decided, and the device's poll agrees with the page that won.
//!
//! Every racer has its own connection, opened before the first round, and all of a round's
//! racers wait at one barrier, so the requests reach the server together rather than in the
//! order their threads started. The small versions of the first two races stay in
//! `device_polling.rs` and `refresh.rs`.
//!
//! A loser that read the outcome before trying answers exactly like one that lost the
//! compare-and-swap, so the answers alone cannot show that the racers met at the swap. Each
//! campaign therefore reads the server's `authbox_swaps_lost_total` before and after every
//! round and fails unless some losers, over the campaign, lost at the swap of the step it
//! races (and none at another step's). It prints operations, winners, those CAS losses and the
//! early losers (`race.rs`). `binary.rs` runs a few rounds of each campaign against the real
//! binary, the release build when `AUTHBOX_EXACTLY_ONCE_BINARY` names it.
//!
//! Run it, with the figures each campaign prints (`--no-capture` also runs the campaigns one
//! at a time, so their timings do not overlap):
//!
//! ```text
//! cargo nextest run exactly_once:: --no-capture
//! cargo test --test it exactly_once:: -- --nocapture --test-threads=1
//! ```
//!
//! `AUTHBOX_EXACTLY_ONCE_ROUNDS=1000` gives every campaign that many rounds, for a long run.

mod binary;
mod decisions;
mod race;

use std::collections::BTreeSet;
use std::time::Duration;

use reqwest::blocking::Client;
use serde_json::Value;

use crate::support::TestServer;
use crate::support::oauth::{DEVICE_GRANT_FORM, Fixtures, enc};
use race::{Answer, Step, Tally, all_at_once, counted, racing_clients, rounds, the_one_winner};

/// Rounds per campaign unless `AUTHBOX_EXACTLY_ONCE_ROUNDS` says otherwise; together about a
/// minute in a debug build on two cores.
const REDEMPTION_ROUNDS: usize = 100;
const REFRESH_ROUNDS: usize = 50;
/// Fewer: every racer gets tokens here, so a round costs a hundred signatures.
const GRACE_ROUNDS: usize = 20;

fn started() -> (TestServer, Fixtures) {
    let server = TestServer::start();
    let fixtures = server.fixtures();
    (server, fixtures)
}

fn sub_of(server: &TestServer, username: &str) -> String {
    server
        .app()
        .user(username)
        .expect("a fixture user")
        .sub
        .as_str()
        .to_owned()
}

/// The server a campaign races, and the public device client it plays there: an embedded
/// server's `tv-public`, or a spawned binary's own client.
pub struct Desk<'a> {
    pub base: &'a str,
    client_id: &'a str,
    /// Sends the single requests around a race, and scrapes `/metrics`.
    pub scraper: Client,
}

impl<'a> Desk<'a> {
    fn of(server: &'a TestServer) -> Desk<'a> {
        Desk::at(&server.base, "tv-public")
    }

    fn at(base: &'a str, client_id: &'a str) -> Desk<'a> {
        Desk {
            base,
            client_id,
            scraper: Client::new(),
        }
    }

    fn token_url(&self) -> String {
        format!("{}/token", self.base)
    }

    fn poll_form(&self, device_code: &str) -> String {
        format!(
            "grant_type={DEVICE_GRANT_FORM}&device_code={}&client_id={}",
            enc(device_code),
            enc(self.client_id)
        )
    }

    fn refresh_form(&self, refresh_token: &str) -> String {
        format!(
            "grant_type=refresh_token&refresh_token={}&client_id={}",
            enc(refresh_token),
            enc(self.client_id)
        )
    }

    /// A device authorization; returns (device code, user code).
    fn authorized(&self, scope: &str) -> (String, String) {
        let started = Answer::post(
            &self.scraper,
            &format!("{}/device_authorization", self.base),
            &format!("client_id={}&scope={}", enc(self.client_id), enc(scope)),
        );
        let body = started.json().unwrap_or_default();
        match (body["device_code"].as_str(), body["user_code"].as_str()) {
            (Some(device_code), Some(user_code)) if started.status == 200 => {
                (device_code.to_owned(), user_code.to_owned())
            }
            _ => panic!("no device authorization: {started:?}"),
        }
    }

    fn poll(&self, device_code: &str) -> Answer {
        Answer::post(
            &self.scraper,
            &self.token_url(),
            &self.poll_form(device_code),
        )
    }

    fn refresh(&self, refresh_token: &str) -> Answer {
        Answer::post(
            &self.scraper,
            &self.token_url(),
            &self.refresh_form(refresh_token),
        )
    }

    /// `/userinfo`'s `sub` for `access_token`, or why there is none.
    fn userinfo_sub(&self, access_token: &str) -> Result<String, String> {
        let response = self
            .scraper
            .get(format!("{}/userinfo", self.base))
            .bearer_auth(access_token)
            .send()
            .map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let challenge = response
            .headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body: Value = response
            .json()
            .map_err(|e| format!("{status} {challenge}: {e}"))?;
        match (status, body["sub"].as_str()) {
            (200, Some(sub)) => Ok(sub.to_owned()),
            _ => Err(format!("{status}: {body}")),
        }
    }

    /// The refresh token an approved code redeems to, polled alone.
    fn redeemed_refresh_token(&self, device_code: &str, round: usize) -> String {
        let redeemed = self.poll(device_code);
        redeemed.json().unwrap_or_default()["refresh_token"]
            .as_str()
            .unwrap_or_else(|| panic!("round {round}: no refresh token: {redeemed:?}"))
            .to_owned()
    }
}

/// One redemption round: every racer polls the approved `device_code` at once; exactly one
/// gets tokens and a poll after the race hears `invalid_grant`. Returns the winner's tokens.
fn race_redemption(
    desk: &Desk,
    racers: &mut [Client],
    device_code: &str,
    round: usize,
    tally: &mut Tally,
) -> Value {
    let (form, url) = (desk.poll_form(device_code), desk.token_url());
    let (answers, lost) = counted(&desk.scraper, desk.base, || {
        all_at_once(racers, |_, client| Answer::post(client, &url, &form))
    });
    let tokens = the_one_winner("redemptions", round, &answers);
    tally.count(answers.iter().map(Answer::label), 1, lost);
    let late = desk.poll(device_code);
    assert_eq!(late.label(), "400 invalid_grant", "round {round}: {late:?}");
    tokens
}

/// One refresh round with no grace window (D5): every racer presents `refresh_token` at once;
/// exactly one mints, the others count as reuse, so the family is revoked and the winner's
/// successor refused. Returns the winner's tokens.
fn race_refresh(
    desk: &Desk,
    racers: &mut [Client],
    refresh_token: &str,
    round: usize,
    tally: &mut Tally,
) -> Value {
    let (form, url) = (desk.refresh_form(refresh_token), desk.token_url());
    let (answers, lost) = counted(&desk.scraper, desk.base, || {
        all_at_once(racers, |_, client| Answer::post(client, &url, &form))
    });
    let tokens = the_one_winner("refreshes", round, &answers);
    tally.count(answers.iter().map(Answer::label), 1, lost);
    let successor = tokens["refresh_token"]
        .as_str()
        .unwrap_or_else(|| panic!("round {round}: the rotation gave no refresh token: {tokens}"));
    // D5 (grace 0): the losers presented a spent token, which is reuse; BCP-4.14.2-a then
    // revokes the family, the winner's new refresh token with it.
    let after = desk.refresh(successor);
    assert_eq!(
        after.label(),
        "400 invalid_grant",
        "round {round}: the family is revoked: {after:?}"
    );
    tokens
}

/// One refresh round within a grace window: every racer presents `refresh_token` at once and
/// all get tokens with the same successor, which then refreshes. One racer's swap rotated;
/// the others lost it or read the rotation first, and were forgiven.
fn race_refresh_within_grace(
    desk: &Desk,
    racers: &mut [Client],
    refresh_token: &str,
    round: usize,
    tally: &mut Tally,
) {
    let (form, url) = (desk.refresh_form(refresh_token), desk.token_url());
    let (answers, lost) = counted(&desk.scraper, desk.base, || {
        all_at_once(racers, |_, client| Answer::post(client, &url, &form))
    });
    tally.count(answers.iter().map(Answer::label), 1, lost);
    let successors: BTreeSet<String> = answers
        .iter()
        .map(|answer| {
            assert_eq!(answer.status, 200, "round {round}: {answer:?}");
            answer.json().unwrap_or_default()["refresh_token"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(
        successors.len(),
        1,
        "round {round}: one rotation, one successor"
    );
    let successor = successors.into_iter().next().unwrap_or_default();
    let after = desk.refresh(&successor);
    assert_eq!(
        after.status, 200,
        "round {round}: the family lives on: {after:?}"
    );
}

/// `/introspect`'s answer about `token`, asked by the resource server rs-api.
fn introspect(server: &TestServer, fixtures: &Fixtures, token: &str) -> Value {
    let reply = server.post_form(
        "/introspect",
        &format!("token={}", enc(token)),
        Some(("rs-api", &fixtures.rs_api_secret)),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body
}

#[test]
fn dag_3_5_g_a_hundred_racing_polls_redeem_each_approved_code_exactly_once() {
    let (server, fixtures) = started();
    let desk = Desk::of(&server);
    let alice = sub_of(&server, "alice");
    let mut racers = racing_clients(desk.base);
    let pairings_before = server.app().all_devices(None).expect("the pairings").len();
    let mut tally = Tally::new("redemptions", Step::Redemption);
    for round in 0..rounds(REDEMPTION_ROUNDS) {
        let (device_code, user_code) = desk.authorized("openid profile offline_access");
        server.approve(&user_code, "alice");
        let tokens = race_redemption(&desk, &mut racers, &device_code, round, &mut tally);
        assert!(
            tokens["id_token"].is_string() && tokens["refresh_token"].is_string(),
            "OIDC-3.1.3.3-b and SPEC D3: openid and offline_access were granted: {tokens}"
        );
        let access_token = tokens["access_token"].as_str().unwrap_or_default();
        assert_eq!(
            desk.userinfo_sub(access_token),
            Ok(alice.clone()),
            "round {round}: the winning access token works, for the person who approved"
        );
        // Losers sign tokens too, before their swap fails; only the winner's refresh family
        // may have been stored with the spent code.
        let refresh_token = tokens["refresh_token"].as_str().unwrap_or_default();
        assert_eq!(
            introspect(&server, &fixtures, refresh_token)["active"],
            true,
            "round {round}: the winner's refresh token is the one stored"
        );
        let pairings = server.app().all_devices(None).expect("the pairings").len();
        assert_eq!(
            pairings,
            pairings_before + round + 1,
            "round {round}: one refresh family per redeemed code"
        );
    }
    tally.finish("");
}

#[test]
fn bcp_4_14_2_b_a_hundred_racing_refreshes_mint_once_and_revoke_the_family() {
    let (server, fixtures) = started();
    let desk = Desk::of(&server);
    let alice = sub_of(&server, "alice");
    let mut racers = racing_clients(desk.base);
    let mut tally = Tally::new("refreshes", Step::Rotation);
    for round in 0..rounds(REFRESH_ROUNDS) {
        let (device_code, user_code) = desk.authorized("openid offline_access");
        server.approve(&user_code, "alice");
        let refresh_token = desk.redeemed_refresh_token(&device_code, round);
        let tokens = race_refresh(&desk, &mut racers, &refresh_token, round, &mut tally);
        let successor = tokens["refresh_token"].as_str().unwrap_or_default();
        for (which, token) in [("raced", refresh_token.as_str()), ("successor", successor)] {
            assert_eq!(
                introspect(&server, &fixtures, token),
                serde_json::json!({"active": false}),
                "round {round}: INT-2.2-b: the {which} refresh token is inactive"
            );
        }
        assert!(
            server
                .app()
                .devices_of(&authbox::domain::user::Subject::from_stored(alice.clone()))
                .expect("alice's devices")
                .is_empty(),
            "round {round}: no pairing of alice's survives the race"
        );
        // BCP-4.14.2-a (recommended, and done): the family's access tokens end with it.
        let access_token = tokens["access_token"].as_str().unwrap_or_default();
        assert_eq!(
            introspect(&server, &fixtures, access_token),
            serde_json::json!({"active": false}),
            "round {round}: the winner's access token ends with its family"
        );
    }
    tally.finish("; every winner's access token inactive after the family's revocation");
}

#[test]
fn d5_a_hundred_racing_refreshes_within_a_grace_window_share_one_rotation() {
    let server = TestServer::start_with(|s| s.lifetimes.refresh_grace = Duration::from_secs(5));
    server.fixtures();
    let desk = Desk::of(&server);
    let mut racers = racing_clients(desk.base);
    let mut tally = Tally::new("refreshes within a 5 s grace window", Step::Rotation);
    for round in 0..rounds(GRACE_ROUNDS) {
        let (device_code, user_code) = desk.authorized("openid offline_access");
        server.approve(&user_code, "alice");
        let refresh_token = desk.redeemed_refresh_token(&device_code, round);
        race_refresh_within_grace(&desk, &mut racers, &refresh_token, round, &mut tally);
    }
    tally.finish("; one successor per round, and it refreshed");
}
