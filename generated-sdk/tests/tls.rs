//! HTTPS with the TLS backend this build's features choose, against a loopback
//! server whose certificate is made here and signed by a test CA that the client
//! trusts through `ClientBuilder::add_root_certificate`.
//!
//! `.ci/run` runs this file once per flavour: default features (`rustls`, the
//! aws-lc-rs provider), `--no-default-features --features rustls-ring` and
//! `--no-default-features --features native-tls`. The server reads the client's
//! hello, which tells the three apart: only OpenSSL (native-tls on Linux) offers
//! CBC cipher suites, and only aws-lc-rs offers the X25519MLKEM768 key exchange.
//!
//! Every wait is bounded: the client's deadline and the server's own timeout.

use std::sync::Arc;
use std::time::Duration;

use openrouter_byok::byok::ListByokKeysError;
use openrouter_byok::{Certificate, Client, ClientBuilder, RetryPolicy};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_rustls::LazyConfigAcceptor;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::server::Acceptor;
use tokio_rustls::rustls::{CipherSuite, NamedGroup, ServerConfig};

/// The backend this build's features choose (`native-tls` wins, then `rustls-ring`).
const NATIVE_TLS: bool = cfg!(feature = "native-tls");
const RUSTLS_RING: bool = cfg!(feature = "rustls-ring") && !NATIVE_TLS;

/// The longest any step of a test may take.
const LIMIT: Duration = Duration::from_secs(20);

/// A test CA (its certificate, PEM) and a server configuration whose
/// certificate, for `127.0.0.1` and `localhost`, it signed.
fn test_pki() -> (String, Arc<ServerConfig>) {
    let ca_key = KeyPair::generate().expect("a CA key");
    let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name.push(DnType::CommonName, "openrouter-byok test CA");
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    let ca_cert = ca.self_signed(&ca_key).expect("the CA certificate");
    let issuer = Issuer::new(ca, ca_key);

    let server_key = KeyPair::generate().expect("a server key");
    let mut leaf = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
        .expect("server parameters");
    leaf.distinguished_name.push(DnType::CommonName, "127.0.0.1");
    leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let leaf_cert = leaf.signed_by(&server_key, &issuer).expect("the server certificate");

    // The server names its crypto provider, so the client's is never a process default it set.
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let chain: Vec<CertificateDer<'static>> = vec![leaf_cert.der().clone(), ca_cert.der().clone()];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS 1.2 and 1.3")
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("the server certificate and key match");
    (ca_cert.pem(), Arc::new(config))
}

/// What the server saw of the one connection it accepted.
#[derive(Debug)]
struct Seen {
    /// The cipher suites the client offered.
    suites: Vec<CipherSuite>,
    /// The key exchange groups the client offered.
    groups: Vec<NamedGroup>,
    /// The request head, when the handshake completed.
    request: Option<String>,
}

/// A loopback HTTPS server for one connection: it answers a request with an
/// empty page of credentials. Returns its base URL and what it saw.
async fn https_server(config: Arc<ServerConfig>) -> (String, JoinHandle<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
    let url = format!("https://127.0.0.1:{}", listener.local_addr().expect("its address").port());
    let server = tokio::spawn(async move {
        let serve = async {
            let (tcp, _) = listener.accept().await.expect("a connection");
            let start = LazyConfigAcceptor::new(Acceptor::default(), tcp).await.expect("a client hello");
            let hello = start.client_hello();
            let mut seen = Seen {
                suites: hello.cipher_suites().to_vec(),
                groups: hello.named_groups().unwrap_or_default().to_vec(),
                request: None,
            };
            // A client that does not trust the certificate aborts here.
            let Ok(mut tls) = start.into_stream(config).await else { return seen };
            let mut head = Vec::new();
            let mut buffer = [0u8; 4096];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = tls.read(&mut buffer).await.expect("the request");
                assert!(n > 0, "the client closed before its request ended");
                head.extend_from_slice(&buffer[..n]);
            }
            let body = r#"{"data":[],"total_count":0}"#;
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            tls.write_all(response.as_bytes()).await.expect("the response");
            tls.shutdown().await.ok();
            seen.request = Some(String::from_utf8_lossy(&head).into_owned());
            seen
        };
        tokio::time::timeout(LIMIT, serve).await.expect("the server finished in time")
    });
    (url, server)
}

