//! The person's pages of the device flow: enter the code, sign in, consent, and the outcomes.
//!
//! Invariant: every form carries `csrf_token`; field names are SPEC §0's (`user_code`,
//! `username`, `password`, `decision`); the device code never appears on any page.

use maud::{Markup, html};

use super::layout::page;

pub struct EnterCode<'a> {
    pub csrf_token: &'a str,
    /// From `verification_uri_complete`: shown for the person to compare with the device.
    pub prefilled: Option<&'a str>,
    pub problem: Option<&'a str>,
}

pub fn enter_code(view: &EnterCode<'_>) -> Markup {
    let title = if view.prefilled.is_some() {
        "Check the code"
    } else {
        "Connect a device"
    };
    page(
        title,
        html! {
            h1 { (title) }
            @if let Some(problem) = view.problem {
                p class="problem" role="alert" { (problem) }
            }
            @if view.prefilled.is_some() {
                p { "Make sure this code is the one shown on your device's screen. If it is not, do not continue." }
            } @else {
                p { "Enter the code shown on your TV, console or other device." }
            }
            form method="post" action="/device" {
                input type="hidden" name="csrf_token" value=(view.csrf_token);
                label for="user_code" { "Code" }
                input id="user_code" class="code" name="user_code" type="text" required
                    value=(view.prefilled.unwrap_or_default())
                    placeholder="BCDF-GHJK" inputmode="text" autocapitalize="characters"
                    autocomplete="one-time-code" autocorrect="off" spellcheck="false" maxlength="32";
                button type="submit" { "Continue" }
            }
        },
    )
}

#[derive(Default)]
pub struct Login<'a> {
    pub csrf_token: &'a str,
    /// The code being connected, carried through sign-in.
    pub user_code: Option<&'a str>,
    /// The web app being signed in to and its authorization request, carried through sign-in.
    pub app: Option<(&'a str, &'a str)>,
    pub username: &'a str,
    pub problem: Option<&'a str>,
}

pub fn login(view: &Login<'_>) -> Markup {
    page(
        "Sign in",
        html! {
            h1 { "Sign in" }
            @if let Some(code) = view.user_code {
                p { "Sign in to connect the device showing " strong class="code" { (code) } "." }
            }
            @if let Some((app_name, _)) = view.app {
                p { "Sign in to continue to " strong { (app_name) } "." }
            }
            @if let Some(problem) = view.problem {
                p class="problem" role="alert" { (problem) }
            }
            form method="post" action="/login" {
                input type="hidden" name="csrf_token" value=(view.csrf_token);
                @if let Some(code) = view.user_code {
                    input type="hidden" name="user_code" value=(code);
                }
                @if let Some((_, request)) = view.app {
                    input type="hidden" name="authorize" value=(request);
                }
                label for="username" { "Username" }
                input id="username" name="username" type="text" required value=(view.username)
                    autocomplete="username" autocapitalize="none" spellcheck="false" maxlength="64";
                label for="password" { "Password" }
                input id="password" name="password" type="password" required autocomplete="current-password" maxlength="1024";
                button type="submit" { "Sign in" }
            }
        },
    )
}

/// One scope, and what it lets the device do, in words.
pub struct ScopeLine {
    pub scope: String,
    pub words: String,
}

pub struct Consent<'a> {
    pub csrf_token: &'a str,
    pub user_code: &'a str,
    pub client_name: &'a str,
    pub scopes: &'a [ScopeLine],
    pub signed_in_as: &'a str,
    /// Where the device asked from and how long ago, when known.
    pub requested_from: Option<&'a str>,
    pub requested_ago: &'a str,
    /// `Some(true)` when the device's address looks like the same network as this browser's.
    pub same_network: Option<bool>,
}

pub fn consent(view: &Consent<'_>) -> Markup {
    page(
        "Connect this device?",
        html! {
            h1 { "You are signing in on a device" }
            p {
                strong { (view.client_name) } " wants to use your account, " strong { (view.signed_in_as) } "."
            }
            dl class="facts" {
                dt { "Code" } dd class="code" { (view.user_code) }
                dt { "Requested" } dd {
                    (view.requested_ago)
                    @if let Some(address) = view.requested_from { " from " (address) }
                }
            }
            @match view.same_network {
                Some(true) => p class="muted" { "The device seems to be on the same network as you." },
                Some(false) => p class="warning" { "The device is on a different network from you. Only continue if you started this yourself." },
                None => {},
            }
            p { "It will be able to:" }
            ul class="scopes" {
                @for line in view.scopes {
                    li { (line.words) " " span class="muted" { "(" (line.scope) ")" } }
                }
            }
            p class="warning" {
                "Only continue if the code above is on the screen of a device in front of you. If you did not start this, choose Deny."
            }
            form method="post" action="/device/decision" class="decision" {
                input type="hidden" name="csrf_token" value=(view.csrf_token);
                input type="hidden" name="user_code" value=(view.user_code);
                button type="submit" name="decision" value="deny" class="secondary" { "Deny" }
                button type="submit" name="decision" value="approve" { "Approve" }
            }
            form method="post" action="/logout" class="signout" {
                input type="hidden" name="csrf_token" value=(view.csrf_token);
                "Not " (view.signed_in_as) "? "
                button type="submit" class="link" { "Sign out" }
            }
        },
    )
}

/// A page that only says what happened and what to do next.
pub struct Message<'a> {
    pub title: &'a str,
    pub body: &'a str,
    /// Offer a link back to the code entry page.
    pub again: bool,
}

pub fn message(view: &Message<'_>) -> Markup {
    page(
        view.title,
        html! {
            h1 { (view.title) }
            p { (view.body) }
            @if view.again {
                p { a href="/device" { "Enter a code" } }
            }
        },
    )
}

/// `just now`, `a minute ago`, `7 minutes ago`, `3 hours ago`, `2 days ago`.
pub fn ago(elapsed: std::time::Duration) -> String {
    match elapsed.as_secs() {
        0..=59 => "just now".into(),
        60..=119 => "a minute ago".into(),
        secs @ 120..=7199 => format!("{} minutes ago", secs / 60),
        secs @ 7200..=172_799 => format!("{} hours ago", secs / 3600),
        secs => format!("{} days ago", secs / 86_400),
    }
}

/// What a scope means to a person (OIDC Core §5.4 for the standard ones).
pub fn scope_words(scope: &str) -> String {
    match scope {
        "openid" => "Know who you are on this server".into(),
        "profile" => "See your name and username".into(),
        "email" => "See your email address".into(),
        "offline_access" => "Stay signed in on this device until you sign it out".into(),
        other => format!("Use {other}"),
    }
}
