//! TLS for boxes without a reverse proxy: rustls on the ring provider, with a certificate that
//! SIGHUP re-reads from disk (so a renewal needs no restart and drops no connection).

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use rustls::ServerConfig;
use rustls::crypto::ring;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;

/// Where the certificate chain and its private key are read from (PEM files).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// The certificate being served, swapped whole on reload; handshakes in progress keep the one
/// they started with.
#[derive(Debug)]
pub struct Certificates {
    files: TlsFiles,
    current: RwLock<Arc<CertifiedKey>>,
}

impl Certificates {
    pub fn load(files: TlsFiles) -> Result<Certificates, String> {
        let key = read_certified_key(&files)?;
        Ok(Certificates {
            files,
            current: RwLock::new(Arc::new(key)),
        })
    }

    /// Re-reads the files; on any problem the certificate in use stays.
    pub fn reload(&self) -> Result<(), String> {
        let key = Arc::new(read_certified_key(&self.files)?);
        match self.current.write() {
            Ok(mut current) => *current = key,
            Err(poisoned) => *poisoned.into_inner() = key,
        }
        Ok(())
    }

    /// A server configuration that asks this store for its certificate on every handshake.
    pub fn server_config(self: &Arc<Self>) -> Result<ServerConfig, String> {
        let resolver: Arc<dyn ResolvesServerCert> = Arc::clone(self) as _;
        Ok(
            ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
                .with_safe_default_protocol_versions()
                .map_err(|e| e.to_string())?
                .with_no_client_auth()
                .with_cert_resolver(resolver),
        )
    }
}

impl ResolvesServerCert for Certificates {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let current = match self.current.read() {
            Ok(current) => current,
            Err(poisoned) => poisoned.into_inner(),
        };
        Some(Arc::clone(&current))
    }
}

fn read_certified_key(files: &TlsFiles) -> Result<CertifiedKey, String> {
    let shown = |path: &Path| path.display().to_string();
    let chain = CertificateDer::pem_file_iter(&files.cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("cannot read the certificate {}: {e}", shown(&files.cert)))?;
    if chain.is_empty() {
        return Err(format!(
            "{} holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
            shown(&files.cert)
        ));
    }
    let key = PrivateKeyDer::from_pem_file(&files.key)
        .map_err(|e| format!("cannot read the private key {}: {e}", shown(&files.key)))?;
    CertifiedKey::from_der(chain, key, &ring::default_provider()).map_err(|e| {
        format!(
            "the private key in {} does not fit the certificate in {}: {e}",
            shown(&files.key),
            shown(&files.cert)
        )
    })
}
