//! Every redb table authbox keeps, in one place. Names read `KEY_TO_VALUE`.
//!
//! Invariant: a table's name and key/value types never change once shipped; a new layout is a
//! new table plus a migration in `schema.rs`.

use redb::{TableDefinition, WriteTransaction};

/// `format` → `authbox`, `schema_version` → u64 big-endian.
pub(super) const META_KEY_TO_VALUE: TableDefinition<&str, &[u8]> =
    TableDefinition::new("meta_key_to_value");
/// `sub` → encoded user record.
pub(super) const USER_SUB_TO_USER: TableDefinition<&str, &[u8]> =
    TableDefinition::new("user_sub_to_user");
/// Lower-cased username → `sub`.
pub(super) const USERNAME_TO_USER_SUB: TableDefinition<&str, &str> =
    TableDefinition::new("username_to_user_sub");
/// Subjects of removed users, kept so that a `sub` is never handed out twice.
pub(super) const REMOVED_SUB_TO_REMOVED_AT: TableDefinition<&str, u64> =
    TableDefinition::new("removed_sub_to_removed_at");
/// `client_id` → encoded client record.
pub(super) const CLIENT_ID_TO_CLIENT: TableDefinition<&str, &[u8]> =
    TableDefinition::new("client_id_to_client");
/// `kid` → encoded signing key record.
pub(super) const KEY_ID_TO_SIGNING_KEY: TableDefinition<&str, &[u8]> =
    TableDefinition::new("key_id_to_signing_key");
/// SHA-256 of a device code → encoded device grant. The device code itself is never stored.
pub(super) const DEVICE_CODE_HASH_TO_GRANT: TableDefinition<&[u8], &[u8]> =
    TableDefinition::new("device_code_hash_to_grant");
/// Canonical user code → SHA-256 of the device code of the grant that holds it.
pub(super) const USER_CODE_TO_DEVICE_CODE_HASH: TableDefinition<&str, &[u8]> =
    TableDefinition::new("user_code_to_device_code_hash");
/// SHA-256 of a session id → encoded session. The id itself lives only in the browser's cookie.
pub(super) const SESSION_ID_HASH_TO_SESSION: TableDefinition<&[u8], &[u8]> =
    TableDefinition::new("session_id_hash_to_session");
/// SHA-256 of a refresh token → its family and whether it has been rotated.
pub(super) const REFRESH_TOKEN_HASH_TO_TOKEN: TableDefinition<&[u8], &[u8]> =
    TableDefinition::new("refresh_token_hash_to_token");
/// Family id (16 random bytes) → encoded refresh family.
pub(super) const REFRESH_FAMILY_ID_TO_FAMILY: TableDefinition<&[u8], &[u8]> =
    TableDefinition::new("refresh_family_id_to_family");
/// (`sub`, family id) → nothing: a person's refresh families, for "My devices".
pub(super) const USER_SUB_FAMILY_TO_NOTHING: TableDefinition<(&str, &[u8]), ()> =
    TableDefinition::new("user_sub_family_to_nothing");
/// `jti` of a revoked access token → its `exp` (seconds); kept until then.
pub(super) const REVOKED_JTI_TO_EXPIRY: TableDefinition<&str, u64> =
    TableDefinition::new("revoked_jti_to_expiry");
/// A set of access tokens → (when it was last revoked, when that may be forgotten), in ms:
/// tokens of the set issued before then no longer count. The key names the set
/// (`revocations::IssuedTo`): `client_id` NUL `sub` for a client's tokens for a person,
/// NUL `sub` for all of a person's, `client_id` NUL `sub` NUL `grant_id` for one grant's.
pub(super) const CLIENT_SUB_TO_REVOKED_AT: TableDefinition<&str, (u64, u64)> =
    TableDefinition::new("client_sub_to_revoked_at");
/// Time (ms, big-endian) ‖ 8 random bytes → encoded audit event. Keyed by time, so the
/// retention sweep deletes a prefix and needs no expiry index.
pub(super) const AUDIT_TIME_TO_EVENT: TableDefinition<&[u8], &[u8]> =
    TableDefinition::new("audit_time_to_event");
