//! The transport against a misbehaving server: an in-process HTTP/1.1 server,
//! written by hand on a `TcpListener`, that answers each request from a script
//! (late, never, with garbage, with redirects, with an endless body) and
//! records what it received.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::transport::{Auth, Credential, Transport};
use crate::errors::{CallError, RequestError, TransportError, TransportErrorKind};
use crate::hooks::{Hook, HookAction, HookError, HookFuture, HookResponse, RequestContext};
use crate::request::{CallOptions, Limits, Request};
use crate::response::RawResponse;
use crate::retry::{RetryPolicy, requested_delay};
use crate::secret::SecretString;

// ---------------------------------------------------------------------------
// The test server
// ---------------------------------------------------------------------------

/// What the server does with one request.
enum Reply {
    /// Writes these bytes after a delay, then closes the connection.
    After(Duration, Vec<u8>),
    /// Writes these bytes (possibly none), then holds the connection open without another byte.
    Hang(Vec<u8>),
    /// A `200` whose chunked body never ends: 1 KiB chunks until the client goes away.
    Endless,
}

/// One request as the server received it.
#[derive(Debug, Clone)]
struct Received {
    /// Request line and headers, as sent.
    head: String,
    /// The body (read by `Content-Length`).
    body: Vec<u8>,
}

impl Received {
    fn request_line(&self) -> &str {
        self.head.lines().next().unwrap_or_default()
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// A server on 127.0.0.1 that answers request number `n` (from 0) with `script(n, request)`.
struct Server {
    addr: SocketAddr,
    count: Arc<AtomicUsize>,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Server {
    async fn start(script: impl Fn(usize, &Received) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let count = Arc::new(AtomicUsize::new(0));
        let received = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(script);
        let (c, r) = (count.clone(), received.clone());
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let (count, received, script) = (c.clone(), r.clone(), script.clone());
                tokio::spawn(async move {
                    let mut socket = socket;
                    let Some(request) = read_request(&mut socket).await else { return };
                    received.lock().unwrap().push(request.clone());
                    let reply = script(count.fetch_add(1, Ordering::SeqCst), &request);
                    answer(socket, reply).await;
                });
            }
        });
        Server { addr, count, received }
    }

    /// A server that answers every request the same way.
    async fn always(reply: impl Fn() -> Reply + Send + Sync + 'static) -> Server {
        Server::start(move |_, _| reply()).await
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many requests arrived (whole heads read).
    fn requests(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }

    fn received(&self, n: usize) -> Received {
        self.received.lock().unwrap()[n].clone()
    }
}

/// Reads one request head and its `Content-Length` body; `None` if the client left first.
async fn read_request(socket: &mut TcpStream) -> Option<Received> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = socket.read(&mut chunk).await.ok().filter(|n| *n > 0)?;
        buf.extend_from_slice(&chunk[..n]);
    };
    let mut request = Received { head: String::from_utf8_lossy(&buf[..head_end]).into_owned(), body: Vec::new() };
    let length: usize = request.header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    while buf.len() < head_end + length {
        let n = socket.read(&mut chunk).await.ok().filter(|n| *n > 0)?;
        buf.extend_from_slice(&chunk[..n]);
    }
    request.body = buf[head_end..head_end + length].to_vec();
    Some(request)
}

async fn answer(mut socket: TcpStream, reply: Reply) {
    match reply {
        Reply::After(delay, bytes) => {
            tokio::time::sleep(delay).await;
            let _ = socket.write_all(&bytes).await;
            let _ = socket.shutdown().await;
        }
        Reply::Hang(bytes) => {
            let _ = socket.write_all(&bytes).await;
            std::future::pending::<()>().await;
        }
        Reply::Endless => {
            let head = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n";
            let chunk = format!("400\r\n{}\r\n", "x".repeat(1024));
            if socket.write_all(head.as_bytes()).await.is_ok() {
                while socket.write_all(chunk.as_bytes()).await.is_ok() {}
            }
        }
    }
}

/// A well-formed response with a `Content-Length` body, closing the connection.
fn http(status: u16, headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let reason = StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("Other");
    let mut out = format!("HTTP/1.1 {status} {reason}\r\ncontent-length: {}\r\nconnection: close\r\n", body.len());
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(body);
    out.into_bytes()
}

/// [`http`], sent at once.
fn reply(status: u16, headers: &[(&str, &str)], body: &str) -> Reply {
    Reply::After(Duration::ZERO, http(status, headers, body))
}

/// A chunked `200` whose body is `len` bytes of `x`, in chunks of at most 256 bytes.
fn chunked(len: usize) -> Reply {
    let mut out = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n".to_vec();
    let mut left = len;
    while left > 0 {
        let n = left.min(256);
        out.extend_from_slice(format!("{n:x}\r\n{}\r\n", "x".repeat(n)).as_bytes());
        left -= n;
    }
    out.extend_from_slice(b"0\r\n\r\n");
    Reply::After(Duration::ZERO, out)
}

/// A port on 127.0.0.1 with nothing listening.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

// ---------------------------------------------------------------------------
// The transport under test
// ---------------------------------------------------------------------------

/// Every test ends within this, whatever the transport does.
async fn bounded<T>(test: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(5), test).await.expect("the test did not finish within 5 s")
}

fn http_client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// A deadline of 2 s, no attempt timeout, 64 KiB bodies, 3 redirects.
fn limits() -> Limits {
    Limits { timeout: Duration::from_secs(2), attempt_timeout: None, max_body_bytes: 64 * 1024, max_redirects: 3 }
}

/// Retries everything retryable, quickly: 3 attempts, 10 ms first delay, 5XX listed.
fn policy() -> RetryPolicy {
    RetryPolicy {
        initial_interval: Duration::from_millis(10),
        max_interval: Duration::from_millis(50),
        exponent: 2.0,
        max_elapsed: Duration::from_secs(5),
        max_attempts: Some(3),
        max_retry_after: Duration::from_secs(1),
        statuses: vec![(500, 599)],
        retry_connection_errors: true,
        retry_non_idempotent: false,
    }
}

/// What a generated client sends with every request: a user agent, and a
/// global header of the API (`x-title`).
fn default_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(reqwest::header::USER_AGENT, HeaderValue::from_static("sdk-test/1"));
    headers.insert("x-title", HeaderValue::from_static("my-app"));
    headers
}

fn transport_with(base_url: String, auth: Option<Auth>, limits: Limits, retry: RetryPolicy, hooks: Vec<Arc<dyn Hook>>) -> Transport {
    let transport = Transport::new(http_client(), base_url, default_headers(), limits, retry, hooks);
    match auth {
        Some(auth) => transport.with_auth(auth),
        None => transport,
    }
}

