//! Durability shown, not assumed: SIGKILL cannot tell a synced write from one still in the page
//! cache, so this test runs the real binary under `strace` and checks the order of its system
//! calls. Between reading a device authorization request and writing the answer, the server
//! must have synced the data file.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::binary::{Cli, binary_path};

/// One traced system call: when it finished, its name, and its text.
struct Call {
    finished: f64,
    name: String,
    line: String,
}

/// Reads `strace -f -ttt -T` output. A call interrupted by another thread shows as
/// `<unfinished ...>` and later `<... name resumed>`; the resumed line is where it finished.
fn calls(trace: &str) -> Vec<Call> {
    let mut out = Vec::new();
    for line in trace.lines() {
        let mut words = line.split_whitespace();
        let (Some(_pid), Some(at)) = (words.next(), words.next()) else {
            continue;
        };
        let Ok(started) = at.parse::<f64>() else {
            continue;
        };
        if line.contains("<unfinished ...>") {
            continue;
        }
        let rest = &line[line.find(at).map_or(0, |i| i + at.len())..].trim_start();
        let name = match rest.strip_prefix("<... ") {
            Some(resumed) => resumed.split_whitespace().next().unwrap_or_default(),
            None => rest.split('(').next().unwrap_or_default(),
        };
        // -T appends the time spent in the call: <0.000123>.
        let spent = line
            .rsplit_once('<')
            .and_then(|(_, t)| t.trim_end_matches('>').parse::<f64>().ok())
            .unwrap_or(0.0);
        let finished = if rest.starts_with("<... ") {
            started
        } else {
            started + spent
        };
        out.push(Call {
            finished,
            name: name.to_owned(),
            line: line.to_owned(),
        });
    }
    out
}

fn strace_available() -> bool {
    Command::new("strace")
        .arg("-V")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn an_answered_device_authorization_was_synced_to_disk_first() {
    if !strace_available() {
        assert!(
            std::env::var_os("CI").is_none(),
            "strace is missing; .ci/run installs it"
        );
        eprintln!("strace is not installed: skipping the durability trace");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("authbox.redb");
    let trace = dir.path().join("trace.txt");
    Cli::new(&data)
        .run(&["client", "add", "tv-public", "--grant", "device_code"])
        .ok();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = Command::new("strace")
        .args(["-f", "-ttt", "-T", "-s", "256", "-o"])
        .arg(&trace)
        .args([
            "-e",
            "trace=read,recvfrom,write,writev,sendto,sendmsg,fsync,fdatasync",
        ])
        .arg(binary_path())
        .args(["--data"])
        .arg(&data)
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--issuer",
            &base,
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("strace authbox serve");
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    let deadline = Instant::now() + Duration::from_secs(60);
    while client.get(format!("{base}/healthz")).send().is_err() {
        assert!(Instant::now() < deadline, "the traced server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    let answered: serde_json::Value = client
        .post(format!("{base}/device_authorization"))
        .form(&[("client_id", "tv-public"), ("scope", "openid")])
        .send()
        .expect("device authorization")
        .json()
        .expect("JSON");
    let device_code = answered["device_code"].as_str().expect("acknowledged");
    // The server is strace's child: stopping it ends the trace.
    let _ = Command::new("pkill")
        .args(["-TERM", "-P", &server.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(30);
    while server.try_wait().ok().flatten().is_none() {
        if Instant::now() > deadline {
            let _ = Command::new("pkill")
                .args(["-KILL", "-P", &server.id().to_string()])
                .status();
            let _ = server.kill();
            let _ = server.wait();
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let text = std::fs::read_to_string(&trace).expect("the trace");
    check_order(&text, &data, &device_code[..16]);
}

fn check_order(trace: &str, data: &Path, answer_marker: &str) {
    let calls = calls(trace);
    let request = calls
        .iter()
        .find(|c| {
            matches!(c.name.as_str(), "read" | "recvfrom")
                && c.line.contains("POST /device_authorization")
        })
        .unwrap_or_else(|| panic!("the request's read is in the trace of {}", data.display()));
    let answer = calls
        .iter()
        .find(|c| {
            matches!(c.name.as_str(), "write" | "writev" | "sendto" | "sendmsg")
                && c.line.contains(answer_marker)
        })
        .expect("the answer's write is in the trace");
    let synced: Vec<&Call> = calls
        .iter()
        .filter(|c| matches!(c.name.as_str(), "fsync" | "fdatasync"))
        .filter(|c| c.finished > request.finished && c.finished <= answer.finished)
        .collect();
    eprintln!(
        "request read at {:.6}, {} sync(s) finished before the answer was written at {:.6}",
        request.finished,
        synced.len(),
        answer.finished
    );
    assert!(
        !synced.is_empty(),
        "no fsync or fdatasync between reading the request and writing the answer"
    );
}
