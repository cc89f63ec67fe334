//! The authorization-code grant's use cases: check a request (RFC 6749 §4.1.1, OIDC Core
//! §3.1.2), decide what the person sees next, turn their consent into a code, and redeem the
//! code at the token endpoint (RFC 6749 §4.1.3) exactly once.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::tokens::IssuedTokens;
use super::{App, AppError, ProtocolError};
use crate::crypto::hash::{digests_equal, sha256};
use crate::crypto::random::{random_array, random_token};
use crate::domain::approval::Approval;
use crate::domain::audit::{AuditEvent, AuditKind};
use crate::domain::authorization::{
    AuthorizationCode, AuthorizationParams, AuthorizationRequest, CodeChallenge, CodeState,
    Consent, Redemption, RequestRefused, is_well_formed_verifier,
};
use crate::domain::client::{Client, ClientId, GrantType};
use crate::domain::group::NotForYou;
use crate::domain::oauth::{ErrorCode, OAuthFailure};
use crate::domain::refusal::AppRefusal;
use crate::domain::session::Session;
use crate::domain::time::Timestamp;
use crate::domain::user::{Subject, User};
use crate::store::IssuedTo;
use crate::store::{FamilyId, StoreError};

/// RFC 6749 §4.1.2 recommends at most ten minutes; a browser redirect takes a second.
const CODE_LIFETIME: Duration = Duration::from_secs(60);
/// A used code's row is kept this long after expiry, so a replay is recognised as one.
const CODE_REPLAY_WINDOW: Duration = Duration::from_secs(10 * 60);

/// Why an authorization request goes no further than a page or a redirect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorizeRefusal {
    /// Shown to the person: the client or its redirect URI could not be verified, so the browser
    /// is sent nowhere (RFC 6749 §4.1.2.1; no open redirects).
    Page(AppRefusal),
    /// The browser goes back to the client with this URL, carrying `error`.
    Redirect(String),
    /// The client's access policy keeps the signed-in person out: a page says so, with a way
    /// back to the app that carries `error=access_denied` (RFC 6749 §4.1.2.1).
    NotForYou {
        refused: NotForYou,
        back_to_app: String,
    },
    Unavailable(String),
}

impl From<StoreError> for AuthorizeRefusal {
    fn from(e: StoreError) -> Self {
        AuthorizeRefusal::Unavailable(e.to_string())
    }
}

impl From<AppError> for AuthorizeRefusal {
    fn from(e: AppError) -> Self {
        AuthorizeRefusal::Unavailable(e.to_string())
    }
}

/// A valid request and the client it is from.
#[derive(Debug, Clone)]
pub struct CheckedRequest {
    pub client: Client,
    pub request: AuthorizationRequest,
}

/// What the browser is shown next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextStep {
    SignIn,
    Consent,
    /// Back to the client, with a code or an error.
    Redirect(String),
}

fn refuse(code: ErrorCode, description: &str) -> ProtocolError {
    ProtocolError::OAuth(OAuthFailure::new(code, description))
}

/// RFC 7636 §4.6: `BASE64URL(SHA256(verifier)) == challenge`, compared in constant time.
pub fn pkce_matches(challenge: &CodeChallenge, verifier: &str) -> bool {
    let Ok(expected) = URL_SAFE_NO_PAD.decode(challenge.as_str()) else {
        return false;
    };
    let Ok(expected) = <[u8; 32]>::try_from(expected.as_slice()) else {
        return false;
    };
    is_well_formed_verifier(verifier) && digests_equal(&expected, &sha256(verifier.as_bytes()))
}

impl App {
    /// The URL that sends the browser back to the client with `pairs`, `state` and `iss`
    /// (RFC 9207), added to the redirect URI's own query.
    fn response_url(
        &self,
        redirect_uri: &str,
        state: Option<&str>,
        pairs: &[(&str, &str)],
    ) -> Result<String, AuthorizeRefusal> {
        let mut url = url::Url::parse(redirect_uri)
            .map_err(|_| AuthorizeRefusal::Page(AppRefusal::ReturnInvalid))?;
        {
            let mut query = url.query_pairs_mut();
            for (name, value) in pairs {
                query.append_pair(name, value);
            }
            if let Some(state) = state {
                query.append_pair("state", state);
            }
            query.append_pair("iss", &self.settings.issuer);
        }
        Ok(url.into())
    }

