//! The admin pages about groups: the list with a form to create one, and one group with its
//! members, a form to add one, renaming, and the way to delete it.

use maud::{Markup, html};

use super::address;

use super::{Section, admin_page, button_form};
use crate::i18n::Arg;
use crate::pages::layout::Frame;

/// One group in the list.
pub struct GroupRow {
    pub name: String,
    pub members: usize,
}

pub struct GroupsPage<'a> {
    pub csrf_token: &'a str,
    pub groups: &'a [GroupRow],
}

pub fn groups_page(frame: &Frame, view: &GroupsPage<'_>) -> Markup {
    admin_page(
        frame,
        &frame.text("admin-groups"),
        Section::Groups,
        html! {
            @if view.groups.is_empty() {
                p class="muted" { (frame.text("admin-none")) }
            } @else {
                table {
                    thead { tr { th { (frame.text("admin-name")) } th { (frame.text("admin-members")) } } }
                    tbody {
                        @for group in view.groups {
                            tr {
                                td { a href=(address("groups", &group.name)) { (group.name) } }
                                td { (group.members) }
                            }
                        }
                    }
                }
            }
            form method="post" action="/admin/groups" class="search" {
                input type="hidden" name="csrf_token" value=(view.csrf_token);
                label for="name" { (frame.text("admin-new-group")) }
                input id="name" name="name" type="text" required maxlength="64" autocapitalize="none" spellcheck="false";
                button type="submit" { (frame.text("admin-create")) }
            }
        },
    )
}

pub struct GroupPage<'a> {
    pub csrf_token: &'a str,
    pub name: &'a str,
    pub members: &'a [String],
}

pub fn group_page(frame: &Frame, view: &GroupPage<'_>) -> Markup {
    let here = address("groups", view.name);
    admin_page(
        frame,
        view.name,
        Section::Groups,
        html! {
            h2 { (frame.text("admin-members")) }
            @if view.members.is_empty() {
                p class="muted" { (frame.text("admin-none")) }
            } @else {
                table {
                    tbody {
                        @for member in view.members {
                            tr {
                                td { a href=(address("people", member)) { (member) } }
                                td {
                                    (button_form(
                                        &format!("{here}/members/remove"),
                                        view.csrf_token,
                                        &[("username", member)],
                                        &frame.text_with("admin-remove-member", &[("account", Arg::Text(member))]),
                                        true,
                                    ))
                                }
                            }
                        }
                    }
                }
            }
            form method="post" action=(format!("{here}/members")) class="search" {
                input type="hidden" name="csrf_token" value=(view.csrf_token);
                label for="username" { (frame.text("admin-add-member")) }
                input id="username" name="username" type="text" required maxlength="64" autocapitalize="none" spellcheck="false";
                button type="submit" { (frame.text("admin-add")) }
            }
            form method="post" action=(format!("{here}/rename")) class="search" {
                input type="hidden" name="csrf_token" value=(view.csrf_token);
                label for="new_name" { (frame.text("admin-rename-group")) }
                input id="new_name" name="new_name" type="text" required maxlength="64" value=(view.name) autocapitalize="none" spellcheck="false";
                button type="submit" class="secondary" { (frame.text("admin-rename")) }
            }
            p { a class="button secondary" href=(format!("{here}/delete")) { (frame.text("admin-delete")) } }
        },
    )
}
