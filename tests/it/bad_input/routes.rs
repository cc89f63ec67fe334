//! Every route, with a valid request it accepts (made afresh for each case where accepting
//! spends it), what "accepted" looks like there, the statuses a mutated request may get, and
//! what must hold afterwards in what the server keeps.

use crate::support::malformed::{Baseline, Case, Format, Framing, basic};
use crate::support::oauth::enc;
use crate::support::raw::Answer;
use crate::support::web::{CALLBACK, VERIFIER, WEB_APP};

use super::live::{Live, Session};
use super::wire::send_plain;

const FORM: &[u8] = b"application/x-www-form-urlencoded";
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// Statuses any route may answer a mutated request with: the HTTP layer's refusals of what is
/// not HTTP or too big (400, 413, 414, 431, 505), and no route for a changed path or method
/// (404, 405).
pub const ANY_ROUTE: &[u16] = &[400, 404, 405, 413, 414, 431, 505];

/// Which listener a route is on.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Listener {
    Main,
    Metrics,
}

/// What a case's answer said about the request the baseline asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Took {
    /// The route did what the baseline asks.
    Accepted,
    /// Answered, and not that.
    Refused,
    /// Closed unanswered: either may have happened.
    Unknown,
}

/// What the check after a case sees.
pub struct Seen<'c> {
    pub took: Took,
    pub answer: Option<&'c Answer>,
    pub case: &'c Case,
}

/// A check of what the server keeps, after a case; `Err` says what is wrong.
pub type After<'l> = Box<dyn FnOnce(&Seen) -> Result<(), String> + 'l>;

/// A baseline for one case, and what must hold after the case.
pub struct Prepared<'l> {
    pub baseline: Baseline,
    pub after: Option<After<'l>>,
}

pub struct Route {
    pub name: &'static str,
    pub listener: Listener,
    /// Statuses a mutated request may get here, besides [`ANY_ROUTE`].
    pub allowed: &'static [u16],
    /// The route reads what a request carries (parameters, credentials, a form), so a share of
    /// mutations must be refused by the route itself, in its own format.
    pub takes_input: bool,
    /// Whether an answer says the route did what the baseline asks.
    pub accepted: fn(&Answer) -> bool,
    pub prepare: for<'l> fn(&'l Live<'l>) -> Prepared<'l>,
}

pub fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect()
}

fn get(endpoint: &'static str, target: &str, format: Format) -> Baseline {
    Baseline {
        endpoint,
        method: "GET",
        target: target.to_owned(),
        headers: vec![("Accept", b"application/json".to_vec())],
        form: Vec::new(),
        format,
    }
}

fn oauth(endpoint: &'static str, form: &[(&str, &str)], auth: Option<Vec<u8>>) -> Baseline {
    let mut headers = vec![("Content-Type", FORM.to_vec())];
    headers.extend(auth.map(|auth| ("Authorization", auth)));
    Baseline {
        endpoint,
        method: "POST",
        target: endpoint.to_owned(),
        headers,
        form: fields(form),
        format: Format::OAuth,
    }
}

/// A page request from `session`'s browser; a POST carries its form token and our origin.
pub fn page(
    live: &Live,
    endpoint: &'static str,
    method: &'static str,
    target: String,
    session: Option<&Session>,
    form: &[(&str, &str)],
) -> Baseline {
    let mut headers = vec![(
        "Accept",
        b"text/html,application/xhtml+xml,*/*;q=0.8".to_vec(),
    )];
    let mut form = fields(form);
    if let Some(session) = session {
        headers.push((
            "Cookie",
            format!("authbox_session={}", session.cookie).into_bytes(),
        ));
    }
    if method == "POST" {
        headers.push(("Content-Type", FORM.to_vec()));
        headers.push(("Origin", live.origin.clone().into_bytes()));
        if let Some(session) = session {
            form.push(("csrf_token".into(), session.token.clone()));
        }
    }
    Baseline {
        endpoint,
        method,
        target,
        headers,
        form,
        format: Format::Page,
    }
}

