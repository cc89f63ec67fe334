//! Connections: how long a client may take and how many may be open, so that slow, idle or
//! flooding clients cannot crowd out the rest (slowloris and its kin).
//!
//! actix-http bounds the head of a connection's *first* request (then 408 and close) and
//! idleness between requests (see [`Timeouts`]), but nothing else: a client that sends one
//! request, then a few bytes of the next, then nothing, keeps its connection for ever. [`Paced`]
//! closes that gap on the byte stream itself; a body that trickles is cut short by its reader
//! (`form::read_limited`). Each worker takes at most as many connections as the open-file
//! limit leaves room for, so a flood waits in the listen queue instead of making the process
//! run out of files. actix-web's `HttpServer` has no place for a wrapper around the stream, so
//! [`serve`] puts together the same parts (actix-server, actix-http, actix-tls) itself.
//!
//! Invariant: every connection either sends a whole request within [`Timeouts::request`] of the
//! server starting to wait for it, or is closed.

use std::fmt;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_http::body::MessageBody;
use actix_http::{HttpService, Protocol, Request, Response};
use actix_server::{GracefulShutdownSignal, Server};
use actix_service::{IntoServiceFactory, Service, ServiceFactory, ServiceFactoryExt, fn_service};
use actix_tls::accept::TlsError;
use actix_tls::accept::rustls_0_23::{Acceptor, TlsStream};
use actix_web::dev::AppConfig;
use actix_web::rt::net::{ActixStream, Ready, TcpStream};
use actix_web::rt::time::{Sleep, sleep};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

pub use crate::config::Timeouts;

/// How long a TLS handshake may take.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(3);

/// How long a closing connection may take to say goodbye.
const DISCONNECT_TIMEOUT: Duration = Duration::from_secs(1);

/// actix-server's own default, kept as the ceiling per worker.
const MAX_CONNECTIONS_PER_WORKER: usize = 25_600;

/// Open files the process needs besides its connections: the data file, the listeners, the
/// control socket and its clients, a backup being written, standard streams.
const FILES_KEPT_FOR_OTHER_USES: usize = 64;

/// The soft limit on open files, from `/proc/self/limits` (Linux); `None` where unknown.
pub fn open_file_limit() -> Option<usize> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    parse_open_file_limit(&limits)
}

fn parse_open_file_limit(limits: &str) -> Option<usize> {
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    // "Max open files  <soft>  <hard>  files"; the soft limit is the one enforced.
    line.split_whitespace().nth(3)?.parse().ok()
}

/// How many connections each of `workers` workers takes at most, given the open-file limit
/// `file_limit` they share, less `reserved` files for another listener's connections.
pub fn connections_per_worker(file_limit: Option<usize>, workers: usize, reserved: usize) -> usize {
    let Some(limit) = file_limit else {
        return MAX_CONNECTIONS_PER_WORKER;
    };
    let room = limit.saturating_sub(FILES_KEPT_FOR_OTHER_USES + reserved);
    (room / workers.max(1)).clamp(1, MAX_CONNECTIONS_PER_WORKER)
}

/// A connection's byte stream with a deadline on waiting for the client: once the server has
/// waited [`Timeouts::request`] for a request without starting an answer, the stream reads as
/// ended, as if the client had hung up. actix-http then closes a connection that is between
/// requests or in the middle of a head; a request already whole is still answered.
pub struct Paced<T> {
    io: T,
    wait: Duration,
    /// Running while the server waits for the client; cleared when an answer starts.
    deadline: Option<Pin<Box<Sleep>>>,
    expired: bool,
}

impl<T> Paced<T> {
    pub fn new(io: T, wait: Duration) -> Paced<T> {
        Paced {
            io,
            wait,
            deadline: None,
            expired: false,
        }
    }

    pub fn get_ref(&self) -> &T {
        &self.io
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Paced<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.expired {
            return Poll::Ready(Ok(()));
        }
        match Pin::new(&mut this.io).poll_read(cx, buf) {
            Poll::Pending => {
                let wait = this.wait;
                let deadline = this.deadline.get_or_insert_with(|| Box::pin(sleep(wait)));
                if deadline.as_mut().poll(cx).is_ready() {
                    this.expired = true;
                    return Poll::Ready(Ok(()));
                }
                Poll::Pending
            }
            ready => ready,
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Paced<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.io).poll_write(cx, buf);
        if matches!(written, Poll::Ready(Ok(n)) if n > 0) {
            this.deadline = None;
        }
        written
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.io).poll_write_vectored(cx, bufs);
        if matches!(written, Poll::Ready(Ok(n)) if n > 0) {
            this.deadline = None;
        }
        written
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

/// The TLS acceptor waits for readiness on the stream beneath.
impl<T: ActixStream> ActixStream for Paced<T> {
    fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<Ready>> {
        self.io.poll_read_ready(cx)
    }

