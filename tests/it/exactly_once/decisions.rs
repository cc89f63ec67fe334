//! The decision races (DAG-3.5-h): Approve and Deny of one code sent together, from two tabs
//! of one session or from two people's browsers. Every losing decision reaches the swap (the
//! code is looked up, not its state, before it), so each round loses exactly one there.

use super::race::{Step, SwapsLost, Tally, all_at_once, counted, rounds};
use super::{Desk, TestServer, started, sub_of};
use crate::support::browser::{Browser, Page};
use crate::support::oauth::ALICE_PASSWORD;

const DECISION_ROUNDS: usize = 50;
pub const BOB_PASSWORD: &str = "Tr0ub4dor&3";

/// What a decision page says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decided {
    /// The conclusive page: this decision was recorded.
    Won,
    /// The code was already decided by the other; nothing was recorded.
    Lost,
}

/// The page a decision that was recorded shows, and the page a later one shows instead
/// (src/http/verification.rs, pages/device.rs).
fn pages_after(decision: &str) -> (&'static str, &'static str) {
    match decision {
        "approve" => ("is connected", "This code has already been used"),
        _ => ("was not connected", "This request was denied"),
    }
}

/// Reads the page `decision` got, as the person would: that decision's outcome, or the "already
/// decided" page that names what `other` decided.
fn read_decision(round: usize, decision: &str, other: &str, page: &Page) -> Decided {
    let (won, _) = pages_after(decision);
    let (_, lost) = pages_after(other);
    match page.status {
        200 if page.says(won) => Decided::Won,
        409 if page.says(lost) => Decided::Lost,
        status => panic!(
            "round {round}: {decision} got {status}, neither its outcome nor {other}'s: {}",
            page.html
        ),
    }
}

/// Brings each browser to the consent page of a fresh code, sends `decisions` from them at
/// once, and checks that exactly one page is conclusive and that the device's poll agrees with
/// it: tokens for the person whose approval won, or `access_denied`. `people` are who the
/// browsers are signed in as. Returns each page's outcome and the swaps the race lost.
fn race_a_decision(
    desk: &Desk,
    browsers: &mut [Browser; 2],
    people: &[Person; 2],
    decisions: [&str; 2],
    round: usize,
) -> (Vec<String>, SwapsLost) {
    let (device_code, user_code) = desk.authorized("openid profile");
    for browser in browsers.iter_mut() {
        let consent = browser.submit("/device", &[("user_code", &user_code)]);
        assert!(
            consent.status == 200 && consent.says("You are signing in on a device"),
            "round {round}: both see the consent page: {}",
            consent.html
        );
    }
    let (pages, lost) = counted(&desk.scraper, desk.base, || {
        all_at_once(browsers, |index, browser| {
            browser.decide(&user_code, decisions[index])
        })
    });
    let read: Vec<Decided> = (0..2)
        .map(|index| read_decision(round, decisions[index], decisions[1 - index], &pages[index]))
        .collect();
    let winners: Vec<usize> = (0..2).filter(|i| read[*i] == Decided::Won).collect();
    assert_eq!(
        winners.len(),
        1,
        "round {round}: exactly one of {decisions:?} is recorded: {read:?}"
    );
    let winner = winners[0];
    let poll = desk.poll(&device_code);
    if decisions[winner] == "approve" {
        assert_eq!(
            poll.status, 200,
            "round {round}: the page said connected: {poll:?}"
        );
        let tokens = poll.json().unwrap_or_default();
        let access_token = tokens["access_token"].as_str().unwrap_or_default();
        assert_eq!(
            desk.userinfo_sub(access_token).as_deref(),
            Ok(people[winner].sub.as_str()),
            "round {round}: the tokens are for the person whose approval was recorded"
        );
    } else {
        assert_eq!(poll.label(), "400 access_denied", "round {round}: {poll:?}");
    }
    let outcomes = (0..2)
        .map(|index| {
            let what = match read[index] {
                Decided::Won => "recorded",
                Decided::Lost => "refused as already decided",
            };
            let (status, person) = (pages[index].status, people[index].label);
            format!("{status} {} by {person} {what}", decisions[index])
        })
        .collect();
    (outcomes, lost)
}

/// A browser at `base`, signed in as `username`, showing the code page.
pub fn signed_in(base: &str, username: &str, password: &str) -> Browser {
    let mut browser = Browser::at(base);
    browser.get("/login");
    let page = browser.submit("/login", &[("username", username), ("password", password)]);
    assert_eq!(page.status, 200, "{username} signs in: {}", page.html);
    // Signing in renews the cookie, and with it the form token; the code page carries it.
    browser.get("/device");
    browser
}

