//! Resource faults against the real binary: a data file on a disk that fills up, and on a file
//! system that turns read-only under it. Both need root (to mount); CI runs as root and must
//! run them, so there a missing privilege fails the test instead of skipping it.
//!
//! What a client must see: 503 in the endpoint's own shape (OAuth JSON with `Retry-After`, an
//! HTML page for people), never a crash; what was acknowledged before stays; and once the
//! disk has room again the server answers by itself, without a restart.

mod ambiguous_commit;
mod full_disk_writes;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::support::binary::Cli;
use crate::support::browser::Browser;
use crate::support::spawned::{NO_DEVICE_AUTHORIZATION_LIMITS, Spawned};

/// A file system mounted for one test, unmounted when dropped.
struct Mount {
    point: PathBuf,
    /// The disk image behind a loop mount.
    image: Option<PathBuf>,
    _dir: tempfile::TempDir,
}

impl Mount {
    /// Mounts with `mount args… point`; `None` (and a note) where this process may not mount,
    /// except under CI, which must run these tests.
    fn new(args: &[&str], dir: tempfile::TempDir) -> Option<Mount> {
        let point = dir.path().join("mnt");
        std::fs::create_dir(&point).expect("mount point");
        let mounted = Command::new("mount")
            .args(args)
            .arg(&point)
            .output()
            .map(|out| {
                (
                    out.status.success(),
                    String::from_utf8_lossy(&out.stderr).into_owned(),
                )
            });
        match mounted {
            Ok((true, _)) => Some(Mount {
                point,
                image: None,
                _dir: dir,
            }),
            Ok((false, why)) => cannot_mount(&why),
            Err(e) => cannot_mount(&e.to_string()),
        }
    }

    fn tmpfs(size: &str) -> Option<Mount> {
        let dir = tempfile::tempdir().expect("temp dir");
        Mount::new(
            &["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"],
            dir,
        )
    }

    /// A small ext4 file system on a loop device, set to turn read-only on its first error.
    fn ext4() -> Option<Mount> {
        let dir = tempfile::tempdir().expect("temp dir");
        let image = dir.path().join("disk.img");
        std::fs::File::create(&image)
            .and_then(|f| f.set_len(64 * 1024 * 1024))
            .expect("disk image");
        let made = Command::new("mkfs.ext4")
            .args(["-q", "-F"])
            .arg(&image)
            .status();
        if !made.is_ok_and(|s| s.success()) {
            return cannot_mount("mkfs.ext4 failed");
        }
        let source = image.to_string_lossy().into_owned();
        let mut mount = Mount::new(&["-o", "loop,errors=remount-ro", &source], dir)?;
        mount.image = Some(image);
        Some(mount)
    }

    /// The operator's way back from a file system gone read-only: unmount, repair, mount.
    fn repair(&self) {
        let image = self.image.as_ref().expect("a loop-mounted image");
        let unmounted = Command::new("umount").arg(&self.point).status();
        assert!(unmounted.is_ok_and(|s| s.success()), "umount");
        let repaired = Command::new("e2fsck")
            .args(["-f", "-y"])
            .arg(image)
            .status()
            .expect("e2fsck");
        // 0: nothing to fix; 1: errors fixed (the recorded error flag at least).
        assert!(
            repaired.code().is_some_and(|c| c <= 1),
            "e2fsck: {repaired}"
        );
        let mounted = Command::new("mount")
            .args(["-o", "loop,errors=remount-ro"])
            .arg(image)
            .arg(&self.point)
            .status();
        assert!(mounted.is_ok_and(|s| s.success()), "mount again");
    }

    fn path(&self, name: &str) -> PathBuf {
        self.point.join(name)
    }

    /// The kernel's name for the mounted device, e.g. `loop3`.
    fn device_name(&self) -> String {
        let out = Command::new("findmnt")
            .args(["-n", "-o", "SOURCE"])
            .arg(&self.point)
            .output()
            .expect("findmnt");
        let source = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        source.rsplit('/').next().unwrap_or_default().to_owned()
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.point).status();
    }
}

