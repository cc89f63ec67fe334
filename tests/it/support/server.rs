//! `TestServer`: the real server in this process, on an ephemeral loopback port, with a temp
//! data file and a clock the test moves by hand.

use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use authbox::app::App;
use authbox::app::clock::ManualClock;
use authbox::app::settings::{AttemptBudget, DeviceAuthorizationLimits, Lifetimes, Settings};
use authbox::config::Config;
use authbox::domain::network::ProxyHeader;
use authbox::domain::resource::{Resource, Resources};
use authbox::http::{Stopper, Timeouts};
use authbox::server::{ServeOptions, start};
use tempfile::TempDir;

pub struct TestServer {
    pub dir: Arc<TempDir>,
    pub data: PathBuf,
    pub base: String,
    pub clock: Arc<ManualClock>,
    /// The metrics-only listener, for a server started with one.
    pub metrics: Option<std::net::SocketAddr>,
    /// Released on stop, so the data file closes.
    app: Option<Arc<App>>,
    settings: Settings,
    timeouts: Timeouts,
    stopper: Option<Stopper>,
    thread: Option<JoinHandle<()>>,
}

/// SPEC §0's test profile: every lifetime short enough to cross by moving the clock.
pub fn test_profile(issuer: String) -> Settings {
    let secs = Duration::from_secs;
    let budget = AttemptBudget {
        failures: 5,
        window: secs(15 * 60),
    };
    let api = Resource::parse("https://api.example.test=api.read,api.write").expect("resource");
    Settings {
        issuer,
        site_name: None,
        resources: Resources::new(vec![api]).expect("resources"),
        lifetimes: Lifetimes {
            device_code: secs(30),
            poll_interval: secs(5),
            access_token: secs(60),
            id_token: secs(60),
            refresh_idle: secs(120),
            refresh_max: secs(3600),
            refresh_grace: Duration::ZERO,
            session_idle: secs(60),
            session_max: secs(3600),
        },
        user_code_budget: budget,
        login_budget: budget,
        // Every test client is 127.0.0.1; the limits' own tests set theirs.
        device_authorizations: DeviceAuthorizationLimits {
            per_address_per_minute: 1_000_000,
            live_per_client: 1_000_000,
            live_total: 1_000_000,
        },
        trusted_proxies: Vec::new(),
        proxy_header: ProxyHeader::default(),
        audit_retention: secs(86_400),
        plain_http: authbox::domain::network::PlainHttp::LoopbackOnly,
        second_factor_for_admins: false,
    }
}

impl TestServer {
    pub fn start() -> TestServer {
        Self::start_in(tempfile::tempdir().expect("temp dir"))
    }

    /// Starts with the test profile changed by `adjust`.
    pub fn start_with(adjust: impl FnOnce(&mut Settings)) -> TestServer {
        Self::start_listening(adjust, false)
    }

    /// Starts with the test profile changed by `adjust`, and, if `metrics_apart`, `/metrics` on
    /// a loopback listener of its own (`--metrics-listen`).
    pub fn start_listening(adjust: impl FnOnce(&mut Settings), metrics_apart: bool) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("authbox.redb");
        let mut settings = test_profile(String::new());
        adjust(&mut settings);
        let metrics_listen = metrics_apart.then(|| "127.0.0.1:0".parse().expect("address"));
        Self::start_on(
            Arc::new(dir),
            data,
            Arc::new(ManualClock::starting_now()),
            settings,
            metrics_listen,
            Timeouts::default(),
        )
    }

    /// Starts with clients given only as long as `timeouts` allows.
    pub fn start_with_timeouts(timeouts: Timeouts) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("authbox.redb");
        Self::start_on(
            Arc::new(dir),
            data,
            Arc::new(ManualClock::starting_now()),
            test_profile(String::new()),
            None,
            timeouts,
        )
    }

    /// Starts on `dir/authbox.redb`, which may already exist.
    pub fn start_in(dir: TempDir) -> TestServer {
        let data = dir.path().join("authbox.redb");
        Self::start_on(
            Arc::new(dir),
            data,
            Arc::new(ManualClock::starting_now()),
            test_profile(String::new()),
            None,
            Timeouts::default(),
        )
    }

    /// The use cases behind the endpoints, for the one shortcut tests may take: approving a
    /// grant before the verification pages exist.
    pub fn app(&self) -> &App {
        self.app.as_deref().expect("the server is running")
    }

    fn start_on(
        dir: Arc<TempDir>,
        data: PathBuf,
        clock: Arc<ManualClock>,
        mut settings: Settings,
        metrics_listen: Option<std::net::SocketAddr>,
        timeouts: Timeouts,
    ) -> TestServer {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let addr = listener.local_addr().expect("local address");
        let base = format!("http://{addr}");
        // An https issuer is kept, for tests of what only https brings; the pages' forms
        // then refuse this plain-http origin.
        if !settings.issuer.starts_with("https://") {
            settings.issuer = base.clone();
        }
        let config = Config {
            data: data.clone(),
            listen: addr,
            settings: settings.clone(),
            sweep_interval: Duration::from_millis(20),
            metrics_listen,
            tls: None,
            timeouts,
        };
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let server_clock = Arc::clone(&clock);
        let thread = std::thread::spawn(move || {
            authbox::http::block_on(async move {
                let options = ServeOptions {
                    clock: server_clock,
                    listener: Some(listener),
                };
                match start(&config, options).await {
                    Ok(server) => {
                        let metrics = server.metrics_addr;
                        let _ = ready_tx.send(Ok((server.app(), server.stopper(), metrics)));
                        if let Err(e) = server.wait().await {
                            eprintln!("test server stopped with an error: {e}");
                        }
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e.to_string()));
                    }
                }
            })
        });
        let (app, stopper, metrics) = ready_rx
            .recv()
            .expect("the server thread ended before reporting")
            .unwrap_or_else(|e| panic!("the test server did not start: {e}"));
        TestServer {
            dir,
            data,
            base,
            clock,
            metrics,
            app: Some(app),
            settings,
            timeouts,
            stopper: Some(stopper),
            thread: Some(thread),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    /// Stops gracefully and waits until the data file is closed.
    pub fn stop(&mut self) {
        self.app = None;
        if let Some(stopper) = self.stopper.take() {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(stopper.stop());
        }
        if let Some(thread) = self.thread.take() {
            thread.join().expect("the server thread panicked");
        }
    }

    /// Stops, then starts a new server on the same data file and clock.
    pub fn restart(mut self) -> TestServer {
        self.stop();
        Self::start_on(
            Arc::clone(&self.dir),
            self.data.clone(),
            Arc::clone(&self.clock),
            self.settings.clone(),
            self.metrics,
            self.timeouts,
        )
    }

    pub fn get_json(&self, path: &str) -> serde_json::Value {
        let response = reqwest::blocking::get(self.url(path)).expect("request");
        assert!(
            response.status().is_success(),
            "GET {path}: {}",
            response.status()
        );
        response.json().expect("JSON body")
    }

    /// The real binary pointed at this server's data file.
    pub fn cli(&self) -> super::Cli {
        super::Cli::new(&self.data)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Polls `condition` until it holds, for at most five seconds; for effects of background work
/// such as the sweeper, never for start-up.
pub fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while std::time::Instant::now() < deadline {
        if condition() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("timed out waiting until {what}");
}
