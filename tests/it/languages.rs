//! Pages in the person's language: the catalogs are complete, a browser that prefers German
//! pairs a TV entirely in German, a chosen language beats the browser's, `<html lang>` says
//! which, counts take each language's plural forms, and the landing page names the server.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use authbox::app::accounts::NewUser;
use authbox::i18n::CATALOGS;

use crate::support::TestServer;
use crate::support::browser::{Browser, Page};
use crate::support::oauth::ALICE_PASSWORD;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// One catalog as a contributor wrote it: each message's id and its text (all its lines, the
/// variants of a selector included), read without the crate that serves them.
fn catalog(tag: &str) -> BTreeMap<String, String> {
    let path = root().join(format!("assets/locales/{tag}.ftl"));
    let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let mut messages = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in source.lines() {
        let starts_message = line.starts_with(|c: char| c.is_ascii_alphabetic());
        if starts_message {
            let (id, text) = line.split_once('=').expect("id = text");
            let id = id.trim().to_owned();
            assert!(
                messages
                    .insert(id.clone(), text.trim().to_owned())
                    .is_none(),
                "{tag}.ftl has {id} twice"
            );
            current = Some(id);
        } else if line.starts_with('#') || line.trim().is_empty() {
            current = None;
        } else if let Some(id) = &current {
            let text = messages.get_mut(id).expect("the message being read");
            text.push('\n');
            text.push_str(line.trim());
        }
    }
    messages
}

/// The variables a message's text uses: `{ $count }` gives `count`.
fn variables(text: &str) -> BTreeSet<String> {
    text.match_indices('$')
        .map(|(at, _)| {
            text[at + 1..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect()
        })
        .collect()
}

fn shipped_tags() -> Vec<&'static str> {
    CATALOGS.iter().map(|(tag, _)| *tag).collect()
}

#[test]
fn every_catalog_file_is_shipped_and_has_exactly_the_messages_of_english() {
    let mut files: Vec<String> = std::fs::read_dir(root().join("assets/locales"))
        .expect("assets/locales")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "ftl"))
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut shipped: Vec<String> = shipped_tags().into_iter().map(str::to_owned).collect();
    shipped.sort();
    assert_eq!(
        files, shipped,
        "every assets/locales/*.ftl is registered in i18n::CATALOGS, and only those"
    );
    for required in ["en", "de", "fr", "es", "ja"] {
        assert!(shipped.iter().any(|t| t == required), "{required} ships");
    }

    let english = catalog("en");
    assert!(english.len() > 100, "the reader found the messages");
    for tag in shipped_tags() {
        let translated = catalog(tag);
        let missing: Vec<&String> = english
            .keys()
            .filter(|k| !translated.contains_key(*k))
            .collect();
        let extra: Vec<&String> = translated
            .keys()
            .filter(|k| !english.contains_key(*k))
            .collect();
        assert!(missing.is_empty(), "{tag}.ftl lacks {missing:?}");
        assert!(
            extra.is_empty(),
            "{tag}.ftl has messages English lacks: {extra:?}"
        );
        for (id, text) in &translated {
            let unknown: Vec<String> = variables(text)
                .difference(&variables(&english[id]))
                .cloned()
                .collect();
            assert!(
                unknown.is_empty(),
                "{tag}.ftl: {id} uses variables the page never passes: {unknown:?}"
            );
        }
    }
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// The catalog keys a source names: the first argument of `text(…)`, `text_with(…)` and
/// `text_with_site(…)`, the second of `rich(frame, …)`; and the lookups whose key is not a
/// string literal there, which this check cannot follow.
fn keys_named(source: &str) -> (Vec<String>, Vec<String>) {
    let bytes = source.as_bytes();
    let mut keys = Vec::new();
    let mut unfollowable = Vec::new();
    for call in ["text(", "text_with(", "text_with_site(", "rich("] {
        for (at, _) in source.match_indices(call) {
            if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_') {
                continue;
            }
            let mut rest = source[at + call.len()..].trim_start();
            if rest.starts_with(')') || source[..at].ends_with("fn ") {
                continue;
            }
            if call == "rich(" {
                rest = rest
                    .split_once(',')
                    .map_or("", |(_, after)| after)
                    .trim_start();
            }
            let Some(literal) = rest.strip_prefix('"') else {
                let line = source[..at].lines().count();
                let end = (at + 40).min(source.len());
                unfollowable.push(format!("line {line}: {}", &source[at..end]));
                continue;
            };
            keys.push(literal[..literal.find('"').expect("closing quote")].to_owned());
        }
    }
    (keys, unfollowable)
}

