//! Slow clients and connection floods (reliability): hundreds of connections that send nothing,
//! send their head a byte at a time, stall in a second request or in a body, idle after an
//! answer, or half-close, all at once, while a normal client keeps asking. The normal client is
//! answered promptly throughout, and the server closes every slow connection once its timeout
//! has passed (see `src/http/connections.rs`), giving its files back.
//!
//! By default the server runs with its timeouts cut to seconds, so the test takes a few.
//! `AUTHBOX_SLOW_CLIENTS=<n>` opens n connections of each kind against the timeouts authbox
//! really serves with (about half a minute).

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use authbox::http::{Timeouts, open_file_limit};

use crate::support::TestServer;
use crate::support::raw::{Connection, Outcome, open_files};

/// Short timeouts for the default run; `request` stays longer than `keep_alive` plus `body`.
fn quick() -> Timeouts {
    Timeouts {
        request_head: Duration::from_secs(1),
        keep_alive: Duration::from_secs(1),
        body: Duration::from_secs(2),
        request: Duration::from_secs(4),
    }
}

/// How late after its timeout a connection may still be closed: timer rounding and a busy
/// machine shared with other tests.
const SLACK: Duration = Duration::from_millis(1_500);

/// How long the normal client may wait for any answer while the flood is on.
const PROMPT: Duration = Duration::from_secs(2);

/// How often the slow clients send their next byte.
const TRICKLE_EVERY: Duration = Duration::from_millis(200);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// Connects and sends nothing.
    Silent,
    /// Sends a head, a byte at a time, never finishing it.
    SlowHead,
    /// Sends a whole request, reads the answer, then idles.
    IdleAfterAnswer,
    /// Sends a whole request, reads the answer, then starts another, a byte at a time.
    StalledSecondHead,
    /// Sends a whole head, then the body a byte at a time.
    SlowBody,
    /// Connects and closes its sending half at once.
    HalfOpen,
}

const KINDS: [Kind; 6] = [
    Kind::Silent,
    Kind::SlowHead,
    Kind::IdleAfterAnswer,
    Kind::StalledSecondHead,
    Kind::SlowBody,
    Kind::HalfOpen,
];

impl Kind {
    /// The timeout that should close it, if one should.
    fn closed_by(self, t: &Timeouts) -> Duration {
        match self {
            Kind::Silent | Kind::SlowHead => t.request_head,
            Kind::IdleAfterAnswer => t.keep_alive,
            Kind::StalledSecondHead => t.request,
            Kind::SlowBody => t.body,
            Kind::HalfOpen => Duration::ZERO,
        }
    }
}

/// One slow connection, driven without blocking.
struct Slow {
    kind: Kind,
    stream: TcpStream,
    /// Sent a byte per tick; never all of it before the server gives up.
    trickle: Vec<u8>,
    sent: usize,
    /// When the server started waiting on it: the connection opened, or its answer was read.
    since: Instant,
    received: Vec<u8>,
    closed_after: Option<Duration>,
}

fn open(addr: SocketAddr, kind: Kind) -> Slow {
    let mut connection = Connection::open(addr).expect("connect");
    let mut trickle = Vec::new();
    match kind {
        Kind::Silent | Kind::HalfOpen => {}
        Kind::SlowHead => trickle = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ".to_vec(),
        Kind::IdleAfterAnswer | Kind::StalledSecondHead => {
            connection
                .send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                .expect("send");
            let Outcome::Answered(answer) = connection.read_answer(false) else {
                panic!("no answer to the first request");
            };
            assert_eq!(answer.status, 200);
            if kind == Kind::StalledSecondHead {
                // The first byte at once, before the connection counts as idle.
                connection.send(b"G").expect("send");
                trickle = b"ET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ".to_vec();
            }
        }
        Kind::SlowBody => {
            connection
                .send(
                    b"POST /token HTTP/1.1\r\nHost: x\r\n\
                      Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 500\r\n\r\n",
                )
                .expect("send");
            trickle = b"grant_type=client_credentials&client_id=".to_vec();
        }
    }
    let stream = connection.into_stream();
    if kind == Kind::HalfOpen {
        stream
            .shutdown(std::net::Shutdown::Write)
            .expect("half-close");
    }
    stream.set_nonblocking(true).expect("non-blocking");
    // The trickles repeat their last byte for as long as it takes.
    Slow {
        kind,
        stream,
        trickle,
        sent: 0,
        since: Instant::now(),
        received: Vec::new(),
        closed_after: None,
    }
}

