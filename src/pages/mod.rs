//! Server-rendered pages (maud). Each page is a function over a small view struct; pages never
//! see configuration or stored records, and never use actix.

pub mod authorize;
pub mod device;
pub mod devices;
pub mod error;
pub mod layout;
pub mod pairing;
