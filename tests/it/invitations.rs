//! Invitations and recovery links (issue 20, item 5), as the operator, the invited person and
//! an attacker meet them: `authbox user invite` prints a one-time link; opening it changes
//! nothing; posting a password twice uses it exactly once and signs the person in; expired,
//! used, revoked and unknown links get a clear page and change nothing. Guessing links is in
//! `invitation_budgets.rs`.

use std::sync::{Arc, Barrier};
use std::time::Duration;

use serde_json::Value;

use crate::support::TestServer;
use crate::support::browser::{Browser, Page};
use crate::support::oauth::{ALICE_PASSWORD, enc};

pub(crate) const CAROLS_PASSWORD: &str = "carol's own passphrase";

pub(crate) fn started() -> TestServer {
    let server = TestServer::start();
    server.fixtures();
    server
}

/// Runs `authbox --json ARGS` and returns its JSON.
fn cli_json(server: &TestServer, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    server.cli().run(&all).json()
}

/// The link's path on the server (`/invite/…` or `/reset/…`), from the CLI's answer.
fn link_path(server: &TestServer, answer: &Value) -> String {
    let url = answer["url"].as_str().expect("a url");
    url.strip_prefix(&server.base)
        .unwrap_or_else(|| panic!("{url} is on the server"))
        .to_owned()
}

pub(crate) fn invite_carol(server: &TestServer) -> String {
    let answer = cli_json(server, &["user", "invite", "carol", "--name", "Carol"]);
    link_path(server, &answer)
}

pub(crate) fn user(server: &TestServer, name: &str) -> Value {
    cli_json(server, &["user", "show", name])["user"].clone()
}

