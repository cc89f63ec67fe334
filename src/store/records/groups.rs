//! Groups of people.

use serde::{Deserialize, Serialize};

use super::{StoreError, V1, corrupt, decode, encode};
use crate::domain::group::{Group, GroupId, GroupName};
use crate::domain::time::Timestamp;
use crate::domain::user::Subject;

#[derive(Serialize, Deserialize)]
struct GroupV1 {
    id: String,
    name: String,
    members: Vec<String>,
    created_at_ms: u64,
}

pub fn encode_group(group: &Group) -> Result<Vec<u8>, StoreError> {
    encode(
        V1,
        &GroupV1 {
            id: group.id.as_str().to_owned(),
            name: group.name.as_str().to_owned(),
            members: group
                .members
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect(),
            created_at_ms: group.created_at.millis(),
        },
    )
}

pub fn decode_group(bytes: &[u8]) -> Result<Group, StoreError> {
    let r: GroupV1 = decode("group", bytes)?;
    let mut members: Vec<Subject> = r.members.into_iter().map(Subject::from_stored).collect();
    // Sorted on write; sorted again on read so a member check never trusts the bytes' order.
    members.sort();
    members.dedup();
    Ok(Group {
        id: GroupId::from_stored(r.id),
        name: GroupName::parse(&r.name).map_err(corrupt("group name"))?,
        members,
        created_at: Timestamp::from_millis(r.created_at_ms),
    })
}
