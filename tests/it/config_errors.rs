//! Bad flags and environment values: one clear message, a non-zero exit, no file created.

use crate::support::Cli;
use crate::support::spawned::Spawned;

fn refused(args: &[&str], env: &[(&str, &str)], fragments: &[&str]) {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("authbox.redb");
    let mut cli = Cli::new(&data);
    for (key, value) in env {
        cli = cli.env(key, value);
    }
    let stderr = cli.run(args).fails_with(fragments);
    assert!(
        stderr.trim().lines().count() <= 3,
        "one clear message, not a dump: {stderr}"
    );
    assert!(
        !data.exists(),
        "a refused configuration creates no data file ({args:?})"
    );
}

#[test]
fn an_insecure_or_malformed_issuer_is_refused() {
    refused(
        &["serve", "--issuer", "http://auth.example.org"],
        &[],
        &["plain http", "https"],
    );
    refused(
        &["serve", "--issuer", "https://auth.example.org/"],
        &[],
        &["trailing slash"],
    );
    refused(
        &["serve", "--issuer", "https://auth.example.org/?tenant=1"],
        &[],
        &["query"],
    );
    refused(
        &["serve"],
        &[("AUTHBOX_ISSUER", "not a url")],
        &["--issuer"],
    );
}

/// Every endpoint is served at the root of the host, so an issuer with a path would publish
/// metadata naming URLs nothing answers. `check` reads the flags exactly as `serve` does, and
/// exits either way, where a `serve` that wrongly accepted the issuer would keep running.
#[test]
fn an_issuer_with_a_path_is_refused() {
    for issuer in [
        "https://auth.example.org/auth",
        "https://auth.example.org/realms/home",
    ] {
        refused(
            &["check", "--issuer", issuer],
            &[],
            &[
                "has a path",
                "root of its host",
                "a host (or port) of its own",
            ],
        );
    }
    refused(
        &["check"],
        &[("AUTHBOX_ISSUER", "http://localhost:8080/auth")],
        &["has a path (/auth)"],
    );
}

#[test]
fn a_malformed_listen_address_is_refused() {
    refused(
        &["serve", "--listen", "localhost"],
        &[],
        &["not an address and port", "127.0.0.1:8080"],
    );
}

#[test]
fn out_of_range_lifetimes_are_refused_with_their_bounds() {
    refused(
        &["serve"],
        &[("AUTHBOX_DEVICE_CODE_TTL", "5s")],
        &["--device-code-ttl is 5s", "between"],
    );
    refused(
        &[
            "serve",
            "--refresh-idle-ttl",
            "100d",
            "--refresh-max-ttl",
            "90d",
        ],
        &[],
        &["must not exceed"],
    );
    refused(
        &[
            "serve",
            "--poll-interval",
            "30s",
            "--device-code-ttl",
            "45s",
        ],
        &[],
        &["twice --poll-interval"],
    );
    refused(
        &["serve", "--login-attempts", "0"],
        &[],
        &["between 1 and 1000"],
    );
    refused(
        &["check", "--access-token-ttl", "2d"],
        &[],
        &["--access-token-ttl"],
    );
}

#[test]
fn an_unparsable_value_names_the_setting() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = Cli::new(&dir.path().join("authbox.redb"))
        .env("AUTHBOX_POLL_INTERVAL", "banana")
        .run(&["serve"]);
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(
        out.stderr.contains("--poll-interval") && out.stderr.contains("not a duration"),
        "{out:?}"
    );
    // The person wrote the variable, not the flag: the message names it.
    assert!(
        out.stderr
            .contains("environment variable AUTHBOX_POLL_INTERVAL"),
        "{out:?}"
    );
    // Typed on the command line, the flag is what is named.
    let out = Cli::new(&dir.path().join("authbox.redb"))
        .env("AUTHBOX_POLL_INTERVAL", "5s")
        .run(&["serve", "--poll-interval", "banana"]);
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(!out.stderr.contains("environment variable"), "{out:?}");
}

/// `90` could be seconds or minutes; a duration without a unit is refused, not guessed.
#[test]
fn a_duration_without_a_unit_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = Cli::new(&dir.path().join("authbox.redb"))
        .env("AUTHBOX_SESSION_IDLE_TTL", "90")
        .run(&["check"]);
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(
        out.stderr.contains("no unit") && out.stderr.contains("AUTHBOX_SESSION_IDLE_TTL"),
        "{out:?}"
    );
}

#[test]
fn a_port_in_use_is_reported_without_creating_a_file() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr").to_string();
    refused(
        &["serve", "--listen", &addr],
        &[],
        &["cannot listen on", "--listen"],
    );
}

#[test]
fn check_passes_on_a_good_file_and_fails_on_a_missing_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("authbox.redb");
    let cli = Cli::new(&data);
    cli.run(&["check"]).fails_with(&["no data file"]);
    cli.add_user("alice", "correct horse battery staple", &[]);
    let text = cli.run(&["check"]).ok();
    assert!(
        text.contains("users:") && text.trim_end().ends_with("ok"),
        "{text}"
    );
}

/// Changing only `--listen` moves the issuer with it: devices are sent where the server answers.
#[test]
fn without_an_issuer_a_loopback_listen_address_gives_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("authbox.redb");
    let port = crate::support::spawned::free_port();
    let listen = format!("127.0.0.1:{port}");
    let mut server = Spawned::run(&data, &["serve", "--listen", &listen], &[]);
    let base = server.base_url();
    let http = reqwest::blocking::Client::new();
    let metadata: serde_json::Value = http
        .get(format!("{base}/.well-known/openid-configuration"))
        .send()
        .and_then(|r| r.json())
        .expect("discovery");
    let issuer = format!("http://localhost:{port}");
    assert_eq!(metadata["issuer"], issuer.as_str());
    Cli::new(&data)
        .run(&["client", "add", "tv", "--grant", "device_code"])
        .ok();
    let started: serde_json::Value = http
        .post(format!("{base}/device_authorization"))
        .form(&[("client_id", "tv")])
        .send()
        .and_then(|r| r.json())
        .expect("device authorization");
    assert_eq!(
        started["verification_uri"],
        format!("{issuer}/device").as_str()
    );
    let answered = http
        .get(started["verification_uri"].as_str().unwrap_or_default())
        .send()
        .expect("the verification URI answers");
    assert_eq!(answered.status(), 200);
}

#[test]
fn an_issuer_that_cannot_be_guessed_or_does_not_answer_is_refused() {
    // Other machines connect, so only the operator knows the URL they use.
    refused(
        &["serve", "--listen", "0.0.0.0:8080"],
        &[],
        &["--listen 0.0.0.0:8080", "--issuer", "AUTHBOX_ISSUER"],
    );
    // A loopback issuer on another port than the server's.
    refused(
        &["serve", "--listen", "127.0.0.1:9000"],
        &[("AUTHBOX_ISSUER", "http://localhost:8080")],
        &["http://localhost:8080", "127.0.0.1:9000"],
    );
    refused(
        &[
            "serve",
            "--listen",
            "192.0.2.10:8080",
            "--issuer",
            "http://localhost:8080",
        ],
        &[],
        &[
            "http://localhost:8080",
            "192.0.2.10:8080",
            "nothing answers",
        ],
    );
}

#[test]
fn an_unreadable_site_name_is_refused() {
    refused(
        &["check", "--site-name", &"x".repeat(65)],
        &[],
        &["--site-name", "64 characters"],
    );
    refused(
        &["check"],
        &[("AUTHBOX_SITE_NAME", "Home\u{7}sign-in")],
        &["--site-name", "control"],
    );
}
