//! The person's pages of the device flow: enter the code, sign in, consent, and the outcomes.
//!
//! Invariant: every form carries `csrf_token`; field names are SPEC §0's (`user_code`,
//! `username`, `password`, `decision`); the device code never appears on any page.

use maud::{Markup, html};

use super::layout::{Frame, page, rich};
use crate::i18n::Arg;

pub struct EnterCode<'a> {
    pub csrf_token: &'a str,
    /// From `verification_uri_complete`: shown for the person to compare with the device.
    pub prefilled: Option<&'a str>,
    /// What the person typed, shown back with `problem` to be corrected.
    pub typed: Option<&'a str>,
    /// What was wrong with the code just typed, in the person's language.
    pub problem: Option<&'a str>,
}

pub fn enter_code(frame: &Frame, view: &EnterCode<'_>) -> Markup {
    let title = if view.prefilled.is_some() {
        frame.text("check-code-title")
    } else {
        frame.text("enter-code-title")
    };
    page(
        frame,
        &title,
        html! {
            h1 { (title) }
            @if let Some(problem) = view.problem {
                p class="problem" role="alert" { (problem) }
            }
            @if view.prefilled.is_some() {
                p { (frame.text("check-code-intro")) }
            } @else {
                p { (frame.text("enter-code-intro")) }
            }
            form method="post" action="/device" {
                input type="hidden" name="csrf_token" value=(view.csrf_token);
                label for="user_code" { (frame.text("code-label")) }
                input id="user_code" class="code" name="user_code" type="text" required
                    value=(view.prefilled.or(view.typed).unwrap_or_default())
                    placeholder="BCDF-GHJK" inputmode="text" autocapitalize="characters"
                    autocomplete="one-time-code" autocorrect="off" spellcheck="false" maxlength="32";
                button type="submit" { (frame.text("continue-button")) }
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
    /// Why the person is asked (again), in their language.
    pub problem: Option<&'a str>,
    /// The page on this server to go back to once signed in (a page that asked for it).
    pub back: Option<&'a str>,
}

pub fn login(frame: &Frame, view: &Login<'_>) -> Markup {
    let title = frame.text("sign-in-title");
    page(
        frame,
        &title,
        html! {
            h1 { (title) }
            @if let Some(code) = view.user_code {
                p { (rich(frame, "sign-in-for-device", &[("code", html! { strong class="code" { (code) } })])) }
            }
            @if let Some((app_name, _)) = view.app {
                p { (rich(frame, "sign-in-for-app", &[("app", html! { strong { (app_name) } })])) }
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
                @if let Some(back) = view.back {
                    input type="hidden" name="back" value=(back);
                }
                label for="username" { (frame.text("username-label")) }
                input id="username" name="username" type="text" required value=(view.username)
                    autocomplete="username" autocapitalize="none" spellcheck="false" maxlength="64";
                label for="password" { (frame.text("password-label")) }
                input id="password" name="password" type="password" required autocomplete="current-password" maxlength="1024";
                button type="submit" { (frame.text("sign-in-button")) }
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
    /// Where the device asked from, when known.
    pub requested_from: Option<&'a str>,
    /// How long ago it asked, in words.
    pub requested_ago: &'a str,
    /// `Some(true)` when the device's address looks like the same network as this browser's.
    pub same_network: Option<bool>,
}

/// The scopes asked for, each in words with its name beside it.
pub fn scope_list(scopes: &[ScopeLine]) -> Markup {
    html! {
        ul class="scopes" {
            @for line in scopes {
                li { (line.words) " " span class="muted" { "(" (line.scope) ")" } }
            }
        }
    }
}

/// "Not Alice? [Sign out]", under a consent form.
pub fn not_you(frame: &Frame, csrf_token: &str, signed_in_as: &str) -> Markup {
    html! {
        form method="post" action="/logout" class="signout" {
            input type="hidden" name="csrf_token" value=(csrf_token);
            (frame.text_with("not-you", &[("account", Arg::Text(signed_in_as))])) " "
            button type="submit" class="link" { (frame.text("sign-out-button")) }
        }
    }
}

pub fn consent(frame: &Frame, view: &Consent<'_>) -> Markup {
    page(
        frame,
        &frame.text("consent-title"),
        html! {
            h1 { (frame.text("consent-heading")) }
            p {
                (rich(frame, "consent-wants", &[
                    ("client", html! { strong { (view.client_name) } }),
                    ("account", html! { strong { (view.signed_in_as) } }),
                ]))
            }
            dl class="facts" {
                dt { (frame.text("consent-code")) } dd class="code" { (view.user_code) }
                dt { (frame.text("consent-requested")) } dd {
                    @if let Some(address) = view.requested_from {
                        (frame.text_with("consent-requested-from", &[
                            ("ago", Arg::Text(view.requested_ago)),
                            ("address", Arg::Text(address)),
                        ]))
                    } @else {
                        (view.requested_ago)
                    }
                }
            }
            @match view.same_network {
                Some(true) => p class="muted" { (frame.text("same-network")) },
                Some(false) => p class="warning" { (frame.text("other-network")) },
                None => {},
            }
            p { (frame.text("able-to")) }
            (scope_list(view.scopes))
            p class="warning" { (frame.text("consent-warning")) }
            form method="post" action="/device/decision" class="decision" {
                input type="hidden" name="csrf_token" value=(view.csrf_token);
                input type="hidden" name="user_code" value=(view.user_code);
                button type="submit" name="decision" value="deny" class="secondary" { (frame.text("deny-button")) }
                button type="submit" name="decision" value="approve" { (frame.text("approve-button")) }
                // Cross-device BCP, "Detect and Remediate": the person who was sent someone
                // else's code says so, and the server acts on it.
                p class="report" {
                    button type="submit" name="decision" value="report" class="link" id="report" {
                        (frame.text("report-button"))
                    }
                }
            }
            (not_you(frame, view.csrf_token, view.signed_in_as))
        },
    )
}

/// What became of a device's request the person just decided.
pub struct DeviceDone<'a> {
    pub client_name: &'a str,
    pub approved: bool,
    /// Denied as "I didn't start this".
    pub reported: bool,
}

/// "Living room TV is connected", and where to go next.
pub fn device_done(frame: &Frame, view: &DeviceDone<'_>) -> Markup {
    let client = [("client", Arg::Text(view.client_name))];
    let title = if view.approved {
        frame.text_with("device-connected-named", &client)
    } else if view.reported {
        frame.text_with("device-reported-named", &client)
    } else {
        frame.text_with("device-denied-named", &client)
    };
    page(
        frame,
        &title,
        html! {
            h1 { (title) }
            @if view.approved {
                p { (frame.text("device-connected-body")) }
                p { a href="/devices" { (frame.text("signed-in-devices")) } }
                p { a href="/device" { (frame.text("connect-another")) } }
            } @else if view.reported {
                p { (frame.text("device-reported-body")) }
                p { a href="/devices" id="review-devices" { (frame.text("device-reported-review")) } }
            } @else {
                p { (frame.text("device-denied-body")) }
                p { a href="/device" { (frame.text("enter-another-code")) } }
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

pub fn message(frame: &Frame, view: &Message<'_>) -> Markup {
    page(
        frame,
        view.title,
        html! {
            h1 { (view.title) }
            p { (view.body) }
            @if view.again {
                p { a href="/device" { (frame.text("enter-a-code")) } }
            }
        },
    )
}

/// What a scope means to a person (OIDC Core §5.4 for the standard ones); an API scope, which
/// the operator names, by its name.
pub fn scope_words(frame: &Frame, scope: &str) -> String {
    match scope {
        "openid" => frame.text_with_site("scope-openid"),
        "profile" => frame.text("scope-profile"),
        "email" => frame.text("scope-email"),
        "offline_access" => frame.text("scope-offline-access"),
        "groups" => frame.text("scope-groups"),
        other => frame.text_with("scope-api", &[("scope", Arg::Text(other))]),
    }
}