#[test]
fn every_key_the_pages_look_up_is_in_english_and_every_english_message_is_used() {
    let english = catalog("en");
    let src = root().join("src");
    let mut used = BTreeSet::new();
    let mut unfollowable = Vec::new();
    for file in rust_files(&src) {
        let relative = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        // Page text lives in pages and http (the terminal's demo and the CLI speak English).
        if !(relative.starts_with("pages/")
            || relative.starts_with("http/")
            || relative.starts_with("i18n/"))
        {
            continue;
        }
        let source = std::fs::read_to_string(&file).unwrap();
        // A module's own tests may look up keys that are not there, on purpose.
        let source = source
            .split("#[cfg(test)]\nmod tests")
            .next()
            .unwrap_or_default();
        let (keys, not_literal) = keys_named(source);
        used.extend(keys);
        // Where lookups are defined, their key is a parameter.
        if !(relative.starts_with("i18n/") || relative == "pages/layout.rs") {
            unfollowable.extend(not_literal.into_iter().map(|at| format!("{relative} {at}")));
        }
    }
    assert!(
        unfollowable.is_empty(),
        "name each key literally where it is looked up: {unfollowable:#?}"
    );
    assert!(
        used.len() > 100,
        "the scan found the lookups: {}",
        used.len()
    );
    let missing: Vec<&String> = used.iter().filter(|k| !english.contains_key(*k)).collect();
    assert!(
        missing.is_empty(),
        "looked up but not in en.ftl: {missing:?}"
    );
    // A message may also be used by another message's text, as `{ deny-button }`.
    let referenced: BTreeSet<String> = english
        .values()
        .flat_map(|text| text.split('{').skip(1))
        .map(|part| {
            part.trim_start()
                .split([' ', '}'])
                .next()
                .unwrap_or("")
                .to_owned()
        })
        .collect();
    let unused: Vec<&String> = english
        .keys()
        .filter(|k| !used.contains(*k) && !referenced.contains(*k))
        .collect();
    assert!(unused.is_empty(), "in en.ftl but used nowhere: {unused:?}");
}

#[test]
fn the_key_scanner_sees_lookups_and_refuses_what_it_cannot_follow() {
    let source = "frame.text(\"a-b\"); (text(\"c\")) frame.text_with(\n  \"d\", &[]); rich(frame, \"e\", &[]); x.context(\"no\")";
    let (keys, not_literal) = keys_named(source);
    assert_eq!(keys, ["a-b", "c", "d", "e"]);
    assert!(not_literal.is_empty());
    assert_eq!(keys_named("frame.text(key)").1.len(), 1);
}

/// A message's literal wording, cut at its arguments, in pieces long enough to be unmistakable:
/// what an English leftover on a translated page would show.
fn english_phrases(translated: &str) -> Vec<String> {
    let english = catalog("en");
    let other = catalog(translated);
    let mut phrases = Vec::new();
    for (id, text) in &english {
        if text.contains("->") {
            continue;
        }
        for piece in text.split(['{', '}']).step_by(2) {
            let piece = piece.trim();
            let words = piece.split_whitespace().count();
            if words >= 2 && !other[id].contains(piece) {
                phrases.push(piece.to_owned());
            }
        }
    }
    phrases
}

