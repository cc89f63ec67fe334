//! "I didn't start this": the person asked to approve a device's request says it is not
//! theirs. The cross-device BCP (draft-ietf-oauth-cross-device-security, "Detect and
//! Remediate" among its practical mitigations) asks for a way to notice consent phishing as it
//! happens and to act on it; a person who was sent a code by someone else is the one who
//! notices first.
//!
//! A report denies the grant (the device hears `access_denied`), records `device_reported` in
//! the audit log with the address the device asked from, counts it in the metrics, and keeps
//! that address from starting device authorizations for the same client for
//! [`REPORT_COOLDOWN`](super::guard::REPORT_COOLDOWN) (`guard`). The person is then offered
//! "My devices", to sign out anything they do not recognize.

use std::net::IpAddr;

use super::App;
use super::device::{DecisionError, FoundGrant};
use crate::domain::audit::{AuditEvent, AuditKind};
use crate::domain::user::Subject;
use crate::telemetry;

impl App {
    /// Denies the grant `found` as reported by `by`, in one write with its audit event, then
    /// cools down the address it was requested from. Unguarded: routes call
    /// [`App::report_device_as`].
    pub(super) fn report_code(
        &self,
        found: &FoundGrant,
        by: Option<&Subject>,
    ) -> Result<(), DecisionError> {
        let requested_from = self
            .store
            .device_grant(&found.hash)?
            .and_then(|grant| grant.requested_from);
        let reported = AuditEvent::new(AuditKind::DeviceReported, self.now())
            .address(requested_from.clone())
            .detail("the person asked said they did not start this request");
        self.decide(found, reported, by, |grant, now| grant.deny(now))?;
        telemetry::device_reported();
        if let Some(address) = requested_from.and_then(|a| a.parse::<IpAddr>().ok()) {
            let until = self.guards.cool_down(&found.client_id, address, self.now());
            tracing::info!(client = %found.client_id.as_str(), %address, until = %until.millis(),
                "a person reported a device code; its address waits for new ones");
        }
        Ok(())
    }
}