impl Slow {
    /// Sends the next byte, if it has one, and reads whatever came; notes when the server closed.
    fn tick(&mut self, send: bool) {
        if self.closed_after.is_some() {
            return;
        }
        if send && !self.trickle.is_empty() {
            let byte = self.trickle[self.sent.min(self.trickle.len() - 1)];
            match self.stream.write(&[byte]) {
                Ok(_) => self.sent += 1,
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                Err(_) => {
                    self.closed_after = Some(self.since.elapsed());
                    return;
                }
            }
        }
        let mut buffer = [0u8; 4096];
        loop {
            match self.stream.read(&mut buffer) {
                Ok(0) => {
                    self.closed_after = Some(self.since.elapsed());
                    return;
                }
                Ok(n) => self.received.extend_from_slice(&buffer[..n]),
                Err(e) if e.kind() == ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => {
                    self.closed_after = Some(self.since.elapsed());
                    return;
                }
            }
        }
    }

    fn status(&self) -> Option<u16> {
        let text = String::from_utf8_lossy(&self.received);
        text.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
    }
}

/// Latencies of the normal client's requests while the flood is on.
fn normal_client(addr: SocketAddr, until: &std::sync::atomic::AtomicBool) -> Vec<Duration> {
    let requests: [&[u8]; 2] = [
        b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST /device_authorization HTTP/1.1\r\nHost: x\r\n\
          Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 32\r\n\r\n\
          client_id=tv-public&scope=openid",
    ];
    let mut latencies = Vec::new();
    while !until.load(std::sync::atomic::Ordering::SeqCst) {
        for request in requests {
            let started = Instant::now();
            let mut connection = Connection::open(addr).expect("the normal client connects");
            connection.send(request).expect("send");
            let outcome = connection.read_answer_within(false, PROMPT * 5);
            let took = started.elapsed();
            match outcome {
                Outcome::Answered(answer) => assert_eq!(
                    answer.status,
                    200,
                    "the normal client was refused: {}",
                    answer.text()
                ),
                other => panic!("the normal client got no answer: {other:?}"),
            }
            latencies.push(took);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    latencies
}

fn millis(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

#[test]
fn slow_clients_and_floods_are_closed_on_time_without_starving_others() {
    let heavy = std::env::var("AUTHBOX_SLOW_CLIENTS").ok();
    let (per_kind, timeouts) = match heavy.as_deref().map(str::trim) {
        Some(n) => (
            n.parse::<usize>()
                .unwrap_or_else(|_| panic!("AUTHBOX_SLOW_CLIENTS={n:?} is not a number")),
            Timeouts::default(),
        ),
        None => (100, quick()),
    };
    // Each connection costs this process two files (the client's end and the server's);
    // stay well inside the limit.
    let limit = open_file_limit().unwrap_or(1024);
    let before = open_files().unwrap_or(0);
    let room = limit.saturating_sub(before + 256) / (2 * KINDS.len());
    let per_kind = per_kind.min(room);
    assert!(
        per_kind >= 10,
        "too few files allowed ({limit}) for the test"
    );
    let server = TestServer::start_with_timeouts(timeouts);
    server.fixtures();
    let addr: SocketAddr = server
        .base
        .trim_start_matches("http://")
        .parse()
        .expect("addr");
    let files_at_start = open_files().unwrap_or(0);

    let done = std::sync::atomic::AtomicBool::new(false);
    let (slow, latencies) = std::thread::scope(|scope| {
        let normal = scope.spawn(|| normal_client(addr, &done));
        let mut slow: Vec<Slow> = Vec::new();
        let mut last_look = Instant::now();
        for _ in 0..per_kind {
            for kind in KINDS {
                slow.push(open(addr, kind));
            }
            // Opening thousands takes seconds: keep watching those already open meanwhile.
            if last_look.elapsed() >= Duration::from_millis(20) {
                for s in &mut slow {
                    s.tick(false);
                }
                last_look = Instant::now();
            }
        }
        let longest = KINDS
            .iter()
            .map(|k| k.closed_by(&timeouts))
            .max()
            .unwrap_or_default();
        let give_up = Instant::now() + longest + SLACK * 2;
        let mut last_send = Instant::now();
        while slow.iter().any(|s| s.closed_after.is_none()) && Instant::now() < give_up {
            let send = last_send.elapsed() >= TRICKLE_EVERY;
            if send {
                last_send = Instant::now();
            }
            for s in &mut slow {
                s.tick(send);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        done.store(true, std::sync::atomic::Ordering::SeqCst);
        (slow, normal.join().expect("the normal client"))
    });

    // What each kind saw, reported before it is judged.
    let mut report = Vec::new();
    let mut problems = Vec::new();
    for kind in KINDS {
        let of_kind: Vec<&Slow> = slow.iter().filter(|s| s.kind == kind).collect();
        let still_open = of_kind.iter().filter(|s| s.closed_after.is_none()).count();
        let mut times: Vec<Duration> = of_kind.iter().filter_map(|s| s.closed_after).collect();
        times.sort();
        let bound = kind.closed_by(&timeouts);
        let answered_408 = of_kind.iter().filter(|s| s.status() == Some(408)).count();
        if still_open > 0 {
            problems.push(format!(
                "{still_open} {kind:?} connections were never closed"
            ));
        }
        let Some((&first, &last)) = times.first().zip(times.last()) else {
            continue;
        };
        if last > bound + SLACK {
            problems.push(format!(
                "{kind:?} closed as late as {last:?}, past {bound:?}"
            ));
        }
        // actix-http starts its head and keep-alive timers from a clock it updates twice a
        // second, so those may end up to half a second early.
        if first < bound.saturating_sub(Duration::from_millis(600)) {
            problems.push(format!(
                "{kind:?} closed as early as {first:?}, before {bound:?}"
            ));
        }
        report.push(format!(
            "{kind:?} closed after {}/{}/{} (first/median/last; 408 to {answered_408})",
            millis(first),
            millis(times[times.len() / 2]),
            millis(last)
        ));
    }
    let mut sorted = latencies.clone();
    sorted.sort();
    let worst = *sorted.last().expect("the normal client asked");
    let median = sorted[sorted.len() / 2];
    eprintln!(
        "slow clients: {} connections held ({per_kind} of each kind, {} files allowed), \
         timeouts {timeouts:?}; {}; normal client: {} requests, median {}, worst {}",
        slow.len(),
        limit,
        report.join(", "),
        latencies.len(),
        millis(median),
        millis(worst),
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // A stalled form body is answered in its endpoint's format before the connection closes.
    for s in slow.iter().filter(|s| s.kind == Kind::SlowBody) {
        let text = String::from_utf8_lossy(&s.received).into_owned();
        assert_eq!(s.status(), Some(408), "{text}");
        assert!(
            text.contains("cache-control: no-store")
                && text.contains(r#""error":"invalid_request""#),
            "{text}"
        );
    }
    assert!(
        worst < PROMPT,
        "the normal client waited {worst:?} while the slow clients were connected"
    );
    drop(slow);
    // The server let go of every connection: this process is back to the files it had.
    crate::support::server::eventually("the server closed its ends of the connections", || {
        open_files().is_some_and(|now| now <= files_at_start + 16)
    });
}
