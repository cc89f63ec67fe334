//! Page text in the person's language. Each shipped language is a Fluent catalog,
//! `assets/locales/<tag>.ftl`, compiled into the binary from [`CATALOGS`]; [`negotiate`] picks
//! one for a request (a chosen language's cookie first, then `Accept-Language`), and a
//! [`Translator`] formats its messages, with plural forms by the language's CLDR rules.
//!
//! Invariant: English (`en`) is the reference catalog and comes first; a message another catalog
//! lacks is said in English rather than not at all, and `tests/it/languages.rs` fails the build
//! of any shipped catalog that lacks one.
//!
//! This module knows no HTTP and no HTML: `http` negotiates and `pages` lays the text out.

mod calendar;
mod negotiate;

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

pub use negotiate::{LANGUAGE_COOKIE, negotiate};

/// The shipped catalogs: a language tag (BCP 47) and its Fluent source. A contributor adds a
/// language by adding `assets/locales/<tag>.ftl` and one line here.
pub const CATALOGS: &[(&str, &str)] = &[
    ("en", include_str!("../../assets/locales/en.ftl")),
    ("de", include_str!("../../assets/locales/de.ftl")),
    ("es", include_str!("../../assets/locales/es.ftl")),
    ("fr", include_str!("../../assets/locales/fr.ftl")),
    ("ja", include_str!("../../assets/locales/ja.ftl")),
];

/// One shipped language, ready to format.
struct Locale {
    tag: &'static str,
    bundle: FluentBundle<FluentResource>,
}

/// A catalog as a bundle. A catalog that does not parse keeps what parsed, and says what did
/// not in the log; the completeness test keeps that from shipping.
fn load(tag: &'static str, source: &str) -> Locale {
    let resource =
        FluentResource::try_new(source.to_owned()).unwrap_or_else(|(partial, errors)| {
            tracing::error!(language = tag, ?errors, "a message catalog does not parse");
            partial
        });
    let language = tag.parse::<LanguageIdentifier>().unwrap_or_else(|_| {
        tracing::error!(language = tag, "a catalog's tag is not a language tag");
        LanguageIdentifier::default()
    });
    let mut bundle = FluentBundle::new_concurrent(vec![language]);
    // Unicode isolation marks around each argument guard right-to-left text; none of the
    // shipped languages is, and the marks would stand in the way of searching the page text.
    bundle.set_use_isolating(false);
    if let Err(errors) = bundle.add_resource(resource) {
        tracing::error!(
            language = tag,
            ?errors,
            "a message catalog repeats a message"
        );
    }
    Locale { tag, bundle }
}

static LOCALES: LazyLock<Vec<Locale>> = LazyLock::new(|| {
    CATALOGS
        .iter()
        .map(|(tag, source)| load(tag, source))
        .collect()
});

/// An argument of a message: text as it is, or a number that may choose a plural form.
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    Text(&'a str),
    Count(u64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(text: &'a str) -> Self {
        Arg::Text(text)
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(text: &'a String) -> Self {
        Arg::Text(text)
    }
}

impl From<u64> for Arg<'_> {
    fn from(count: u64) -> Self {
        Arg::Count(count)
    }
}

impl From<usize> for Arg<'_> {
    fn from(count: usize) -> Self {
        Arg::Count(u64::try_from(count).unwrap_or(u64::MAX))
    }
}

/// A piece of a message formatted around slots (see [`Translator::pieces`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    /// Where the slot of this index goes.
    Slot(usize),
}

/// Marks a slot in formatted text: characters of the Private Use Area, which no catalog uses.
const SLOT_OPEN: char = '\u{E000}';
const SLOT_CLOSE: char = '\u{E001}';

/// The messages of one language.
#[derive(Clone, Copy)]
pub struct Translator {
    locale: &'static Locale,
}

impl std::fmt::Debug for Translator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Translator({})", self.locale.tag)
    }
}

impl Translator {
    /// English, the default and the fallback.
    pub fn english() -> Translator {
        Translator::shipped()[0]
    }

    /// The shipped language whose tag is `tag` (ignoring case), if any.
    pub fn for_tag(tag: &str) -> Option<Translator> {
        Translator::shipped()
            .into_iter()
            .find(|t| t.tag().eq_ignore_ascii_case(tag))
    }

    /// Every shipped language, English first.
    pub fn shipped() -> Vec<Translator> {
        LOCALES.iter().map(|locale| Translator { locale }).collect()
    }

