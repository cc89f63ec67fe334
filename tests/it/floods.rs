//! Floods against the real binary, measuring what they cost it: memory under a burst of
//! concurrent password checks and under oversized sign-in attempts, and the addresses a `[::]`
//! listener sees for IPv4 clients.

use std::sync::{Arc, Barrier};

use crate::support::binary::Cli;
use crate::support::browser::Browser;
use crate::support::spawned::Spawned;

/// One Argon2id check holds this much (OWASP's m = 19 MiB).
const HASH_MEMORY_KIB: u64 = 19 * 1024;

/// A `/proc/PID/status` figure in KiB: `VmRSS` now, `VmHWM` the peak.
fn memory_kib(server: &Spawned, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.child.id()))
        .expect("/proc status");
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no {field} in {status}"))
}

/// `count` browsers, each from its own address, released together to sign in once.
fn sign_ins_released_together(
    base: &str,
    first_address: usize,
    count: usize,
    credentials: impl Fn(usize) -> (String, String) + Send + Sync + 'static,
) -> Vec<u16> {
    let barrier = Arc::new(Barrier::new(count));
    let credentials = Arc::new(credentials);
    let racers: Vec<_> = (0..count)
        .map(|i| {
            let barrier = Arc::clone(&barrier);
            let credentials = Arc::clone(&credentials);
            let base = base.to_owned();
            std::thread::spawn(move || {
                let n = first_address + i;
                let address = format!("10.{}.{}.{}", n / 65_536, (n / 256) % 256, n % 256);
                let mut browser = Browser::at(&base).with_header("X-Forwarded-For", &address);
                browser.get("/login");
                let (username, password) = credentials(i);
                barrier.wait();
                browser
                    .submit(
                        "/login",
                        &[("username", &username), ("password", &password)],
                    )
                    .status
            })
        })
        .collect();
    racers
        .into_iter()
        .map(|r| r.join().expect("racer"))
        .collect()
}

fn serve_behind_a_proxy(data: &std::path::Path) -> (Spawned, String) {
    let mut server = Spawned::serve_with(data, &["--trusted-proxy", "127.0.0.1"], &[]);
    let base = server.base_url();
    (server, base)
}

#[test]
fn web_12_two_hundred_concurrent_wrong_sign_ins_hash_at_most_one_per_core_at_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("authbox.redb");
    let (server, base) = serve_behind_a_proxy(&data);
    Cli::new(&data).add_user("alice", "correct horse battery staple", &[]);
    // One sign-in first, so the baseline includes a hash's worth of allocator state.
    let warm = sign_ins_released_together(&base, 0, 1, |_| {
        ("alice".into(), "correct horse battery staple".into())
    });
    assert_eq!(warm, [200]);
    // The same burst with passwords too long to hash: what 200 requests at once cost anyway.
    let unhashed = sign_ins_released_together(&base, 1_000, 200, |i| {
        (format!("user{i}"), "p".repeat(1_100))
    });
    assert!(unhashed.iter().all(|s| *s == 401), "{unhashed:?}");
    let baseline = memory_kib(&server, "VmHWM:");

    // Each from its own address and for its own name, so no budget cuts them: only the cap
    // on concurrent hashes stands between the burst and 200 × 19 MiB.
    let statuses = sign_ins_released_together(&base, 2_000, 200, |i| {
        (format!("user{i}"), "a wrong password".into())
    });
    let peak = memory_kib(&server, "VmHWM:");
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let busy = statuses.iter().filter(|s| **s == 503).count();
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get() as u64);
    eprintln!(
        "200 concurrent wrong sign-ins: {checked} checked (401), {busy} told to retry (503); \
         peak RSS {} MiB under 200 unhashed ones, {} MiB under these; {cores} hashing threads",
        baseline / 1024,
        peak / 1024
    );
    assert_eq!(checked + busy, 200, "{statuses:?}");
    assert!(
        checked as u64 >= cores,
        "the burst was really checked: {statuses:?}"
    );
    let allowed = baseline + (cores + 1) * HASH_MEMORY_KIB + 48 * 1024;
    assert!(
        peak <= allowed,
        "peak RSS {} MiB exceeds baseline {} MiB + {} hashing slots × 19 MiB + slack",
        peak / 1024,
        baseline / 1024,
        cores + 1
    );
}

#[test]
fn web_12_oversized_sign_in_attempts_keep_little_state() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("authbox.redb");
    let (server, base) = serve_behind_a_proxy(&data);
    // 13 KB names and passwords over the 1 KiB limit (refused before hashing), each from a
    // new address: before, each left its name in memory for a day. The first two rounds set
    // up what a burst of 300 costs anyway (threads, buffers); the next eight must add little.
    let round_of_300 = |round: usize| {
        let statuses = sign_ins_released_together(&base, round * 300, 300, move |i| {
            let name = format!("{round}-{i}-{}", "n".repeat(13_000));
            (name, "p".repeat(1_100))
        });
        assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
    };
    round_of_300(0);
    round_of_300(1);
    let baseline = memory_kib(&server, "VmRSS:");
    for round in 2..10 {
        round_of_300(round);
    }
    let grown = memory_kib(&server, "VmRSS:").saturating_sub(baseline);
    eprintln!("2,400 more oversized failed sign-ins from as many addresses: RSS grew {grown} KiB");
    // Kept, the names alone would be 2,400 × 13 KB = 31 MiB; what is left is a few hundred
    // bytes of budget per address and account, the audit log's pages, and allocator noise.
    assert!(
        grown < 16 * 1024,
        "2,400 × 13 KB names must not stay in memory: grew {grown} KiB"
    );
}

#[test]
fn bcp_4_13_an_ipv4_proxy_is_trusted_on_a_dual_stack_listener() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("authbox.redb");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let listen = format!("[::]:{port}");
    let base = format!("http://127.0.0.1:{port}");
    let mut server = Spawned::run(
        &data,
        &[
            "serve",
            "--listen",
            &listen,
            "--issuer",
            &base,
            "--trusted-proxy",
            "127.0.0.1",
        ],
        &[],
    );
    server.line_with("authbox is listening");
    let cli = Cli::new(&data);
    cli.add_user("alice", "correct horse battery staple", &[]);
    cli.run(&["client", "add", "tv-public", "--grant", "device_code"])
        .ok();
    let started: serde_json::Value = reqwest::blocking::Client::new()
        .post(format!("{base}/device_authorization"))
        .header("X-Forwarded-For", "192.0.2.44")
        .form(&[("client_id", "tv-public"), ("scope", "openid")])
        .send()
        .expect("device authorization")
        .json()
        .expect("json");
    let user_code = started["user_code"].as_str().expect("user_code");
    let mut browser = Browser::at(&base).with_header("X-Forwarded-For", "198.51.100.20");
    let consent = browser.reach_consent(user_code, "alice", "correct horse battery staple");
    assert!(
        consent.says("192.0.2.44"),
        "the proxy at ::ffff:127.0.0.1 was trusted: {}",
        consent.html
    );
    assert!(
        consent.says("different network"),
        "two IPv4 networks are not one: {}",
        consent.html
    );
}
