//! `authbox user …` against a running server (through its control socket) and without one.

use std::process::Command;

use authbox::control::client::trusted_server;

use crate::support::binary::binary_path;
use crate::support::spawned::Spawned;
use crate::support::{Cli, TestServer, file_contains};

const ALICE_PASSWORD: &str = "correct horse battery staple";

#[test]
fn users_are_managed_while_the_server_runs() {
    let server = TestServer::start();
    let cli = server.cli();

    let alice = cli.add_user(
        "alice",
        ALICE_PASSWORD,
        &[
            "--name",
            "Alice Liddell",
            "--email",
            "alice@example.org",
            "--email-verified",
            "--admin",
        ],
    );
    assert_eq!(alice["username"], "alice");
    assert_eq!(alice["admin"], true);
    assert_eq!(alice["email_verified"], true);
    let sub = alice["sub"].as_str().expect("sub");
    assert!(
        sub.len() >= 16 && sub.bytes().all(|b| (0x21..=0x7e).contains(&b)),
        "OIDC-2-sub: {sub}"
    );
    assert!(
        !sub.contains("alice"),
        "the sub is not derived from the username"
    );

    // The running server answers at once with what was just added.
    let shown = cli.run(&["--json", "user", "show", "ALICE"]).json();
    assert_eq!(
        shown["user"]["sub"], sub,
        "usernames are matched ignoring case"
    );

    cli.run(&["user", "disable", "alice"]).ok();
    assert_eq!(
        cli.run(&["--json", "user", "show", "alice"]).json()["user"]["disabled"],
        true
    );
    cli.run(&["user", "enable", "alice"]).ok();
    assert_eq!(
        cli.run(&["--json", "user", "show", "alice"]).json()["user"]["disabled"],
        false
    );

    let out = cli.run_with_stdin(
        &["user", "passwd", "alice", "--password-stdin"],
        Some("Tr0ub4dor&3-longer\n"),
    );
    out.ok();

    let table = cli.run(&["user", "list"]).ok();
    assert!(table.starts_with("USERNAME"), "{table}");
    assert!(
        table.contains("Alice Liddell") && table.contains(sub),
        "{table}"
    );
}