fn audit_kinds(server: &TestServer) -> Vec<String> {
    cli_json(server, &["audit"])["events"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|e| e["event"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn signs_in(server: &TestServer, username: &str, password: &str) -> bool {
    let mut browser = Browser::new(server);
    browser.get("/login");
    browser
        .submit("/login", &[("username", username), ("password", password)])
        .status
        == 200
}

fn set_password(browser: &mut Browser, path: &str, password: &str, repeat: &str) -> Page {
    browser.get(path);
    browser.submit_unfollowed(path, &[("password", password), ("repeat", repeat)])
}

#[test]
fn inv_01_an_invitation_reserves_the_name_and_its_link_signs_the_person_in() {
    let server = started();
    let answer = cli_json(&server, &["user", "invite", "carol", "--name", "Carol"]);
    assert_eq!(answer["link"]["kind"], "invitation");
    let path = link_path(&server, &answer);
    assert!(path.starts_with("/invite/"), "{path}");
    let secret = path.trim_start_matches("/invite/");
    assert_eq!(secret.len(), 43, "256 random bits in base64url");

    // The name is taken at once; the account cannot sign in before the link is used.
    assert_eq!(user(&server, "carol")["invited"], true);
    server
        .cli()
        .run(&["user", "invite", "Carol"])
        .fails_with(&["already exists"]);
    let list = server.cli().run(&["user", "list"]).ok();
    assert!(list.contains("INVITED"), "{list}");
    assert!(!signs_in(&server, "carol", "!invited"));

    // A link previewer's GET, twice, consumes nothing.
    let mut phone = Browser::new(&server);
    for _ in 0..2 {
        let page = phone.get(&path);
        assert_eq!(page.status, 200);
        assert!(page.says("Welcome, Carol") && page.says("name=\"repeat\""));
        assert_eq!(page.header("cache-control"), "no-store");
    }
    // Two different passwords: refused, and the link still works.
    let differ = set_password(
        &mut phone,
        &path,
        CAROLS_PASSWORD,
        "something else entirely",
    );
    assert_eq!(differ.status, 400);
    assert!(differ.says("The two new passwords differ"));
    let short = set_password(&mut phone, &path, "short", "short");
    assert_eq!(short.status, 400);
    assert!(short.says("at least 8 characters"));
    assert_eq!(user(&server, "carol")["invited"], true);

    let done = set_password(&mut phone, &path, CAROLS_PASSWORD, CAROLS_PASSWORD);
    assert_eq!(done.status, 303, "{}", done.html);
    assert_eq!(done.header("location"), "/account");
    let account = phone.get("/account");
    assert_eq!(account.status, 200, "signed in by the link");
    assert!(account.says("carol") && account.says("Carol"));
    assert_eq!(user(&server, "carol")["invited"], false);
    assert!(signs_in(&server, "carol", CAROLS_PASSWORD));

    // Used once, it is done: a second use is a clear page and changes nothing.
    let again = Browser::new(&server).get(&path);
    assert_eq!(again.status, 410);
    assert!(again.says("This link was used already"));
    let kinds = audit_kinds(&server);
    for kind in ["invitation_created", "invitation_used"] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
    }
}

#[test]
fn inv_02_racing_uses_of_one_link_set_exactly_one_password() {
    let server = started();
    let path = invite_carol(&server);
    const RACERS: usize = 6;
    let mut browsers: Vec<Browser> = (0..RACERS)
        .map(|_| {
            let mut browser = Browser::new(&server);
            assert_eq!(browser.get(&path).status, 200);
            browser
        })
        .collect();
    let barrier = Arc::new(Barrier::new(RACERS));
    let answers: Vec<(String, u16)> = std::thread::scope(|scope| {
        let handles: Vec<_> = browsers
            .iter_mut()
            .enumerate()
            .map(|(i, browser)| {
                let (barrier, path) = (Arc::clone(&barrier), path.clone());
                scope.spawn(move || {
                    let password = format!("racer number {i} passphrase");
                    barrier.wait();
                    let page = browser.submit_unfollowed(
                        &path,
                        &[("password", &password), ("repeat", &password)],
                    );
                    (password, page.status)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("racer"))
            .collect()
    });
    let winners: Vec<&(String, u16)> = answers.iter().filter(|(_, s)| *s == 303).collect();
    assert_eq!(winners.len(), 1, "exactly one wins: {answers:?}");
    assert!(
        answers.iter().all(|(_, s)| *s == 303 || *s == 410),
        "{answers:?}"
    );
    // The winner first: the losers' wrong passwords spend carol's sign-in budget.
    let mut in_order = answers.clone();
    in_order.sort_by_key(|(_, status)| *status);
    for (password, status) in &in_order {
        assert_eq!(
            signs_in(&server, "carol", password),
            *status == 303,
            "only the winner's password was set: {password}"
        );
    }
    let used = audit_kinds(&server)
        .into_iter()
        .filter(|k| k == "invitation_used")
        .count();
    assert_eq!(used, 1);
}

/// The compare-and-swap itself: racers that all reach the store at once, past any lookup,
/// and exactly one of them uses the link.
/// A store in a temporary directory holding carol, invited at `now` with a link (hash
/// `[9; 32]`) that expires an hour later.
fn store_with_invitation(
    now: authbox::domain::time::Timestamp,
) -> (
    tempfile::TempDir,
    Arc<authbox::store::Store>,
    authbox::domain::user::User,
) {
    use authbox::domain::account_link::{AccountLink, LinkKind, LinkState};
    use authbox::domain::user::{PasswordHash, Subject, User, Username};
    use authbox::store::{AuditRows, OpenMode, Store};

    let dir = tempfile::tempdir().expect("dir");
    let store = Arc::new(
        Store::open(&dir.path().join("authbox.redb"), OpenMode::CreateIfMissing).expect("store"),
    );
    let user = User {
        sub: Subject::from_random([7; 16]),
        username: Username::parse("carol").expect("name"),
        display_name: None,
        email: None,
        email_verified: false,
        password_hash: PasswordHash::not_set_yet(),
        disabled: false,
        admin: false,
        second_factor: Default::default(),
        created_at: now,
        updated_at: now,
    };
    let link = AccountLink {
        id: "racing".into(),
        kind: LinkKind::Invitation,
        sub: user.sub.clone(),
        username: user.username.clone(),
        created_at: now,
        expires_at: now.plus(Duration::from_secs(3600)),
        state: LinkState::Live,
    };
    store
        .insert_invited_user(&user, &[9; 32], &link, AuditRows::none())
        .expect("invite");
    (dir, store, user)
}

#[test]
fn inv_02_the_store_lets_exactly_one_of_racing_uses_through() {
    use authbox::domain::account_link::LinkSpent;
    use authbox::domain::time::Timestamp;
    use authbox::domain::user::PasswordHash;
    use authbox::store::AuditRows;

    let now = Timestamp::from_secs(1_000_000);
    let (_dir, store, user) = store_with_invitation(now);
    let hash = [9u8; 32];
    const RACERS: usize = 8;
    let barrier = Arc::new(Barrier::new(RACERS));
    let outcomes: Vec<_> = (0..RACERS)
        .map(|i| {
            let (store, barrier) = (Arc::clone(&store), Arc::clone(&barrier));
            std::thread::spawn(move || {
                let password = PasswordHash::from_phc(format!("$racer{i}"));
                barrier.wait();
                store
                    .use_account_link(&hash, now, &password, AuditRows::none())
                    .expect("reached the store")
                    .expect("the link is there")
                    .map(|(_, user)| user.password_hash)
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|h| h.join().expect("racer"))
        .collect();
    let won: Vec<_> = outcomes.iter().filter_map(|o| o.as_ref().ok()).collect();
    assert_eq!(won.len(), 1, "{outcomes:?}");
    assert!(
        outcomes
            .iter()
            .filter(|o| o.is_err())
            .all(|o| *o == Err(LinkSpent::Used)),
        "every other racer reached the store and found it used: {outcomes:?}"
    );
    let stored = store.user_by_sub(&user.sub).expect("read").expect("carol");
    assert_eq!(&&stored.password_hash, won.first().expect("a winner"));
}

#[test]
fn inv_03_expired_revoked_and_unknown_links_get_a_clear_page_and_change_nothing() {
    let server = started();
    // Expired: a short-lived link, past its time.
    let short = cli_json(&server, &["user", "invite", "carol", "--ttl", "10m"]);
    let path = link_path(&server, &short);
    server.advance(Duration::from_secs(11 * 60));
    let mut browser = Browser::new(&server);
    let expired = browser.get(&path);
    assert_eq!(expired.status, 410);
    assert!(expired.says("This link has expired"));
    browser.get("/login");
    let posted = browser.submit(
        &path,
        &[("password", CAROLS_PASSWORD), ("repeat", CAROLS_PASSWORD)],
    );
    assert_eq!(posted.status, 410);
    assert_eq!(user(&server, "carol")["invited"], true, "nothing changed");

    // Revoked: a new link for the same person, withdrawn.
    let fresh = cli_json(&server, &["user", "reset", "carol"]);
    assert_eq!(
        fresh["link"]["kind"], "invitation",
        "still invited: invited again"
    );
    let id = fresh["link"]["id"].as_str().expect("id").to_owned();
    let path = link_path(&server, &fresh);
    server.cli().run(&["user", "invite", "--revoke", &id]).ok();
    let revoked = Browser::new(&server).get(&path);
    assert_eq!(revoked.status, 410);
    assert!(revoked.says("This link was withdrawn"));
    server
        .cli()
        .run(&["user", "invite", "--revoke", &id])
        .fails_with(&["revoked already"]);

    // Unknown, in the same shape as a real one, and in none.
    for guess in [
        "/invite/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "/reset/not-a-link",
    ] {
        let unknown = Browser::new(&server).get(guess);
        assert_eq!(unknown.status, 404, "{guess}");
        assert!(unknown.says("This link does not work"));
    }
    assert_eq!(user(&server, "carol")["invited"], true);
    let kinds = audit_kinds(&server);
    assert!(kinds.iter().any(|k| k == "link_revoked"), "{kinds:?}");
    assert!(kinds.iter().any(|k| k == "link_rejected"), "{kinds:?}");
}

#[test]
fn inv_03_only_the_form_with_its_token_uses_a_link_and_not_as_someone_else() {
    let server = started();
    let path = invite_carol(&server);
    // A cross-site post, or one without the form token: refused before the link is looked at.
    let mut browser = Browser::new(&server);
    browser.get(&path);
    let forged = browser.post_raw(
        &path,
        &[("password", CAROLS_PASSWORD), ("repeat", CAROLS_PASSWORD)],
        &[],
    );
    assert_eq!(forged.status, 403);

    // Alice's browser opens Carol's invitation: it says so, offers to sign out, uses nothing.
    let mut alices = Browser::new(&server);
    alices.get("/login");
    alices.submit(
        "/login",
        &[("username", "alice"), ("password", ALICE_PASSWORD)],
    );
    let page = alices.get(&path);
    assert_eq!(page.status, 409);
    assert!(page.says("signed in as Alice") && page.says("action=\"/logout\""));
    let posted = alices.submit(
        &path,
        &[("password", CAROLS_PASSWORD), ("repeat", CAROLS_PASSWORD)],
    );
    assert_eq!(posted.status, 409);
    assert_eq!(alices.get("/account").status, 200, "still Alice");
    assert_eq!(user(&server, "carol")["invited"], true);
    assert_eq!(Browser::new(&server).get(&path).status, 200, "still usable");
}

#[test]
fn inv_04_links_are_listed_without_their_secret_and_revocable() {
    let server = started();
    let invited = cli_json(&server, &["user", "invite", "carol", "--ttl", "2h"]);
    let reset = cli_json(&server, &["user", "reset", "alice"]);
    let secrets: Vec<String> = [&invited, &reset]
        .iter()
        .map(|a| {
            a["url"]
                .as_str()
                .expect("url")
                .rsplit('/')
                .next()
                .expect("secret")
                .to_owned()
        })
        .collect();
    for args in [&["user", "invites"][..], &["user", "invite", "--list"][..]] {
        let text = server.cli().run(args).ok();
        let json = server.cli().run(&[&["--json"][..], args].concat()).ok();
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()) && !json.contains(secret.as_str()));
        }
        assert!(text.contains("ID") && text.contains("EXPIRES"), "{text}");
    }
    let links = cli_json(&server, &["user", "invites"])["links"].clone();
    let mut rows: Vec<(String, String, String)> = links
        .as_array()
        .expect("links")
        .iter()
        .map(|l| {
            (
                l["username"].as_str().unwrap_or_default().to_owned(),
                l["kind"].as_str().unwrap_or_default().to_owned(),
                l["state"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    rows.sort();
    assert_eq!(
        rows,
        [
            ("alice".into(), "recovery".into(), "live".into()),
            ("carol".into(), "invitation".into(), "live".into()),
        ]
    );
    let carols = links
        .as_array()
        .expect("links")
        .iter()
        .find(|l| l["username"] == "carol")
        .expect("carol's");
    assert_eq!(
        carols["expires_at"].as_u64().expect("expiry")
            - carols["created_at"].as_u64().expect("created"),
        7200
    );
    let id = reset["link"]["id"].as_str().expect("id");
    let revoked = cli_json(&server, &["user", "invite", "--revoke", id]);
    assert_eq!(revoked["links"][0]["state"], "revoked");
    server
        .cli()
        .run(&["user", "invite", "--revoke", "nosuchid"])
        .fails_with(&["no invitation or recovery link"]);
}

fn signed_in_browser(server: &TestServer, username: &str, password: &str) -> Browser {
    let mut browser = Browser::new(server);
    browser.get("/login");
    browser.submit("/login", &[("username", username), ("password", password)]);
    assert_eq!(browser.get("/account").status, 200);
    browser
}

fn refresh_status(server: &TestServer, refresh_token: &str) -> u16 {
    let body = format!(
        "grant_type=refresh_token&refresh_token={}&client_id=tv-public",
        enc(refresh_token)
    );
    server.post_form("/token", &body, None).status
}

#[test]
fn inv_05_a_recovery_link_sets_a_new_password_and_ends_the_other_sign_ins() {
    let server = started();
    let mut laptop = signed_in_browser(&server, "alice", ALICE_PASSWORD);
    let tv = server.grant("tv-public", "openid offline_access", "alice");
    let answer = cli_json(&server, &["user", "reset", "alice"]);
    assert_eq!(answer["link"]["kind"], "recovery");
    let path = link_path(&server, &answer);
    assert!(path.starts_with("/reset/"));
    let new_password = "alice's recovered passphrase";

    let mut phone = Browser::new(&server);
    let page = phone.get(&path);
    assert!(page.says("Choose a new password"));
    let done = set_password(&mut phone, &path, new_password, new_password);
    assert_eq!(done.status, 303);
    assert_eq!(phone.get("/account").status, 200, "the phone is signed in");
    assert_eq!(
        laptop.get("/account").status,
        401,
        "the laptop is signed out"
    );
    assert_eq!(
        refresh_status(&server, &tv.str("refresh_token")),
        400,
        "the TV too"
    );
    assert!(signs_in(&server, "alice", new_password));
    assert!(!signs_in(&server, "alice", ALICE_PASSWORD));
    let kinds = audit_kinds(&server);
    for kind in ["recovery_created", "recovery_used", "sessions_ended"] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
    }

    // --keep-devices: the person's TVs stay signed in.
    let tv = server.grant("tv-public", "openid offline_access", "bob");
    let answer = cli_json(&server, &["user", "reset", "bob", "--keep-devices"]);
    let path = link_path(&server, &answer);
    let done = set_password(
        &mut Browser::new(&server),
        &path,
        new_password,
        new_password,
    );
    assert_eq!(done.status, 303);
    assert_eq!(refresh_status(&server, &tv.str("refresh_token")), 200);
}

#[test]
fn inv_08_an_invitation_is_spent_once_the_operator_sets_a_password() {
    let server = started();
    let path = invite_carol(&server);
    server
        .cli()
        .run_with_stdin(
            &["user", "passwd", "carol", "--password-stdin"],
            Some(&format!("{CAROLS_PASSWORD}\n")),
        )
        .ok();
    assert_eq!(user(&server, "carol")["invited"], false);
    let page = Browser::new(&server).get(&path);
    assert_eq!(page.status, 410);
    assert!(page.says("This link was used already"));
    assert!(signs_in(&server, "carol", CAROLS_PASSWORD));
}

#[test]
fn inv_10_the_invite_command_prints_the_link_and_its_qr_code() {
    let server = started();
    let out = server
        .cli()
        .run(&["user", "invite", "erin", "--name", "Erin", "--admin"])
        .ok();
    let url = out
        .split_whitespace()
        .find(|w| w.starts_with(&format!("{}/invite/", server.base)))
        .unwrap_or_else(|| panic!("a link in {out}"));
    assert!(
        out.contains('▀') || out.contains('▄') || out.contains('█'),
        "a QR code: {out}"
    );
    assert!(out.contains("shown only now"), "{out}");
    let erin = user(&server, "erin");
    assert_eq!(
        (erin["admin"].clone(), erin["invited"].clone()),
        (Value::from(true), Value::from(true))
    );
    let path = url.strip_prefix(&server.base).expect("path").to_owned();
    assert_eq!(Browser::new(&server).get(&path).status, 200);
    server
        .cli()
        .run(&["user", "invite", "frank", "--ttl", "31d"])
        .fails_with(&["between 1 minute and 30 days"]);
    server
        .cli()
        .run(&["user", "reset", "nobody"])
        .fails_with(&["no user named"]);
}

#[test]
fn inv_12_without_a_server_no_link_is_made_since_only_the_server_knows_its_issuer() {
    let dir = tempfile::tempdir().expect("dir");
    let cli = crate::support::binary::Cli::new(&dir.path().join("authbox.redb"));
    cli.add_user("alice", ALICE_PASSWORD, &[]);
    for args in [
        &["user", "invite", "carol"][..],
        &["user", "reset", "alice"][..],
    ] {
        cli.run(args)
            .fails_with(&["no server is running", "issuer"]);
    }
    let users = cli.run(&["--json", "user", "list"]).json();
    assert_eq!(
        users["users"].as_array().expect("users").len(),
        1,
        "nobody was invited"
    );
}

/// An expired link is kept a week, to be told "expired", and then swept with nothing left.
#[test]
fn inv_13_a_link_is_swept_a_week_after_it_expires() {
    use authbox::domain::time::Timestamp;
    let now = Timestamp::from_secs(1_000_000);
    let (_dir, store, _) = store_with_invitation(now);
    let expired = now.plus(Duration::from_secs(3600));
    let week = Duration::from_secs(7 * 86_400);
    store
        .sweep_expired(expired.plus(week - Duration::from_millis(1)), 100)
        .expect("sweep");
    assert!(
        store.account_link(&[9; 32]).expect("read").is_some(),
        "kept within the week"
    );
    let report = store
        .sweep_expired(expired.plus(week).plus(Duration::from_millis(1)), 100)
        .expect("sweep");
    assert_eq!(report.removed, 1);
    assert!(
        store.account_link(&[9; 32]).expect("read").is_none(),
        "swept"
    );
    assert!(store.account_links().expect("list").is_empty());
    assert_eq!(
        store.expiring_row_count().expect("count"),
        0,
        "its index entry went too"
    );
}

#[test]
fn inv_14_link_pages_speak_the_persons_language() {
    let server = started();
    let path = invite_carol(&server);
    let mut browser = Browser::new(&server).with_header("Accept-Language", "de-DE,de;q=0.9");
    assert!(browser.get(&path).says("Willkommen, Carol"));
    let differ = set_password(&mut browser, &path, CAROLS_PASSWORD, "etwas ganz anderes");
    assert!(differ.says("stimmen nicht überein"), "{}", differ.html);
    let unknown = browser.get("/reset/nothing-here");
    assert_eq!(unknown.status, 404);
    assert!(unknown.says("Dieser Link funktioniert nicht"));
}

#[test]
fn inv_15_an_invitation_puts_the_person_in_its_groups_and_my_account_shows_them() {
    let server = started();
    server.cli().run(&["group", "create", "family"]).ok();
    server
        .cli()
        .run(&[
            "user", "invite", "dave", "--group", "family", "--group", "nosuch",
        ])
        .fails_with(&["nosuch"]);
    server
        .cli()
        .run(&["user", "show", "dave"])
        .fails_with(&["dave"]);

    let answer = cli_json(&server, &["user", "invite", "dave", "--group", "family"]);
    let path = link_path(&server, &answer);
    assert_eq!(
        user(&server, "dave")["groups"],
        serde_json::json!(["family"])
    );
    let mut phone = Browser::new(&server);
    let done = set_password(
        &mut phone,
        &path,
        "dave's own passphrase",
        "dave's own passphrase",
    );
    assert_eq!(done.status, 303, "{}", done.html);
    let account = phone.get("/account");
    assert!(
        account.says("<dt>Groups</dt><dd>family</dd>"),
        "{}",
        account.html
    );
    let mut alice = Browser::new(&server);
    alice.get("/login");
    alice.submit(
        "/login",
        &[("username", "alice"), ("password", ALICE_PASSWORD)],
    );
    assert!(alice.get("/account").says("<dt>Groups</dt><dd>None</dd>"));
}
