//! The routes people's browsers use: valid requests from a signed-in or a fresh browser, with
//! their form tokens, and what must hold after each case.

use crate::support::malformed::{Baseline, Format};
use crate::support::oauth::{ALICE_PASSWORD, enc};
use crate::support::raw::Answer;
use crate::support::web::AFTER_LOGOUT;

use super::live::{Live, code_in};
use super::routes::{
    After, Listener, Prepared, Route, Seen, Took, carries_header, carries_pair, ok, page, says,
    shared, spent_once,
};

/// A page route on the main listener. A POST's form is what the page judges, so a share of
/// its mutations must be refused by the page; most mutations of a GET change what it ignores.
fn page_route(
    name: &'static str,
    allowed: &'static [u16],
    accepted: fn(&Answer) -> bool,
    prepare: for<'l> fn(&'l Live<'l>) -> Prepared<'l>,
) -> Route {
    Route {
        name,
        listener: Listener::Main,
        allowed,
        takes_input: name.starts_with("POST"),
        accepted,
        prepare,
    }
}

/// The consent page for the web app, or (once allowed) the redirect with a code.
fn consent_or_code(answer: &Answer) -> bool {
    (answer.status == 200 && says(answer, "action=\"/authorize/decision\""))
        || (matches!(answer.status, 302 | 303) && code_in(answer).is_some())
}

fn returned_after_logout(answer: &Answer) -> bool {
    matches!(answer.status, 302 | 303)
        && answer
            .header("location")
            .is_some_and(|l| l.starts_with(AFTER_LOGOUT))
}

/// A form that worked: on to one of our pages, whose address starts with `prefix`
/// (Post/Redirect/Get).
fn sent_on(answer: &Answer, prefix: &str) -> bool {
    answer.status == 303
        && answer
            .header("location")
            .is_some_and(|l| l.starts_with(prefix))
}

/// Approved: on to the page that says so.
fn device_connected(answer: &Answer) -> bool {
    sent_on(answer, "/device/done?client_id=tv-public&outcome=approved&")
}

/// What a web app sends to `/end_session` from a browser nobody is signed in on: there is
/// nothing to end, so the browser goes back to the app.
const END_SESSION: [(&str, &str); 3] = [
    ("client_id", "web-app"),
    ("post_logout_redirect_uri", AFTER_LOGOUT),
    ("state", "s"),
];

