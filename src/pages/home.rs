//! The landing page at `/`: the server's name and the ways in.

use maud::{Markup, html};

use super::layout::{Frame, page};
use crate::i18n::Arg;

/// A link on the landing page: its words and where it goes.
pub struct Link {
    pub words: String,
    pub href: &'static str,
}

pub struct Home<'a> {
    pub csrf_token: &'a str,
    /// Who is signed in on this browser, if anyone.
    pub signed_in_as: Option<&'a str>,
    /// Administration, for a signed-in administrator: `Some` with the admin pages that exist
    /// (none yet: until there are, the section says where administration happens).
    pub admin_links: Option<Vec<Link>>,
}

pub fn home(frame: &Frame, view: &Home<'_>) -> Markup {
    page(
        frame,
        &frame.site_name,
        html! {
            h1 { (frame.site_name) }
            p { (frame.text("home-intro")) }
            a class="button" href="/device" { (frame.text("home-connect")) }
            @match view.signed_in_as {
                Some(account) => {
                    a class="button secondary" href="/account" { (frame.text("account-title")) }
                    a class="button secondary" href="/devices" { (frame.text("devices-title")) }
                    form method="post" action="/logout" class="signout" {
                        input type="hidden" name="csrf_token" value=(view.csrf_token);
                        (frame.text_with("home-signed-in-as", &[("account", Arg::Text(account))])) " "
                        button type="submit" class="link" { (frame.text("sign-out-button")) }
                    }
                }
                None => a class="button secondary" href="/login" { (frame.text("home-sign-in")) },
            }
            @if let Some(links) = &view.admin_links {
                h2 { (frame.text("home-admin-heading")) }
                @if links.is_empty() {
                    p class="muted" { (frame.text("home-admin-cli")) }
                }
                @for link in links {
                    p { a href=(link.href) { (link.words) } }
                }
            }
        },
    )
}
