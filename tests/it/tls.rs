//! https without a reverse proxy: the binary serves TLS with `--tls-cert`/`--tls-key`, a
//! SIGHUP swaps in a renewed certificate without a restart, and a bad renewal keeps the old one.

use std::path::Path;
use std::time::{Duration, Instant};

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};

use crate::support::spawned::Spawned;

/// A certificate authority of the test's own and a server certificate for 127.0.0.1 it signed.
struct Authority {
    ca_pem: String,
    server_cert_pem: String,
    server_key_pem: String,
}

fn authority(name: &str) -> Authority {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, format!("{name} test CA"));
    let ca =
        CertifiedIssuer::self_signed(ca_params, KeyPair::generate().expect("CA key")).expect("CA");
    let server_key = KeyPair::generate().expect("server key");
    let server_cert = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
        .expect("server params")
        .signed_by(&server_key, &ca)
        .expect("server certificate");
    Authority {
        ca_pem: ca.pem(),
        server_cert_pem: server_cert.pem(),
        server_key_pem: server_key.serialize_pem(),
    }
}

fn install(authority: &Authority, cert: &Path, key: &Path) {
    std::fs::write(cert, &authority.server_cert_pem).expect("write cert");
    std::fs::write(key, &authority.server_key_pem).expect("write key");
}

/// A client that trusts only `ca_pem`, on a fresh connection each time.
fn healthz_trusting(ca_pem: &str, base: &str) -> Result<u16, String> {
    let client = reqwest::blocking::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(ca_pem.as_bytes()).expect("CA"))
        .pool_max_idle_per_host(0)
        .build()
        .expect("client");
    client
        .get(format!("{base}/healthz"))
        .send()
        .map(|r| r.status().as_u16())
        .map_err(|e| format!("{e:?}"))
}

#[test]
fn https_with_a_certificate_that_sighup_renews() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let first = authority("first");
    let renewed = authority("renewed");
    install(&first, &cert, &key);
    let mut server = Spawned::serve_with(
        &dir.path().join("authbox.redb"),
        &[
            "--tls-cert",
            cert.to_str().expect("utf-8"),
            "--tls-key",
            key.to_str().expect("utf-8"),
        ],
        &[],
    );
    let base = server.base_url().replace("http://", "https://");

    assert_eq!(healthz_trusting(&first.ca_pem, &base), Ok(200));
    assert!(
        healthz_trusting(&renewed.ca_pem, &base).is_err(),
        "the renewed certificate is not served yet"
    );
    let plain = reqwest::blocking::get(base.replace("https://", "http://"));
    assert!(
        plain.map(|r| r.status().as_u16() != 200).unwrap_or(true),
        "no plain http on a TLS port"
    );

    install(&renewed, &cert, &key);
    server.signal("HUP");
    server.line_with("reloaded the TLS certificate");
    assert_eq!(healthz_trusting(&renewed.ca_pem, &base), Ok(200));
    assert!(healthz_trusting(&first.ca_pem, &base).is_err());

    // A renewal gone wrong (a key that is not the certificate's) keeps the working one.
    std::fs::write(&key, &first.server_key_pem).expect("write the wrong key");
    server.signal("HUP");
    server.line_with("could not be reloaded");
    assert_eq!(healthz_trusting(&renewed.ca_pem, &base), Ok(200));

    let started = Instant::now();
    assert_eq!(server.terminate_and_wait(), Some(0));
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn unusable_tls_files_stop_the_start_with_a_clear_message() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let one = authority("one");
    let other = authority("other");
    std::fs::write(&cert, &one.server_cert_pem).expect("cert");
    std::fs::write(&key, &other.server_key_pem).expect("key");
    let data = dir.path().join("authbox.redb");
    let cases: [(&[&str], &str); 3] = [
        (
            &[
                "--tls-cert",
                cert.to_str().expect("utf-8"),
                "--tls-key",
                key.to_str().expect("utf-8"),
            ],
            "does not fit the certificate",
        ),
        (
            &[
                "--tls-cert",
                "/nonexistent/cert.pem",
                "--tls-key",
                key.to_str().expect("utf-8"),
            ],
            "cannot read the certificate",
        ),
        (&["--tls-cert", cert.to_str().expect("utf-8")], "--tls-key"),
    ];
    for (args, message) in cases {
        let mut server = Spawned::serve_with(&data, args, &[]);
        let code = server.wait_for_exit(Duration::from_secs(20));
        assert_ne!(code, Some(0), "{args:?}");
        let log = server.seen.join("\n");
        assert!(log.contains(message), "{args:?}: {log}");
        assert!(!data.exists(), "nothing is created when the start fails");
    }
}