fn check_no_english(page: &Page, phrases: &[String], step: &str) {
    let html = page.html.replace("&#39;", "'").replace("&quot;", "\"");
    let leftovers: Vec<&String> = phrases
        .iter()
        .filter(|p| html.contains(p.as_str()))
        .collect();
    assert!(
        leftovers.is_empty(),
        "{step}: English left on the page: {leftovers:?}\n{}",
        page.html
    );
}

fn check_lang(page: &Page, tag: &str) {
    assert!(
        page.html.contains(&format!("<html lang=\"{tag}\">")),
        "<html lang=\"{tag}\"> expected: {}",
        &page.html[..page.html.len().min(200)]
    );
}

fn started() -> TestServer {
    let server = TestServer::start();
    server.fixtures();
    server
        .cli()
        .run(&["client", "update", "tv-public", "--name", "Living room TV"])
        .ok();
    server
}

#[test]
fn a_browser_that_prefers_german_pairs_a_tv_entirely_in_german() {
    let server = started();
    let english = english_phrases("de");
    assert!(english.len() > 50, "the phrases to look for were found");
    let started = server.device_authorization("tv-public", "openid profile offline_access");
    let user_code = started.str("user_code");
    let mut browser =
        Browser::new(&server).with_header("Accept-Language", "de-DE,de;q=0.9,en;q=0.8");

    let form = browser.get("/device");
    check_lang(&form, "de");
    assert!(
        form.says("Gerät verbinden") && form.says("Geben Sie den Code ein"),
        "{}",
        form.html
    );
    check_no_english(&form, &english, "the code form");

    let sign_in = browser.submit("/device", &[("user_code", &user_code)]);
    assert!(
        sign_in.says("Melden Sie sich an, um das Gerät mit dem Code"),
        "{}",
        sign_in.html
    );
    assert!(sign_in.says("Benutzername") && sign_in.says("Passwort"));
    check_lang(&sign_in, "de");
    check_no_english(&sign_in, &english, "sign-in");

    let consent = browser.submit(
        "/login",
        &[
            ("username", "alice"),
            ("password", ALICE_PASSWORD),
            ("user_code", &user_code),
        ],
    );
    assert_eq!(consent.status, 200, "{}", consent.html);
    assert!(
        consent.says("Sie melden sich auf einem Gerät an"),
        "{}",
        consent.html
    );
    assert!(consent.says("Living room TV") && consent.says(&user_code));
    assert!(consent.says("Auf diesem Gerät angemeldet bleiben, bis Sie es abmelden"));
    assert!(
        consent.says("Wissen, wer Sie bei 127.0.0.1 sind"),
        "the site is named"
    );
    assert!(consent.says("Ablehnen") && consent.says("Zulassen"));
    check_lang(&consent, "de");
    check_no_english(&consent, &english, "consent");

    let done = browser.decide(&user_code, "approve");
    assert!(done.says("ist verbunden") && done.says("Sie können jetzt zum Gerät zurückkehren"));
    check_lang(&done, "de");
    check_no_english(&done, &english, "done");

    server.advance(std::time::Duration::from_secs(5));
    let tokens = server.poll(&started.str("device_code"), "tv-public");
    assert_eq!(tokens.status, 200, "the TV is paired: {}", tokens.body);
}

