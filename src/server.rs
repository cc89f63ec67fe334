//! Serving: open the data file, prepare signing keys, bind, run until stopped, close cleanly.

use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::task::JoinHandle;

use crate::app::clock::Clock;
use crate::app::{App, AppError};
use crate::config::Config;
use crate::control;
use crate::control::server::SocketFile;
use crate::crypto::tls::Certificates;
use crate::http::{self, Listening, Stopper};
use crate::service_manager::ServiceManager;
use crate::store::{OpenMode, Store, StoreError};
use crate::telemetry;

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    App(#[from] AppError),
    #[error(
        "cannot listen on {addr}: {source}; is another server using the port? Choose another with --listen"
    )]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("{0}")]
    ControlSocket(String),
    #[error("TLS: {0}")]
    Tls(String),
    #[error("the HTTP server failed: {0}")]
    Http(#[from] std::io::Error),
}

/// SIGTERM, SIGINT and SIGHUP, taken from their default actions (which end the process at
/// once) before the server starts: a SIGTERM that comes the moment the server says it is
/// listening, from a service manager or a test that stops it straight away, must still stop
/// it gracefully rather than kill it.
pub struct StopSignals {
    terminate: Signal,
    interrupt: Signal,
    // systemd's `reload` sends SIGHUP; left to its default, it would end the server.
    hangup: Signal,
}

impl StopSignals {
    /// Catches the signals from now on; within the runtime that will serve.
    pub fn catch() -> Result<StopSignals, ServeError> {
        Ok(StopSignals {
            terminate: signal(SignalKind::terminate())?,
            interrupt: signal(SignalKind::interrupt())?,
            hangup: signal(SignalKind::hangup())?,
        })
    }
}

pub struct ServeOptions {
    pub clock: Arc<dyn Clock>,
    /// A socket already bound, used instead of binding `config.listen` (so a caller can learn
    /// the port before choosing the issuer).
    pub listener: Option<TcpListener>,
}

pub struct RunningServer {
    pub addr: SocketAddr,
    /// Where `/metrics` is served alone, when `--metrics-listen` asked for an address of its own.
    pub metrics_addr: Option<SocketAddr>,
    certificates: Option<Arc<Certificates>>,
    app: Arc<App>,
    listening: Listening,
    background: Vec<JoinHandle<()>>,
    socket_file: SocketFile,
}

/// A management command may hold the file for a moment; a starting server waits that long.
const OPEN_PATIENCE: Duration = Duration::from_secs(5);

fn open_when_free(path: &Path) -> Result<Store, StoreError> {
    let started = Instant::now();
    loop {
        match Store::open(path, OpenMode::CreateIfMissing) {
            Err(StoreError::InUse(_)) if started.elapsed() < OPEN_PATIENCE => {
                std::thread::sleep(Duration::from_millis(50));
            }
            other => return other,
        }
    }
}

/// Starts everything and returns once the server accepts connections.
pub async fn start(config: &Config, options: ServeOptions) -> Result<RunningServer, ServeError> {
    let socket_path = control::socket_path(&config.data);
    if std::os::unix::net::UnixStream::connect(&socket_path).is_ok() {
        return Err(ServeError::ControlSocket(format!(
            "another authbox server is already serving {}; stop it first, or choose another --data file",
            config.data.display()
        )));
    }
    // Bind first: a port in use should not leave a new data file behind.
    let listener = match options.listener {
        Some(listener) => listener,
        None => TcpListener::bind(config.listen).map_err(|source| ServeError::Bind {
            addr: config.listen,
            source,
        })?,
    };
    let certificates = match &config.tls {
        Some(files) => Some(Arc::new(
            Certificates::load(files.clone()).map_err(ServeError::Tls)?,
        )),
        None => None,
    };
    let tls_config = match &certificates {
        Some(certificates) => Some(certificates.server_config().map_err(ServeError::Tls)?),
        None => None,
    };
    if certificates.is_some() && !config.settings.issuer.starts_with("https://") {
        tracing::warn!(issuer = %config.settings.issuer, "TLS is on but the issuer is not https; clients will be sent to the issuer's URL");
    }
    let metrics_listener = match config.metrics_listen {
        Some(addr) => {
            Some(TcpListener::bind(addr).map_err(|source| ServeError::Bind { addr, source })?)
        }
        None => None,
    };
    let store = open_when_free(&config.data)?;
    let app = Arc::new(App::new(store, options.clock, config.settings.clone())?);
    app.ensure_signing_keys()?;
    if app.settings().plain_http == crate::domain::network::PlainHttp::PrivateNetwork {
        tracing::warn!(
            issuer = %app.settings().issuer,
            "--plain-http-on-private-network: anyone on this network can read codes, passwords, \
             cookies and tokens in transit, and change pages on their way; use https where you can"
        );
    }
    if app.status()?.users == 0 {
        tracing::warn!(
            "no users yet: create the first administrator with `authbox --data {} user add --admin <username>`",
            config.data.display()
        );
    }
    let (control_listener, socket_file) =
        control::server::bind(&socket_path).map_err(ServeError::ControlSocket)?;
    let metrics_addr = metrics_listener.as_ref().and_then(|l| l.local_addr().ok());
    telemetry::recorder();
    let listening = http::serve(
        listener,
        tls_config,
        metrics_listener,
        config.timeouts,
        Arc::clone(&app),
    )?;
    let background = vec![
        tokio::spawn(control::server::serve(
            control_listener,
            socket_path,
            Arc::clone(&app),
        )),
        tokio::spawn(sweep_forever(Arc::clone(&app), config.sweep_interval)),
        tokio::spawn(flush_audit_forever(Arc::clone(&app))),
        tokio::spawn(keep_metrics_tidy()),
    ];
    if let Some(addr) = metrics_addr {
        tracing::info!(metrics_addr = %addr, "/metrics is served on its own address");
    }
    tracing::info!(addr = %listening.addr, issuer = %config.settings.issuer, data = %config.data.display(), "authbox is listening");
    Ok(RunningServer {
        addr: listening.addr,
        metrics_addr,
        certificates,
        app,
        listening,
        background,
        socket_file,
    })
}

