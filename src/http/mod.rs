//! HTTP: routes, wire formats and the two error renderers (OAuth JSON and the HTML page).
//!
//! Invariant: this is the only module that knows actix. Handlers parse, make one app call on
//! the blocking pool, and render.

mod assets;
mod authorize;
mod blocking;
mod client_address;
mod client_auth;
mod devices;
mod discovery;
mod errors;
mod form;
mod health;
mod jwks;
mod logout;
mod oauth;
mod pairing;
mod userinfo;
mod verification;

use std::future::Future;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

use actix_web::dev::{Server, ServerHandle};
use actix_web::{App as WebApp, HttpServer, web};

use crate::app::App;

/// Runs `future` on an actix system (a tokio runtime plus actix's per-thread bookkeeping).
pub fn block_on<F: Future>(future: F) -> F::Output {
    actix_web::rt::System::new().block_on(future)
}

pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/healthz", web::get().to(health::healthz))
        .route("/jwks", web::get().to(jwks::jwks))
        .service(
            web::resource("/device_authorization")
                .route(web::post().to(oauth::device_authorization))
                .default_service(web::to(oauth::post_only)),
        )
        .service(
            web::resource("/token")
                .route(web::post().to(oauth::token))
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
                .route(web::get().to(verification::show_login))
                .route(web::post().to(verification::submit_login)),
        )
        .route(
            "/device/decision",
            web::post().to(verification::submit_decision),
        )
        .route("/logout", web::post().to(logout::submit_logout))
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
                .route(web::post().to(oauth::revoke))
                .default_service(web::to(oauth::post_only)),
        )
        .service(
            web::resource("/userinfo")
                .route(web::get().to(userinfo::userinfo))
                .route(web::post().to(userinfo::userinfo))
                .route(web::method(actix_web::http::Method::OPTIONS).to(userinfo::preflight)),
        )
        .route("/devices", web::get().to(devices::my_devices))
        .route(
            "/devices/sign-out",
            web::post().to(devices::sign_out_device),
        )
        .route("/devices/forget-app", web::post().to(devices::forget_app))
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

/// A server accepting connections.
pub struct Listening {
    server: Server,
    pub addr: SocketAddr,
}

/// Stops a [`Listening`] server from anywhere, gracefully.
#[derive(Clone)]
pub struct Stopper(ServerHandle);

impl Stopper {
    /// Stops accepting, lets in-flight requests finish, then returns.
    pub async fn stop(&self) {
        self.0.stop(true).await;
    }
}

/// Starts serving on `listener`. With `handle_signals`, SIGINT and SIGTERM stop the server
/// gracefully.
pub fn serve(
    listener: TcpListener,
    app: Arc<App>,
    handle_signals: bool,
) -> std::io::Result<Listening> {
    let addr = listener.local_addr()?;
    let data = web::Data::from(app);
    let server = HttpServer::new(move || WebApp::new().app_data(data.clone()).configure(routes))
        .listen(listener)?;
    let server = if handle_signals {
        server
    } else {
        server.disable_signals()
    };
    Ok(Listening {
        server: server.run(),
        addr,
    })
}

impl Listening {
    pub fn stopper(&self) -> Stopper {
        Stopper(self.server.handle())
    }

    /// Resolves once the server has stopped and every in-flight request has finished.
    pub async fn wait(self) -> std::io::Result<()> {
        self.server.await
    }
}
