//! Telling the service manager how the server is doing: systemd's `sd_notify` protocol
//! (`READY=1`, `STOPPING=1`, `WATCHDOG=1`), written out here because it is one datagram on a
//! Unix socket and a library would bring more than it saves.
//!
//! Without `NOTIFY_SOCKET` (not started by systemd with `Type=notify`) every call does nothing.

use std::os::unix::net::{SocketAddr, UnixDatagram};
use std::time::Duration;

/// The service manager's notification socket, if it gave one.
pub struct ServiceManager {
    socket: Option<(UnixDatagram, SocketAddr)>,
    watchdog: Option<Duration>,
}

impl ServiceManager {
    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` as sd_notify(3) describes.
    pub fn from_env() -> ServiceManager {
        let socket = std::env::var_os("NOTIFY_SOCKET").and_then(|path| {
            let address = notify_address(path.as_encoded_bytes());
            match address {
                Some(address) => match UnixDatagram::unbound() {
                    Ok(socket) => Some((socket, address)),
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot open a socket to notify the service manager");
                        None
                    }
                },
                None => {
                    tracing::warn!(
                        "NOTIFY_SOCKET is not a Unix socket path; not notifying the service manager"
                    );
                    None
                }
            }
        });
        ServiceManager {
            socket,
            watchdog: watchdog_interval(
                std::env::var("WATCHDOG_USEC").ok().as_deref(),
                std::env::var("WATCHDOG_PID").ok().as_deref(),
                std::process::id(),
            ),
        }
    }

    pub fn ready(&self) {
        self.send("READY=1\nSTATUS=Serving");
    }

    pub fn stopping(&self) {
        self.send("STOPPING=1\nSTATUS=Stopping: finishing requests in flight");
    }

    /// Keeps telling the service manager the server is alive, twice per watchdog period as
    /// systemd recommends, for as long as the returned task runs. None without a watchdog.
    pub fn keep_watchdog_fed(self: &std::sync::Arc<Self>) -> Option<tokio::task::JoinHandle<()>> {
        let period = self.watchdog?;
        let manager = std::sync::Arc::clone(self);
        Some(tokio::spawn(async move {
            let mut ticks = tokio::time::interval(period / 2);
            loop {
                ticks.tick().await;
                manager.send("WATCHDOG=1");
            }
        }))
    }

    fn send(&self, state: &str) {
        if let Some((socket, address)) = &self.socket
            && let Err(e) = socket.send_to_addr(state.as_bytes(), address)
        {
            tracing::warn!(error = %e, "could not notify the service manager");
        }
    }
}

/// A path, or `@name` for Linux's abstract namespace.
fn notify_address(raw: &[u8]) -> Option<SocketAddr> {
    match raw {
        [] => None,
        [b'@', name @ ..] => abstract_address(name),
        [b'/', ..] => {
            let path = std::path::Path::new(std::ffi::OsStr::from_bytes(raw));
            SocketAddr::from_pathname(path).ok()
        }
        _ => None,
    }
}

use std::os::unix::ffi::OsStrExt;

#[cfg(target_os = "linux")]
fn abstract_address(name: &[u8]) -> Option<SocketAddr> {
    use std::os::linux::net::SocketAddrExt;
    SocketAddr::from_abstract_name(name).ok()
}

#[cfg(not(target_os = "linux"))]
fn abstract_address(_name: &[u8]) -> Option<SocketAddr> {
    None
}

/// The watchdog period, if one is set for this process (a `WATCHDOG_PID` naming another
/// process means the setting was inherited and is not ours).
fn watchdog_interval(usec: Option<&str>, pid: Option<&str>, own_pid: u32) -> Option<Duration> {
    if let Some(pid) = pid
        && pid.trim().parse::<u32>().ok() != Some(own_pid)
    {
        return None;
    }
    let usec: u64 = usec?.trim().parse().ok()?;
    (usec > 0).then(|| Duration::from_micros(usec))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_watchdog_is_ours_only_when_the_pid_matches_or_is_absent() {
        assert_eq!(
            watchdog_interval(Some("30000000"), None, 7),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            watchdog_interval(Some("30000000"), Some("7"), 7),
            Some(Duration::from_secs(30))
        );
        assert_eq!(watchdog_interval(Some("30000000"), Some("8"), 7), None);
        assert_eq!(watchdog_interval(Some("0"), None, 7), None);
        assert_eq!(watchdog_interval(Some("soon"), None, 7), None);
        assert_eq!(watchdog_interval(None, None, 7), None);
    }

    #[test]
    fn notify_socket_forms() {
        assert!(notify_address(b"/run/systemd/notify").is_some());
        assert!(notify_address(b"@authbox-test").is_some());
        assert!(notify_address(b"relative/path").is_none());
        assert!(notify_address(b"").is_none());
    }
}