/// `rounds` rounds of [`race_a_decision`], the decisions of each round given by
/// `decisions_in_round`. Every loser reaches the swap, so the campaign loses exactly one swap
/// a round, however the two requests interleave.
pub fn decision_campaign(
    desk: &Desk,
    campaign: &'static str,
    (mut browsers, people): ([Browser; 2], [Person; 2]),
    decisions_in_round: impl Fn(usize) -> [&'static str; 2],
    rounds: usize,
) {
    let mut tally = Tally::new(campaign, Step::Decision);
    for round in 0..rounds {
        let decisions = decisions_in_round(round);
        let (outcomes, lost) = race_a_decision(desk, &mut browsers, &people, decisions, round);
        tally.count(outcomes, 1, lost);
    }
    tally.finish("");
    assert_eq!(
        tally.lost_at_swap(),
        rounds as u64,
        "{campaign}: every round's losing decision reaches the swap and loses it there"
    );
}

/// Two people enter one code at once (the phisher's code sent to two people): exactly one
/// account gets the consent page and holds the code, the other is told another account is
/// using it (`code_claims`, cross-device BCP "Detect and Remediate"); the holder's approval
/// is recorded and the device's tokens are for them. Two people's decisions therefore never
/// race at the swap any more; two tabs of one session still do
/// ([`decision_campaign`]).
pub fn claim_campaign(
    desk: &Desk,
    campaign: &'static str,
    (mut browsers, people): ([Browser; 2], [Person; 2]),
    rounds: usize,
) {
    for round in 0..rounds {
        let (device_code, user_code) = desk.authorized("openid profile");
        let pages = all_at_once(&mut browsers, |_, browser| {
            browser.submit("/device", &[("user_code", &user_code)])
        });
        let holders: Vec<usize> = (0..2)
            .filter(|i| pages[*i].status == 200 && pages[*i].says("You are signing in on a device"))
            .collect();
        assert_eq!(
            holders.len(),
            1,
            "{campaign}, round {round}: one account holds the code"
        );
        let (holder, other) = (holders[0], 1 - holders[0]);
        assert!(
            pages[other].status == 409 && pages[other].says("being used by another account"),
            "{campaign}, round {round}: {}",
            pages[other].html
        );
        browsers[other].get("/device");
        let done = browsers[holder].decide(&user_code, "approve");
        assert!(
            done.says("is connected"),
            "{campaign}, round {round}: {}",
            done.html
        );
        let poll = desk.poll(&device_code);
        assert_eq!(poll.status, 200, "{campaign}, round {round}: {poll:?}");
        let tokens = poll.json().unwrap_or_default();
        let access_token = tokens["access_token"].as_str().unwrap_or_default();
        assert_eq!(
            desk.userinfo_sub(access_token).as_deref(),
            Ok(people[holder].sub.as_str()),
            "{campaign}, round {round}: the tokens are for the account that holds the code"
        );
    }
}

/// Which browser approves alternates, so that neither its place in the race nor its person
/// decides who wins.
pub fn approve_against_deny(round: usize) -> [&'static str; 2] {
    if round.is_multiple_of(2) {
        ["approve", "deny"]
    } else {
        ["deny", "approve"]
    }
}

/// Who a browser is signed in as: a label for the figures, and the `sub` tokens must carry.
pub struct Person {
    pub label: &'static str,
    pub sub: String,
}

#[test]
fn dag_3_5_h_approve_and_deny_from_two_tabs_of_one_session_decide_once() {
    let (server, _) = started();
    let tab = signed_in(&server.base, "alice", ALICE_PASSWORD);
    let other_tab = tab.twin();
    let tabs = ["alice (tab 1)", "alice (tab 2)"].map(|label| Person {
        label,
        sub: sub_of(&server, "alice"),
    });
    decision_campaign(
        &Desk::of(&server),
        "approve against deny in one session",
        ([tab, other_tab], tabs),
        approve_against_deny,
        rounds(DECISION_ROUNDS),
    );
}

fn alice_and_bob(server: &TestServer) -> ([Browser; 2], [Person; 2]) {
    let browsers = [
        signed_in(&server.base, "alice", ALICE_PASSWORD),
        signed_in(&server.base, "bob", BOB_PASSWORD),
    ];
    let people = ["alice", "bob"].map(|label| Person {
        label,
        sub: sub_of(server, label),
    });
    (browsers, people)
}

/// Not in the list, but the costliest way for a decision race to go wrong: tokens for
/// the person whose approval was refused. Two people now race one step earlier, to hold the
/// code ([`claim_campaign`]).
#[test]
fn dag_3_5_h_two_people_entering_one_code_at_once_get_tokens_for_one_of_them() {
    let (server, _) = started();
    claim_campaign(
        &Desk::of(&server),
        "two people entering one code",
        alice_and_bob(&server),
        rounds(DECISION_ROUNDS),
    );
}
