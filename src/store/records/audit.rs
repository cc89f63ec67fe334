//! The audit trail. V1 events have no detail; V2 adds one, and is written only for events that
//! carry it, so every event an older authbox wrote reads as before.

use serde::{Deserialize, Serialize};

use super::{StoreError, V1, V2, corrupt, decode_body, encode, unknown_version};
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

#[derive(Serialize, Deserialize)]
struct AuditEventV2 {
    at_ms: u64,
    kind: String,
    subject: Option<String>,
    client_id: Option<String>,
    address: Option<String>,
    detail: String,
}

pub fn encode_audit(e: &AuditEvent) -> Result<Vec<u8>, StoreError> {
    let (at_ms, kind) = (e.at.millis(), e.kind.name().to_owned());
    match &e.detail {
        None => encode(
            V1,
            &AuditEventV1 {
                at_ms,
                kind,
                subject: e.subject.clone(),
                client_id: e.client_id.clone(),
                address: e.address.clone(),
            },
        ),
        Some(detail) => encode(
            V2,
            &AuditEventV2 {
                at_ms,
                kind,
                subject: e.subject.clone(),
                client_id: e.client_id.clone(),
                address: e.address.clone(),
                detail: detail.clone(),
            },
        ),
    }
}

pub fn decode_audit(bytes: &[u8]) -> Result<AuditEvent, StoreError> {
    let r = match bytes.split_first() {
        Some((&V1, body)) => {
            decode_body::<AuditEventV1>("audit event", body).map(|r| AuditEventV2 {
                at_ms: r.at_ms,
                kind: r.kind,
                subject: r.subject,
                client_id: r.client_id,
                address: r.address,
                detail: String::new(),
            })?
        }
        Some((&V2, body)) => decode_body::<AuditEventV2>("audit event", body)?,
        Some((&version, _)) => return Err(unknown_version("audit event", version)),
        None => return Err(StoreError::Corrupt("an audit event record is empty".into())),
    };
    Ok(AuditEvent {
        at: Timestamp::from_millis(r.at_ms),
        kind: r.kind.parse().map_err(corrupt("audit event kind"))?,
        subject: r.subject,
        client_id: r.client_id,
        address: r.address,
        detail: (!r.detail.is_empty()).then_some(r.detail),
    })
}
