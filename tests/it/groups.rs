//! Groups (`authbox group …`) and the `groups` claim: managed through the real binary, over the
//! control socket and on the file directly; released only when the scope is granted.

use redb::{ReadableDatabase, ReadableTable, TableDefinition};

use crate::support::jwt::verify;
use crate::support::oauth::{ALICE_PASSWORD, started};
use crate::support::{Cli, TestServer};

const BOB_PASSWORD: &str = "Tr0ub4dor&3";

fn groups_json(cli: &Cli) -> serde_json::Value {
    cli.run(&["--json", "group", "list"]).json()["groups"].clone()
}

#[test]
fn grp_01_groups_are_created_renamed_and_filled_while_the_server_runs() {
    let server = started();
    let cli = server.cli();

    let made = cli.run(&["--json", "group", "create", "Family"]).json();
    assert_eq!(made["group"]["name"], "Family");
    let id = made["group"]["id"].as_str().expect("an id").to_owned();
    let filled = cli
        .run(&["--json", "group", "add", "family", "alice", "BOB"])
        .json();
    assert_eq!(
        filled["group"]["members"],
        serde_json::json!(["alice", "bob"]),
        "names are case-insensitive for groups and users alike"
    );
    cli.run(&["group", "create", "kids"]).ok();
    cli.run(&["group", "add", "kids", "bob"]).ok();
    cli.run(&["client", "update", "tv-public", "--allow-group", "kids"])
        .ok();

    let renamed = cli
        .run(&["--json", "group", "rename", "FAMILY", "household"])
        .json();
    assert_eq!(renamed["group"]["name"], "household");
    assert_eq!(renamed["group"]["id"], id.as_str(), "a rename keeps the id");
    assert_eq!(
        renamed["group"]["members"],
        serde_json::json!(["alice", "bob"]),
        "and the members"
    );
    cli.run(&["group", "rename", "kids", "Children"]).ok();
    let tv = cli.run(&["--json", "client", "show", "tv-public"]).json();
    assert_eq!(
        tv["client"]["allowed_groups"],
        serde_json::json!(["Children"]),
        "a client's policy follows the rename"
    );
    let shown = cli.run(&["client", "show", "tv-public"]).ok();
    assert!(shown.contains("allowed_groups:  Children"), "{shown}");
    let listed = cli.run(&["client", "list"]).ok();
    assert!(
        listed.contains("ALLOWED") && listed.contains("Children") && listed.contains("everyone"),
        "{listed}"
    );

    let bob = cli.run(&["--json", "user", "show", "bob"]).json();
    assert_eq!(
        bob["user"]["groups"],
        serde_json::json!(["Children", "household"]),
        "`user show` lists a person's groups, sorted"
    );
    let text = cli.run(&["user", "show", "bob"]).ok();
    assert!(
        text.contains("groups:          Children household"),
        "{text}"
    );

    cli.run(&["group", "remove", "household", "bob"]).ok();
    let shown = cli.run(&["--json", "group", "show", "household"]).json();
    assert_eq!(shown["group"]["members"], serde_json::json!(["alice"]));
    let table = cli.run(&["group", "list"]).ok();
    assert!(
        table.contains("GROUP") && table.contains("household") && table.contains("Children"),
        "{table}"
    );

    cli.run(&["client", "update", "tv-public", "--allow-everyone"])
        .ok();
    let deleted = cli.run(&["--json", "group", "delete", "children"]).json();
    assert_eq!(deleted["group"]["name"], "Children");
    assert_eq!(groups_json(&cli).as_array().map(Vec::len), Some(1));
}

