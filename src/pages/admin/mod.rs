//! The admin pages: a frame of their own (a wider card, the admin menu), and the pieces every
//! one of them uses. The pages themselves are in `lists` (people, clients, keys, the audit log)
//! and `detail` (one person, one client, confirmations).

mod detail;
mod groups;
mod links;
mod lists;

use maud::{Markup, html};

pub use detail::{
    ClientPage, Confirm, DeviceRow, PersonPage, SecretMade, client_page, confirm, person_page,
    secret_made,
};
pub use groups::{GroupPage, GroupRow, GroupsPage, group_page, groups_page};
pub use links::{
    InvitePage, LinkMade, LinkRow, LinksPage, NewClientPage, grant_fields, invite_page, link_made,
    links_page, new_client_page,
};
pub use lists::{
    AuditPage, ClientRow, ClientsPage, Dashboard, EventRow, KeyRow, KeysPage, Paging, PeoplePage,
    PersonRow, audit_page, clients_page, dashboard, keys_page, people_page,
};

use super::layout::{Frame, page, rich};

/// The admin page of one person, client or group (`section`): its name percent-encoded as a
/// path segment, since a client id may hold any printable character (`/`, `?`, a space).
pub fn address(section: &str, name: &str) -> String {
    let mut encoded = String::with_capacity(name.len());
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("/admin/{section}/{encoded}")
}

/// Which admin page is shown, for the menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Overview,
    People,
    Groups,
    Clients,
    Keys,
    Audit,
}

fn menu(frame: &Frame, current: Section) -> Markup {
    let entries = [
        (Section::Overview, "/admin", frame.text("admin-overview")),
        (Section::People, "/admin/people", frame.text("admin-people")),
        (Section::Groups, "/admin/groups", frame.text("admin-groups")),
        (
            Section::Clients,
            "/admin/clients",
            frame.text("admin-clients"),
        ),
        (Section::Keys, "/admin/keys", frame.text("admin-keys")),
        (Section::Audit, "/admin/audit", frame.text("admin-audit")),
    ];
    html! {
        nav class="admin-menu" aria-label=(frame.text("home-admin-heading")) {
            @for (section, href, words) in entries {
                @if section == current {
                    a href=(href) aria-current="page" { (words) }
                } @else {
                    a href=(href) { (words) }
                }
            }
        }
    }
}

/// An admin page: the menu, then `body`, in a card wide enough for tables.
fn admin_page(frame: &Frame, title: &str, current: Section, body: Markup) -> Markup {
    page(
        frame,
        title,
        html! {
            div class="admin" {
                (menu(frame, current))
                h1 { (title) }
                (body)
            }
        },
    )
}

/// A POST form of one button, with the form token and hidden fields.
fn button_form(
    action: &str,
    token: &str,
    fields: &[(&str, &str)],
    words: &str,
    secondary: bool,
) -> Markup {
    html! {
        form method="post" action=(action) class="inline" {
            input type="hidden" name="csrf_token" value=(token);
            @for (name, value) in fields {
                input type="hidden" name=(name) value=(value);
            }
            @if secondary {
                button type="submit" class="secondary" { (words) }
            } @else {
                button type="submit" { (words) }
            }
        }
    }
}

/// For a person signed in who is not an administrator, whatever admin page they asked for.
pub fn not_an_admin(frame: &Frame, token: &str, known_as: &str) -> Markup {
    let title = frame.text("admin-only-title");
    page(
        frame,
        &title,
        html! {
            h1 { (title) }
            p { (rich(frame, "admin-only-body", &[("account", html! { strong { (known_as) } })])) }
            p { a href="/" { (frame.text("go-home")) } }
            form method="post" action="/logout" class="signout" {
                input type="hidden" name="csrf_token" value=(token);
                button type="submit" class="secondary" { (frame.text("sign-out-button")) }
            }
        },
    )
}
