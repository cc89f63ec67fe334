//! A browser played over HTTP with a cookie jar: SPEC §0's `APPROVE` and `DENY` for real.

use std::sync::Arc;

use reqwest::blocking::{Client, RequestBuilder};
use reqwest::cookie::Jar;

use super::TestServer;

pub struct Page {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub html: String,
}

impl Page {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// The form token the page carries.
    pub fn csrf_token(&self) -> String {
        let marker = "name=\"csrf_token\" value=\"";
        let at = self
            .html
            .find(marker)
            .unwrap_or_else(|| panic!("no csrf_token on {}", self.html));
        let rest = &self.html[at + marker.len()..];
        rest[..rest.find('"').expect("closing quote")].to_owned()
    }

    pub fn says(&self, text: &str) -> bool {
        self.html.contains(text)
    }

    /// The value of the hidden field `name`, unescaped, if the page has one.
    pub fn hidden(&self, name: &str) -> Option<String> {
        let marker = format!("name=\"{name}\" value=\"");
        let at = self.html.find(&marker)?;
        let rest = &self.html[at + marker.len()..];
        let raw = &rest[..rest.find('"')?];
        Some(
            raw.replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&#39;", "'")
                .replace("&amp;", "&"),
        )
    }

    /// The redirect's target, parsed.
    pub fn location(&self) -> url::Url {
        url::Url::parse(self.header("location"))
            .unwrap_or_else(|_| panic!("no redirect (status {}): {}", self.status, self.html))
    }

    /// One query parameter of the redirect's target.
    pub fn location_param(&self, name: &str) -> Option<String> {
        self.location()
            .query_pairs()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.into_owned())
    }
}

pub struct Browser {
    /// The server's base URL, e.g. `http://127.0.0.1:41234`.
    base: String,
    client: Client,
    /// The cookies, shared with this browser's twins.
    cookies: Arc<Jar>,
    /// The form token of the page most recently shown.
    token: String,
    /// Sent with every request, e.g. `X-Forwarded-For` to act through a proxy.
    headers: Vec<(String, String)>,
}

impl Browser {
    pub fn new(server: &TestServer) -> Browser {
        Browser::at(&server.base)
    }

    /// A browser for the server at `base` (a spawned binary, say).
    pub fn at(base: &str) -> Browser {
        Browser::with_cookies(base, Arc::new(Jar::default()))
    }

    fn with_cookies(base: &str, cookies: Arc<Jar>) -> Browser {
        let client = Client::builder()
            .cookie_provider(Arc::clone(&cookies))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Browser {
            base: base.to_owned(),
            client,
            cookies,
            token: String::new(),
            headers: Vec::new(),
        }
    }

    /// A second tab of this browser: the same cookie jar, so the same session, and the form
    /// token of the page this one shows. It has a client and connection of its own, so that
    /// what the two tabs send at once reaches the server at once.
    pub fn twin(&self) -> Browser {
        let mut twin = Browser::with_cookies(&self.base, Arc::clone(&self.cookies));
        twin.token = self.token.clone();
        twin.headers = self.headers.clone();
        twin
    }

    /// A browser whose requests all carry `name: value`.
    pub fn with_header(mut self, name: &str, value: &str) -> Browser {
        self.headers.push((name.into(), value.into()));
        self
    }

    fn send(&mut self, request: RequestBuilder) -> Page {
        self.try_send(request).expect("a page")
    }

    /// The page, or `None` when the server is gone before it has answered in full.
    fn try_send(&mut self, mut request: RequestBuilder) -> Option<Page> {
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        let response = request.send().ok()?;
        let page = Page {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            html: response.text().ok()?,
        };
        if page.html.contains("name=\"csrf_token\"") {
            self.token = page.csrf_token();
        }
        Some(page)
    }

    /// [`Browser::get`] against a server that may die meanwhile.
    pub fn try_get(&mut self, path: &str) -> Option<Page> {
        let request = self.client.get(format!("{}{path}", self.base));
        self.try_send(request)
    }

    pub fn get(&mut self, path: &str) -> Page {
        let request = self.client.get(format!("{}{path}", self.base));
        self.send(request)
    }

    /// Posts `fields` plus the current form token, as a browser submitting the page's form,
    /// and follows a `303 See Other` to one of the server's own pages, as a browser does
    /// (Post/Redirect/Get). A redirect elsewhere (back to an app) is returned as it is.
    pub fn submit(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let answer = self.submit_unfollowed(path, fields);
        self.follow(answer).expect("a page")
    }

    /// [`Browser::submit`] without following the redirect: the POST's own answer.
    pub fn submit_unfollowed(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.token.clone();
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &token));
        let origin = self.base.clone();
        self.post_raw(path, &all, &[("Origin", &origin)])
    }

    /// The page a POST's `303 See Other` to one of our own pages leads to, or `None` when the
    /// server is gone before it has answered; any other answer as it is.
    fn follow(&mut self, answer: Page) -> Option<Page> {
        let local = answer
            .headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .filter(|l| l.starts_with('/') && !l.starts_with("//"))
            .map(str::to_owned);
        match local {
            Some(location) if answer.status == 303 => self.try_get(&location),
            _ => Some(answer),
        }
    }

    pub fn post_raw(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Page {
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .form(fields);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request)
    }

    /// Posts `fields` as the page's form would (with the Origin a browser sends), or `None`
    /// when the server is gone before it answers.
    pub fn try_post(&mut self, path: &str, fields: &[(&str, &str)]) -> Option<Page> {
        let request = self
            .client
            .post(format!("{}{path}", self.base))
            .form(fields)
            .header("Origin", &self.base);
        let answer = self.try_send(request)?;
        self.follow(answer)
    }

    pub fn token(&self) -> String {
        self.token.clone()
    }

    /// Enters `user_code` and signs in as `username` if asked; ends on the consent page.
    pub fn reach_consent(&mut self, user_code: &str, username: &str, password: &str) -> Page {
        self.get("/device");
        let page = self.submit("/device", &[("user_code", user_code)]);
        if page.says("name=\"password\"") {
            return self.submit(
                "/login",
                &[
                    ("username", username),
                    ("password", password),
                    ("user_code", user_code),
                ],
            );
        }
        page
    }

    pub fn decide(&mut self, user_code: &str, decision: &str) -> Page {
        self.submit(
            "/device/decision",
            &[("user_code", user_code), ("decision", decision)],
        )
    }
}
