//! The admin pages in a real headless Chromium, with no JavaScript of ours: an administrator
//! makes a group, limits the TV to it and signs a person's TV out, on a desktop and on a phone;
//! each effect is checked through the protocol. Screenshots of every page land in
//! `target/screenshots/admin-*.png`.

use authbox::app::accounts::UserChanges;

use crate::support::TestServer;
use crate::support::oauth::{ALICE_PASSWORD, enc};
use crate::support::webdriver::Chrome;

const PHONE: (u32, u32) = (390, 844);
const DESKTOP: (u32, u32) = (1280, 900);

fn started() -> TestServer {
    let server = TestServer::start();
    server.fixtures();
    let changes = UserChanges {
        admin: Some(true),
        ..UserChanges::default()
    };
    server
        .app()
        .update_user("alice", &changes)
        .expect("alice administers");
    server
        .cli()
        .run(&["client", "update", "tv-public", "--name", "Living room TV"])
        .ok();
    server
}

fn sign_in_as_admin(chrome: &Chrome, server: &TestServer) {
    chrome.goto(&server.url("/admin"));
    chrome.wait_for_text("Sign in as an administrator");
    chrome.type_into("#username", "alice");
    chrome.type_into("#password", ALICE_PASSWORD);
    chrome.click("button[type=submit]");
    // Back to the page that asked.
    chrome.wait_for_text("Device codes in use");
    assert!(chrome.address().ends_with("/admin"), "{}", chrome.address());
}

fn refresh_fails(server: &TestServer, refresh_token: &str) -> bool {
    let body = format!(
        "grant_type=refresh_token&client_id=tv-public&refresh_token={}",
        enc(refresh_token)
    );
    server.post_form("/token", &body, None).status == 400
}

#[test]
fn an_administrator_limits_the_tv_to_a_group_and_signs_a_tv_out_on_a_desktop() {
    let server = started();
    let Some(chrome) = Chrome::launch(DESKTOP.0, DESKTOP.1) else {
        return;
    };
    let bobs_tv = server
        .grant("tv-public", "openid offline_access", "bob")
        .str("refresh_token");
    let alices_tv = server
        .grant("tv-public", "openid offline_access", "alice")
        .str("refresh_token");
    sign_in_as_admin(&chrome, &server);
    chrome.screenshot("admin-1-overview-desktop");

    chrome.click("a[href='/admin/groups']");
    chrome.wait_for_text("New group");
    chrome.type_into("#name", "family");
    chrome.click("form[action='/admin/groups'] button");
    chrome.wait_for_text("Add a member");
    chrome.type_into("#username", "alice");
    chrome.click("form[action='/admin/groups/family/members'] button");
    chrome.wait_for_text("Remove alice");
    chrome.screenshot("admin-2-group-desktop");

    chrome.goto(&server.url("/admin/clients"));
    chrome.wait_for_text("Living room TV");
    chrome.screenshot("admin-3-clients-desktop");
    chrome.click("a[href='/admin/clients/tv-public']");
    chrome.wait_for_text("Who may use it");
    chrome.type_into("#groups", "family");
    chrome.click("form[action='/admin/clients/tv-public/groups'] button");
    chrome.wait_for_text("Who may use it");
    assert!(chrome.text().contains("family"), "{}", chrome.text());
    chrome.screenshot("admin-4-client-desktop");
    assert!(refresh_fails(&server, &bobs_tv), "bob is not in the family");
    assert!(!refresh_fails(&server, &alices_tv), "alice is");

    chrome.goto(&server.url("/admin/people/alice"));
    chrome.wait_for_text("Paired devices");
    chrome.screenshot("admin-5-person-desktop");
    chrome.click("form[action='/admin/grants/revoke'] button");
    chrome.wait_for_text("Ended");
    assert!(
        refresh_fails(&server, &alices_tv),
        "signed out from the page"
    );

    chrome.goto(&server.url("/admin/keys"));
    chrome.wait_for_text("Rotate the keys");
    chrome.screenshot("admin-6-keys-desktop");
    chrome.goto(&server.url("/admin/audit"));
    chrome.wait_for_text("alice revoked grant");
    chrome.screenshot("admin-7-audit-desktop");
    chrome.assert_no_csp_violations();
}

#[test]
fn an_administrator_disables_a_person_on_a_phone() {
    let server = started();
    let Some(chrome) = Chrome::launch(PHONE.0, PHONE.1) else {
        return;
    };
    let bobs_tv = server
        .grant("tv-public", "openid offline_access", "bob")
        .str("refresh_token");
    sign_in_as_admin(&chrome, &server);
    chrome.screenshot("admin-8-overview-phone");
    chrome.goto(&server.url("/admin/people"));
    chrome.wait_for_text("Name, username or email");
    chrome.type_into("#q", "bob");
    chrome.click("form.search button");
    chrome.wait_for_text("bob@example.org");
    chrome.screenshot("admin-9-people-phone");
    chrome.click("a[href='/admin/people/bob']");
    chrome.wait_for_text("Paired devices");
    chrome.click("a[href='/admin/people/bob/disable']");
    chrome.wait_for_text("Disable bob?");
    chrome.screenshot("admin-10-confirm-phone");
    chrome.click("form.decision button");
    chrome.wait_for_text("Disabled");
    chrome.screenshot("admin-11-person-phone");
    assert!(
        refresh_fails(&server, &bobs_tv),
        "a disabled person's TV is refused"
    );
    chrome.assert_no_csp_violations();
}
