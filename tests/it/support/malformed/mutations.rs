//! The ways a request gets broken, each a small function over a [`Case`].

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::{Case, Delivery, Framing, Material, Rng, basic};

/// The mutations, each with its weight: how often it is drawn relative to the others.
const MUTATIONS: &[(&str, u64)] = &[
    ("method", 6),
    ("path", 8),
    ("query", 6),
    ("version", 3),
    ("content-type", 8),
    ("accept", 3),
    ("basic", 7),
    ("bearer", 5),
    ("authorization", 2),
    ("cookie", 5),
    ("form-token", 5),
    ("origin", 3),
    ("host", 2),
    ("odd-header", 5),
    ("many-headers", 1),
    ("huge-header", 1),
    ("invalid-utf8", 6),
    ("bad-escape", 6),
    ("repeated-param", 5),
    ("empty-param", 4),
    ("dropped-param", 3),
    ("unknown-param", 2),
    ("huge-param", 3),
    ("near-limit", 2),
    ("many-params", 1),
    ("odd-names", 4),
    ("separators", 2),
    ("random-body", 3),
    ("json-body", 1),
    ("length", 5),
    ("chunked", 3),
    ("oversized-body", 1),
    ("trickle", 1),
    ("split-head", 1),
    ("expect-continue", 1),
];

pub(super) fn mutate(rng: &mut Rng, case: &mut Case, m: &Material) {
    let total: u64 = MUTATIONS.iter().map(|(_, w)| w).sum();
    let mut roll = rng.next() % total;
    let name = MUTATIONS
        .iter()
        .find(|(_, w)| {
            if roll < *w {
                true
            } else {
                roll -= w;
                false
            }
        })
        .map_or("method", |(name, _)| name);
    case.mutations.push(name);
    match name {
        "method" => method(rng, case),
        "path" => path(rng, case),
        "query" => query(rng, case),
        "version" => version(rng, case),
        "content-type" => content_type(rng, case),
        "accept" => accept(rng, case),
        "basic" => broken_basic(rng, case, m),
        "bearer" => broken_bearer(rng, case, m),
        "authorization" => other_authorization(rng, case, m),
        "cookie" => cookie(rng, case, m),
        "form-token" => form_token(rng, case, m),
        "origin" => origin(rng, case),
        "host" => host(rng, case),
        "odd-header" => odd_header(rng, case),
        "many-headers" => {
            let n = 60 + rng.below(80);
            for i in 0..n {
                case.headers
                    .push((format!("X-Filler-{i}").into_bytes(), b"x".to_vec()));
            }
            // More than the HTTP layer parses (96) is refused there.
            case.broken_http = true;
        }
        "huge-header" => {
            let size = *rng.pick(&[8 * 1024, 64 * 1024, 100 * 1024, 140 * 1024]);
            case.headers.push((b"X-Huge".to_vec(), vec![b'h'; size]));
            case.broken_http |= size > 64 * 1024;
        }
        "invalid-utf8" => splice(
            rng,
            case,
            &[
                &[0xFF],
                &[0xC3, 0x28],
                &[0xED, 0xA0, 0x80],
                &[0xC0, 0xAF],
                &[0xF8, 0x88, 0x80, 0x80],
            ],
        ),
        "bad-escape" => splice(
            rng,
            case,
            &[
                b"%",
                b"%Z",
                b"%ZZ",
                b"%F",
                b"%FF",
                b"%C3%28",
                b"%00",
                b"%ED%A0%80",
                b"%%",
                b"%2",
            ],
        ),
        "repeated-param" => repeat_param(rng, case),
        "empty-param" => edit_param(rng, case, |_, _| Some(String::new())),
        "dropped-param" => edit_param(rng, case, |_, _| None),
        "unknown-param" => append(case, b"&foo=bar&=&x"),
        "huge-param" => {
            let size = *rng.pick(&[5_000, 17_000, 100_000]);
            edit_param(rng, case, |_, _| Some("A".repeat(size)));
            // Past the body limit the server answers 413 and stops reading; it may close
            // before the client has read the answer.
            case.may_close |= size > 16 * 1024;
        }
        "near-limit" => {
            let target = 16 * 1024 - 2 + rng.below(5);
            let padding = target.saturating_sub(case.body.len() + 5);
            append(case, format!("&pad={}", "p".repeat(padding)).as_bytes());
        }
        "many-params" => {
            let n = 500 + rng.below(1500);
            let extra: String = (0..n).map(|i| format!("&p{i}=1")).collect();
            append(case, extra.as_bytes());
        }
        "odd-names" => {
            let name: &[u8] = rng.pick::<&[u8]>(&[
                b"a\"b".as_slice(),
                b"back\\slash",
                b"%22quoted%22",
                b"sp ace",
                b"%C3%A9t%C3%A9",
                b"<b>probe</b>",
                b"%3Cb%3Eprobe%3C%2Fb%3E",
                b"tab%09name",
                b"nul%00name",
            ]);
            let mut pair = name.to_vec();
            pair.extend_from_slice(b"=1&");
            pair.extend_from_slice(name);
            pair.extend_from_slice(b"=2");
            if rng.chance(50) {
                // Also as a scope, which the server may quote back.
                pair.extend_from_slice(b"&scope=");
                pair.extend_from_slice(name);
            }
            let mut body = pair;
            body.push(b'&');
            body.extend_from_slice(&case.body);
            case.body = body;
        }
        "separators" => {
            case.body = rng
                .pick(&[
                    b"&&&".as_slice(),
                    b"=&=",
                    b"===",
                    b"&",
                    b"+",
                    b"=",
                    b"a",
                    b"&=&=&",
                ])
                .to_vec()
        }
        "random-body" => {
            let n = rng.below(600);
            case.body = rng.bytes(n);
        }
        "json-body" => {
            case.body = br#"{"client_id":"tv-public","grant_type":"client_credentials"}"#.to_vec();
        }
        "length" => lying_length(rng, case),
        "chunked" => chunked(rng, case),
        "oversized-body" => {
            let size = *rng.pick(&[200 * 1024, 1024 * 1024]);
            case.body = vec![b'a'; size];
            case.may_close = true;
        }
        // At most a hundred pieces, so a trickled case stays under a fifth of a second.
        "trickle" => {
            case.delivery = Delivery::Trickle {
                pieces: 20 + rng.below(80),
                pause_ms: 1 + rng.below(2) as u64,
            }
        }
        "split-head" => {
            case.delivery = Delivery::Trickle {
                pieces: 2,
                pause_ms: 20,
            }
        }
        "expect-continue" => case.set_header("Expect", b"100-continue".to_vec()),
        _ => unreachable!("unknown mutation {name}"),
    }
}

