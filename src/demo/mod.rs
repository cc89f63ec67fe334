//! `authbox demo`: the whole device flow on one machine, offline. A throwaway server runs on a
//! temporary data file with a demo person and a demo TV client; this terminal then plays the
//! TV over real HTTP on loopback. It asks `/device_authorization` for a code, shows the code,
//! the URLs and a QR code, polls `/token` as RFC 8628 §3.4–§3.5 say, and on approval prints the
//! decoded ID and access token claims.
//!
//! The TV speaks HTTP/1.1 through a few lines over `std::net::TcpStream` rather than a client
//! library: one request per connection (`Connection: close`), read to the end.
//!
//! Invariant: nothing leaves loopback (only a loopback `--listen` is accepted), and the
//! temporary directory is removed however the demo ends: approval, denial, error or Ctrl-C.

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Args, FromArgMatches};
use serde::Deserialize;
use serde_json::Value;
use tokio::signal::unix::{SignalKind, signal};

use crate::app::App;
use crate::app::accounts::NewUser;
use crate::app::clients::ClientSettings;
use crate::app::clock::SystemClock;
use crate::config::{Config, ServeArgs, format_duration};
use crate::crypto::random;
use crate::server::{RunningServer, ServeOptions, start};
use crate::store::{OpenMode, Store};

mod jwt;
mod listen;
mod screen;
mod wire;

use jwt::{decode_jwt, verifies_with_jwks};
use screen::{Scratch, Screen};
use wire::{Reply, exchange, is_timeout};

/// `authbox demo [--listen ADDR]`.
#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// The loopback address and port to serve on [default: 127.0.0.1:8080, or a free port if
    /// that one is taken]. The global --data is ignored: the demo keeps its data in a
    /// temporary directory that it removes when it ends.
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// Listen on this machine's address on the local network instead, so a phone on the same
    /// Wi-Fi can scan the QR code. Everyone on that network can then reach the demo server,
    /// over plain http, for as long as it runs.
    #[arg(long, conflicts_with = "listen")]
    pub lan: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the sign-in was denied on the phone")]
    Denied,
    #[error("the code expired before anyone approved it; run `authbox demo` again")]
    Expired,
    #[error("interrupted; the demo server was stopped and its data removed")]
    Interrupted,
    #[error("the token endpoint answered {0}")]
    OAuth(String),
    #[error("the demo's request to its own server failed: {0}")]
    Http(String),
    #[error("{0}")]
    Setup(String),
}

fn setup(e: impl std::fmt::Display) -> DemoError {
    DemoError::Setup(e.to_string())
}

const DEFAULT_LISTEN: SocketAddr = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 8080));
const USERNAME: &str = "demo";
const CLIENT_ID: &str = "demo-tv";
const SCOPE: &str = "openid profile email offline_access";
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// RFC 8628 §3.2: "If no value is provided, clients MUST use 5 as the default."
const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
/// RFC 8628 §3.5: `slow_down` adds this to the interval for all later polls.
const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const READ_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_RESPONSE: u64 = 1024 * 1024;

/// Runs the demo to its end; every way out stops the server and removes the data.
pub fn run(args: &DemoArgs) -> Result<(), DemoError> {
    crate::http::block_on(demo(args))
}