pub fn page_routes() -> Vec<Route> {
    // Besides the answers that accept: 401 asks to sign in first, 403 says a form is stale
    // (its token or origin is not this browser's), 404 that a code names nothing.
    vec![
        page_route("GET /authorize", &[200, 302], consent_or_code, |live| {
            let target = format!("/authorize?{}", live.authorize_query);
            shared(page(
                live,
                "/authorize",
                "GET",
                target,
                Some(&live.alice),
                &[],
            ))
        }),
        page_route("POST /authorize", &[200, 303], consent_or_code, |live| {
            // A web app's form post carries no form token of ours; the browser's cookie only.
            let request: Vec<(String, String)> =
                url::form_urlencoded::parse(live.authorize_query.as_bytes())
                    .into_owned()
                    .collect();
            let mut baseline = page(live, "/authorize", "POST", "/authorize".into(), None, &[]);
            baseline.form = request;
            let cookie = format!("authbox_session={}", live.alice.cookie);
            baseline.headers.push(("Cookie", cookie.into_bytes()));
            shared(baseline)
        }),
        page_route(
            "POST /authorize/decision",
            &[303, 403],
            |answer| answer.status == 303 && code_in(answer).is_some(),
            |live| {
                let form = [
                    ("authorize", live.authorize_query.as_str()),
                    ("decision", "approve"),
                ];
                let target = "/authorize/decision".to_owned();
                let baseline = page(
                    live,
                    "/authorize/decision",
                    "POST",
                    target,
                    Some(&live.alice),
                    &form,
                );
                // The code an accepted approval hands out redeems, once.
                let after: After = Box::new(move |seen: &Seen| {
                    let code = seen.answer.and_then(code_in);
                    let (Took::Accepted, Some(code)) = (seen.took, code) else {
                        return Ok(());
                    };
                    if !carries_pair(seen.case, "authorize", &live.authorize_query) {
                        return Ok(());
                    }
                    match (live.exchange_code(&code), live.exchange_code(&code)) {
                        (200, 400) => Ok(()),
                        (first, second) => Err(format!(
                            "its code was exchanged with {first}, then again with {second}"
                        )),
                    }
                });
                Prepared {
                    baseline,
                    after: Some(after),
                }
            },
        ),
        page_route("GET /device", &[200], ok, |live| {
            let target = format!("/device?user_code={}", live.user_code);
            shared(page(live, "/device", "GET", target, None, &[]))
        }),
        page_route(
            "POST /device (signed out)",
            &[303, 403],
            |answer| sent_on(answer, "/device/consent?"),
            |live| {
                let form = [("user_code", live.user_code.as_str())];
                let session = Some(&live.anonymous);
                shared(page(
                    live,
                    "/device",
                    "POST",
                    "/device".into(),
                    session,
                    &form,
                ))
            },
        ),
        page_route(
            "POST /device (signed in)",
            &[303, 403],
            |answer| sent_on(answer, "/device/consent?"),
            |live| {
                let form = [("user_code", live.user_code.as_str())];
                let session = Some(&live.alice);
                shared(page(
                    live,
                    "/device",
                    "POST",
                    "/device".into(),
                    session,
                    &form,
                ))
            },
        ),
        page_route("GET /login", &[200], ok, |live| {
            shared(page(live, "/login", "GET", "/login".into(), None, &[]))
        }),
        page_route(
            "POST /login",
            // 200: a case that turns it into a GET gets the sign-in form.
            &[200, 303, 401, 403],
            |answer| sent_on(answer, "/login"),
            |live| {
                let form = [("username", "alice"), ("password", ALICE_PASSWORD)];
                let session = Some(&live.anonymous);
                let baseline = page(live, "/login", "POST", "/login".into(), session, &form);
                // A session cookie handed out works exactly when the sign-in was accepted.
                let after: After = Box::new(move |seen: &Seen| {
                    let cookie = seen.answer.and_then(super::wire::set_cookie);
                    let signed_in = cookie.as_deref().is_some_and(|c| live.signed_in(c));
                    match (seen.took, signed_in) {
                        (Took::Accepted, false) => Err("accepted, yet no working session".into()),
                        (Took::Refused, true) => Err("refused, yet it handed out a session".into()),
                        _ => Ok(()),
                    }
                });
                Prepared {
                    baseline,
                    after: Some(after),
                }
            },
        ),
        page_route(
            "POST /device/decision",
            &[303, 401, 403],
            device_connected,
            |live| {
                let (_, user_code) = live.device_authorization("tv-public", "openid profile");
                let form = [("user_code", user_code.as_str()), ("decision", "approve")];
                let target = "/device/decision".to_owned();
                let baseline = page(
                    live,
                    "/device/decision",
                    "POST",
                    target,
                    Some(&live.alice),
                    &form,
                );
                Prepared {
                    after: Some(spent_once(live, baseline.clone(), device_connected)),
                    baseline,
                }
            },
        ),
        page_route(
            "POST /logout",
            &[200, 303, 403],
            |answer| answer.status == 303 || (answer.status == 200 && says(answer, "Signed out")),
            |live| {
                let session = live.spare_session();
                let baseline = page(
                    live,
                    "/logout",
                    "POST",
                    "/logout".into(),
                    Some(&session),
                    &[],
                );
                let cookie = format!("authbox_session={}", session.cookie).into_bytes();
                // Refused: the session lives on. Accepted with its own cookie: it has ended.
                let after: After = Box::new(move |seen: &Seen| {
                    let live_now = live.signed_in(&session.cookie);
                    let own_cookie = carries_header(seen.case, "Cookie", &cookie);
                    let verdict = match (seen.took, live_now) {
                        (Took::Refused, false) => {
                            Err("a refused sign-out ended the session".into())
                        }
                        (Took::Accepted, true) if own_cookie => {
                            Err("an accepted sign-out left the session signed in".into())
                        }
                        _ => Ok(()),
                    };
                    if live_now {
                        live.keep_session(session);
                    }
                    verdict
                });
                Prepared {
                    baseline,
                    after: Some(after),
                }
            },
        ),
        page_route(
            "GET /end_session",
            &[200, 302, 303],
            returned_after_logout,
            |live| {
                let query: Vec<String> = END_SESSION
                    .iter()
                    .map(|(n, v)| format!("{n}={}", enc(v)))
                    .collect();
                let target = format!("/end_session?{}", query.join("&"));
                shared(page(live, "/end_session", "GET", target, None, &[]))
            },
        ),
        page_route(
            "POST /end_session",
            &[200, 303],
            returned_after_logout,
            |live| {
                let target = "/end_session".to_owned();
                shared(page(
                    live,
                    "/end_session",
                    "POST",
                    target,
                    None,
                    &END_SESSION,
                ))
            },
        ),
        page_route("GET /devices", &[200, 401], ok, |live| {
            shared(page(
                live,
                "/devices",
                "GET",
                "/devices".into(),
                Some(&live.alice),
                &[],
            ))
        }),
        page_route(
            "POST /devices/sign-out",
            &[303, 401, 403],
            |answer| sent_on(answer, "/devices?notice=device-signed-out&"),
            |live| {
                let device = live.spare_device();
                let form = [("device", device.id.as_str())];
                let target = "/devices/sign-out".to_owned();
                let baseline = page(
                    live,
                    "/devices/sign-out",
                    "POST",
                    target,
                    Some(&live.alice),
                    &form,
                );
                // Signed out exactly when accepted: its refresh token ends with it, or works on.
                let after: After = Box::new(move |seen: &Seen| {
                    let active = live.active(&device.refresh_token);
                    let verdict = match (seen.took, active) {
                        (Took::Accepted, true) => {
                            Err("signed out, yet its refresh token works".into())
                        }
                        (Took::Refused, false) => Err("a refused sign-out ended the device".into()),
                        _ => Ok(()),
                    };
                    if active {
                        live.keep_device(device);
                    }
                    verdict
                });
                Prepared {
                    baseline,
                    after: Some(after),
                }
            },
        ),
        page_route(
            "POST /devices/forget-app",
            &[303, 401, 403],
            // Other cases allow the app again meanwhile, so either notice is the button working.
            |answer| sent_on(answer, "/devices?notice=app-"),
            |live| {
                let form = [("client_id", "web-app")];
                let target = "/devices/forget-app".to_owned();
                shared(page(
                    live,
                    "/devices/forget-app",
                    "POST",
                    target,
                    Some(&live.alice),
                    &form,
                ))
            },
        ),
        page_route("GET /account", &[200, 401], ok, |live| {
            shared(page(
                live,
                "/account",
                "GET",
                "/account".into(),
                Some(&live.alice),
                &[],
            ))
        }),
        // A fresh recovery link for bob each case, opened in a browser nobody signed in on:
        // the page shows its form and uses nothing (404 for a mangled link, 429 never, as the
        // campaign's budgets are wide). A newer link revokes the older, so a case running
        // alongside may have withdrawn this one: the page says so, and that is the route
        // working too.
        page_route(
            "GET /reset/{secret}",
            &[200, 404, 410],
            |answer| {
                answer.status == 200
                    || (answer.status == 410 && says(answer, "This link was withdrawn"))
            },
            |live| {
                let issued = live
                    .app
                    .issue_recovery_link("bob", true, None)
                    .expect("a recovery link");
                let target = issued
                    .url
                    .strip_prefix(&live.origin)
                    .expect("on this server")
                    .to_owned();
                shared(page(live, "/reset/{secret}", "GET", target, None, &[]))
            },
        ),
        page_route("GET /device/pair", &[200, 404], ok, |live| {
            let target = format!("/device/pair?user_code={}", live.user_code);
            shared(page(live, "/device/pair", "GET", target, None, &[]))
        }),
        page_route("GET /device/qr.svg", &[200, 404], ok, |live| {
            let target = format!("/device/qr.svg?user_code={}", live.user_code);
            let mut baseline: Baseline = page(live, "/device/qr.svg", "GET", target, None, &[]);
            baseline.format = Format::Qr;
            shared(baseline)
        }),
    ]
}
