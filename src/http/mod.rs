//! HTTP: routes, wire formats and the two error renderers (OAuth JSON and the HTML page).
//!
//! Invariant: this is the only module that knows actix. Handlers parse, make one app call on
//! the blocking pool, and render.
//!
//! The model page handler is `verification::submit_code`: a checked form extracted
//! (`browser::PageForm`), one use case on the blocking pool (`App::enter_code`), its outcome
//! rendered; a fault leaves through `?` as `browser::PageError`. The protocol endpoints do the
//! same in OAuth's terms: a refusal leaves through `?` as `oauth_error::OAuthError`.

mod account;
mod account_link;
mod admin;
mod assets;
mod authorize;
mod blocking;
mod browser;
mod client_address;
pub(crate) mod client_auth;
mod connections;
mod cors;
mod devices;
mod discovery;
mod errors;
pub(crate) mod form;
mod health;
mod home;
mod jwks;
mod language;
mod login;
mod logout;
mod metrics;
mod oauth;
mod oauth_error;
mod observe;
mod pairing;
mod second_factor;
mod second_step;
pub(crate) mod userinfo;
mod verification;

use std::future::Future;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

use actix_web::dev::{Server, ServerHandle};
use actix_web::http::Method;
use actix_web::{App as WebApp, middleware, web};

use connections::{Listener, connections_per_worker};
pub use connections::{Timeouts, open_file_limit};

use crate::app::App;

/// Runs `future` on an actix system (a tokio runtime plus actix's per-thread bookkeeping).
pub fn block_on<F: Future>(future: F) -> F::Output {
    actix_web::rt::System::new().block_on(future)
}

/// Whether `/metrics` is served on the public listener at `public`. It tells whoever asks how
/// many people, sessions and grants there are, so it is served there only when no other
/// machine can connect (a loopback address), and never when it has a listener of its own
/// (`--metrics-listen`). An IPv4-mapped `::ffff:127.0.0.1` does not count as loopback: the
/// rule errs on the side of not serving.
fn metrics_on_public_listener(public: SocketAddr, metrics_apart: bool) -> bool {
    !metrics_apart && public.ip().is_loopback()
}

/// The routes of the metrics-only listener.
fn metrics_routes(config: &mut web::ServiceConfig) {
    config
        .route("/metrics", web::get().to(metrics::metrics))
        .route("/healthz", web::get().to(health::healthz))
        .default_service(web::to(errors::not_found));
}

pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/", web::get().to(home::landing))
        .route("/language", web::get().to(language::choose))
        .route("/healthz", web::get().to(health::healthz))
        .route("/jwks", web::get().to(jwks::jwks))
        .service(
            web::resource("/device_authorization")
                .wrap(middleware::from_fn(cors::let_listed_origins_read))
                .route(web::post().to(oauth::device_authorization))
                .route(web::method(Method::OPTIONS).to(cors::preflight))
                .default_service(web::to(oauth::post_only)),
        )
        .service(
            web::resource("/token")
                .wrap(middleware::from_fn(cors::let_listed_origins_read))
                .route(web::post().to(oauth::token))
                .route(web::method(Method::OPTIONS).to(cors::preflight))
                .default_service(web::to(oauth::post_only)),
        )
        .service(
            web::resource("/authorize")
                .route(web::get().to(authorize::authorize))
                .route(web::post().to(authorize::authorize)),
        )
        .route("/authorize/decision", web::post().to(authorize::decision))
        .service(
            web::resource("/device")
                .route(web::get().to(verification::show_code_form))
                .route(web::post().to(verification::submit_code)),
        )
        .service(
            web::resource("/login")
                .route(web::get().to(login::show_login))
                .route(web::post().to(login::submit_login)),
        )
        .service(
            web::resource("/login/code")
                .route(web::get().to(second_step::show_second_step))
                .route(web::post().to(second_step::submit_second_step)),
        )
        .route(
            "/device/decision",
            web::post().to(verification::submit_decision),
        )
        .service(
            web::resource("/logout")
                .route(web::get().to(logout::show_logout))
                .route(web::post().to(logout::submit_logout)),
        )
        .service(
            web::resource("/end_session")
                .route(web::get().to(logout::end_session))
                .route(web::post().to(logout::end_session)),
        )
        .service(
            web::resource("/introspect")
                .route(web::post().to(oauth::introspect))
                .default_service(web::to(oauth::post_only)),
        )
        .service(
            web::resource("/revoke")
                .wrap(middleware::from_fn(cors::let_listed_origins_read))
                .route(web::post().to(oauth::revoke))
                .route(web::method(Method::OPTIONS).to(cors::preflight))
                .default_service(web::to(oauth::post_only)),
        )
        .service(
            web::resource("/userinfo")
                .route(web::get().to(userinfo::userinfo))
                .route(web::post().to(userinfo::userinfo))
                .route(web::method(Method::OPTIONS).to(userinfo::preflight)),
        )
        .service(
            admin::routes(web::scope("/admin"))
                .default_service(web::to(errors::not_found))
                .wrap(middleware::from_fn(admin::require_admin)),
        )
        .route("/devices", web::get().to(devices::my_devices))
        .route(
            "/devices/sign-out",
            web::post().to(devices::sign_out_device),
        )
        .route("/devices/forget-app", web::post().to(devices::forget_app))
        .route("/device/consent", web::get().to(verification::show_consent))
        .route("/device/done", web::get().to(verification::show_done))
        .route("/account", web::get().to(account::my_account))
        .route(
            "/account/password",
            web::post().to(account::change_password),
        )
        .service(
            web::resource("/account/second-factor")
                .route(web::get().to(second_factor::show_enrolment))
                .route(web::post().to(second_factor::confirm_enrolment)),
        )
        .route(
            "/account/second-factor/codes",
            web::get().to(second_factor::show_recovery_codes),
        )
        .route(
            "/account/second-factor/off",
            web::post().to(second_factor::turn_off),
        )
        .service(
            web::resource("/invite/{secret}")
                .route(web::get().to(account_link::show_link))
                .route(web::post().to(account_link::use_link)),
        )
        .service(
            web::resource("/reset/{secret}")
                .route(web::get().to(account_link::show_link))
                .route(web::post().to(account_link::use_link)),
        )
        .route("/device/pair", web::get().to(pairing::pairing_page))
        .route("/device/qr.svg", web::get().to(pairing::qr_image))
        .route(
            "/.well-known/openid-configuration",
            web::get().to(discovery::openid_configuration),
        )
        .route(
            "/.well-known/oauth-authorization-server",
            web::get().to(discovery::authorization_server),
        )
        .route(
            "/.well-known/oauth-authorization-server/{suffix:.*}",
            web::get().to(discovery::authorization_server),
        )
        .route(
            crate::assets::stylesheet_path(),
            web::get().to(assets::stylesheet),
        )
        .default_service(web::to(errors::not_found));
}

/// RFC 6797 §6.1: browsers that reached authbox over https keep to https for a year. No
/// `includeSubDomains`: a home-lab issuer often shares its parent domain with plain-http devices
/// (a printer, a NAS), which that directive would make unreachable from a browser. No `preload`
/// either: that is a list an operator opts into, not a default (SPEC WEB-10).
const HSTS: &str = "max-age=31536000";

/// `Strict-Transport-Security` on every answer when the issuer is https (SPEC WEB-10,
/// OA-10.11-a): that is the scheme people and devices use, even when a reverse proxy in front
/// ends TLS. Over plain http the header would mean nothing (RFC 6797 §8.1), so none is sent.
fn strict_transport(issuer: &str) -> middleware::Condition<middleware::DefaultHeaders> {
    middleware::Condition::new(
        issuer.starts_with("https://"),
        middleware::DefaultHeaders::new()
            .add((actix_web::http::header::STRICT_TRANSPORT_SECURITY, HSTS)),
    )
}

/// Gives the answers actix makes itself (a method a route does not take) a body in our format.
fn answer_bare_errors<B: actix_web::body::MessageBody + 'static>() -> middleware::ErrorHandlers<B> {
    middleware::ErrorHandlers::new().handler(
        actix_web::http::StatusCode::METHOD_NOT_ALLOWED,
        errors::method_not_allowed,
    )
}

/// A server accepting connections.
pub struct Listening {
    servers: Vec<actix_web::rt::task::JoinHandle<std::io::Result<()>>>,
    handles: Vec<ServerHandle>,
    pub addr: SocketAddr,
}

