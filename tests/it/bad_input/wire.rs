//! Sending a case over raw TCP and judging what came back against the contract of its route.

use std::net::SocketAddr;
use std::time::Duration;

use crate::support::contract::{self, Asked};
use crate::support::malformed::{Baseline, Case, Delivery};
use crate::support::raw::{Answer, Connection, Outcome};

/// How one request went.
pub enum Verdict {
    /// Answered in the route's format (or the not-found/method format where that applies).
    Answered(Answer),
    /// Refused by the HTTP layer with a bare status: the request was not HTTP.
    NotHttp(Answer),
    /// Closed without an answer, which an oversized or cut-short request may get.
    Closed,
}

/// Sends one case and judges what came back; `Err` says how the answer broke the contract.
/// `kept` is a connection earlier cases left open, reused when the case allows it.
pub fn run_case(
    case: &Case,
    addr: SocketAddr,
    kept: &mut Option<Connection>,
) -> Result<Verdict, String> {
    let wire = case.bytes();
    let reusable = case.keeps_connection();
    let mut retried = false;
    loop {
        let reused = reusable && kept.is_some();
        let mut connection = match kept.take().filter(|_| reusable) {
            Some(connection) => connection,
            None => Connection::open(addr).map_err(|e| format!("cannot connect: {e}"))?,
        };
        if wire.len() > 64 * 1024 {
            // The server stops reading a body past its limit; do not wait long on a full pipe.
            let _ = connection
                .stream()
                .set_write_timeout(Some(Duration::from_secs(2)));
        }
        let sent = match &case.delivery {
            Delivery::Trickle { pieces, pause_ms } => connection.trickle(
                &wire,
                wire.len().div_ceil(*pieces),
                Duration::from_millis(*pause_ms),
            ),
            Delivery::AtOnce => connection.send(&wire),
        };
        if case.half_close {
            connection.finish_sending();
        }
        // A server that refuses a request early stops reading it and may close: the rest of
        // the request then cannot be written, but the answer can still be read.
        let answer = match connection.read_answer(case.is_head()) {
            Outcome::Answered(answer) => answer,
            Outcome::Closed { .. } if sent.is_err() && reused && !retried => {
                retried = true;
                continue;
            }
            Outcome::Closed { .. } if sent.is_err() && !case.may_close => {
                return Err(format!(
                    "closed while the request was being sent ({:?}), without an answer",
                    sent.err()
                ));
            }
            // The server may close a kept-alive connection just as a request is sent on it.
            Outcome::Closed { partial } if partial.is_empty() && reused && !retried => {
                retried = true;
                continue;
            }
            Outcome::Closed { .. } if case.may_close => return Ok(Verdict::Closed),
            Outcome::Closed { partial } => {
                return Err(format!(
                    "closed without an answer (after {:?})",
                    String::from_utf8_lossy(&partial)
                ));
            }
            Outcome::Silent { partial } => {
                return Err(format!(
                    "no answer within the patience (after {:?})",
                    String::from_utf8_lossy(&partial)
                ));
            }
            Outcome::Garbled(what) => return Err(format!("garbled answer: {what}")),
        };
        if reusable && !answer.closes() {
            *kept = Some(connection);
        }
        if answer.status >= 500 {
            return Err(format!("{} {:?}", answer.status, answer.text()));
        }
        if case.broken_http && contract::is_bare_http_refusal(&answer) {
            return Ok(Verdict::NotHttp(answer));
        }
        let asked = Asked {
            format: case.format,
            endpoint: case.endpoint,
            head: case.is_head(),
            accepts_html: case.accepts_html(),
        };
        return match contract::check(&answer, &asked) {
            Ok(()) => Ok(Verdict::Answered(answer)),
            Err(why) => Err(format!(
                "{why}; answered {} {:?} {:?}",
                answer.status,
                answer.headers,
                &answer.text().chars().take(300).collect::<String>()
            )),
        };
    }
}

/// Sends `baseline` as it is, on a connection of its own, and returns the answer.
pub fn send_plain(addr: SocketAddr, baseline: &Baseline) -> Answer {
    let case = Case::from(baseline);
    let mut connection = Connection::open(addr).expect("connect");
    connection.send(&case.bytes()).expect("send");
    match connection.read_answer(case.is_head()) {
        Outcome::Answered(answer) => answer,
        other => panic!(
            "no answer to the unmutated {}: {other:?}",
            baseline.endpoint
        ),
    }
}

/// `GET path` with a cookie, on a connection of its own.
pub fn get_with_cookie(addr: SocketAddr, path: &str, cookie: &str) -> Answer {
    let mut connection = Connection::open(addr).expect("connect");
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: x\r\nCookie: authbox_session={cookie}\r\n\r\n");
    connection.send(request.as_bytes()).expect("send");
    match connection.read_answer(false) {
        Outcome::Answered(answer) => answer,
        other => panic!("no answer to GET {path}: {other:?}"),
    }
}

/// The value of the session cookie an answer sets, if it sets one.
pub fn set_cookie(answer: &Answer) -> Option<String> {
    let value = answer.header("set-cookie")?;
    let pair = value.split(';').next()?;
    let (name, value) = pair.split_once('=')?;
    (name == "authbox_session" && !value.is_empty()).then(|| value.to_owned())
}

/// The form token of a page.
pub fn form_token(page: &Answer) -> String {
    let html = page.text();
    let marker = "name=\"csrf_token\" value=\"";
    let at = html.find(marker).expect("a form token") + marker.len();
    html[at..at + html[at..].find('"').expect("quote")].to_owned()
}
