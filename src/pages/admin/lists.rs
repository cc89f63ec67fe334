//! The admin pages that list things: the overview, people, clients, signing keys and the
//! audit log. Lists arrive paged by the server; a page shows "Previous" and "Next" links.

use maud::{Markup, html};

use super::address;

use super::{Section, admin_page, button_form};
use crate::pages::layout::Frame;

/// Where the next and previous pages of a list are, when there are any.
pub struct Paging {
    pub previous: Option<String>,
    pub next: Option<String>,
}

fn paging(frame: &Frame, paging: &Paging) -> Markup {
    html! {
        @if paging.previous.is_some() || paging.next.is_some() {
            p class="paging" {
                @if let Some(href) = &paging.previous {
                    a href=(href) { (frame.text("admin-previous")) } " "
                }
                @if let Some(href) = &paging.next {
                    a href=(href) { (frame.text("admin-next")) }
                }
            }
        }
    }
}

pub struct Dashboard<'a> {
    /// (what, value) pairs about the server, already in words.
    pub facts: &'a [(String, String)],
    /// The latest refusals and throttles: (when, event, who or what).
    pub refusals: &'a [(String, String, String)],
}

pub fn dashboard(frame: &Frame, view: &Dashboard<'_>) -> Markup {
    admin_page(
        frame,
        &frame.text("admin-overview"),
        Section::Overview,
        html! {
            dl class="facts" {
                @for (what, value) in view.facts {
                    dt { (what) } dd { (value) }
                }
            }
            h2 { (frame.text("admin-recent-refusals")) }
            @if view.refusals.is_empty() {
                p class="muted" { (frame.text("admin-none")) }
            } @else {
                table {
                    thead { tr {
                        th { (frame.text("admin-time")) }
                        th { (frame.text("admin-event")) }
                        th { (frame.text("admin-who")) }
                    } }
                    tbody {
                        @for (at, event, who) in view.refusals {
                            tr { td { (at) } td { (event) } td { (who) } }
                        }
                    }
                }
            }
        },
    )
}

/// One person in the list.
pub struct PersonRow {
    pub username: String,
    pub name: String,
    pub email: String,
    pub admin: bool,
    pub disabled: bool,
}

pub struct PeoplePage<'a> {
    pub query: &'a str,
    pub people: &'a [PersonRow],
    pub paging: Paging,
}

fn state_words(frame: &Frame, disabled: bool) -> String {
    if disabled {
        frame.text("admin-state-disabled")
    } else {
        frame.text("admin-state-active")
    }
}

pub fn people_page(frame: &Frame, view: &PeoplePage<'_>) -> Markup {
    admin_page(
        frame,
        &frame.text("admin-people"),
        Section::People,
        html! {
            p class="actions" {
                a class="button" href="/admin/invite" { (frame.text("admin-invite")) }
                " " a class="button secondary" href="/admin/links" { (frame.text("admin-links")) }
            }
            form method="get" action="/admin/people" class="search" {
                label for="q" { (frame.text("admin-search-label")) }
                input id="q" name="q" type="search" value=(view.query) maxlength="64";
                button type="submit" class="secondary" { (frame.text("admin-search")) }
            }
            @if view.people.is_empty() {
                p class="muted" { (frame.text("admin-none")) }
            } @else {
                table {
                    thead { tr {
                        th { (frame.text("admin-username")) }
                        th { (frame.text("admin-name")) }
                        th { (frame.text("admin-email")) }
                        th { (frame.text("admin-state")) }
                    } }
                    tbody {
                        @for person in view.people {
                            tr {
                                td { a href=(address("people", &person.username)) { (person.username) } }
                                td { (person.name) }
                                td { (person.email) }
                                td {
                                    (state_words(frame, person.disabled))
                                    @if person.admin { ", " (frame.text("admin-role-admin")) }
                                }
                            }
                        }
                    }
                }
            }
            (paging(frame, &view.paging))
        },
    )
}

/// One client in the list.
pub struct ClientRow {
    pub client_id: String,
    pub name: String,
    pub client_type: String,
    pub grants: String,
    pub disabled: bool,
}

pub struct ClientsPage<'a> {
    pub clients: &'a [ClientRow],
}