fn bearer() -> Option<Auth> {
    Some(Auth::new(vec![Some(Credential::bearer(SecretString::new("sk-secret")))]))
}

/// A transport with a bearer key `sk-secret`, [`limits`] and [`policy`].
fn transport(server: &Server) -> Transport {
    transport_with(server.url(), bearer(), limits(), policy(), vec![])
}

fn request(method: Method, path: &str, body: Option<&'static str>) -> Request {
    Request {
        operation_id: "testOp",
        method,
        path_template: "/test",
        path: path.to_string(),
        query: Vec::new(),
        headers: vec![("accept", "application/json".to_string()), ("x-trace-id", "t-1".to_string())],
        body: body.map(|b| ("application/json".to_string(), Bytes::from_static(b.as_bytes()))),
        security: &[&[0]],
    }
}

fn get(path: &str) -> Request {
    request(Method::GET, path, None)
}

fn post(path: &str, body: &'static str) -> Request {
    request(Method::POST, path, Some(body))
}

fn timeout(ms: u64) -> CallOptions {
    CallOptions { timeout: Some(Duration::from_millis(ms)), ..CallOptions::default() }
}

fn describe(result: &Result<RawResponse, CallError>) -> String {
    match result {
        Ok(response) => format!("Ok(HTTP {}, {:?})", response.status, response.body),
        Err(e) => format!("Err({e:?})"),
    }
}

fn ok(result: Result<RawResponse, CallError>) -> RawResponse {
    match result {
        Ok(response) => response,
        other => panic!("expected a response, got {}", describe(&other)),
    }
}

fn transport_error(result: Result<RawResponse, CallError>, kind: TransportErrorKind) -> TransportError {
    match result {
        Err(CallError::Transport(e)) if e.kind() == kind => e,
        other => panic!("expected a {kind:?} transport error, got {}", describe(&other)),
    }
}

fn request_error(result: Result<RawResponse, CallError>) -> RequestError {
    match result {
        Err(CallError::Request(e)) => e,
        other => panic!("expected a request error, got {}", describe(&other)),
    }
}

fn ms(d: Duration) -> u128 {
    d.as_millis()
}

// ---------------------------------------------------------------------------
// Deadline
// ---------------------------------------------------------------------------

