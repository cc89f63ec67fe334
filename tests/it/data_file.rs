//! The data file: created private, kept across restarts, refused untouched when foreign,
//! damaged or newer.

use std::os::unix::fs::PermissionsExt;

use redb::{ReadableDatabase, TableDefinition};

use crate::support::{Cli, TestServer, file_digest};

const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta_key_to_value");

#[test]
fn a_new_data_file_is_readable_by_its_owner_only() {
    let server = TestServer::start();
    let mode = std::fs::metadata(&server.data)
        .expect("data file")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let socket_mode = std::fs::metadata(server.data.with_extension("redb.sock"))
        .expect("socket")
        .permissions()
        .mode();
    assert_eq!(socket_mode & 0o777, 0o600);
}

#[test]
fn a_restart_keeps_users_clients_and_keys() {
    let server = TestServer::start();
    let alice = server.cli().add_user(
        "alice",
        "correct horse battery staple",
        &["--email", "alice@example.org"],
    );
    server
        .cli()
        .run(&[
            "client",
            "add",
            "tv-public",
            "--name",
            "Living room TV",
            "--grant",
            "device_code",
            "--grant",
            "refresh_token",
        ])
        .ok();
    let jwks_before = server.get_json("/jwks");

    let server = server.restart();

    let users = server.cli().run(&["--json", "user", "list"]).json();
    assert_eq!(users["users"][0]["username"], "alice");
    assert_eq!(
        users["users"][0]["sub"], alice["sub"],
        "the subject survives a restart"
    );
    assert_eq!(users["users"][0]["email"], "alice@example.org");
    let client = server
        .cli()
        .run(&["--json", "client", "show", "tv-public"])
        .json();
    assert_eq!(client["client"]["name"], "Living room TV");
    assert_eq!(
        client["client"]["grants"],
        serde_json::json!(["device_code", "refresh_token"])
    );
    assert_eq!(
        server.get_json("/jwks"),
        jwks_before,
        "the same signing keys are published"
    );
}

/// Writes `version` as the file's schema version, the way a newer authbox would.
fn stamp_schema_version(path: &std::path::Path, version: u64) {
    let db = redb::Database::open(path).expect("open with redb");
    let txn = db.begin_write().expect("write");
    txn.open_table(META)
        .expect("meta table")
        .insert("schema_version", version.to_be_bytes().as_slice())
        .expect("insert");
    txn.commit().expect("commit");
}

#[test]
fn a_newer_schema_is_refused_and_the_file_left_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("authbox.redb");
    let cli = Cli::new(&data);
    cli.add_user("alice", "correct horse battery staple", &[]);
    stamp_schema_version(&data, 99);
    let before = file_digest(&data);

    cli.run(&["user", "list"])
        .fails_with(&["schema version 99", "newer", "untouched"]);
    cli.run(&["serve", "--listen", "127.0.0.1:0"])
        .fails_with(&["schema version 99"]);
    cli.run(&["check"]).fails_with(&["schema version 99"]);

    assert_eq!(
        file_digest(&data),
        before,
        "nothing was written to the newer file"
    );
}

#[test]
fn a_file_that_is_not_redb_is_refused_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("authbox.redb");
    let garbage: Vec<u8> = (0..20_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&data, &garbage).expect("write garbage");
    let before = file_digest(&data);
    let cli = Cli::new(&data);

    cli.run(&["user", "list"])
        .fails_with(&["is not an authbox data file"]);
    cli.run(&["serve", "--listen", "127.0.0.1:0"])
        .fails_with(&["is not an authbox data file"]);
    cli.add_user_fails("alice");

    assert_eq!(file_digest(&data), before);
}

#[test]
fn a_redb_file_of_another_program_is_refused_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("other.redb");
    {
        let db = redb::Database::create(&data).expect("create");
        let txn = db.begin_write().expect("write");
        txn.open_table(TableDefinition::<u64, u64>::new("inventory"))
            .expect("table")
            .insert(1, 2)
            .expect("insert");
        txn.commit().expect("commit");
    }
    let before = file_digest(&data);

    Cli::new(&data)
        .run(&["user", "list"])
        .fails_with(&["not an authbox data file", "inventory"]);

    assert_eq!(file_digest(&data), before);
    let db = redb::Database::open(&data).expect("still a valid redb file");
    let read = db.begin_read().expect("read");
    assert!(read.open_table(META).is_err(), "no authbox table was added");
}

#[test]
fn a_missing_directory_is_named_with_the_fix() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("no/such/dir/authbox.redb");
    let cli = Cli::new(&data);
    cli.run(&["serve", "--listen", "127.0.0.1:0"])
        .fails_with(&["does not exist", "--data"]);
    cli.add_user_fails("alice");
    assert!(!dir.path().join("no").exists());
}

#[test]
fn a_data_file_that_is_a_directory_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("authbox.redb");
    std::fs::create_dir(&data).expect("mkdir");
    Cli::new(&data)
        .run(&["user", "list"])
        .fails_with(&["not a regular file"]);
}

#[test]
fn listing_without_a_data_file_explains_how_to_create_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("authbox.redb");
    Cli::new(&data)
        .run(&["user", "list"])
        .fails_with(&["no data file", "authbox serve"]);
    assert!(!data.exists(), "a listing does not create a file");
}

impl Cli {
    fn add_user_fails(&self, username: &str) {
        let out = self.run_with_stdin(
            &["user", "add", username, "--password-stdin"],
            Some("correct horse battery\n"),
        );
        assert_ne!(out.code, Some(0), "{out:?}");
        assert!(!out.stderr.contains("panicked"), "{out:?}");
    }
}