#[test]
fn error_pages_and_refusals_speak_the_language_too() {
    let server = started();
    let mut browser = Browser::new(&server).with_header("Accept-Language", "fr");
    browser.get("/device");
    let wrong = browser.submit("/device", &[("user_code", "BCDF-GHJK")]);
    assert!(wrong.says("Ce code n’est pas le bon"), "{}", wrong.html);

    let missing = browser.post_raw("/device", &[("user_code", "BCDF-GHJK")], &[]);
    assert_eq!(missing.status, 403);
    assert!(
        missing.says("Ce formulaire n’est plus à jour"),
        "a PageError: {}",
        missing.html
    );
    check_lang(&missing, "fr");

    let mut reader = Browser::new(&server)
        .with_header("Accept-Language", "fr")
        .with_header("Accept", "text/html");
    let nowhere = reader.get("/no/such/page");
    assert_eq!(nowhere.status, 404);
    assert!(nowhere.says("Page introuvable"), "{}", nowhere.html);

    let unknown_app = browser.get("/authorize?client_id=nobody&response_type=code");
    assert!(
        unknown_app.says("Cette application n’est pas connue de 127.0.0.1"),
        "{}",
        unknown_app.html
    );

    // For developers, OAuth errors stay in English.
    let json = server.post_form_with(
        "/token",
        "grant_type=nonsense",
        &[("Accept-Language", "fr")],
    );
    json.is_error(400, "unsupported_grant_type");
    let description = json.body["error_description"].as_str().unwrap_or_default();
    assert!(
        description.contains("this server supports"),
        "{description}"
    );
}

#[test]
fn a_chosen_language_beats_the_browsers_and_the_way_back_stays_local() {
    let server = started();
    let mut browser = Browser::new(&server).with_header("Accept-Language", "de");
    let german = browser.get("/device?user_code=BCDF-GHJK");
    check_lang(&german, "de");
    // The page's own link to French, as a person would follow it.
    let marker = "href=\"/language?lang=fr&amp;back=";
    let at = german.html.find(marker).expect("a link to French") + "href=\"".len();
    let link = german.html[at..]
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&");
    assert_eq!(
        link,
        "/language?lang=fr&back=%2Fdevice%3Fuser_code%3DBCDF-GHJK"
    );

    let chosen = browser.get(&link);
    assert_eq!(chosen.status, 303);
    assert_eq!(chosen.header("location"), "/device?user_code=BCDF-GHJK");
    assert!(chosen.header("set-cookie").starts_with("authbox_lang=fr"));
    let french = browser.get("/device?user_code=BCDF-GHJK");
    check_lang(&french, "fr");
    assert!(french.says("Vérifiez le code"), "{}", french.html);

    // Another site cannot switch it, and no link leads off this server.
    let mut other = Browser::new(&server).with_header("Sec-Fetch-Site", "cross-site");
    let refused = other.get("/language?lang=ja&back=/device");
    assert_eq!(refused.status, 303);
    assert!(
        refused.header("set-cookie").is_empty(),
        "no cookie from a cross-site link"
    );
    check_lang(&other.get("/device"), "en");
    for elsewhere in [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "evil",
    ] {
        let away = browser.get(&format!(
            "/language?lang=ja&back={}",
            crate::support::oauth::enc(elsewhere)
        ));
        assert_eq!(away.header("location"), "/", "{elsewhere}");
    }
}

#[test]
fn html_lang_names_the_language_each_browser_gets() {
    let server = started();
    for (accept, tag) in [
        (None, "en"),
        (Some("de-AT"), "de"),
        (Some("fr-CA,fr;q=0.9"), "fr"),
        (Some("es-MX"), "es"),
        (Some("ja,en;q=0.5"), "ja"),
        (Some("nl, en;q=0.1"), "en"),
        (Some("nl"), "en"),
    ] {
        let mut browser = Browser::new(&server);
        if let Some(accept) = accept {
            browser = browser.with_header("Accept-Language", accept);
        }
        check_lang(&browser.get("/device"), tag);
        check_lang(&browser.get("/"), tag);
    }
}

/// Signs alice in, in the language `accept` asks for, and shows My devices.
fn my_devices_in(server: &TestServer, accept: &str) -> Page {
    let mut browser = Browser::new(server).with_header("Accept-Language", accept);
    browser.get("/login");
    browser.submit(
        "/login",
        &[("username", "alice"), ("password", ALICE_PASSWORD)],
    );
    browser.get("/devices")
}