fn cannot_mount(why: &str) -> Option<Mount> {
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must run the resource-fault tests, but mounting failed: {why}"
    );
    eprintln!("skipped: cannot mount here ({why}); run as root to include this test");
    None
}

/// Fills the file system holding `dir` until it refuses another byte.
fn fill(dir: &Path) -> PathBuf {
    let filler = dir.join("filler");
    let mut file = std::fs::File::create(&filler).expect("filler");
    let block = vec![0u8; 64 * 1024];
    while file.write_all(&block).is_ok() {}
    // Whatever is left below a whole block.
    while file.write_all(&[0u8; 512]).is_ok() {}
    let _ = file.sync_all();
    filler
}

struct Answer {
    status: u16,
    retry_after: Option<String>,
    content_type: String,
    body: serde_json::Value,
}

fn start_device_flow(http: &reqwest::blocking::Client, base: &str) -> Answer {
    let response = http
        .post(format!("{base}/device_authorization"))
        .form(&[("client_id", "tv-public"), ("scope", "openid")])
        .send()
        .expect("the server answers");
    answer(response)
}

fn poll(http: &reqwest::blocking::Client, base: &str, device_code: &str) -> Answer {
    let response = http
        .post(format!("{base}/token"))
        .form(&[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", "tv-public"),
            ("device_code", device_code),
        ])
        .send()
        .expect("the server answers");
    answer(response)
}

fn answer(response: reqwest::blocking::Response) -> Answer {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (retry_after, content_type) = (header("retry-after"), header("content-type"));
    let status = response.status().as_u16();
    let text = response.text().expect("body");
    let body = serde_json::from_str(&text)
        .unwrap_or_else(|_| panic!("not JSON (status {status}): {text:?}"));
    Answer {
        status,
        retry_after,
        content_type: content_type.unwrap_or_default(),
        body,
    }
}

/// A 503 as RFC 6749 §5.2 shapes errors, with a hint of when to come back.
fn assert_unavailable(answer: &Answer) {
    assert_eq!(answer.status, 503, "{}", answer.body);
    assert_eq!(answer.body["error"], "temporarily_unavailable");
    assert!(answer.content_type.starts_with("application/json"));
    assert_eq!(answer.retry_after.as_deref(), Some("1"));
}

/// Device authorizations until one is refused for want of space; the codes acknowledged on
/// the way are returned with the refusal.
fn authorize_until_refused(http: &reqwest::blocking::Client, base: &str) -> (Vec<String>, Answer) {
    let mut acknowledged = Vec::new();
    for _ in 0..5000 {
        let answer = start_device_flow(http, base);
        if answer.status != 200 {
            return (acknowledged, answer);
        }
        acknowledged.push(
            answer.body["device_code"]
                .as_str()
                .expect("code")
                .to_owned(),
        );
    }
    panic!(
        "{} device authorizations on a full disk",
        acknowledged.len()
    );
}

/// `count` device authorizations, each of which must be acknowledged.
fn device_codes(http: &reqwest::blocking::Client, base: &str, count: usize) -> Vec<String> {
    (0..count)
        .map(|_| {
            let answer = start_device_flow(http, base);
            assert_eq!(answer.status, 200, "{}", answer.body);
            answer.body["device_code"]
                .as_str()
                .expect("code")
                .to_owned()
        })
        .collect()
}

fn assert_pending(http: &reqwest::blocking::Client, base: &str, codes: &[String]) {
    for code in codes {
        let answer = poll(http, base, code);
        assert_eq!(
            answer.body["error"],
            "authorization_pending",
            "an acknowledged device authorization was lost ({} acknowledged)",
            codes.len()
        );
    }
}

fn setup(data: &Path) {
    Cli::new(data)
        .run(&["client", "add", "tv-public", "--grant", "device_code"])
        .ok();
}

