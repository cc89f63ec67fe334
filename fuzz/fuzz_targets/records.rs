//! Stored records (`src/store/records.rs`): every kind decoded from the same arbitrary bytes,
//! as a damaged or hostile data file (or a restored backup) would present them.
//!
//! Checks, for each of the eleven record kinds:
//! - decoding never panics and never allocates beyond what the bytes can describe (`fuzz/run`
//!   caps every allocation; postcard lengths cannot conjure memory);
//! - a record that decodes encodes again, and that encoding decodes to an equal record and
//!   encodes to the same bytes (decode → encode → decode is stable).
#![no_main]

use authbox::domain::refresh::TokenState;
use authbox::fuzzing::{
    decode_audit, decode_authorization_code, decode_client, decode_consent, decode_device_grant,
    decode_group, decode_key, decode_refresh_family, decode_refresh_token, decode_session,
    decode_user, encode_audit, encode_authorization_code, encode_client, encode_consent,
    encode_device_grant, encode_group, encode_key, encode_refresh_family, encode_refresh_token,
    encode_session, encode_user,
};
use authbox::store::StoreError;
use libfuzzer_sys::fuzz_target;

type Decode<T> = fn(&[u8]) -> Result<T, StoreError>;
type Encode<T> = fn(&T) -> Result<Vec<u8>, StoreError>;

fuzz_target!(|data: &[u8]| {
    round_trip("user", data, decode_user, encode_user);
    round_trip("client", data, decode_client, encode_client);
    round_trip("group", data, decode_group, encode_group);
    round_trip("signing key", data, decode_key, encode_key);
    round_trip(
        "device grant",
        data,
        decode_device_grant,
        encode_device_grant,
    );
    round_trip("session", data, decode_session, encode_session);
    round_trip(
        "refresh token",
        data,
        decode_refresh_token,
        |(family, state): &([u8; 16], TokenState)| encode_refresh_token(family, *state),
    );
    round_trip(
        "refresh family",
        data,
        decode_refresh_family,
        encode_refresh_family,
    );
    round_trip("audit event", data, decode_audit, encode_audit);
    round_trip(
        "authorization code",
        data,
        decode_authorization_code,
        encode_authorization_code,
    );
    round_trip("consent", data, decode_consent, encode_consent);
});

fn round_trip<T: PartialEq>(what: &str, bytes: &[u8], decode: Decode<T>, encode: Encode<T>) {
    let Ok(record) = decode(bytes) else {
        return;
    };
    let encoded =
        encode(&record).unwrap_or_else(|e| panic!("a decoded {what} does not encode: {e}"));
    let again =
        decode(&encoded).unwrap_or_else(|e| panic!("a re-encoded {what} does not decode: {e}"));
    assert!(
        again == record,
        "a {what} changed on decode → encode → decode"
    );
    let encoded_again = encode(&again).unwrap_or_else(|e| panic!("a {what} does not encode: {e}"));
    assert_eq!(
        encoded_again, encoded,
        "a {what} encodes to different bytes"
    );
}