#[test]
fn counts_take_each_languages_plural_forms() {
    let server = started();
    let headings = |count: usize| {
        let page = (
            my_devices_in(&server, "en"),
            my_devices_in(&server, "fr"),
            my_devices_in(&server, "ja"),
        );
        let expected = [
            (
                "en",
                &page.0,
                [">0 devices<", ">1 device<", ">2 devices<"][count],
            ),
            // French counts 0 and 1 as singular.
            (
                "fr",
                &page.1,
                [">0 appareil<", ">1 appareil<", ">2 appareils<"][count],
            ),
            // Japanese has one form.
            (
                "ja",
                &page.2,
                [">デバイス：0 台<", ">デバイス：1 台<", ">デバイス：2 台<"][count],
            ),
        ];
        for (tag, page, heading) in expected {
            assert!(
                page.says(heading),
                "{tag} with {count}: {heading} expected in {}",
                page.html
            );
        }
    };
    headings(0);
    server.grant("tv-public", "openid offline_access", "alice");
    headings(1);
    server.grant("tv-public", "openid offline_access", "alice");
    headings(2);
    let english = my_devices_in(&server, "en");
    assert!(english.says("These devices are signed in as Alice"));
    let german = my_devices_in(&server, "de");
    assert!(
        german.says("Verbunden am "),
        "a date, the German way: {}",
        german.html
    );
}

#[test]
fn the_landing_page_names_the_server_and_leads_to_the_device_form_and_sign_in() {
    let server = started();
    let mut browser = Browser::new(&server);
    let home = browser.get("/");
    assert_eq!(home.status, 200);
    assert!(
        home.says("<h1>127.0.0.1</h1>"),
        "the issuer's host by default: {}",
        home.html
    );
    assert!(home.says("href=\"/device\"") && home.says("Connect a device"));
    assert!(home.says("href=\"/login\"") && home.says("Sign in"));
    assert!(!home.says("Administration"));

    browser.get("/login");
    browser.submit(
        "/login",
        &[("username", "alice"), ("password", ALICE_PASSWORD)],
    );
    let signed_in = browser.get("/");
    assert!(signed_in.says("href=\"/devices\"") && signed_in.says("You are signed in as Alice"));
    assert!(signed_in.says("action=\"/logout\""), "and a way out");
    assert!(
        !signed_in.says("Administration"),
        "alice is no administrator"
    );

    server
        .app()
        .add_user(NewUser {
            username: "root".into(),
            password: "an administrator's passphrase".into(),
            display_name: None,
            email: None,
            email_verified: false,
            admin: true,
        })
        .unwrap();
    let mut admin = Browser::new(&server);
    admin.get("/login");
    admin.submit(
        "/login",
        &[
            ("username", "root"),
            ("password", "an administrator's passphrase"),
        ],
    );
    let admin_home = admin.get("/");
    assert!(admin_home.says("Administration"), "{}", admin_home.html);
    let links: Vec<String> = admin_home
        .html
        .split("href=\"/admin")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|rest| format!("/admin{rest}"))
        .collect();
    assert!(links.len() >= 5, "the admin pages are linked: {links:?}");
    for link in links {
        assert_eq!(
            admin.get(&link).status,
            200,
            "{link}: nothing linked would 404"
        );
    }
}

#[test]
fn site_name_names_the_server_on_every_page() {
    let server =
        TestServer::start_with(|settings| settings.site_name = Some("Home sign-in".into()));
    server.fixtures();
    let mut browser = Browser::new(&server);
    let home = browser.get("/");
    assert!(home.says("<h1>Home sign-in</h1>") && home.says("<title>Home sign-in</title>"));
    let form = browser.get("/device");
    assert!(
        form.says("<title>Connect a device · Home sign-in</title>"),
        "{}",
        form.html
    );
    let user_code = server
        .device_authorization("tv-public", "openid")
        .str("user_code");
    let consent = browser.reach_consent(&user_code, "alice", ALICE_PASSWORD);
    assert!(
        consent.says("Know who you are on Home sign-in"),
        "{}",
        consent.html
    );
}