    /// The language tag, for `<html lang>` and the language cookie.
    pub fn tag(&self) -> &'static str {
        self.locale.tag
    }

    /// The message `key`.
    pub fn text(&self, key: &str) -> String {
        self.format(key, &FluentArgs::new())
    }

    /// The message `key` with its arguments.
    pub fn text_with(&self, key: &str, args: &[(&str, Arg<'_>)]) -> String {
        self.format(key, &fluent_args(args))
    }

    /// The message `key` with its arguments, cut where the arguments named in `slots` go, so
    /// that a page can put markup there (a name in bold, a link) wherever the language places it.
    pub fn pieces(&self, key: &str, args: &[(&str, Arg<'_>)], slots: &[&str]) -> Vec<Piece> {
        let mut fluent = fluent_args(args);
        for (index, name) in slots.iter().enumerate() {
            fluent.set(*name, format!("{SLOT_OPEN}{index}{SLOT_CLOSE}"));
        }
        let formatted = self.format(key, &fluent);
        let mut pieces = Vec::new();
        let mut rest = formatted.as_str();
        while let Some(open) = rest.find(SLOT_OPEN) {
            let after = &rest[open + SLOT_OPEN.len_utf8()..];
            let Some(close) = after.find(SLOT_CLOSE) else {
                break;
            };
            if open > 0 {
                pieces.push(Piece::Text(rest[..open].to_owned()));
            }
            if let Ok(index) = after[..close].parse::<usize>() {
                pieces.push(Piece::Slot(index));
            }
            rest = &after[close + SLOT_CLOSE.len_utf8()..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest.to_owned()));
        }
        pieces
    }

    /// How long ago something happened, in words: "just now", "7 minutes ago".
    pub fn ago(&self, elapsed: std::time::Duration) -> String {
        let secs = elapsed.as_secs();
        let count = |unit: u64| [("count", Arg::Count(secs / unit))];
        match secs {
            0..60 => self.text("ago-now"),
            60..3600 => self.text_with("ago-minutes", &count(60)),
            3600..172_800 => self.text_with("ago-hours", &count(3600)),
            _ => self.text_with("ago-days", &count(86_400)),
        }
    }

    /// A moment, given in seconds since the Unix epoch, as this language writes a date and a
    /// time (in UTC: the server does not know the person's time zone).
    pub fn date_time(&self, unix_secs: u64) -> String {
        let moment = calendar::CivilTime::from_unix(unix_secs);
        let minute = format!("{:02}", moment.minute);
        self.text_with(
            "date-time",
            &[
                ("year", Arg::Count(moment.year)),
                ("month", Arg::Count(moment.month)),
                ("day", Arg::Count(moment.day)),
                ("hour", Arg::Count(moment.hour)),
                ("minute", Arg::Text(&minute)),
            ],
        )
    }

    /// Formats `key` in this language, else in English, else shows the key itself: a page
    /// with one message missing is still a page.
    fn format(&self, key: &str, args: &FluentArgs<'_>) -> String {
        let english = &LOCALES[0];
        for locale in [self.locale, english] {
            let Some(pattern) = locale.bundle.get_message(key).and_then(|m| m.value()) else {
                continue;
            };
            let mut errors = Vec::new();
            let text = locale
                .bundle
                .format_pattern(pattern, Some(args), &mut errors);
            if !errors.is_empty() {
                tracing::warn!(
                    language = locale.tag,
                    key,
                    ?errors,
                    "a message did not format cleanly"
                );
            }
            return text.into_owned();
        }
        tracing::warn!(
            language = self.locale.tag,
            key,
            "no catalog has this message"
        );
        key.to_owned()
    }
}

fn fluent_args<'a>(args: &[(&'a str, Arg<'a>)]) -> FluentArgs<'a> {
    let mut fluent = FluentArgs::with_capacity(args.len());
    for (name, value) in args {
        match value {
            Arg::Text(text) => fluent.set(*name, FluentValue::from(*text)),
            Arg::Count(count) => fluent.set(*name, FluentValue::from(*count)),
        }
    }
    fluent
}

#[cfg(test)]
mod tests {
    use super::*;

    fn in_language(tag: &str) -> Translator {
        Translator::for_tag(tag).unwrap()
    }

    #[test]
    fn every_shipped_catalog_parses_and_english_is_first() {
        assert_eq!(Translator::english().tag(), "en");
        for (tag, source) in CATALOGS {
            if let Err((_, errors)) = FluentResource::try_new((*source).to_owned()) {
                panic!("{tag}.ftl does not parse: {errors:?}");
            }
        }
    }

    #[test]
    fn plural_forms_follow_each_languages_rules() {
        let devices = |tag: &str, count: u64| {
            in_language(tag).text_with("devices-count", &[("count", count.into())])
        };
        assert_eq!(devices("en", 0), "0 devices");
        assert_eq!(devices("en", 1), "1 device");
        assert_eq!(devices("en", 2), "2 devices");
        // French counts 0 and 1 as singular.
        assert_eq!(devices("fr", 0), "0 appareil");
        assert_eq!(devices("fr", 1), "1 appareil");
        assert_eq!(devices("fr", 2), "2 appareils");
        assert_eq!(devices("de", 1), "1 Gerät");
        assert_eq!(devices("de", 0), "0 Geräte");
    }

    #[test]
    fn pieces_leave_room_for_markup_where_the_language_puts_it() {
        let pieces = in_language("en").pieces("consent-wants", &[], &["client", "account"]);
        assert_eq!(
            pieces,
            vec![
                Piece::Slot(0),
                Piece::Text(" wants to use your account, ".into()),
                Piece::Slot(1),
                Piece::Text(".".into()),
            ]
        );
    }

    #[test]
    fn dates_are_written_the_languages_way() {
        // 2026-03-12 14:05 UTC
        let moment = 1_773_324_300;
        assert_eq!(
            in_language("en").date_time(moment),
            "12 March 2026, 14:05 UTC"
        );
        assert_eq!(
            in_language("de").date_time(moment),
            "12. März 2026, 14:05 Uhr UTC"
        );
        assert_eq!(
            in_language("ja").date_time(moment),
            "2026年3月12日 14:05 UTC"
        );
    }

    #[test]
    fn a_missing_message_falls_back_to_english_then_to_its_key() {
        assert_eq!(in_language("de").text("no-such-message"), "no-such-message");
        assert_eq!(in_language("en").text("language-name"), "English");
    }

    #[test]
    fn elapsed_time_reads_in_words() {
        let ago = |secs| in_language("en").ago(std::time::Duration::from_secs(secs));
        assert_eq!(ago(5), "just now");
        assert_eq!(ago(90), "a minute ago");
        assert_eq!(ago(7 * 60), "7 minutes ago");
        assert_eq!(ago(3 * 3600), "3 hours ago");
        assert_eq!(ago(3 * 86_400), "3 days ago");
    }
}