#[test]
fn grp_02_bad_input_is_refused_clearly_and_changes_nothing() {
    let server = started();
    let cli = server.cli();
    cli.run(&["group", "create", "family"]).ok();
    cli.run(&["group", "add", "family", "alice"]).ok();
    let groups_before = groups_json(&cli);
    let client_before = cli.run(&["--json", "client", "show", "tv-public"]).json();

    cli.run(&["group", "create", "FAMILY"])
        .fails_with(&["a group named \"FAMILY\" already exists"]);
    cli.run(&["group", "create", "other"]).ok();
    cli.run(&["group", "rename", "other", "Family"])
        .fails_with(&["a group named \"Family\" already exists"]);
    cli.run(&["group", "delete", "other"]).ok();
    for bad in ["has space", "_underscore-first", "ünï", &"x".repeat(65), ""] {
        cli.run(&["group", "create", bad])
            .fails_with(&["is not allowed: use 1 to 64 ASCII letters, digits and - _ ."]);
    }
    cli.run(&["group", "rename", "family", "bad/name"])
        .fails_with(&["group name \"bad/name\" is not allowed"]);
    cli.run(&["group", "add", "family", "bob", "mallory"])
        .fails_with(&["there is no user named \"mallory\""]);
    cli.run(&["group", "add", "nosuch", "bob"])
        .fails_with(&["there is no group named \"nosuch\""]);
    cli.run(&["group", "remove", "nosuch", "alice"])
        .fails_with(&["there is no group named \"nosuch\""]);
    cli.run(&["group", "show", "nosuch"])
        .fails_with(&["there is no group named \"nosuch\""]);
    cli.run(&["group", "delete", "nosuch"])
        .fails_with(&["there is no group named \"nosuch\""]);
    cli.run(&["group", "add", "family"])
        .fails_with(&["USERNAME"]);
    cli.run(&[
        "client",
        "update",
        "tv-public",
        "--allow-group",
        "family",
        "--allow-group",
        "nosuch",
    ])
    .fails_with(&["there is no group named \"nosuch\"", "authbox group create"]);
    cli.run(&[
        "client",
        "add",
        "new-tv",
        "--grant",
        "device_code",
        "--allow-group",
        "nosuch",
    ])
    .fails_with(&["there is no group named \"nosuch\""]);
    cli.run(&[
        "client",
        "update",
        "tv-public",
        "--allow-group",
        "family",
        "--allow-everyone",
    ])
    .fails_with(&["cannot be used with"]);

    assert_eq!(groups_json(&cli), groups_before, "no group changed");
    assert_eq!(
        cli.run(&["--json", "client", "show", "tv-public"]).json(),
        client_before,
        "no policy changed"
    );
    cli.run(&["client", "show", "new-tv"])
        .fails_with(&["there is no client named \"new-tv\""]);
}

#[test]
fn grp_03_a_group_a_client_names_cannot_be_deleted_until_taken_out() {
    let server = started();
    let cli = server.cli();
    cli.run(&["group", "create", "ops"]).ok();
    cli.run(&["group", "add", "ops", "alice"]).ok();
    cli.run(&["client", "update", "tv-public", "--allow-group", "ops"])
        .ok();
    cli.run(&["client", "update", "tv-other", "--allow-group", "OPS"])
        .ok();

    cli.run(&["group", "delete", "ops"]).fails_with(&[
        "group \"ops\" is in the access policy of client tv-other, tv-public",
        "--allow-everyone",
        "nothing was changed",
    ]);
    let kept = cli.run(&["--json", "group", "show", "ops"]).json();
    assert_eq!(kept["group"]["members"], serde_json::json!(["alice"]));

    cli.run(&["client", "update", "tv-public", "--allow-everyone"])
        .ok();
    cli.run(&["client", "remove", "tv-other"]).ok();
    cli.run(&["group", "delete", "ops"]).ok();
    let tv = cli.run(&["--json", "client", "show", "tv-public"]).json();
    assert_eq!(tv["client"]["allowed_groups"], serde_json::json!([]));
}

#[test]
fn grp_04_removing_a_person_removes_their_memberships() {
    let server = started();
    let cli = server.cli();
    cli.run(&["group", "create", "family"]).ok();
    cli.run(&["group", "add", "family", "alice", "bob"]).ok();
    cli.run(&["user", "remove", "bob"]).ok();
    let family = cli.run(&["--json", "group", "show", "family"]).json();
    assert_eq!(family["group"]["members"], serde_json::json!(["alice"]));
    // A new bob is someone else: not a member by name.
    cli.add_user("bob", BOB_PASSWORD, &[]);
    let family = cli.run(&["--json", "group", "show", "family"]).json();
    assert_eq!(family["group"]["members"], serde_json::json!(["alice"]));
}

#[test]
fn grp_05_groups_are_managed_on_the_file_directly_without_a_server() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cli = Cli::new(&dir.path().join("authbox.redb"));
    cli.add_user("alice", ALICE_PASSWORD, &[]);
    cli.run(&["group", "create", "family"]).ok();
    cli.run(&["group", "add", "family", "alice"]).ok();
    cli.run(&[
        "client",
        "add",
        "tv",
        "--grant",
        "device_code",
        "--allow-group",
        "family",
    ])
    .ok();
    let tv = cli.run(&["--json", "client", "show", "tv"]).json();
    assert_eq!(
        tv["client"]["allowed_groups"],
        serde_json::json!(["family"])
    );

    let server = TestServer::start_in(dir);
    let alice = server
        .cli()
        .run(&["--json", "user", "show", "alice"])
        .json();
    assert_eq!(alice["user"]["groups"], serde_json::json!(["family"]));
    let status = server.cli().run(&["--json", "check"]).json();
    assert_eq!(status["status"]["schema_version"], 8);
}