#[test]
fn a_username_is_unique_ignoring_case() {
    let server = TestServer::start();
    server.cli().add_user("alice", ALICE_PASSWORD, &[]);
    let out = server.cli().run_with_stdin(
        &["user", "add", "Alice", "--password-stdin"],
        Some("another password\n"),
    );
    out.fails_with(&["already exists"]);
    assert_eq!(
        server.cli().run(&["--json", "user", "list"]).json()["users"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}

#[test]
fn a_removed_users_subject_is_never_reused() {
    let server = TestServer::start();
    let first = server.cli().add_user("alice", ALICE_PASSWORD, &[]);
    server.cli().run(&["user", "remove", "alice"]).ok();
    server
        .cli()
        .run(&["user", "show", "alice"])
        .fails_with(&["no user named \"alice\""]);
    let second = server.cli().add_user("alice", ALICE_PASSWORD, &[]);
    assert_ne!(first["sub"], second["sub"]);
}

#[test]
fn passwords_are_stored_as_argon2id_hashes_only() {
    let mut server = TestServer::start();
    server.cli().add_user("alice", ALICE_PASSWORD, &[]);
    server.stop();
    // WEB-14: OWASP's Argon2id parameters, in PHC form; the plaintext is nowhere in the file.
    assert!(file_contains(
        &server.data,
        b"$argon2id$v=19$m=19456,t=2,p=1$"
    ));
    assert!(!file_contains(&server.data, ALICE_PASSWORD.as_bytes()));
}

#[test]
fn bad_user_input_is_refused_with_the_reason() {
    let server = TestServer::start();
    let cli = server.cli();
    let add = |name: &str, password: &str, extra: &[&str]| {
        let mut args = vec!["user", "add", name, "--password-stdin"];
        args.extend_from_slice(extra);
        cli.run_with_stdin(&args, Some(&format!("{password}\n")))
    };
    add("alice", "short", &[]).fails_with(&["shorter than 8"]);
    add("al ice", ALICE_PASSWORD, &[]).fails_with(&["not allowed"]);
    add("<script>", ALICE_PASSWORD, &[]).fails_with(&["not allowed"]);
    add("alice", ALICE_PASSWORD, &["--email", "not-an-address"]).fails_with(&["not an address"]);
    add("alice", ALICE_PASSWORD, &["--email-verified"]).fails_with(&["needs an --email"]);
    add("alice", &"x".repeat(2000), &[]).fails_with(&["longer than 1024 bytes"]);
    cli.run(&["user", "disable", "nobody"])
        .fails_with(&["no user named"]);
    assert_eq!(
        cli.run(&["--json", "user", "list"]).json()["users"],
        serde_json::json!([])
    );
}

#[test]
fn a_password_is_never_read_from_the_command_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cli = Cli::new(&dir.path().join("authbox.redb"));
    // No terminal and no --password-stdin: there is nowhere to ask, and argv is not an option.
    cli.run(&["user", "add", "alice"])
        .fails_with(&["--password-stdin"]);
    let out = cli.run(&["user", "add", "alice", "--password", "hunter22"]);
    assert_eq!(out.code, Some(2), "clap refuses an unknown flag: {out:?}");
}

#[test]
fn commands_without_a_server_create_the_file_and_the_server_sees_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("authbox.redb");
    let cli = Cli::new(&data);
    let alice = cli.add_user("alice", ALICE_PASSWORD, &["--admin"]);
    assert!(data.exists());
    assert!(
        !data.with_extension("redb.sock").exists(),
        "no server, no socket"
    );

    let server = TestServer::start_in(dir);
    let users = server.cli().run(&["--json", "user", "list"]).json();
    assert_eq!(users["users"][0]["sub"], alice["sub"]);
    assert!(
        server.data.with_extension("redb.sock").exists(),
        "now the server answers on its socket"
    );
}

#[test]
fn the_cli_trusts_a_control_socket_held_by_itself_root_or_the_data_files_owner_only() {
    let (me, root, owner, stranger) = (1000, 0, 998, 65534);
    assert!(trusted_server(me, me, Some(owner)), "a server of my own");
    assert!(trusted_server(root, me, Some(owner)), "root's server");
    assert!(
        trusted_server(owner, root, Some(owner)),
        "the service account that owns the file, managed by root"
    );
    assert!(trusted_server(owner, me, Some(owner)));
    assert!(!trusted_server(stranger, me, Some(owner)));
    assert!(!trusted_server(stranger, root, Some(root)));
    assert!(
        !trusted_server(stranger, me, None),
        "with no data file to own, only me and root"
    );
}

/// The uid of `nobody` on Debian and most other systems.
const NOBODY: u32 = 65534;

/// A listener of another account needs root and `setpriv` (util-linux). CI has both, so there a
/// missing one fails the test instead of skipping it.
fn can_run_as_another_account() -> bool {
    let root = rustix::process::geteuid().is_root();
    let setpriv = Command::new("setpriv")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success());
    if root && setpriv {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must run the foreign control socket test, as root with setpriv"
    );
    eprintln!("skipped: running a listener as another account needs root and setpriv");
    false
}

