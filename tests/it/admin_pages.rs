//! The admin pages under `/admin`, as an administrator, a person who is not one, a browser
//! signed out and a forger meet them. IDs: ADM-1 (one guard for every path), ADM-2 (changes
//! are the CLI's, confirmed, and in the audit log), ADM-3 (the role counts at once).

use authbox::app::accounts::UserChanges;

use crate::support::TestServer;
use crate::support::browser::Browser;
use crate::support::oauth::{ALICE_PASSWORD, enc, started};

const BOB_PASSWORD: &str = "Tr0ub4dor&3";

fn with_admin() -> TestServer {
    let server = started();
    let changes = UserChanges {
        admin: Some(true),
        ..UserChanges::default()
    };
    server
        .app()
        .update_user("alice", &changes)
        .expect("alice administers");
    server.cli().run(&["group", "create", "family"]).ok();
    server
}

fn signed_in(server: &TestServer, username: &str, password: &str) -> Browser {
    let mut browser = Browser::new(server);
    browser.get("/login");
    let page = browser.submit("/login", &[("username", username), ("password", password)]);
    assert!(page.says("You are signed in as"), "{}", page.html);
    browser
}

/// The admin routes the server declares, read from `src/http/admin/mod.rs`: (method, path),
/// with `{username}` and `{client_id}` as written there.
fn declared_routes() -> Vec<(String, String)> {
    let source = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http/admin/mod.rs"),
    )
    .expect("source");
    let flat: String = source.split_whitespace().collect();
    let mut routes = Vec::new();
    let mut rest = flat.as_str();
    while let Some(at) = rest.find(".route(\"") {
        rest = &rest[at + 8..];
        let Some(end) = rest.find('"') else { break };
        let path = format!("/admin{}", &rest[..end]);
        let method = if rest[end..].starts_with("\",web::post()") {
            "POST"
        } else {
            "GET"
        };
        routes.push((method.to_owned(), path));
    }
    routes
}

fn concrete(path: &str) -> String {
    path.replace("{username}", "bob")
        .replace("{client_id}", "tv-public")
        .replace("{name}", "family")
}

#[test]
fn adm_1_every_admin_path_answers_only_an_administrator() {
    let server = with_admin();
    let routes = declared_routes();
    assert!(routes.len() >= 15, "the scan found the routes: {routes:?}");
    let mut nobody = Browser::new(&server);
    nobody.get("/device");
    let mut bob = signed_in(&server, "bob", BOB_PASSWORD);
    let mut alice = signed_in(&server, "alice", ALICE_PASSWORD);
    let mut every = routes.clone();
    every.push(("GET".into(), "/admin/no/such/page".into()));
    for (method, path) in &every {
        let path = concrete(path);
        let (anonymous, not_admin) = if method == "GET" {
            (nobody.get(&path), bob.get(&path))
        } else {
            (nobody.submit(&path, &[]), bob.submit(&path, &[]))
        };
        assert_eq!(anonymous.status, 401, "{method} {path} signed out");
        assert!(anonymous.says("name=\"password\""), "{method} {path}");
        assert_eq!(not_admin.status, 403, "{method} {path} as bob");
        assert!(
            not_admin.says("For administrators only"),
            "{method} {path}: {}",
            not_admin.html
        );
        if method == "GET" {
            let page = alice.get(&path);
            let expected = if path.ends_with("no/such/page") {
                404
            } else {
                200
            };
            assert_eq!(
                page.status, expected,
                "{method} {path} as alice: {}",
                page.html
            );
        } else {
            // The administrator's own browser, without the form token: refused, nothing done.
            let forged = alice.post_raw(&path, &[("csrf_token", "forged")], &[]);
            assert_eq!(forged.status, 403, "{method} {path} with a forged token");
        }
    }
    // Nothing was changed by any of that.
    assert!(!server.app().user("bob").expect("bob").disabled);
    let family = server
        .cli()
        .run(&["--json", "group", "show", "family"])
        .json();
    assert_eq!(family["group"]["members"], serde_json::json!([]));
    assert!(!server.app().client("tv-public").expect("tv").disabled);
    let events = alice.get("/admin/audit?event=admin_changed");
    assert!(!events.says("<td>admin_changed</td>"), "{}", events.html);
}

