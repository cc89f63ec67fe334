//! The control socket: how `authbox user|client|key …` reaches a running server.
//!
//! A running `authbox serve` holds its data file exclusively (redb's fastest and simplest
//! mode) and listens on a Unix socket beside it, `<data file>.sock`, mode 0600. A management
//! command first tries that socket; if a server answers, the server executes the request, so
//! its caches (signing keys, soon sessions) change in the same step as the file. If no server
//! answers, the command opens the file itself. Either way the same [`crate::app::App::execute`]
//! runs, with the same checks. Each end checks the other's account (SO_PEERCRED): the server
//! answers only its own account and root; the command talks only to its own account, root or
//! the data file's owner.
//!
//! Protocol: one JSON [`crate::app::admin::AdminRequest`] line in, one JSON
//! `Result<AdminResponse, AdminFailure>` line out, then the connection closes.

pub mod client;
pub mod server;

use std::path::{Path, PathBuf};

/// The largest request line the server reads; requests are small, passwords included.
const MAX_REQUEST_BYTES: u64 = 64 * 1024;

/// `<data file>.sock`: beside the file it controls, so whoever may use the file finds it.
pub fn socket_path(data: &Path) -> PathBuf {
    let mut path = data.as_os_str().to_owned();
    path.push(".sock");
    PathBuf::from(path)
}
