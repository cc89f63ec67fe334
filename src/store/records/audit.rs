//! The audit trail.

use serde::{Deserialize, Serialize};

use super::{StoreError, V1, corrupt, decode, encode};
use crate::domain::audit::AuditEvent;
use crate::domain::time::Timestamp;

#[derive(Serialize, Deserialize)]
struct AuditEventV1 {
    at_ms: u64,
    kind: String,
    subject: Option<String>,
    client_id: Option<String>,
    address: Option<String>,
}

pub fn encode_audit(e: &AuditEvent) -> Result<Vec<u8>, StoreError> {
    encode(
        V1,
        &AuditEventV1 {
            at_ms: e.at.millis(),
            kind: e.kind.name().to_owned(),
            subject: e.subject.clone(),
            client_id: e.client_id.clone(),
            address: e.address.clone(),
        },
    )
}

pub fn decode_audit(bytes: &[u8]) -> Result<AuditEvent, StoreError> {
    let r: AuditEventV1 = decode("audit event", bytes)?;
    Ok(AuditEvent {
        at: Timestamp::from_millis(r.at_ms),
        kind: r.kind.parse().map_err(corrupt("audit event kind"))?,
        subject: r.subject,
        client_id: r.client_id,
        address: r.address,
    })
}
