//! Every write a device or a person makes, on a disk that is full: an approval on the consent
//! page, a redemption, a refresh rotation and a sign-in each answer 503 in their own shape
//! (OAuth JSON with `Retry-After` for a device, an HTML page for a person), never another
//! 5xx; once space returns the very same request succeeds, with no restart; and nothing
//! acknowledged before the disk filled is lost or undone.

use std::time::{Duration, Instant};

use super::{Answer, Mount, answer, assert_unavailable, authorize_until_refused, fill, setup};
use crate::support::binary::Cli;
use crate::support::browser::{Browser, Page};
use crate::support::spawned::{NO_DEVICE_AUTHORIZATION_LIMITS, Spawned};

const PASSWORD: &str = "correct horse battery staple";
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

struct Device<'a> {
    http: &'a reqwest::blocking::Client,
    base: &'a str,
}

impl Device<'_> {
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

    /// A new device code and its user code.
    fn start(&self) -> (String, String) {
        let started = answer(
            self.http
                .post(format!("{}/device_authorization", self.base))
                .form(&[("client_id", "tv"), ("scope", "openid offline_access")])
                .send()
                .expect("the server answers"),
        );
        assert_eq!(started.status, 200, "{}", started.body);
        let field = |name: &str| started.body[name].as_str().expect(name).to_owned();
        (field("device_code"), field("user_code"))
    }
}

fn refresh_token_of(answer: &Answer) -> String {
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.body["refresh_token"]
        .as_str()
        .expect("a refresh token")
        .to_owned()
}

/// A person's page saying the server cannot do it now: 503 as HTML, with a way to try again.
fn assert_unavailable_page(page: &Page, what: &str) {
    assert_eq!(page.status, 503, "{what} on a full disk: {}", page.html);
    assert!(
        page.header("content-type").starts_with("text/html"),
        "{what}: {}",
        page.header("content-type")
    );
    assert!(page.says("Try again"), "{what}: {}", page.html);
}

/// Repeats `request` until it is no longer refused for want of space; every refusal meanwhile
/// must be the 503 `unavailable` accepts.
fn once_space_returns<T>(
    what: &str,
    mut request: impl FnMut() -> T,
    refused: impl Fn(&T) -> bool,
) -> T {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let outcome = request();
        if !refused(&outcome) {
            return outcome;
        }
        assert!(
            Instant::now() < deadline,
            "{what} still refused ten seconds after space returned"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn every_write_path_answers_503_on_a_full_disk_and_the_same_request_succeeds_after() {
    let Some(disk) = Mount::tmpfs("4m") else {
        return;
    };
    let data = disk.path("authbox.redb");
    let mut server = Spawned::serve_with(&data, &[], &NO_DEVICE_AUTHORIZATION_LIMITS);
    let base = server.base_url();
    setup(&data);
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
    let http = reqwest::blocking::Client::new();
    let device = Device {
        http: &http,
        base: &base,
    };

    // Acknowledged before the disk fills: a signed-in person, an approved code, a pending one,
    // a refresh token never rotated, one to rotate on the full disk, and one rotated already.
    let mut person = Browser::at(&base);
    let (approved, approved_user) = device.start();
    person.reach_consent(&approved_user, "alice", PASSWORD);
    assert!(
        person
            .decide(&approved_user, "approve")
            .says("is connected")
    );
    let (pending, pending_user) = device.start();
    let mut grant = || {
        let (code, user) = device.start();
        person.get("/device");
        person.submit("/device", &[("user_code", &user)]);
        assert!(person.decide(&user, "approve").says("is connected"));
        refresh_token_of(&device.poll(&code))
    };
    let (kept, to_rotate, rotated) = (grant(), grant(), grant());
    let rotated_to = refresh_token_of(&device.refresh(&rotated));
    let mut newcomer = Browser::at(&base);
    newcomer.get("/login");
    person.get("/device");
    person.submit("/device", &[("user_code", &pending_user)]);

    let filler = fill(&disk.point);
    let (_, refused) = authorize_until_refused(&http, &base);
    assert_unavailable(&refused);

    let approval = person.decide(&pending_user, "approve");
    assert_unavailable_page(&approval, "an approval");
    let redemption = device.poll(&approved);
    assert_unavailable(&redemption);
    let rotation = device.refresh(&to_rotate);
    assert_unavailable(&rotation);
    let sign_in_fields = [("username", "alice"), ("password", PASSWORD)];
    let sign_in = newcomer.submit("/login", &sign_in_fields);
    assert_unavailable_page(&sign_in, "a sign-in");
    let on_full_disk = [
        approval.status,
        redemption.status,
        rotation.status,
        sign_in.status,
    ];

    std::fs::remove_file(&filler).expect("space returns");
    let space_returned = Instant::now();
    let unavailable = |a: &Answer| {
        if a.status == 503 {
            assert_unavailable(a);
        }
        a.status == 503
    };
    let page_unavailable = |p: &Page| {
        if p.status == 503 {
            assert_unavailable_page(p, "a page once space returned");
        }
        p.status == 503
    };
    let approval = once_space_returns(
        "the approval",
        || person.decide(&pending_user, "approve"),
        page_unavailable,
    );
    assert!(approval.says("is connected"), "{}", approval.html);
    let redemption = once_space_returns("the redemption", || device.poll(&approved), unavailable);
    assert_eq!(redemption.status, 200, "{}", redemption.body);
    let rotated_on_retry = refresh_token_of(&once_space_returns(
        "the refresh",
        || device.refresh(&to_rotate),
        unavailable,
    ));
    let sign_in = once_space_returns(
        "the sign-in",
        || newcomer.submit("/login", &sign_in_fields),
        page_unavailable,
    );
    assert!(sign_in.status < 400, "{}: {}", sign_in.status, sign_in.html);
    eprintln!(
        "full disk: approval, redemption, refresh, sign-in answered {on_full_disk:?}; each \
         succeeded again within {:?} of space returning",
        space_returned.elapsed()
    );
    let devices = newcomer.get("/devices");
    assert_eq!(devices.status, 200, "signed in: {}", devices.html);
    assert!(!devices.says("name=\"password\""), "{}", devices.html);

    // Nothing acknowledged was lost: the approved code redeemed exactly once, the pending one
    // approved on the retry redeems, refresh tokens not rotated work, rotated ones stay spent.
    let again = device.poll(&approved);
    assert_eq!(again.body["error"], "invalid_grant", "{}", again.body);
    assert_eq!(device.poll(&pending).status, 200);
    refresh_token_of(&device.refresh(&kept));
    refresh_token_of(&device.refresh(&rotated_to));
    refresh_token_of(&device.refresh(&rotated_on_retry));
    let replayed = device.refresh(&rotated);
    assert_eq!(replayed.body["error"], "invalid_grant", "{}", replayed.body);

    assert!(
        server.child.try_wait().expect("try_wait").is_none(),
        "the server must not have restarted"
    );
    assert_eq!(
        server.terminate_and_wait(),
        Some(0),
        "{}",
        server.seen.join("\n")
    );
    assert!(
        !server.seen.iter().any(|line| line.contains("panicked")),
        "{}",
        server.seen.join("\n")
    );
    Cli::new(&data).run(&["check"]).ok();
}
