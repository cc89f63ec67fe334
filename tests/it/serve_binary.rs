//! The real binary: first start, the hint for the first administrator, management while it
//! runs, graceful shutdown on SIGTERM, and one server per data file.

use std::time::{Duration, Instant};

use crate::support::TestServer;
use crate::support::binary::Cli;
use crate::support::spawned::{NO_DEVICE_AUTHORIZATION_LIMITS, Spawned};

#[test]
fn a_first_start_creates_the_file_names_the_first_step_and_stops_cleanly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("authbox.redb");
    let mut server = Spawned::serve(&data);

    let hint = server.line_with("no users yet");
    assert!(hint.contains("user add --admin"), "{hint}");
    let base = server.base_url();
    assert!(data.exists(), "the data file was created on first start");

    let health: serde_json::Value = reqwest::blocking::get(format!("{base}/healthz"))
        .expect("healthz")
        .json()
        .expect("JSON");
    assert_eq!(health["status"], "ok");

    // Management while it runs, through the control socket.
    let cli = Cli::new(&data);
    let alice = cli.add_user("alice", "correct horse battery staple", &["--admin"]);
    cli.run(&["client", "add", "tv-public", "--grant", "device_code"])
        .ok();

    assert_eq!(
        server.terminate_and_wait(),
        Some(0),
        "SIGTERM is a clean stop"
    );
    assert!(
        !data.with_extension("redb.sock").exists(),
        "the control socket is removed"
    );
    let users = cli.run(&["--json", "user", "list"]).json();
    assert_eq!(
        users["users"][0]["sub"], alice["sub"],
        "what was added while it ran is on disk"
    );
}

#[test]
fn a_second_server_on_the_same_file_is_refused_at_once() {
    let server = TestServer::start();
    let started = Instant::now();
    server
        .cli()
        .run(&["serve", "--listen", "127.0.0.1:0"])
        .fails_with(&["already serving"]);
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "refused without waiting for the file"
    );
    let health = reqwest::blocking::get(server.url("/healthz")).expect("healthz");
    assert_eq!(health.status(), 200, "the first server is unharmed");
}

#[test]
fn unknown_paths_answer_in_the_callers_format() {
    let server = TestServer::start();
    let client = reqwest::blocking::Client::new();
    let json = client.get(server.url("/nope")).send().expect("GET");
    assert_eq!(json.status(), 404);
    assert_eq!(json.headers()["cache-control"], "no-store");
    let body: serde_json::Value = json.json().expect("JSON error");
    assert_eq!(body["error"], "not_found");

    let page = client
        .get(server.url("/nope"))
        .header("Accept", "text/html")
        .send()
        .expect("GET");
    assert_eq!(page.status(), 404);
    for header in [
        "content-security-policy",
        "x-frame-options",
        "referrer-policy",
        "x-content-type-options",
    ] {
        assert!(
            page.headers().contains_key(header),
            "WEB-4/WEB-10: {header} missing"
        );
    }
    assert!(
        page.headers()["content-security-policy"]
            .to_str()
            .expect("ascii")
            .contains("frame-ancestors 'none'")
    );
    let html = page.text().expect("body");
    assert!(html.contains("Page not found"));

    // The page's one stylesheet is ours, embedded, and cacheable forever under a hashed name.
    let href = html
        .split("href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("stylesheet link");
    assert!(
        href.starts_with("/assets/authbox.") && href.ends_with(".css"),
        "{href}"
    );
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "WEB-10: no foreign resources"
    );
    let css = client.get(server.url(href)).send().expect("GET stylesheet");
    assert_eq!(css.status(), 200);
    assert_eq!(
        css.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(
        css.text()
            .expect("css")
            .contains("prefers-color-scheme: dark")
    );
}

#[test]
fn after_a_kill_the_file_opens_again_and_the_stale_socket_is_replaced() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("authbox.redb");
    let mut first = Spawned::serve(&data);
    first.line_with("authbox is listening");
    let cli = Cli::new(&data);
    let alice = cli.add_user("alice", "correct horse battery staple", &[]);

    first.child.kill().expect("SIGKILL");
    first.child.wait().expect("reap");
    assert!(
        data.with_extension("redb.sock").exists(),
        "a killed server leaves its socket behind"
    );

    // Without a server: the command finds the stale socket dead and recovers the file itself.
    let users = cli.run(&["--json", "user", "list"]).json();
    assert_eq!(
        users["users"][0]["sub"], alice["sub"],
        "an acknowledged write survived SIGKILL"
    );

    let mut second = Spawned::serve(&data);
    second.line_with("authbox is listening");
    assert_eq!(
        cli.run(&["--json", "user", "show", "alice"]).json()["user"]["sub"],
        alice["sub"]
    );
    assert_eq!(second.terminate_and_wait(), Some(0));
}