fn method(rng: &mut Rng, case: &mut Case) {
    let (method, broken): (&[u8], bool) = *rng.pick(&[
        (b"GET".as_slice(), false),
        (b"POST", false),
        (b"PUT", false),
        (b"DELETE", false),
        (b"PATCH", false),
        (b"OPTIONS", false),
        (b"HEAD", false),
        (b"TRACE", false),
        (b"PROPFIND", false),
        (b"get", false),
        (b"X-NOT-A-METHOD", false),
        (b"G ET", true),
        (b"", true),
        (b"GE\x00T", true),
        (b"\xC3\xA9", true),
        (b"CONNECT", true),
    ]);
    case.method = method.to_vec();
    case.broken_http |= broken;
}

fn path(rng: &mut Rng, case: &mut Case) {
    let target = String::from_utf8_lossy(&case.target).into_owned();
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_owned(), format!("?{q}")),
        None => (target.clone(), String::new()),
    };
    let first = path.chars().nth(1).unwrap_or('x');
    let (new_path, broken): (Vec<u8>, bool) = match rng.below(14) {
        0 => (format!("/{path}").into_bytes(), false),
        1 => (format!("{path}/").into_bytes(), false),
        2 => (path.to_uppercase().into_bytes(), false),
        3 => (
            format!("/%{:02X}{}", first as u32, &path[2.min(path.len())..]).into_bytes(),
            false,
        ),
        4 => (format!("/./{}", &path[1..]).into_bytes(), false),
        5 => (format!("/x/..{path}").into_bytes(), false),
        6 => (format!("/%2e%2e{path}").into_bytes(), false),
        7 => (
            format!("/{}", path[1..].replace('/', "%2F")).into_bytes(),
            false,
        ),
        8 => (format!("{path}%00").into_bytes(), false),
        9 => {
            let size = *rng.pick(&[2_000, 8_000, 60_000, 140_000]);
            (
                format!("{path}/{}", "l".repeat(size)).into_bytes(),
                size > 60_000,
            )
        }
        10 => {
            let mut raw = path.into_bytes();
            raw.extend_from_slice(rng.pick::<&[u8]>(&[
                b"\x00".as_slice(),
                b"\xFF",
                b"\xC3\xA9",
                b" x",
                b"\x7F",
            ]));
            (raw, true)
        }
        11 => (format!("http://authbox.test{path}").into_bytes(), false),
        // The asterisk form is for server-wide OPTIONS only (RFC 9112 §3.2.4).
        12 => (b"*".to_vec(), true),
        _ => (format!("{path}#fragment").into_bytes(), true),
    };
    let mut target = new_path;
    target.extend_from_slice(query.as_bytes());
    case.target = target;
    case.broken_http |= broken;
}

