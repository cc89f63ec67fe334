//! The management command's end: ask the running server, or act on the file directly.

use std::io::{BufRead, BufReader, ErrorKind, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use super::socket_path;
use crate::app::App;
use crate::app::admin::{AdminFailure, AdminRequest, AdminResponse};
use crate::app::clock::SystemClock;
use crate::config::PolicyArgs;
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

/// Executes `request` against the data file at `data`, through the server when one runs.
pub fn run(data: &Path, request: &AdminRequest) -> Result<AdminResponse, ManageError> {
    let socket = socket_path(data);
    let started = std::time::Instant::now();
    loop {
        if let Some(answer) = ask_server(&socket, request)? {
            return Ok(answer?);
        }
        let mode = if request.creates_data() {
            OpenMode::CreateIfMissing
        } else {
            OpenMode::ExistingOnly
        };
        match Store::open(data, mode) {
            Ok(store) => {
                let settings =
                    PolicyArgs::from_env().map_err(|e| ManageError::Other(e.to_string()))?;
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

/// `Ok(None)` when no server listens on `socket`.
fn ask_server(
    socket: &Path,
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