    /// Back to a verified redirect URI with `error` and `error_description` (RFC 6749 §4.1.2.1).
    fn error_url(
        &self,
        redirect_uri: &str,
        state: Option<&str>,
        failure: &OAuthFailure,
    ) -> Result<String, AuthorizeRefusal> {
        let description = failure.description.as_deref().unwrap_or_default();
        self.response_url(
            redirect_uri,
            state,
            &[
                ("error", failure.code.as_str()),
                ("error_description", description),
            ],
        )
    }

    fn error_redirect(
        &self,
        request: &AuthorizationRequest,
        code: ErrorCode,
        description: &str,
    ) -> Result<String, AuthorizeRefusal> {
        self.error_url(
            &request.redirect_uri,
            request.state.as_deref(),
            &OAuthFailure::new(code, description),
        )
    }

    /// The access policy at an app's request ([`App::may_use`]), for a signed-in person. With
    /// `prompt=none` nothing may be shown, so the browser goes straight back with
    /// `access_denied`; otherwise a page explains, with a way back carrying the same error.
    fn hold_app_to_policy(
        &self,
        checked: &CheckedRequest,
        user: &User,
    ) -> Result<(), AuthorizeRefusal> {
        if self.may_use(&checked.client, user)? {
            return Ok(());
        }
        self.record_access_refused(&checked.client, &user.sub);
        let back_to_app = self.error_redirect(
            &checked.request,
            ErrorCode::AccessDenied,
            "this account may not use this app",
        )?;
        if checked.request.prompt.none {
            return Err(AuthorizeRefusal::Redirect(back_to_app));
        }
        Err(AuthorizeRefusal::NotForYou {
            refused: NotForYou::new(&checked.client.name, user),
            back_to_app,
        })
    }

    /// Checks an authorization request against the client it names.
    pub fn check_authorization_request(
        &self,
        params: &AuthorizationParams,
    ) -> Result<CheckedRequest, AuthorizeRefusal> {
        let unknown = || AuthorizeRefusal::Page(AppRefusal::AppUnknown);
        let Some(client_id) = params.client_id.as_deref() else {
            return Err(AuthorizeRefusal::Page(AppRefusal::AppUnnamed));
        };
        let client_id = ClientId::parse(client_id).map_err(|_| unknown())?;
        let client = self
            .store
            .client(&client_id)?
            .filter(|c| !c.disabled)
            .ok_or_else(unknown)?;
        match AuthorizationRequest::check(
            params,
            &client,
            &self.settings.resources,
            self.settings.plain_http,
        ) {
            Ok(request) => Ok(CheckedRequest { client, request }),
            Err(RequestRefused::NoRedirect(why)) => Err(AuthorizeRefusal::Page(why)),
            Err(RequestRefused::Redirect {
                redirect_uri,
                state,
                failure,
            }) => Err(AuthorizeRefusal::Redirect(self.error_url(
                &redirect_uri,
                state.as_deref(),
                &failure,
            )?)),
        }
    }

