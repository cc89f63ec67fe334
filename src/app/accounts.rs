//! People's accounts: create, list, change password, disable, remove.

use super::{App, AppError};
use crate::crypto::random::random_array;
use crate::domain::user::{Email, Subject, User, Username, check_new_password, parse_display_name};

/// What an operator gives to create an account. Every field is checked here, whichever way
/// the request came in.
#[derive(Debug, Clone, Default)]
pub struct NewUser {
    pub username: String,
    pub password: String,
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub email_verified: bool,
    pub admin: bool,
}

impl App {
    pub fn add_user(&self, new: NewUser) -> Result<User, AppError> {
        let username = Username::parse(&new.username)?;
        check_new_password(&new.password)?;
        let display_name = new
            .display_name
            .as_deref()
            .map(|n| parse_display_name(n, "name"))
            .transpose()?;
        let email = new.email.as_deref().map(Email::parse).transpose()?;
        if new.email_verified && email.is_none() {
            return Err(AppError::Invalid(
                "--email-verified needs an --email".into(),
            ));
        }
        if self.store.user_by_username(username.as_str())?.is_some() {
            return Err(AppError::Conflict(format!(
                "a user named {:?} already exists",
                username.as_str()
            )));
        }
        let password_hash = self.hash_new_password(&new.password)?;
        let now = self.now();
        let user = User {
            sub: Subject::from_random(random_array()?),
            username,
            display_name,
            email,
            email_verified: new.email_verified,
            password_hash,
            disabled: false,
            admin: new.admin,
            created_at: now,
            updated_at: now,
        };
        self.store.insert_user(&user)?;
        tracing::info!(username = %user.username, sub = %user.sub, "added a user");
        Ok(user)
    }

    pub fn users(&self) -> Result<Vec<User>, AppError> {
        Ok(self.store.users()?)
    }

    pub fn user(&self, username: &str) -> Result<User, AppError> {
        self.store
            .user_by_username(username)?
            .ok_or_else(|| AppError::NotFound(format!("there is no user named {username:?}")))
    }

    pub fn set_password(&self, username: &str, password: &str) -> Result<User, AppError> {
        check_new_password(password)?;
        // Hash before the write transaction: Argon2 takes tens of milliseconds.
        let hash = self.hash_new_password(password)?;
        let now = self.now();
        let user = self.store.update_user(username, move |user| {
            user.password_hash = hash.clone();
            user.updated_at = now;
            Ok(())
        })?;
        tracing::info!(username = %user.username, "changed a password");
        Ok(user)
    }

    pub fn set_user_disabled(&self, username: &str, disabled: bool) -> Result<User, AppError> {
        let now = self.now();
        let user = self.store.update_user(username, move |user| {
            user.disabled = disabled;
            user.updated_at = now;
            Ok(())
        })?;
        tracing::info!(username = %user.username, disabled, "changed whether a user may sign in");
        Ok(user)
    }

    pub fn remove_user(&self, username: &str) -> Result<User, AppError> {
        let user = self.store.remove_user(username, self.now())?;
        tracing::info!(username = %user.username, sub = %user.sub, "removed a user");
        Ok(user)
    }
}