#[test]
fn adm_2_disabling_a_person_is_confirmed_ends_their_sign_in_and_is_in_the_audit_log() {
    let server = with_admin();
    let mut bob = signed_in(&server, "bob", BOB_PASSWORD);
    let mut alice = signed_in(&server, "alice", ALICE_PASSWORD);
    let list = alice.get("/admin/people?q=BOB");
    assert!(list.says("href=\"/admin/people/bob\""), "{}", list.html);
    assert!(
        !list.says("href=\"/admin/people/alice\""),
        "the search narrows"
    );
    let person = alice.get("/admin/people/bob");
    assert!(person.says("bob@example.org"));
    let asked = alice.get("/admin/people/bob/disable");
    assert!(asked.says("Disable bob?"), "{}", asked.html);
    assert!(asked.says("paired devices are signed out now"));
    assert!(
        asked.says("href=\"/admin/people/bob\""),
        "Cancel leads back"
    );
    let done = alice.submit_unfollowed("/admin/people/bob/disable", &[]);
    assert_eq!(done.status, 303, "{}", done.html);
    assert_eq!(done.header("location"), "/admin/people/bob");
    assert!(alice.get("/admin/people/bob").says("Disabled"));
    // Bob's session ended, and he cannot sign in again.
    assert!(bob.get("/devices").says("name=\"password\""));
    bob.get("/login");
    let again = bob.submit("/login", &[("username", "bob"), ("password", BOB_PASSWORD)]);
    assert_eq!(again.status, 401);

    let log = alice.get("/admin/audit?event=admin_changed");
    assert!(log.says("alice disabled user bob"), "{}", log.html);
    assert!(log.says("127.0.0.1"), "the administrator's address");
    let enabled = alice.submit("/admin/people/bob/enable", &[]);
    assert!(enabled.says("Active"), "{}", enabled.html);
    assert!(
        alice
            .get("/admin/audit?event=admin_changed")
            .says("alice enabled user bob")
    );
}

#[test]
fn adm_2_a_disabled_client_is_refused_and_a_revoked_device_cannot_refresh() {
    let server = with_admin();
    let tokens = server.grant("tv-public", "openid offline_access", "bob");
    assert_eq!(tokens.status, 200, "{}", tokens.body);
    let refresh_token = tokens.str("refresh_token");
    let mut alice = signed_in(&server, "alice", ALICE_PASSWORD);

    let person = alice.get("/admin/people/bob");
    assert!(
        person.says("action=\"/admin/grants/revoke\""),
        "{}",
        person.html
    );
    let grant = person.hidden("grant").expect("the device's grant");
    let revoked = alice.submit_unfollowed(
        "/admin/grants/revoke",
        &[("grant", &grant), ("back", "/admin/people/bob")],
    );
    assert_eq!(revoked.status, 303);
    assert_eq!(revoked.header("location"), "/admin/people/bob");
    let refreshed = server.post_form(
        "/token",
        &format!(
            "grant_type=refresh_token&client_id=tv-public&refresh_token={}",
            enc(&refresh_token)
        ),
        None,
    );
    refreshed.is_error(400, "invalid_grant");

    let asked = alice.get("/admin/clients/tv-public/disable");
    assert!(
        asked.says("Every request from tv-public is refused"),
        "{}",
        asked.html
    );
    alice.submit("/admin/clients/tv-public/disable", &[]);
    let refused = server.device_authorization("tv-public", "openid");
    assert!(refused.status >= 400, "a disabled client: {}", refused.body);
    assert!(alice.get("/admin/clients").says("Disabled"));
    alice.submit("/admin/clients/tv-public/enable", &[]);
    assert_eq!(
        server.device_authorization("tv-public", "openid").status,
        200
    );
}

#[test]
fn adm_2_rotating_keys_publishes_a_next_key() {
    let server = with_admin();
    let mut alice = signed_in(&server, "alice", ALICE_PASSWORD);
    let before = alice.get("/admin/keys");
    assert!(!before.says("<td>next</td>"), "{}", before.html);
    assert!(
        alice
            .get("/admin/keys/rotate")
            .says("Rotate the signing keys?")
    );
    let after = alice.submit("/admin/keys/rotate", &[]);
    assert!(after.says("<td>next</td>"), "{}", after.html);
    let jwks = server.get_json("/jwks");
    let published = jwks["keys"].as_array().map(Vec::len).unwrap_or_default();
    assert!(published >= 4, "the next keys are published: {jwks}");
}