/// Another account's process on `<data file>.sock` hears nothing, password included: here a
/// real authbox running as `nobody` on a file of its own, its socket linked into place.
#[test]
fn the_cli_sends_nothing_to_a_control_socket_held_by_another_account() {
    if !can_run_as_another_account() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let permissions = std::os::unix::fs::PermissionsExt::from_mode(0o755);
    std::fs::set_permissions(dir.path(), permissions).expect("let nobody in");
    let data = dir.path().join("authbox.redb");
    let cli = Cli::new(&data);
    cli.add_user("alice", ALICE_PASSWORD, &[]);

    let theirs = dir.path().join("theirs");
    std::fs::create_dir(&theirs).expect("dir");
    std::os::unix::fs::chown(&theirs, Some(NOBODY), Some(NOBODY)).expect("chown");
    let their_data = theirs.join("authbox.redb");
    let mut command = Command::new("setpriv");
    command
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(binary_path())
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(&their_data);
    for (key, _) in std::env::vars() {
        if key.starts_with("AUTHBOX_") {
            command.env_remove(key);
        }
    }
    let mut impostor = Spawned::start(command);
    impostor.line_with("authbox is listening");

    // Its own file is nobody's, so root may manage it through that socket.
    let their_cli = Cli::new(&their_data);
    their_cli.add_user("bob", ALICE_PASSWORD, &[]);

    std::fs::hard_link(
        theirs.join("authbox.redb.sock"),
        dir.path().join("authbox.redb.sock"),
    )
    .expect("link the socket beside root's file");
    let password = "never-for-another-account";
    cli.run_with_stdin(
        &["user", "add", "mallory", "--password-stdin"],
        Some(&format!("{password}\n")),
    )
    .fails_with(&["refusing", "uid 65534", "nothing was sent"]);

    assert_eq!(impostor.terminate_and_wait(), Some(0));
    let names = |cli: &Cli| -> Vec<String> {
        cli.run(&["--json", "user", "list"]).json()["users"]
            .as_array()
            .expect("users")
            .iter()
            .map(|u| u["username"].as_str().expect("username").to_owned())
            .collect()
    };
    assert_eq!(names(&their_cli), ["bob"], "the other account got nothing");
    assert_eq!(names(&cli), ["alice"]);
    assert!(!file_contains(&their_data, password.as_bytes()));
}

/// A person's name, email and role change without a new `sub`: the apps they signed in to
/// see the new name under the same subject, and their devices stay signed in.
#[test]
fn user_update_keeps_the_sub_and_the_apps_see_the_change() {
    let server = crate::support::oauth::started();
    let tokens = server.grant("tv-public", "openid profile email offline_access", "alice");
    let access = tokens.str("access_token");
    let userinfo = |token: &str| -> serde_json::Value {
        reqwest::blocking::Client::new()
            .get(server.url("/userinfo"))
            .bearer_auth(token)
            .send()
            .and_then(|r| r.json())
            .expect("userinfo")
    };
    let before = userinfo(&access);

    let cli = server.cli();
    let changed = cli
        .run(&[
            "--json",
            "user",
            "update",
            "alice",
            "--name",
            "Alice Kingsleigh",
            "--email",
            "alice@wonder.example",
            "--admin",
        ])
        .json();
    assert_eq!(changed["user"]["sub"], before["sub"]);
    assert_eq!(
        changed["user"]["email_verified"], false,
        "a new address is unverified"
    );
    assert_eq!(changed["user"]["admin"], true);

    let after = userinfo(&access);
    assert_eq!(after["sub"], before["sub"]);
    assert_eq!(after["name"], "Alice Kingsleigh");
    assert_eq!(after["email"], "alice@wonder.example");
    // The device's grant goes on.
    let refreshed = server.post_form(
        "/token",
        &format!(
            "grant_type=refresh_token&client_id=tv-public&refresh_token={}",
            crate::support::oauth::enc(&tokens.str("refresh_token"))
        ),
        None,
    );
    assert_eq!(refreshed.status, 200, "{}", refreshed.body);

    // Clearing the email takes its verification with it; nonsense is refused, nothing changes.
    cli.run(&["user", "update", "alice", "--email", "not an address"])
        .fails_with(&["email"]);
    cli.run(&["user", "update", "nobody", "--name", "X"])
        .fails_with(&["no user named"]);
    let cleared = cli
        .run(&["--json", "user", "update", "alice", "--email", ""])
        .json();
    assert!(cleared["user"]["email"].is_null(), "{cleared}");
    cli.run(&["user", "update", "alice", "--email-verified"])
        .fails_with(&["needs an email"]);
    assert_eq!(userinfo(&access)["name"], "Alice Kingsleigh");
}
