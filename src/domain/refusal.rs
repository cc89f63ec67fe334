//! Why an app's request (to sign someone in, or out) is refused with a page instead of a
//! redirect: the browser may only be sent to an address registered for the app, so when the app
//! or that address cannot be verified, the person is told why (RFC 6749 §4.1.2.1; OpenID Connect
//! RP-Initiated Logout 1.0 §3). A reason, not a sentence: the page says it in the person's
//! language.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppRefusal {
    /// The request names no `client_id`.
    AppUnnamed,
    /// No enabled client has that id.
    AppUnknown,
    /// The `redirect_uri` is not one registered for the client.
    ReturnUnregistered,
    /// No `redirect_uri`, and the client has several to choose from.
    ReturnUnnamed,
    /// The registered `redirect_uri` does not parse as a URL.
    ReturnInvalid,
    /// The `redirect_uri` is plain http to a private network, which the server no longer
    /// allows (`--plain-http-on-private-network` is off).
    ReturnInsecure,
    /// A request carried through the sign-in form came back unreadable.
    Damaged,
    /// An `id_token_hint` this server did not issue, or cannot verify.
    SignOutUnverifiable,
    /// A `client_id` other than the `id_token_hint`'s audience.
    SignOutContradicts,
    /// A `post_logout_redirect_uri` not registered for the client.
    SignOutReturnUnregistered,
    /// A registered `post_logout_redirect_uri` that does not parse as a URL.
    SignOutReturnInvalid,
}