/// `groups` on `tv-public` as well as the fixtures' scopes.
fn with_groups_scope(server: &TestServer) {
    server
        .cli()
        .run(&[
            "client",
            "update",
            "tv-public",
            "--scope",
            "openid profile email offline_access groups",
        ])
        .ok();
}

#[test]
fn grp_06_the_groups_scope_releases_the_groups_claim_sorted() {
    let server = started();
    let cli = server.cli();
    for group in ["zeta", "Alpha", "mid"] {
        cli.run(&["group", "create", group]).ok();
        cli.run(&["group", "add", group, "alice"]).ok();
    }
    cli.run(&["group", "create", "not-hers"]).ok();
    with_groups_scope(&server);

    let tokens = server.grant("tv-public", "openid groups", "alice");
    assert_eq!(tokens.status, 200, "{}", tokens.body);
    let expected = serde_json::json!(["Alpha", "mid", "zeta"]);
    let (_, id) = verify(&server, &tokens.str("id_token"), "tv-public");
    assert_eq!(id["groups"], expected, "ID token");
    let (_, access) = verify(
        &server,
        &tokens.str("access_token"),
        &format!("{}/userinfo", server.base),
    );
    assert_eq!(access["groups"], expected, "access token");
    let userinfo: serde_json::Value = reqwest::blocking::Client::new()
        .get(server.url("/userinfo"))
        .bearer_auth(tokens.str("access_token"))
        .send()
        .expect("userinfo")
        .json()
        .expect("JSON");
    assert_eq!(userinfo["groups"], expected, "UserInfo");

    // Bob is in no group: the claim is there, and empty.
    let bobs = server.grant("tv-public", "openid groups", "bob");
    let (_, id) = verify(&server, &bobs.str("id_token"), "tv-public");
    assert_eq!(id["groups"], serde_json::json!([]));

    // Without the scope, no claim anywhere.
    let plain = server.grant("tv-public", "openid profile", "alice");
    let (_, id) = verify(&server, &plain.str("id_token"), "tv-public");
    assert!(id.get("groups").is_none(), "{id}");
    let (_, access) = verify(
        &server,
        &plain.str("access_token"),
        &format!("{}/userinfo", server.base),
    );
    assert!(access.get("groups").is_none(), "{access}");
}

#[test]
fn grp_07_a_client_gets_the_groups_scope_only_when_the_operator_grants_it() {
    let server = started();
    server
        .device_authorization("tv-public", "openid groups")
        .is_error(400, "invalid_scope");
    let added = server
        .cli()
        .run(&[
            "--json",
            "client",
            "add",
            "new-tv",
            "--grant",
            "device_code",
        ])
        .json();
    assert!(
        !added["client"]["scopes"]
            .as_str()
            .unwrap_or_default()
            .contains("groups"),
        "not among the defaults: {added}"
    );
    with_groups_scope(&server);
    let started = server.device_authorization("tv-public", "openid groups");
    assert_eq!(started.status, 200, "{}", started.body);
    // The person is told in words what the scope lets the device see.
    let mut browser = crate::support::browser::Browser::new(&server);
    let consent = browser.reach_consent(&started.str("user_code"), "alice", ALICE_PASSWORD);
    assert!(
        consent.says("See which groups you are in"),
        "{}",
        consent.html
    );
}

#[test]
fn grp_08_discovery_lists_the_groups_scope_and_claim() {
    let server = TestServer::start();
    let metadata = server.get_json("/.well-known/openid-configuration");
    let has = |member: &str| {
        metadata[member]
            .as_array()
            .is_some_and(|list| list.iter().any(|v| v == "groups"))
    };
    assert!(has("scopes_supported"), "{metadata}");
    assert!(has("claims_supported"), "{metadata}");
}

