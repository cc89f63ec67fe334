//! Playing the device: SPEC §0's fixtures and shorthand (`DA`, `POLL`, `APPROVE`, `GRANT`) as
//! plain HTTP requests.

use authbox::app::accounts::NewUser;
use authbox::app::clients::ClientSettings;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::blocking::{Client, Response};
use serde_json::Value;

use super::TestServer;

pub const DEVICE_GRANT_FORM: &str = "urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code";
pub const ALICE_PASSWORD: &str = "correct horse battery staple";

/// The secrets of SPEC §0's confidential clients, as generated at registration.
pub struct Fixtures {
    pub tv_conf_secret: String,
    pub tv_conf2_secret: String,
    pub rs_api_secret: String,
}

fn grants(list: &[&str]) -> ClientSettings {
    ClientSettings {
        grants: Some(list.iter().map(|g| (*g).to_owned()).collect()),
        scopes: Some("openid profile email offline_access api.read".into()),
        ..ClientSettings::default()
    }
}

/// A response, read once.
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    fn from(response: Response) -> Reply {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().expect("body");
        let body = serde_json::from_str(&text)
            .unwrap_or_else(|_| panic!("not JSON (status {status}): {text:?}"));
        Reply {
            status,
            headers,
            body,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts an OAuth error: the status, `application/json`, and the `error` code.
    pub fn is_error(&self, status: u16, code: &str) -> &Reply {
        assert_eq!(
            (self.status, self.body["error"].as_str()),
            (status, Some(code)),
            "{}",
            self.body
        );
        assert!(
            self.header("content-type")
                .is_some_and(|c| c.starts_with("application/json"))
        );
        self
    }

    pub fn str(&self, member: &str) -> String {
        self.body[member]
            .as_str()
            .unwrap_or_else(|| panic!("no string {member} in {}", self.body))
            .to_owned()
    }
}

impl TestServer {
    /// Registers SPEC §0's users and clients through the same use cases the CLI runs.
    pub fn fixtures(&self) -> Fixtures {
        for (username, password) in [("alice", ALICE_PASSWORD), ("bob", "Tr0ub4dor&3")] {
            let new = NewUser {
                username: username.into(),
                password: password.into(),
                display_name: Some(format!(
                    "{}{}",
                    username[..1].to_uppercase(),
                    &username[1..]
                )),
                email: Some(format!("{username}@example.org")),
                email_verified: true,
                admin: false,
            };
            self.app().add_user(new).expect("add user");
        }
        let app = self.app();
        app.add_client(
            "tv-public",
            false,
            &grants(&["device_code", "refresh_token"]),
        )
        .expect("tv-public");
        app.add_client(
            "tv-other",
            false,
            &grants(&["device_code", "refresh_token"]),
        )
        .expect("tv-other");
        let (_, tv_conf) = app
            .add_client("tv-conf", true, &grants(&["device_code", "refresh_token"]))
            .expect("tv-conf");
        let (_, tv_conf2) = app
            .add_client("tv:conf 2", true, &grants(&["device_code"]))
            .expect("tv:conf 2");
        // SPEC §0: the resource server, allowed to call `/introspect`.
        let rs_api_settings = ClientSettings {
            may_introspect: Some(true),
            ..grants(&["client_credentials"])
        };
        let (_, rs_api) = app
            .add_client("rs-api", true, &rs_api_settings)
            .expect("rs-api");
        Fixtures {
            tv_conf_secret: tv_conf.expect("secret"),
            tv_conf2_secret: tv_conf2.expect("secret"),
            rs_api_secret: rs_api.expect("secret"),
        }
    }

    /// `POST path` with a raw form body, optionally with Basic credentials (form-url-encoded
    /// halves, RFC 6749 §2.3.1).
    pub fn post_form(&self, path: &str, body: &str, basic: Option<(&str, &str)>) -> Reply {
        let mut request = Client::new()
            .post(self.url(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body.to_owned());
        if let Some((id, secret)) = basic {
            let encode =
                |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
            let token = STANDARD.encode(format!("{}:{}", encode(id), encode(secret)));
            request = request.header("Authorization", format!("Basic {token}"));
        }
        Reply::from(request.send().expect("request"))
    }

    /// `POST path` with a raw form body and extra headers.
    pub fn post_form_with(&self, path: &str, body: &str, headers: &[(&str, &str)]) -> Reply {
        let mut request = Client::new()
            .post(self.url(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body.to_owned());
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        Reply::from(request.send().expect("request"))
    }

    /// SPEC `DA(c, scope)`.
    pub fn device_authorization(&self, client_id: &str, scope: &str) -> Reply {
        self.post_form(
            "/device_authorization",
            &format!("client_id={}&scope={}", enc(client_id), enc(scope)),
            None,
        )
    }

    /// SPEC `POLL(dc, c)`.
    pub fn poll(&self, device_code: &str, client_id: &str) -> Reply {
        let body = format!(
            "grant_type={DEVICE_GRANT_FORM}&device_code={}&client_id={}",
            enc(device_code),
            enc(client_id)
        );
        self.post_form("/token", &body, None)
    }

    /// SPEC `APPROVE(uc, user)` through the app layer, until the pages exist.
    pub fn approve(&self, user_code: &str, username: &str) {
        let now = self.app().now();
        self.app()
            .approve_device(user_code, username, None, now)
            .expect("approve");
    }

    pub fn deny(&self, user_code: &str) {
        self.app().deny_device(user_code, None).expect("deny");
    }

    /// SPEC `GRANT(c, scope, user)`: authorize, approve, wait the interval, poll.
    pub fn grant(&self, client_id: &str, scope: &str, username: &str) -> Reply {
        let started = self.device_authorization(client_id, scope);
        assert_eq!(started.status, 200, "{}", started.body);
        self.approve(&started.str("user_code"), username);
        self.advance(std::time::Duration::from_secs(5));
        self.poll(&started.str("device_code"), client_id)
    }
}

/// A server with SPEC §0's users and clients registered.
pub fn started() -> TestServer {
    let server = TestServer::start();
    server.fixtures();
    server
}

pub fn enc(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
