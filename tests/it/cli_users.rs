//! `authbox user …` against a running server (through its control socket) and without one.

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
