//! HTTP/1.1 by hand over a `TcpStream`: requests go out byte for byte as written, malformed
//! ones included, and answers are parsed here, so no client library tidies up either side.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// Longer than any answer should take; a read that waits this long is reported, not hung on.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// No answer of ours comes near this; anything longer is cut off and reported.
const MAX_ANSWER_BYTES: usize = 4 * 1024 * 1024;

/// One parsed answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    /// Names lower-cased, values as sent.
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Vec<u8>,
}

impl Answer {
    /// The first header of that name, if it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| std::str::from_utf8(v).ok())
    }

    pub fn count(&self, name: &str) -> usize {
        self.headers.iter().filter(|(n, _)| n == name).count()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The server announced it closes the connection after this answer.
    pub fn closes(&self) -> bool {
        self.header("connection")
            .is_some_and(|c| c.eq_ignore_ascii_case("close"))
    }
}

/// What came back for one request.
#[derive(Debug)]
pub enum Outcome {
    Answered(Answer),
    /// The server closed (or reset) the connection before a complete answer.
    Closed {
        partial: Vec<u8>,
    },
    /// Nothing complete within [`PATIENCE`].
    Silent {
        partial: Vec<u8>,
    },
    /// Bytes that are not an HTTP/1.x answer.
    Garbled(String),
}

/// A client connection.
pub struct Connection {
    stream: TcpStream,
    /// Bytes read past the end of the last answer.
    pending: Vec<u8>,
}

impl Connection {
    pub fn open(addr: SocketAddr) -> std::io::Result<Connection> {
        let stream = TcpStream::connect_timeout(&addr, PATIENCE)?;
        stream.set_nodelay(true)?;
        stream.set_write_timeout(Some(PATIENCE))?;
        Ok(Connection {
            stream,
            pending: Vec::new(),
        })
    }

    pub fn stream(&self) -> &TcpStream {
        &self.stream
    }

    /// The socket itself, once the exchange of whole answers is over.
    pub fn into_stream(self) -> TcpStream {
        self.stream
    }

    pub fn send(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.stream.write_all(bytes)
    }

    /// Sends `bytes` a few at a time with a pause between, as a slow link would.
    pub fn trickle(&mut self, bytes: &[u8], piece: usize, pause: Duration) -> std::io::Result<()> {
        for chunk in bytes.chunks(piece.max(1)) {
            self.stream.write_all(chunk)?;
            std::thread::sleep(pause);
        }
        Ok(())
    }

    /// Says nothing more will be sent (the request's end, for a body without a length).
    pub fn finish_sending(&self) {
        let _ = self.stream.shutdown(Shutdown::Write);
    }

    /// Reads one answer, skipping interim (1xx) ones. `to_head` is true for a HEAD request,
    /// whose answer has headers only.
    pub fn read_answer(&mut self, to_head: bool) -> Outcome {
        self.read_answer_within(to_head, PATIENCE)
    }

    pub fn read_answer_within(&mut self, to_head: bool, patience: Duration) -> Outcome {
        let deadline = Instant::now() + patience;
        loop {
            let answer = match self.read_one(to_head, deadline) {
                Ok(answer) => answer,
                Err(outcome) => return outcome,
            };
            if !(100..200).contains(&answer.status) {
                return Outcome::Answered(answer);
            }
        }
    }

