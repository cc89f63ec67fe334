//! The admin pages about one-time links: inviting someone, a link just made (shown once, with
//! its QR code for a phone), and the list of links with a way to withdraw one.

use maud::{Markup, html};

use super::address;

use super::{Section, admin_page, button_form};
use crate::pages::layout::Frame;
use crate::pages::pairing::qr_svg;

pub struct InvitePage<'a> {
    pub csrf_token: &'a str,
    /// Why the last try was refused, when it was.
    pub problem: Option<&'a str>,
}

pub fn invite_page(frame: &Frame, view: &InvitePage<'_>) -> Markup {
    admin_page(
        frame,
        &frame.text("admin-invite"),
        Section::People,
        html! {
            p { (frame.text("admin-invite-intro")) }
            @if let Some(problem) = view.problem {
                p class="problem" role="alert" { (problem) }
            }
            form method="post" action="/admin/invite" {
                input type="hidden" name="csrf_token" value=(view.csrf_token);
                label for="username" { (frame.text("admin-username")) }
                input id="username" name="username" type="text" required maxlength="64" autocapitalize="none" spellcheck="false";
                label for="name" { (frame.text("admin-name")) }
                input id="name" name="name" type="text" maxlength="256";
                label for="email" { (frame.text("admin-email")) }
                input id="email" name="email" type="text" maxlength="256" autocapitalize="none" spellcheck="false";
                label for="groups" { (frame.text("admin-invite-groups")) }
                input id="groups" name="groups" type="text" maxlength="1024" autocapitalize="none" spellcheck="false";
                label class="check" {
                    input type="checkbox" name="admin" value="yes";
                    " " (frame.text("admin-invite-admin"))
                }
                button type="submit" { (frame.text("admin-invite")) }
            }
        },
    )
}

pub struct LinkMade<'a> {
    pub title: &'a str,
    pub url: &'a str,
    /// When it stops working, in words.
    pub until: &'a str,
    pub username: &'a str,
}

/// A link just made: the only time it is shown.
pub fn link_made(frame: &Frame, view: &LinkMade<'_>) -> Markup {
    admin_page(
        frame,
        view.title,
        Section::People,
        html! {
            p { (frame.text("admin-link-once")) }
            p class="code link-made" { (view.url) }
            @if let Some(qr) = qr_svg(view.url, &frame.text("admin-link-qr")) {
                div class="pair-qr" { (qr) }
            }
            p class="muted" { (view.until) }
            p { a href=(address("people", view.username)) { (view.username) } }
        },
    )
}

/// One link in the list.
pub struct LinkRow {
    pub id: String,
    pub username: String,
    pub kind: String,
    pub state: String,
    pub expires: String,
    pub live: bool,
}

pub struct LinksPage<'a> {
    pub csrf_token: &'a str,
    pub links: &'a [LinkRow],
}

pub fn links_page(frame: &Frame, view: &LinksPage<'_>) -> Markup {
    admin_page(
        frame,
        &frame.text("admin-links"),
        Section::People,
        html! {
            @if view.links.is_empty() {
                p class="muted" { (frame.text("admin-none")) }
            } @else {
                table {
                    thead { tr {
                        th { (frame.text("admin-username")) }
                        th { (frame.text("admin-link-kind")) }
                        th { (frame.text("admin-state")) }
                        th { (frame.text("admin-link-expires")) }
                        th {}
                    } }
                    tbody {
                        @for link in view.links {
                            tr {
                                td { a href=(address("people", &link.username)) { (link.username) } }
                                td { (link.kind) }
                                td { (link.state) }
                                td { (link.expires) }
                                td {
                                    @if link.live {
                                        (button_form("/admin/links/revoke", view.csrf_token, &[("id", &link.id)], &frame.text("admin-withdraw"), true))
                                    }
                                }
                            }
                        }
                    }
                }
            }
            p { a class="button secondary" href="/admin/invite" { (frame.text("admin-invite")) } }
        },
    )
}

pub struct NewClientPage<'a> {
    pub csrf_token: &'a str,
    pub problem: Option<&'a str>,
}

/// The grants a new client may use, as its form offers them: (form field, grant, checked).
const GRANTS: [(&str, &str, bool); 4] = [
    ("grant_device_code", "device_code", true),
    ("grant_refresh_token", "refresh_token", true),
    ("grant_authorization_code", "authorization_code", false),
    ("grant_client_credentials", "client_credentials", false),
];

/// Registering a client, with the settings most clients need; the CLI has the rest.
pub fn new_client_page(frame: &Frame, view: &NewClientPage<'_>) -> Markup {
    admin_page(
        frame,
        &frame.text("admin-new-client"),
        Section::Clients,
        html! {
            @if let Some(problem) = view.problem {
                p class="problem" role="alert" { (problem) }
            }
            form method="post" action="/admin/clients/new" {
                input type="hidden" name="csrf_token" value=(view.csrf_token);
                label for="client_id" { (frame.text("admin-client-id")) }
                input id="client_id" name="client_id" type="text" required maxlength="64" autocapitalize="none" spellcheck="false";
                label for="name" { (frame.text("admin-name")) }
                input id="name" name="name" type="text" maxlength="256";
                label class="check" {
                    input type="checkbox" name="confidential" value="yes";
                    " " (frame.text("admin-new-client-confidential"))
                }
                fieldset {
                    legend { (frame.text("admin-grants")) }
                    @for (field, grant, checked) in GRANTS {
                        label class="check" {
                            @if checked {
                                input type="checkbox" name=(field) value="yes" checked;
                            } @else {
                                input type="checkbox" name=(field) value="yes";
                            }
                            " " (grant)
                        }
                    }
                }
                label for="scope" { (frame.text("admin-scopes")) }
                input id="scope" name="scope" type="text" maxlength="1024" value="openid profile email offline_access" autocapitalize="none" spellcheck="false";
                label for="redirect_uris" { (frame.text("admin-redirect-uris")) }
                input id="redirect_uris" name="redirect_uris" type="text" maxlength="4096" autocapitalize="none" spellcheck="false";
                label for="groups" { (frame.text("admin-allowed-groups-label")) }
                input id="groups" name="groups" type="text" maxlength="1024" autocapitalize="none" spellcheck="false";
                button type="submit" { (frame.text("admin-create")) }
            }
        },
    )
}

/// The form fields that name the grants a new client may use, and the grants they name.
pub fn grant_fields() -> impl Iterator<Item = (&'static str, &'static str)> {
    GRANTS.into_iter().map(|(field, grant, _)| (field, grant))
}