fn query(rng: &mut Rng, case: &mut Case) {
    let extra: Vec<u8> = match rng.below(10) {
        0 => b"x=1".to_vec(),
        1 => b"client_secret=S3cret".to_vec(),
        2 => b"user_code=%FF%FE".to_vec(),
        3 => b"user_code=%".to_vec(),
        4 => b"user_code=a&user_code=b".to_vec(),
        5 => b"&&&=&".to_vec(),
        6 => format!("user_code={}", "Q".repeat(*rng.pick(&[1_000, 50_000]))).into_bytes(),
        7 => b"access_token=abc".to_vec(),
        8 => b"client_id=%3Cb%3Eprobe%3C%2Fb%3E&state=%22%5C".to_vec(),
        _ => b"".to_vec(),
    };
    let separator: &[u8] = if case.target.contains(&b'?') {
        b"&"
    } else {
        b"?"
    };
    case.target.extend_from_slice(separator);
    case.target.extend_from_slice(&extra);
}

fn version(rng: &mut Rng, case: &mut Case) {
    let (version, broken): (&[u8], bool) = *rng.pick(&[
        (b"HTTP/1.0".as_slice(), false),
        (b"HTTP/1.2", true),
        (b"HTTP/2.0", true),
        (b"HTTP/0.9", true),
        (b"HTTP/1", true),
        (b"http/1.1", true),
        (b"", true),
        (b"HTTP/1.1 extra", true),
    ]);
    case.version = version.to_vec();
    case.broken_http |= broken;
}

fn content_type(rng: &mut Rng, case: &mut Case) {
    let choice = rng.below(16);
    if choice == 0 {
        case.remove_header("Content-Type");
        return;
    }
    let value: Vec<u8> = match choice {
        1 => b"application/json".to_vec(),
        2 => b"text/plain".to_vec(),
        3 => b"multipart/form-data; boundary=x".to_vec(),
        4 => b"application/x-www-form-urlencoded; charset=ISO-8859-1".to_vec(),
        5 => b"application/x-www-form-urlencoded; charset=utf-16".to_vec(),
        6 => b"application/x-www-form-urlencoded; charset=\"utf-8\"".to_vec(),
        7 => b"APPLICATION/X-WWW-FORM-URLENCODED;CHARSET=UTF-8".to_vec(),
        8 => b"application/x-www-form-urlencoded; charset".to_vec(),
        9 => b";;;".to_vec(),
        10 => Vec::new(),
        11 => b"application/x-www-form-urlencoded; charset=\xFF\xFE".to_vec(),
        12 => format!(
            "application/x-www-form-urlencoded; x={}",
            "y".repeat(10_000)
        )
        .into_bytes(),
        13 => b"application/x-www-form-urlencoded; charset=shift_jis".to_vec(),
        14 => b"application/x-www-form-urlencodedx".to_vec(),
        _ => {
            // Two Content-Type headers that disagree.
            case.headers
                .push((b"Content-Type".to_vec(), b"text/plain".to_vec()));
            return;
        }
    };
    case.set_header("Content-Type", value);
}