    fn poll_write_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<Ready>> {
        self.io.poll_write_ready(cx)
    }
}

/// One listening socket and how it serves.
pub struct Listener {
    pub socket: std::net::TcpListener,
    /// Serve https with this configuration instead of plain http.
    pub tls: Option<rustls::ServerConfig>,
    pub workers: usize,
    /// At most this many open connections per worker; more wait in the listen queue.
    pub connections_per_worker: usize,
    pub timeouts: Timeouts,
}

/// HTTP/1.1 over a paced stream, with the timeouts above, for the application `factory` makes.
fn http_over<T, F, I, S, B>(
    factory: &F,
    addr: SocketAddr,
    timeouts: Timeouts,
    shutdown: &GracefulShutdownSignal,
) -> impl ServiceFactory<
    (T, Protocol, Option<SocketAddr>),
    Config = (),
    Response = (),
    Error = actix_http::error::DispatchError,
    InitError = (),
> + use<T, F, I, S, B>
where
    T: AsyncRead + AsyncWrite + Unpin + 'static,
    F: Fn() -> I,
    I: IntoServiceFactory<S, Request>,
    S: ServiceFactory<Request, Config = AppConfig> + 'static,
    S::Error: Into<actix_web::Error> + 'static,
    S::InitError: fmt::Debug,
    S::Response: Into<Response<B>> + 'static,
    <S::Service as Service<Request>>::Future: 'static,
    S::Service: 'static,
    B: MessageBody + 'static,
{
    let shutdown = shutdown.clone();
    let app = factory()
        .into_factory()
        .map_err(|e| e.into().error_response());
    HttpService::build()
        .keep_alive(timeouts.keep_alive)
        .client_request_timeout(timeouts.request_head)
        .client_disconnect_timeout(DISCONNECT_TIMEOUT)
        .local_addr(addr)
        // Idle keep-alive connections close at once when the server stops gracefully.
        .graceful_shutdown_signal(move || {
            let shutdown = shutdown.clone();
            async move { shutdown.notified().await }
        })
        // authbox reads neither its host nor its scheme from the connection: both come from the
        // issuer, so the application's connection settings stay at their defaults.
        .finish(actix_service::map_config(app, |()| AppConfig::default()))
}

/// A server on `listener`, running the application `factory` makes for each worker.
pub fn serve<F, I, S, B>(listener: Listener, factory: F) -> io::Result<Server>
where
    F: Fn() -> I + Send + Clone + 'static,
    I: IntoServiceFactory<S, Request>,
    S: ServiceFactory<Request, Config = AppConfig> + 'static,
    S::Error: Into<actix_web::Error> + 'static,
    S::InitError: fmt::Debug,
    S::Response: Into<Response<B>> + 'static,
    <S::Service as Service<Request>>::Future: 'static,
    S::Service: 'static,
    B: MessageBody + 'static,
{
    let addr = listener.socket.local_addr()?;
    let timeouts = listener.timeouts;
    let wait = timeouts.request;
    let builder = Server::build()
        .workers(listener.workers)
        .max_concurrent_connections(listener.connections_per_worker)
        .disable_signals();
    let shutdown = builder.graceful_shutdown_signal();
    let builder = match listener.tls {
        None => builder.listen("authbox-http", listener.socket, move || {
            fn_service(move |stream: TcpStream| async move {
                let peer = stream.peer_addr().ok();
                Ok((Paced::new(stream, wait), Protocol::Http1, peer))
            })
            .and_then(http_over(&factory, addr, timeouts, &shutdown))
        })?,
        Some(mut config) => {
            config.alpn_protocols = vec![b"http/1.1".to_vec()];
            let mut acceptor = Acceptor::new(config);
            acceptor.set_handshake_timeout(TLS_HANDSHAKE_TIMEOUT);
            builder.listen("authbox-https", listener.socket, move || {
                fn_service(move |stream: TcpStream| async move { Ok(Paced::new(stream, wait)) })
                    .and_then(acceptor.clone().map_err(TlsError::into_service_error))
                    .and_then(|tls: TlsStream<Paced<TcpStream>>| async move {
                        let peer = tls.get_ref().0.get_ref().peer_addr().ok();
                        Ok((tls, Protocol::Http1, peer))
                    })
                    .and_then(
                        http_over(&factory, addr, timeouts, &shutdown).map_err(TlsError::Service),
                    )
            })?
        }
    };
    Ok(builder.run())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_soft_open_file_limit_is_read() {
        let limits = "Limit                     Soft Limit           Hard Limit           Units     \n\
                      Max cpu time              unlimited            unlimited            seconds   \n\
                      Max open files            1024                 524288               files     \n";
        assert_eq!(parse_open_file_limit(limits), Some(1024));
        assert_eq!(parse_open_file_limit("nothing here"), None);
    }

    #[test]
    fn the_timers_that_answer_speak_before_the_one_that_closes() {
        let t = Timeouts::default();
        assert!(t.request > t.keep_alive + t.body && t.request > t.request_head);
    }

    #[test]
    fn workers_share_what_the_file_limit_leaves() {
        // 1024 files, 64 kept for other uses, 16 for the metrics listener, two workers.
        assert_eq!(connections_per_worker(Some(1024), 2, 16), 472);
        assert_eq!(connections_per_worker(Some(65_536), 4, 16), 16_364);
        assert_eq!(connections_per_worker(Some(10_000_000), 2, 16), 25_600);
        assert_eq!(connections_per_worker(Some(10), 2, 16), 1);
        assert_eq!(connections_per_worker(None, 2, 16), 25_600);
    }
}