/// A client for `url` with no retries and a bounded deadline.
fn client(url: &str, root: Option<&str>) -> Client {
    let mut builder = Client::builder()
        .api_key("sk-or-v1-tls-test-key")
        .base_url(url)
        .timeout(LIMIT)
        .retry_policy(RetryPolicy::none());
    if let Some(pem) = root {
        builder = builder.add_root_certificate(Certificate::from_pem(pem.as_bytes()).expect("a PEM certificate"));
    }
    builder.build().expect("the client builds")
}

/// Checks that the client hello came from the backend this build chose.
fn assert_backend(seen: &Seen) {
    let cbc = seen.suites.iter().any(|s| format!("{s:?}").contains("_CBC_"));
    let mlkem = seen.groups.contains(&NamedGroup::X25519MLKEM768);
    if NATIVE_TLS {
        assert!(cbc, "native-tls (OpenSSL) offers CBC suites: {seen:?}");
    } else {
        assert!(!cbc, "rustls offers no CBC suite: {seen:?}");
        if RUSTLS_RING {
            assert!(!mlkem, "ring has no ML-KEM: {seen:?}");
        } else {
            assert!(mlkem, "aws-lc-rs offers X25519MLKEM768: {seen:?}");
        }
    }
}

#[tokio::test]
async fn a_call_over_https_succeeds_with_the_test_ca_trusted() {
    let (ca, config) = test_pki();
    let (url, server) = https_server(config).await;

    let page = client(&url, Some(&ca)).byok().list().await.expect("the call succeeds over HTTPS");
    assert!(page.data.is_empty());
    assert_eq!(page.total_count, 0);

    let seen = server.await.expect("the server task");
    let request = seen.request.as_deref().expect("the handshake completed and a request came");
    assert!(request.starts_with("GET /byok HTTP/1.1\r\n"), "{request}");
    assert!(request.to_ascii_lowercase().contains("authorization: bearer sk-or-v1-tls-test-key"), "{request}");
    assert_backend(&seen);
}

#[tokio::test]
async fn a_certificate_from_an_unknown_ca_is_refused() {
    let (_, config) = test_pki();
    let (url, server) = https_server(config).await;

    let error = client(&url, None).byok().list().await.expect_err("an untrusted certificate fails the call");
    let ListByokKeysError::Transport(transport) = &error else { panic!("not a transport error: {error:?}") };
    assert!(transport.is_connect(), "the handshake is part of connecting: {error:?}");
    let mut chain = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(e) = source {
        chain.push_str(&format!(": {e}"));
        source = e.source();
    }
    assert!(chain.to_ascii_lowercase().contains("certificate"), "{chain}");

    let seen = server.await.expect("the server task");
    assert!(seen.request.is_none(), "no request reaches a server the client does not trust: {seen:?}");
    assert_backend(&seen);
}

#[tokio::test]
async fn a_reqwest_client_started_from_http_defaults_has_the_same_backend() {
    let (ca, config) = test_pki();
    let (url, server) = https_server(config).await;

    let root = Certificate::from_pem(ca.as_bytes()).expect("a PEM certificate");
    let http = ClientBuilder::http_defaults().tls_certs_merge([root]).build().expect("the reqwest client builds");
    let client = Client::builder()
        .api_key("sk-or-v1-tls-test-key")
        .base_url(&url)
        .timeout(LIMIT)
        .http_client(http)
        .build()
        .expect("the client builds");
    client.byok().list().await.expect("the call succeeds over HTTPS");

    let seen = server.await.expect("the server task");
    assert!(seen.request.is_some(), "{seen:?}");
    assert_backend(&seen);
}
