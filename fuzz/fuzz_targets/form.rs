//! `Form::parse`, the strict form decoder behind every OAuth endpoint and sign-in page.
//!
//! Input: the `Content-Type` on the first line (an empty line: no header), then the body.
//! Checks, with `form_urlencoded` as an independent decoder to compare against:
//! - only `application/x-www-form-urlencoded` is read, and a charset other than UTF-8 is refused;
//! - an accepted body yields each parameter as the other decoder reads it, an empty value as
//!   absent; a refused one has a repeated name, or bytes that are not UTF-8 before or after
//!   decoding;
//! - pairs encoded the way a client encodes them parse back to the same pairs, and repeating
//!   one of them is refused.
#![no_main]

use authbox::fuzzing::Form;
use authbox_fuzz::first_line;
use libfuzzer_sys::fuzz_target;

const FORM_TYPE: &str = "application/x-www-form-urlencoded";

fuzz_target!(|data: &[u8]| {
    let (content_type, body) = first_line(data);
    let content_type = std::str::from_utf8(content_type)
        .ok()
        .filter(|t| !t.is_empty());
    check_content_type(content_type, body);
    check_against_independent_decoder(body);
    check_client_encoded_pairs_parse_back(body);
});

fn check_content_type(content_type: Option<&str>, body: &[u8]) {
    let Ok(_) = Form::parse(content_type, body) else {
        return;
    };
    let content_type = content_type.expect("a form without a content type was read");
    let mut parameters = content_type.split(';');
    let media_type = parameters.next().unwrap_or_default().trim();
    assert!(
        media_type.eq_ignore_ascii_case(FORM_TYPE),
        "read a body sent as {content_type:?}"
    );
    for parameter in parameters {
        if let Some((name, value)) = parameter.split_once('=')
            && name.trim().eq_ignore_ascii_case("charset")
        {
            let value = value.trim().trim_matches('"');
            assert!(
                value.eq_ignore_ascii_case("utf-8"),
                "read a body in charset {value:?}"
            );
        }
    }
    assert!(
        Form::parse(Some(FORM_TYPE), body).is_ok(),
        "the same body is refused under the plain content type"
    );
}

fn check_against_independent_decoder(body: &[u8]) {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(body)
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    let repeated = pairs
        .iter()
        .enumerate()
        .any(|(i, (name, _))| pairs[..i].iter().any(|(earlier, _)| earlier == name));
    // The other decoder patches invalid UTF-8 with U+FFFD where ours refuses the body.
    let patched = pairs
        .iter()
        .any(|(name, value)| name.contains('\u{FFFD}') || value.contains('\u{FFFD}'));
    match Form::parse(Some(FORM_TYPE), body) {
        Ok(form) => {
            assert!(!repeated, "a repeated parameter was accepted");
            for (name, value) in &pairs {
                let expected = (!value.is_empty()).then_some(value.as_str());
                assert_eq!(form.get(name), expected, "parameter {name:?}");
            }
        }
        // Raw bytes that are not UTF-8 are refused before decoding, even where an escape
        // beside them would make the decoded bytes UTF-8 (`%C3` then a raw 0xA6).
        Err(_) => assert!(
            repeated || patched || std::str::from_utf8(body).is_err(),
            "a well-formed body without repeats was refused"
        ),
    }
}

/// Takes the body apart naively into name/value texts, then encodes them as a client would.
fn check_client_encoded_pairs_parse_back(body: &[u8]) {
    let text = String::from_utf8_lossy(body);
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    for piece in text.split('&') {
        let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
        if !pairs.iter().any(|(seen, _)| *seen == name) {
            pairs.push((name, value));
        }
    }
    let encoded = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&pairs)
        .finish();
    let form = Form::parse(
        Some("application/x-www-form-urlencoded; charset=UTF-8"),
        encoded.as_bytes(),
    )
    .unwrap_or_else(|e| panic!("a client-encoded form {encoded:?} was refused: {e}"));
    for (name, value) in &pairs {
        let expected = (!value.is_empty()).then_some(*value);
        assert_eq!(
            form.get(name),
            expected,
            "parameter {name:?} of {encoded:?}"
        );
    }
    if let Some((name, _)) = pairs.first() {
        let repeated = form_urlencoded::Serializer::new(encoded.clone())
            .append_pair(name, "again")
            .finish();
        assert!(
            Form::parse(Some(FORM_TYPE), repeated.as_bytes()).is_err(),
            "a repeated parameter {name:?} was accepted in {repeated:?}"
        );
    }
}
