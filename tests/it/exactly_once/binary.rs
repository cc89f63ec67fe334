//! The exactly-once campaigns against the real binary: its own process, started by `serve`
//! with the thread pools it has in production, rather than a server embedded in the test. Five
//! rounds of each campaign by default (`AUTHBOX_EXACTLY_ONCE_BINARY_ROUNDS` to change), against
//! the debug build cargo made for these tests, or against the build that
//! `AUTHBOX_EXACTLY_ONCE_BINARY` names:
//!
//! ```text
//! cargo build --release
//! AUTHBOX_EXACTLY_ONCE_BINARY=target/release/authbox \
//!     cargo nextest run -E 'test(exactly_once::binary::)' --no-capture
//! ```
//!
//! Setup runs the same build's CLI on the data file before the server starts; approvals go
//! through the pages, as a person's would.

use std::io::Write;
use std::path::Path;
use std::process::Stdio;

use super::decisions::{
    BOB_PASSWORD, Person, approve_against_deny, claim_campaign, decision_campaign, signed_in,
};
use super::race::{Step, Tally, racing_clients};
use super::{Desk, race_redemption, race_refresh, race_refresh_within_grace};
use crate::support::binary::{binary_path, command_for};
use crate::support::browser::Browser;
use crate::support::oauth::ALICE_PASSWORD;
use crate::support::spawned::{NO_DEVICE_AUTHORIZATION_LIMITS, Spawned};

const CLIENT: &str = "tv";
/// Five rounds: a round of a hundred racers within a grace window sometimes loses no swap at all
/// (every loser read the rotation first), and the swap-loss check is over the campaign.
const BINARY_ROUNDS: usize = 5;

/// The build under test: `AUTHBOX_EXACTLY_ONCE_BINARY`, or the one cargo built for the tests.
fn binary() -> String {
    std::env::var("AUTHBOX_EXACTLY_ONCE_BINARY").unwrap_or_else(|_| binary_path().to_owned())
}

fn binary_rounds() -> usize {
    match std::env::var("AUTHBOX_EXACTLY_ONCE_BINARY_ROUNDS") {
        Ok(text) => text.parse().unwrap_or_else(|_| {
            panic!("AUTHBOX_EXACTLY_ONCE_BINARY_ROUNDS={text:?} is not a count")
        }),
        Err(_) => BINARY_ROUNDS,
    }
}

