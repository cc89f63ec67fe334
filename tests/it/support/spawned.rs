//! The real binary as a running server: spawned with its own arguments and environment, its
//! standard error read line by line, stopped with real signals.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use super::binary::command;

pub struct Spawned {
    pub child: Child,
    lines: Receiver<String>,
    /// Every line of standard error read so far.
    pub seen: Vec<String>,
}

/// For load and fault campaigns whose one loopback client asks for more device codes than
/// one address may (the limits themselves are tested in `brute_force`).
pub const NO_DEVICE_AUTHORIZATION_LIMITS: [(&str, &str); 3] = [
    ("AUTHBOX_DEVICE_AUTHORIZATIONS_PER_ADDRESS", "10000000"),
    ("AUTHBOX_DEVICE_AUTHORIZATIONS_PER_CLIENT", "10000000"),
    ("AUTHBOX_DEVICE_AUTHORIZATIONS_TOTAL", "10000000"),
];

/// A loopback port nothing listens on just now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

impl Spawned {
    /// `authbox serve` on a free loopback port, on the data file `data`.
    pub fn serve(data: &Path) -> Spawned {
        Spawned::serve_with(data, &[], &[])
    }

    /// `authbox serve [args]` with `env` added, on a free loopback port that is also its
    /// issuer (the pages check that forms come from the issuer's origin).
    pub fn serve_with(data: &Path, args: &[&str], env: &[(&str, &str)]) -> Spawned {
        Spawned::serve_on(free_port(), data, args, env)
    }

    /// [`Spawned::serve_with`] on a given loopback port: a server restarted on the port it had
    /// keeps its issuer, so what it issued before still names it.
    pub fn serve_on(port: u16, data: &Path, args: &[&str], env: &[(&str, &str)]) -> Spawned {
        let listen = format!("127.0.0.1:{port}");
        let issuer = format!("http://127.0.0.1:{port}");
        let mut all = vec!["serve", "--listen", &listen, "--issuer", &issuer];
        all.extend_from_slice(args);
        Spawned::run(data, &all, env)
    }

    /// The binary with `args`, its standard output discarded.
    pub fn run(data: &Path, args: &[&str], env: &[(&str, &str)]) -> Spawned {
        let mut command = command();
        command.env("AUTHBOX_DATA", data).args(args);
        for (key, value) in env {
            command.env(key, value);
        }
        Spawned::start(command)
    }

    /// Any command (the binary behind a wrapper such as `setpriv`), its standard output
    /// discarded and its standard error read line by line.
    pub fn start(mut command: Command) -> Spawned {
        command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("spawn authbox");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Spawned {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// The first log line containing `needle`, already seen or still to come; the server logs
    /// as it starts, so this is not a sleep.
    pub fn line_with(&mut self, needle: &str) -> String {
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
        panic!(
            "no log line with {needle:?}; saw:\n{}",
            self.seen.join("\n")
        );
    }

    /// The base URL, once the server says it is listening (text log format).
    pub fn base_url(&mut self) -> String {
        let listening = self.line_with("authbox is listening");
        let addr = listening
            .split_whitespace()
            .find_map(|word| word.strip_prefix("addr="))
            .unwrap_or_else(|| panic!("no addr in {listening}"))
            .to_owned();
        format!("http://{addr}")
    }

    pub fn signal(&self, name: &str) {
        let pid = self.child.id().to_string();
        let sent = std::process::Command::new("kill")
            .args([&format!("-{name}"), &pid])
            .status()
            .expect("kill");
        assert!(sent.success(), "kill -{name} {pid}");
    }

    /// Waits for the process to end and returns its exit code, reading the rest of its log.
    pub fn wait_for_exit(&mut self, patience: Duration) -> Option<i32> {
        let deadline = Instant::now() + patience;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "the process did not end within {patience:?}; its log:\n{}",
                self.seen.join("\n")
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
            self.seen.push(line);
        }
        status.code()
    }

    pub fn terminate_and_wait(&mut self) -> Option<i32> {
        self.signal("TERM");
        self.wait_for_exit(Duration::from_secs(20))
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