impl RunningServer {
    /// The use cases behind the endpoints, for embedding.
    pub fn app(&self) -> Arc<App> {
        Arc::clone(&self.app)
    }

    pub fn stopper(&self) -> Stopper {
        self.listening.stopper()
    }

    /// SIGHUP: re-read what can change without a restart (the TLS certificate).
    pub fn reloader(&self) -> Reloader {
        Reloader {
            certificates: self.certificates.clone(),
        }
    }

    /// Serves until SIGTERM or SIGINT, then stops gracefully: no new connections, requests in
    /// flight finish, the data file is flushed and closed. The service manager hears of each
    /// step (see [`ServiceManager`]).
    pub async fn run_until_signalled(self, signals: StopSignals) -> Result<(), ServeError> {
        let manager = Arc::new(ServiceManager::from_env());
        let StopSignals {
            mut terminate,
            mut interrupt,
            mut hangup,
        } = signals;
        let watchdog = manager.keep_watchdog_fed();
        manager.ready();
        let stopper = self.stopper();
        let reloader = self.reloader();
        let stopping = Arc::clone(&manager);
        let signals = tokio::spawn(async move {
            let name = loop {
                tokio::select! {
                    _ = terminate.recv() => break "SIGTERM",
                    _ = interrupt.recv() => break "SIGINT",
                    _ = hangup.recv() => reloader.reload(),
                }
            };
            tracing::info!(signal = name, "stopping: finishing the requests in flight");
            stopping.stopping();
            stopper.stop().await;
        });
        let result = self.wait().await;
        signals.abort();
        if let Some(watchdog) = watchdog {
            watchdog.abort();
        }
        result
    }

    /// Waits for the HTTP server to stop, then stops the background tasks and removes the
    /// control socket; the data file closes when the last task lets go of the app.
    pub async fn wait(self) -> Result<(), ServeError> {
        let result = self.listening.wait().await;
        for task in self.background {
            task.abort();
            let _ = task.await;
        }
        drop(self.socket_file);
        let app = self.app;
        let flushed = tokio::task::spawn_blocking(move || app.flush_audit()).await;
        if let Ok(Err(e)) = flushed {
            tracing::warn!(error = %e, "the last audit events could not be written");
        }
        tracing::info!("authbox stopped");
        Ok(result?)
    }
}

/// Re-reads what SIGHUP may change.
#[derive(Clone)]
pub struct Reloader {
    certificates: Option<Arc<Certificates>>,
}

impl Reloader {
    pub fn reload(&self) {
        match &self.certificates {
            None => tracing::info!("SIGHUP: nothing to reload (TLS is off)"),
            Some(certificates) => match certificates.reload() {
                Ok(()) => tracing::info!("SIGHUP: reloaded the TLS certificate"),
                Err(e) => tracing::error!(
                    error = %e,
                    "SIGHUP: the TLS certificate could not be reloaded; the old one is still served"
                ),
            },
        }
    }
}

/// Histogram samples wait in the recorder until a scrape or this tidy-up folds them into
/// buckets, so memory stays flat even if nothing scrapes `/metrics`.
async fn keep_metrics_tidy() {
    let Some(recorder) = telemetry::recorder() else {
        return;
    };
    loop {
        tokio::time::sleep(Duration::from_secs(5)).await;
        recorder.run_upkeep();
    }
}

/// Audit events reach the file within this long; a crash may lose what is younger.
const AUDIT_FLUSH_INTERVAL: Duration = Duration::from_millis(200);

async fn flush_audit_forever(app: Arc<App>) {
    loop {
        tokio::time::sleep(AUDIT_FLUSH_INTERVAL).await;
        let app = Arc::clone(&app);
        if let Ok(Err(e)) = tokio::task::spawn_blocking(move || app.flush_audit()).await {
            tracing::warn!(error = %e, "audit events could not be written; they will be retried");
        }
    }
}

async fn sweep_forever(app: Arc<App>, interval: Duration) {
    loop {
        tokio::time::sleep(interval).await;
        loop {
            let app = Arc::clone(&app);
            match tokio::task::spawn_blocking(move || app.sweep(interval)).await {
                Ok(Ok(report)) if report.more => continue,
                Ok(Ok(report)) => {
                    if report.removed > 0 {
                        tracing::debug!(removed = report.removed, "swept expired rows");
                    }
                }
                Ok(Err(e)) => tracing::warn!(error = %e, "the sweep failed; it will run again"),
                Err(e) => tracing::warn!(error = %e, "the sweep task failed; it will run again"),
            }
            break;
        }
    }
}
