//! `authbox unlock`: an operator lets someone in again before their "too many tries" pause
//! ends, against the running server, and the audit log says so.

use crate::support::binary::Cli;
use crate::support::browser::Browser;
use crate::support::spawned::Spawned;

const PASSWORD: &str = "correct horse battery staple";

fn sign_in(base: &str, password: &str) -> u16 {
    let mut browser = Browser::at(base);
    browser.get("/login");
    browser
        .submit("/login", &[("username", "alice"), ("password", password)])
        .status
}

#[test]
fn an_operator_lifts_an_accounts_and_an_addresss_pause() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("authbox.redb");
    let cli = Cli::new(&data);
    cli.add_user("alice", PASSWORD, &[]);
    // Without a server there is nothing to lift, and the command says why.
    cli.run(&["unlock", "--user", "alice"])
        .fails_with(&["no server is running"]);

    let mut server = Spawned::serve(&data);
    let base = server.base_url();
    for _ in 0..5 {
        assert_eq!(sign_in(&base, "wrong password"), 401);
    }
    assert_eq!(
        sign_in(&base, PASSWORD),
        429,
        "paused, the right password waits"
    );

    // Five failures paused both the account and the address they came from.
    let lifted = cli.run(&["--json", "unlock", "--user", "alice"]).json();
    assert_eq!(lifted["lifted"], 1, "{lifted}");
    assert_eq!(sign_in(&base, PASSWORD), 429, "the address is still paused");
    let lifted = cli
        .run(&["--json", "unlock", "--address", "127.0.0.1"])
        .json();
    assert_eq!(lifted["lifted"], 1, "{lifted}");
    assert_eq!(sign_in(&base, PASSWORD), 200);
    // Nothing is held back now.
    assert!(
        cli.run(&["unlock", "--all"])
            .ok()
            .contains("nothing was held back")
    );

    let log = cli.run(&["--json", "audit"]).json();
    let unlocks: Vec<(String, String)> = log["events"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["event"] == "unlocked")
        .map(|e| {
            let text = |name: &str| e[name].as_str().unwrap_or_default().to_owned();
            (text("subject"), text("address"))
        })
        .collect();
    assert_eq!(
        unlocks,
        [
            ("alice".to_owned(), String::new()),
            (String::new(), "127.0.0.1".to_owned()),
            (String::new(), String::new()),
        ]
    );
    // The audit shows the account's username beside its sub.
    let signed_in = log["events"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["event"] == "signed_in")
        .cloned()
        .unwrap_or_default();
    assert_eq!(signed_in["username"], "alice", "{signed_in}");
    server.child.kill().ok();
}

#[test]
fn unlock_names_exactly_one_target() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cli = Cli::new(&dir.path().join("authbox.redb"));
    cli.run(&["unlock"])
        .fails_with(&["--address", "--user", "--all"]);
    cli.run(&["unlock", "--user", "alice", "--all"])
        .fails_with(&["cannot be used with"]);
}
