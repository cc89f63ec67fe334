//! A web origin (RFC 6454) a browser app calls from: `scheme://host[:port]`, kept as browsers
//! send it in `Origin`, so a check is a byte comparison.

use std::fmt;

use super::Invalid;
use super::network::PlainHttp;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WebOrigin(String);

impl WebOrigin {
    /// https, or http to a loopback host (as for redirect URIs); nothing but scheme, host and
    /// port. The default port is dropped and the host lower-cased, as a browser serializes it.
    pub fn parse(text: &str, plain_http: PlainHttp) -> Result<WebOrigin, Invalid> {
        let fail = |why: &str| Invalid::new(format!("web origin {text:?}: {why}"));
        let url = url::Url::parse(text.trim()).map_err(|e| fail(&e.to_string()))?;
        match url.scheme() {
            "https" => {}
            "http" if plain_http.allows(&url) => {}
            "http" => {
                return Err(fail(
                    "plain http is only allowed for a loopback host (or, with --plain-http-on-private-network, a private network's)",
                ));
            }
            _ => return Err(fail("it must start with https://")),
        }
        let bare = url.path() == "/" && !text.trim().ends_with('/');
        if !bare || url.query().is_some() || url.fragment().is_some() {
            return Err(fail(
                "an origin is a scheme, a host and a port only, e.g. https://tv.example.org",
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(fail("it must not carry a user name or password"));
        }
        Ok(WebOrigin(url.origin().ascii_serialization()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for WebOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_origin_reads_as_a_browser_sends_it() {
        let origin =
            WebOrigin::parse("https://TV.Example.org:443", PlainHttp::LoopbackOnly).unwrap();
        assert_eq!(origin.as_str(), "https://tv.example.org");
        assert_eq!(
            WebOrigin::parse("http://localhost:5173", PlainHttp::LoopbackOnly)
                .unwrap()
                .as_str(),
            "http://localhost:5173"
        );
        for bad in [
            "http://tv.example.org",
            "https://tv.example.org/",
            "https://tv.example.org/app",
            "https://tv.example.org?x",
            "https://a:b@tv.example.org",
            "*",
            "null",
        ] {
            assert!(
                WebOrigin::parse(bad, PlainHttp::LoopbackOnly).is_err(),
                "{bad}"
            );
        }
    }
}
