//! Headless Chromium driven over W3C WebDriver (Debian's `chromium` and `chromedriver`), with
//! a small client on the test's HTTP library rather than another dependency.
//!
//! Where the browser is not installed the browser tests say so and stop, unless
//! `AUTHBOX_REQUIRE_BROWSER` or `CI` is set, as `.ci/run` does: there they fail.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// The W3C name of an element reference in WebDriver answers.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

pub struct Chrome {
    driver: Child,
    endpoint: String,
    http: reqwest::blocking::Client,
    _profile: tempfile::TempDir,
}

/// Where screenshots go, for a person to look at: `target/screenshots/`.
pub fn screenshot_dir() -> PathBuf {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    target.join("screenshots")
}

impl Chrome {
    /// A fresh headless browser with a window of `width`×`height`, or `None` (with a note on
    /// stderr) when it is not installed and not required.
    pub fn launch(width: u32, height: u32) -> Option<Chrome> {
        Chrome::launch_preferring(width, height, None)
    }

    /// As [`Chrome::launch`], with a browser whose languages (its `Accept-Language`) are
    /// `languages`, e.g. `de-DE,de`, as a person sets them in its settings.
    pub fn launch_preferring(width: u32, height: u32, languages: Option<&str>) -> Option<Chrome> {
        if !Path::new(CHROMIUM).exists() || !Path::new(CHROMEDRIVER).exists() {
            let required = std::env::var_os("AUTHBOX_REQUIRE_BROWSER").is_some()
                || std::env::var_os("CI").is_some();
            assert!(
                !required,
                "the browser tests need {CHROMIUM} and {CHROMEDRIVER}: apt-get install chromium chromium-driver"
            );
            eprintln!("skipping a browser test: install chromium and chromium-driver to run it");
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let profile = tempfile::tempdir().expect("profile dir");
        let mut chrome = Chrome {
            driver,
            endpoint: format!("http://127.0.0.1:{port}"),
            http: reqwest::blocking::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .expect("client"),
            _profile: profile,
        };
        chrome.wait_until_ready();
        let mut args = vec![
            "--headless=new".to_owned(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", chrome._profile.path().display()),
        ];
        if let Some(languages) = languages {
            args.push(format!("--accept-lang={languages}"));
        }
        // Headless windows are at least 500 px wide; narrower means a phone, emulated.
        let mut options = json!({"binary": CHROMIUM, "args": args});
        if let Some(languages) = languages {
            options["prefs"] = json!({"intl": {"accept_languages": languages}});
        }
        if width < 500 {
            options["mobileEmulation"] =
                json!({"deviceMetrics": {"width": width, "height": height, "pixelRatio": 1.0}});
        }
        // The console is kept, so a test can show that no page broke its own policy.
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": options,
            "goog:loggingPrefs": {"browser": "ALL"}
        }}});
        let session = chrome.call("POST", "/session", capabilities);
        let id = session["sessionId"]
            .as_str()
            .expect("a session id")
            .to_owned();
        chrome.endpoint = format!("{}/session/{id}", chrome.endpoint);
        // Wait up to 10 s for an element to appear after a navigation.
        chrome.call("POST", "/timeouts", json!({"implicit": 10_000}));
        Some(chrome)
    }

    fn wait_until_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            let ready = self
                .http
                .get(format!("{}/status", self.endpoint))
                .send()
                .ok()
                .and_then(|r| r.json::<Value>().ok());
            if ready.is_some_and(|v| v["value"]["ready"] == true) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("chromedriver did not become ready");
    }

    /// One WebDriver command; its `value`, or the error it reported.
    fn try_call(&self, method: &str, path: &str, body: Value) -> Result<Value, String> {
        let url = format!("{}{path}", self.endpoint);
        let request = match method {
            "GET" => self.http.get(url),
            "DELETE" => self.http.delete(url),
            _ => self.http.post(url).json(&body),
        };
        let answer: Value = request
            .send()
            .map_err(|e| e.to_string())?
            .json()
            .map_err(|e| e.to_string())?;
        let value = answer["value"].clone();
        match value.get("error") {
            Some(error) => Err(format!(
                "WebDriver {method} {path} failed: {error} {}",
                value["message"]
            )),
            None => Ok(value),
        }
    }

    fn call(&self, method: &str, path: &str, body: Value) -> Value {
        self.try_call(method, path, body)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    pub fn goto(&self, url: &str) {
        self.call("POST", "/url", json!({"url": url}));
    }

    /// Reloads the page, as the browser's reload button does.
    pub fn reload(&self) {
        self.call("POST", "/refresh", json!({}));
    }

    /// The address of the page shown.
    pub fn address(&self) -> String {
        let url = self.call("GET", "/url", Value::Null);
        url.as_str().unwrap_or_default().to_owned()
    }

    fn element(&self, css: &str) -> String {
        let found = self.call(
            "POST",
            "/element",
            json!({"using": "css selector", "value": css}),
        );
        found[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}"))
            .to_owned()
    }

    pub fn type_into(&self, css: &str, text: &str) {
        let id = self.element(css);
        self.call("POST", &format!("/element/{id}/clear"), json!({}));
        self.call(
            "POST",
            &format!("/element/{id}/value"),
            json!({"text": text}),
        );
    }

    pub fn click(&self, css: &str) {
        let id = self.element(css);
        self.call("POST", &format!("/element/{id}/click"), json!({}));
    }

    /// The page's text as a person reads it (empty while a navigation is under way).
    pub fn text(&self) -> String {
        let script =
            json!({"script": "return document.body ? document.body.innerText : '';", "args": []});
        let text = self.try_call("POST", "/execute/sync", script).ok();
        text.and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    /// The language the page declares, `<html lang>`.
    pub fn document_language(&self) -> String {
        let script = json!({"script": "return document.documentElement.lang;", "args": []});
        let lang = self.try_call("POST", "/execute/sync", script).ok();
        lang.and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    /// Waits until the page says `text` (a form post has landed).
    pub fn wait_for_text(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let page = self.text();
            if page.contains(text) {
                return page;
            }
            assert!(
                Instant::now() < deadline,
                "the page never said {text:?}; it says:\n{page}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A computed style of the first element matching `css`, as the page's stylesheet set it.
    pub fn css_value(&self, css: &str, property: &str) -> String {
        let id = self.element(css);
        let value = self.call("GET", &format!("/element/{id}/css/{property}"), Value::Null);
        value.as_str().unwrap_or_default().to_owned()
    }

    /// The console messages since the last call (chromedriver's log endpoint), each with its
    /// level.
    pub fn console(&self) -> Vec<String> {
        let entries = self.call("POST", "/se/log", json!({"type": "browser"}));
        entries
            .as_array()
            .map(|all| {
                all.iter()
                    .map(|e| format!("{} {}", e["level"], e["message"]))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Asserts that nothing the browser did so far ran into the Content-Security-Policy.
    pub fn assert_no_csp_violations(&self) {
        let violations: Vec<String> = self
            .console()
            .into_iter()
            .filter(|line| line.contains("Content Security Policy"))
            .collect();
        assert!(violations.is_empty(), "CSP violations: {violations:#?}");
    }

    /// Saves a PNG of the window to `target/screenshots/<name>.png`.
    pub fn screenshot(&self, name: &str) {
        let png = self.call("GET", "/screenshot", Value::Null);
        let bytes = STANDARD
            .decode(png.as_str().expect("base64 PNG"))
            .expect("PNG");
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        std::fs::write(dir.join(format!("{name}.png")), bytes).expect("write screenshot");
    }
}

impl Drop for Chrome {
    fn drop(&mut self) {
        let _ = self.http.delete(&self.endpoint).send();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
