//! `authbox backup` while the server runs under load, and `authbox restore` after it stops:
//! every write acknowledged before the backup began comes back, the old file is kept aside,
//! and a bad snapshot changes nothing.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::support::binary::Cli;
use crate::support::file_digest;
use crate::support::spawned::{NO_DEVICE_AUTHORIZATION_LIMITS, Spawned};

const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

fn poll(base: &str, device_code: &str) -> serde_json::Value {
    reqwest::blocking::Client::new()
        .post(format!("{base}/token"))
        .form(&[
            ("grant_type", DEVICE_GRANT),
            ("device_code", device_code),
            ("client_id", "tv-public"),
        ])
        .send()
        .expect("poll")
        .json()
        .expect("JSON")
}

#[test]
fn a_backup_under_load_restores_every_write_acknowledged_before_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("authbox.redb");
    let backup = dir.path().join("backups").join("monday.redb");
    std::fs::create_dir(backup.parent().expect("dir")).expect("backups dir");
    let mut server = Spawned::serve_with(&data, &[], &NO_DEVICE_AUTHORIZATION_LIMITS);
    let base = server.base_url();
    let cli = Cli::new(&data);
    let alice = cli.add_user("alice", "correct horse battery staple", &[]);
    cli.run(&["client", "add", "tv-public", "--grant", "device_code"])
        .ok();

    // Two devices ask for codes without pause; each answer is timestamped on arrival.
    let stop = Arc::new(AtomicBool::new(false));
    let load: Vec<_> = (0..2)
        .map(|_| {
            let base = base.clone();
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                let client = reqwest::blocking::Client::new();
                let mut answered = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    let response = client
                        .post(format!("{base}/device_authorization"))
                        .form(&[("client_id", "tv-public")])
                        .send()
                        .expect("device authorization");
                    assert_eq!(response.status(), 200);
                    let json: serde_json::Value = response.json().expect("JSON");
                    let code = json["device_code"].as_str().expect("code").to_owned();
                    answered.push((Instant::now(), code));
                }
                answered
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(400));
    let backup_began = Instant::now();
    let report = cli
        .run(&["--json", "backup", backup.to_str().expect("utf-8")])
        .json();
    let backup_ended = Instant::now();
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::Relaxed);
    let answered: Vec<(Instant, String)> = load
        .into_iter()
        .flat_map(|t| t.join().expect("load thread"))
        .collect();

    assert_eq!(report["file"], backup.to_str().expect("utf-8"));
    assert!(report["rows"].as_u64().expect("rows") > 0);
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&backup).expect("backup").permissions(),
    );
    assert_eq!(
        mode & 0o777,
        0o600,
        "a backup holds secrets' hashes and keys"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("snapshot") || name.contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");

    let before: Vec<&String> = answered
        .iter()
        .filter(|(at, _)| *at < backup_began)
        .map(|(_, code)| code)
        .collect();
    let after: Vec<&String> = answered
        .iter()
        .filter(|(at, _)| *at > backup_ended)
        .map(|(_, code)| code)
        .collect();
    assert!(
        before.len() > 10,
        "load before the backup: {}",
        before.len()
    );
    assert!(!after.is_empty(), "load after the backup");

    // Restoring while the server runs is refused and changes nothing.
    let digest = file_digest(&backup);
    cli.run(&["restore", backup.to_str().expect("utf-8")])
        .fails_with(&["stop it first"]);
    assert_eq!(server.terminate_and_wait(), Some(0));
    assert_eq!(file_digest(&backup), digest);

    let restored = cli
        .run(&["--json", "restore", backup.to_str().expect("utf-8")])
        .json();
    assert_eq!(restored["users"], 1);
    assert_eq!(restored["clients"], 1);
    let kept = restored["previous_kept_at"]
        .as_str()
        .expect("old file kept");
    assert!(
        std::path::Path::new(kept).is_file(),
        "the replaced file is kept at {kept}"
    );

    let mut again = Spawned::serve_with(&data, &[], &NO_DEVICE_AUTHORIZATION_LIMITS);
    let base = again.base_url();
    for code in &before {
        assert_eq!(
            poll(&base, code)["error"],
            "authorization_pending",
            "acknowledged before the backup, so in it"
        );
    }
    for code in &after {
        assert_eq!(
            poll(&base, code)["error"],
            "invalid_grant",
            "made after the backup, so not in it"
        );
    }
    let users = cli.run(&["--json", "user", "list"]).json();
    assert_eq!(users["users"][0]["sub"], alice["sub"]);
    assert_eq!(again.terminate_and_wait(), Some(0));
}

