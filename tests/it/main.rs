//! One integration-test binary: every test talks to a real server on 127.0.0.1:0 with a real
//! redb file in a temporary directory, or runs the real `authbox` binary.

// A test fails loudly by unwrapping; the server itself may not (Cargo.toml, [lints.clippy]).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod account_changes;
mod architecture;
mod audit;
mod authorization_code;
mod backup_restore;
mod bad_input;
mod bad_input_regressions;
mod brute_force;
mod budgets;
mod cli_clients;
mod cli_users;
mod clock_jumps;
mod config_errors;
mod cors;
mod crash_consistency;
mod data_file;
mod demo;
mod device_authorization;
mod device_polling;
mod discovery;
mod documentation;
mod durability;
mod exactly_once;
mod floods;
mod generated_docs;
mod in_browser;
mod in_browser_languages;
mod interop;
mod introspection_revocation;
mod invitations;
mod keys;
mod languages;
mod my_account;
mod my_devices;
mod observability;
mod packaged_install;
mod pairing;
mod private_network;
mod refresh;
mod resource_faults;
mod security_headers;
mod serve_binary;
mod service;
mod slow_clients;
mod support;
mod tls;
mod tokens;
mod unlock;
mod user_update;
mod userinfo;
mod verification_pages;
mod walkthrough;