pub fn shared(baseline: Baseline) -> Prepared<'static> {
    Prepared {
        baseline,
        after: None,
    }
}

pub fn says(answer: &Answer, text: &str) -> bool {
    answer.text().contains(text)
}

pub fn ok(answer: &Answer) -> bool {
    answer.status == 200
}

fn not_found(answer: &Answer) -> bool {
    answer.status == 404
}

/// A single-use request: the unmutated request sent after the case must be accepted exactly
/// when the mutated one was not (refused: it changed nothing; accepted: it spent the code,
/// token or decision once), and may go either way when the case's answer was lost.
pub fn spent_once<'l>(
    live: &'l Live<'l>,
    baseline: Baseline,
    accepted: fn(&Answer) -> bool,
) -> After<'l> {
    Box::new(move |seen: &Seen| {
        let again = send_plain(live.addr, &baseline);
        match (seen.took, accepted(&again)) {
            (Took::Accepted, true) => Err(format!(
                "used twice: the mutated request was accepted, then the request itself was too ({})",
                again.status
            )),
            (Took::Refused, false) => Err(format!(
                "a refused mutation spent it: the request itself then got {} {:?}",
                again.status,
                again.text().chars().take(200).collect::<String>()
            )),
            (_, false) if !(400..500).contains(&again.status) => Err(format!(
                "used already, yet answered {} rather than refused",
                again.status
            )),
            _ => Ok(()),
        }
    })
}

/// Whether `case` still carries the baseline's header `name: value` alone, unchanged.
pub fn carries_header(case: &Case, name: &str, value: &[u8]) -> bool {
    let mut values = case
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name.as_bytes()));
    values.next().is_some_and(|(_, v)| v == value) && values.next().is_none()
}

/// Whether `case`'s body, framed as sent, still carries `name=value` exactly once, unchanged.
pub fn carries_pair(case: &Case, name: &str, value: &str) -> bool {
    let framed = matches!(
        case.framing,
        Framing::Exact | Framing::Chunked { well_formed: true }
    );
    let pair = format!("{}={}", enc(name), enc(value));
    let body = String::from_utf8_lossy(&case.body);
    let named: Vec<&str> = body
        .split('&')
        .filter(|p| p.split('=').next() == Some(name))
        .collect();
    framed && named == [pair.as_str()]
}

fn device_authorization_issued(answer: &Answer) -> bool {
    answer.status == 200 && says(answer, "\"device_code\"")
}

fn tokens_issued(answer: &Answer) -> bool {
    answer.status == 200 && says(answer, "\"access_token\"")
}

/// After an accepted device authorization: the code it handed out is live and pending, so a
/// signed-in person who types it is asked to consent. (Which client it was issued to is the
/// mutation's business: a case may carry another client's good credentials.)
fn awaits_consent<'l>(live: &'l Live<'l>) -> After<'l> {
    Box::new(move |seen: &Seen| {
        let Some(answer) = seen.answer.filter(|_| seen.took == Took::Accepted) else {
            return Ok(());
        };
        let body: serde_json::Value =
            serde_json::from_slice(&answer.body).map_err(|e| e.to_string())?;
        let user_code = body["user_code"].as_str().ok_or("no user_code")?;
        let page = live.enter_code(user_code);
        match (page.status, says(&page, "You are signing in on a device")) {
            (200, true) => Ok(()),
            _ => Err(format!(
                "its user code then got {} rather than consent",
                page.status
            )),
        }
    })
}

/// A JSON document, the stylesheet or `/metrics`: read-only, answered 200.
fn document(
    name: &'static str,
    listener: Listener,
    prepare: for<'l> fn(&'l Live<'l>) -> Prepared<'l>,
) -> Route {
    Route {
        name,
        listener,
        allowed: &[200],
        takes_input: false,
        accepted: ok,
        prepare,
    }
}