#[test]
fn a_backup_without_a_server_and_a_restore_onto_an_empty_place() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("authbox.redb");
    let cli = Cli::new(&data);
    cli.add_user("alice", "correct horse battery staple", &[]);
    let backup = dir.path().join("copy.redb");
    cli.run(&["backup", backup.to_str().expect("utf-8")]).ok();
    // Backing up again replaces the file in one step.
    cli.run(&["backup", backup.to_str().expect("utf-8")]).ok();

    let elsewhere = dir.path().join("new-home");
    std::fs::create_dir(&elsewhere).expect("dir");
    let moved = Cli::new(&elsewhere.join("authbox.redb"));
    let restored = moved
        .run(&["--json", "restore", backup.to_str().expect("utf-8")])
        .json();
    assert!(restored["previous_kept_at"].is_null());
    let users = moved.run(&["--json", "user", "list"]).json();
    assert_eq!(users["users"][0]["username"], "alice");
}

#[test]
fn a_bad_snapshot_is_refused_before_anything_changes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("authbox.redb");
    let cli = Cli::new(&data);
    cli.add_user("alice", "correct horse battery staple", &[]);
    let good = dir.path().join("good.redb");
    cli.run(&["backup", good.to_str().expect("utf-8")]).ok();
    let digest = file_digest(&data);

    let garbage = dir.path().join("garbage.redb");
    std::fs::write(&garbage, b"not a database at all").expect("write");
    cli.run(&["restore", garbage.to_str().expect("utf-8")])
        .fails_with(&["not a usable backup", "nothing was changed"]);

    // A real snapshot cut short, as a full disk or an interrupted copy would leave it.
    let bytes = std::fs::read(&good).expect("read");
    let truncated = dir.path().join("truncated.redb");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).expect("write");
    cli.run(&["restore", truncated.to_str().expect("utf-8")])
        .fails_with(&["not a usable backup"]);

    cli.run(&["restore", data.to_str().expect("utf-8")])
        .fails_with(&["the data file itself"]);
    cli.run(&["backup", data.to_str().expect("utf-8")])
        .fails_with(&["the data file itself"]);

    assert_eq!(file_digest(&data), digest, "the data file is untouched");
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names
            .iter()
            .any(|n| n.contains("restoring") || n.contains("before-restore")),
        "{names:?}"
    );
}

fn refresh(base: &str, refresh_token: &str) -> serde_json::Value {
    reqwest::blocking::Client::new()
        .post(format!("{base}/token"))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", "tv-public"),
        ])
        .send()
        .expect("refresh")
        .json()
        .expect("JSON")
}

fn device_authorization(base: &str) -> serde_json::Value {
    reqwest::blocking::Client::new()
        .post(format!("{base}/device_authorization"))
        .form(&[
            ("client_id", "tv-public"),
            ("scope", "openid offline_access"),
        ])
        .send()
        .expect("device authorization")
        .json()
        .expect("JSON")
}

