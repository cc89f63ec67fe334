//! authbox: a self-contained OAuth 2.0 / OpenID Connect authorization server built around the
//! Device Authorization Grant (RFC 8628).
//!
//! # Codemap
//!
//! ```text
//! http/ ──► app/ ──► domain/      (pure: no actix, redb, ring, no clock, no I/O)
//!   │         ├────► store/       (the only module that knows redb)
//!   │         └────► crypto/      (the only module that knows ring; also TLS via rustls)
//!   └────► pages/                 (maud views over small view structs)
//!             └──► i18n/          (the page text of each language: Fluent catalogs)
//! ```
//!
//! - `cli` parses the command line; `config` turns flags and `AUTHBOX_*` variables into a
//!   checked [`config::Config`].
//! - `server` opens the store, prepares keys, starts HTTP, the control socket and the sweeper.
//! - `service_manager` tells systemd the server is ready, alive or stopping.
//! - `backup` makes and restores snapshots of the data file.
//! - `demo` is `authbox demo`: a throwaway server, and the terminal playing a TV against it.
//! - `control` is the Unix socket through which management commands reach a running server.
//! - `app` holds the use cases; `app::person` the ones behind the browser pages, each returning
//!   an outcome the page only renders; `app::guard` every attempt budget; `app::groups` the
//!   groups and the per-client access policy (`App::may_use`); `app::admin` is the management
//!   façade; `app::admin_access` guards the admin pages; `app::account_links` issues
//!   invitation and recovery links and `app::link_use` uses them; `app::my_account` is "My
//!   account".
//! - `terminal_qr` draws QR codes on a terminal, for the demo and for invitation links.
//! - `http` serves them: `http::browser` is the page toolkit (the browser's cookie, address and
//!   language, CSRF-checked forms, the HTML error renderer), `http::errors` the OAuth JSON one,
//!   `http::language` the choice of language.
//! - `i18n` holds the page text: the catalogs under `assets/locales/`, compiled in, and the
//!   negotiation of `Accept-Language`; `pages` lay the text out in `pages::layout::Frame`.
//! - `telemetry` names what `/metrics` reports; `log_sink` batches the access log on its way
//!   to standard error.
//! - `store` is the redb file: tables, records (`store::records`, one file per family), schema
//!   version, expiry index.
//!
//! # Invariants
//!
//! - Invariant: `domain` and `pages` never import actix, redb or ring; `domain` and `i18n`
//!   import nothing of ours, `pages` only `assets` and `i18n`, `store` and `crypto` never `app`
//!   or `http`, `config` never `http`; no files import one another round a cycle; no source
//!   file is over 600 lines (`tests/it/architecture.rs`).
//! - Invariant: secrets (client secrets, device codes, refresh tokens, session ids, invitation
//!   and recovery links) are stored only as SHA-256 digests and compared in constant time.
//! - Invariant: whether a person may use a client is decided by `App::may_use` alone, on every
//!   path that would grant them something for it (`tests/it/access_policy.rs` walks them).
//! - Invariant: one process holds the data file; others reach it through the control socket.
//! - Invariant: no client keeps a connection by being slow: every one sends a whole request
//!   within a deadline of the server starting to wait for it, or is closed
//!   (`http/connections.rs`).

pub mod app;
pub mod assets;
pub mod backup;
pub mod cli;
pub mod config;
pub mod control;
pub mod crypto;
pub mod demo;
pub mod domain;
pub mod http;
pub mod i18n;
pub mod log_sink;
pub mod pages;
pub mod server;
pub mod service_manager;
pub mod store;
pub mod telemetry;
pub mod terminal_qr;

/// The parsers of untrusted input that the modules above keep private, gathered for the fuzz
/// targets in `fuzz/` (README, "Fuzzing"). Not an API: nothing but those targets uses it.
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::http::client_auth::presented_credentials;
    pub use crate::http::form::Form;
    pub use crate::http::userinfo::{Malformed, bearer};
    pub use crate::store::records::{
        decode_audit, decode_authorization_code, decode_client, decode_consent,
        decode_device_grant, decode_group, decode_key, decode_refresh_family, decode_refresh_token,
        decode_session, decode_user, encode_audit, encode_authorization_code, encode_client,
        encode_consent, encode_device_grant, encode_group, encode_key, encode_refresh_family,
        encode_refresh_token, encode_session, encode_user,
    };
}
