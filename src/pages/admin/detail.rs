//! The admin pages about one thing: a person, a client; and the page that confirms a change
//! that ends something before it is made.

use maud::{Markup, html};

use super::address;

use super::lists::revoke_button;
use super::{Section, admin_page, button_form};
use crate::pages::layout::Frame;

/// One of a person's paired devices.
pub struct DeviceRow {
    pub grant_id: String,
    pub client_name: String,
    pub approved: String,
    pub last_used: String,
    pub live: bool,
}

pub struct PersonPage<'a> {
    pub csrf_token: &'a str,
    pub username: &'a str,
    /// (what, value) pairs, already in words.
    pub facts: &'a [(String, String)],
    pub disabled: bool,
    pub devices: &'a [DeviceRow],
}

pub fn person_page(frame: &Frame, view: &PersonPage<'_>) -> Markup {
    let here = address("people", view.username);
    admin_page(
        frame,
        view.username,
        Section::People,
        html! {
            dl class="facts" {
                @for (what, value) in view.facts {
                    dt { (what) } dd { (value) }
                }
            }
            p class="actions" {
                @if view.disabled {
                    (button_form(&format!("{here}/enable"), view.csrf_token, &[], &frame.text("admin-enable"), false))
                } @else {
                    a class="button secondary" href=(format!("{here}/disable")) { (frame.text("admin-disable")) }
                }
                " " a class="button secondary" href=(format!("{here}/reset")) { (frame.text("admin-reset")) }
                " " a class="button secondary" href=(format!("{here}/remove")) { (frame.text("admin-remove")) }
            }
            h2 { (frame.text("admin-devices")) }
            @if view.devices.is_empty() {
                p class="muted" { (frame.text("admin-none")) }
            } @else {
                table {
                    thead { tr {
                        th { (frame.text("admin-client")) }
                        th { (frame.text("admin-approved")) }
                        th { (frame.text("admin-last-used")) }
                        th {}
                    } }
                    tbody {
                        @for device in view.devices {
                            tr {
                                td { (device.client_name) }
                                td { (device.approved) }
                                td { (device.last_used) }
                                td {
                                    @if device.live {
                                        (revoke_button(frame, view.csrf_token, &device.grant_id, &here))
                                    } @else {
                                        span class="muted" { (frame.text("admin-ended")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

pub struct ClientPage<'a> {
    pub csrf_token: &'a str,
    pub client_id: &'a str,
    pub name: &'a str,
    pub facts: &'a [(String, String)],
    pub disabled: bool,
    /// The allowed groups' names, separated by spaces; empty for everyone.
    pub allowed_groups: &'a str,
    /// Has a secret, which can be replaced.
    pub confidential: bool,
}

pub fn client_page(frame: &Frame, view: &ClientPage<'_>) -> Markup {
    let here = address("clients", view.client_id);
    admin_page(
        frame,
        view.name,
        Section::Clients,
        html! {
            dl class="facts" {
                @for (what, value) in view.facts {
                    dt { (what) } dd { (value) }
                }
            }
            form method="post" action=(format!("{here}/groups")) class="search" {
                input type="hidden" name="csrf_token" value=(view.csrf_token);
                label for="groups" { (frame.text("admin-allowed-groups-label")) }
                input id="groups" name="groups" type="text" maxlength="1024" value=(view.allowed_groups) autocapitalize="none" spellcheck="false";
                button type="submit" class="secondary" { (frame.text("admin-save")) }
            }
            p class="actions" {
                @if view.disabled {
                    (button_form(&format!("{here}/enable"), view.csrf_token, &[], &frame.text("admin-enable"), false))
                } @else {
                    a class="button secondary" href=(format!("{here}/disable")) { (frame.text("admin-disable")) }
                }
                @if view.confidential {
                    " " a class="button secondary" href=(format!("{here}/secret")) { (frame.text("admin-secret-rotate")) }
                }
                " " a class="button secondary" href=(format!("{here}/remove")) { (frame.text("admin-remove")) }
            }
        },
    )
}

/// A client secret just made: the only time it is shown.
pub struct SecretMade<'a> {
    pub client_id: &'a str,
    pub secret: &'a str,
}

pub fn secret_made(frame: &Frame, view: &SecretMade<'_>) -> Markup {
    admin_page(
        frame,
        &frame.text_with(
            "admin-secret-made",
            &[("client", crate::i18n::Arg::Text(view.client_id))],
        ),
        Section::Clients,
        html! {
            p { (frame.text("admin-secret-once")) }
            p class="code link-made" { (view.secret) }
            p { a href=(address("clients", view.client_id)) { (view.client_id) } }
        },
    )
}

/// "Disable Bob?": what the change ends, the button that makes it, and a way back.
pub struct Confirm<'a> {
    pub csrf_token: &'a str,
    pub section: Section,
    pub title: &'a str,
    pub body: &'a str,
    /// Where the form posts.
    pub action: &'a str,
    pub button: &'a str,
    /// Where "Cancel" leads.
    pub back: &'a str,
}

pub fn confirm(frame: &Frame, view: &Confirm<'_>) -> Markup {
    admin_page(
        frame,
        view.title,
        view.section,
        html! {
            p { (view.body) }
            form method="post" action=(view.action) class="decision" {
                input type="hidden" name="csrf_token" value=(view.csrf_token);
                a class="button secondary" href=(view.back) { (frame.text("admin-cancel")) }
                button type="submit" { (view.button) }
            }
        },
    )
}