pub fn clients_page(frame: &Frame, view: &ClientsPage<'_>) -> Markup {
    admin_page(
        frame,
        &frame.text("admin-clients"),
        Section::Clients,
        html! {
            p class="actions" { a class="button" href="/admin/clients/new" { (frame.text("admin-new-client")) } }
            @if view.clients.is_empty() {
                p class="muted" { (frame.text("admin-none")) }
            } @else {
                table {
                    thead { tr {
                        th { (frame.text("admin-client-id")) }
                        th { (frame.text("admin-name")) }
                        th { (frame.text("admin-client-type")) }
                        th { (frame.text("admin-grants")) }
                        th { (frame.text("admin-state")) }
                    } }
                    tbody {
                        @for client in view.clients {
                            tr {
                                td { a href=(address("clients", &client.client_id)) { (client.client_id) } }
                                td { (client.name) }
                                td { (client.client_type) }
                                td { (client.grants) }
                                td { (state_words(frame, client.disabled)) }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// One signing key.
pub struct KeyRow {
    pub kid: String,
    pub alg: String,
    pub state: String,
    pub created: String,
}

pub struct KeysPage<'a> {
    pub keys: &'a [KeyRow],
}

pub fn keys_page(frame: &Frame, view: &KeysPage<'_>) -> Markup {
    admin_page(
        frame,
        &frame.text("admin-keys"),
        Section::Keys,
        html! {
            table {
                thead { tr {
                    th { (frame.text("admin-key-id")) }
                    th { (frame.text("admin-algorithm")) }
                    th { (frame.text("admin-state")) }
                    th { (frame.text("admin-created")) }
                } }
                tbody {
                    @for key in view.keys {
                        tr { td class="code" { (key.kid) } td { (key.alg) } td { (key.state) } td { (key.created) } }
                    }
                }
            }
            p { a class="button secondary" href="/admin/keys/rotate" { (frame.text("admin-rotate")) } }
        },
    )
}

/// One audit event.
pub struct EventRow {
    pub at: String,
    pub event: String,
    pub person: String,
    pub client: String,
    pub address: String,
    pub detail: String,
}

pub struct AuditPage<'a> {
    /// The person filtered by, as typed.
    pub person: &'a str,
    /// The event filtered by, and every event there is.
    pub event: &'a str,
    pub events_known: &'a [&'static str],
    pub events: &'a [EventRow],
    pub paging: Paging,
}

pub fn audit_page(frame: &Frame, view: &AuditPage<'_>) -> Markup {
    admin_page(
        frame,
        &frame.text("admin-audit"),
        Section::Audit,
        html! {
            form method="get" action="/admin/audit" class="search" {
                label for="person" { (frame.text("admin-person")) }
                input id="person" name="person" type="search" value=(view.person) maxlength="64";
                label for="event" { (frame.text("admin-event")) }
                select id="event" name="event" {
                    option value="" { (frame.text("admin-any-event")) }
                    @for known in view.events_known {
                        @if *known == view.event {
                            option value=(known) selected { (known) }
                        } @else {
                            option value=(known) { (known) }
                        }
                    }
                }
                button type="submit" class="secondary" { (frame.text("admin-filter")) }
            }
            @if view.events.is_empty() {
                p class="muted" { (frame.text("admin-none")) }
            } @else {
                table {
                    thead { tr {
                        th { (frame.text("admin-time")) }
                        th { (frame.text("admin-event")) }
                        th { (frame.text("admin-person")) }
                        th { (frame.text("admin-client")) }
                        th { (frame.text("admin-address")) }
                        th { (frame.text("admin-detail")) }
                    } }
                    tbody {
                        @for e in view.events {
                            tr {
                                td { (e.at) } td { (e.event) } td { (e.person) }
                                td { (e.client) } td { (e.address) } td { (e.detail) }
                            }
                        }
                    }
                }
            }
            (paging(frame, &view.paging))
        },
    )
}

/// The button on a person's page that signs one of their devices out.
pub(super) fn revoke_button(frame: &Frame, token: &str, grant_id: &str, back: &str) -> Markup {
    button_form(
        "/admin/grants/revoke",
        token,
        &[("grant", grant_id), ("back", back)],
        &frame.text("admin-revoke"),
        true,
    )
}