/// A path that is no route: its baseline is answered 404, as no route, and so is every
/// mutation that the HTTP layer lets through.
fn unrouted(
    name: &'static str,
    listener: Listener,
    prepare: for<'l> fn(&'l Live<'l>) -> Prepared<'l>,
) -> Route {
    Route {
        name,
        listener,
        allowed: &[],
        takes_input: false,
        accepted: not_found,
        prepare,
    }
}

/// Every route of `src/http/mod.rs`, the metrics listener's two, and three targets that are
/// no route.
pub fn routes() -> Vec<Route> {
    let (main, metrics) = (Listener::Main, Listener::Metrics);
    let mut all = vec![
        document("GET /healthz", main, |_| {
            shared(get("/healthz", "/healthz", Format::Document))
        }),
        document("GET /jwks", main, |_| {
            shared(get("/jwks", "/jwks", Format::Document))
        }),
        document("GET /.well-known/openid-configuration", main, |_| {
            let path = "/.well-known/openid-configuration";
            shared(get(path, path, Format::Document))
        }),
        document("GET /.well-known/oauth-authorization-server", main, |_| {
            let path = "/.well-known/oauth-authorization-server";
            shared(get(path, path, Format::Document))
        }),
        document(
            "GET /.well-known/oauth-authorization-server/{suffix}",
            main,
            |_| {
                // RFC 8414 §3.1: the suffix is the issuer's path, and this issuer has none.
                let route = "/.well-known/oauth-authorization-server/{suffix}";
                let path = "/.well-known/oauth-authorization-server/";
                shared(get(route, path, Format::Document))
            },
        ),
        document("GET (stylesheet)", main, |live| {
            shared(get("(stylesheet)", &live.stylesheet, Format::Stylesheet))
        }),
        document("GET /metrics (metrics listener)", metrics, |_| {
            shared(get("/metrics", "/metrics", Format::Metrics))
        }),
        document("GET /healthz (metrics listener)", metrics, |_| {
            shared(get("/healthz", "/healthz", Format::Document))
        }),
        unrouted("GET (no route)", main, |_| {
            shared(get("(no route)", "/no/such/endpoint", Format::Nowhere))
        }),
        unrouted("GET /metrics (main listener)", main, |_| {
            shared(get("/metrics (main listener)", "/metrics", Format::Nowhere))
        }),
        unrouted("GET (no route, metrics listener)", metrics, |_| {
            shared(get("(no route)", "/token", Format::Nowhere))
        }),
    ];
    all.extend(api_routes());
    all.extend(super::pages::page_routes());
    all
}