#[test]
fn adm_3_a_role_taken_away_counts_at_once() {
    let server = with_admin();
    let mut alice = signed_in(&server, "alice", ALICE_PASSWORD);
    assert_eq!(alice.get("/admin").status, 200);
    let home = alice.get("/");
    assert!(
        home.says("href=\"/admin/people\""),
        "the landing page leads there"
    );
    let changes = UserChanges {
        admin: Some(false),
        ..UserChanges::default()
    };
    server.app().update_user("alice", &changes).expect("update");
    assert_eq!(alice.get("/admin").status, 403);
    assert!(!alice.get("/").says("href=\"/admin"));
}

#[test]
fn adm_4_the_overview_says_what_the_server_is_and_the_latest_refusals() {
    let server = with_admin();
    let mut guesser = Browser::new(&server);
    guesser.get("/login");
    guesser.submit("/login", &[("username", "mallory"), ("password", "guess")]);
    let mut alice = signed_in(&server, "alice", ALICE_PASSWORD);
    server.app().flush_audit().expect("flush");
    let overview = alice.get("/admin");
    for fact in [
        "Issuer",
        "Schema version",
        "Device codes in use",
        "sign_in_failed",
        "mallory",
    ] {
        assert!(overview.says(fact), "{fact}: {}", overview.html);
    }
}

#[test]
fn adm_5_groups_made_on_the_pages_limit_a_client_and_the_protocol_holds_to_it() {
    let server = with_admin();
    let tokens = server.grant("tv-public", "openid offline_access", "bob");
    let refresh_token = tokens.str("refresh_token");
    let mut alice = signed_in(&server, "alice", ALICE_PASSWORD);
    let created = alice.submit("/admin/groups", &[("name", "Kids")]);
    assert!(created.says("<h1>Kids</h1>"), "{}", created.html);
    let duplicate = alice.submit("/admin/groups", &[("name", "kids")]);
    assert_eq!(duplicate.status, 409, "{}", duplicate.html);
    let unknown = alice.submit("/admin/groups/Kids/members", &[("username", "nobody")]);
    assert_eq!(unknown.status, 404, "{}", unknown.html);
    let added = alice.submit("/admin/groups/family/members", &[("username", "alice")]);
    assert!(added.says("href=\"/admin/people/alice\""), "{}", added.html);

    let limited = alice.submit("/admin/clients/tv-public/groups", &[("groups", "family")]);
    assert!(limited.says("family"), "{}", limited.html);
    let refreshed = server.post_form(
        "/token",
        &format!(
            "grant_type=refresh_token&client_id=tv-public&refresh_token={}",
            enc(&refresh_token)
        ),
        None,
    );
    refreshed.is_error(400, "invalid_grant");
    assert_eq!(
        server.grant("tv-public", "openid", "alice").status,
        200,
        "a member still pairs"
    );
    let refused = alice.submit("/admin/groups/family/delete", &[]);
    assert_eq!(
        refused.status, 400,
        "a group a client needs stays: {}",
        refused.html
    );
    assert!(refused.says("is in the access policy of client tv-public"));
    alice.submit("/admin/clients/tv-public/groups", &[("groups", "")]);
    let renamed = alice.submit("/admin/groups/Kids/rename", &[("new_name", "children")]);
    assert!(renamed.says("<h1>children</h1>"), "{}", renamed.html);
    alice.get("/admin/groups/children/delete");
    let gone = alice.submit("/admin/groups/children/delete", &[]);
    assert!(!gone.says("children"), "{}", gone.html);
    let log = alice.get("/admin/audit?event=admin_changed");
    for change in [
        "alice created group Kids",
        "alice added alice to group family",
        "alice updated client tv-public",
        "alice renamed group Kids to children",
        "alice deleted group children",
    ] {
        assert!(log.says(change), "{change}: {}", log.html);
    }
}

