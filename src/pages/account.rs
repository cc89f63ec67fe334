//! "My account" (`/account`): who the person is here, changing their password, and the way to
//! their devices and apps.

use maud::{Markup, html};

use super::layout::{Frame, page};

pub struct Account<'a> {
    pub csrf_token: &'a str,
    pub username: &'a str,
    pub name: Option<&'a str>,
    pub email: Option<&'a str>,
    /// The groups the person is in; only an operator changes them.
    pub groups: &'a [String],
    /// Whether the second factor is on.
    pub second_factor: bool,
    /// What just happened (the password changed), in the person's language.
    pub notice: Option<&'a str>,
    /// Why the password form was not taken, in the person's language.
    pub problem: Option<&'a str>,
}

pub fn account(frame: &Frame, view: &Account<'_>) -> Markup {
    let title = frame.text("account-title");
    let not_set = frame.text("account-not-set");
    page(
        frame,
        &title,
        html! {
            h1 { (title) }
            @if let Some(notice) = view.notice {
                p role="status" { strong { (notice) } }
            }
            dl class="account" {
                dt { (frame.text("username-label")) }
                dd { (view.username) }
                dt { (frame.text("account-name")) }
                dd { (view.name.unwrap_or(&not_set)) }
                dt { (frame.text("account-email")) }
                dd { (view.email.unwrap_or(&not_set)) }
                dt { (frame.text("account-groups")) }
                dd {
                    @if view.groups.is_empty() {
                        (frame.text("account-no-groups"))
                    } @else {
                        (view.groups.join(", "))
                    }
                }
            }
            p {
                a class="button secondary" href="/devices" { (frame.text("devices-title")) }
                " "
                a class="button secondary" href="/device" { (frame.text("home-connect")) }
            }
            h2 { (frame.text("account-password-heading")) }
            @if let Some(problem) = view.problem {
                p class="problem" role="alert" { (problem) }
            }
            form method="post" action="/account/password" {
                input type="hidden" name="csrf_token" value=(view.csrf_token);
                input type="hidden" name="username" value=(view.username) autocomplete="username";
                label for="current" { (frame.text("account-current-password")) }
                input id="current" name="current" type="password" required
                    autocomplete="current-password" maxlength="1024";
                (new_password_fields(frame))
                button type="submit" { (frame.text("account-password-heading")) }
            }
            (super::second_factor::account_section(frame, view.csrf_token, view.second_factor))
            form method="post" action="/logout" class="signout" {
                input type="hidden" name="csrf_token" value=(view.csrf_token);
                button type="submit" class="link" { (frame.text("sign-out-button")) }
            }
        },
    )
}

/// The new password, twice: shared by "My account" and the link pages.
fn new_password_fields(frame: &Frame) -> Markup {
    html! {
        label for="password" { (frame.text("account-new-password")) }
        input id="password" name="password" type="password" required autocomplete="new-password"
            minlength="8" maxlength="1024";
        label for="repeat" { (frame.text("account-repeat-password")) }
        input id="repeat" name="repeat" type="password" required autocomplete="new-password"
            minlength="8" maxlength="1024";
    }
}

/// The page an invitation or recovery link opens: choose a password, twice.
pub struct LinkForm<'a> {
    pub csrf_token: &'a str,
    /// Where the form posts: the link's own path.
    pub action: &'a str,
    pub invitation: bool,
    pub username: &'a str,
    pub known_as: &'a str,
    /// Until when the link works, as the person's language writes a date.
    pub until: &'a str,
    pub problem: Option<&'a str>,
}

pub fn link_form(frame: &Frame, view: &LinkForm<'_>) -> Markup {
    let name = crate::i18n::Arg::Text(view.known_as);
    let user = crate::i18n::Arg::Text(view.username);
    let (title, intro) = if view.invitation {
        (
            frame.text_with("link-invite-title", &[("name", name)]),
            frame.text_with("link-invite-intro", &[("username", user)]),
        )
    } else {
        (
            frame.text("link-reset-title"),
            frame.text_with("link-reset-intro", &[("username", user)]),
        )
    };
    page(
        frame,
        &title,
        html! {
            h1 { (title) }
            p { (intro) }
            p class="muted" { (frame.text_with("link-expires", &[("date", crate::i18n::Arg::Text(view.until))])) }
            @if let Some(problem) = view.problem {
                p class="problem" role="alert" { (problem) }
            }
            form method="post" action=(view.action) {
                input type="hidden" name="csrf_token" value=(view.csrf_token);
                input type="hidden" name="username" value=(view.username) autocomplete="username";
                (new_password_fields(frame))
                button type="submit" { (frame.text("link-button")) }
            }
        },
    )
}

/// A link opened in a browser signed in as someone else: say so, and offer to sign out.
pub fn signed_in_as_other(frame: &Frame, csrf_token: &str, account: &str) -> Markup {
    let title = frame.text("link-other-title");
    page(
        frame,
        &title,
        html! {
            h1 { (title) }
            p { (frame.text_with("link-other-body", &[("account", crate::i18n::Arg::Text(account))])) }
            form method="post" action="/logout" {
                input type="hidden" name="csrf_token" value=(csrf_token);
                button type="submit" { (frame.text("sign-out-button")) }
            }
        },
    )
}

/// Signing in to see "My account": the sign-in form, which comes back here afterwards.
pub fn sign_in_for_account(frame: &Frame, csrf_token: &str, problem: &str) -> Markup {
    let title = frame.text("sign-in-title");
    page(
        frame,
        &title,
        html! {
            h1 { (title) }
            p class="problem" role="alert" { (problem) }
            form method="post" action="/login" {
                input type="hidden" name="csrf_token" value=(csrf_token);
                input type="hidden" name="then" value="account";
                label for="username" { (frame.text("username-label")) }
                input id="username" name="username" type="text" required
                    autocomplete="username" autocapitalize="none" spellcheck="false" maxlength="64";
                label for="password" { (frame.text("password-label")) }
                input id="password" name="password" type="password" required
                    autocomplete="current-password" maxlength="1024";
                button type="submit" { (frame.text("sign-in-button")) }
            }
        },
    )
}