    /// Reads more into `into`.
    fn fill(&mut self, into: &mut Vec<u8>, deadline: Instant) -> Fill {
        let Some(left) = deadline.checked_duration_since(Instant::now()) else {
            return Fill::TimedOut;
        };
        let _ = self
            .stream
            .set_read_timeout(Some(left.max(Duration::from_millis(1))));
        let mut chunk = [0u8; 16 * 1024];
        match self.stream.read(&mut chunk) {
            Ok(0) => Fill::Closed,
            Ok(n) => {
                into.extend_from_slice(&chunk[..n]);
                Fill::More
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                Fill::TimedOut
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => Fill::More,
            Err(_) => Fill::Closed,
        }
    }

    fn read_one(&mut self, to_head: bool, deadline: Instant) -> Result<Answer, Outcome> {
        let mut buffer = std::mem::take(&mut self.pending);
        let head_end = loop {
            if let Some(at) = find(&buffer, b"\r\n\r\n") {
                break at;
            }
            if buffer.len() > MAX_ANSWER_BYTES {
                return Err(Outcome::Garbled("an endless answer head".into()));
            }
            match self.fill(&mut buffer, deadline) {
                Fill::More => {}
                Fill::Closed => return Err(Outcome::Closed { partial: buffer }),
                Fill::TimedOut => return Err(Outcome::Silent { partial: buffer }),
            }
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or_default();
        let mut words = status_line.splitn(3, ' ');
        let version = words.next().unwrap_or_default();
        let status = words.next().and_then(|s| s.parse::<u16>().ok());
        let Some(status) = status.filter(|_| version.starts_with("HTTP/1.")) else {
            return Err(Outcome::Garbled(format!("status line {status_line:?}")));
        };
        let mut headers = Vec::new();
        let raw_head = &buffer[..head_end];
        for line in raw_head.split(|b| *b == b'\n').skip(1) {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let Some(colon) = line.iter().position(|b| *b == b':') else {
                return Err(Outcome::Garbled(format!(
                    "header line {:?}",
                    String::from_utf8_lossy(line)
                )));
            };
            let name = String::from_utf8_lossy(&line[..colon]).to_ascii_lowercase();
            let value = line[colon + 1..].trim_ascii().to_vec();
            headers.push((name, value));
        }
        let mut rest = buffer[head_end + 4..].to_vec();
        let mut answer = Answer {
            status,
            headers,
            body: Vec::new(),
        };
        let bodiless = to_head || (100..200).contains(&status) || status == 204 || status == 304;
        if bodiless {
            self.pending = rest;
            return Ok(answer);
        }
        if answer
            .header("transfer-encoding")
            .is_some_and(|t| t.eq_ignore_ascii_case("chunked"))
        {
            let (body, after) = self.read_chunked(rest, deadline)?;
            answer.body = body;
            self.pending = after;
            return Ok(answer);
        }
        match answer.header("content-length") {
            Some(length) => {
                let Ok(length) = length.parse::<usize>() else {
                    return Err(Outcome::Garbled(format!("content-length {length:?}")));
                };
                if length > MAX_ANSWER_BYTES {
                    return Err(Outcome::Garbled(format!("a {length}-byte answer")));
                }
                while rest.len() < length {
                    match self.fill(&mut rest, deadline) {
                        Fill::More => {}
                        Fill::Closed => return Err(Outcome::Closed { partial: rest }),
                        Fill::TimedOut => return Err(Outcome::Silent { partial: rest }),
                    }
                }
                self.pending = rest.split_off(length);
                answer.body = rest;
            }
            // Delimited by the end of the connection.
            None => loop {
                if rest.len() > MAX_ANSWER_BYTES {
                    return Err(Outcome::Garbled("an endless answer".into()));
                }
                match self.fill(&mut rest, deadline) {
                    Fill::More => {}
                    Fill::Closed => {
                        answer.body = rest;
                        break;
                    }
                    Fill::TimedOut => return Err(Outcome::Silent { partial: rest }),
                }
            },
        }
        Ok(answer)
    }

    fn read_chunked(
        &mut self,
        mut rest: Vec<u8>,
        deadline: Instant,
    ) -> Result<(Vec<u8>, Vec<u8>), Outcome> {
        let mut body = Vec::new();
        loop {
            let line_end = loop {
                if let Some(at) = find(&rest, b"\r\n") {
                    break at;
                }
                match self.fill(&mut rest, deadline) {
                    Fill::More => {}
                    Fill::Closed => return Err(Outcome::Closed { partial: rest }),
                    Fill::TimedOut => return Err(Outcome::Silent { partial: rest }),
                }
            };
            let size_text = String::from_utf8_lossy(&rest[..line_end]).into_owned();
            let size_text = size_text.split(';').next().unwrap_or_default().trim();
            let Ok(size) = usize::from_str_radix(size_text, 16) else {
                return Err(Outcome::Garbled(format!("chunk size {size_text:?}")));
            };
            if body.len() + size > MAX_ANSWER_BYTES {
                return Err(Outcome::Garbled("an endless chunked answer".into()));
            }
            // The chunk, then its CRLF (after the last chunk: the empty trailer's CRLF).
            let needed = line_end + 2 + size + 2;
            while rest.len() < needed {
                match self.fill(&mut rest, deadline) {
                    Fill::More => {}
                    Fill::Closed => return Err(Outcome::Closed { partial: rest }),
                    Fill::TimedOut => return Err(Outcome::Silent { partial: rest }),
                }
            }
            body.extend_from_slice(&rest[line_end + 2..line_end + 2 + size]);
            rest.drain(..needed);
            if size == 0 {
                return Ok((body, rest));
            }
        }
    }
}

enum Fill {
    More,
    Closed,
    TimedOut,
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// How many files this process has open now (Linux).
pub fn open_files() -> Option<usize> {
    Some(std::fs::read_dir("/proc/self/fd").ok()?.count())
}
