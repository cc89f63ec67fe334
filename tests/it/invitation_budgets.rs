//! Guessing invitation and recovery links, as an attacker meets it: every route that takes a
//! link's secret spends the code-entry budget of the browser, its address and everyone, a
//! burst of guesses released together gets the budget's looks and no more, and odd paths get
//! the same clear page as any unknown link.

use crate::budgets::{count, declared_routes, handler_body, released_together};
use crate::invitations::{CAROLS_PASSWORD, invite_carol, started, user};
use crate::support::browser::Browser;

/// A route that takes a link's secret.
const LINK_ROUTES: [&str; 2] = ["/invite/{secret}", "/reset/{secret}"];

#[test]
fn inv_06_every_route_that_takes_a_link_spends_the_code_entry_budget() {
    // The routes whose handlers take the secret from the path are exactly the listed ones.
    let http = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http");
    let mut taking_links = Vec::new();
    for (path, handler) in declared_routes() {
        let Some((module, function)) = handler.split_once("::") else {
            continue;
        };
        let Ok(source) = std::fs::read_to_string(http.join(format!("{module}.rs"))) else {
            continue;
        };
        if handler_body(&source, function).is_some_and(|b| b.contains("secret")) {
            taking_links.push(path);
        }
    }
    taking_links.sort();
    taking_links.dedup();
    assert_eq!(taking_links, ["/invite/{secret}", "/reset/{secret}"]);
    // Nothing in http looks a link up but through the app's budgeted use cases.
    for file in crate::budgets::http_sources() {
        let source = std::fs::read_to_string(file).expect("source");
        assert!(!source.contains(".account_link(") && !source.contains(".use_account_link("));
    }

    // Each, by GET and by POST: five wrong guesses, then even a live link is not looked at.
    for route in LINK_ROUTES {
        for post in [false, true] {
            let server = started();
            let live = invite_carol(&server);
            let live = live.replace("/invite/", route.trim_end_matches("{secret}"));
            let mut guesser = Browser::new(&server);
            guesser.get("/login");
            let wrong = route.replace("{secret}", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
            let present = |browser: &mut Browser, path: &str| match post {
                false => browser.get(path).status,
                true => {
                    browser
                        .submit(
                            path,
                            &[("password", CAROLS_PASSWORD), ("repeat", CAROLS_PASSWORD)],
                        )
                        .status
                }
            };
            for i in 0..5 {
                assert_eq!(
                    present(&mut guesser, &wrong),
                    404,
                    "{route} post={post}: guess {i}"
                );
            }
            assert_eq!(
                present(&mut guesser, &live),
                429,
                "{route} post={post}: out of budget, even a live link is not looked at"
            );
            assert_eq!(user(&server, "carol")["invited"], true);
        }
    }
}

#[test]
fn inv_09_odd_link_paths_get_the_clear_page() {
    let long = format!("/invite/{}", "A".repeat(4000));
    for path in [
        "/invite/%FF%FE",
        "/reset/%00",
        "/invite/a%2Fb",
        long.as_str(),
    ] {
        // A server each: every odd path is a wrong guess, and guesses are budgeted.
        let server = started();
        let mut browser = Browser::new(&server);
        let page = browser.get(path);
        assert_eq!(page.status, 404, "{path}");
        assert!(
            page.says("This link does not work"),
            "{path}: {}",
            page.html
        );
        browser.get("/login");
        let posted = browser.submit(
            path,
            &[("password", "whatever123"), ("repeat", "whatever123")],
        );
        assert_eq!(posted.status, 404, "{path}");
    }
}

#[test]
fn inv_11_a_hundred_link_guesses_released_together_get_five_looks() {
    let server = started();
    let live = invite_carol(&server);
    let guess = server.url("/invite/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    let statuses = released_together(100, move |client| {
        client.get(&guess).send().expect("answer").status().as_u16()
    });
    assert_eq!(
        count(&statuses, 404),
        5,
        "five links were looked up: {statuses:?}"
    );
    assert_eq!(count(&statuses, 429), 95, "the rest unlooked: {statuses:?}");
    let right = reqwest::blocking::Client::new()
        .get(server.url(&live))
        .send()
        .expect("answer");
    assert_eq!(right.status(), 429, "the address is out of budget");
    assert_eq!(user(&server, "carol")["invited"], true);
}
