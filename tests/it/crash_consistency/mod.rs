//! Crash consistency of the real binary: mixed load, SIGKILL at a random moment, `authbox
//! serve` again on the killed file straight away (redb repairs it as it opens, and the log
//! says so), then every promise the server made before dying is checked:
//!
//! - every acknowledged device authorization still polls `authorization_pending` (or has
//!   expired by time);
//! - every approval whose success page was shown still redeems to tokens;
//! - every denial whose page was shown still polls `access_denied`, never tokens;
//! - every refresh token handed out and not yet rotated still refreshes; every rotated one
//!   stays refused;
//! - every grant ended, by the person's "My devices", by `authbox grant revoke`, by RFC 7009
//!   `/revoke` or by reuse detection, stays ended: its refresh tokens answer `invalid_grant`,
//!   its access tokens introspect inactive;
//! - a browser signed in before the kill is still signed in;
//! - every key a JWKS answer published is still published, unchanged, and every token signed
//!   before the kill still verifies against the JWKS served after it;
//! - no device code yields tokens twice, however its redemption was cut;
//! - the file always opens; in some cycles the server is then stopped and `authbox check`
//!   runs redb's integrity check on what `serve` repaired and wrote since.
//!
//! Requests cut by the kill are resolved after the restart: each must have either happened
//! or not, nothing in between. `cargo test crash_consistency` runs 20 cycles; set
//! `AUTHBOX_CRASH_CYCLES=200` for the long campaign and `AUTHBOX_CRASH_SEED` to replay one.

mod ledger;
mod load;
mod promises;
mod revoker;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::support::binary::Cli;
use crate::support::spawned::{NO_DEVICE_AUTHORIZATION_LIMITS, Spawned};
use ledger::{Dice, EVERY_REVOCATION, PASSWORD, Shared, Site, ledger};

/// Long enough that codes outlive a 200-cycle campaign, so expiry is rarely the answer.
const DEVICE_CODE_TTL: Duration = Duration::from_secs(3600);
/// One cycle in this many stops the server after its checks and runs `authbox check`; the
/// others go from the kill straight to `serve`, which must recover the file by itself.
const CHECK_EVERY: u32 = 4;
/// What `serve` logs when it opened a file a kill left (`Store::open_for_writing`).
const REPAIRED: &str = "the data file was repaired";

/// `authbox serve` on `port`, the same each time: the issuer stays the same across restarts,
/// as a real deployment's does, so tokens issued before a kill still name it.
fn serve(data: &Path, port: u16) -> Spawned {
    let ttl = format!("{}s", DEVICE_CODE_TTL.as_secs());
    let mut server = Spawned::serve_on(
        port,
        data,
        // Access tokens live as long as device codes, so a key retired by a rotation stays
        // published (for as long as its tokens may live) through a 200-cycle campaign too.
        &[
            "--poll-interval",
            "1s",
            "--device-code-ttl",
            &ttl,
            "--access-token-ttl",
            &ttl,
        ],
        &NO_DEVICE_AUTHORIZATION_LIMITS,
    );
    server.base_url();
    server
}

/// A free loopback port below the kernel's ephemeral range (32768 and up by default): the
/// campaign restarts on one port again and again, and while its server is down, a port from
/// that range could be handed to another test's `bind(…:0)`.
fn steady_port(dice: &mut Dice) -> u16 {
    (0..1000)
        .map(|_| 20_000 + dice.below(12_000) as u16)
        .find(|port| std::net::TcpListener::bind(("127.0.0.1", *port)).is_ok())
        .expect("a free port between 20000 and 32000")
}

/// Alice's live grants, as the file holds them.
fn alices_live_grants(cli: &Cli) -> u64 {
    let listed = cli
        .run(&["--json", "grant", "list", "--user", "alice"])
        .json();
    listed["grants"].as_array().map_or(0, |grants| {
        grants.iter().filter(|g| g["state"] == "live").count()
    }) as u64
}

