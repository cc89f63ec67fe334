//! Ambiguous commits: the data file sits on a disk whose sync fails (EIO) while the test says
//! so, although the writes before it land (`support::faulty_disk`). The client hears 503 and
//! retries; the retry must find the step done, not take it for a replay: a refresh rotation
//! that landed gives its successor (the device stays signed in), a redemption that landed
//! gives the device its tokens, once.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::{Answer, answer, assert_unavailable};
use crate::support::binary::Cli;
use crate::support::browser::Browser;
use crate::support::faulty_disk::FaultyDisk;
use crate::support::jwt::verify_at;
use crate::support::spawned::Spawned;

const PASSWORD: &str = "correct horse battery staple";
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

struct Faulty {
    server: Spawned,
    base: String,
    data: PathBuf,
    http: reqwest::blocking::Client,
    // Dropped last: the server must let go of the file before the disk goes.
    disk: FaultyDisk,
    _dir: tempfile::TempDir,
}

impl Faulty {
    /// A server whose data file is on a faulty disk, with a TV client and Alice.
    fn start() -> Option<Faulty> {
        let disk = FaultyDisk::mount()?;
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("authbox.redb");
        let cli = Cli::new(&data);
        cli.run(&[
            "client",
            "add",
            "tv",
            "--grant",
            "device_code",
            "--grant",
            "refresh_token",
        ])
        .ok();
        cli.add_user("alice", PASSWORD, &[]);
        disk.adopt(&data);
        let mut server = Spawned::serve_with(&data, &[], &[]);
        let base = server.base_url();
        Some(Faulty {
            server,
            base,
            data,
            http: reqwest::blocking::Client::new(),
            disk,
            _dir: dir,
        })
    }

    fn token(&self, form: &[(&str, &str)]) -> Answer {
        let response = self
            .http
            .post(format!("{}/token", self.base))
            .form(form)
            .send()
            .expect("the server answers");
        answer(response)
    }

    fn poll(&self, device_code: &str) -> Answer {
        self.token(&[
            ("grant_type", DEVICE_GRANT),
            ("client_id", "tv"),
            ("device_code", device_code),
        ])
    }

    fn refresh(&self, refresh_token: &str) -> Answer {
        self.token(&[
            ("grant_type", "refresh_token"),
            ("client_id", "tv"),
            ("refresh_token", refresh_token),
        ])
    }

    /// A device code Alice has approved on the pages.
    fn approved_code(&self) -> String {
        let started = answer(
            self.http
                .post(format!("{}/device_authorization", self.base))
                .form(&[("client_id", "tv"), ("scope", "openid offline_access")])
                .send()
                .expect("the server answers"),
        );
        assert_eq!(started.status, 200, "{}", started.body);
        let user_code = started.body["user_code"].as_str().expect("user_code");
        let mut browser = Browser::at(&self.base);
        browser.reach_consent(user_code, "alice", PASSWORD);
        let page = browser.decide(user_code, "approve");
        assert!(page.says("is connected"), "{}", page.html);
        started.body["device_code"]
            .as_str()
            .expect("device_code")
            .to_owned()
    }

    /// Makes the next write the test's own: the audit events buffered by the requests so far
    /// are written now (the server writes them before answering an audit read).
    fn settle(&self) {
        Cli::new(&self.data).run(&["audit", "--since", "1h"]).ok();
    }

    /// Sends `request` with every sync failing: it must be answered 503, having met the fault.
    fn during_failed_syncs(&self, request: impl Fn() -> Answer) -> Answer {
        self.settle();
        let refused_before = self.disk.refused_syncs();
        self.disk.fail_syncs(true);
        let answer = request();
        self.disk.fail_syncs(false);
        assert_unavailable(&answer);
        assert!(
            self.disk.refused_syncs() > refused_before,
            "the request never reached a sync: {}",
            answer.body
        );
        answer
    }

    /// `request` again, as a client told 503 does, until the server has the file back.
    fn retried(&self, request: impl Fn() -> Answer) -> Answer {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let answer = request();
            if answer.status != 503 {
                return answer;
            }
            assert!(
                Instant::now() < deadline,
                "still 503 ten seconds after the disk recovered: {}",
                answer.body
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn stop(mut self) {
        assert_eq!(
            self.server.terminate_and_wait(),
            Some(0),
            "{}",
            self.server.seen.join("\n")
        );
        assert!(
            !self
                .server
                .seen
                .iter()
                .any(|line| line.contains("panicked")),
            "{}",
            self.server.seen.join("\n")
        );
        Cli::new(&self.data).run(&["check"]).ok();
    }
}

fn text(answer: &Answer, field: &str) -> String {
    answer.body[field]
        .as_str()
        .unwrap_or_else(|| panic!("no {field} in {}", answer.body))
        .to_owned()
}

#[test]
fn a_refresh_whose_commit_failed_but_landed_is_retried_without_signing_the_device_out() {
    let Some(faulty) = Faulty::start() else {
        return;
    };
    let tokens = faulty.poll(&faulty.approved_code());
    assert_eq!(tokens.status, 200, "{}", tokens.body);
    let first = text(&tokens, "refresh_token");

    faulty.during_failed_syncs(|| faulty.refresh(&first));
    // The rotation is in the file; the device never heard of its successor and tries again.
    let retried = faulty.retried(|| faulty.refresh(&first));
    assert_eq!(
        retried.status, 200,
        "the retry of a rotation that landed was taken for reuse: {}",
        retried.body
    );
    let successor = text(&retried, "refresh_token");
    assert_ne!(successor, first);
    verify_at(
        &faulty.base,
        &text(&retried, "access_token"),
        &format!("{}/userinfo", faulty.base),
    );
    let userinfo = faulty
        .http
        .get(format!("{}/userinfo", faulty.base))
        .bearer_auth(text(&retried, "access_token"))
        .send()
        .expect("userinfo");
    assert_eq!(userinfo.status(), 200, "the device is still signed in");

    // The device goes on as usual; the token it replaced stays spent.
    let next = faulty.refresh(&successor);
    assert_eq!(next.status, 200, "{}", next.body);
    let replayed = faulty.refresh(&first);
    assert_eq!(
        (replayed.status, replayed.body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    faulty.stop();
}

#[test]
fn a_redemption_whose_commit_failed_but_landed_gives_the_device_its_tokens_once() {
    let Some(faulty) = Faulty::start() else {
        return;
    };
    let device_code = faulty.approved_code();

    faulty.during_failed_syncs(|| faulty.poll(&device_code));
    let retried = faulty.retried(|| faulty.poll(&device_code));
    assert_eq!(
        retried.status, 200,
        "the retry of a redemption that landed found the code spent: {}",
        retried.body
    );
    let (_, claims) = verify_at(
        &faulty.base,
        &text(&retried, "access_token"),
        &format!("{}/userinfo", faulty.base),
    );
    assert_eq!(claims["client_id"], "tv");
    let refreshed = faulty.refresh(&text(&retried, "refresh_token"));
    assert_eq!(
        refreshed.status, 200,
        "the refresh token the landed redemption stored works: {}",
        refreshed.body
    );

    // Exactly once: the code gave its tokens, and gives nothing more.
    let again = faulty.poll(&device_code);
    assert_eq!(
        (again.status, again.body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{}",
        again.body
    );
    let grants = Cli::new(&faulty.data)
        .run(&["--json", "grant", "list"])
        .json();
    let live = grants["grants"]
        .as_array()
        .map_or(0, |g| g.iter().filter(|g| g["state"] == "live").count());
    assert_eq!(live, 1, "one redemption, one grant: {grants}");
    faulty.stop();
}
