//! On a packaged install, root's commands follow the service's `/etc/default/authbox`
//! (src/cli/packaged.rs). Each run gets its own empty /etc/default and /var/lib: tmpfs mounts in
//! a private mount namespace (`unshare --mount`, util-linux), gone when it ends, so the
//! machine's own files are neither read nor touched. That needs root; CI runs as root, so there
//! a failure to set it up fails the test instead of skipping it.

use std::io::Write;
use std::path::Path;
use std::process::Stdio;

use crate::support::Cli;
use crate::support::binary::{CliOutput, binary_path, command_for};

const PASSWORD: &str = "correct horse battery staple";

/// Runs `script` (sh, with `authbox` the binary under test) as root in a mount namespace where
/// /etc/default/authbox holds `defaults` and /var/lib/authbox is an empty directory. `None`
/// where that cannot be set up outside CI.
fn on_a_packaged_install(
    defaults: &str,
    script: &str,
    env: &[(&str, &str)],
    stdin: &str,
) -> Option<CliOutput> {
    if !rustix::process::geteuid().is_root() {
        return cannot_isolate("not root");
    }
    let setup = r#"set -e
mount -t tmpfs -o mode=0755 authbox-test /etc/default
mount -t tmpfs -o mode=0755 authbox-test /var/lib
mkdir -m 0700 /var/lib/authbox
printf '%s' "$DEFAULTS_FILE_TEXT" > /etc/default/authbox
authbox() { "$BINARY_UNDER_TEST" "$@"; }
"#;
    // Should a command miss the rule and fall back to ./authbox.redb, it lands here.
    let cwd = tempfile::tempdir().unwrap();
    let mut command = command_for("unshare");
    command
        .current_dir(cwd.path())
        .args(["--mount", "--propagation", "private", "sh", "-c"])
        .arg(format!("{setup}{script}"))
        .env("DEFAULTS_FILE_TEXT", defaults)
        .env("BINARY_UNDER_TEST", binary_path())
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => return cannot_isolate(&format!("unshare: {e}")),
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if stderr.contains("unshare failed") || stderr.contains("mount: ") {
        return cannot_isolate(&stderr);
    }
    Some(CliOutput {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr,
    })
}

fn cannot_isolate(why: &str) -> Option<CliOutput> {
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must run the packaged-install tests, but a private /etc/default failed: {why}"
    );
    eprintln!("skipped: cannot give authbox a private /etc/default here ({why}); run as root");
    None
}

#[test]
fn root_manages_the_services_data_file_without_naming_it() {
    // The unit's own data file, as the defaults file does not set one.
    let Some(out) = on_a_packaged_install(
        "# Set by the package; AUTHBOX_DATA left at the unit's.\nAUTHBOX_ISSUER=https://id.example\n",
        "authbox user add alice --password-stdin >/dev/null\n\
         test -f /var/lib/authbox/authbox.redb\n\
         authbox --json user list\n",
        &[],
        &format!("{PASSWORD}\n"),
    ) else {
        return;
    };
    assert!(out.stdout.contains("\"alice\""), "{out:?}");
}

#[test]
fn the_defaults_file_names_the_data_file_and_check_reads_the_services_settings() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("service.redb");
    let defaults = format!(
        "AUTHBOX_DATA='{}'\nAUTHBOX_LISTEN=0.0.0.0:8443\n",
        data.display()
    );
    let Some(out) = on_a_packaged_install(
        &defaults,
        "authbox user add bob --password-stdin",
        &[],
        &format!("{PASSWORD}\n"),
    ) else {
        return;
    };
    out.ok();
    // The user landed in the file the defaults file names.
    let users = Cli::new(&data).run(&["--json", "user", "list"]).json();
    assert!(users.to_string().contains("\"bob\""), "{users}");

    // check sees the service's listen address, which needs an issuer…
    let refused = on_a_packaged_install(&defaults, "authbox check", &[], "").unwrap();
    refused.fails_with(&["--listen 0.0.0.0:8443", "AUTHBOX_ISSUER"]);
    // …and the environment, like a flag, comes before the file.
    let issuer = [("AUTHBOX_ISSUER", "https://id.example")];
    let text = on_a_packaged_install(&defaults, "authbox check", &issuer, "")
        .unwrap()
        .ok();
    assert!(text.trim_end().ends_with("ok"), "{text}");
}

#[test]
fn a_data_file_named_in_the_environment_or_by_flag_wins() {
    let dir = tempfile::tempdir().unwrap();
    let service = dir.path().join("service.redb");
    let mine = dir.path().join("mine.redb");
    Cli::new(&service).add_user("carol", PASSWORD, &[]);
    let defaults = format!("AUTHBOX_DATA={}\n", service.display());
    let mine_text = mine.display().to_string();
    let Some(out) = on_a_packaged_install(
        &defaults,
        "authbox user list",
        &[("AUTHBOX_DATA", &mine_text)],
        "",
    ) else {
        return;
    };
    out.fails_with(&["no data file", &mine_text]);
    let out = on_a_packaged_install(
        &defaults,
        &format!("authbox user list --data '{mine_text}'"),
        &[],
        "",
    )
    .unwrap();
    out.fails_with(&["no data file", &mine_text]);
    assert!(!Path::new(&mine).exists());
}

#[test]
fn a_bad_value_in_the_defaults_file_is_named_there() {
    let Some(out) = on_a_packaged_install("AUTHBOX_POLL_INTERVAL=fast\n", "authbox check", &[], "")
    else {
        return;
    };
    out.fails_with(&[
        "--poll-interval",
        "that value comes from AUTHBOX_POLL_INTERVAL in /etc/default/authbox",
    ]);
}