/// The load of one cycle, until `killed`.
fn start_load(
    site: &Site,
    shared: &Shared,
    killed: &Arc<AtomicBool>,
    dice: &mut Dice,
) -> Vec<std::thread::JoinHandle<()>> {
    let mut load = load::workers(&site.base, shared, killed, dice.next());
    let (bob, shared_for_bob, killed_for_bob) =
        (site.clone(), Arc::clone(shared), Arc::clone(killed));
    let first_turn = dice.below(5);
    load.push(std::thread::spawn(move || {
        revoker::revoker(bob, shared_for_bob, killed_for_bob, first_turn)
    }));
    // Rotates the access tokens' signing key in one cycle of two.
    let rotate = dice.below(2) == 0;
    let (keeper, shared_for_keeper) = (site.clone(), Arc::clone(shared));
    load.push(std::thread::spawn(move || {
        revoker::keeper(keeper, shared_for_keeper, rotate)
    }));
    load
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
    let port = steady_port(&mut dice);
    let mut server = serve(&data, port);
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
    let introspector = cli
        .run(&[
            "--json",
            "client",
            "add",
            "rs",
            "--confidential",
            "--grant",
            "client_credentials",
            "--may-introspect",
        ])
        .json();
    cli.add_user("alice", PASSWORD, &[]);
    cli.add_user("bob", PASSWORD, &[]);
    let site = Site {
        base: format!("http://127.0.0.1:{port}"),
        data: data.clone(),
        introspector_secret: introspector["secret"]
            .as_str()
            .expect("the introspector's secret")
            .to_owned(),
    };

    let shared: Shared = Arc::default();
    let started = Instant::now();
    let mut acknowledged_before = 0;
    for cycle in 1..=cycles {
        let killed = Arc::new(AtomicBool::new(false));
        let load = start_load(&site, &shared, &killed, &mut dice);
        std::thread::sleep(Duration::from_millis(300 + dice.below(1200)));
        server.child.kill().expect("SIGKILL");
        server.child.wait().expect("reap");
        killed.store(true, Ordering::SeqCst);
        for worker in load {
            worker.join().expect("a load thread");
        }

        // No `check` first: `serve` alone must recover the file the kill left.
        server = serve(&data, port);
        let repaired = server.seen.iter().any(|line| line.contains(REPAIRED));
        let mut ledger = ledger(&shared);
        ledger.figures.repaired_by_serve += u64::from(repaired);
        let acknowledged = ledger.figures.device_authorizations;
        assert!(
            acknowledged > acknowledged_before,
            "cycle {cycle} acknowledged no work before its kill (AUTHBOX_CRASH_SEED={seed})"
        );
        acknowledged_before = acknowledged;
        promises::check_promises(&site.base, &mut ledger, &mut dice);
        promises::check_newer_promises(&site, &mut ledger, &mut dice);
        assert!(
            ledger.failures.is_empty(),
            "cycle {cycle} (AUTHBOX_CRASH_SEED={seed}):\n{}",
            ledger.failures.join("\n")
        );
        // Evidence for how the cut requests were resolved: the grants in the file.
        let live = alices_live_grants(&cli);
        assert_eq!(
            live, ledger.live_grants,
            "cycle {cycle}: the file holds {live} live grants of Alice's, the ledger says {} (AUTHBOX_CRASH_SEED={seed}); {:?}",
            ledger.live_grants, ledger.figures
        );
        if cycle % CHECK_EVERY == 0 {
            // After the fact: redb's integrity check on what `serve` repaired and wrote since.
            let stopped = server.terminate_and_wait();
            assert_eq!(
                stopped,
                Some(0),
                "cycle {cycle}: {}",
                server.seen.join("\n")
            );
            cli.run(&["check"]).ok();
            ledger.figures.check_cycles += 1;
            server = serve(&data, port);
        }
    }
    assert_eq!(server.terminate_and_wait(), Some(0));
    let ledger = ledger(&shared);
    eprintln!(
        "crash campaign: {cycles} SIGKILL cycles in {:?}, failures 0; {:#?}; ledger now: {} pending, {} denied, {} spent codes, {} live refresh tokens, {} ended grants, {} rotated tokens, {} sessions, {} keys, {} signed tokens",
        started.elapsed(),
        ledger.figures,
        ledger.pending.len(),
        ledger.denied.len(),
        ledger.redeemed.len(),
        ledger.refresh_tokens.len(),
        ledger.revoked.len(),
        ledger.rotated.len(),
        ledger.sessions.len(),
        ledger.published_keys.len(),
        ledger.signed_tokens.len()
    );
    let f = &ledger.figures;
    assert!(
        f.redemptions > 0 && f.refreshes > 0,
        "the load never reached redemptions and refreshes: {f:?}"
    );
    // Each newer kind of promise was recorded and checked after a kill, or the campaign
    // proved nothing about it.
    let recorded_and_checked = [
        ("denials", f.denials, f.denials_checked),
        ("rotated tokens", f.rotations_recorded, f.rotated_checked),
        ("sessions", f.sessions_recorded, f.sessions_checked),
        (
            "published keys",
            ledger.published_keys.len() as u64,
            f.keys_checked,
        ),
        ("signed tokens", f.redemptions, f.signatures_checked),
    ];
    if cycles >= 20 {
        assert!(
            f.key_rotations > 0,
            "no key rotation was acknowledged: {f:?}"
        );
    }
    for (kind, recorded, checked) in recorded_and_checked {
        assert!(
            recorded > 0 && checked > 0,
            "{kind}: {recorded} recorded, {checked} checked (AUTHBOX_CRASH_SEED={seed}): {f:?}"
        );
    }
    for by in EVERY_REVOCATION {
        let name = format!("{by:?}");
        let recorded = f.revocations.get(&name).copied().unwrap_or(0);
        let checked = f.revocations_checked.get(&name).copied().unwrap_or(0);
        assert!(
            recorded > 0 && checked > 0,
            "revocations by {name}: {recorded} recorded, {checked} checked (AUTHBOX_CRASH_SEED={seed})"
        );
    }
    // A restart right after a kill repairs the file itself unless the last commit before the
    // kill had saved redb's allocator state, which then loads as it is (redb's open); so not
    // every restart repairs, but over a campaign serve must have done the repair itself, with
    // no `check` before it.
    assert!(
        f.repaired_by_serve > 0,
        "no restart on a killed file logged a repair: {f:?}"
    );
    assert!(
        f.check_cycles > 0 || cycles < CHECK_EVERY,
        "no cycle ran `check` after the fact: {f:?}"
    );
    // The kills must have cut each kind of write at least once, or the campaign proved nothing
    // about them. Twenty cycles cut each about a dozen times (README, "Reliability campaigns").
    if cycles >= 20 {
        assert!(
            f.cut_approvals > 0 && f.cut_redemptions > 0 && f.cut_refreshes > 0,
            "no kill cut an approval, a redemption or a refresh (AUTHBOX_CRASH_SEED={seed}): {f:?}"
        );
    }
}