fn api_routes() -> Vec<Route> {
    let api = |name, accepted, prepare: for<'l> fn(&'l Live<'l>) -> Prepared<'l>| Route {
        name,
        listener: Listener::Main,
        // 204: the CORS preflight of /device_authorization, /token and /revoke, which a
        // request turned into OPTIONS gets.
        allowed: &[200, 204, 401],
        takes_input: true,
        accepted,
        prepare,
    };
    vec![
        api(
            "POST /device_authorization (public client)",
            device_authorization_issued,
            |live| {
                let form = [("client_id", "tv-public"), ("scope", "openid profile")];
                Prepared {
                    baseline: oauth("/device_authorization", &form, None),
                    after: Some(awaits_consent(live)),
                }
            },
        ),
        api(
            "POST /device_authorization (confidential client)",
            device_authorization_issued,
            |live| {
                let auth = basic("tv-conf", &live.tv_conf_secret);
                Prepared {
                    baseline: oauth("/device_authorization", &[("scope", "openid")], Some(auth)),
                    after: Some(awaits_consent(live)),
                }
            },
        ),
        api("POST /token (device_code)", tokens_issued, |live| {
            let code = live.approved_device_code();
            let form = [
                ("grant_type", DEVICE_GRANT),
                ("device_code", &code),
                ("client_id", "tv-public"),
            ];
            let baseline = oauth("/token", &form, None);
            Prepared {
                after: Some(spent_once(live, baseline.clone(), tokens_issued)),
                baseline,
            }
        }),
        api("POST /token (refresh_token)", tokens_issued, |live| {
            let token = live.refresh_token();
            let form = [
                ("grant_type", "refresh_token"),
                ("refresh_token", &token),
                ("client_id", "tv-public"),
                ("scope", "openid"),
            ];
            let baseline = oauth("/token", &form, None);
            Prepared {
                after: Some(spent_once(live, baseline.clone(), tokens_issued)),
                baseline,
            }
        }),
        api("POST /token (authorization_code)", tokens_issued, |live| {
            let code = live.authorization_code();
            let form = [
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", CALLBACK),
                ("code_verifier", VERIFIER),
                ("client_id", WEB_APP),
            ];
            let baseline = oauth("/token", &form, None);
            Prepared {
                after: Some(spent_once(live, baseline.clone(), tokens_issued)),
                baseline,
            }
        }),
        api("POST /token (client_credentials)", tokens_issued, |live| {
            let form = [("grant_type", "client_credentials"), ("scope", "api.read")];
            shared(oauth(
                "/token",
                &form,
                Some(basic("rs-api", &live.rs_api_secret)),
            ))
        }),
        api("POST /introspect", ok, |live| {
            let form = [("token", live.access_token.as_str())];
            shared(oauth(
                "/introspect",
                &form,
                Some(basic("rs-api", &live.rs_api_secret)),
            ))
        }),
        api("POST /revoke", ok, |live| {
            let token = live.service_access_token();
            let form = [
                ("token", token.as_str()),
                ("token_type_hint", "access_token"),
            ];
            let baseline = oauth("/revoke", &form, Some(basic("rs-api", &live.rs_api_secret)));
            // A refused revocation leaves the token working.
            let after: After = Box::new(move |seen: &Seen| {
                if seen.took == Took::Refused && !live.active(&token) {
                    return Err("a refused revocation revoked the token".into());
                }
                Ok(())
            });
            Prepared {
                baseline,
                after: Some(after),
            }
        }),
        // 204: a mutated method may make it the route's CORS preflight.
        Route {
            name: "GET /userinfo",
            listener: Listener::Main,
            allowed: &[200, 204, 401],
            takes_input: true,
            accepted: ok,
            prepare: |live| {
                let bearer = format!("Bearer {}", live.access_token).into_bytes();
                shared(Baseline {
                    endpoint: "/userinfo",
                    method: "GET",
                    target: "/userinfo".into(),
                    headers: vec![("Authorization", bearer)],
                    form: Vec::new(),
                    format: Format::Bearer,
                })
            },
        },
        Route {
            name: "POST /userinfo",
            listener: Listener::Main,
            allowed: &[200, 204, 401],
            takes_input: true,
            accepted: ok,
            prepare: |live| {
                shared(Baseline {
                    endpoint: "/userinfo",
                    method: "POST",
                    target: "/userinfo".into(),
                    headers: vec![("Content-Type", FORM.to_vec())],
                    form: fields(&[("access_token", &live.access_token)]),
                    format: Format::Bearer,
                })
            },
        },
        Route {
            name: "OPTIONS /userinfo",
            listener: Listener::Main,
            // 401: a mutated method may make it a UserInfo request, with no token.
            allowed: &[204, 401],
            takes_input: false,
            accepted: |answer| answer.status == 204,
            prepare: |_| {
                shared(Baseline {
                    endpoint: "/userinfo",
                    method: "OPTIONS",
                    target: "/userinfo".into(),
                    headers: vec![
                        ("Origin", b"https://app.example.test".to_vec()),
                        ("Access-Control-Request-Method", b"GET".to_vec()),
                    ],
                    form: Vec::new(),
                    format: Format::Bearer,
                })
            },
        },
    ]
}