fn accept(rng: &mut Rng, case: &mut Case) {
    let value: &[u8] = rng.pick::<&[u8]>(&[
        b"text/html".as_slice(),
        b"*/*",
        b"application/json",
        b"",
        b"\xFF\xFEtext/html",
        b"text/html;q=0, application/json",
        b";;;,,,",
    ]);
    if rng.chance(15) {
        case.remove_header("Accept");
    } else {
        case.set_header("Accept", value.to_vec());
    }
}

fn broken_basic(rng: &mut Rng, case: &mut Case, m: &Material) {
    let good = STANDARD.encode(format!("tv-conf:{}", m.tv_conf_secret));
    let value: Vec<u8> = match rng.below(16) {
        0 => b"Basic".to_vec(),
        1 => b"Basic ".to_vec(),
        2 => b"Basic !!!".to_vec(),
        3 => format!("Basic {}", STANDARD.encode("no-colon")).into_bytes(),
        4 => format!("Basic {}", STANDARD.encode(":")).into_bytes(),
        5 => format!("Basic {}", STANDARD.encode(":secret")).into_bytes(),
        6 => format!("Basic {}", STANDARD.encode([0xFF, 0xFE, b':', 0xC3, 0x28])).into_bytes(),
        7 => format!("Basic {}", STANDARD.encode("%ZZ:%")).into_bytes(),
        8 => format!("Basic {}", STANDARD.encode("tv-conf:%FF")).into_bytes(),
        9 => format!("Basic {}", "QUFB".repeat(*rng.pick(&[2_000, 20_000]))).into_bytes(),
        10 => format!("basic {good}").into_bytes(),
        11 => format!("Basic   {good}   ").into_bytes(),
        12 => format!("Basic {good}====").into_bytes(),
        13 => format!("Basic {}", &good[..good.len() - 3]).into_bytes(),
        14 => b"Basic \xFF\xFE".to_vec(),
        _ => format!("Basic {}", STANDARD.encode("tv-conf:wrong")).into_bytes(),
    };
    case.set_header("Authorization", value);
}

fn broken_bearer(rng: &mut Rng, case: &mut Case, m: &Material) {
    let mut flipped = m.access_token.clone().into_bytes();
    let at = rng.below(flipped.len());
    flipped[at] = if flipped[at] == b'A' { b'B' } else { b'A' };
    let value: Vec<u8> = match rng.below(12) {
        0 => b"Bearer".to_vec(),
        1 => b"Bearer ".to_vec(),
        2 => b"Bearer a b c".to_vec(),
        3 => format!("Bearer {}", "t".repeat(*rng.pick(&[1_000, 30_000]))).into_bytes(),
        4 => [b"Bearer ".as_slice(), &flipped].concat(),
        5 => format!("Bearer {}", m.id_token).into_bytes(),
        6 => b"Bearer \xFF\xFE\xFD".to_vec(),
        7 => format!("bearer {}", m.access_token).into_bytes(),
        8 => format!("Bearer {}.extra", m.access_token).into_bytes(),
        9 => b"Bearer ....".to_vec(),
        10 => b"Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.".to_vec(),
        _ => format!("Bearer {}", m.refresh_token).into_bytes(),
    };
    case.set_header("Authorization", value);
}

fn other_authorization(rng: &mut Rng, case: &mut Case, m: &Material) {
    match rng.below(3) {
        0 => case.set_header("Authorization", b"Digest username=\"x\"".to_vec()),
        1 => case.set_header("Authorization", b"X".to_vec()),
        _ => {
            // Two Authorization headers.
            case.headers.push((
                b"Authorization".to_vec(),
                basic("tv-conf", &m.tv_conf_secret),
            ));
            case.headers.push((
                b"Authorization".to_vec(),
                format!("Bearer {}", m.access_token).into_bytes(),
            ));
        }
    }
}

