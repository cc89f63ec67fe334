//! The frame every page shares: the document in the person's language, the site's name, and
//! the language links.

use maud::{DOCTYPE, Markup, html};

use crate::assets::stylesheet_path;
use crate::i18n::{Arg, Piece, Translator};

/// What every page knows besides its own view: who it speaks to and where it stands.
#[derive(Debug, Clone)]
pub struct Frame {
    /// The person's language.
    pub language: Translator,
    /// The server's name (`--site-name`), shown instead of "this server".
    pub site_name: String,
    /// A local path whose GET shows this page (or the step it belongs to) again: where the
    /// language links come back to.
    pub here: String,
    /// The server runs on plain http on a private network (`--plain-http-on-private-network`):
    /// every page says so, since anyone on that network can read and change it.
    pub plain_http: bool,
}

impl Frame {
    /// The message `key` in the person's language.
    pub fn text(&self, key: &str) -> String {
        self.language.text(key)
    }

    /// The message `key` with its arguments.
    pub fn text_with(&self, key: &str, args: &[(&str, Arg<'_>)]) -> String {
        self.language.text_with(key, args)
    }

    /// The message `key` with the site's name as `$site`.
    pub fn text_with_site(&self, key: &str) -> String {
        self.language
            .text_with(key, &[("site", Arg::Text(&self.site_name))])
    }
}

/// The message `key` with markup in the places of the arguments `slots` names (a name in bold,
/// a link), wherever the person's language puts them; the catalog's own text is escaped.
pub fn rich(frame: &Frame, key: &str, slots: &[(&str, Markup)]) -> Markup {
    let names: Vec<&str> = slots.iter().map(|(name, _)| *name).collect();
    let pieces = frame.language.pieces(key, &[], &names);
    html! {
        @for piece in &pieces {
            @match piece {
                Piece::Text(text) => (text),
                Piece::Slot(index) => @if let Some((_, markup)) = slots.get(*index) { (markup) },
            }
        }
    }
}

/// The link that switches to `language` and comes back to `here`.
fn language_link(language: &Translator, here: &str) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("lang", language.tag())
        .append_pair("back", here)
        .finish();
    format!("/language?{query}")
}

pub fn page(frame: &Frame, title: &str, body: Markup) -> Markup {
    let current = frame.language.tag();
    html! {
        (DOCTYPE)
        html lang=(current) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                @if title == frame.site_name {
                    title { (title) }
                } @else {
                    title { (title) " · " (frame.site_name) }
                }
                link rel="stylesheet" href=(stylesheet_path());
            }
            body {
                header class="site" { a href="/" { (frame.site_name) } }
                @if frame.plain_http {
                    p class="insecure" role="alert" { (frame.text("plain-http-warning")) }
                }
                main { div class="card" { (body) } }
                nav class="languages" aria-label=(frame.text("languages-label")) {
                    @for language in Translator::shipped() {
                        @let name = language.text("language-name");
                        @if language.tag() == current {
                            span lang=(language.tag()) aria-current="true" { (name) }
                        } @else {
                            a href=(language_link(&language, &frame.here)) lang=(language.tag())
                                hreflang=(language.tag()) { (name) }
                        }
                    }
                }
            }
        }
    }
}
