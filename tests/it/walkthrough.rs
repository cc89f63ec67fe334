//! The README's walkthrough, run as written: each line of its shell block, in order, in a
//! fresh directory, against the server the block itself starts. What the test changes, and
//! only that: `authbox` is the binary under test rather than `./target/release/authbox` (the
//! block's first line, which builds it, is skipped); port 8080 is a free port; the values the
//! block asks to copy (`<device_code from above>`, `<client_secret from above>`) are copied
//! from earlier output; the person's part, which the block describes in words, is done in a
//! browser; the password the terminal asks for is typed into a terminal (`script`); and
//! `AUTHBOX_DATA` names `./authbox.redb`, the default, so that on a machine with the Debian
//! package installed root's commands do not follow `/etc/default/authbox` to the service's
//! data file instead.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::support::binary::binary_path;
use crate::support::browser::Browser;
use crate::support::spawned::Spawned;

const PASSWORD: &str = "a walkthrough password";

/// One line of the block (continuations joined), with what the comments after it show.
struct Step {
    line: String,
    /// `# {"status":"ok"}` after the line or at its end.
    expected: Option<String>,
}

enum Part {
    Run(Step),
    /// The comment that tells the reader to approve in a browser.
    Person,
}

fn walkthrough() -> Vec<Part> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let section = readme
        .split("## A 60-second walkthrough")
        .nth(1)
        .expect("the walkthrough section");
    let block = section
        .split("```sh\n")
        .nth(1)
        .and_then(|b| b.split("\n```").next())
        .expect("its shell block");
    let mut parts = Vec::new();
    let mut pending = String::new();
    for raw in block.lines() {
        let text = raw.trim();
        if let Some(comment) = text.strip_prefix('#') {
            let comment = comment.trim();
            if comment.starts_with("Be the person") {
                parts.push(Part::Person);
            } else if (comment.starts_with('{') || comment.starts_with('"'))
                && let Some(Part::Run(step)) = parts.last_mut()
            {
                let expected = step.expected.get_or_insert_with(String::new);
                expected.push_str(comment.split("   (").next().unwrap_or(comment));
            }
            continue;
        }
        if text.is_empty() {
            continue;
        }
        if let Some(joined) = text.strip_suffix('\\') {
            pending.push_str(joined);
            continue;
        }
        pending.push_str(text);
        let (line, expected) = match pending.split_once(" # ") {
            Some((line, comment)) => (line.trim().to_owned(), Some(comment.trim().to_owned())),
            None => (pending.trim().to_owned(), None),
        };
        let expected = expected.filter(|c| c.starts_with('{'));
        parts.push(Part::Run(Step { line, expected }));
        pending.clear();
    }
    parts
}

/// Every member the README shows is in the answer; the ones whose value it shows literally
/// (not a sample such as a code or a token) have that value.
fn check_expected(line: &str, expected: &str, output: &str) {
    let answer: Value = serde_json::from_str(output.trim())
        .unwrap_or_else(|e| panic!("`{line}` printed no JSON ({e}): {output}"));
    let shown: Value = serde_json::from_str(&expected.replace('…', ""))
        .unwrap_or_else(|e| panic!("the README's {expected} is not JSON: {e}"));
    for (member, value) in shown.as_object().into_iter().flatten() {
        assert!(
            answer.get(member).is_some(),
            "`{line}` answered without {member:?}: {output}"
        );
        if matches!(
            member.as_str(),
            "status" | "error" | "token_type" | "scope" | "interval"
        ) {
            assert_eq!(&answer[member], value, "`{line}`: {member}");
        }
    }
}

