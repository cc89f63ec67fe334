pub mod app;
pub mod crypto;
pub mod domain;
pub mod store;
