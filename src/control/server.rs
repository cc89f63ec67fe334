//! The server's end of the control socket.

use std::io::ErrorKind;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};

use super::MAX_REQUEST_BYTES;
use crate::app::App;
use crate::app::admin::{AdminFailure, AdminRequest, AdminResponse, FailureKind};

/// Removes the socket file when the server stops.
pub struct SocketFile(PathBuf);

impl Drop for SocketFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Binds the socket, replacing a stale file left by a server that did not stop cleanly.
pub fn bind(path: &Path) -> Result<(UnixListener, SocketFile), String> {
    if path.exists() {
        match std::os::unix::net::UnixStream::connect(path) {
            Ok(_) => {
                return Err(format!(
                    "another authbox server already answers on {}",
                    path.display()
                ));
            }
            Err(_) => std::fs::remove_file(path).map_err(|e| {
                format!(
                    "cannot remove the stale control socket {}: {e}",
                    path.display()
                )
            })?,
        }
    }
    let listener = UnixListener::bind(path).map_err(|e| {
        format!(
            "cannot create the control socket {}: {e} (a Unix socket path must be under 108 bytes; choose a shorter --data path if it is longer)",
            path.display()
        )
    })?;
    let file = SocketFile(path.to_path_buf());
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .map_err(|e| format!("cannot restrict the control socket {}: {e}", path.display()))?;
    Ok((listener, file))
}

/// Accepts connections until the task is dropped.
pub async fn serve(listener: UnixListener, path: PathBuf, app: Arc<App>) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                let app = Arc::clone(&app);
                let path = path.clone();
                tokio::spawn(async move {
                    if let Err(e) = answer(stream, &path, app).await {
                        tracing::warn!(error = %e, "a control connection failed");
                    }
                });
            }
            Err(e) => {
                tracing::warn!(error = %e, "the control socket could not accept a connection");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        }
    }
}

/// Only the account that owns the socket (the server's) and root may manage the server; the
/// file mode already says so, and this holds even if someone loosens it.
fn peer_allowed(stream: &UnixStream, path: &Path) -> bool {
    let Ok(peer) = stream.peer_cred() else {
        return false;
    };
    let owner = std::fs::metadata(path).map(|m| m.uid()).ok();
    peer.uid() == 0 || Some(peer.uid()) == owner
}

async fn answer(stream: UnixStream, path: &Path, app: Arc<App>) -> std::io::Result<()> {
    let allowed = peer_allowed(&stream, path);
    let (read, mut write) = stream.into_split();
    let mut line = Vec::new();
    BufReader::new(read.take(MAX_REQUEST_BYTES + 1))
        .read_until(b'\n', &mut line)
        .await?;
    let failure = |kind, message: &str| {
        Err(AdminFailure {
            kind,
            message: message.to_owned(),
        })
    };
    let outcome: Result<AdminResponse, AdminFailure> = if !allowed {
        failure(
            FailureKind::Invalid,
            "only the server's own account or root may manage it",
        )
    } else if line.len() as u64 > MAX_REQUEST_BYTES {
        failure(FailureKind::Invalid, "the request is too large")
    } else {
        match serde_json::from_slice::<AdminRequest>(&line) {
            Ok(request) => tokio::task::spawn_blocking(move || app.execute(request))
                .await
                .unwrap_or_else(|_| {
                    failure(
                        FailureKind::Unavailable,
                        "the request failed inside the server",
                    )
                }),
            Err(e) => failure(FailureKind::Invalid, &format!("malformed request: {e}")),
        }
    };
    let mut reply =
        serde_json::to_vec(&outcome).map_err(|e| std::io::Error::new(ErrorKind::InvalidData, e))?;
    reply.push(b'\n');
    write.write_all(&reply).await?;
    write.shutdown().await
}