#[test]
fn a_full_disk_answers_503_and_service_resumes_when_space_returns() {
    let Some(disk) = Mount::tmpfs("4m") else {
        return;
    };
    let data = disk.path("authbox.redb");
    let mut server = Spawned::serve_with(&data, &[], &NO_DEVICE_AUTHORIZATION_LIMITS);
    let base = server.base_url();
    setup(&data);
    let http = reqwest::blocking::Client::new();
    let mut acknowledged = device_codes(&http, &base, 20);

    let filler = fill(&disk.point);
    let (more, refused) = authorize_until_refused(&http, &base);
    acknowledged.extend(more);
    assert_unavailable(&refused);

    // Health says so, a person's page says so in HTML, and keys are still served.
    let health = answer(http.get(format!("{base}/healthz")).send().expect("healthz"));
    assert_unavailable(&health);
    let mut browser = Browser::at(&base);
    browser.get("/device");
    let page = browser.submit("/device", &[("user_code", "BCDF-GHJK")]);
    assert!(
        page.status == 503 || page.status == 400,
        "a person gets a page, not a crash: {}",
        page.status
    );
    assert!(page.header("content-type").starts_with("text/html"));
    let jwks = http.get(format!("{base}/jwks")).send().expect("jwks");
    assert_eq!(jwks.status(), 200);

    std::fs::remove_file(&filler).expect("space returns");
    let space_returned = Instant::now();
    let deadline = space_returned + Duration::from_secs(10);
    let resumed = loop {
        let answer = start_device_flow(&http, &base);
        if answer.status == 200 {
            break answer;
        }
        assert_unavailable(&answer);
        assert!(
            Instant::now() < deadline,
            "still refused 10 s after space returned"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    eprintln!(
        "full disk: {} device authorizations acknowledged, then 503; answering again {:?} \
         after space returned",
        acknowledged.len(),
        space_returned.elapsed()
    );
    acknowledged.push(
        resumed.body["device_code"]
            .as_str()
            .expect("code")
            .to_owned(),
    );
    assert_eq!(
        answer(http.get(format!("{base}/healthz")).send().expect("healthz")).status,
        200
    );
    assert_pending(&http, &base, &acknowledged);

    assert_eq!(
        server.terminate_and_wait(),
        Some(0),
        "{}",
        server.seen.join("\n")
    );
    Cli::new(&data).run(&["check"]).ok();
}

#[test]
fn a_file_system_gone_read_only_answers_503_and_loses_nothing() {
    let Some(disk) = Mount::ext4() else {
        return;
    };
    let data = disk.path("authbox.redb");
    let mut server = Spawned::serve_with(&data, &[], &NO_DEVICE_AUTHORIZATION_LIMITS);
    let base = server.base_url();
    setup(&data);
    let http = reqwest::blocking::Client::new();
    let acknowledged = device_codes(&http, &base, 20);

    // What a failing disk does to ext4 mounted errors=remount-ro: every later write is EROFS.
    std::fs::write(
        format!("/sys/fs/ext4/{}/trigger_fs_error", disk.device_name()),
        "authbox resource-fault test\n",
    )
    .expect("trigger an ext4 error");
    let (more, refused) = authorize_until_refused(&http, &base);
    assert!(
        more.is_empty(),
        "{} written to a read-only file system",
        more.len()
    );
    assert_unavailable(&refused);
    assert_unavailable(&answer(
        http.get(format!("{base}/healthz")).send().expect("healthz"),
    ));
    let jwks = http.get(format!("{base}/jwks")).send().expect("jwks");
    assert_eq!(jwks.status(), 200, "the server is still up");

    // The operator's way back: stop, repair the file system, mount it again, start.
    server.terminate_and_wait();
    disk.repair();

    Cli::new(&data).run(&["check"]).ok();
    let mut again = Spawned::serve_with(&data, &[], &NO_DEVICE_AUTHORIZATION_LIMITS);
    let base = again.base_url();
    assert_pending(&http, &base, &acknowledged);
    assert_eq!(start_device_flow(&http, &base).status, 200);
    assert_eq!(again.terminate_and_wait(), Some(0));
}
