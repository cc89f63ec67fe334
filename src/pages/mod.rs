//! Server-rendered pages (maud). Each page is a function over the shared [`layout::Frame`] (the
//! person's language, the site's name) and a small view struct; pages never see configuration
//! or stored records, and never use actix. Their words come from the catalogs (`crate::i18n`).

pub mod account;
pub mod admin;
pub mod authorize;
pub mod device;
pub mod devices;
pub mod error;
pub mod home;
pub mod layout;
pub mod not_for_you;
pub mod pairing;
pub mod second_factor;
