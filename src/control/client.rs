//! The management command's end: ask the running server, or act on the file directly.

use std::io::{BufRead, BufReader, ErrorKind, Write};
use std::os::unix::fs::MetadataExt;
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use super::socket_path;
use crate::app::App;
use crate::app::admin::{AdminFailure, AdminRequest, AdminResponse};
use crate::app::clock::SystemClock;
use crate::config::{PolicyArgs, ServiceEnvironment};
use crate::store::{OpenMode, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ManageError {
    /// The request was understood and refused (bad input, unknown user, duplicate, …).
    #[error(transparent)]
    Refused(#[from] AdminFailure),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Other(String),
}

/// How long a command keeps trying while a server is starting or stopping on the same file.
const SETTLE_TIME: Duration = Duration::from_secs(5);
const RETRY_PAUSE: Duration = Duration::from_millis(50);

/// Executes `request` against the data file at `data`, through the server when one runs. Without
/// one, the policy (token lifetimes, budgets) comes from the environment and `service`.
pub fn run(
    data: &Path,
    request: &AdminRequest,
    service: &ServiceEnvironment,
) -> Result<AdminResponse, ManageError> {
    let socket = socket_path(data);
    let started = std::time::Instant::now();
    loop {
        if let Some(answer) = ask_server(&socket, data, request)? {
            return Ok(answer?);
        }
        if let Some(why) = request.needs_server() {
            return Err(ManageError::Other(format!(
                "no server is running on {}: {why}",
                data.display()
            )));
        }
        let mode = if request.creates_data() {
            OpenMode::CreateIfMissing
        } else {
            OpenMode::ExistingOnly
        };
        match Store::open(data, mode) {
            Ok(store) => {
                let settings =
                    PolicyArgs::from_env(service).map_err(|e| ManageError::Other(e.to_string()))?;
                let app = App::new(store, Arc::new(SystemClock), settings)
                    .map_err(|e| ManageError::Other(e.to_string()))?;
                return Ok(app.execute(request.clone())?);
            }
            // A server is between opening the file and binding its socket, or shutting down.
            Err(StoreError::InUse(_)) if started.elapsed() < SETTLE_TIME => {
                std::thread::sleep(RETRY_PAUSE)
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// Whether a command run by `caller` may send its request (passwords included) to whatever
/// listens on the control socket as `peer`: only an account that could read the data file
/// anyway, that is the caller itself, root, or the file's owner (the server's account, when
/// an administrator runs the command as root).
pub fn trusted_server(peer: u32, caller: u32, data_owner: Option<u32>) -> bool {
    peer == caller || peer == 0 || Some(peer) == data_owner
}

/// Refuses a socket held by any other account. The socket file's own owner and mode prove
/// nothing: anyone who can write the directory, or a process that outlived its server, can
/// put a listener there. The kernel's record of who listens (SO_PEERCRED) cannot be forged.
fn check_peer(stream: &UnixStream, socket: &Path, data: &Path) -> Result<(), ManageError> {
    let peer = rustix::net::sockopt::socket_peercred(stream)
        .map_err(|e| {
            ManageError::Other(format!(
                "cannot tell who listens on the control socket {}: {e}",
                socket.display()
            ))
        })?
        .uid
        .as_raw();
    let caller = rustix::process::geteuid().as_raw();
    let owner = std::fs::metadata(data).ok().map(|m| m.uid());
    if trusted_server(peer, caller, owner) {
        return Ok(());
    }
    let owner = owner.map_or_else(|| "no such file".to_owned(), |uid| format!("uid {uid}"));
    Err(ManageError::Other(format!(
        "refusing to use the control socket {}: it is held by uid {peer}, which is neither you \
         (uid {caller}), root, nor the owner of {} ({owner}); nothing was sent to it. Another \
         account may be posing as the server: find out who runs it, stop it and remove the \
         socket",
        socket.display(),
        data.display()
    )))
}

/// `Ok(None)` when no server listens on `socket`.
fn ask_server(
    socket: &Path,
    data: &Path,
    request: &AdminRequest,
) -> Result<Option<Result<AdminResponse, AdminFailure>>, ManageError> {
    let mut stream = match UnixStream::connect(socket) {
        Ok(stream) => stream,
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::ConnectionRefused) => {
            return Ok(None);
        }
        Err(e) => {
            return Err(ManageError::Other(format!(
                "cannot reach the server's control socket {}: {e}",
                socket.display()
            )));
        }
    };
    check_peer(&stream, socket, data)?;
    let io = |e: std::io::Error| {
        ManageError::Other(format!(
            "the control socket {} failed: {e}",
            socket.display()
        ))
    };
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .map_err(io)?;
    let mut line = serde_json::to_vec(request).map_err(|e| ManageError::Other(e.to_string()))?;
    line.push(b'\n');
    stream.write_all(&line).map_err(io)?;
    let mut reply = Vec::new();
    BufReader::new(stream)
        .read_until(b'\n', &mut reply)
        .map_err(io)?;
    serde_json::from_slice(&reply)
        .map(Some)
        .map_err(|e| ManageError::Other(format!("the server sent an unreadable answer: {e}")))
}
