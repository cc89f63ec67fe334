//! The data file: created private, kept across restarts, refused untouched when foreign,
//! damaged or newer.

use std::os::unix::fs::PermissionsExt;

use redb::{ReadableDatabase, ReadableTable, TableDefinition};

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

#[test]
fn a_schema_1_file_is_migrated_and_keeps_its_clients() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("authbox.redb");
    let cli = Cli::new(&data);
    cli.run(&["client", "add", "tv-public", "--grant", "device_code"])
        .ok();
    // Turn it into the file schema 1 wrote: no code or consent tables, V1 client records.
    {
        let db = redb::Database::open(&data).expect("open with redb");
        let txn = db.begin_write().expect("write");
        txn.delete_table(TableDefinition::<&[u8], &[u8]>::new(
            "authorization_code_hash_to_code",
        ))
        .expect("drop");
        txn.delete_table(TableDefinition::<(&str, &str), &[u8]>::new(
            "user_sub_client_to_consent",
        ))
        .expect("drop");
        {
            let mut clients = txn
                .open_table(TableDefinition::<&str, &[u8]>::new("client_id_to_client"))
                .expect("clients");
            let v6 = clients
                .get("tv-public")
                .expect("read")
                .expect("row")
                .value()
                .to_vec();
            // A V6 record is the V1 fields, then the (here empty) post-logout list, whether
            // the client may introspect others' tokens (here not), its (here no) web origins,
            // the (here no) groups allowed to use it and its (here no) device scope cap.
            assert_eq!((v6[0], &v6[v6.len() - 5..]), (6, [0u8; 5].as_slice()));
            let mut v1 = v6[..v6.len() - 5].to_vec();
            v1[0] = 1;
            clients.insert("tv-public", v1.as_slice()).expect("write");
        }
        txn.open_table(META)
            .expect("meta")
            .insert("schema_version", 1u64.to_be_bytes().as_slice())
            .expect("stamp");
        txn.commit().expect("commit");
    }

    let shown = cli.run(&["--json", "client", "show", "tv-public"]).json()["client"].clone();
    assert_eq!(shown["grants"], serde_json::json!(["device_code"]));
    assert_eq!(shown["post_logout_redirect_uris"], serde_json::json!([]));
    assert_eq!(shown["may_introspect"], false);
    {
        let db = redb::Database::open(&data).expect("open with redb");
        let read = db.begin_read().expect("read");
        let version = read
            .open_table(META)
            .expect("meta")
            .get("schema_version")
            .expect("read")
            .expect("row")
            .value()
            .to_vec();
        assert_eq!(
            version,
            8u64.to_be_bytes(),
            "migrated to the current schema"
        );
        read.open_table(TableDefinition::<(&str, &str), &[u8]>::new(
            "user_sub_client_to_consent",
        ))
        .expect("the consent table exists");
    }
    let server = TestServer::start_in(dir);
    server
        .cli()
        .run(&[
            "client",
            "update",
            "tv-public",
            "--post-logout-redirect-uri",
            "https://tv.example.test/bye",
        ])
        .ok();
    let shown = server
        .cli()
        .run(&["--json", "client", "show", "tv-public"])
        .json()["client"]
        .clone();
    assert_eq!(
        shown["post_logout_redirect_uris"],
        serde_json::json!(["https://tv.example.test/bye"])
    );
}

#[test]
fn a_data_file_that_vanished_is_not_replaced_by_an_empty_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("authbox.redb");
    let record = dir.path().join("authbox.redb.created");
    let cli = Cli::new(&data);
    cli.add_user("alice", "correct horse battery staple", &[]);
    assert!(record.is_file(), "making the file left its record");

    std::fs::remove_file(&data).expect("the file vanishes");
    cli.run(&["serve", "--listen", "127.0.0.1:0"]).fails_with(&[
        "no data file",
        "made one there before",
        "authbox restore",
        "authbox.redb.created",
    ]);
    cli.add_user_fails("bob");
    assert!(!data.exists(), "no empty authority took its place");

    // Starting afresh is a deliberate act.
    std::fs::remove_file(&record).expect("the record removed on purpose");
    cli.add_user("bob", "correct horse battery staple", &[]);
    assert!(data.is_file() && record.is_file());
}

#[test]
fn a_file_made_before_records_existed_gets_its_record_when_served() {
    let server = TestServer::start();
    let record = server.data.with_extension("redb.created");
    assert!(record.is_file());
    std::fs::remove_file(&record).expect("as an older authbox left it");
    let server = server.restart();
    assert!(record.is_file(), "opening it to serve writes the record");
    drop(server);
}

#[test]
fn a_schema_3_file_is_migrated_and_keeps_its_signing_keys() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("authbox.redb");
    let cli = Cli::new(&data);
    cli.add_user("alice", "correct horse battery staple", &[]);
    let made = cli.run(&["--json", "key", "rotate", "--now"]).json();
    let mut kids: Vec<String> = made["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|k| k["kid"].as_str().expect("kid").to_owned())
        .collect();
    kids.sort();
    let keys_table = TableDefinition::<&str, &[u8]>::new("key_id_to_signing_key");
    // Turn it into the file schema 3 wrote: V1 signing key records.
    {
        let db = redb::Database::open(&data).expect("open with redb");
        let txn = db.begin_write().expect("write");
        {
            let mut keys = txn.open_table(keys_table).expect("keys");
            let records: Vec<(String, Vec<u8>)> = keys
                .iter()
                .expect("iterate")
                .map(|entry| {
                    let (kid, record) = entry.expect("row");
                    (kid.value().to_owned(), record.value().to_vec())
                })
                .collect();
            assert_eq!(records.len(), 3);
            for (kid, v2) in records {
                // A V2 record is the V1 fields then the (here empty) moment a next key signs.
                assert_eq!((v2[0], v2.last()), (2, Some(&0)));
                let mut v1 = v2[..v2.len() - 1].to_vec();
                v1[0] = 1;
                keys.insert(kid.as_str(), v1.as_slice()).expect("write");
            }
        }
        txn.open_table(META)
            .expect("meta")
            .insert("schema_version", 3u64.to_be_bytes().as_slice())
            .expect("stamp");
        txn.commit().expect("commit");
    }

    let server = TestServer::start_in(dir);
    // All three, though `/jwks` shows only the types some client uses (see `keys`).
    let mut kept: Vec<String> = server.cli().run(&["--json", "key", "list"]).json()["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|k| k["kid"].as_str().expect("kid").to_owned())
        .collect();
    kept.sort();
    assert_eq!(kept, kids, "the same keys, still signing");
    server.cli().run(&["key", "rotate", "--alg", "EdDSA"]).ok();
    let status = server.cli().run(&["--json", "check"]).json();
    assert_eq!(status["status"]["schema_version"], 8);
    assert_eq!(status["status"]["signing_keys"], 4);
}
