//! What the fuzz targets share: splitting an input into the fields a target reads, and a real
//! [`App`] over a throwaway data file for the targets that present tokens to the use cases.
//!
//! Every target reads its input as text in a shape a person can write (a header line, then a
//! body), so the seeds in `fuzz/seeds/` are realistic requests, and libFuzzer's mutations stay
//! close to what a client could send.

use std::sync::{Arc, OnceLock};

use authbox::app::App;
use authbox::app::accounts::NewUser;
use authbox::app::clients::ClientSettings;
use authbox::app::clock::ManualClock;
use authbox::app::settings::Settings;
use authbox::domain::client::Client;
use authbox::domain::user::User;
use authbox::store::{OpenMode, Store};

/// The input up to its first newline, and the rest (empty when there is no newline).
pub fn first_line(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == b'\n') {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[]),
    }
}

/// A tampering with a token, chosen by the input: which byte, and what becomes of it.
pub fn tamper(token: &str, seed: &[u8]) -> Option<String> {
    let mut bytes = token.as_bytes().to_vec();
    let [how, at_high, at_low, value, ..] = *seed else {
        return None;
    };
    if bytes.is_empty() {
        return None;
    }
    let at = usize::from(u16::from_be_bytes([at_high, at_low])) % bytes.len();
    match how % 4 {
        0 => bytes[at] = value,
        1 => {
            bytes.remove(at);
        }
        2 => bytes.insert(at, value),
        _ => bytes.truncate(at),
    }
    String::from_utf8(bytes).ok()
}

/// A server with signing keys of every algorithm, one person and three clients, over a data
/// file of its own. Its clock stands still, so an expiry check has one right answer.
pub struct Fixture {
    pub app: App,
    pub alice: User,
    /// Public; device flow and refresh tokens; UserInfo's scopes.
    pub tv: Client,
    /// Public; the code flow, with a post-logout redirect URI.
    pub web: Client,
    /// Confidential; may introspect.
    pub service: Client,
}

/// The one fixture of this process, built on first use (key generation takes a moment).
pub fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(build_fixture)
}

fn build_fixture() -> Fixture {
    let dir = std::env::temp_dir().join(format!("authbox-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create the fixture's directory");
    let store = Store::open(&dir.join("authbox.redb"), OpenMode::CreateIfMissing)
        .expect("open the fixture's data file");
    // The open file works on without its name, and a run that ends in a crash (libFuzzer exits
    // without unwinding) then leaves nothing behind in the temporary directory.
    let _ = std::fs::remove_dir_all(&dir);
    let clock = Arc::new(ManualClock::starting_now());
    let app = App::new(store, clock, Settings::default()).expect("start the app");
    app.ensure_signing_keys().expect("generate signing keys");
    let alice = app
        .add_user(NewUser {
            username: "alice".into(),
            password: "correct horse battery staple".into(),
            display_name: Some("Alice".into()),
            email: Some("alice@example.com".into()),
            email_verified: true,
            admin: false,
        })
        .expect("add a user");
    let client = |id: &str, confidential: bool, settings: ClientSettings| {
        app.add_client(id, confidential, &settings)
            .expect("add a client")
            .0
    };
    let tv = client(
        "tv",
        false,
        ClientSettings {
            grants: Some(vec!["device_code".into(), "refresh_token".into()]),
            scopes: Some("openid profile email offline_access".into()),
            ..ClientSettings::default()
        },
    );
    let web = client(
        "web",
        false,
        ClientSettings {
            grants: Some(vec!["authorization_code".into()]),
            scopes: Some("openid profile".into()),
            redirect_uris: Some(vec!["https://app.example.com/callback".into()]),
            post_logout_redirect_uris: Some(vec!["https://app.example.com/bye".into()]),
            ..ClientSettings::default()
        },
    );
    let service = client(
        "service",
        true,
        ClientSettings {
            grants: Some(vec!["client_credentials".into()]),
            scopes: Some("api.read".into()),
            // A resource server, so it may introspect the other clients' tokens.
            may_introspect: Some(true),
            ..ClientSettings::default()
        },
    );
    Fixture {
        app,
        alice,
        tv,
        web,
        service,
    }
}