fn cookie(rng: &mut Rng, case: &mut Case, m: &Material) {
    let name = &m.cookie_name;
    let value: Vec<u8> = match rng.below(12) {
        0 => {
            case.remove_header("Cookie");
            return;
        }
        1 => format!("{name}={}", "c".repeat(*rng.pick(&[100, 8_000, 60_000]))).into_bytes(),
        2 => b";;;".to_vec(),
        3 => b"=".to_vec(),
        4 => name.clone().into_bytes(),
        5 => format!("{name}=%FF%00").into_bytes(),
        6 => [format!("{name}=").as_bytes(), b"\xFF\xFE"].concat(),
        7 => (0..200)
            .map(|i| format!("c{i}=v"))
            .collect::<Vec<_>>()
            .join("; ")
            .into_bytes(),
        8 => format!("{name}={}; {name}={}", m.anonymous.0, m.signed_in.0).into_bytes(),
        9 => format!("{name}=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").into_bytes(),
        10 => format!("{name}={}", m.signed_in.0).into_bytes(),
        _ => format!("{name}={}", m.anonymous.0).into_bytes(),
    };
    if rng.chance(10) {
        case.headers.push((b"Cookie".to_vec(), value));
    } else {
        case.set_header("Cookie", value);
    }
}

fn form_token(rng: &mut Rng, case: &mut Case, m: &Material) {
    let other = if rng.chance(50) {
        m.signed_in.1.clone()
    } else {
        m.anonymous.1.clone()
    };
    let replacement = match rng.below(5) {
        0 => None,
        1 => Some(String::new()),
        2 => Some(other),
        3 => Some("x".repeat(*rng.pick(&[43, 10_000]))),
        _ => Some("%FF".to_owned()),
    };
    let form = String::from_utf8_lossy(&case.body).into_owned();
    let mut kept: Vec<String> = form
        .split('&')
        .filter(|p| !p.starts_with("csrf_token="))
        .map(str::to_owned)
        .collect();
    if let Some(token) = replacement {
        kept.push(format!("csrf_token={token}"));
    }
    case.body = kept.join("&").into_bytes();
}

fn origin(rng: &mut Rng, case: &mut Case) {
    match rng.below(7) {
        0 => case.set_header("Origin", b"https://evil.test".to_vec()),
        1 => case.set_header("Origin", b"null".to_vec()),
        2 => case.set_header("Origin", Vec::new()),
        3 => case.set_header("Origin", b"\xFF://\xFE".to_vec()),
        4 => case.set_header("Sec-Fetch-Site", b"cross-site".to_vec()),
        5 => case
            .headers
            .push((b"Origin".to_vec(), b"https://evil.test".to_vec())),
        _ => case.remove_header("Origin"),
    }
}

/// HTTP/1.1 requires exactly one Host (RFC 9112 §3.2): the HTTP layer may refuse the rest.
fn host(rng: &mut Rng, case: &mut Case) {
    case.broken_http = true;
    match rng.below(5) {
        0 => case.remove_header("Host"),
        1 => case.set_header("Host", Vec::new()),
        2 => case.set_header("Host", "h".repeat(10_000).into_bytes()),
        3 => case.headers.push((b"Host".to_vec(), b"evil.test".to_vec())),
        _ => case.set_header("Host", b"\xFF\xFE".to_vec()),
    }
}

