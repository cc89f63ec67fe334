//! Malformed requests, generated from a seed: a request the server accepts (a [`Baseline`]),
//! broken in one to three of the ways clients and attackers break requests — methods, paths,
//! versions, content types and charsets, invalid UTF-8 and escapes, repeated, empty and huge
//! parameters, broken credentials, cookies and form tokens, odd headers, lying lengths,
//! oversized bodies and trickled bytes. Some of them leave the request as valid as it was
//! (a request trickled in pieces, an unknown parameter), most do not.

mod mutations;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// The mutations that leave a valid request valid, alone: the same request with an unknown
/// parameter (and empty pairs, which RFC 6749 §3.1 says to ignore), trickled in pieces, split
/// between head and body, or sent after waiting for `100 Continue`. Every route must accept
/// them as it accepts the request itself.
pub const LEAVE_VALID: &[&str] = &["unknown-param", "trickle", "split-head", "expect-continue"];

/// HTTP Basic client authentication as RFC 6749 §2.3.1 writes it: each half form-url-encoded.
pub fn basic(id: &str, secret: &str) -> Vec<u8> {
    let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    format!(
        "Basic {}",
        STANDARD.encode(format!("{}:{}", encode(id), encode(secret)))
    )
    .into_bytes()
}

/// splitmix64: tiny, seedable, and good enough to choose mutations.
pub struct Rng(u64);

impl Rng {
    /// The generator for case `index` of the run seeded `seed`: every case can be replayed alone.
    pub fn for_case(seed: u64, index: u64) -> Rng {
        let mut rng = Rng(seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        rng.next();
        rng
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// What an endpoint answers in when it refuses (see `contract.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// RFC 6749 §5.2 JSON errors: `/token`, `/device_authorization`, `/introspect`, `/revoke`.
    OAuth,
    /// RFC 6750 §3 challenges: `/userinfo`.
    Bearer,
    /// HTML pages, and redirects where the flow has one.
    Page,
    /// JSON documents: `/healthz`, `/jwks`, discovery.
    Document,
    Stylesheet,
    Metrics,
    /// `/device/qr.svg`: an image, or a page saying why not.
    Qr,
    /// No endpoint: the not-found answer.
    Nowhere,
}

/// A well-formed request that the server accepts, before any mutation.
#[derive(Clone, Debug)]
pub struct Baseline {
    /// The route, for the per-route counts and the format of its answers.
    pub endpoint: &'static str,
    pub method: &'static str,
    /// Path and query.
    pub target: String,
    pub headers: Vec<(&'static str, Vec<u8>)>,
    /// Form fields, in order (encoded when the case is built).
    pub form: Vec<(String, String)>,
    pub format: Format,
}

/// How the body's length is declared.
#[derive(Clone, Debug, PartialEq)]
pub enum Framing {
    /// `Content-Length` with the true length (none for an empty body on a GET).
    Exact,
    /// No length at all, whatever the body.
    Omitted,
    /// `Content-Length` lines exactly as given, in order.
    Declared(Vec<String>),
    /// `Transfer-Encoding: chunked`, with well-formed chunks or not.
    Chunked { well_formed: bool },
    /// Both `Transfer-Encoding: chunked` and a `Content-Length`.
    ChunkedAndLength,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Delivery {
    AtOnce,
    /// In `pieces` writes with `pause_ms` between, as a slow link would deliver it.
    Trickle {
        pieces: usize,
        pause_ms: u64,
    },
}

/// One generated request and what the checks may accept for it.
#[derive(Clone, Debug)]
pub struct Case {
    pub endpoint: &'static str,
    pub format: Format,
    pub method: Vec<u8>,
    pub target: Vec<u8>,
    pub version: Vec<u8>,
    pub headers: Vec<(Vec<u8>, Vec<u8>)>,
    pub body: Vec<u8>,
    pub framing: Framing,
    pub delivery: Delivery,
    /// After the request, the write half is closed: the server sees the end of the stream.
    pub half_close: bool,
    /// The mutations applied, by name, for the report.
    pub mutations: Vec<&'static str>,
    /// Not valid HTTP/1.1: the HTTP layer may refuse it with a bare 4xx before any endpoint.
    pub broken_http: bool,
    /// Oversized or cut short: the server may close instead of answering.
    pub may_close: bool,
}

/// Live values the mutations splice into a request in place of its own: another client's
/// credentials, tokens and a browser's cookie and form token that are not the baseline's.
pub struct Material {
    pub access_token: String,
    pub id_token: String,
    pub refresh_token: String,
    pub tv_conf_secret: String,
    /// A browser nobody signed in on: its cookie and form token.
    pub anonymous: (String, String),
    /// Another person's signed-in browser: its cookie and form token.
    pub signed_in: (String, String),
    pub cookie_name: String,
}

fn encode_form(form: &[(String, String)]) -> Vec<u8> {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in form {
        out.append_pair(name, value);
    }
    out.finish().into_bytes()
}

impl Case {
    pub fn from(baseline: &Baseline) -> Case {
        Case {
            endpoint: baseline.endpoint,
            format: baseline.format,
            method: baseline.method.as_bytes().to_vec(),
            target: baseline.target.as_bytes().to_vec(),
            version: b"HTTP/1.1".to_vec(),
            headers: std::iter::once(("Host".as_bytes().to_vec(), b"authbox.test".to_vec()))
                .chain(
                    baseline
                        .headers
                        .iter()
                        .map(|(n, v)| (n.as_bytes().to_vec(), v.clone())),
                )
                .collect(),
            body: encode_form(&baseline.form),
            framing: Framing::Exact,
            delivery: Delivery::AtOnce,
            half_close: false,
            mutations: Vec::new(),
            broken_http: false,
            may_close: false,
        }
    }

    pub fn is_head(&self) -> bool {
        self.method == b"HEAD"
    }

    /// The last `Accept` header, as the server would read it.
    pub fn accepts_html(&self) -> bool {
        self.header("accept")
            .and_then(|v| std::str::from_utf8(v).ok())
            .is_some_and(|v| v.contains("text/html"))
    }

    pub fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name.as_bytes()))
            .map(|(_, v)| v.as_slice())
    }

    /// Safe to send on a connection that carries other requests before and after.
    pub fn keeps_connection(&self) -> bool {
        self.framing == Framing::Exact
            && !self.half_close
            && self.version == b"HTTP/1.1"
            && !self.broken_http
            && !self.may_close
    }

    fn set_header(&mut self, name: &str, value: Vec<u8>) {
        self.remove_header(name);
        self.headers.push((name.as_bytes().to_vec(), value));
    }

    fn remove_header(&mut self, name: &str) {
        self.headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case(name.as_bytes()));
    }

