//! The live values valid baselines are made of: browser sessions, pending and approved device
//! codes, refresh tokens, authorization codes, access tokens and paired devices, made over
//! HTTP as a client or a person would (approvals of device codes through the app, as the other
//! campaigns do). Single-use values are made afresh for each case that spends them.

use std::net::SocketAddr;
use std::sync::Mutex;

use authbox::app::App;
use authbox::domain::user::Subject;
use reqwest::blocking::Client;
use serde_json::Value;

use super::wire::{form_token, get_with_cookie, set_cookie};
use crate::support::malformed::basic;
use crate::support::oauth::{ALICE_PASSWORD, DEVICE_GRANT_FORM, enc};
use crate::support::raw::{Answer, Connection, Outcome};
use crate::support::web::{CALLBACK, VERIFIER, WEB_APP};

pub const BOB_PASSWORD: &str = "Tr0ub4dor&3";
/// The public client whose paired devices `/devices/sign-out` signs out: none of the other
/// routes' grants, so a refresh token's reuse elsewhere never ends one of these.
pub const DEVICE_CLIENT: &str = "tv-other";

/// A browser's cookie and the form token its pages carry.
#[derive(Clone, Debug)]
pub struct Session {
    pub cookie: String,
    pub token: String,
}

/// A device paired as alice: its id on "My devices" and its refresh token.
#[derive(Clone, Debug)]
pub struct Device {
    pub id: String,
    pub refresh_token: String,
}

pub struct Live<'a> {
    pub app: &'a App,
    pub addr: SocketAddr,
    /// The metrics-only listener.
    pub metrics: SocketAddr,
    /// The issuer's origin, which page forms must come from.
    pub origin: String,
    pub tv_conf_secret: String,
    pub rs_api_secret: String,
    /// alice's browser, signed in: the page baselines act as her.
    pub alice: Session,
    /// A browser nobody signed in on.
    pub anonymous: Session,
    /// A pending code nobody decides, for the pages that look one up.
    pub user_code: String,
    /// bob's access token, for UserInfo and introspection (no route's mutation ends it).
    pub access_token: String,
    /// `/authorize`'s query for the registered web app, PKCE with [`VERIFIER`].
    pub authorize_query: String,
    pub stylesheet: String,
    http: Client,
    /// alice's sessions waiting to be signed out, one per case until one is.
    sessions: Mutex<Vec<Session>>,
    /// alice's paired devices waiting to be signed out.
    devices: Mutex<Vec<Device>>,
}

/// Reads one answer on a connection of its own.
fn exchange(addr: SocketAddr, request: &[u8]) -> Answer {
    let mut connection = Connection::open(addr).expect("connect");
    connection.send(request).expect("send");
    match connection.read_answer(false) {
        Outcome::Answered(answer) => answer,
        other => panic!("no answer: {other:?}"),
    }
}

fn json(response: reqwest::blocking::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    (status, response.json().unwrap_or_default())
}