    /// Sign in, consent, or straight back to the client (OIDC Core §3.1.2.3–3.1.2.4).
    /// `fresh_sign_in` says the person has just entered their password for this request.
    pub fn authorization_step(
        &self,
        checked: &CheckedRequest,
        signed_in: Option<&(Session, User)>,
        fresh_sign_in: bool,
    ) -> Result<NextStep, AuthorizeRefusal> {
        let request = &checked.request;
        let now = self.now();
        let Some((session, user)) = signed_in.filter(|(session, _)| {
            fresh_sign_in || !request.needs_fresh_sign_in(session.auth_time, now)
        }) else {
            return if request.prompt.none {
                Ok(NextStep::Redirect(self.error_redirect(
                    request,
                    ErrorCode::LoginRequired,
                    "the person must sign in",
                )?))
            } else {
                Ok(NextStep::SignIn)
            };
        };
        self.hold_app_to_policy(checked, user)?;
        let remembered = self
            .store
            .consent(&user.sub, &checked.client.id)?
            .is_some_and(|consent| consent.covers(&request.scopes));
        if request.prompt.consent || !remembered {
            return if request.prompt.none {
                Ok(NextStep::Redirect(self.error_redirect(
                    request,
                    ErrorCode::ConsentRequired,
                    "the person must consent",
                )?))
            } else {
                Ok(NextStep::Consent)
            };
        }
        Ok(NextStep::Redirect(self.issue_code(checked, user, session)?))
    }

    /// The person's answer on the consent page. Approval is remembered, so the next sign-in to
    /// the same app with the same scopes does not ask again.
    pub fn decide_authorization(
        &self,
        checked: &CheckedRequest,
        session: &Session,
        user: &User,
        approve: bool,
    ) -> Result<String, AuthorizeRefusal> {
        let now = self.now();
        let client_id = checked.client.id.as_str();
        if !approve {
            // Nothing is stored for a refusal, yet it is a person's decision, not a flood an
            // attacker can make: written at once rather than buffered.
            let denied = AuditEvent::new(AuditKind::Denied, now)
                .subject(user.sub.as_str())
                .client(client_id);
            self.store.append_audit(self.audit_rows(denied)?)?;
            return self.error_redirect(
                &checked.request,
                ErrorCode::AccessDenied,
                "the person denied the request",
            );
        }
        self.hold_app_to_policy(checked, user)?;
        let mut scopes = checked.request.scopes.clone();
        if let Some(earlier) = self.store.consent(&user.sub, &checked.client.id)? {
            for scope in earlier.scopes.iter() {
                scopes.insert(scope.clone());
            }
        }
        let approved = AuditEvent::new(AuditKind::Approved, now)
            .subject(user.sub.as_str())
            .client(client_id);
        self.store.remember_consent(
            &user.sub,
            &checked.client.id,
            &Consent {
                scopes,
                granted_at: now,
            },
            self.audit_rows(approved)?,
        )?;
        self.issue_code(checked, user, session)
    }

    fn issue_code(
        &self,
        checked: &CheckedRequest,
        user: &User,
        session: &Session,
    ) -> Result<String, AuthorizeRefusal> {
        let request = &checked.request;
        let now = self.now();
        let code = random_token().map_err(|e| AuthorizeRefusal::Unavailable(e.to_string()))?;
        let record = AuthorizationCode {
            client_id: checked.client.id.clone(),
            redirect_uri: request.redirect_uri.clone(),
            redirect_uri_presented: request.redirect_uri_presented,
            sub: user.sub.clone(),
            scopes: request.scopes.clone(),
            nonce: request.nonce.clone(),
            code_challenge: request.code_challenge.clone(),
            auth_time: session.auth_time,
            method: session.method,
            issued_at: now,
            expires_at: now.plus(CODE_LIFETIME),
            state: CodeState::Issued,
        };
        self.store.insert_authorization_code(
            &sha256(code.as_bytes()),
            &record,
            CODE_REPLAY_WINDOW,
        )?;
        self.response_url(
            &request.redirect_uri,
            request.state.as_deref(),
            &[("code", &code)],
        )
    }