fn odd_header(rng: &mut Rng, case: &mut Case) {
    let (name, value, broken): (&[u8], &[u8], bool) = *rng.pick(&[
        (
            b"X-Forwarded-For".as_slice(),
            b"not-an-address, ::1, 999.1.1.1".as_slice(),
            false,
        ),
        (b"X-Forwarded-For", b"\xFF\xFE", false),
        (b"Connection", b"close", false),
        (b"Connection", b"keep-alive, Upgrade", false),
        (b"Upgrade", b"websocket", false),
        (b"Content-Encoding", b"gzip", false),
        (b"Accept-Encoding", b"gzip, br, zstd, *;q=0", false),
        (b"X-Nul", b"a\x00b", true),
        (b"Bad Header", b"x", true),
        (b"", b"empty-name", true),
        (b"X-Folded", b"first\r\n second", true),
        (b"X-Bare-CR", b"a\rb", true),
        (b"Range", b"bytes=0-1", false),
    ]);
    case.headers.push((name.to_vec(), value.to_vec()));
    case.broken_http |= broken;
    if name == b"Content-Encoding" {
        // A body said to be gzip that is not may be refused before any handler reads it.
        case.broken_http = true;
    }
}

/// Inserts one of `pieces` at a random place in the body (or the query when there is no body).
fn splice(rng: &mut Rng, case: &mut Case, pieces: &[&[u8]]) {
    let piece = *rng.pick(pieces);
    if case.body.is_empty() {
        if let Some(q) = case.target.iter().position(|b| *b == b'?') {
            let at = q + 1 + rng.below(case.target.len() - q);
            case.target.splice(at..at, piece.iter().copied());
            // Raw bytes above 0x7F in a request line are not HTTP.
            case.broken_http |= piece.iter().any(|b| *b >= 0x80);
            return;
        }
        case.body = b"a=".to_vec();
    }
    let at = rng.below(case.body.len() + 1);
    case.body.splice(at..at, piece.iter().copied());
}

fn append(case: &mut Case, extra: &[u8]) {
    case.body.extend_from_slice(extra);
}

fn pairs(case: &Case) -> Vec<(String, String)> {
    String::from_utf8_lossy(&case.body)
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (n, v) = p.split_once('=').unwrap_or((p, ""));
            (n.to_owned(), v.to_owned())
        })
        .collect()
}

fn edit_param(rng: &mut Rng, case: &mut Case, edit: impl Fn(&str, &str) -> Option<String>) {
    let mut list = pairs(case);
    if list.is_empty() {
        list.push(("client_id".into(), "tv-public".into()));
    }
    let at = rng.below(list.len());
    let (name, value) = list[at].clone();
    match edit(&name, &value) {
        Some(value) => list[at].1 = value,
        None => {
            list.remove(at);
        }
    }
    case.body = list
        .iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes();
}

fn repeat_param(rng: &mut Rng, case: &mut Case) {
    let list = pairs(case);
    let (name, value) = if list.is_empty() {
        ("client_id".to_owned(), "tv-public".to_owned())
    } else {
        list[rng.below(list.len())].clone()
    };
    let again = if rng.chance(50) {
        value
    } else {
        "other".into()
    };
    append(case, format!("&{name}={again}").as_bytes());
}

fn lying_length(rng: &mut Rng, case: &mut Case) {
    let len = case.body.len();
    case.framing = match rng.below(9) {
        0 => Framing::Omitted,
        1 => Framing::Declared(vec![(len + 1 + rng.below(50)).to_string()]),
        2 => Framing::Declared(vec![len.saturating_sub(1 + rng.below(5)).to_string()]),
        3 => Framing::Declared(vec!["abc".into()]),
        4 => Framing::Declared(vec!["-1".into()]),
        5 => Framing::Declared(vec!["99999999999999999999999".into()]),
        6 => Framing::Declared(vec!["1000000000".into()]),
        7 => Framing::Declared(vec![len.to_string(), (len + 1).to_string()]),
        _ => Framing::Declared(vec![len.to_string(), len.to_string()]),
    };
    // A length longer than what follows: the server waits for more, so the write half is closed
    // to show that no more is coming.
    case.half_close = true;
    case.broken_http = true;
    case.may_close = true;
}

fn chunked(rng: &mut Rng, case: &mut Case) {
    case.framing = match rng.below(3) {
        0 => Framing::Chunked { well_formed: true },
        1 => {
            case.broken_http = true;
            case.may_close = true;
            case.half_close = true;
            Framing::Chunked { well_formed: false }
        }
        _ => {
            case.broken_http = true;
            Framing::ChunkedAndLength
        }
    };
}