#[test]
fn adm_6_an_invitation_made_on_the_pages_is_shown_once_and_signs_the_person_in() {
    let server = with_admin();
    let mut alice = signed_in(&server, "alice", ALICE_PASSWORD);
    assert!(alice.get("/admin/people").says("href=\"/admin/invite\""));
    alice.get("/admin/invite");
    let refused = alice.submit(
        "/admin/invite",
        &[("username", "erin"), ("groups", "nosuch")],
    );
    assert_eq!(refused.status, 400, "{}", refused.html);
    assert!(
        refused.says("nosuch"),
        "the CLI's reason, on the form: {}",
        refused.html
    );
    assert!(
        server.cli().run(&["user", "show", "erin"]).code != Some(0),
        "nothing was stored"
    );
    let made = alice.submit(
        "/admin/invite",
        &[("username", "erin"), ("name", "Erin"), ("groups", "family")],
    );
    assert_eq!(made.status, 200, "{}", made.html);
    assert_eq!(made.header("cache-control"), "no-store");
    assert!(made.says("<svg"), "a QR code for a phone");
    let link = made
        .html
        .split(&format!("{}/invite/", server.base))
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the link, shown once")
        .to_owned();
    let path = format!("/invite/{link}");
    let listed = alice.get("/admin/links");
    assert!(
        listed.says("<td>erin</td>") || listed.says(">erin</a>"),
        "{}",
        listed.html
    );
    assert!(!listed.says(&link), "the list never shows a link");

    let mut phone = Browser::new(&server);
    phone.get(&path);
    let done = phone.submit(
        &path,
        &[
            ("password", "erin's passphrase"),
            ("repeat", "erin's passphrase"),
        ],
    );
    assert!(
        done.says("<dd>family</dd>"),
        "signed in, in her group: {}",
        done.html
    );
    let log = alice.get("/admin/audit?event=admin_changed");
    assert!(log.says("alice invited user erin"), "{}", log.html);
}

#[test]
fn adm_7_a_new_client_secret_is_shown_once_and_the_old_one_stops() {
    let server = with_admin();
    let mut alice = signed_in(&server, "alice", ALICE_PASSWORD);
    let client = alice.get("/admin/clients/tv-conf");
    assert!(
        client.says("href=\"/admin/clients/tv-conf/secret\""),
        "{}",
        client.html
    );
    assert!(
        !alice.get("/admin/clients/tv-public").says("/secret\""),
        "a public client has no secret to replace"
    );
    assert!(
        alice
            .get("/admin/clients/tv-conf/secret")
            .says("stops working at once")
    );
    let made = alice.submit("/admin/clients/tv-conf/secret", &[]);
    assert_eq!(made.status, 200, "{}", made.html);
    assert_eq!(made.header("cache-control"), "no-store");
    let secret = made
        .html
        .split("<p class=\"code link-made\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the secret, shown once")
        .to_owned();
    let with = |secret: &str| {
        server
            .post_form(
                "/device_authorization",
                "client_id=tv-conf&scope=openid",
                Some(("tv-conf", secret)),
            )
            .status
    };
    assert_eq!(with(&secret), 200, "the new secret works");
    assert_eq!(with("an old or made-up secret"), 401);

    alice.get("/admin/clients/tv-conf/remove");
    let removed = alice.submit_unfollowed("/admin/clients/tv-conf/remove", &[]);
    assert_eq!(removed.status, 303);
    assert_eq!(with(&secret), 401, "a removed client is refused");
    alice.get("/admin/people/bob/remove");
    alice.submit("/admin/people/bob/remove", &[]);
    server
        .cli()
        .run(&["user", "show", "bob"])
        .fails_with(&["bob"]);
}

