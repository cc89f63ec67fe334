//! The web-app pages: consent to an app signing the person in, and signing out at an app's
//! request (OIDC RP-Initiated Logout).
//!
//! Invariant: every form carries `csrf_token`; the consent form's buttons are SPEC §0's
//! `decision=approve` and `decision=deny`.

use maud::{Markup, html};

use super::device::{ScopeLine, not_you, scope_list};
use super::layout::{Frame, page, rich};

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

pub fn app_consent(frame: &Frame, view: &AppConsent<'_>) -> Markup {
    let app = || html! { strong { (view.app_name) } };
    page(
        frame,
        &frame.text("app-consent-title"),
        html! {
            h1 { (rich(frame, "app-consent-heading", &[("app", html! { (view.app_name) })])) }
            p {
                (rich(frame, "app-consent-wants", &[
                    ("app", app()),
                    ("account", html! { strong { (view.signed_in_as) } }),
                ]))
            }
            p { (frame.text("app-able-to")) }
            (scope_list(view.scopes))
            p class="muted" {
                (rich(frame, "app-consent-after", &[
                    ("host", html! { strong { (view.returns_to) } }),
                    ("devices", html! { a href="/devices" { (frame.text("devices-title")) } }),
                ]))
            }
            form method="post" action="/authorize/decision" class="decision" {
                input type="hidden" name="csrf_token" value=(view.csrf_token);
                input type="hidden" name="authorize" value=(view.request);
                button type="submit" name="decision" value="deny" class="secondary" { (frame.text("deny-button")) }
                button type="submit" name="decision" value="approve" { (frame.text("allow-button")) }
            }
            (not_you(frame, view.csrf_token, view.signed_in_as))
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
pub fn confirm_sign_out(frame: &Frame, view: &ConfirmSignOut<'_>) -> Markup {
    let title = frame.text("sign-out-title");
    page(
        frame,
        &title,
        html! {
            h1 { (title) }
            p {
                @if let Some(app) = view.app_name {
                    (rich(frame, "sign-out-app-asks", &[("app", html! { strong { (app) } })])) " "
                }
                (rich(frame, "sign-out-explain", &[("account", html! { strong { (view.signed_in_as) } })]))
            }
            form method="post" action="/logout" class="decision" {
                input type="hidden" name="csrf_token" value=(view.csrf_token);
                @for (name, value) in view.carry {
                    input type="hidden" name=(name) value=(value);
                }
                a class="button secondary" href="/" { (frame.text("stay-signed-in")) }
                button type="submit" { (frame.text("sign-out-button")) }
            }
        },
    )
}
