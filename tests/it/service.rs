//! The binary under a service manager: readiness, watchdog and stopping on systemd's notify
//! socket (sd_notify), and a graceful stop on SIGTERM while requests are in flight.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixDatagram;
use std::time::{Duration, Instant};

use crate::support::binary::Cli;
use crate::support::spawned::{NO_DEVICE_AUTHORIZATION_LIMITS, Spawned};

/// Waits for the next notification containing `wanted`, returning every one read on the way.
fn notification(socket: &UnixDatagram, wanted: &str) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut heard = Vec::new();
    let mut buffer = [0u8; 512];
    while Instant::now() < deadline {
        if let Ok(n) = socket.recv(&mut buffer) {
            let message = String::from_utf8_lossy(&buffer[..n]).into_owned();
            heard.push(message.clone());
            if message.lines().any(|line| line == wanted) {
                return heard;
            }
        }
    }
    panic!("no {wanted:?} notification; heard {heard:?}");
}

#[test]
fn systemd_hears_ready_when_it_answers_watchdog_pings_and_stopping_on_sigterm() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("authbox.redb");
    let notify_path = dir.path().join("notify.sock");
    let socket = UnixDatagram::bind(&notify_path).expect("bind the notify socket");
    socket
        .set_read_timeout(Some(Duration::from_millis(200)))
        .expect("timeout");
    let notify = notify_path.to_str().expect("utf-8 path");
    let mut server = Spawned::serve_with(
        &data,
        &[],
        &[("NOTIFY_SOCKET", notify), ("WATCHDOG_USEC", "300000")],
    );

    let heard = notification(&socket, "READY=1");
    assert_eq!(heard.len(), 1, "READY=1 is the first word: {heard:?}");
    let base = server.base_url();
    let health = reqwest::blocking::get(format!("{base}/healthz")).expect("healthz");
    assert_eq!(health.status(), 200, "ready means answering");

    // WATCHDOG_USEC=300ms: a ping every 150 ms, so three arrive well within a second or two.
    let started = Instant::now();
    for _ in 0..3 {
        notification(&socket, "WATCHDOG=1");
    }
    assert!(started.elapsed() < Duration::from_secs(3));

    server.signal("TERM");
    notification(&socket, "STOPPING=1");
    assert_eq!(server.wait_for_exit(Duration::from_secs(20)), Some(0));
}

#[test]
fn a_watchdog_meant_for_another_process_is_ignored() {
    let dir = tempfile::tempdir().expect("temp dir");
    let notify_path = dir.path().join("notify.sock");
    let socket = UnixDatagram::bind(&notify_path).expect("bind");
    socket
        .set_read_timeout(Some(Duration::from_millis(100)))
        .expect("timeout");
    let mut server = Spawned::serve_with(
        &dir.path().join("authbox.redb"),
        &[],
        &[
            ("NOTIFY_SOCKET", notify_path.to_str().expect("utf-8")),
            ("WATCHDOG_USEC", "100000"),
            ("WATCHDOG_PID", "1"),
        ],
    );
    notification(&socket, "READY=1");
    let mut buffer = [0u8; 512];
    let deadline = Instant::now() + Duration::from_millis(600);
    while Instant::now() < deadline {
        if let Ok(n) = socket.recv(&mut buffer) {
            panic!(
                "unexpected notification {:?}",
                String::from_utf8_lossy(&buffer[..n])
            );
        }
    }
    assert_eq!(server.terminate_and_wait(), Some(0));
}

/// A raw HTTP/1.1 exchange, so a request can be left half-sent across the signal.
fn read_response(stream: &mut TcpStream) -> String {
    let mut response = Vec::new();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    let _ = stream.read_to_end(&mut response);
    String::from_utf8_lossy(&response).into_owned()
}

#[test]
fn sigterm_under_load_finishes_requests_in_flight_keeps_every_answered_write_and_exits_zero() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("authbox.redb");
    let mut server = Spawned::serve_with(&data, &[], &NO_DEVICE_AUTHORIZATION_LIMITS);
    let base = server.base_url();
    Cli::new(&data)
        .run(&["client", "add", "tv-public", "--grant", "device_code"])
        .ok();
    let addr = base.trim_start_matches("http://").to_owned();

    // One request caught half-way: headers and part of the body sent before the signal.
    let body = "client_id=tv-public&scope=openid";
    let mut in_flight = TcpStream::connect(&addr).expect("connect");
    write!(
        in_flight,
        "POST /device_authorization HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        body.len(),
        &body[..10]
    )
    .expect("send the first half");

    // Load: four clients asking for device codes until the server stops answering.
    let load: Vec<_> = (0..4)
        .map(|_| {
            let base = base.clone();
            std::thread::spawn(move || {
                let client = reqwest::blocking::Client::new();
                let mut answered = Vec::new();
                let mut statuses = Vec::new();
                loop {
                    let sent = client
                        .post(format!("{base}/device_authorization"))
                        .form(&[("client_id", "tv-public"), ("scope", "openid")])
                        .send();
                    let Ok(response) = sent else { break };
                    let status = response.status().as_u16();
                    statuses.push(status);
                    if status != 200 {
                        continue;
                    }
                    let json: serde_json::Value = response.json().expect("JSON");
                    answered.push(json["device_code"].as_str().expect("code").to_owned());
                }
                (answered, statuses)
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    server.signal("TERM");
    std::thread::sleep(Duration::from_millis(300));
    in_flight
        .write_all(&body.as_bytes()[10..])
        .expect("send the second half after the signal");
    let response = read_response(&mut in_flight);
    assert!(
        response.starts_with("HTTP/1.1 200"),
        "the request in flight was finished: {response}"
    );

    let mut answered = Vec::new();
    for thread in load {
        let (codes, statuses) = thread.join().expect("load thread");
        assert!(
            statuses.iter().all(|s| *s == 200),
            "only successes while stopping: {statuses:?}"
        );
        answered.extend(codes);
    }
    assert!(answered.len() > 20, "the load ran: {}", answered.len());
    assert_eq!(
        server.wait_for_exit(Duration::from_secs(30)),
        Some(0),
        "a graceful stop exits 0"
    );
    assert!(server.seen.iter().any(|l| l.contains("authbox stopped")));

    // Every device code that was answered is still there after a restart.
    let mut again = Spawned::serve_with(&data, &[], &NO_DEVICE_AUTHORIZATION_LIMITS);
    let base = again.base_url();
    let client = reqwest::blocking::Client::new();
    for device_code in &answered {
        let poll: serde_json::Value = client
            .post(format!("{base}/token"))
            .form(&[
                ("grant_type", DEVICE_GRANT_FORM_DECODED),
                ("device_code", device_code.as_str()),
                ("client_id", "tv-public"),
            ])
            .send()
            .expect("poll")
            .json()
            .expect("JSON");
        assert_eq!(poll["error"], "authorization_pending", "{poll}");
    }
    assert_eq!(again.terminate_and_wait(), Some(0));
}

const DEVICE_GRANT_FORM_DECODED: &str = "urn:ietf:params:oauth:grant-type:device_code";