/// Group commit answers many requests with one fsync; every one answered must still be there
/// after SIGKILL, however its batch was cut.
#[test]
fn every_device_authorization_answered_survives_sigkill() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("authbox.redb");
    let mut first = Spawned::serve_with(&data, &[], &NO_DEVICE_AUTHORIZATION_LIMITS);
    let base = first.base_url();
    Cli::new(&data)
        .run(&["client", "add", "tv-public", "--grant", "device_code"])
        .ok();

    let started = Instant::now();
    let callers: Vec<_> = (0..16)
        .map(|_| {
            let base = base.clone();
            std::thread::spawn(move || {
                let http = reqwest::blocking::Client::new();
                let mut codes = Vec::new();
                while started.elapsed() < Duration::from_millis(1500) {
                    let answer = http
                        .post(format!("{base}/device_authorization"))
                        .form(&[("client_id", "tv-public"), ("scope", "openid")])
                        .send();
                    // Requests still in flight when the server dies are not acknowledged.
                    let Ok(answer) = answer else { break };
                    if answer.status() != 200 {
                        break;
                    }
                    let Ok(body) = answer.json::<serde_json::Value>() else {
                        break;
                    };
                    if let Some(code) = body["device_code"].as_str() {
                        codes.push(code.to_owned());
                    }
                }
                codes
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1000));
    // Killed while the callers are still sending, so some batch is cut mid-way.
    first.child.kill().expect("SIGKILL");
    first.child.wait().expect("reap");
    let acknowledged: Vec<String> = callers
        .into_iter()
        .flat_map(|caller| caller.join().expect("caller thread"))
        .collect();
    assert!(
        acknowledged.len() >= 50,
        "only {} authorizations before the kill",
        acknowledged.len()
    );

    let mut second = Spawned::serve_with(&data, &[], &NO_DEVICE_AUTHORIZATION_LIMITS);
    let base = second.base_url();
    let http = reqwest::blocking::Client::new();
    for code in &acknowledged {
        let answer = http
            .post(format!("{base}/token"))
            .form(&[
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                ("client_id", "tv-public"),
                ("device_code", code.as_str()),
            ])
            .send()
            .expect("poll");
        let body: serde_json::Value = answer.json().expect("JSON");
        assert_eq!(
            body["error"],
            "authorization_pending",
            "an acknowledged grant was lost ({} acknowledged)",
            acknowledged.len()
        );
    }
    assert_eq!(second.terminate_and_wait(), Some(0));
}

#[test]
fn a_sigterm_the_moment_the_server_says_it_is_listening_stops_it_gracefully() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("authbox.redb");
    for attempt in 1..=20 {
        let mut server = Spawned::serve(&data);
        server.base_url();
        let stopped = server.terminate_and_wait();
        assert_eq!(
            stopped,
            Some(0),
            "attempt {attempt}: a SIGTERM right after \"listening\" must not kill the server: {}",
            server.seen.join("\n")
        );
        assert!(
            server.seen.iter().any(|line| line.contains("stopping")),
            "attempt {attempt}: {}",
            server.seen.join("\n")
        );
    }
}