impl<'a> Live<'a> {
    pub fn new(
        app: &'a App,
        (addr, metrics): (SocketAddr, SocketAddr),
        secrets: (String, String),
    ) -> Live<'a> {
        let origin = format!("http://{addr}");
        let mut live = Live {
            app,
            addr,
            metrics,
            origin,
            tv_conf_secret: secrets.0,
            rs_api_secret: secrets.1,
            alice: Session {
                cookie: String::new(),
                token: String::new(),
            },
            anonymous: Session {
                cookie: String::new(),
                token: String::new(),
            },
            user_code: String::new(),
            access_token: String::new(),
            authorize_query: String::new(),
            stylesheet: authbox::assets::stylesheet_path().to_owned(),
            http: Client::new(),
            sessions: Mutex::default(),
            devices: Mutex::default(),
        };
        live.anonymous = live.anonymous_session();
        live.alice = live.session("alice", ALICE_PASSWORD);
        live.user_code = live.device_authorization("tv-public", "openid profile").1;
        live.access_token = live.tokens_for("bob")["access_token"]
            .as_str()
            .expect("bob's access token")
            .to_owned();
        live.authorize_query = crate::support::web::authorize_path("openid profile", &[])
            .trim_start_matches("/authorize?")
            .to_owned();
        live
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }

    /// A browser's first visit: its cookie and the code page's form token.
    pub fn anonymous_session(&self) -> Session {
        self.visit(None)
    }

    fn visit(&self, cookie: Option<&str>) -> Session {
        let page = match cookie {
            Some(cookie) => get_with_cookie(self.addr, "/device", cookie),
            None => exchange(self.addr, b"GET /device HTTP/1.1\r\nHost: x\r\n\r\n"),
        };
        let cookie = set_cookie(&page)
            .or(cookie.map(str::to_owned))
            .expect("a cookie");
        Session {
            token: form_token(&page),
            cookie,
        }
    }

    /// A browser signed in as `username` through `POST /login`.
    pub fn session(&self, username: &str, password: &str) -> Session {
        let visitor = self.anonymous_session();
        let body = format!(
            "username={username}&password={}&csrf_token={}",
            enc(password),
            enc(&visitor.token)
        );
        let request = format!(
            "POST /login HTTP/1.1\r\nHost: x\r\nCookie: authbox_session={}\r\nOrigin: {}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            visitor.cookie,
            self.origin,
            body.len()
        );
        let signed_in = exchange(self.addr, request.as_bytes());
        assert_eq!(signed_in.status, 303, "{}", signed_in.text());
        let cookie = set_cookie(&signed_in).expect("a new session cookie");
        self.visit(Some(&cookie))
    }

    /// Whether `cookie` is a signed-in session: "My devices" shows, rather than asking to sign in.
    pub fn signed_in(&self, cookie: &str) -> bool {
        match get_with_cookie(self.addr, "/devices", cookie).status {
            200 => true,
            401 => false,
            status => panic!("GET /devices answered {status}"),
        }
    }

    /// The page alice's browser gets for typing `user_code` on the code page.
    pub fn enter_code(&self, user_code: &str) -> Answer {
        let body = format!(
            "user_code={}&csrf_token={}",
            enc(user_code),
            enc(&self.alice.token)
        );
        let request = format!(
            "POST /device HTTP/1.1\r\nHost: x\r\nCookie: authbox_session={}\r\nOrigin: {}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            self.alice.cookie,
            self.origin,
            body.len()
        );
        let answer = exchange(self.addr, request.as_bytes());
        // A code that leads on answers with a redirect to its page (Post/Redirect/Get).
        let location = answer.header("location").map(str::to_owned);
        match location.filter(|_| answer.status == 303) {
            Some(location) => get_with_cookie(self.addr, &location, &self.alice.cookie),
            None => answer,
        }
    }

    /// One of alice's sessions that nothing else uses, for a case that may sign it out.
    pub fn spare_session(&self) -> Session {
        let kept = self.sessions.lock().expect("sessions").pop();
        kept.unwrap_or_else(|| self.session("alice", ALICE_PASSWORD))
    }

    /// Hands back a session a case left signed in.
    pub fn keep_session(&self, session: Session) {
        self.sessions.lock().expect("sessions").push(session);
    }

    /// `POST /device_authorization` for a public client: (device code, user code).
    pub fn device_authorization(&self, client_id: &str, scope: &str) -> (String, String) {
        let (status, body) = json(
            self.http
                .post(self.url("/device_authorization"))
                .form(&[("client_id", client_id), ("scope", scope)])
                .send()
                .expect("device authorization"),
        );
        assert_eq!(status, 200, "{body}");
        let field = |name: &str| body[name].as_str().expect("a code").to_owned();
        (field("device_code"), field("user_code"))
    }

    /// A device code of tv-public's that alice approved and nobody has redeemed.
    pub fn approved_device_code(&self) -> String {
        self.approved("tv-public", "alice")
    }

    fn approved(&self, client_id: &str, username: &str) -> String {
        let (device_code, user_code) =
            self.device_authorization(client_id, "openid profile offline_access");
        self.app
            .approve_device(&user_code, username, None, self.app.now())
            .expect("approve");
        device_code
    }

    /// The tokens a freshly approved device code of tv-public's redeems to, for `username`.
    fn tokens_for(&self, username: &str) -> Value {
        self.redeem("tv-public", &self.approved("tv-public", username))
    }

    fn redeem(&self, client_id: &str, device_code: &str) -> Value {
        let form = format!(
            "grant_type={DEVICE_GRANT_FORM}&device_code={}&client_id={client_id}",
            enc(device_code)
        );
        let (status, body) = json(
            self.http
                .post(self.url("/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(form)
                .send()
                .expect("redeem"),
        );
        assert_eq!(status, 200, "{body}");
        body
    }

    /// A refresh token of alice's, never used.
    pub fn refresh_token(&self) -> String {
        self.tokens_for("alice")["refresh_token"]
            .as_str()
            .expect("a refresh token")
            .to_owned()
    }

    /// An authorization code for the web app, as alice's approval on its consent page gives it.
    pub fn authorization_code(&self) -> String {
        let body = format!(
            "authorize={}&decision=approve&csrf_token={}",
            enc(&self.authorize_query),
            enc(&self.alice.token)
        );
        let request = format!(
            "POST /authorize/decision HTTP/1.1\r\nHost: x\r\nCookie: authbox_session={}\r\n\
             Origin: {}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: {}\r\n\r\n{body}",
            self.alice.cookie,
            self.origin,
            body.len()
        );
        let answer = exchange(self.addr, request.as_bytes());
        code_in(&answer).unwrap_or_else(|| panic!("no code: {answer:?}"))
    }

    /// Exchanges a web app's code as the app would; returns the status.
    pub fn exchange_code(&self, code: &str) -> u16 {
        self.http
            .post(self.url("/token"))
            .form(&[
                ("grant_type", "authorization_code"),
                ("client_id", WEB_APP),
                ("code", code),
                ("redirect_uri", CALLBACK),
                ("code_verifier", VERIFIER),
            ])
            .send()
            .expect("exchange")
            .status()
            .as_u16()
    }

    /// An access token rs-api got with client credentials.
    pub fn service_access_token(&self) -> String {
        let (status, body) = json(
            self.http
                .post(self.url("/token"))
                .header(
                    "Authorization",
                    basic("rs-api", &self.rs_api_secret).as_slice(),
                )
                .form(&[("grant_type", "client_credentials"), ("scope", "api.read")])
                .send()
                .expect("client credentials"),
        );
        assert_eq!(status, 200, "{body}");
        body["access_token"].as_str().expect("a token").to_owned()
    }

    /// Whether introspection (asked by rs-api, a resource server) says `token` is active.
    pub fn active(&self, token: &str) -> bool {
        let (status, body) = json(
            self.http
                .post(self.url("/introspect"))
                .header(
                    "Authorization",
                    basic("rs-api", &self.rs_api_secret).as_slice(),
                )
                .form(&[("token", token)])
                .send()
                .expect("introspect"),
        );
        assert_eq!(status, 200, "{body}");
        body["active"] == true
    }

    /// One of alice's paired devices that no case has signed out.
    pub fn spare_device(&self) -> Device {
        let mut devices = self.devices.lock().expect("devices");
        if let Some(device) = devices.pop() {
            return device;
        }
        // Made under the lock, so the one new device of this client is this one.
        let alice = Subject::from_stored(
            self.app
                .user("alice")
                .expect("alice")
                .sub
                .as_str()
                .to_owned(),
        );
        let ids = |app: &App| -> Vec<String> {
            app.devices_of(&alice)
                .expect("alice's devices")
                .into_iter()
                .filter(|d| d.client_id == DEVICE_CLIENT)
                .map(|d| d.id)
                .collect()
        };
        let before = ids(self.app);
        let tokens = self.redeem(DEVICE_CLIENT, &self.approved(DEVICE_CLIENT, "alice"));
        let id = ids(self.app)
            .into_iter()
            .find(|id| !before.contains(id))
            .expect("the new device");
        Device {
            id,
            refresh_token: tokens["refresh_token"]
                .as_str()
                .expect("a refresh token")
                .to_owned(),
        }
    }

    pub fn keep_device(&self, device: Device) {
        self.devices.lock().expect("devices").push(device);
    }
}

/// The `code` a redirect to the web app's callback carries.
pub fn code_in(answer: &Answer) -> Option<String> {
    let location = url::Url::parse(answer.header("location")?).ok()?;
    if !location.as_str().starts_with(CALLBACK) {
        return None;
    }
    location
        .query_pairs()
        .find(|(name, _)| name == "code")
        .map(|(_, code)| code.into_owned())
}
