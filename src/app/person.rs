//! The person's side of the browser pages, one use case per form: entering a code, deciding on
//! a device's request, signing in and going on, deciding an app's request, and signing out.
//! Each makes every decision and returns an outcome that the page only renders; `Err` is a
//! fault on our side (the store, the random source), which the page shows as "try again".
//!
//! Invariant: a user code reaches the device grants here only through the guarded calls of
//! `guard` (`look_up_code`, `approve_device_as`, `deny_device_as`, `report_device_as`), and a
//! password only through
//! `sign_in`; the budgets are spent there, once.

// An outcome is made once per request and moved straight to its page: boxing the large
// variants would cost more reading than the bytes it saves.
#![allow(clippy::large_enum_variant)]

use std::net::IpAddr;

use super::authorize::{AuthorizeRefusal, CheckedRequest, NextStep};
use super::device::{CodeProblem, DecisionError, PendingRequest};
use super::guard::CodeEntrant;
use super::logout::{LogoutParams, LogoutProblem, LogoutRequest};
use super::page_tickets::{DeviceOutcome, TicketFor};
use super::sessions::{NewSession, PasswordAccepted, SignInError};
use super::{App, AppError};
use crate::domain::authorization::AuthorizationParams;
use crate::domain::client::ClientId;
use crate::domain::group::NotForYou;
use crate::domain::refusal::AppRefusal;
use crate::domain::session::Session;
use crate::domain::time::Timestamp;
use crate::domain::user::User;
use crate::domain::user_code::UserCode;

/// A browser that posted one of our forms: its cookie (the form token matched it) and its
/// address as the budgets count it.
#[derive(Debug, Clone)]
pub struct Visitor {
    pub cookie: String,
    pub address: Option<IpAddr>,
}

impl Visitor {
    fn entrant<'a>(&'a self, session: Option<&'a Session>) -> CodeEntrant<'a> {
        CodeEntrant {
            cookie: Some(&self.cookie),
            address: self.address,
            sub: session.map(|s| &s.sub),
        }
    }
}

/// A device's request, and the signed-in person asked about it.
#[derive(Debug, Clone)]
pub struct DeviceConsent {
    pub pending: PendingRequest,
    pub user: User,
    pub now: Timestamp,
}

/// What follows a typed code.
#[derive(Debug, Clone)]
pub enum CodeStep {
    /// Signed in: show what the device asks for.
    Consent(DeviceConsent),
    /// Signed in, but the client's access policy keeps this person out: the grant is denied.
    NotForYou(NotForYou),
    /// Not signed in: sign in first, carrying the code.
    SignIn(UserCode),
    /// The code leads nowhere, or the code-entry budget is spent (`CodeProblem::Paused`).
    /// Never `CodeProblem::Unavailable`: that is the use case's `Err`.
    Problem(CodeProblem),
}

/// The buttons of the device consent page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceChoice {
    Approve,
    Deny,
    /// "I didn't start this": deny, and report it (`device_report`).
    Report,
}

/// What became of the person's Approve, Deny or report on a device's request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceDecision {
    /// The request of this client's device was decided so.
    Decided(ClientId, DeviceOutcome),
    /// The session ended while the page was open.
    SignInAgain,
    /// As [`CodeStep::Problem`].
    Problem(CodeProblem),
    AccountUnusable,
    /// The client's access policy keeps this person out; the grant is denied.
    NotForYou(NotForYou),
}

/// Where a sign-in goes on to.
#[derive(Debug, Clone)]
pub enum Then {
    /// The device request behind a typed code.
    Device(String),
    /// An app's authorization request, carried through the sign-in form; `None` when what came
    /// back could not be read.
    Authorization(Option<AuthorizationParams>),
    Nowhere,
}

/// Where the sign-in goes on to, as the sign-in form carried it.
#[derive(Debug, Clone, Default)]
pub struct Carried {
    pub user_code: Option<String>,
    pub authorize: Option<String>,
    pub back: Option<String>,
    pub to_account: bool,
}

/// The app an authorization request is from, for the sign-in page.
#[derive(Debug, Clone)]
pub struct CarriedApp {
    pub name: String,
    pub redirect_uri: String,
}

/// What an authorization request shows next.
#[derive(Debug, Clone)]
pub enum AppStep {
    Next {
        checked: CheckedRequest,
        /// The signed-in person, when there is one.
        user: Option<User>,
        step: NextStep,
    },
    /// A page saying why, or back to the app with an error. Never
    /// `AuthorizeRefusal::Unavailable`: that is the use case's `Err`.
    Refused(AuthorizeRefusal),
}