async fn demo(args: &DemoArgs) -> Result<(), DemoError> {
    // Armed first: from here on Ctrl-C goes through the clean-up below instead of killing us.
    let mut interrupt = signal(SignalKind::interrupt()).map_err(setup)?;
    let mut terminate = signal(SignalKind::terminate()).map_err(setup)?;
    let screen = Screen::new();
    let (listener, fell_back) = listen::bind(args.listen, args.lan)?;
    let addr = listener.local_addr().map_err(setup)?;
    let scratch = Scratch::create()?;
    let data = scratch.path.join("authbox.redb");
    let issuer = format!("http://{addr}");
    let config = server_config(data, addr, &issuer, args.lan)?;
    let password = demo_password()?;

    let port_note = match fell_back {
        true => format!(
            "\n  ({DEFAULT_LISTEN} is in use, so the demo took the free port {}.)",
            addr.port()
        ),
        false => String::new(),
    };
    let reach = match args.lan {
        true => format!(
            "on your local network: anyone on it can open {issuer} while the demo runs, and\n\
             \x20 it is plain http, so they can also read what passes (the demo's password too)."
        ),
        false => "on this machine only.".to_owned(),
    };
    screen.text(&format!(
        "authbox demo: the device flow from start to finish, {reach}
{port_note}
  Server:    {issuer}
  Data:      {} (temporary; removed when the demo ends)
  Person:    {USERNAME} (\"Demo Person\", demo@example.org)
  Password:  {password}
  Device:    {CLIENT_ID} (\"Demo TV\"), a public client asking for: {SCOPE}
",
        scratch.path.display()
    ));

    let set_up_config = config.clone();
    let set_up_password = password.clone();
    tokio::task::spawn_blocking(move || set_up(&set_up_config, set_up_password))
        .await
        .map_err(setup)??;
    let options = ServeOptions {
        clock: Arc::new(SystemClock),
        listener: Some(listener),
    };
    let server = start(&config, options).await.map_err(setup)?;
    let tv = Tv {
        addr,
        app: server.app(),
        screen: &screen,
    };
    let outcome = tokio::select! {
        outcome = tv.play(&password) => outcome,
        _ = interrupt.recv() => Err(DemoError::Interrupted),
        _ = terminate.recv() => Err(DemoError::Interrupted),
    };
    drop(tv);
    stop(server).await;
    let shown = scratch.path.display().to_string();
    match scratch.remove() {
        Ok(()) => screen.line(format!("Stopped the demo server and removed {shown}.")),
        Err(e) => tracing::warn!(dir = %shown, error = %e, "the demo data could not be removed"),
    }
    outcome
}

/// Stops gracefully: requests in flight finish, then the data file closes.
async fn stop(server: RunningServer) {
    server.stopper().stop().await;
    if let Err(e) = server.wait().await {
        tracing::warn!(error = %e, "the demo server stopped with an error");
    }
}

/// The settings of a plain `authbox serve`, with none of this shell's `AUTHBOX_*` variables:
/// the demo behaves the same everywhere, and nothing meant for a real server (TLS, a metrics
/// port, proxies, resources) leaks into it.
fn server_config(
    data: PathBuf,
    addr: SocketAddr,
    issuer: &str,
    lan: bool,
) -> Result<Config, DemoError> {
    let command = ServeArgs::augment_args(clap::Command::new("authbox-demo"))
        .mut_args(|arg| arg.env(None::<&'static str>));
    let listen = addr.to_string();
    let mut argv = vec!["authbox-demo", "--listen", &listen, "--issuer", issuer];
    if lan {
        argv.push("--plain-http-on-private-network");
    }
    let matches = command.try_get_matches_from(argv).map_err(setup)?;
    let args = ServeArgs::from_arg_matches(&matches).map_err(setup)?;
    Config::new(data, &args).map_err(setup)
}

/// The person and the TV, through the same use cases as `authbox user add` and `client add`.
/// Done before the server starts, so it never warns that there are no users.
fn set_up(config: &Config, password: String) -> Result<(), DemoError> {
    let store = Store::open(&config.data, OpenMode::CreateIfMissing).map_err(setup)?;
    let app = App::new(store, Arc::new(SystemClock), config.settings.clone()).map_err(setup)?;
    let person = NewUser {
        username: USERNAME.into(),
        password,
        display_name: Some("Demo Person".into()),
        email: Some("demo@example.org".into()),
        email_verified: true,
        admin: false,
    };
    app.add_user(person).map_err(setup)?;
    let tv = ClientSettings {
        name: Some("Demo TV".into()),
        grants: Some(vec!["device_code".into(), "refresh_token".into()]),
        scopes: Some(SCOPE.into()),
        ..ClientSettings::default()
    };
    app.add_client(CLIENT_ID, false, &tv).map_err(setup)?;
    Ok(())
}

/// Twelve characters in three groups, easy to type on a phone: 60 random bits.
fn demo_password() -> Result<String, DemoError> {
    const ALPHABET: &[u8; 32] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let bytes = random::random_array::<12>().map_err(setup)?;
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(b % 32)]))
        .collect();
    let groups: Vec<String> = chars.chunks(4).map(|c| c.iter().collect()).collect();
    Ok(groups.join("-"))
}

/// RFC 8628 §3.2.
#[derive(Debug, Deserialize)]
struct DeviceAuthorization {
    device_code: String,
    user_code: String,
    verification_uri: String,
    verification_uri_complete: Option<String>,
    expires_in: u64,
    interval: Option<u64>,
}

/// RFC 6749 §5.1.
#[derive(Debug, PartialEq, Eq, Deserialize)]
struct Tokens {
    access_token: String,
    token_type: String,
    expires_in: Option<u64>,
    scope: Option<String>,
    id_token: Option<String>,
    refresh_token: Option<String>,
}

/// RFC 6749 §5.2.
#[derive(Debug, Deserialize)]
struct OAuthError {
    error: String,
    error_description: Option<String>,
}

/// What one answer from the token endpoint means to a polling device (RFC 8628 §3.5).
#[derive(Debug, PartialEq, Eq)]
enum Poll {
    Approved(Box<Tokens>),
    Pending,
    SlowDown,
    Denied,
    Expired,
    Failed(String),
}

fn judge(reply: &Reply) -> Poll {
    if reply.status == 200 {
        return match serde_json::from_slice(&reply.body) {
            Ok(tokens) => Poll::Approved(Box::new(tokens)),
            Err(e) => Poll::Failed(format!("HTTP 200 without a token response: {e}")),
        };
    }
    match serde_json::from_slice::<OAuthError>(&reply.body) {
        Ok(e) => match e.error.as_str() {
            "authorization_pending" => Poll::Pending,
            "slow_down" => Poll::SlowDown,
            "access_denied" => Poll::Denied,
            "expired_token" => Poll::Expired,
            _ => Poll::Failed(match e.error_description {
                Some(description) => format!("{} ({description})", e.error),
                None => e.error,
            }),
        },
        Err(_) => Poll::Failed(format!("HTTP {} without an OAuth error", reply.status)),
    }
}

/// The TV: a device client of the server at `addr`.
struct Tv<'a> {
    addr: SocketAddr,
    /// For checking token signatures against the keys `/jwks` publishes.
    app: Arc<App>,
    screen: &'a Screen,
}

