//! User codes (RFC 8628 §6.1): 8 letters from a 20-letter alphabet with no vowels (no words)
//! and no digits (no 0/O or 1/I confusion), shown as `BCDF-GHJK`.

use std::fmt;

/// RFC 8628 §6.1's base-20 alphabet: 20^8 ≈ 2^34.6 codes.
pub const ALPHABET: &[u8; 20] = b"BCDFGHJKLMNPQRSTVWXZ";
pub const LENGTH: usize = 8;
/// Anything longer than this is not a mistyped code, and is not worth normalising.
const MAX_INPUT_CHARS: usize = 64;

/// A user code in canonical form: eight uppercase letters of [`ALPHABET`], no separator.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserCode(String);

impl UserCode {
    /// Draws a code by rejection sampling: a byte below 240 picks `ALPHABET[byte % 20]`, any
    /// other byte is discarded, so every letter is equally likely (no modulo bias).
    pub fn generate(mut next_random_byte: impl FnMut() -> u8) -> UserCode {
        let mut code = String::with_capacity(LENGTH);
        while code.len() < LENGTH {
            let byte = next_random_byte();
            if byte < 240 {
                code.push(char::from(ALPHABET[usize::from(byte % 20)]));
            }
        }
        UserCode(code)
    }

    /// RFC 8628 §6.1: uppercase what was typed and drop every character outside the alphabet
    /// (dashes, spaces, punctuation), so `wdjb mjht` and ` WDJB-MJHT ` are the same code.
    /// `None` unless exactly eight letters remain.
    pub fn normalize(input: &str) -> Option<UserCode> {
        if input.chars().count() > MAX_INPUT_CHARS {
            return None;
        }
        let code: String = input
            .chars()
            .map(|c| c.to_ascii_uppercase())
            .filter(|c| c.is_ascii() && ALPHABET.contains(&(*c as u8)))
            .collect();
        (code.len() == LENGTH).then_some(UserCode(code))
    }

    /// The canonical form, as stored and compared.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form shown to people: `BCDF-GHJK`.
    pub fn display(&self) -> String {
        format!("{}-{}", &self.0[..4], &self.0[4..])
    }
}

impl fmt::Display for UserCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_use_the_alphabet_and_skip_high_bytes() {
        let mut bytes = [255u8, 240, 0, 1, 2, 3, 19, 20, 239, 100]
            .into_iter()
            .cycle();
        let code = UserCode::generate(|| bytes.next().unwrap_or(0));
        // 255 and 240 are rejected; 0→B 1→C 2→D 3→F 19→Z 20→B 239→Z 100→B.
        assert_eq!(code.as_str(), "BCDFZBZB");
        assert_eq!(code.display(), "BCDF-ZBZB");
    }

    #[test]
    fn typed_variants_normalise_to_one_code() {
        for typed in [
            "wdjb-mjht",
            "WDJBMJHT",
            " wdjb mjht ",
            "wdjb.mjht",
            "Wdjb–Mjht",
        ] {
            assert_eq!(
                UserCode::normalize(typed).map(|c| c.display()),
                Some("WDJB-MJHT".into()),
                "{typed:?}"
            );
        }
    }

    #[test]
    fn wrong_lengths_and_foreign_letters_are_not_codes() {
        assert!(UserCode::normalize("WDJB-MJH").is_none());
        assert!(UserCode::normalize("WDJB-MJHTX").is_none());
        assert!(UserCode::normalize("").is_none());
        assert!(UserCode::normalize(&"B".repeat(100)).is_none());
        // A vowel is dropped, leaving seven letters.
        assert!(UserCode::normalize("WDJB-MJHA").is_none());
    }
}