/// What became of a sign-in.
#[derive(Debug, Clone)]
pub enum SignInOutcome {
    /// A new session behind a new cookie (no session fixation), and what follows.
    SignedIn { cookie: String, next: AfterSignIn },
    /// Wrong name or password, or an account that may not sign in; the page does not say which.
    Rejected { app: Option<CarriedApp> },
    /// Out of sign-in budget until then: the password was not checked.
    Paused(Timestamp),
    /// Every password-hashing slot stayed busy.
    Busy,
    /// The password was right and the account has a second factor: this browser now holds a
    /// pending sign-in that its code finishes (`second_step`).
    SecondFactor,
}

#[derive(Debug, Clone)]
pub enum AfterSignIn {
    /// An administrator without a second factor, on a server that requires one: setting it up
    /// comes before anything else.
    SetUpSecondFactor,
    Device(CodeStep),
    Authorization(AppStep),
    Nowhere,
}

/// What became of the person's Allow or Deny on an app's request.
#[derive(Debug, Clone)]
pub enum AppDecision {
    /// Back to the app, with a code or `access_denied`.
    Redirect(String),
    /// The session ended while the page was open.
    SignInAgain(CheckedRequest),
    Refused(AuthorizeRefusal),
}

/// What an app's sign-out request leads to.
#[derive(Debug, Clone)]
pub enum EndSession {
    /// Signed out (or nobody was signed in): back to the app when it named a registered
    /// address, else a page.
    SignedOut { return_to: Option<String> },
    /// Someone else than the app's ID token names is signed in: they confirm first, so that no
    /// other site can sign people out at will.
    Confirm {
        request: LogoutRequest,
        signed_in_as: String,
    },
    /// Said to the person: why the request cannot be followed.
    Refused(AppRefusal),
}

/// A refusal worth showing, or the fault inside it.
fn shown(refusal: AuthorizeRefusal) -> Result<AppStep, AppError> {
    match refusal {
        AuthorizeRefusal::Unavailable(why) => Err(AppError::Unavailable(why)),
        refusal => Ok(AppStep::Refused(refusal)),
    }
}

/// The name people know `user` by.
pub fn known_as(user: &User) -> &str {
    user.display_name
        .as_deref()
        .unwrap_or(user.username.as_str())
}

impl App {
    /// `POST /device`: spends the code-entry budget, looks the code up, and says what comes
    /// next.
    pub fn enter_code(&self, visitor: &Visitor, typed: &str) -> Result<CodeStep, AppError> {
        let signed_in = self.signed_in(&visitor.cookie)?;
        let who = visitor.entrant(signed_in.as_ref().map(|(session, _)| session));
        let found = self.look_up_code(&who, typed);
        self.code_step(found, signed_in.map(|(_, user)| user))
    }

    /// `GET /device/consent`: what `POST /device` or a sign-in with a code led to, shown
    /// again (Post/Redirect/Get), so a reload asks nothing twice. Only with the ticket this
    /// browser was given for the code: otherwise `None`, and nothing is looked up.
    pub fn review_code(
        &self,
        visitor: &Visitor,
        typed: &str,
        ticket: &str,
    ) -> Result<Option<CodeStep>, AppError> {
        let Some(code) = UserCode::normalize(typed) else {
            return Ok(None);
        };
        let what = TicketFor::DeviceConsent {
            user_code: code.as_str(),
        };
        if !self.page_ticket_matches(&visitor.cookie, what, ticket) {
            return Ok(None);
        }
        self.enter_code(visitor, typed).map(Some)
    }

    /// `GET /device/done`: the name of the client whose device this browser just approved or
    /// denied, as its ticket says; `None` for a link without this browser's ticket, or a client
    /// since removed.
    pub fn decided_device(
        &self,
        cookie: &str,
        client_id: &str,
        outcome: DeviceOutcome,
        ticket: &str,
    ) -> Result<Option<String>, AppError> {
        let what = TicketFor::DeviceDecided { client_id, outcome };
        if !self.page_ticket_matches(cookie, what, ticket) {
            return Ok(None);
        }
        match self.client(client_id) {
            Ok(client) => Ok(Some(client.name)),
            Err(AppError::NotFound(_) | AppError::Invalid(_)) => Ok(None),
            Err(fault) => Err(fault),
        }
    }

