//! Plain http on a home lab's own network: refused unless the operator opts in with the
//! loudly named `--plain-http-on-private-network`, and even then only for private hosts; and
//! `authbox demo --lan`, which serves a phone on the same network.

use std::net::{IpAddr, Ipv4Addr, UdpSocket};
use std::time::Duration;

use crate::support::binary::{Cli, command};
use crate::support::spawned::Spawned;

const OPT_IN: (&str, &str) = ("AUTHBOX_PLAIN_HTTP_ON_PRIVATE_NETWORK", "true");

#[test]
fn a_private_http_issuer_needs_the_opt_in_and_a_public_one_never_gets_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("authbox.redb");
    Cli::new(&data)
        .run(&["check", "--issuer", "http://authbox.lan:8080"])
        .fails_with(&["--plain-http-on-private-network"]);
    Cli::new(&data)
        .env(OPT_IN.0, OPT_IN.1)
        .run(&["check", "--issuer", "http://auth.example.org"])
        .fails_with(&["only allowed for localhost"]);

    // Opted in, a server on the LAN name serves, and says loudly what that costs.
    let port = crate::support::spawned::free_port();
    let issuer = format!("http://authbox.lan:{port}");
    let listen = format!("127.0.0.1:{port}");
    let mut server = Spawned::run(
        &data,
        &["serve", "--listen", &listen, "--issuer", &issuer],
        &[OPT_IN],
    );
    let warning = server.line_with("--plain-http-on-private-network");
    assert!(warning.contains("anyone on this network"), "{warning}");
    let base = server.base_url();
    let metadata: serde_json::Value =
        reqwest::blocking::get(format!("{base}/.well-known/openid-configuration"))
            .and_then(|r| r.json())
            .expect("discovery");
    assert_eq!(metadata["issuer"], issuer.as_str());
    // Every page tells the person, in their language.
    let page = |language: &str| {
        reqwest::blocking::Client::new()
            .get(format!("{base}/device"))
            .header("Accept-Language", language)
            .send()
            .and_then(|r| r.text())
            .expect("GET /device")
    };
    assert!(page("en").contains("anyone on this network can read what you type here"));
    assert!(page("de").contains("Wer in diesem Netzwerk ist, kann mitlesen"));
    server.child.kill().ok();

    // A server on https, or on loopback, shows no such banner.
    let local = crate::support::TestServer::start();
    let text = reqwest::blocking::get(local.url("/device"))
        .and_then(|r| r.text())
        .expect("GET /device");
    assert!(!text.contains("class=\"insecure\""), "{text}");
}

#[test]
fn a_private_http_redirect_uri_is_registered_only_with_the_opt_in() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("authbox.redb");
    let add = |cli: Cli, id: &str, uri: &str| {
        cli.run(&[
            "client",
            "add",
            id,
            "--grant",
            "authorization_code",
            "--redirect-uri",
            uri,
        ])
    };
    add(Cli::new(&data), "nas", "http://nas.lan/callback")
        .fails_with(&["--plain-http-on-private-network"]);
    add(
        Cli::new(&data).env(OPT_IN.0, OPT_IN.1),
        "nas",
        "http://nas.lan/callback",
    )
    .ok();
    add(
        Cli::new(&data).env(OPT_IN.0, OPT_IN.1),
        "photos",
        "http://photos.example.org/callback",
    )
    .fails_with(&["plain http"]);

    // Without the opt-in, the server sends nobody to that plain-http address.
    let mut server = Spawned::serve(&data);
    let base = server.base_url();
    let page = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(format!(
            "{base}/authorize?client_id=nas&response_type=code&scope=openid\
             &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
        ))
        .send()
        .expect("GET /authorize");
    assert_eq!(page.status(), 400);
    assert!(page.headers().get("location").is_none());
    assert!(
        page.text()
            .unwrap_or_default()
            .contains("plain-http address")
    );
    server.child.kill().ok();
}

/// This machine's address toward the network, as the demo finds it.
fn route_address() -> Option<Ipv4Addr> {
    let socket = UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("192.0.2.1:9").ok()?;
    match socket.local_addr().ok()?.ip() {
        IpAddr::V4(ip) => Some(ip),
        IpAddr::V6(_) => None,
    }
}

/// `demo --lan` serves on the machine's private address and puts it in the QR link; on a
/// machine whose address is not private (a test runner's documentation-range address, say)
/// it refuses, and says why.
#[test]
fn the_lan_demo_serves_on_the_private_address_or_says_why_not() {
    let mut demo = command()
        .args(["demo", "--lan"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("authbox demo --lan");
    match route_address() {
        Some(ip) if authbox::domain::network::is_private_v4(ip) => {
            let deadline = std::time::Instant::now() + Duration::from_secs(30);
            let url = format!("http://{ip}:");
            let mut seen = String::new();
            let stdout = demo.stdout.take().expect("stdout");
            let reader = std::io::BufRead::lines(std::io::BufReader::new(stdout));
            for line in reader.map_while(Result::ok) {
                seen.push_str(&line);
                seen.push('\n');
                if line.contains(&url) || std::time::Instant::now() > deadline {
                    break;
                }
            }
            assert!(seen.contains("anyone on it can open"), "{seen}");
            let start = seen.find(&url).expect("the LAN address on screen");
            let link: String = seen[start..]
                .chars()
                .take_while(|c| !c.is_whitespace())
                .collect();
            let answered = reqwest::blocking::get(format!("{link}/device")).expect("GET");
            assert_eq!(answered.status(), 200);
            demo.kill().ok();
        }
        other => {
            let out = demo.wait_with_output().expect("demo ends");
            assert!(!out.status.success());
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                stderr.contains("--lan") && stderr.contains("not a private network"),
                "address {other:?}: {stderr}"
            );
        }
    }
}
