//! `authbox demo`: the real binary plays the TV on its own throwaway server; the test reads its
//! screen and plays the person in a scripted browser.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

use crate::support::binary::command;
use crate::support::browser::Browser;

/// The running demo, its standard output and error read line by line (error lines prefixed).
struct Demo {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
}

/// What the TV's screen tells the person.
struct Screen {
    base: String,
    code: String,
    password: String,
    data_dir: PathBuf,
}

fn forward(stream: impl Read + Send + 'static, prefix: &'static str, tx: Sender<String>) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if tx.send(format!("{prefix}{line}")).is_err() {
                break;
            }
        }
    });
}

impl Demo {
    fn start() -> Demo {
        let mut child = command()
            .args(["demo", "--listen", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn authbox demo");
        let (tx, lines) = channel();
        forward(child.stdout.take().expect("stdout"), "", tx.clone());
        forward(child.stderr.take().expect("stderr"), "stderr: ", tx);
        Demo {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    fn output(&self) -> String {
        self.seen.join("\n")
    }

    /// The first line containing `needle`, already seen or still to come.
    fn line_with(&mut self, needle: &str) -> String {
        if let Some(line) = self.seen.iter().find(|l| l.contains(needle)) {
            return line.clone();
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => break,
            }
        }
        panic!("no line with {needle:?}; the demo said:\n{}", self.output());
    }

    /// The word after `label` on the first line carrying it.
    fn word_after(&mut self, label: &str) -> String {
        let line = self.line_with(label);
        let (_, rest) = line.split_once(label).expect("label");
        rest.split_whitespace()
            .next()
            .unwrap_or_else(|| panic!("nothing after {label} in {line:?}"))
            .to_owned()
    }

    fn screen(&mut self) -> Screen {
        let data_dir = PathBuf::from(self.word_after("Data:"));
        let password = self.word_after("Password:");
        let code = self.word_after("Code:");
        let complete = self.line_with("/device?user_code=").trim().to_owned();
        assert_eq!(
            complete.rsplit('=').next(),
            Some(code.as_str()),
            "the link carries the code on the screen"
        );
        let base = complete
            .split("/device?")
            .next()
            .expect("base URL")
            .to_owned();
        Screen {
            base,
            code,
            password,
            data_dir,
        }
    }

    /// Waits for the process to end and reads the rest of what it said.
    fn wait_for_exit(&mut self, patience: Duration) -> Option<i32> {
        let deadline = Instant::now() + patience;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "the demo did not end within {patience:?}; it said:\n{}",
                self.output()
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
            self.seen.push(line);
        }
        status.code()
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The lines from the one starting `from` up to the next that starts `to` (or the end).
fn section<'a>(output: &'a str, from: &str, to: &str) -> &'a str {
    let start = output
        .find(from)
        .unwrap_or_else(|| panic!("no {from:?} in:\n{output}"));
    let rest = &output[start..];
    let end = rest[from.len()..]
        .find(to)
        .map_or(rest.len(), |at| at + from.len());
    &rest[..end]
}

#[test]
fn the_demo_completes_a_device_flow_approved_in_a_browser() {
    let started = Instant::now();
    let mut demo = Demo::start();
    let screen = demo.screen();
    assert!(
        screen.data_dir.is_dir(),
        "the announced data directory exists"
    );
    assert!(
        screen.base.starts_with("http://127.0.0.1:"),
        "{}",
        screen.base
    );

    let mut browser = Browser::at(&screen.base);
    let consent = browser.reach_consent(&screen.code, "demo", &screen.password);
    assert!(consent.says("Demo TV"), "{}", consent.html);
    let done = browser.decide(&screen.code, "approve");
    assert!(done.says("is connected"), "{}", done.html);

    assert_eq!(
        demo.wait_for_exit(Duration::from_secs(60)),
        Some(0),
        "{}",
        demo.output()
    );
    assert!(started.elapsed() < Duration::from_secs(60));
    let output = demo.output();
    assert!(output.contains("authorization_pending") || output.contains("approved"));
    let id_token = section(&output, "ID token claims:", "Access token");
    for claim in [
        "\"sub\": ".to_owned(),
        "\"aud\": \"demo-tv\"".to_owned(),
        format!("\"iss\": \"{}\"", screen.base),
        "\"email\": \"demo@example.org\"".to_owned(),
    ] {
        assert!(
            id_token.contains(&claim),
            "ID token lacks {claim}:\n{id_token}"
        );
    }
    let access_token = section(&output, "Access token claims:", "Stopped");
    assert!(
        access_token.contains("\"scope\": \"openid profile email offline_access\""),
        "{access_token}"
    );
    assert!(
        output.contains("signature verified with the key"),
        "the signatures were checked against /jwks:\n{output}"
    );
    assert!(output.contains("refresh_token  yes"), "{output}");
    assert!(!screen.data_dir.exists(), "the temporary data is gone");
}

#[test]
fn a_denial_on_the_phone_ends_the_demo_with_failure() {
    let mut demo = Demo::start();
    let screen = demo.screen();
    let mut browser = Browser::at(&screen.base);
    browser.reach_consent(&screen.code, "demo", &screen.password);
    assert!(
        browser
            .decide(&screen.code, "deny")
            .says("was not connected")
    );

    let code = demo.wait_for_exit(Duration::from_secs(60));
    assert!(
        code.is_some_and(|c| c != 0),
        "exit {code:?}: {}",
        demo.output()
    );
    let output = demo.output();
    assert!(
        output.contains("access_denied: denied on the phone"),
        "{output}"
    );
    assert!(
        output.contains("stderr: authbox: the sign-in was denied"),
        "{output}"
    );
    assert!(!output.contains("panicked"), "{output}");
    assert!(!screen.data_dir.exists(), "the temporary data is gone");
}

#[test]
fn ctrl_c_stops_the_demo_and_removes_its_data() {
    let mut demo = Demo::start();
    let screen = demo.screen();
    demo.line_with("Polling POST /token");
    let pid = demo.child.id().to_string();
    let sent = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill");
    assert!(sent.success());
    let code = demo.wait_for_exit(Duration::from_secs(20));
    assert!(
        code.is_some_and(|c| c != 0),
        "exit {code:?}: {}",
        demo.output()
    );
    assert!(demo.output().contains("interrupted"), "{}", demo.output());
    assert!(!screen.data_dir.exists(), "the temporary data is gone");
}
