//! The demo TV's HTTP/1.1: one request per connection (`Connection: close`) over
//! `std::net::TcpStream` to loopback, read to the end.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};

use super::{CONNECT_TIMEOUT, MAX_RESPONSE, READ_TIMEOUT};

pub(super) fn is_timeout(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
    )
}

/// An HTTP response, read to its end.
#[derive(Debug)]
pub(super) struct Reply {
    pub(super) status: u16,
    pub(super) body: Vec<u8>,
}

pub(super) fn exchange(addr: SocketAddr, request: &[u8]) -> std::io::Result<Reply> {
    let mut stream = TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT)?;
    stream.set_read_timeout(Some(READ_TIMEOUT))?;
    stream.set_write_timeout(Some(READ_TIMEOUT))?;
    stream.write_all(request)?;
    let mut raw = Vec::new();
    stream.take(MAX_RESPONSE + 1).read_to_end(&mut raw)?;
    if raw.len() as u64 > MAX_RESPONSE {
        return Err(std::io::Error::other("the response is too large"));
    }
    parse_response(&raw).map_err(|why| std::io::Error::new(std::io::ErrorKind::InvalidData, why))
}

/// Status line, headers and body of an HTTP/1.1 response; the body by `Content-Length`, or
/// to the end of the connection. authbox never chunks its JSON, so chunks are refused.
fn parse_response(raw: &[u8]) -> Result<Reply, String> {
    let end = find(raw, b"\r\n\r\n").ok_or("the response has no end of headers")?;
    let head = std::str::from_utf8(&raw[..end]).map_err(|_| "the headers are not text")?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let mut words = status_line.split(' ');
    let status = match (words.next(), words.next()) {
        (Some(version), Some(code)) if version.starts_with("HTTP/1.") => code.parse().ok(),
        _ => None,
    }
    .ok_or_else(|| format!("not an HTTP/1.x status line: {status_line:?}"))?;
    let mut length = None;
    for line in lines {
        let (name, value) = line.split_once(':').ok_or("a header without a colon")?;
        if name.eq_ignore_ascii_case("content-length") {
            length = Some(
                value
                    .trim()
                    .parse::<usize>()
                    .map_err(|_| "a bad Content-Length")?,
            );
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            return Err(format!("an unexpected Transfer-Encoding: {}", value.trim()));
        }
    }
    let rest = &raw[end + 4..];
    let body = if let Some(length) = length {
        rest.get(..length)
            .ok_or("the body is shorter than Content-Length")?
            .to_vec()
    } else {
        rest.to_vec()
    };
    Ok(Reply { status, body })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses_parse_by_length_or_to_the_end() {
        let sized = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 2\r\nX: y\r\n\r\n{}extra";
        let parsed = parse_response(sized).unwrap();
        assert_eq!((parsed.status, parsed.body.as_slice()), (400, &b"{}"[..]));
        let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
        assert!(parse_response(chunked).is_err());
        let open = b"HTTP/1.0 200 OK\r\n\r\nall of it";
        assert_eq!(parse_response(open).unwrap().body, b"all of it");
        assert!(parse_response(b"HTTP/1.1 200 OK\r\ncontent-length: 9\r\n\r\nshort").is_err());
        assert!(parse_response(b"SSH-2.0-OpenSSH\r\n\r\n").is_err());
        assert!(parse_response(b"HTTP/1.1 200 OK\r\n").is_err());
    }
}
