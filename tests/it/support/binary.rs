//! Running the real `authbox` binary, with a clean environment.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub struct Cli {
    data: PathBuf,
    env: Vec<(String, String)>,
}

#[derive(Debug)]
pub struct CliOutput {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl CliOutput {
    /// Asserts success and returns stdout.
    pub fn ok(self) -> String {
        assert_eq!(self.code, Some(0), "expected success, got {self:?}");
        self.stdout
    }

    /// Asserts a non-zero exit whose message contains every fragment, and returns stderr.
    pub fn fails_with(self, fragments: &[&str]) -> String {
        assert_ne!(self.code, Some(0), "expected failure, got {self:?}");
        assert!(self.code.is_some(), "killed by a signal: {self:?}");
        for fragment in fragments {
            assert!(
                self.stderr.contains(fragment),
                "stderr lacks {fragment:?}: {self:?}"
            );
        }
        assert!(
            !self.stderr.contains("panicked"),
            "the binary panicked: {self:?}"
        );
        self.stderr
    }

    pub fn json(self) -> serde_json::Value {
        let stdout = self.ok();
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
    }
}

pub fn binary_path() -> &'static str {
    env!("CARGO_BIN_EXE_authbox")
}

/// A command with no inherited `AUTHBOX_*` variables.
pub fn command() -> Command {
    command_for(binary_path())
}

/// [`command`] for another build of the binary (the release one, say).
pub fn command_for(binary: &str) -> Command {
    let mut command = Command::new(binary);
    for (key, _) in std::env::vars() {
        if key.starts_with("AUTHBOX_") {
            command.env_remove(key);
        }
    }
    command
}

impl Cli {
    pub fn new(data: &Path) -> Cli {
        Cli {
            data: data.to_path_buf(),
            env: Vec::new(),
        }
    }

    pub fn env(mut self, key: &str, value: &str) -> Cli {
        self.env.push((key.into(), value.into()));
        self
    }

    pub fn run(&self, args: &[&str]) -> CliOutput {
        self.run_with_stdin(args, None)
    }

    /// Runs with `stdin` as standard input (or none at all, so no password prompt can appear).
    pub fn run_with_stdin(&self, args: &[&str], stdin: Option<&str>) -> CliOutput {
        let mut command = command();
        command
            .env("AUTHBOX_DATA", &self.data)
            .args(args)
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (key, value) in &self.env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("spawn authbox");
        if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
            pipe.write_all(text.as_bytes()).expect("write stdin");
        }
        let output = child.wait_with_output().expect("wait for authbox");
        CliOutput {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// `user add` with the password on standard input.
    pub fn add_user(&self, username: &str, password: &str, extra: &[&str]) -> serde_json::Value {
        let mut args = vec!["--json", "user", "add", username, "--password-stdin"];
        args.extend_from_slice(extra);
        let out = self.run_with_stdin(&args, Some(&format!("{password}\n")));
        out.json()["user"].clone()
    }
}