    fn code_step(
        &self,
        found: Result<PendingRequest, CodeProblem>,
        user: Option<User>,
    ) -> Result<CodeStep, AppError> {
        match (found, user) {
            (Err(CodeProblem::Unavailable(why)), _) => Err(AppError::Unavailable(why)),
            (Err(problem), _) => Ok(CodeStep::Problem(problem)),
            (Ok(pending), Some(user)) => {
                // The code was just found through the guarded look-up; this finds it again to
                // hold the access policy to it before the consent page is shown.
                let found = self
                    .find_grant(pending.user_code.as_str())?
                    .ok_or_else(|| AppError::Unavailable("a found code vanished".into()))?;
                match self.hold_to_policy(&found, &user) {
                    Ok(()) => Ok(CodeStep::Consent(DeviceConsent {
                        pending,
                        user,
                        now: self.now(),
                    })),
                    Err(DecisionError::NotForYou(refused)) => Ok(CodeStep::NotForYou(refused)),
                    Err(DecisionError::Code(CodeProblem::Unavailable(why))) => {
                        Err(AppError::Unavailable(why))
                    }
                    Err(DecisionError::Code(problem)) => Ok(CodeStep::Problem(problem)),
                    Err(DecisionError::AccountUnusable) => {
                        Ok(CodeStep::Problem(CodeProblem::Unknown))
                    }
                }
            }
            (Ok(pending), None) => Ok(CodeStep::SignIn(pending.user_code)),
        }
    }

    /// `POST /device/decision`: approve, deny or report the request behind a typed code, as
    /// the signed-in person.
    pub fn decide_device(
        &self,
        visitor: &Visitor,
        typed: &str,
        choice: DeviceChoice,
    ) -> Result<DeviceDecision, AppError> {
        let Some((session, user)) = self.signed_in(&visitor.cookie)? else {
            return Ok(DeviceDecision::SignInAgain);
        };
        let who = visitor.entrant(Some(&session));
        let (decided, outcome) = match choice {
            DeviceChoice::Approve => (
                self.approve_device_as(&who, typed, &user, &session),
                DeviceOutcome::Approved,
            ),
            DeviceChoice::Deny => (self.deny_device_as(&who, typed), DeviceOutcome::Denied),
            DeviceChoice::Report => (self.report_device_as(&who, typed), DeviceOutcome::Reported),
        };
        match decided {
            Ok(client_id) => Ok(DeviceDecision::Decided(client_id, outcome)),
            Err(DecisionError::Code(CodeProblem::Unavailable(why))) => {
                Err(AppError::Unavailable(why))
            }
            Err(DecisionError::Code(problem)) => Ok(DeviceDecision::Problem(problem)),
            Err(DecisionError::AccountUnusable) => Ok(DeviceDecision::AccountUnusable),
            Err(DecisionError::NotForYou(refused)) => Ok(DeviceDecision::NotForYou(refused)),
        }
    }

    /// `POST /login`: checks the password within the sign-in budget, opens a session, and goes
    /// on to what the form carried.
    pub fn sign_in_and_continue(
        &self,
        visitor: &Visitor,
        username: &str,
        password: &str,
        then: Then,
        carried: Carried,
    ) -> Result<SignInOutcome, AppError> {
        let new = match self.sign_in(username, password, visitor.address) {
            Ok(PasswordAccepted::Session(new)) => new,
            Ok(PasswordAccepted::NeedsSecondFactor(user)) => {
                self.hold_pending_sign_in(&visitor.cookie, &user, then, carried);
                return Ok(SignInOutcome::SecondFactor);
            }
            Err(SignInError::Rejected) => {
                let app = match &then {
                    Then::Authorization(Some(params)) => self
                        .check_authorization_request(params)
                        .ok()
                        .map(|checked| CarriedApp {
                            name: checked.client.name,
                            redirect_uri: checked.request.redirect_uri,
                        }),
                    _ => None,
                };
                return Ok(SignInOutcome::Rejected { app });
            }
            Err(SignInError::Paused(until)) => return Ok(SignInOutcome::Paused(until)),
            Err(SignInError::Busy) => return Ok(SignInOutcome::Busy),
            Err(SignInError::Unavailable(why)) => return Err(AppError::Unavailable(why)),
        };
        let NewSession {
            cookie,
            session,
            user,
        } = new;
        let next = self.go_on(visitor, session, user, then)?;
        Ok(SignInOutcome::SignedIn { cookie, next })
    }