#[test]
fn a_restore_brings_grants_back_unless_told_to_end_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("authbox.redb");
    let snapshot = dir.path().join("monday.redb");
    let snapshot_arg = snapshot.to_str().expect("utf-8");
    let cli = Cli::new(&data);
    let password = "correct horse battery staple";
    cli.add_user("alice", password, &[]);
    cli.run(&[
        "client",
        "add",
        "tv-public",
        "--grant",
        "device_code",
        "--grant",
        "refresh_token",
    ])
    .ok();
    // One address for every start, so the browser's cookie goes to each.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let listen = format!("127.0.0.1:{port}");
    let base = format!("http://{listen}");
    let serve = || {
        let args = [
            "serve",
            "--listen",
            &listen,
            "--issuer",
            &base,
            "--poll-interval",
            "1s",
        ];
        let mut server = Spawned::run(&data, &args, &[]);
        server.line_with("authbox is listening");
        server
    };
    let mut server = serve();

    // A paired TV, a code still pending, and alice signed in in a browser.
    let paired = device_authorization(&base);
    let mut browser = crate::support::browser::Browser::at(&base);
    let user_code = paired["user_code"].as_str().expect("user_code");
    browser.reach_consent(user_code, "alice", password);
    assert_eq!(browser.decide(user_code, "approve").status, 200);
    std::thread::sleep(Duration::from_millis(1100));
    let tokens = poll(&base, paired["device_code"].as_str().expect("device_code"));
    let first_refresh_token = tokens["refresh_token"].as_str().expect("refresh token");
    let pending = device_authorization(&base);
    let pending_code = pending["device_code"].as_str().expect("device_code");

    cli.run(&["backup", snapshot_arg]).ok();
    // After the backup, the TV refreshes: its first refresh token is spent.
    assert!(refresh(&base, first_refresh_token)["refresh_token"].is_string());
    assert_eq!(server.terminate_and_wait(), Some(0));

    // A plain restore brings the spent token back to life, as the README warns.
    cli.run(&["restore", snapshot_arg]).ok();
    let mut server = serve();
    assert!(
        refresh(&base, first_refresh_token)["refresh_token"].is_string(),
        "the snapshot's current token is current again"
    );
    assert_eq!(server.terminate_and_wait(), Some(0));

    // With --end-grants, nothing the snapshot held still works.
    let restored = cli
        .run(&["--json", "restore", "--end-grants", snapshot_arg])
        .json();
    assert_eq!(restored["ended"]["grants"], 1, "{restored}");
    assert_eq!(restored["ended"]["device_codes"], 1, "{restored}");
    assert_eq!(restored["ended"]["sessions"], 1, "{restored}");
    let mut server = serve();
    assert_eq!(
        refresh(&base, first_refresh_token)["error"],
        "invalid_grant"
    );
    assert_eq!(poll(&base, pending_code)["error"], "access_denied");
    let devices = browser.get("/devices");
    assert!(
        devices.says("name=\"password\""),
        "the browser's session ended: {}",
        devices.html
    );
    assert_eq!(server.terminate_and_wait(), Some(0));
}

/// The backup's temporary file is made new, under a name nobody can guess: a link planted at
/// the name a backup once used (`FILE.partial`) in a directory others can write, such as /tmp,
/// is neither followed nor replaced.
#[test]
fn a_backup_never_writes_through_a_link_planted_at_a_temporary_name() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("authbox.redb");
    let cli = Cli::new(&data);
    cli.add_user("alice", "correct horse battery staple", &[]);
    let shared = dir.path().join("shared");
    std::fs::create_dir(&shared).expect("shared dir");
    let victim = dir.path().join("victim.conf");
    std::fs::write(&victim, b"precious").expect("victim");
    let backup = shared.join("monday.redb");
    let planted = shared.join("monday.redb.partial");
    std::os::unix::fs::symlink(&victim, &planted).expect("plant a link");

    cli.run(&["backup", backup.to_str().expect("utf-8")]).ok();

    assert_eq!(
        std::fs::read(&victim).expect("victim"),
        b"precious",
        "the link's target is untouched"
    );
    assert_eq!(
        std::fs::read_link(&planted).expect("still a link"),
        victim,
        "the planted link is left as it was"
    );
    let meta = std::fs::symlink_metadata(&backup).expect("backup");
    assert!(
        meta.file_type().is_file(),
        "the backup is a file of its own"
    );
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o777,
        0o600,
        "a backup holds secrets' hashes and keys"
    );
    let mut names: Vec<String> = std::fs::read_dir(&shared)
        .expect("list")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["monday.redb", "monday.redb.partial"],
        "no temporary left"
    );

    // What was written is a whole backup.
    let elsewhere = dir.path().join("new-home");
    std::fs::create_dir(&elsewhere).expect("dir");
    let restored = Cli::new(&elsewhere.join("authbox.redb"))
        .run(&["--json", "restore", backup.to_str().expect("utf-8")])
        .json();
    assert_eq!(restored["users"], 1);
}