#[test]
fn the_readme_walkthrough_runs_as_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).expect("bin");
    std::os::unix::fs::symlink(binary_path(), bin.join("authbox")).expect("authbox on PATH");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let port = crate::support::spawned::free_port();
    let base = format!("http://localhost:{port}");
    let work = dir.path().join("work");
    std::fs::create_dir(&work).expect("work dir");

    let shell = |line: &str| {
        let mut command = Command::new("bash");
        command
            .args(["-c", line])
            .current_dir(&work)
            .env("PATH", &path)
            .stderr(Stdio::inherit());
        for (key, _) in std::env::vars() {
            if key.starts_with("AUTHBOX_") {
                command.env_remove(key);
            }
        }
        command.env("AUTHBOX_DATA", "./authbox.redb");
        command
    };

    let mut copied: HashMap<&str, String> = HashMap::new();
    let mut server: Option<Spawned> = None;
    let mut user_code = String::new();
    let mut ran = 0;
    let parts = walkthrough();
    for part in &parts {
        let step = match part {
            Part::Person => {
                let mut browser = Browser::at(&base);
                browser.reach_consent(&user_code, "alice", PASSWORD);
                assert!(browser.decide(&user_code, "approve").says("connected"));
                // The TV waits its interval before the next poll.
                std::thread::sleep(std::time::Duration::from_secs(5));
                continue;
            }
            Part::Run(step) => step,
        };
        if step.line.starts_with("cargo build") {
            assert!(
                step.line
                    .ends_with("alias authbox=./target/release/authbox")
            );
            continue;
        }
        let mut line = step
            .line
            .replace("localhost:8080", &format!("localhost:{port}"));
        for (placeholder, value) in &copied {
            line = line.replace(placeholder, value);
        }
        assert!(
            !line.contains("from above>"),
            "nothing to copy for `{line}`"
        );
        ran += 1;

        if let Some(foreground) = line.strip_suffix('&') {
            let listen = format!("{} --listen 127.0.0.1:{port}", foreground.trim());
            let mut command = shell(&format!("exec {listen}"));
            command.stderr(Stdio::piped());
            let mut started = Spawned::start(command);
            started.line_with("authbox is listening");
            server = Some(started);
            continue;
        }
        let output = if line.contains("user add") && !line.contains("--password-stdin") {
            // The password is asked for on a terminal: give it one, and type it twice.
            let mut command = shell(&format!("script -qec {} /dev/null", shell_quote(&line)));
            command.stdin(Stdio::piped()).stdout(Stdio::piped());
            let mut child = command.spawn().expect("script");
            let typed = format!("{PASSWORD}\n{PASSWORD}\n");
            if let Some(mut stdin) = child.stdin.take() {
                std::io::Write::write_all(&mut stdin, typed.as_bytes()).expect("type");
            }
            child.wait_with_output().expect("script")
        } else {
            shell(&line).output().expect("bash")
        };
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(output.status.success(), "`{line}` failed: {stdout}");
        if let Some(expected) = &step.expected {
            check_expected(&line, expected, &stdout);
        }
        if let Ok(answer) = serde_json::from_str::<Value>(stdout.trim())
            && let Some(code) = answer["device_code"].as_str()
        {
            copied.insert("<device_code from above>", code.to_owned());
            user_code = answer["user_code"].as_str().unwrap_or_default().to_owned();
        }
        if let Some(secret) = stdout
            .lines()
            .find_map(|l| l.trim().strip_prefix("client_secret:"))
        {
            copied.insert("<client_secret from above>", secret.trim().to_owned());
        }
        if line.starts_with("authbox grant list") {
            assert!(
                stdout.contains("tv-public") && stdout.contains("live"),
                "{stdout}"
            );
        }
        if line.starts_with("authbox audit") {
            for event in ["signed_in", "approved", "redeemed"] {
                assert!(stdout.contains(event), "no {event} in {stdout}");
            }
        }
    }
    assert!(ran >= 15, "only {ran} lines ran: is the block still found?");
    assert!(server.is_some(), "the block starts its server");
    if let Some(mut server) = server {
        server.child.kill().ok();
    }
    assert!(Path::new(&work.join("authbox.redb")).exists());
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}