    /// `grant_type=authorization_code`: tokens for a code, once. The code must be this client's,
    /// for the same redirect URI, unexpired, and the PKCE verifier must match its challenge. A
    /// code presented again revokes what it produced (RFC 6749 §4.1.2).
    pub fn redeem_authorization_code(
        &self,
        client: &Client,
        code: &str,
        redirect_uri: Option<&str>,
        verifier: &str,
    ) -> Result<IssuedTokens, ProtocolError> {
        if client.disabled {
            return Err(refuse(ErrorCode::InvalidGrant, "this client is disabled"));
        }
        if !client.allows(GrantType::AuthorizationCode) {
            return Err(refuse(
                ErrorCode::UnauthorizedClient,
                "this client may not use the authorization-code grant",
            ));
        }
        let invalid_grant = || {
            refuse(
                ErrorCode::InvalidGrant,
                "the code is invalid, expired or used, or the redirect_uri or code_verifier does not match",
            )
        };
        let now = self.now();
        let hash = sha256(code.as_bytes());
        // Read first, so the tokens are signed and the refresh family built before the one
        // write that spends the code and stores them together. What the read judged stays
        // true: a code's fields never change and its state only goes from issued to redeemed,
        // which the write checks again.
        let record = self
            .store
            .authorization_code(&hash)?
            .ok_or_else(invalid_grant)?;
        match record.judge(&client.id, redirect_uri, now) {
            Redemption::Redeem if pkce_matches(&record.code_challenge, verifier) => {}
            Redemption::Redeem | Redemption::Refuse => return Err(invalid_grant()),
            Redemption::Replayed { family } => {
                self.revoke_what_a_code_produced(client, &record.sub, family, now)?;
                return Err(invalid_grant());
            }
        }
        let user = self
            .store
            .user_by_sub(&record.sub)?
            .filter(|u| !u.disabled)
            .ok_or_else(|| {
                refuse(
                    ErrorCode::InvalidGrant,
                    "the account that approved can no longer sign in",
                )
            })?;
        // The policy may have changed in the moment since the code was issued.
        if !self.may_use(client, &user)? {
            self.record_access_refused(client, &user.sub);
            return Err(refuse(
                ErrorCode::InvalidGrant,
                "the account that approved may not use this client",
            ));
        }
        let approval = Approval {
            sub: record.sub.clone(),
            scopes: record.scopes.clone(),
            auth_time: record.auth_time,
            method: record.method,
            approved_at: record.issued_at,
        };
        let mut tokens =
            self.issue_tokens(client, &user, &approval, record.nonce.as_deref(), now)?;
        let family_id: FamilyId = random_array()?;
        let (family, refresh_token) = self
            .new_refresh_family(&family_id, client, &approval, None, now)?
            .unzip();
        let started = family.is_some().then_some(family_id);
        let redeemed = AuditEvent::new(AuditKind::Redeemed, now)
            .subject(record.sub.as_str())
            .client(client.id.as_str());
        let outcome = self.store.update_authorization_code(
            &hash,
            move |stored| match stored.state {
                CodeState::Issued => {
                    stored.state = CodeState::Redeemed {
                        at: now,
                        family: started,
                    };
                    Ok(())
                }
                // Another redemption of the same code got there first: this one is a replay.
                CodeState::Redeemed { family, .. } => Err(family),
            },
            family,
            self.audit_rows(redeemed)?,
        )?;
        match outcome {
            Some(Ok(())) => {
                tokens.refresh_token = refresh_token;
                Ok(tokens)
            }
            Some(Err(family)) => {
                self.revoke_what_a_code_produced(client, &record.sub, family, now)?;
                Err(invalid_grant())
            }
            None => Err(invalid_grant()),
        }
    }

    fn revoke_what_a_code_produced(
        &self,
        client: &Client,
        sub: &Subject,
        family: Option<FamilyId>,
        now: Timestamp,
    ) -> Result<(), ProtocolError> {
        let unavailable = |e: AppError| ProtocolError::Unavailable(e.to_string());
        let families: Vec<FamilyId> = family.into_iter().collect();
        let tokens = IssuedTo::ClientPerson {
            client_id: client.id.as_str(),
            sub: sub.as_str(),
        };
        let replayed = AuditEvent::new(AuditKind::CodeReplayed, now)
            .subject(sub.as_str())
            .client(client.id.as_str());
        self.revoke_grants(&families, &[tokens], now, Some(replayed))
            .map_err(unavailable)?;
        tracing::warn!(client_id = %client.id, "an authorization code came back a second time; what it produced is revoked");
        Ok(())
    }
}
