//! TLS for the native transport: rustls with the ring provider, the Mozilla root
//! certificates compiled in (webpki-roots: the same answer on every machine, no system
//! OpenSSL or certificate directory needed), optionally the certificates of a PEM file
//! (`--ca-file`, e.g. a Phantom installation's own CA), or, only when asked
//! (`--insecure`), any certificate at all: Phantom services ran with self-signed ones.
//! Even then the handshake's signatures are checked, so the connection is still
//! encrypted to whoever holds the certificate's key.
//!
//! TLS sessions are resumed across the runner's connections (rustls keeps tickets in
//! memory), so a connection per request costs one full handshake per server, not one
//! per request.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{self, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

/// How server certificates are checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TlsOptions {
    /// Accept any certificate (`--insecure`).
    pub insecure: bool,
    /// Also trust the certificates in this PEM file (`--ca-file`).
    pub ca_file: Option<PathBuf>,
}

/// The rustls configuration for `options`; an unreadable or empty `--ca-file` is an
/// error (exit status 2).
pub fn client_config(options: &TlsOptions) -> Result<Arc<ClientConfig>, String> {
    let provider = Arc::new(crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS cannot be set up: {e}"))?;
    let mut config = if options.insecure {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AnyCertificate { provider }))
            .with_no_client_auth()
    } else {
        let mut roots = RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        if let Some(path) = &options.ca_file {
            add_pem_file(&mut roots, path)?;
        }
        builder.with_root_certificates(roots).with_no_client_auth()
    };
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

fn add_pem_file(roots: &mut RootCertStore, path: &Path) -> Result<(), String> {
    let shown = path.display();
    let certificates = CertificateDer::pem_file_iter(path)
        .map_err(|e| format!("cannot read the CA file {shown}: {e}"))?;
    let mut added = 0;
    for certificate in certificates {
        let certificate =
            certificate.map_err(|e| format!("the CA file {shown} is not valid PEM: {e}"))?;
        roots
            .add(certificate)
            .map_err(|e| format!("the CA file {shown} holds a certificate rustls refuses: {e}"))?;
        added += 1;
    }
    if added == 0 {
        return Err(format!(
            "the CA file {shown} holds no certificate (expected -----BEGIN CERTIFICATE-----)"
        ));
    }
    Ok(())
}

/// `--insecure`: any certificate for any name, handshake signatures still verified.
#[derive(Debug)]
struct AnyCertificate {
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}