    /// What a sign-in that has just opened `session` goes on to.
    pub(super) fn go_on(
        &self,
        visitor: &Visitor,
        session: Session,
        user: User,
        then: Then,
    ) -> Result<AfterSignIn, AppError> {
        if user.admin && self.settings.second_factor_for_admins && !user.second_factor.is_on() {
            return Ok(AfterSignIn::SetUpSecondFactor);
        }
        Ok(match then {
            Then::Device(typed) => {
                let found = self.look_up_code(&visitor.entrant(Some(&session)), &typed);
                AfterSignIn::Device(self.code_step(found, Some(user))?)
            }
            Then::Authorization(None) => AfterSignIn::Authorization(AppStep::Refused(
                AuthorizeRefusal::Page(AppRefusal::Damaged),
            )),
            Then::Authorization(Some(params)) => {
                let signed_in = (session, user);
                AfterSignIn::Authorization(self.authorization_page(
                    &params,
                    Some(signed_in),
                    true,
                )?)
            }
            Then::Nowhere => AfterSignIn::Nowhere,
        })
    }

    /// `GET`/`POST /authorize`: sign in, consent, or straight back to the app.
    pub fn start_authorization(
        &self,
        cookie: &str,
        params: &AuthorizationParams,
    ) -> Result<AppStep, AppError> {
        let checked = match self.check_authorization_request(params) {
            Ok(checked) => checked,
            Err(refusal) => return shown(refusal),
        };
        let signed_in = self.signed_in(cookie)?;
        self.step_for(checked, signed_in, false)
    }

    /// The step for a request, for a person who has just signed in (`fresh_sign_in`) or not.
    fn authorization_page(
        &self,
        params: &AuthorizationParams,
        signed_in: Option<(Session, User)>,
        fresh_sign_in: bool,
    ) -> Result<AppStep, AppError> {
        match self.check_authorization_request(params) {
            Ok(checked) => self.step_for(checked, signed_in, fresh_sign_in),
            Err(refusal) => shown(refusal),
        }
    }

    fn step_for(
        &self,
        checked: CheckedRequest,
        signed_in: Option<(Session, User)>,
        fresh_sign_in: bool,
    ) -> Result<AppStep, AppError> {
        match self.authorization_step(&checked, signed_in.as_ref(), fresh_sign_in) {
            Ok(step) => Ok(AppStep::Next {
                checked,
                user: signed_in.map(|(_, user)| user),
                step,
            }),
            Err(refusal) => shown(refusal),
        }
    }

    /// `POST /authorize/decision`: Allow or Deny an app's request, as the signed-in person.
    pub fn decide_app_request(
        &self,
        cookie: &str,
        params: &AuthorizationParams,
        approve: bool,
    ) -> Result<AppDecision, AppError> {
        let refused = |refusal| match shown(refusal)? {
            AppStep::Refused(refusal) => Ok(AppDecision::Refused(refusal)),
            AppStep::Next { .. } => Err(AppError::Unavailable("a refusal went on".into())),
        };
        let checked = match self.check_authorization_request(params) {
            Ok(checked) => checked,
            Err(refusal) => return refused(refusal),
        };
        let Some((session, user)) = self.signed_in(cookie)? else {
            return Ok(AppDecision::SignInAgain(checked));
        };
        match self.decide_authorization(&checked, &session, &user, approve) {
            Ok(location) => Ok(AppDecision::Redirect(location)),
            Err(refusal) => refused(refusal),
        }
    }

    /// `POST /logout`: ends the session behind `cookie`. The session is over either way; a bad
    /// return address only loses the redirect.
    pub fn leave(&self, cookie: &str, params: &LogoutParams) -> Result<Option<String>, AppError> {
        let checked = self.check_logout_request(params);
        self.sign_out(cookie)?;
        Ok(checked.ok().and_then(|c| c.return_to))
    }

    /// `GET`/`POST /end_session` (OpenID Connect RP-Initiated Logout 1.0): with an ID token
    /// naming the signed-in person, or with nobody signed in, signs out at once; otherwise the
    /// person confirms.
    pub fn end_session(
        &self,
        cookie: Option<&str>,
        params: &LogoutParams,
    ) -> Result<EndSession, AppError> {
        let request = match self.check_logout_request(params) {
            Ok(request) => request,
            Err(LogoutProblem::Refused(why)) => return Ok(EndSession::Refused(why)),
            Err(LogoutProblem::Unavailable(fault)) => return Err(fault),
        };
        let signed_in = match cookie {
            Some(cookie) => self.signed_in(cookie)?.map(|(_, user)| (cookie, user)),
            None => None,
        };
        match signed_in {
            Some((_, user)) if request.hinted_sub.as_ref() != Some(&user.sub) => {
                Ok(EndSession::Confirm {
                    signed_in_as: known_as(&user).to_owned(),
                    request,
                })
            }
            Some((cookie, _)) => {
                self.sign_out(cookie)?;
                Ok(EndSession::SignedOut {
                    return_to: request.return_to,
                })
            }
            None => Ok(EndSession::SignedOut {
                return_to: request.return_to,
            }),
        }
    }
}