/// Every management command the CLI has, and the admin page that does the same, or why it has
/// none. A new command fails here until it has a page or a reason.
#[test]
fn adm_8_every_cli_management_command_has_an_admin_page_or_a_reason() {
    let pages: &[(&str, &str)] = &[
        (
            "user add",
            "/admin/invite (people choose their own password)",
        ),
        ("user list", "/admin/people"),
        ("user show", "/admin/people/{username}"),
        (
            "user passwd",
            "/admin/people/{username}/reset (a recovery link)",
        ),
        ("user update", "/admin/people/{username} (disable, enable)"),
        ("user disable", "/admin/people/{username}/disable"),
        ("user enable", "/admin/people/{username}/enable"),
        ("user remove", "/admin/people/{username}/remove"),
        ("user invite", "/admin/invite"),
        ("user invites", "/admin/links"),
        ("user reset", "/admin/people/{username}/reset"),
        (
            "client add",
            "none yet: registering a client is done with the CLI",
        ),
        ("client list", "/admin/clients"),
        ("client show", "/admin/clients/{client_id}"),
        (
            "client update",
            "/admin/clients/{client_id} (groups, disable, enable)",
        ),
        ("client rotate-secret", "/admin/clients/{client_id}/secret"),
        ("client remove", "/admin/clients/{client_id}/remove"),
        ("group create", "/admin/groups"),
        ("group rename", "/admin/groups/{name}/rename"),
        ("group delete", "/admin/groups/{name}/delete"),
        ("group add", "/admin/groups/{name}/members"),
        ("group remove", "/admin/groups/{name}/members/remove"),
        ("group list", "/admin/groups"),
        ("group show", "/admin/groups/{name}"),
        ("grant list", "/admin/people/{username} (paired devices)"),
        ("grant revoke", "/admin/grants/revoke"),
        ("key list", "/admin/keys"),
        ("key rotate", "/admin/keys/rotate"),
        ("audit", "/admin/audit"),
        (
            "unlock",
            "none: pauses lift by themselves; the CLI is for the operator at the server",
        ),
    ];
    let not_management = [
        "demo",
        "serve",
        "check",
        "completions",
        "backup",
        "restore",
        "man",
        "help",
    ];
    let command = <authbox::cli::Cli as clap::CommandFactory>::command();
    let mut commands = Vec::new();
    for sub in command.get_subcommands() {
        let name = sub.get_name();
        if not_management.contains(&name) {
            continue;
        }
        let nested: Vec<_> = sub
            .get_subcommands()
            .filter(|s| s.get_name() != "help")
            .collect();
        if nested.is_empty() {
            commands.push(name.to_owned());
        }
        for inner in nested {
            commands.push(format!("{name} {}", inner.get_name()));
        }
    }
    assert!(
        commands.len() >= 25,
        "the scan found the commands: {commands:?}"
    );
    let routes = declared_routes();
    for command in &commands {
        let Some((_, page)) = pages.iter().find(|(c, _)| c == command) else {
            panic!("`authbox {command}` has no admin page in this table, nor a reason");
        };
        if page.starts_with("none") {
            continue;
        }
        let path = page.split(' ').next().unwrap_or_default();
        assert!(
            routes.iter().any(|(_, p)| p == path),
            "`authbox {command}`: {path} is not an admin route"
        );
    }
}

#[test]
fn adm_9_a_client_registered_on_the_pages_works_through_the_protocol() {
    let server = with_admin();
    let mut alice = signed_in(&server, "alice", ALICE_PASSWORD);
    alice.get("/admin/clients/new");
    let bad = alice.submit(
        "/admin/clients/new",
        &[("client_id", "küche"), ("grant_device_code", "yes")],
    );
    assert_eq!(bad.status, 400, "the CLI's rule: {}", bad.html);
    assert!(bad.says("is not allowed"), "{}", bad.html);
    // Any printable id works in the pages' addresses.
    let odd = alice.submit(
        "/admin/clients/new",
        &[("client_id", "tv/kitchen 2?"), ("grant_device_code", "yes")],
    );
    assert!(odd.says("<h1>tv/kitchen 2?</h1>"), "{}", odd.html);
    assert!(odd.says("action=\"/admin/clients/tv%2Fkitchen%202%3F/groups\""));
    let disabled = alice.submit("/admin/clients/tv%2Fkitchen%202%3F/disable", &[]);
    assert!(disabled.says("Disabled"), "{}", disabled.html);
    let made = alice.submit(
        "/admin/clients/new",
        &[
            ("client_id", "kitchen-tv"),
            ("name", "Kitchen TV"),
            ("grant_device_code", "yes"),
            ("grant_refresh_token", "yes"),
            ("scope", "openid offline_access"),
            ("groups", "family"),
        ],
    );
    assert!(made.says("<h1>Kitchen TV</h1>"), "{}", made.html);
    assert!(made.says("family"), "limited to the family");
    let started = server.device_authorization("kitchen-tv", "openid");
    assert_eq!(started.status, 200, "{}", started.body);
    let secret_page = alice.submit(
        "/admin/clients/new",
        &[
            ("client_id", "nas"),
            ("confidential", "yes"),
            ("grant_client_credentials", "yes"),
            ("scope", "api.read"),
        ],
    );
    assert_eq!(secret_page.header("cache-control"), "no-store");
    let secret = secret_page
        .html
        .split("<p class=\"code link-made\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the secret, shown once")
        .to_owned();
    let token = server.post_form(
        "/token",
        "grant_type=client_credentials&scope=api.read",
        Some(("nas", &secret)),
    );
    assert_eq!(token.status, 200, "{}", token.body);
    assert!(
        alice
            .get("/admin/audit?event=admin_changed")
            .says("alice added client kitchen-tv")
    );
}