    /// The bytes of the request line and the headers.
    pub fn head_len(&self) -> usize {
        let headers: usize = self
            .headers
            .iter()
            .map(|(n, v)| n.len() + v.len() + 4)
            .sum();
        self.method.len() + self.target.len() + self.version.len() + headers + 4
    }

    /// The request as bytes on the wire.
    pub fn bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.body.len() + 512);
        out.extend_from_slice(&self.method);
        out.push(b' ');
        out.extend_from_slice(&self.target);
        if !self.version.is_empty() {
            out.push(b' ');
            out.extend_from_slice(&self.version);
        }
        out.extend_from_slice(b"\r\n");
        for (name, value) in &self.headers {
            out.extend_from_slice(name);
            out.extend_from_slice(b": ");
            out.extend_from_slice(value);
            out.extend_from_slice(b"\r\n");
        }
        let chunked = |well_formed: bool| {
            let mut body = Vec::new();
            for chunk in self.body.chunks(700) {
                if well_formed {
                    body.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
                } else {
                    body.extend_from_slice(b"zz;\r\n");
                }
                body.extend_from_slice(chunk);
                body.extend_from_slice(b"\r\n");
            }
            if well_formed {
                body.extend_from_slice(b"0\r\n\r\n");
            }
            body
        };
        let body = match &self.framing {
            Framing::Exact => {
                if !self.body.is_empty() || self.method == b"POST" {
                    out.extend_from_slice(
                        format!("Content-Length: {}\r\n", self.body.len()).as_bytes(),
                    );
                }
                self.body.clone()
            }
            Framing::Omitted => self.body.clone(),
            Framing::Declared(values) => {
                for value in values {
                    out.extend_from_slice(format!("Content-Length: {value}\r\n").as_bytes());
                }
                self.body.clone()
            }
            Framing::Chunked { well_formed } => {
                out.extend_from_slice(b"Transfer-Encoding: chunked\r\n");
                chunked(*well_formed)
            }
            Framing::ChunkedAndLength => {
                out.extend_from_slice(b"Transfer-Encoding: chunked\r\n");
                out.extend_from_slice(
                    format!("Content-Length: {}\r\n", self.body.len()).as_bytes(),
                );
                chunked(true)
            }
        };
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&body);
        out
    }

    /// A short description for a failure report: mutations, request line, and the head.
    pub fn describe(&self) -> String {
        let wire = self.bytes();
        let shown = &wire[..wire.len().min(600)];
        format!(
            "{} [{}] {:?}{}",
            self.endpoint,
            self.mutations.join(", "),
            String::from_utf8_lossy(shown),
            if wire.len() > 600 {
                format!(" … ({} bytes)", wire.len())
            } else {
                String::new()
            }
        )
    }
}

/// Case `index` of the run seeded `seed`: `baseline` with one to three mutations.
pub fn mutated(seed: u64, index: u64, baseline: &Baseline, m: &Material) -> Case {
    let mut rng = Rng::for_case(seed, index);
    let mut case = Case::from(baseline);
    // Mostly one mutation, so each is seen on its own; sometimes two or three together.
    let count = match rng.below(10) {
        0..=5 => 1,
        6..=8 => 2,
        _ => 3,
    };
    for _ in 0..count {
        mutations::mutate(&mut rng, &mut case, m);
    }
    // Chunked transfer coding is HTTP/1.1's (RFC 9112 §7.1).
    if case.version != b"HTTP/1.1"
        && matches!(
            case.framing,
            Framing::Chunked { .. } | Framing::ChunkedAndLength
        )
    {
        case.broken_http = true;
    }
    // Big mutations together can pass the HTTP layer's limit on a head (128 KiB; then 431).
    if case.head_len() > 120 * 1024 {
        case.broken_http = true;
    }
    case
}