#[tokio::test]
async fn the_deadline_ends_a_call_to_a_server_that_never_answers() {
    bounded(async {
        let server = Server::always(|| Reply::Hang(Vec::new())).await;
        let started = Instant::now();
        let result = transport(&server).execute(get("/slow"), timeout(300)).await;
        let elapsed = started.elapsed();
        let e = transport_error(result, TransportErrorKind::Timeout);
        assert!(e.is_timeout());
        assert!(e.to_string().contains("timed out"), "{e}");
        assert!(elapsed >= Duration::from_millis(290) && elapsed < Duration::from_millis(450), "{} ms", ms(elapsed));
        // Retries are on, but the deadline leaves no time for another attempt.
        assert_eq!(server.requests(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_backoff_past_the_deadline_returns_the_last_response_at_once() {
    bounded(async {
        let server = Server::start(|n, _| reply(503, &[], &format!("busy #{}", n + 1))).await;
        // Delays of ~100 ms, then ~1 s: the second would end past the 500 ms deadline.
        let retry = RetryPolicy {
            initial_interval: Duration::from_millis(100),
            max_interval: Duration::from_secs(5),
            exponent: 10.0,
            max_attempts: None,
            ..policy()
        };
        let transport = transport_with(server.url(), bearer(), limits(), retry, vec![]);
        let started = Instant::now();
        let response = ok(transport.execute(get("/busy"), timeout(500)).await);
        let elapsed = started.elapsed();
        assert_eq!(response.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(&response.body[..], b"busy #2", "the last response is returned");
        assert_eq!(server.requests(), 2);
        assert!(elapsed < Duration::from_millis(350), "returned without sleeping to the deadline: {} ms", ms(elapsed));
    })
    .await;
}

#[tokio::test]
async fn an_attempt_timeout_lets_a_get_try_again() {
    bounded(async {
        // The first request is never answered, the second at once.
        let server = Server::start(|n, _| if n == 0 { Reply::Hang(Vec::new()) } else { reply(200, &[], "ok") }).await;
        let limits = Limits { attempt_timeout: Some(Duration::from_millis(100)), ..limits() };
        let transport = transport_with(server.url(), bearer(), limits, policy(), vec![]);
        let started = Instant::now();
        let response = ok(transport.execute(get("/x"), timeout(1000)).await);
        let elapsed = started.elapsed();
        assert_eq!(response.status, StatusCode::OK);
        assert_eq!(server.requests(), 2);
        assert!(elapsed >= Duration::from_millis(100) && elapsed < Duration::from_millis(500), "{} ms", ms(elapsed));
    })
    .await;
}

#[tokio::test]
async fn attempt_timeouts_never_extend_the_deadline() {
    bounded(async {
        let server = Server::always(|| Reply::Hang(Vec::new())).await;
        // Attempts of 150 ms: the third starts near 320 ms and is cut at the 350 ms deadline.
        let limits = Limits { attempt_timeout: Some(Duration::from_millis(150)), ..limits() };
        let retry = RetryPolicy { max_attempts: None, ..policy() };
        let transport = transport_with(server.url(), bearer(), limits, retry, vec![]);
        let started = Instant::now();
        let result = transport.execute(get("/x"), timeout(350)).await;
        let elapsed = started.elapsed();
        assert!(transport_error(result, TransportErrorKind::Timeout).is_timeout());
        assert!(server.requests() >= 2, "attempts: {}", server.requests());
        // At least two attempts of 150 ms; never past the 350 ms deadline (plus scheduling slack).
        assert!(elapsed >= Duration::from_millis(250) && elapsed < Duration::from_millis(450), "{} ms", ms(elapsed));
    })
    .await;
}

#[tokio::test]
async fn a_post_that_timed_out_is_not_sent_again() {
    bounded(async {
        let server = Server::always(|| Reply::Hang(Vec::new())).await;
        let limits = Limits { attempt_timeout: Some(Duration::from_millis(100)), ..limits() };
        let transport = transport_with(server.url(), bearer(), limits, policy(), vec![]);
        let started = Instant::now();
        let result = transport.execute(post("/x", "{}"), timeout(1000)).await;
        let elapsed = started.elapsed();
        assert!(transport_error(result, TransportErrorKind::Timeout).is_timeout());
        assert_eq!(server.requests(), 1, "the server may have acted on the POST");
        assert!(elapsed < Duration::from_millis(400), "{} ms", ms(elapsed));
    })
    .await;
}

// ---------------------------------------------------------------------------
// Retry-After
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_retry_after_beyond_the_cap_returns_the_response_at_once() {
    bounded(async {
        let server = Server::always(|| reply(429, &[("retry-after", "3000")], "slow down")).await;
        let started = Instant::now();
        let response = ok(transport(&server).execute(get("/x"), CallOptions::default()).await);
        let elapsed = started.elapsed();
        assert!(elapsed < Duration::from_millis(200), "{} ms", ms(elapsed));
        assert_eq!(server.requests(), 1);
        assert_eq!(response.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers.get("retry-after").unwrap(), "3000");
        assert_eq!(requested_delay(&response.headers), Some(Duration::from_secs(3000)));
        assert_eq!(response.unexpected().retry_after(), Some(Duration::from_secs(3000)));
    })
    .await;
}

#[tokio::test]
async fn retry_after_ms_is_honoured() {
    bounded(async {
        let server = Server::start(|n, _| if n == 0 { reply(429, &[("retry-after-ms", "50")], "") } else { reply(200, &[], "ok") }).await;
        let started = Instant::now();
        let response = ok(transport(&server).execute(get("/x"), CallOptions::default()).await);
        let elapsed = started.elapsed();
        assert_eq!(response.status, StatusCode::OK);
        assert_eq!(server.requests(), 2);
        // The policy's own first delay is ~10 ms: only the header explains 50.
        assert!(elapsed >= Duration::from_millis(50) && elapsed < Duration::from_millis(500), "{} ms", ms(elapsed));
    })
    .await;
}

#[tokio::test]
async fn a_retry_after_within_the_cap_but_past_the_deadline_returns_at_once() {
    bounded(async {
        let server = Server::always(|| reply(503, &[("retry-after", "1")], "")).await;
        let retry = RetryPolicy { max_retry_after: Duration::from_secs(5), ..policy() };
        let transport = transport_with(server.url(), bearer(), limits(), retry, vec![]);
        let started = Instant::now();
        let response = ok(transport.execute(get("/x"), timeout(300)).await);
        let elapsed = started.elapsed();
        assert_eq!(response.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(server.requests(), 1);
        assert!(elapsed < Duration::from_millis(200), "{} ms", ms(elapsed));
    })
    .await;
}

// ---------------------------------------------------------------------------
// Local errors
// ---------------------------------------------------------------------------

/// Runs a call that must fail locally: fast, as a `RequestError`, with nothing sent.
async fn assert_local_error(server: &Server, transport: &Transport, request: Request, options: CallOptions, reason: &str) -> RequestError {
    let started = Instant::now();
    let result = transport.execute(request, options).await;
    let elapsed = started.elapsed();
    let e = request_error(result);
    assert!(e.reason.contains(reason), "expected `{reason}` in `{}`", e.reason);
    assert!(elapsed < Duration::from_millis(10), "{}: {} ms", e.reason, ms(elapsed));
    // Give a stray request time to arrive, were one sent.
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(server.requests(), 0, "{}", e.reason);
    e
}

#[tokio::test]
async fn local_mistakes_fail_at_once_and_nothing_is_sent() {
    bounded(async {
        let server = Server::always(|| reply(200, &[], "ok")).await;
        let transport = transport(&server);

        let mut injected = get("/x");
        injected.headers.push(("x-note", "a\r\nInjected: 1".to_string()));
        let e = assert_local_error(&server, &transport, injected, CallOptions::default(), "invalid value for the `x-note` header").await;
        assert!(!e.reason.contains("Injected"), "the value may be a secret: {}", e.reason);

        let options = CallOptions { headers: vec![("x-call".into(), "b\nc".into())], ..CallOptions::default() };
        assert_local_error(&server, &transport, get("/x"), options, "invalid value for the `x-call` header").await;

        let options = CallOptions { headers: vec![("bad name".into(), "v".into())], ..CallOptions::default() };
        assert_local_error(&server, &transport, get("/x"), options, "invalid header name").await;

        for base_url in ["not a url", "ftp://x"] {
            let options = CallOptions { base_url: Some(base_url.into()), ..CallOptions::default() };
            assert_local_error(&server, &transport, get("/x"), options, "invalid base URL").await;
        }
    })
    .await;
}

#[tokio::test]
async fn an_api_key_unfit_for_a_header_fails_at_once_and_nothing_is_sent() {
    bounded(async {
        let server = Server::always(|| reply(200, &[], "ok")).await;
        let keys = [Credential::bearer(SecretString::new("sk-\nsecret")), Credential::header("x-api-key", SecretString::new("sk-\r\nsecret"))];
        for key in keys {
            let transport = transport_with(server.url(), Some(Auth::new(vec![Some(key)])), limits(), policy(), vec![]);
            // Twice: the prepared key header is reused and fails again.
            for _ in 0..2 {
                let e = assert_local_error(&server, &transport, get("/x"), CallOptions::default(), "the API key is not a valid").await;
                assert!(!e.to_string().contains("secret"), "{e}");
            }
        }
    })
    .await;
}

// ---------------------------------------------------------------------------
// Redirects
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_redirect_loop_fails_after_max_redirects_and_is_not_retried() {
    bounded(async {
        let server = Server::always(|| reply(302, &[("location", "/loop")], "")).await;
        let result = transport(&server).execute(get("/loop"), CallOptions::default()).await;
        let e = transport_error(result, TransportErrorKind::Redirect);
        assert!(e.is_redirect());
        assert!(e.to_string().contains("more than 3 redirects"), "{e}");
        assert_eq!(server.requests(), limits().max_redirects as usize + 1);
    })
    .await;
}

#[tokio::test]
async fn a_redirect_to_a_non_http_location_fails() {
    bounded(async {
        let server = Server::always(|| reply(301, &[("location", "ftp://example.com/file")], "")).await;
        let result = transport(&server).execute(get("/x"), CallOptions::default()).await;
        let e = transport_error(result, TransportErrorKind::Redirect);
        assert!(e.to_string().contains("invalid Location"), "{e}");
        assert_eq!(server.requests(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_same_origin_307_keeps_the_method_body_and_credentials() {
    bounded(async {
        let server = Server::start(|n, _| if n == 0 { reply(307, &[("location", "/moved")], "") } else { reply(200, &[], "done") }).await;
        let response = ok(transport(&server).execute(post("/start", r#"{"a":1}"#), CallOptions::default()).await);
        assert_eq!(&response.body[..], b"done");
        assert_eq!(server.requests(), 2);
        let second = server.received(1);
        assert_eq!(second.request_line(), "POST /moved HTTP/1.1");
        assert_eq!(second.body, br#"{"a":1}"#);
        assert_eq!(second.header("content-type"), Some("application/json"));
        assert_eq!(second.header("authorization"), Some("Bearer sk-secret"));
        assert_eq!(second.header("x-title"), Some("my-app"));
    })
    .await;
}

#[tokio::test]
async fn a_303_after_a_post_continues_as_a_get_without_body() {
    bounded(async {
        let server = Server::start(|n, _| if n == 0 { reply(303, &[("location", "/result")], "") } else { reply(200, &[], "result") }).await;
        let response = ok(transport(&server).execute(post("/jobs", r#"{"a":1}"#), CallOptions::default()).await);
        assert_eq!(&response.body[..], b"result");
        assert_eq!(server.received(0).request_line(), "POST /jobs HTTP/1.1");
        let second = server.received(1);
        assert_eq!(second.request_line(), "GET /result HTTP/1.1");
        assert!(second.body.is_empty());
        assert_eq!(second.header("content-type"), None);
        assert!(matches!(second.header("content-length"), None | Some("0")), "{}", second.head);
        // Same origin: the credential still goes along.
        assert_eq!(second.header("authorization"), Some("Bearer sk-secret"));
    })
    .await;
}

/// Server `b`, and server `a` that redirects everything to `b` with `status`.
async fn two_origins(status: u16) -> (Server, Server) {
    let b = Server::always(|| reply(200, &[], "elsewhere")).await;
    let location = format!("{}/landing", b.url());
    let a = Server::always(move || reply(status, &[("location", location.as_str())], "")).await;
    (a, b)
}

#[tokio::test]
async fn a_cross_origin_redirect_drops_credentials_and_the_apis_headers() {
    bounded(async {
        let (a, b) = two_origins(302).await;
        assert_ne!(a.addr.port(), b.addr.port());
        let response = ok(transport(&a).execute(get("/start"), CallOptions::default()).await);
        assert_eq!(&response.body[..], b"elsewhere");
        let (first, second) = (a.received(0), b.received(0));
        assert_eq!(first.header("authorization"), Some("Bearer sk-secret"));
        assert_eq!(first.header("x-title"), Some("my-app"));
        assert_eq!(first.header("x-trace-id"), Some("t-1"));
        assert_eq!(second.request_line(), "GET /landing HTTP/1.1");
        assert_eq!(second.header("authorization"), None, "{}", second.head);
        assert_eq!(second.header("x-title"), None, "a global header of the API: {}", second.head);
        assert_eq!(second.header("x-trace-id"), None, "{}", second.head);
        // Generic headers do follow.
        assert_eq!(second.header("user-agent"), Some("sdk-test/1"));
        assert_eq!(second.header("accept"), Some("application/json"));
    })
    .await;
}

#[tokio::test]
async fn a_cross_origin_redirect_drops_an_api_key_header() {
    bounded(async {
        let (a, b) = two_origins(301).await;
        let auth = Some(Auth::new(vec![Some(Credential::header("x-api-key", SecretString::new("sk-secret")))]));
        let transport = transport_with(a.url(), auth, limits(), policy(), vec![]);
        ok(transport.execute(get("/start"), CallOptions::default()).await);
        assert_eq!(a.received(0).header("x-api-key"), Some("sk-secret"));
        assert_eq!(b.requests(), 1);
        let second = b.received(0);
        assert_eq!(second.header("x-api-key"), None, "{}", second.head);
        assert!(!second.head.contains("sk-secret"), "{}", second.head);
    })
    .await;
}

#[tokio::test]
async fn a_cross_origin_307_of_a_request_with_a_body_is_refused() {
    bounded(async {
        let (a, b) = two_origins(307).await;
        let result = transport(&a).execute(post("/start", r#"{"secret":"payload"}"#), CallOptions::default()).await;
        let e = transport_error(result, TransportErrorKind::Redirect);
        assert!(e.to_string().contains("another origin"), "{e}");
        assert_eq!(a.requests(), 1, "not retried");
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(b.requests(), 0, "nothing reaches the other origin");
    })
    .await;
}

// ---------------------------------------------------------------------------
// Broken servers
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_reply_that_is_not_http_is_a_protocol_error_and_not_retried() {
    bounded(async {
        let server = Server::always(|| Reply::After(Duration::ZERO, b"garbage\r\n\r\n".to_vec())).await;
        let started = Instant::now();
        let result = transport(&server).execute(get("/x"), CallOptions::default()).await;
        transport_error(result, TransportErrorKind::Protocol);
        assert_eq!(server.requests(), 1);
        assert!(started.elapsed() < Duration::from_millis(500));
    })
    .await;
}

#[tokio::test]
async fn a_connection_closed_mid_body_is_interrupted_and_retried_only_where_safe() {
    bounded(async {
        let cut = || Reply::After(Duration::ZERO, b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly ten b".to_vec());
        let server = Server::start(move |n, _| if n == 0 { cut() } else { reply(200, &[], "whole") }).await;
        let response = ok(transport(&server).execute(get("/x"), CallOptions::default()).await);
        assert_eq!(&response.body[..], b"whole");
        assert_eq!(server.requests(), 2);

        let server = Server::always(cut).await;
        let result = transport(&server).execute(post("/x", "{}"), CallOptions::default()).await;
        transport_error(result, TransportErrorKind::Interrupted);
        assert_eq!(server.requests(), 1, "the server may have acted on the POST");
    })
    .await;
}

/// Counts the attempts of calls that never reach a server.
#[derive(Default)]
struct CountAttempts(AtomicUsize);

impl Hook for CountAttempts {
    fn before_request<'a>(&'a self, _: &'a RequestContext<'a>, _: &'a mut reqwest::Request) -> HookFuture<'a, Result<HookAction, HookError>> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Box::pin(async { Ok(HookAction::Continue) })
    }
}

#[tokio::test]
async fn a_refused_connection_is_a_connect_error_retried_up_to_max_attempts() {
    bounded(async {
        let url = format!("http://127.0.0.1:{}", closed_port());
        // Nothing reached the server, so even a POST tries again.
        for call in [get("/x"), post("/x", "{}")] {
            let counter = Arc::new(CountAttempts::default());
            let transport = transport_with(url.clone(), bearer(), limits(), policy(), vec![counter.clone()]);
            let started = Instant::now();
            let result = transport.execute(call, CallOptions::default()).await;
            assert!(transport_error(result, TransportErrorKind::Connect).is_connect());
            assert_eq!(counter.0.load(Ordering::SeqCst), 3);
            assert!(started.elapsed() < Duration::from_millis(1000));
        }
    })
    .await;
}

// ---------------------------------------------------------------------------
// Body limit
// ---------------------------------------------------------------------------

fn small_body_limit(server: &Server, max_body_bytes: u64) -> Transport {
    transport_with(server.url(), bearer(), Limits { max_body_bytes, ..limits() }, policy(), vec![])
}

#[tokio::test]
async fn a_content_length_over_the_limit_fails_without_reading() {
    bounded(async {
        // The announced body never comes: reading it would run into the 2 s deadline.
        let server = Server::always(|| Reply::Hang(b"HTTP/1.1 200 OK\r\ncontent-length: 1000000\r\n\r\nstart".to_vec())).await;
        let started = Instant::now();
        let result = small_body_limit(&server, 1000).execute(get("/big"), CallOptions::default()).await;
        let elapsed = started.elapsed();
        let Err(CallError::BodyTooLarge(e)) = result else { panic!("expected BodyTooLarge, got {}", describe(&result)) };
        assert_eq!(e.status, StatusCode::OK);
        assert_eq!(e.limit, 1000);
        assert_eq!(e.content_length, Some(1_000_000));
        assert!(e.prefix.is_empty());
        assert_eq!(server.requests(), 1, "not retried");
        assert!(elapsed < Duration::from_millis(500), "{} ms", ms(elapsed));
    })
    .await;
}

#[tokio::test]
async fn an_endless_chunked_body_fails_once_past_the_limit() {
    bounded(async {
        let server = Server::always(|| Reply::Endless).await;
        let started = Instant::now();
        let result = small_body_limit(&server, 10_000).execute(get("/stream"), CallOptions::default()).await;
        let elapsed = started.elapsed();
        let Err(CallError::BodyTooLarge(e)) = result else { panic!("expected BodyTooLarge, got {}", describe(&result)) };
        assert_eq!(e.content_length, None);
        assert!(!e.prefix.is_empty() && e.prefix.len() <= 4096, "prefix of {} bytes", e.prefix.len());
        assert!(e.prefix.iter().all(|b| *b == b'x'));
        assert_eq!(server.requests(), 1, "not retried");
        assert!(elapsed < Duration::from_millis(500), "{} ms", ms(elapsed));
    })
    .await;
}

#[tokio::test]
async fn a_body_exactly_at_the_limit_is_read() {
    bounded(async {
        let body = "x".repeat(1000);
        let server = Server::always(move || reply(200, &[], &body)).await;
        let response = ok(small_body_limit(&server, 1000).execute(get("/x"), CallOptions::default()).await);
        assert_eq!(response.body.len(), 1000);
        let result = small_body_limit(&server, 999).execute(get("/x"), CallOptions::default()).await;
        assert!(matches!(result, Err(CallError::BodyTooLarge(ref e)) if e.content_length == Some(1000)), "{}", describe(&result));

        // Without Content-Length, counted as it arrives.
        let server = Server::always(|| chunked(1000)).await;
        let response = ok(small_body_limit(&server, 1000).execute(get("/x"), CallOptions::default()).await);
        assert_eq!(response.body.len(), 1000);
        // The call's own limit replaces the client's.
        let options = CallOptions { max_body_bytes: Some(999), ..CallOptions::default() };
        let result = small_body_limit(&server, 1000).execute(get("/x"), options).await;
        match result {
            Err(CallError::BodyTooLarge(e)) => {
                assert_eq!((e.limit, e.content_length), (999, None));
                // What arrived, up to the chunk that passed the limit.
                assert!(!e.prefix.is_empty() && e.prefix.len() <= 1000, "prefix of {} bytes", e.prefix.len());
            }
            other => panic!("expected BodyTooLarge, got {}", describe(&other)),
        }
    })
    .await;
}

// ---------------------------------------------------------------------------
// Which statuses are retried
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_500_is_retried_for_a_get_but_not_for_a_post() {
    bounded(async {
        let server = Server::start(|n, _| if n == 0 { reply(500, &[], "oops") } else { reply(200, &[], "ok") }).await;
        let response = ok(transport(&server).execute(get("/x"), CallOptions::default()).await);
        assert_eq!((response.status, server.requests()), (StatusCode::OK, 2));

        let server = Server::start(|n, _| if n == 0 { reply(500, &[], "oops") } else { reply(200, &[], "ok") }).await;
        let response = ok(transport(&server).execute(post("/x", "{}"), CallOptions::default()).await);
        assert_eq!(response.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(&response.body[..], b"oops");
        assert_eq!(server.requests(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_503_is_retried_even_for_a_post() {
    bounded(async {
        let server = Server::start(|n, _| if n == 0 { reply(503, &[], "busy") } else { reply(200, &[], "ok") }).await;
        let response = ok(transport(&server).execute(post("/x", r#"{"a":1}"#), CallOptions::default()).await);
        assert_eq!(response.status, StatusCode::OK);
        assert_eq!(server.requests(), 2);
        assert_eq!(server.received(1).body, br#"{"a":1}"#);
    })
    .await;
}

#[tokio::test]
async fn retries_stop_at_max_attempts_and_return_the_last_response() {
    bounded(async {
        let server = Server::start(|n, _| reply(502, &[], &format!("#{}", n + 1))).await;
        let response = ok(transport(&server).execute(get("/x"), CallOptions::default()).await);
        assert_eq!(response.status, StatusCode::BAD_GATEWAY);
        assert_eq!(&response.body[..], b"#3");
        assert_eq!(server.requests(), 3);
        // A call's own policy replaces the client's.
        let server = Server::always(|| reply(502, &[], "")).await;
        let options = CallOptions { retry: Some(RetryPolicy::none()), ..CallOptions::default() };
        ok(transport(&server).execute(get("/x"), options).await);
        assert_eq!(server.requests(), 1);
    })
    .await;
}

// ---------------------------------------------------------------------------
// Hooks
// ---------------------------------------------------------------------------

/// Records what hooks see, and marks every request with its attempt.
#[derive(Default)]
struct Recorder {
    before: Mutex<Vec<(u32, String)>>,
    after: Mutex<Vec<(u32, u16)>>,
}

impl Hook for Recorder {
    fn before_request<'a>(&'a self, context: &'a RequestContext<'a>, request: &'a mut reqwest::Request) -> HookFuture<'a, Result<HookAction, HookError>> {
        Box::pin(async move {
            assert_eq!(context.operation_id, "testOp");
            // A hook may wait (fetch a token, ask a rate limiter) before the request goes out.
            tokio::task::yield_now().await;
            self.before.lock().unwrap().push((context.attempt, format!("{} {}", request.method(), request.url().path())));
            request.headers_mut().insert("x-attempt", context.attempt.into());
            Ok(HookAction::Continue)
        })
    }

    fn after_response<'a>(&'a self, context: &'a RequestContext<'a>, status: StatusCode, _: &'a HeaderMap) -> HookFuture<'a, ()> {
        Box::pin(async move {
            tokio::task::yield_now().await;
            self.after.lock().unwrap().push((context.attempt, status.as_u16()));
        })
    }
}

#[tokio::test]
async fn hooks_run_for_every_attempt_and_every_redirect_hop() {
    bounded(async {
        // `/a` redirects to `/b`, which is busy the first time.
        let server = Server::start(|_, request| match request.request_line() {
            line if line.starts_with("GET /a ") => reply(302, &[("location", "/b")], ""),
            _ => {
                let first_b = request.header("x-attempt") == Some("1");
                if first_b { reply(503, &[], "") } else { reply(200, &[], "ok") }
            }
        })
        .await;
        let recorder = Arc::new(Recorder::default());
        let transport = transport_with(server.url(), bearer(), limits(), policy(), vec![recorder.clone()]);
        let response = ok(transport.execute(get("/a"), CallOptions::default()).await);
        assert_eq!(response.status, StatusCode::OK);
        let before = recorder.before.lock().unwrap().clone();
        let expected: Vec<(u32, String)> =
            [(1, "GET /a"), (1, "GET /b"), (2, "GET /a"), (2, "GET /b")].iter().map(|(n, s)| (*n, s.to_string())).collect();
        assert_eq!(before, expected);
        assert_eq!(*recorder.after.lock().unwrap(), vec![(1, 503), (2, 200)]);
        // What the hook added went out with each hop.
        let sent: Vec<Option<String>> = (0..4).map(|n| server.received(n).header("x-attempt").map(str::to_string)).collect();
        assert_eq!(sent, ["1", "1", "2", "2"].map(|s| Some(s.to_string())));
    })
    .await;
}

// ---------------------------------------------------------------------------
// Security schemes, OAuth2 client credentials, idempotency keys
// ---------------------------------------------------------------------------

/// Credentials for five schemes, numbered 0..=4: an API key in a header, in the
/// query and in a cookie, HTTP basic and a bearer token.
fn every_scheme() -> Auth {
    Auth::new(vec![
        Some(Credential::header("x-api-key", SecretString::new("k-header"))),
        Some(Credential::query("api_key", SecretString::new("k-query"))),
        Some(Credential::cookie("session", SecretString::new("k-cookie"))),
        Some(Credential::basic("aladdin", SecretString::new("open sesame"))),
        Some(Credential::bearer(SecretString::new("k-bearer"))),
    ])
}

fn secured(security: &'static [&'static [usize]]) -> Request {
    Request { security, ..get("/x") }
}

#[tokio::test]
async fn each_scheme_puts_its_credential_where_the_scheme_says() {
    bounded(async {
        let server = Server::always(|| reply(200, &[], "ok")).await;
        let transport = transport_with(server.url(), Some(every_scheme()), limits(), policy(), vec![]);
        ok(transport.execute(secured(&[&[0, 1, 2]]), CallOptions::default()).await);
        let first = server.received(0);
        assert_eq!(first.header("x-api-key"), Some("k-header"));
        assert!(first.request_line().contains("/x?api_key=k-query "), "{}", first.request_line());
        assert_eq!(first.header("cookie"), Some("session=k-cookie"));
        assert_eq!(first.header("authorization"), None);
        ok(transport.execute(secured(&[&[3]]), CallOptions::default()).await);
        // base64("aladdin:open sesame")
        assert_eq!(server.received(1).header("authorization"), Some("Basic YWxhZGRpbjpvcGVuIHNlc2FtZQ=="));
        ok(transport.execute(secured(&[&[4]]), CallOptions::default()).await);
        assert_eq!(server.received(2).header("authorization"), Some("Bearer k-bearer"));
    })
    .await;
}

#[tokio::test]
async fn the_first_satisfied_alternative_is_used_and_no_security_sends_nothing() {
    bounded(async {
        let server = Server::always(|| reply(200, &[], "ok")).await;
        // Only the bearer token (4) and the query key (1) are set.
        let auth = Auth::new(vec![None, Some(Credential::query("api_key", SecretString::new("k-query"))), None, None, Some(Credential::bearer(SecretString::new("k-bearer")))]);
        let transport = transport_with(server.url(), Some(auth), limits(), policy(), vec![]);
        // {0 and 1} lacks 0; {4} is the first the client can satisfy.
        ok(transport.execute(secured(&[&[0, 1], &[4], &[1]]), CallOptions::default()).await);
        let first = server.received(0);
        assert_eq!(first.header("authorization"), Some("Bearer k-bearer"));
        assert!(!first.request_line().contains("api_key"), "{}", first.request_line());
        // `security: []`: nothing at all.
        ok(transport.execute(secured(&[]), CallOptions::default()).await);
        let none = server.received(1);
        assert!(!none.head.contains("k-bearer") && !none.head.contains("k-query"), "{}", none.head);
        // Nothing satisfiable (an optional `{}` last): nothing.
        ok(transport.execute(secured(&[&[3], &[]]), CallOptions::default()).await);
        let optional = server.received(2);
        assert!(!optional.head.contains("k-bearer") && !optional.head.contains("k-query"), "{}", optional.head);
    })
    .await;
}

#[tokio::test]
async fn credentials_that_cannot_be_sent_fail_at_once_without_showing_the_secret() {
    bounded(async {
        let server = Server::always(|| reply(200, &[], "ok")).await;
        let cookie = Auth::new(vec![Some(Credential::cookie("session", SecretString::new("k;secret=1")))]);
        assert_eq!(cookie.invalid(), Some("the API key is not a valid value for the `session` cookie"));
        let transport = transport_with(server.url(), Some(cookie), limits(), policy(), vec![]);
        let e = assert_local_error(&server, &transport, secured(&[&[0]]), CallOptions::default(), "`session` cookie").await;
        assert!(!e.to_string().contains("secret"), "{e}");
        let basic = Auth::new(vec![Some(Credential::basic("a:b", SecretString::new("secret")))]);
        assert!(basic.invalid().is_some_and(|r| r.contains("user name") && !r.contains("secret")));
        let debug = format!("{:?}", every_scheme());
        assert!(!debug.contains("k-header") && !debug.contains("k-cookie") && !debug.contains("sesame") && !debug.contains("YWxh"), "{debug}");
    })
    .await;
}

/// A token endpoint at `/token` (the `n`th token is `tok-n`, valid `expires_in`
/// seconds, sent after `delay`) in front of an API at `/x` answering 200, or
/// 401 for the token `refused`.
async fn token_server(expires_in: u64, delay: Duration, refused: Option<&'static str>) -> (Server, Arc<AtomicUsize>) {
    let tokens = Arc::new(AtomicUsize::new(0));
    let counter = tokens.clone();
    let server = Server::start(move |_, request| {
        if request.request_line().starts_with("POST /token ") {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let body = format!(r#"{{"access_token":"tok-{n}","token_type":"Bearer","expires_in":{expires_in}}}"#);
            Reply::After(delay, http(200, &[("content-type", "application/json")], &body))
        } else if refused.is_some_and(|t| request.header("authorization") == Some(&format!("Bearer {t}"))) {
            reply(401, &[], "")
        } else {
            reply(200, &[], "ok")
        }
    })
    .await;
    (server, tokens)
}

fn oauth2(server: &Server) -> Transport {
    let flow = crate::oauth2::ClientCredentials::new("/token", &["read", "write"], "my-client".into(), SecretString::new("s3cret"));
    transport_with(server.url(), Some(Auth::new(vec![Some(Credential::oauth2(flow))])), limits(), policy(), vec![])
}

#[tokio::test]
async fn an_oauth2_token_is_fetched_once_and_reused() {
    bounded(async {
        let (server, tokens) = token_server(3600, Duration::ZERO, None).await;
        let transport = oauth2(&server);
        for _ in 0..3 {
            ok(transport.execute(secured(&[&[0]]), CallOptions::default()).await);
        }
        assert_eq!(tokens.load(Ordering::SeqCst), 1);
        let fetch = server.received(0);
        assert!(fetch.request_line().starts_with("POST /token "), "{}", fetch.head);
        assert_eq!(std::str::from_utf8(&fetch.body).unwrap(), "grant_type=client_credentials&scope=read%20write");
        // base64("my-client:s3cret"): id and secret form-encoded (`-` stays), then HTTP basic.
        assert_eq!(fetch.header("authorization"), Some("Basic bXktY2xpZW50OnMzY3JldA=="));
        for n in 1..4 {
            assert_eq!(server.received(n).header("authorization"), Some("Bearer tok-0"));
        }
        let debug = format!("{transport:?}");
        assert!(debug.contains("my-client") && !debug.contains("s3cret") && !debug.contains("tok-"), "{debug}");
    })
    .await;
}

#[tokio::test]
async fn concurrent_calls_wait_for_one_token_fetch() {
    bounded(async {
        let (server, tokens) = token_server(3600, Duration::from_millis(200), None).await;
        let transport = Arc::new(oauth2(&server));
        let calls = (0..8).map(|_| {
            let transport = transport.clone();
            tokio::spawn(async move { transport.execute(secured(&[&[0]]), CallOptions::default()).await })
        });
        for call in futures::future::join_all(calls).await {
            ok(call.unwrap());
        }
        assert_eq!(tokens.load(Ordering::SeqCst), 1, "one fetch serves every waiting call");
        assert_eq!(server.requests(), 9);
    })
    .await;
}

#[tokio::test]
async fn an_expired_or_refused_token_is_fetched_again() {
    bounded(async {
        // Valid for 1 s: kept for 0.9 s.
        let (server, tokens) = token_server(1, Duration::ZERO, None).await;
        let transport = oauth2(&server);
        ok(transport.execute(secured(&[&[0]]), CallOptions::default()).await);
        ok(transport.execute(secured(&[&[0]]), CallOptions::default()).await);
        assert_eq!(tokens.load(Ordering::SeqCst), 1);
        tokio::time::sleep(Duration::from_millis(1000)).await;
        ok(transport.execute(secured(&[&[0]]), CallOptions::default()).await);
        assert_eq!(tokens.load(Ordering::SeqCst), 2);
        assert_eq!(server.received(4).header("authorization"), Some("Bearer tok-1"));

        // The API refuses tok-0: the 401 comes back, and the next call fetches tok-1.
        let (server, tokens) = token_server(3600, Duration::ZERO, Some("tok-0")).await;
        let transport = oauth2(&server);
        assert_eq!(ok(transport.execute(secured(&[&[0]]), CallOptions::default()).await).status, StatusCode::UNAUTHORIZED);
        assert_eq!(ok(transport.execute(secured(&[&[0]]), CallOptions::default()).await).status, StatusCode::OK);
        assert_eq!(tokens.load(Ordering::SeqCst), 2);
    })
    .await;
}

#[tokio::test]
async fn a_refused_or_stalled_token_request_fails_the_call_without_secrets() {
    bounded(async {
        let server = Server::always(|| reply(401, &[("content-type", "application/json")], r#"{"error":"invalid_client"}"#)).await;
        let result = oauth2(&server).execute(secured(&[&[0]]), CallOptions::default()).await;
        let e = transport_error(result, TransportErrorKind::Other);
        let text = format!("{e} {e:?}");
        assert!(text.contains("HTTP 401") && text.contains("invalid_client"), "{text}");
        assert!(!text.contains("s3cret"), "{text}");
        assert_eq!(server.requests(), 1, "a refused token request is not retried");

        // The token request runs under the call's deadline.
        let server = Server::always(|| Reply::Hang(Vec::new())).await;
        let started = Instant::now();
        let result = oauth2(&server).execute(secured(&[&[0]]), timeout(300)).await;
        transport_error(result, TransportErrorKind::Timeout);
        assert!(started.elapsed() < Duration::from_millis(1500), "{:?}", started.elapsed());

        // And under its body limit.
        let server = Server::always(|| Reply::Endless).await;
        let result = oauth2(&server).execute(secured(&[&[0]]), CallOptions { max_body_bytes: Some(1024), ..CallOptions::default() }).await;
        let e = transport_error(result, TransportErrorKind::Other);
        assert!(e.to_string().contains("longer than 1024 bytes"), "{e}");
    })
    .await;
}

#[tokio::test]
async fn a_cross_origin_redirect_drops_the_oauth2_token() {
    bounded(async {
        let (api, _tokens) = token_server(3600, Duration::ZERO, None).await;
        let elsewhere = Server::always(|| reply(200, &[], "ok")).await;
        let target = format!("{}/landing", elsewhere.url());
        let origin = Server::start(move |_, request| {
            if request.request_line().starts_with("POST /token ") {
                reply(200, &[], r#"{"access_token":"tok-0","token_type":"bearer"}"#)
            } else {
                reply(302, &[("location", &target)], "")
            }
        })
        .await;
        drop(api);
        let transport = oauth2(&origin);
        ok(transport.execute(secured(&[&[0]]), CallOptions::default()).await);
        assert_eq!(origin.received(1).header("authorization"), Some("Bearer tok-0"));
        let landed = elsewhere.received(0);
        assert_eq!(landed.header("authorization"), None, "{}", landed.head);
        assert!(!landed.head.contains("tok-0"), "{}", landed.head);
    })
    .await;
}

/// Answers every attempt itself with `status` and `body`, or refuses the call
/// (from attempt `fail_from` on); counts the attempts it saw.
struct Answer {
    status: u16,
    body: &'static str,
    fail_from: Option<u32>,
    seen: AtomicUsize,
}

impl Answer {
    fn new(status: u16, body: &'static str) -> Arc<Answer> {
        Arc::new(Answer { status, body, fail_from: None, seen: AtomicUsize::new(0) })
    }

    fn failing() -> Arc<Answer> {
        Arc::new(Answer { status: 0, body: "", fail_from: Some(1), seen: AtomicUsize::new(0) })
    }

    fn seen(&self) -> usize {
        self.seen.load(Ordering::SeqCst)
    }
}

impl Hook for Answer {
    fn before_request<'a>(&'a self, context: &'a RequestContext<'a>, _: &'a mut reqwest::Request) -> HookFuture<'a, Result<HookAction, HookError>> {
        Box::pin(async move {
            self.seen.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(5)).await;
            if self.fail_from.is_some_and(|from| context.attempt >= from) {
                return Err(HookError::new("no token for this call"));
            }
            let status = StatusCode::from_u16(self.status).unwrap();
            Ok(HookAction::Respond(HookResponse::new(status).with_body(self.body)))
        })
    }
}

#[tokio::test]
async fn a_hook_that_answers_skips_the_network_and_its_answer_is_read_like_a_response() {
    bounded(async {
        let server = Server::always(|| reply(500, &[], "the server was reached"));
        let server = server.await;
        let answer = Answer::new(200, "from the hook");
        let recorder = Arc::new(Recorder::default());
        let hooks: Vec<Arc<dyn Hook>> = vec![recorder.clone(), answer.clone(), Arc::new(CountAttempts::default())];
        let transport = transport_with(server.url(), bearer(), limits(), policy(), hooks);
        let response = ok(transport.execute(get("/x"), CallOptions::default()).await);
        assert_eq!(response.status, StatusCode::OK);
        assert_eq!(&response.body[..], b"from the hook");
        assert_eq!(server.requests(), 0, "nothing was sent");
        // Hooks before the answering one ran; after-response hooks saw the answer.
        assert_eq!(recorder.before.lock().unwrap().len(), 1);
        assert_eq!(*recorder.after.lock().unwrap(), vec![(1, 200)]);
    })
    .await;
}

#[tokio::test]
async fn a_post_with_an_idempotency_key_is_retried_with_the_same_key() {
    bounded(async {
        let server = Server::start(|n, _| if n < 2 { reply(500, &[], "") } else { reply(201, &[], "{}") }).await;
        let mut keyed = post("/x", "{}");
        keyed.headers.push(("Idempotency-Key", "key-1".to_string()));
        let response = ok(transport(&server).execute(keyed, CallOptions::default()).await);
        assert_eq!(response.status, StatusCode::CREATED);
        assert_eq!(server.requests(), 3);
        for n in 0..3 {
            assert_eq!(server.received(n).header("idempotency-key"), Some("key-1"));
        }
        // A key given by the call's own headers counts as well.
        let server = Server::start(|n, _| if n < 1 { reply(500, &[], "") } else { reply(201, &[], "{}") }).await;
        let options = CallOptions { headers: vec![("idempotency-key".into(), "key-2".into())], ..CallOptions::default() };
        ok(transport(&server).execute(post("/x", "{}"), options).await);
        assert_eq!(server.requests(), 2);
    })
    .await;
}

#[tokio::test]
async fn an_answer_with_a_retried_status_is_retried_and_the_hook_runs_again() {
    bounded(async {
        let server = Server::always(|| reply(200, &[], "the server was reached")).await;
        let answer = Answer::new(503, "busy");
        let transport = transport_with(server.url(), bearer(), limits(), policy(), vec![answer.clone()]);
        let response = ok(transport.execute(get("/x"), CallOptions::default()).await);
        assert_eq!(response.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(answer.seen(), 3, "every attempt of the policy");
        assert_eq!(server.requests(), 0);
    })
    .await;
}

#[tokio::test]
async fn a_failing_hook_ends_the_call_with_its_error_and_is_not_retried() {
    bounded(async {
        let server = Server::always(|| reply(200, &[], "ok")).await;
        let answer = Answer::failing();
        let transport = transport_with(server.url(), bearer(), limits(), policy(), vec![answer.clone()]);
        match transport.execute(get("/x"), CallOptions::default()).await {
            Err(CallError::Hook(e)) => {
                assert_eq!(e.to_string(), "a hook stopped the call: no token for this call");
                assert_eq!(e.into_inner().to_string(), "no token for this call");
            }
            other => panic!("expected the hook's error, got {}", describe(&other)),
        }
        assert_eq!(answer.seen(), 1, "never retried");
        assert_eq!(server.requests(), 0, "nothing was sent");
    })
    .await;
}

#[tokio::test]
async fn a_slow_hook_is_bounded_by_the_call_deadline() {
    bounded(async {
        struct Stall;
        impl Hook for Stall {
            fn before_request<'a>(&'a self, _: &'a RequestContext<'a>, _: &'a mut reqwest::Request) -> HookFuture<'a, Result<HookAction, HookError>> {
                Box::pin(std::future::pending())
            }
        }
        let server = Server::always(|| reply(200, &[], "ok")).await;
        let transport = transport_with(server.url(), bearer(), limits(), RetryPolicy::none(), vec![Arc::new(Stall)]);
        let result = transport.execute(get("/x"), timeout(200)).await;
        assert!(transport_error(result, TransportErrorKind::Timeout).is_timeout());
        assert_eq!(server.requests(), 0);
    })
    .await;
}

#[test]
fn json_answers_carry_their_content_type() {
    let response = HookResponse::json(StatusCode::CREATED, &serde_json::json!({"id": "k1"})).unwrap();
    assert_eq!(response.status, StatusCode::CREATED);
    assert_eq!(response.headers[reqwest::header::CONTENT_TYPE], "application/json");
    assert_eq!(&response.body[..], br#"{"id":"k1"}"#);
}
