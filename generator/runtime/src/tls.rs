//! HTTPS: the TLS backend the crate's Cargo features choose, and root
//! certificates trusted besides the system's.
//!
//! | feature | backend |
//! |---|---|
//! | `rustls` (default) | rustls with the aws-lc-rs crypto provider (reqwest's `rustls`) |
//! | `rustls-ring` | rustls with the ring crypto provider: no aws-lc C build |
//! | `native-tls` | the platform's TLS: OpenSSL on Linux, Security.framework on macOS, SChannel on Windows |
//!
//! Cargo features add up across a dependency tree, so more than one may be on:
//! then `native-tls` wins over `rustls-ring`, which wins over `rustls` (a
//! choice someone made over the default). With none on, the crate does not
//! compile, and says why.
//!
//! Unlike the runtime's other features, these are Cargo features of the
//! generated crate too: the generator keeps their `cfg`s when it vendors this file.

#[cfg(not(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls")))]
compile_error!(
    "no TLS backend: enable one of the features `rustls` (the default), `rustls-ring` or `native-tls` \
     (with `default-features = false`, name one, e.g. `features = [\"native-tls\"]`)"
);

/// A root certificate to trust (reqwest's: `Certificate::from_pem`, `from_der`).
#[cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]
pub use reqwest::Certificate;

/// Stands in for reqwest's `Certificate`, which a build without TLS lacks, so
/// that the `compile_error!` above is the only error such a build reports.
#[cfg(not(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls")))]
#[derive(Clone, Debug)]
pub enum Certificate {}

/// A reqwest client builder with the TLS backend the crate's features choose,
/// trusting `roots` as well as the system's root certificates.
///
/// With `rustls-ring` (and not `native-tls`) it installs ring as the process's
/// default rustls crypto provider, unless one is installed already (then that
/// one is used): reqwest without its own provider takes the process's.
pub fn client_builder(roots: &[Certificate]) -> reqwest::ClientBuilder {
    let builder = reqwest::Client::builder();
    #[cfg(feature = "native-tls")]
    let builder = builder.tls_backend_native();
    #[cfg(all(any(feature = "rustls", feature = "rustls-ring"), not(feature = "native-tls")))]
    let builder = {
        #[cfg(feature = "rustls-ring")]
        install_ring_provider();
        builder.tls_backend_rustls()
    };
    #[cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]
    let builder = builder.tls_certs_merge(roots.iter().cloned());
    #[cfg(not(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls")))]
    let _ = roots;
    builder
}

/// Makes ring the process's rustls crypto provider if none is set.
#[cfg(all(feature = "rustls-ring", not(feature = "native-tls")))]
fn install_ring_provider() {
    if ::rustls::crypto::CryptoProvider::get_default().is_none() {
        // An error means another thread installed one meanwhile: that one is used.
        let _ = ::rustls::crypto::ring::default_provider().install_default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chosen_backend_builds_a_client() {
        client_builder(&[]).build().expect("the TLS backend initialises");
        // rustls-ring leaves ring installed for reqwest to take.
        #[cfg(all(feature = "rustls-ring", not(feature = "native-tls")))]
        assert!(::rustls::crypto::CryptoProvider::get_default().is_some());
    }
}
