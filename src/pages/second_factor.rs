//! The second factor's pages: the code asked for after the password, setting up an
//! authenticator app from "My account" (a QR code and the key as text, no script), the
//! recovery codes shown once, and turning it off.

use maud::{Markup, html};

use super::layout::{Frame, page};
use super::pairing::qr_svg;

/// `GET /login/code`: the second step of signing in.
pub fn login_code(frame: &Frame, csrf_token: &str, problem: Option<&str>) -> Markup {
    let title = frame.text("totp-title");
    page(
        frame,
        &title,
        html! {
            h1 { (title) }
            p { (frame.text("totp-code-prompt")) }
            @if let Some(problem) = problem {
                p class="problem" role="alert" { (problem) }
            }
            form method="post" action="/login/code" {
                input type="hidden" name="csrf_token" value=(csrf_token);
                label for="code" { (frame.text("totp-code-label")) }
                input id="code" name="code" type="text" required autocomplete="one-time-code"
                    inputmode="text" autocapitalize="none" spellcheck="false" maxlength="64";
                button type="submit" { (frame.text("totp-continue")) }
            }
        },
    )
}

/// `GET /account/second-factor`: a key to add to an authenticator app, and the code that
/// proves it was added.
pub struct Enrolment<'a> {
    pub csrf_token: &'a str,
    /// The key in base32, as apps take it typed.
    pub key: &'a str,
    /// The `otpauth://` URI the QR code holds.
    pub uri: &'a str,
    pub problem: Option<&'a str>,
}

pub fn enrolment(frame: &Frame, view: &Enrolment<'_>) -> Markup {
    let title = frame.text("totp-set-up");
    page(
        frame,
        &title,
        html! {
            h1 { (title) }
            p { (frame.text("totp-enrol-intro")) }
            @if let Some(qr) = qr_svg(view.uri, &frame.text("totp-qr-label")) {
                div class="qr-frame" { (qr) }
            }
            p { (frame.text("totp-secret-label")) ": " code id="totp-key" class="code" { (view.key) } }
            @if let Some(problem) = view.problem {
                p class="problem" role="alert" { (problem) }
            }
            form method="post" action="/account/second-factor" {
                input type="hidden" name="csrf_token" value=(view.csrf_token);
                label for="code" { (frame.text("totp-code-label")) }
                input id="code" name="code" type="text" required autocomplete="one-time-code"
                    inputmode="numeric" maxlength="64";
                button type="submit" { (frame.text("totp-confirm")) }
            }
        },
    )
}

/// The recovery codes, once, right after the second factor is turned on.
pub fn recovery_codes(frame: &Frame, codes: &[String]) -> Markup {
    let title = frame.text("totp-recovery-title");
    page(
        frame,
        &title,
        html! {
            h1 { (title) }
            p role="status" { strong { (frame.text("totp-status-on")) } }
            p { (frame.text("totp-recovery-intro")) }
            ol class="recovery-codes" {
                @for code in codes { li { code { (code) } } }
            }
            p { a class="button" href="/account" { (frame.text("account-title")) } }
        },
    )
}

/// For an administrator signed in without a second factor, on a server that requires one.
pub fn admin_needs_second_factor(frame: &Frame, csrf_token: &str, known_as: &str) -> Markup {
    let title = frame.text("totp-admin-title");
    page(
        frame,
        &title,
        html! {
            h1 { (title) }
            p { (frame.text_with("totp-admin-body", &[("account", crate::i18n::Arg::Text(known_as))])) }
            p { a class="button" href="/account/second-factor" { (frame.text("totp-set-up")) } }
            form method="post" action="/logout" class="signout" {
                input type="hidden" name="csrf_token" value=(csrf_token);
                button type="submit" class="secondary" { (frame.text("sign-out-button")) }
            }
        },
    )
}

/// The second factor's part of "My account": turn it on, or off with password and code.
pub fn account_section(frame: &Frame, csrf_token: &str, on: bool) -> Markup {
    html! {
        h2 { (frame.text("totp-title")) }
        @if on {
            p { (frame.text("totp-status-on")) }
            form method="post" action="/account/second-factor/off" {
                input type="hidden" name="csrf_token" value=(csrf_token);
                label for="off-password" { (frame.text("account-current-password")) }
                input id="off-password" name="current" type="password" required
                    autocomplete="current-password" maxlength="1024";
                label for="off-code" { (frame.text("totp-code-label")) }
                input id="off-code" name="code" type="text" required autocomplete="one-time-code"
                    maxlength="64";
                button type="submit" class="secondary" { (frame.text("totp-turn-off")) }
            }
        } @else {
            p { (frame.text("totp-status-off")) }
            p { a class="button secondary" href="/account/second-factor" { (frame.text("totp-set-up")) } }
        }
    }
}