#[test]
fn grp_09_a_schema_5_file_is_migrated_and_its_clients_stay_open_to_everyone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("authbox.redb");
    let cli = Cli::new(&data);
    cli.add_user("alice", ALICE_PASSWORD, &[]);
    cli.run(&["client", "add", "tv", "--grant", "device_code"])
        .ok();
    let clients = TableDefinition::<&str, &[u8]>::new("client_id_to_client");
    let meta = TableDefinition::<&str, &[u8]>::new("meta_key_to_value");
    // Turn it into the file schema 5 wrote: V4 client records, no group tables.
    {
        let db = redb::Database::open(&data).expect("open with redb");
        let txn = db.begin_write().expect("write");
        for table in ["group_id_to_group", "group_name_to_group_id"] {
            txn.delete_table(TableDefinition::<&str, &[u8]>::new(table))
                .expect("drop");
        }
        {
            let mut table = txn.open_table(clients).expect("clients");
            let v6 = table
                .get("tv")
                .expect("read")
                .expect("row")
                .value()
                .to_vec();
            // A V6 record is a V4 record's fields, then the (here empty) allowed groups and
            // the (here no) device scope cap.
            assert_eq!((v6[0], &v6[v6.len() - 2..]), (6, [0u8, 0].as_slice()));
            let mut v4 = v6[..v6.len() - 2].to_vec();
            v4[0] = 4;
            table.insert("tv", v4.as_slice()).expect("write");
        }
        txn.open_table(meta)
            .expect("meta")
            .insert("schema_version", 5u64.to_be_bytes().as_slice())
            .expect("stamp");
        txn.commit().expect("commit");
    }

    let mut server = TestServer::start_in(dir);
    let tv = server.cli().run(&["--json", "client", "show", "tv"]).json();
    assert_eq!(tv["client"]["allowed_groups"], serde_json::json!([]));
    let tokens = server.grant("tv", "openid", "alice");
    assert_eq!(
        tokens.status, 200,
        "open to everyone, as before: {}",
        tokens.body
    );
    server.cli().run(&["group", "create", "family"]).ok();
    server
        .cli()
        .run(&["client", "update", "tv", "--allow-group", "family"])
        .ok();
    let started = server.device_authorization("tv", "openid");
    assert_eq!(started.status, 200);
    let status = server.cli().run(&["--json", "check"]).json();
    assert_eq!(status["status"]["schema_version"], 8);
    server.stop();
    // The file closes when the last task lets go of the app: a control-socket answer may
    // still be finishing.
    let mut opened = redb::Database::open(&data);
    for _ in 0..50 {
        if !matches!(opened, Err(redb::DatabaseError::DatabaseAlreadyOpen)) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        opened = redb::Database::open(&data);
    }
    let db = opened.expect("open with redb");
    let read = db.begin_read().expect("read");
    let record = read
        .open_table(clients)
        .expect("clients")
        .get("tv")
        .expect("read")
        .expect("row")
        .value()
        .to_vec();
    assert_eq!(
        record[0], 6,
        "written as the current version (V6) once changed"
    );
}

#[test]
fn grp_10_a_group_deleted_while_a_policy_names_it_never_leaves_a_dangling_policy() {
    use authbox::app::clients::ClientSettings;
    let server = started();
    let app = server.app();
    let mut deleted = 0;
    for round in 0..20 {
        let name = format!("race-{round}");
        app.create_group(&name).expect("create");
        let barrier = std::sync::Barrier::new(2);
        let (delete, update) = std::thread::scope(|scope| {
            let delete = scope.spawn(|| {
                barrier.wait();
                app.delete_group(&name)
            });
            let update = scope.spawn(|| {
                barrier.wait();
                app.update_client(
                    "tv-public",
                    &ClientSettings {
                        allow_groups: Some(vec![name.clone()]),
                        ..ClientSettings::default()
                    },
                )
            });
            (
                delete.join().expect("delete thread"),
                update.join().expect("update thread"),
            )
        });
        // One of the two wins; never both.
        assert!(
            delete.is_ok() != update.is_ok(),
            "round {round}: {delete:?} / {update:?}"
        );
        let tv = app.client("tv-public").expect("tv");
        for id in &tv.allowed_groups {
            assert!(
                app.execute(authbox::app::admin::AdminRequest::Group(
                    authbox::app::groups::GroupRequest::List
                ))
                .is_ok_and(|listed| format!("{listed:?}").contains(id.as_str())),
                "round {round}: the policy names a group that is gone"
            );
        }
        if delete.is_ok() {
            deleted += 1;
        } else {
            app.update_client(
                "tv-public",
                &ClientSettings {
                    allow_groups: Some(Vec::new()),
                    ..ClientSettings::default()
                },
            )
            .expect("open again");
        }
    }
    eprintln!("the delete won {deleted} of 20 rounds");
}