/// Runs the binary's CLI on `data`, with `stdin` as its standard input; returns stdout.
fn cli(data: &Path, args: &[&str], stdin: &str) -> String {
    let mut child = command_for(&binary())
        .env("AUTHBOX_DATA", data)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn authbox");
    if let Some(mut pipe) = child.stdin.take() {
        pipe.write_all(stdin.as_bytes()).expect("write stdin");
    }
    let output = child.wait_with_output().expect("wait for authbox");
    assert!(
        output.status.success(),
        "authbox {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A data file with the device client and two people, and `serve` on it with `args`.
fn served(dir: &Path, args: &[&str]) -> (Spawned, String) {
    let data = dir.join("authbox.redb");
    let client = [
        "client",
        "add",
        CLIENT,
        "--grant",
        "device_code",
        "--grant",
        "refresh_token",
    ];
    cli(&data, &client, "");
    for (username, password) in [("alice", ALICE_PASSWORD), ("bob", BOB_PASSWORD)] {
        let stdin = format!("{password}\n");
        cli(
            &data,
            &["user", "add", username, "--password-stdin"],
            &stdin,
        );
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let (listen, issuer) = (
        format!("127.0.0.1:{port}"),
        format!("http://127.0.0.1:{port}"),
    );
    let mut command = command_for(&binary());
    command
        .env("AUTHBOX_DATA", &data)
        .envs(NO_DEVICE_AUTHORIZATION_LIMITS)
        .args(["serve", "--listen", &listen, "--issuer", &issuer])
        .args(args);
    let mut server = Spawned::start(command);
    let base = server.base_url();
    (server, base)
}

/// A person's browser, signed in, that approves codes through the pages.
struct Approver(Browser);

impl Approver {
    fn approve(&mut self, user_code: &str) {
        let consent = self.0.reach_consent(user_code, "alice", ALICE_PASSWORD);
        assert!(
            consent.says("You are signing in on a device"),
            "alice reaches consent: {}",
            consent.html
        );
        let done = self.0.decide(user_code, "approve");
        assert!(done.says("is connected"), "{}", done.html);
    }
}

fn sub_of(data_dir: &Path, username: &str) -> String {
    let listed = cli(
        &data_dir.join("authbox.redb"),
        &["--json", "user", "show", username],
        "",
    );
    let user: serde_json::Value = serde_json::from_str(&listed).expect("JSON");
    user["user"]["sub"]
        .as_str()
        .unwrap_or_else(|| panic!("no sub in {user}"))
        .to_owned()
}

#[test]
fn redemptions_refreshes_and_decisions_race_once_against_the_real_binary() {
    let rounds = binary_rounds();
    println!("exactly_once binary: {} ({rounds} round(s) each)", binary());
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut server, base) = served(dir.path(), &[]);
    let desk = Desk::at(&base, CLIENT);
    let mut racers = racing_clients(&base);
    let mut approver = Approver(Browser::at(&base));

    let mut tally = Tally::new("binary redemptions", Step::Redemption);
    for round in 0..rounds {
        let (device_code, user_code) = desk.authorized("openid offline_access");
        approver.approve(&user_code);
        race_redemption(&desk, &mut racers, &device_code, round, &mut tally);
    }
    tally.finish("");

    let people = |labels: [&'static str; 2], usernames: [&str; 2]| {
        [0, 1].map(|i| Person {
            label: labels[i],
            sub: sub_of(dir.path(), usernames[i]),
        })
    };
    let tab = signed_in(&base, "alice", ALICE_PASSWORD);
    let tabs = [tab.twin(), tab];
    decision_campaign(
        &desk,
        "binary approve against deny in one session",
        (
            tabs,
            people(["alice (tab 1)", "alice (tab 2)"], ["alice", "alice"]),
        ),
        approve_against_deny,
        rounds,
    );
    let alice_and_bob = || {
        let browsers = [
            signed_in(&base, "alice", ALICE_PASSWORD),
            signed_in(&base, "bob", BOB_PASSWORD),
        ];
        (browsers, people(["alice", "bob"], ["alice", "bob"]))
    };
    claim_campaign(
        &desk,
        "binary two people entering one code",
        alice_and_bob(),
        rounds,
    );
    // Last on this server: the race revokes everything the client holds for alice, and with
    // it any token issued to her within the same second of the clock.
    let mut tally = Tally::new("binary refreshes", Step::Rotation);
    for round in 0..rounds {
        let (device_code, user_code) = desk.authorized("openid offline_access");
        approver.approve(&user_code);
        let refresh_token = desk.redeemed_refresh_token(&device_code, round);
        race_refresh(&desk, &mut racers, &refresh_token, round, &mut tally);
    }
    tally.finish("");

    assert_eq!(server.terminate_and_wait(), Some(0));

    // The grace window is a setting of its own, so it races a server of its own.
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut server, base) = served(dir.path(), &["--refresh-grace", "5s"]);
    let desk = Desk::at(&base, CLIENT);
    let mut racers = racing_clients(&base);
    let mut approver = Approver(Browser::at(&base));
    let mut tally = Tally::new("binary refreshes within a 5 s grace window", Step::Rotation);
    for round in 0..rounds {
        let (device_code, user_code) = desk.authorized("openid offline_access");
        approver.approve(&user_code);
        let refresh_token = desk.redeemed_refresh_token(&device_code, round);
        race_refresh_within_grace(&desk, &mut racers, &refresh_token, round, &mut tally);
    }
    tally.finish("");
    assert_eq!(server.terminate_and_wait(), Some(0));
}