/// Stops a [`Listening`] server from anywhere, gracefully.
#[derive(Clone)]
pub struct Stopper(Vec<ServerHandle>);

impl Stopper {
    /// Stops accepting, lets in-flight requests finish, then returns.
    pub async fn stop(&self) {
        for handle in &self.0 {
            handle.stop(true).await;
        }
    }
}

/// Starts serving the API and pages on `listener` (over TLS with `tls`), and, if given, `/metrics` on
/// `metrics_listener` alone, giving clients the time `timeouts` allows. Signals are the caller's
/// business ([`crate::server::RunningServer::run_until_signalled`]).
pub fn serve(
    listener: TcpListener,
    tls: Option<rustls::ServerConfig>,
    metrics_listener: Option<TcpListener>,
    timeouts: Timeouts,
    app: Arc<App>,
) -> std::io::Result<Listening> {
    let addr = listener.local_addr()?;
    let data = web::Data::from(app);
    let metrics_on_main = metrics_on_public_listener(addr, metrics_listener.is_some());
    if metrics_listener.is_none() && !metrics_on_main {
        tracing::info!(%addr, "/metrics is not served on a public address; give it --metrics-listen to scrape it");
    }
    let main_data = data.clone();
    let issuer = data.settings().issuer.clone();
    let workers = std::thread::available_parallelism().map_or(2, usize::from);
    // The metrics listener needs a connection or two for a scraper.
    let metrics_connections = 16;
    let file_limit = open_file_limit();
    let main = Listener {
        socket: listener,
        tls,
        workers,
        connections_per_worker: connections_per_worker(file_limit, workers, metrics_connections),
        timeouts,
    };
    let main = connections::serve(main, move || {
        WebApp::new()
            .wrap(middleware::from_fn(browser::localize_page_errors))
            .wrap(answer_bare_errors())
            .wrap(strict_transport(&issuer))
            .wrap(middleware::from_fn(observe::observe))
            .app_data(main_data.clone())
            // For `form::read_limited`'s deadline.
            .app_data(timeouts)
            .configure(|config| {
                if metrics_on_main {
                    config.route("/metrics", web::get().to(metrics::metrics));
                }
                routes(config);
            })
    })?;
    tracing::debug!(
        workers,
        connections_per_worker = connections_per_worker(file_limit, workers, metrics_connections),
        open_file_limit = ?file_limit,
        "connection limits"
    );
    let mut servers = vec![main];
    if let Some(metrics_listener) = metrics_listener {
        let listener = Listener {
            socket: metrics_listener,
            tls: None,
            workers: 1,
            connections_per_worker: metrics_connections,
            timeouts,
        };
        let metrics = connections::serve(listener, move || {
            WebApp::new()
                .wrap(answer_bare_errors())
                .app_data(data.clone())
                .configure(metrics_routes)
        })?;
        servers.push(metrics);
    }
    let handles = servers.iter().map(Server::handle).collect();
    // Each server runs once polled; spawned, they all run side by side from now on.
    let servers = servers.into_iter().map(actix_web::rt::spawn).collect();
    Ok(Listening {
        servers,
        handles,
        addr,
    })
}

impl Listening {
    pub fn stopper(&self) -> Stopper {
        Stopper(self.handles.clone())
    }

    /// Resolves once every listener has stopped and every in-flight request has finished.
    pub async fn wait(self) -> std::io::Result<()> {
        let mut result = Ok(());
        for server in self.servers {
            match server.await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => result = Err(e),
                Err(e) => result = Err(std::io::Error::other(e)),
            }
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::metrics_on_public_listener;

    #[test]
    fn metrics_are_on_the_public_listener_only_on_loopback() {
        let on = |addr: &str, apart| metrics_on_public_listener(addr.parse().expect("addr"), apart);
        assert!(on("127.0.0.1:8080", false));
        assert!(on("127.0.0.2:8080", false));
        assert!(on("[::1]:8080", false));
        assert!(
            !on("127.0.0.1:8080", true),
            "--metrics-listen takes it away"
        );
        assert!(!on("0.0.0.0:8080", false));
        assert!(!on("[::]:8080", false));
        assert!(!on("192.168.1.10:8080", false));
        assert!(!on("[::ffff:127.0.0.1]:8080", false));
    }
}
