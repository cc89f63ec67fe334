//! The web-app pages: consent to an app signing the person in, and signing out at an app's
//! request (OIDC RP-Initiated Logout).
//!
//! Invariant: every form carries `csrf_token`; the consent form's buttons are SPEC §0's
//! `decision=approve` and `decision=deny`.

use maud::{Markup, html};

use super::device::ScopeLine;
use super::layout::page;

pub struct AppConsent<'a> {
    pub csrf_token: &'a str,
    pub app_name: &'a str,
    /// The authorization request, carried to the decision.
    pub request: &'a str,
    pub scopes: &'a [ScopeLine],
    pub signed_in_as: &'a str,
    /// Where the browser goes afterwards, e.g. `photos.home.arpa`.
    pub returns_to: &'a str,
}

pub fn app_consent(view: &AppConsent<'_>) -> Markup {
    page(
        "Allow this app?",
        html! {
            h1 { "Sign in to " (view.app_name) "?" }
            p {
                strong { (view.app_name) } " wants to sign you in as " strong { (view.signed_in_as) } "."
            }
            p { "It will be able to:" }
            ul class="scopes" {
                @for line in view.scopes {
                    li { (line.words) " " span class="muted" { "(" (line.scope) ")" } }
                }
            }
            p class="muted" {
                "Afterwards you go back to " strong { (view.returns_to) } ". Your answer is remembered; you can take it back on "
                a href="/devices" { "My devices and apps" } "."
            }
            form method="post" action="/authorize/decision" class="decision" {
                input type="hidden" name="csrf_token" value=(view.csrf_token);
                input type="hidden" name="authorize" value=(view.request);
                button type="submit" name="decision" value="deny" class="secondary" { "Deny" }
                button type="submit" name="decision" value="approve" { "Allow" }
            }
            form method="post" action="/logout" class="signout" {
                input type="hidden" name="csrf_token" value=(view.csrf_token);
                "Not " (view.signed_in_as) "? "
                button type="submit" class="link" { "Sign out" }
            }
        },
    )
}

pub struct ConfirmSignOut<'a> {
    pub csrf_token: &'a str,
    pub signed_in_as: &'a str,
    /// The app that asked, when it said who it is.
    pub app_name: Option<&'a str>,
    /// Hidden fields that bring the browser back to the app afterwards.
    pub carry: &'a [(&'a str, &'a str)],
}

/// Asked when an app requests sign-out without proving it is this person's app (an
/// `id_token_hint` for the signed-in person), so no other site can sign people out at will.
pub fn confirm_sign_out(view: &ConfirmSignOut<'_>) -> Markup {
    page(
        "Sign out?",
        html! {
            h1 { "Sign out?" }
            p {
                @if let Some(app) = view.app_name { strong { (app) } " asks to sign you out. " }
                "You are signed in as " strong { (view.signed_in_as) } ". Signing out ends your sign-in on this browser; devices you connected stay connected."
            }
            form method="post" action="/logout" class="decision" {
                input type="hidden" name="csrf_token" value=(view.csrf_token);
                @for (name, value) in view.carry {
                    input type="hidden" name=(name) value=(value);
                }
                button type="submit" { "Sign out" }
            }
        },
    )
}