/// SHA-256 of an authorization code → encoded code record. Kept past its expiry so that a
/// replayed code is recognised and what it produced revoked (RFC 6749 §4.1.2).
pub(super) const AUTHORIZATION_CODE_HASH_TO_CODE: TableDefinition<&[u8], &[u8]> =
    TableDefinition::new("authorization_code_hash_to_code");
/// (`sub`, `client_id`) → encoded consent: the scopes a person let a web app have.
pub(super) const USER_SUB_CLIENT_TO_CONSENT: TableDefinition<(&str, &str), &[u8]> =
    TableDefinition::new("user_sub_client_to_consent");
/// Group id → encoded group record (name and members). Memberships and client policies
/// name the id, so a rename touches one row.
pub(super) const GROUP_ID_TO_GROUP: TableDefinition<&str, &[u8]> =
    TableDefinition::new("group_id_to_group");
/// Lower-cased group name → group id.
pub(super) const GROUP_NAME_TO_GROUP_ID: TableDefinition<&str, &str> =
    TableDefinition::new("group_name_to_group_id");
/// SHA-256 of a one-time account link's secret → encoded link (invitation or recovery). Kept,
/// used or revoked, until it expires, so a second use is told "already used".
pub(super) const ACCOUNT_LINK_HASH_TO_LINK: TableDefinition<&[u8], &[u8]> =
    TableDefinition::new("account_link_hash_to_link");
/// Expiry index: `expires_at` (ms, big-endian) ‖ row kind ‖ row key → nothing. Sorted by time,
/// so the sweeper reads only what has expired.
pub(super) const EXPIRY_TO_ROW: TableDefinition<&[u8], ()> = TableDefinition::new("expiry_to_row");

pub(super) const META_FORMAT: &str = "format";
pub(super) const META_SCHEMA_VERSION: &str = "schema_version";
/// The key that binds CSRF tokens to browser cookies.
pub(super) const META_FORM_KEY: &str = "form_key";
/// The wall-clock time (ms, big-endian) the sweeper last trusted enough to delete by.
pub(super) const META_SWEEP_TRUSTED_AT: &str = "sweep_trusted_at";
pub(super) const FORMAT_NAME: &[u8] = b"authbox";

/// Opens (and so creates) every table, so readers never meet a missing one.
pub(super) fn create_all(txn: &WriteTransaction) -> Result<(), redb::TableError> {
    txn.open_table(META_KEY_TO_VALUE)?;
    txn.open_table(USER_SUB_TO_USER)?;
    txn.open_table(USERNAME_TO_USER_SUB)?;
    txn.open_table(REMOVED_SUB_TO_REMOVED_AT)?;
    txn.open_table(CLIENT_ID_TO_CLIENT)?;
    txn.open_table(KEY_ID_TO_SIGNING_KEY)?;
    txn.open_table(DEVICE_CODE_HASH_TO_GRANT)?;
    txn.open_table(USER_CODE_TO_DEVICE_CODE_HASH)?;
    txn.open_table(SESSION_ID_HASH_TO_SESSION)?;
    txn.open_table(REFRESH_TOKEN_HASH_TO_TOKEN)?;
    txn.open_table(REFRESH_FAMILY_ID_TO_FAMILY)?;
    txn.open_table(USER_SUB_FAMILY_TO_NOTHING)?;
    txn.open_table(REVOKED_JTI_TO_EXPIRY)?;
    txn.open_table(CLIENT_SUB_TO_REVOKED_AT)?;
    txn.open_table(AUDIT_TIME_TO_EVENT)?;
    txn.open_table(AUTHORIZATION_CODE_HASH_TO_CODE)?;
    txn.open_table(USER_SUB_CLIENT_TO_CONSENT)?;
    txn.open_table(ACCOUNT_LINK_HASH_TO_LINK)?;
    txn.open_table(EXPIRY_TO_ROW)?;
    txn.open_table(GROUP_ID_TO_GROUP)?;
    txn.open_table(GROUP_NAME_TO_GROUP_ID)?;
    Ok(())
}
