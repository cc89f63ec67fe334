//! The device flow in headless Chromium in each shipped language, chosen the way a person
//! chooses it: the browser's language setting (its `Accept-Language`). Screenshots of every
//! step land in `target/screenshots/lang-<tag>-*.png`, for a reader of that language to review.

use std::time::Duration;

use crate::support::TestServer;
use crate::support::oauth::ALICE_PASSWORD;
use crate::support::webdriver::Chrome;

const PHONE: (u32, u32) = (390, 844);

/// What each step says in one language, to wait for.
struct Steps {
    tag: &'static str,
    browser_languages: &'static str,
    code_form: &'static str,
    sign_in: &'static str,
    consent: &'static str,
    done: &'static str,
}

const LANGUAGES: [Steps; 5] = [
    Steps {
        tag: "en",
        browser_languages: "en-US,en",
        code_form: "Enter the code shown on your TV",
        sign_in: "Sign in to connect the device showing",
        consent: "You are signing in on a device",
        done: "is connected",
    },
    Steps {
        tag: "de",
        browser_languages: "de-DE,de",
        code_form: "Geben Sie den Code ein",
        sign_in: "Melden Sie sich an, um das Gerät mit dem Code",
        consent: "Sie melden sich auf einem Gerät an",
        done: "ist verbunden",
    },
    Steps {
        tag: "fr",
        browser_languages: "fr-FR,fr",
        code_form: "Saisissez le code affiché",
        sign_in: "Connectez-vous pour associer l’appareil",
        consent: "Vous vous connectez sur un appareil",
        done: "est associé",
    },
    Steps {
        tag: "es",
        browser_languages: "es-ES,es",
        code_form: "Introduzca el código que aparece",
        sign_in: "Inicie sesión para vincular el dispositivo",
        consent: "Está iniciando sesión en un dispositivo",
        done: "está vinculado",
    },
    Steps {
        tag: "ja",
        browser_languages: "ja-JP,ja",
        code_form: "表示されているコードを入力してください",
        sign_in: "と表示されているデバイスを接続するには",
        consent: "デバイスでサインインしようとしています",
        done: "が接続されました",
    },
];

#[test]
fn the_device_flow_in_each_language_on_a_phone() {
    let server = TestServer::start();
    server.fixtures();
    server
        .cli()
        .run(&["client", "update", "tv-public", "--name", "Living room TV"])
        .ok();
    for steps in &LANGUAGES {
        let Some(chrome) =
            Chrome::launch_preferring(PHONE.0, PHONE.1, Some(steps.browser_languages))
        else {
            return;
        };
        let started = server.device_authorization("tv-public", "openid profile offline_access");
        let user_code = started.str("user_code");
        let shot = |step: &str| chrome.screenshot(&format!("lang-{}-{step}", steps.tag));

        chrome.goto(&server.url("/device"));
        chrome.wait_for_text(steps.code_form);
        assert_eq!(chrome.document_language(), steps.tag);
        shot("1-enter-code");
        chrome.type_into("#user_code", &user_code);
        chrome.click("button[type=submit]");
        chrome.wait_for_text(steps.sign_in);
        shot("2-sign-in");
        chrome.type_into("#username", "alice");
        chrome.type_into("#password", ALICE_PASSWORD);
        chrome.click("button[type=submit]");
        let consent = chrome.wait_for_text(steps.consent);
        assert!(consent.contains(&user_code) && consent.contains("Living room TV"));
        shot("3-consent");
        chrome.click("button[value=approve]");
        chrome.wait_for_text(steps.done);
        assert_eq!(chrome.document_language(), steps.tag);
        shot("4-approved");

        server.advance(Duration::from_secs(5));
        let tokens = server.poll(&started.str("device_code"), "tv-public");
        assert_eq!(tokens.status, 200, "{}: {}", steps.tag, tokens.body);

        // The TV now keeps its sign-in: My devices lists it, with a date in this language.
        chrome.goto(&server.url("/devices"));
        chrome.wait_for_text("Living room TV");
        shot("5-my-devices");
        chrome.goto(&server.url("/"));
        chrome.wait_for_text("127.0.0.1");
        shot("6-home");
        chrome.assert_no_csp_violations();
    }
}

#[test]
fn the_language_links_switch_a_german_browser_to_french() {
    let server = TestServer::start();
    let Some(chrome) = Chrome::launch_preferring(PHONE.0, PHONE.1, Some("de-DE,de")) else {
        return;
    };
    chrome.goto(&server.url("/"));
    chrome.wait_for_text("Gerät verbinden");
    chrome.click("a[hreflang=fr]");
    chrome.wait_for_text("Associer un appareil");
    assert_eq!(chrome.document_language(), "fr");
    chrome.screenshot("lang-fr-home-chosen");
    // The choice stays when the browser comes back.
    chrome.goto(&server.url("/device"));
    chrome.wait_for_text("Saisissez le code affiché");
}
