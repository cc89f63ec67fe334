//! User codes (RFC 8628 §6.1): what a person types on the verification page, and how codes
//! are drawn.
//!
//! Input: the typed text; its bytes are also the random bytes a code is drawn from. Checks:
//! - a typed text is a code exactly when, at most 64 characters long, it holds eight letters
//!   of the alphabet in any case, whatever else surrounds them, and the code is those letters;
//! - normalising is idempotent, and the shown form `BCDF-GHJK`, in any case, reads back;
//! - a drawn code is the first eight bytes below 240 mapped onto the alphabet (no modulo bias),
//!   and reads back as itself.
#![no_main]

use authbox::domain::user_code::{ALPHABET, LENGTH, UserCode};
use libfuzzer_sys::fuzz_target;

/// `UserCode::normalize` ignores longer input: it is not a mistyped code.
const MAX_TYPED_CHARS: usize = 64;

fuzz_target!(|data: &[u8]| {
    if let Ok(typed) = std::str::from_utf8(data) {
        check_typed(typed);
    }
    check_drawn(data);
});

fn check_typed(typed: &str) {
    // Bytes, not characters: every byte of a multi-byte character is above ASCII, so none is
    // a letter of the alphabet.
    let letters: String = typed
        .bytes()
        .map(|b| b.to_ascii_uppercase())
        .filter(|b| ALPHABET.contains(b))
        .map(char::from)
        .collect();
    let expected =
        (typed.chars().count() <= MAX_TYPED_CHARS && letters.len() == LENGTH).then_some(letters);
    let code = UserCode::normalize(typed);
    assert_eq!(
        code.as_ref().map(UserCode::as_str),
        expected.as_deref(),
        "{typed:?}"
    );
    if let Some(code) = code {
        check_reads_back(&code);
    }
}

fn check_reads_back(code: &UserCode) {
    assert_eq!(UserCode::normalize(code.as_str()).as_ref(), Some(code));
    let shown = code.display();
    assert_eq!(shown, code.to_string());
    assert_eq!(shown.len(), LENGTH + 1);
    assert_eq!(shown.as_bytes()[LENGTH / 2], b'-', "{shown}");
    assert_eq!(UserCode::normalize(&shown).as_ref(), Some(code));
    assert_eq!(
        UserCode::normalize(&shown.to_lowercase()).as_ref(),
        Some(code)
    );
    assert_eq!(
        UserCode::normalize(&format!(" {shown} ")).as_ref(),
        Some(code)
    );
}

fn check_drawn(data: &[u8]) {
    // Once the input runs out, zero bytes: a draw must end whatever the source.
    let mut source = data.iter().copied().chain(std::iter::repeat(0));
    let code = UserCode::generate(|| source.next().unwrap_or(0));
    let expected: String = data
        .iter()
        .copied()
        .chain(std::iter::repeat(0))
        .filter(|&b| b < 240)
        .take(LENGTH)
        .map(|b| char::from(ALPHABET[usize::from(b % 20)]))
        .collect();
    assert_eq!(code.as_str(), expected);
    check_reads_back(&code);
}
