//! The sweeper deletes by the wall clock, so a clock that jumps ahead must not delete: a board
//! without a real-time clock that boots months ahead would otherwise end every grant and the
//! whole audit log for good. A clock set right again finds everything; a real outage's rows go
//! once the clock has run steadily for a week.

use std::time::Duration;

use crate::support::TestServer;
use crate::support::oauth::enc;

const DAY: Duration = Duration::from_secs(86_400);
const SWEEP_INTERVAL: Duration = Duration::from_millis(20);

fn refresh_grants(server: &TestServer) -> u64 {
    server
        .app()
        .live_rows()
        .expect("rows")
        .into_iter()
        .find(|(kind, _)| *kind == "refresh_grants")
        .map_or(0, |(_, count)| count)
}

fn audit_events(server: &TestServer) -> usize {
    let out = server.cli().run(&["--json", "audit"]).json();
    out["events"].as_array().map_or(0, Vec::len)
}

fn sweep(server: &TestServer) {
    server.app().sweep(SWEEP_INTERVAL).expect("sweep");
}

fn refresh(server: &TestServer, refresh_token: &str) -> u16 {
    server
        .post_form(
            "/token",
            &format!(
                "grant_type=refresh_token&refresh_token={}&client_id=tv-public",
                enc(refresh_token)
            ),
            None,
        )
        .status
}

/// A person's lasting grant and an audit log, swept once at the current time.
fn with_a_grant() -> (TestServer, String) {
    let server = TestServer::start();
    server.fixtures();
    let tokens = server.grant("tv-public", "openid offline_access", "alice");
    let refresh_token = tokens.str("refresh_token");
    server.app().flush_audit().expect("audit written");
    sweep(&server);
    assert_eq!(refresh_grants(&server), 1);
    (server, refresh_token)
}

#[test]
fn a_clock_that_jumps_months_ahead_deletes_nothing_and_set_right_finds_everything() {
    let (server, refresh_token) = with_a_grant();
    let events = audit_events(&server);
    assert!(events > 0);

    server.advance(90 * DAY);
    for _ in 0..5 {
        sweep(&server);
    }
    assert_eq!(refresh_grants(&server), 1, "the grant is still in the file");
    assert_eq!(audit_events(&server), events, "the audit log is whole");
    let health = server.get_json("/healthz");
    assert_eq!(health["status"], "ok");
    assert!(
        health["sweeper"]
            .as_str()
            .is_some_and(|s| s.contains("jumped 90.0 days ahead")),
        "{health}"
    );

    server.clock.rewind(90 * DAY);
    sweep(&server);
    assert_eq!(
        refresh(&server, &refresh_token),
        200,
        "set right, the clock finds the grant as it was"
    );
    assert!(server.get_json("/healthz").get("sweeper").is_none());
}

#[test]
fn after_a_long_outage_expired_rows_go_once_the_clock_has_run_steadily_for_a_week() {
    let (server, _) = with_a_grant();
    server.advance(3 * DAY);
    sweep(&server);
    assert_eq!(refresh_grants(&server), 1, "held just after the jump");
    let step = Duration::from_secs(1800);
    let mut steps = 0;
    while refresh_grants(&server) == 1 {
        server.advance(step);
        sweep(&server);
        steps += 1;
        assert!(steps <= 7 * 48 + 1, "still held after a steady week");
    }
    assert_eq!(steps, 7 * 48, "deleted once the clock had run a week");
    assert!(server.get_json("/healthz").get("sweeper").is_none());
}

#[test]
fn a_restart_after_the_jump_still_holds() {
    let (server, refresh_token) = with_a_grant();
    server.advance(90 * DAY);
    let server = server.restart();
    for _ in 0..5 {
        sweep(&server);
    }
    assert_eq!(
        refresh_grants(&server),
        1,
        "the trusted time was in the file"
    );
    server.clock.rewind(90 * DAY);
    sweep(&server);
    assert_eq!(refresh(&server, &refresh_token), 200);
}

#[test]
fn time_passing_sweeps_as_before() {
    let (server, refresh_token) = with_a_grant();
    // The test profile's refresh tokens idle out after 120 s; an hour in steps of ten
    // minutes is time passing, not a jump.
    for _ in 0..6 {
        server.advance(Duration::from_secs(600));
        sweep(&server);
    }
    assert_eq!(refresh_grants(&server), 0, "the idle grant was swept");
    assert_eq!(refresh(&server, &refresh_token), 400);
}