impl Tv<'_> {
    async fn play(&self, password: &str) -> Result<(), DemoError> {
        let reply = self
            .post(
                "/device_authorization",
                &[("client_id", CLIENT_ID), ("scope", SCOPE)],
            )
            .await
            .map_err(|e| DemoError::Http(e.to_string()))?;
        let started: DeviceAuthorization = match reply.status {
            200 => {
                serde_json::from_slice(&reply.body).map_err(|e| DemoError::Http(e.to_string()))?
            }
            status => {
                return Err(DemoError::Http(format!(
                    "/device_authorization answered HTTP {status}: {}",
                    String::from_utf8_lossy(&reply.body)
                )));
            }
        };
        self.show(&started, password);
        let tokens = self.poll(&started).await?;
        self.show_tokens(&tokens).await;
        Ok(())
    }

    /// The TV's screen: what to open, what to type, and a QR code to skip the typing.
    fn show(&self, started: &DeviceAuthorization, password: &str) {
        let s = self.screen;
        let code = format!("Code: {}", started.user_code);
        let rule = "─".repeat(code.chars().count() + 6);
        s.text(&format!(
            "This terminal is now the TV. It asked POST /device_authorization for a code:

    ┌{rule}┐
    │   {}   │
    └{rule}┘

On your phone or in a browser on this computer, go to
    {}
and enter the code.",
            s.bold(&code),
            started.verification_uri
        ));
        if let Some(complete) = &started.verification_uri_complete {
            s.text(&format!(
                "Or open this link, which fills the code in:\n    {complete}"
            ));
            if let Some(qr) = s.qr(complete) {
                s.text(&format!("or scan it:\n{qr}"));
            }
        }
        s.text(&format!(
            "
Sign in as {USERNAME} with the password {password}, check that the code matches this screen,
and approve (or deny).
"
        ));
    }

    /// RFC 8628 §3.4–§3.5: wait `interval` before every poll; `slow_down` adds 5 s for good;
    /// a connection timeout doubles the interval; everything but `authorization_pending` ends it.
    async fn poll(&self, started: &DeviceAuthorization) -> Result<Tokens, DemoError> {
        let s = self.screen;
        let mut interval = started
            .interval
            .map_or(DEFAULT_INTERVAL, Duration::from_secs);
        s.line(format!(
            "Polling POST /token every {} (RFC 8628 §3.4); the code expires in {}. Ctrl-C stops the demo.",
            format_duration(interval),
            format_duration(Duration::from_secs(started.expires_in)),
        ));
        let began = Instant::now();
        loop {
            tokio::time::sleep(interval).await;
            let at = format!("  [{:>3}s]", began.elapsed().as_secs());
            let form = [
                ("grant_type", DEVICE_GRANT),
                ("device_code", started.device_code.as_str()),
                ("client_id", CLIENT_ID),
            ];
            let reply = match self.post("/token", &form).await {
                Ok(reply) => reply,
                Err(e) if is_timeout(&e) => {
                    interval *= 2;
                    s.line(format!(
                        "{at} no answer in time: polling every {} from now on",
                        format_duration(interval)
                    ));
                    continue;
                }
                Err(e) => return Err(DemoError::Http(e.to_string())),
            };
            match judge(&reply) {
                Poll::Approved(tokens) => {
                    s.line(format!("{at} approved: tokens received"));
                    return Ok(*tokens);
                }
                Poll::Pending => {
                    s.line(format!("{at} authorization_pending: not approved yet"));
                }
                Poll::SlowDown => {
                    interval += SLOW_DOWN_STEP;
                    s.line(format!(
                        "{at} slow_down: polling every {} from now on",
                        format_duration(interval)
                    ));
                }
                Poll::Denied => {
                    s.line(format!("{at} access_denied: denied on the phone."));
                    return Err(DemoError::Denied);
                }
                Poll::Expired => {
                    s.line(format!("{at} expired_token: the code expired."));
                    return Err(DemoError::Expired);
                }
                Poll::Failed(why) => {
                    s.line(format!("{at} error: {why}"));
                    return Err(DemoError::OAuth(why));
                }
            }
        }
    }

    async fn show_tokens(&self, tokens: &Tokens) {
        let yes_no = |present: bool| if present { "yes" } else { "no" };
        let or_absent = |value: Option<String>| value.unwrap_or_else(|| "(absent)".into());
        self.screen.text(&format!(
            "
The token response (RFC 6749 §5.1):
  token_type     {}
  expires_in     {}
  scope          {}
  refresh_token  {} (opaque; not shown)
  id_token       {}",
            tokens.token_type,
            or_absent(tokens.expires_in.map(|secs| format!("{secs} s"))),
            or_absent(tokens.scope.clone()),
            yes_no(tokens.refresh_token.is_some()),
            yes_no(tokens.id_token.is_some()),
        ));
        let jwks = match self.get("/jwks").await {
            Ok(reply) if reply.status == 200 => serde_json::from_slice(&reply.body).ok(),
            _ => None,
        };
        if let Some(id_token) = &tokens.id_token {
            self.show_jwt("ID token", id_token, jwks.as_ref());
        }
        self.show_jwt("Access token", &tokens.access_token, jwks.as_ref());
        self.screen.line("");
    }

    fn show_jwt(&self, name: &str, token: &str, jwks: Option<&Value>) {
        let s = self.screen;
        s.line("");
        let (header, claims) = match decode_jwt(token) {
            Ok(parts) => parts,
            Err(why) => {
                s.line(format!("{name}: cannot be decoded: {why}"));
                return;
            }
        };
        let kid = header["kid"].as_str().unwrap_or_default();
        let checked = match jwks {
            Some(jwks) if verifies_with_jwks(token, jwks, &self.app) => {
                format!("decoded; signature verified with the key {kid} from /jwks")
            }
            Some(_) => "decoded; the signature did NOT verify with the keys from /jwks".into(),
            None => "decoded (the signature was not checked: /jwks did not answer)".into(),
        };
        s.line(format!("{} ({checked})", s.bold(name)));
        s.line(format!("{name} header: {header}"));
        s.line(format!("{name} claims:"));
        let pretty = serde_json::to_string_pretty(&claims).unwrap_or_else(|_| claims.to_string());
        for line in pretty.lines() {
            s.line(format!("  {line}"));
        }
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> std::io::Result<Reply> {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let head = format!(
            "POST {path} HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
            body.len()
        );
        self.exchange(head, body).await
    }

    async fn get(&self, path: &str) -> std::io::Result<Reply> {
        self.exchange(format!("GET {path} HTTP/1.1\r\n"), String::new())
            .await
    }

    /// One request on its own connection, on the blocking pool.
    async fn exchange(&self, head: String, body: String) -> std::io::Result<Reply> {
        let addr = self.addr;
        let request = format!(
            "{head}Host: {addr}\r\nAccept: application/json\r\nConnection: close\r\n\r\n{body}"
        );
        tokio::task::spawn_blocking(move || exchange(addr, request.as_bytes()))
            .await
            .map_err(std::io::Error::other)?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, body: &str) -> Reply {
        Reply {
            status,
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn every_rfc_8628_answer_is_judged() {
        let pending = reply(400, r#"{"error":"authorization_pending"}"#);
        assert_eq!(judge(&pending), Poll::Pending);
        assert_eq!(
            judge(&reply(400, r#"{"error":"slow_down"}"#)),
            Poll::SlowDown
        );
        assert_eq!(
            judge(&reply(400, r#"{"error":"access_denied"}"#)),
            Poll::Denied
        );
        assert_eq!(
            judge(&reply(400, r#"{"error":"expired_token"}"#)),
            Poll::Expired
        );
        let other = reply(
            401,
            r#"{"error":"invalid_client","error_description":"who?"}"#,
        );
        assert_eq!(judge(&other), Poll::Failed("invalid_client (who?)".into()));
        assert_eq!(
            judge(&reply(502, "<html>")),
            Poll::Failed("HTTP 502 without an OAuth error".into())
        );
        let ok = reply(
            200,
            r#"{"access_token":"a","token_type":"Bearer","expires_in":600,"scope":"openid"}"#,
        );
        let Poll::Approved(tokens) = judge(&ok) else {
            panic!("not approved")
        };
        assert_eq!(
            (tokens.access_token.as_str(), tokens.refresh_token),
            ("a", None)
        );
    }

    #[test]
    fn passwords_are_three_groups_of_four() {
        let password = demo_password().unwrap();
        assert_eq!(password.len(), 14);
        assert_eq!(password.split('-').count(), 3);
    }

    #[test]
    fn only_loopback_addresses_are_served() {
        let outside = "192.0.2.1:8080".parse().ok();
        assert!(matches!(
            listen::bind(outside, false),
            Err(DemoError::Setup(_))
        ));
    }
}
