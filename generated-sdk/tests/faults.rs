//! The client against a misbehaving server: one that never answers, asks for
//! absurd waits, loops redirects, answers with something that is not HTTP,
//! sends endless or enormous bodies, redirects to another origin, or pages
//! wrongly. Plus local mistakes, which must fail before anything is sent.
//!
//! The server is a few lines of raw HTTP/1.1 over `tokio::net::TcpListener`
//! (wiremock cannot misbehave at the wire level): it accepts connections,
//! reads one request per connection, records its head, and answers what the
//! test's script says. Every reply closes the connection (`Connection: close`),
//! so one connection is one request. Every test runs under [`bounded`].

mod common;
use common::key_json;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::StreamExt;
use openrouter_byok::byok::{CreateByokKeyError, DeleteByokKeyError, GetByokKeyError};
use openrouter_byok::models::{ByokProviderSlug, CreateByokKeyRequest};
use openrouter_byok::{Client, RetryPolicy, SecretString, TransportErrorKind};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

// ---------------------------------------------------------------------------
// The misbehaving server
// ---------------------------------------------------------------------------

/// One request as the server read it.
#[derive(Debug, Clone)]
struct Captured {
    /// Request line and headers, up to and including the blank line.
    head: String,
    /// The body (read by `Content-Length`).
    body: Vec<u8>,
}

impl Captured {
    fn request_line(&self) -> &str {
        self.head.lines().next().unwrap_or_default()
    }

    /// The value of header `name` (case-insensitive), if sent.
    fn header(&self, name: &str) -> Option<&str> {
        self.head
            .lines()
            .skip(1)
            .filter_map(|line| line.split_once(':'))
            .find(|(n, _)| n.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    }

    /// A numeric query parameter of the request line.
    fn query(&self, name: &str) -> Option<usize> {
        let target = self.request_line().split_whitespace().nth(1)?;
        let (_, query) = target.split_once('?')?;
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| v.parse().ok())
    }
}

/// What the server does with a request.
enum Reply {
    /// Writes these bytes, then closes the connection.
    Send(Vec<u8>),
    /// Writes these bytes (perhaps none), then holds the connection open, silent.
    SendThenStall(Vec<u8>),
    /// A 200 with a chunked body that starts with `first` and never ends.
    EndlessChunked { first: &'static str },
}

type Script = dyn Fn(usize, &Captured) -> Reply + Send + Sync;

struct FaultServer {
    addr: std::net::SocketAddr,
    connections: Arc<AtomicUsize>,
    seen: Arc<Mutex<Vec<Captured>>>,
}

impl FaultServer {
    /// Starts a server that answers request number `n` (from 0) with `script(n, &request)`.
    async fn start(script: impl Fn(usize, &Captured) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let server = FaultServer {
            addr: listener.local_addr().expect("local address"),
            connections: Arc::default(),
            seen: Arc::default(),
        };
        let script: Arc<Script> = Arc::new(script);
        let (connections, seen) = (server.connections.clone(), server.seen.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                connections.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(serve(stream, script.clone(), seen.clone()));
            }
        });
        server
    }

    fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Requests read so far.
    fn requests(&self) -> usize {
        self.seen.lock().unwrap().len()
    }

    fn captured(&self) -> Vec<Captured> {
        self.seen.lock().unwrap().clone()
    }

    /// Connections accepted so far (a request may have been cut short).
    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

async fn serve(mut stream: TcpStream, script: Arc<Script>, seen: Arc<Mutex<Vec<Captured>>>) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    let index = {
        let mut seen = seen.lock().unwrap();
        seen.push(request.clone());
        seen.len() - 1
    };
    match script(index, &request) {
        Reply::Send(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
        Reply::SendThenStall(bytes) => {
            let _ = stream.write_all(&bytes).await;
            std::future::pending::<()>().await;
        }
        Reply::EndlessChunked { first } => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
            let filler = vec![b'x'; 64 * 1024];
            let chunk = |data: &[u8]| {
                let mut out = format!("{:x}\r\n", data.len()).into_bytes();
                out.extend_from_slice(data);
                out.extend_from_slice(b"\r\n");
                out
            };
            let mut next = [head.as_bytes(), &chunk(first.as_bytes())].concat();
            // Until the client hangs up.
            while stream.write_all(&next).await.is_ok() {
                next = chunk(&filler);
            }
        }
    }
}

/// Reads a request head and its `Content-Length` body; `None` if the client hung up first.
async fn read_request(stream: &mut TcpStream) -> Option<Captured> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut chunk).await.ok().filter(|n| *n > 0)?;
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut request = Captured {
        head,
        body: buf[head_end..].to_vec(),
    };
    let length: usize = request
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    while request.body.len() < length {
        let n = stream.read(&mut chunk).await.ok().filter(|n| *n > 0)?;
        request.body.extend_from_slice(&chunk[..n]);
    }
    Some(request)
}

/// A complete response with a `Content-Length` body.
fn http(status: &str, headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ));
    out.into_bytes()
}

fn json_reply(status: &str, body: Value) -> Reply {
    Reply::Send(http(
        status,
        &[("Content-Type", "application/json")],
        &body.to_string(),
    ))
}

// ---------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------

const API_KEY: &str = "sk-or-v1-faults-api-key-0c3e8b91a7d24f56";
const RAW_KEY: &str = "sk-proj-raw-provider-secret-fault-7a21";
const KEY_ID: &str = "11111111-2222-3333-4444-555555555555";
const KEY_PATH: &str = "/byok/11111111-2222-3333-4444-555555555555";

/// The most any test may take; the behaviour under test takes far less.
const TEST_LIMIT: Duration = Duration::from_secs(4);

/// Runs a test body under [`TEST_LIMIT`], so that a regression fails instead of hanging.
async fn bounded<T>(test: impl Future<Output = T>) -> T {
    tokio::time::timeout(TEST_LIMIT, test)
        .await
        .expect("the test did not finish within its time limit")
}


fn page(ids: &[String], total: usize) -> Value {
    json!({ "data": ids.iter().map(|id| key_json(id)).collect::<Vec<_>>(), "total_count": total })
}

/// The spec's policy with delays short enough for tests, at most 5 attempts.
fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .initial_interval(Duration::from_millis(10))
        .max_interval(Duration::from_millis(20))
        .max_attempts(5)
}

fn client_for(server: &FaultServer, policy: RetryPolicy) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .base_url(server.uri())
        .retry_policy(policy)
        .build()
        .expect("client builds")
}

fn transport_kind(err: &GetByokKeyError) -> TransportErrorKind {
    match err {
        GetByokKeyError::Transport(e) => e.kind(),
        other => panic!("expected a Transport error, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// Deadlines
// ---------------------------------------------------------------------------

/// A server that reads each request and never answers.
async fn silent_server() -> FaultServer {
    FaultServer::start(|_, _| Reply::SendThenStall(Vec::new())).await
}

fn assert_timed_out_in_time(err: &GetByokKeyError, started: Instant) {
    let elapsed = started.elapsed();
    assert!(
        matches!(err, GetByokKeyError::Timeout(e) if e.is_timeout()),
        "{err:?}"
    );
    assert!(
        elapsed >= Duration::from_millis(950),
        "gave up before the deadline: {elapsed:?}"
    );
    assert!(elapsed < Duration::from_millis(1500), "took {elapsed:?}");
}

#[tokio::test]
async fn a_silent_server_times_out_at_the_per_call_deadline_despite_retries() {
    bounded(async {
        let server = silent_server().await;
        let client = client_for(&server, RetryPolicy::default());

        let started = Instant::now();
        let err = client
            .byok()
            .get(KEY_ID)
            .timeout(Duration::from_secs(1))
            .await
            .expect_err("no answer");

        assert_timed_out_in_time(&err, started);
        // The one attempt used up the deadline; no retry was started after it.
        assert_eq!(server.requests(), 1);
    })
    .await
}

#[tokio::test]
async fn a_silent_server_times_out_at_the_client_deadline_despite_retries() {
    bounded(async {
        let server = silent_server().await;
        let client = Client::builder()
            .api_key(API_KEY)
            .base_url(server.uri())
            .retry_policy(fast_retries())
            .timeout(Duration::from_secs(1))
            .build()
            .unwrap();

        let started = Instant::now();
        let err = client.byok().get(KEY_ID).await.expect_err("no answer");

        assert_timed_out_in_time(&err, started);
        assert_eq!(server.requests(), 1);
    })
    .await
}

#[tokio::test]
async fn stalled_attempts_are_retried_within_the_call_deadline() {
    bounded(async {
        let server = silent_server().await;
        let client = Client::builder()
            .api_key(API_KEY)
            .base_url(server.uri())
            .retry_policy(fast_retries())
            .timeout(Duration::from_secs(1))
            .attempt_timeout(Duration::from_millis(150))
            .build()
            .unwrap();

        let started = Instant::now();
        let err = client.byok().get(KEY_ID).await.expect_err("no answer");

        assert!(matches!(&err, GetByokKeyError::Timeout(_)), "{err:?}");
        assert!(
            started.elapsed() < Duration::from_millis(1500),
            "took {:?}",
            started.elapsed()
        );
        assert!(
            (2..=5).contains(&server.requests()),
            "{} attempts",
            server.requests()
        );
    })
    .await
}

// ---------------------------------------------------------------------------
// Retry-After
// ---------------------------------------------------------------------------

fn too_many_requests(headers: &[(&str, &str)]) -> Reply {
    let body = json!({ "error": { "code": 429, "message": "slow down" } }).to_string();
    let mut all = vec![("Content-Type", "application/json")];
    all.extend_from_slice(headers);
    Reply::Send(http("429 Too Many Requests", &all, &body))
}

#[tokio::test]
async fn a_retry_after_beyond_the_policy_returns_at_once_with_the_delay() {
    bounded(async {
        let server = FaultServer::start(|_, _| too_many_requests(&[("Retry-After", "3000")])).await;
        let client = client_for(&server, RetryPolicy::default());

        let started = Instant::now();
        let err = client.byok().get(KEY_ID).await.expect_err("429");

        assert!(
            started.elapsed() < Duration::from_millis(200),
            "took {:?}",
            started.elapsed()
        );
        assert_eq!(server.requests(), 1);
        assert!(
            matches!(&err, GetByokKeyError::UnexpectedStatus(_)),
            "{err:?}"
        );
        assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
        assert_eq!(err.retry_after(), Some(Duration::from_secs(3000)));
    })
    .await
}

#[tokio::test]
async fn retry_after_ms_is_honoured() {
    bounded(async {
        // Waits 150 ms, not the policy's 10-20 ms backoff, before the second attempt.
        let server = FaultServer::start(|n, _| match n {
            0 => too_many_requests(&[("retry-after-ms", "150")]),
            _ => json_reply("200 OK", json!({ "data": key_json(KEY_ID) })),
        })
        .await;
        let client = client_for(&server, fast_retries());

        let started = Instant::now();
        let key = client
            .byok()
            .get(KEY_ID)
            .await
            .expect("succeeds on the second attempt");

        let elapsed = started.elapsed();
        assert_eq!(key.data.id, KEY_ID);
        assert_eq!(server.requests(), 2);
        assert!(
            elapsed >= Duration::from_millis(150),
            "retried after {elapsed:?}"
        );
        assert!(elapsed < Duration::from_millis(1000), "took {elapsed:?}");

        // A wait in milliseconds beyond the policy's limit also returns at once.
        let server =
            FaultServer::start(|_, _| too_many_requests(&[("retry-after-ms", "3000000")])).await;
        let client = client_for(&server, fast_retries());
        let started = Instant::now();
        let err = client.byok().get(KEY_ID).await.expect_err("429");
        assert!(
            started.elapsed() < Duration::from_millis(200),
            "took {:?}",
            started.elapsed()
        );
        assert_eq!(server.requests(), 1);
        assert_eq!(err.retry_after(), Some(Duration::from_secs(3000)));
    })
    .await
}

// ---------------------------------------------------------------------------
// Local mistakes: nothing is sent
// ---------------------------------------------------------------------------

/// A server that answers anything with 200; the tests below expect it to hear nothing.
async fn untouched_server() -> FaultServer {
    FaultServer::start(|_, _| json_reply("200 OK", json!({ "data": key_json(KEY_ID) }))).await
}

fn assert_local(err: &GetByokKeyError, started: Instant, server: &FaultServer) {
    assert!(
        started.elapsed() < Duration::from_millis(10),
        "took {:?}",
        started.elapsed()
    );
    assert!(matches!(err, GetByokKeyError::Request(_)), "{err:?}");
    assert_eq!(server.connections(), 0, "something reached the server");
}

#[tokio::test]
async fn a_per_call_header_value_with_crlf_is_a_request_error() {
    bounded(async {
        let server = untouched_server().await;
        let client = client_for(&server, fast_retries());

        let started = Instant::now();
        let err = client
            .byok()
            .get(KEY_ID)
            .header("X-Trace", "abc\r\nX-Injected: yes")
            .await
            .expect_err("invalid header");

        assert_local(&err, started, &server);
    })
    .await
}

#[tokio::test]
async fn an_invalid_per_call_base_url_is_a_request_error() {
    bounded(async {
        let server = untouched_server().await;
        let client = client_for(&server, fast_retries());

        for base_url in ["not a url", "ftp://127.0.0.1:21/api", "http://[::1"] {
            let started = Instant::now();
            let err = client
                .byok()
                .get(KEY_ID)
                .base_url(base_url)
                .await
                .expect_err(base_url);
            assert_local(&err, started, &server);
        }
    })
    .await
}

#[tokio::test]
async fn client_new_with_a_newline_in_the_key_fails_its_first_call_without_echoing_it() {
    bounded(async {
        let server = untouched_server().await;
        let secret = "sk-or-v1-newline-secret-91f2";
        let client = Client::new(format!("{secret}\nX-Injected: yes"));

        let started = Instant::now();
        let err = client
            .byok()
            .get(KEY_ID)
            .base_url(server.uri())
            .await
            .expect_err("invalid key");

        assert_local(&err, started, &server);
        for text in [err.to_string(), format!("{err:?}")] {
            assert!(
                !text.contains(secret) && !text.contains("X-Injected"),
                "the key leaked: {text}"
            );
        }
    })
    .await
}

// ---------------------------------------------------------------------------
// Redirects and replies that are not HTTP
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_redirect_loop_is_a_redirect_error_and_is_not_retried() {
    bounded(async {
        let server = FaultServer::start(|_, _| {
            Reply::Send(http("302 Found", &[("Location", KEY_PATH)], ""))
        })
        .await;
        let client = Client::builder()
            .api_key(API_KEY)
            .base_url(server.uri())
            .retry_policy(fast_retries())
            .max_redirects(3)
            .build()
            .unwrap();

        let err = client.byok().get(KEY_ID).await.expect_err("loops");

        assert_eq!(transport_kind(&err), TransportErrorKind::Redirect, "{err}");
        assert_eq!(
            server.requests(),
            3 + 1,
            "one attempt: the request and its 3 redirects"
        );
    })
    .await
}

#[tokio::test]
async fn a_reply_that_is_not_http_is_a_protocol_error_and_is_not_retried() {
    bounded(async {
        let server =
            FaultServer::start(|_, _| Reply::Send(b"SSH-2.0-OpenSSH_9.6\r\n\r\n".to_vec())).await;
        let client = client_for(&server, fast_retries());

        let err = client.byok().get(KEY_ID).await.expect_err("not HTTP");

        assert_eq!(transport_kind(&err), TransportErrorKind::Protocol, "{err}");
        assert_eq!(server.requests(), 1);
    })
    .await
}

// ---------------------------------------------------------------------------
// Response bodies beyond the limit
// ---------------------------------------------------------------------------

#[tokio::test]
async fn an_announced_200_mib_body_is_refused_without_reading_it() {
    bounded(async {
        const ANNOUNCED: u64 = 200 * 1024 * 1024;
        // The head promises 200 MiB, then the server goes silent: reading would hang.
        let head = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {ANNOUNCED}\r\n\r\n");
        let server = FaultServer::start(move |_, _| Reply::SendThenStall(head.clone().into_bytes())).await;
        let client = client_for(&server, fast_retries());

        let started = Instant::now();
        let err = client.byok().get(KEY_ID).timeout(Duration::from_secs(3)).await.expect_err("too large");

        assert!(started.elapsed() < Duration::from_millis(500), "took {:?}", started.elapsed());
        let GetByokKeyError::BodyTooLarge(e) = &err else { panic!("expected BodyTooLarge, got {err:?}") };
        assert_eq!(e.content_length, Some(ANNOUNCED));
        assert_eq!(e.limit, 32 * 1024 * 1024, "the default limit");
        assert!(e.prefix.is_empty());
        assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
        assert_eq!(server.requests(), 1);
    })
    .await
}

#[tokio::test]
async fn an_endless_chunked_body_stops_at_the_per_call_limit() {
    bounded(async {
        const LIMIT: u64 = 1024 * 1024;
        const FIRST: &str = "{\"data\":[\"start-of-an-endless-body\"";
        let server = FaultServer::start(|_, _| Reply::EndlessChunked { first: FIRST }).await;
        let client = client_for(&server, fast_retries());

        let started = Instant::now();
        let err = client
            .byok()
            .get(KEY_ID)
            .max_response_body(LIMIT)
            .await
            .expect_err("too large");

        assert!(
            started.elapsed() < Duration::from_millis(1000),
            "took {:?}",
            started.elapsed()
        );
        let GetByokKeyError::BodyTooLarge(e) = &err else {
            panic!("expected BodyTooLarge, got {err:?}")
        };
        assert_eq!(e.limit, LIMIT);
        assert_eq!(e.content_length, None);
        let prefix = err.raw_body().expect("the first bytes are kept");
        assert!(
            prefix.starts_with(FIRST.as_bytes()),
            "{:?}",
            String::from_utf8_lossy(&prefix[..prefix.len().min(80)])
        );
        assert!(
            prefix.len() > FIRST.len() && prefix.len() as u64 <= LIMIT,
            "kept {} bytes",
            prefix.len()
        );
        assert_eq!(server.requests(), 1, "a body too large is not retried");
    })
    .await
}

// ---------------------------------------------------------------------------
// Redirects to another origin
// ---------------------------------------------------------------------------

#[tokio::test]
async fn create_redirected_to_another_origin_sends_nothing_there() {
    bounded(async {
        let elsewhere = untouched_server().await;
        let location = format!("{}/byok", elsewhere.uri());
        let server = FaultServer::start(move |_, _| {
            Reply::Send(http(
                "307 Temporary Redirect",
                &[("Location", &location)],
                "",
            ))
        })
        .await;
        let client = client_for(&server, fast_retries());

        let body = CreateByokKeyRequest::new(ByokProviderSlug::Openai, SecretString::new(RAW_KEY));
        let err = client.byok().create(body).await.expect_err("not followed");

        let CreateByokKeyError::Transport(e) = &err else {
            panic!("expected Transport, got {err:?}")
        };
        assert_eq!(e.kind(), TransportErrorKind::Redirect, "{e}");
        assert_eq!(elsewhere.connections(), 0, "the other origin was contacted");
        assert_eq!(server.requests(), 1);
        // The API itself did get the call, credentials and body included.
        let sent = &server.captured()[0];
        assert_eq!(
            sent.header("authorization"),
            Some(format!("Bearer {API_KEY}").as_str())
        );
        assert!(String::from_utf8_lossy(&sent.body).contains(RAW_KEY));
        assert!(!err.to_string().contains(RAW_KEY) && !err.to_string().contains(API_KEY));
    })
    .await
}

#[tokio::test]
async fn a_get_redirected_to_another_origin_arrives_without_credentials() {
    bounded(async {
        let elsewhere = untouched_server().await;
        let location = format!("{}{KEY_PATH}", elsewhere.uri());
        let server = FaultServer::start(move |_, _| {
            Reply::Send(http(
                "307 Temporary Redirect",
                &[("Location", &location)],
                "",
            ))
        })
        .await;
        let client = Client::builder()
            .api_key(API_KEY)
            .base_url(server.uri())
            .x_title("Faults Test App")
            .retry_policy(fast_retries())
            .build()
            .unwrap();

        let key = client.byok().get(KEY_ID).await.expect("followed");

        assert_eq!(key.data.id, KEY_ID);
        let first = &server.captured()[0];
        assert_eq!(
            first.header("authorization"),
            Some(format!("Bearer {API_KEY}").as_str()),
            "{}",
            first.head
        );
        assert_eq!(first.header("x-title"), Some("Faults Test App"));
        let [second] = &elsewhere.captured()[..] else {
            panic!("expected one request elsewhere")
        };
        assert!(
            second
                .request_line()
                .starts_with(&format!("GET {KEY_PATH} ")),
            "{}",
            second.head
        );
        assert_eq!(
            second.header("authorization"),
            None,
            "credentials followed the redirect:\n{}",
            second.head
        );
        assert!(!second.head.contains(API_KEY), "{}", second.head);
        assert_eq!(
            second.header("x-title"),
            None,
            "an API header followed the redirect"
        );
    })
    .await
}

// ---------------------------------------------------------------------------
// Path parameters
// ---------------------------------------------------------------------------

#[tokio::test]
async fn dot_segments_and_empty_ids_are_refused_before_sending() {
    bounded(async {
        let server = untouched_server().await;
        let client = client_for(&server, fast_retries());

        for id in ["..", ".", ""] {
            let err = client.byok().get(id).await.expect_err(id);
            let GetByokKeyError::Validation(e) = &err else {
                panic!("get({id:?}): expected Validation, got {err:?}")
            };
            assert_eq!(e.field, "id");
        }
        let err = client.byok().delete("..").await.expect_err("..");
        let DeleteByokKeyError::Validation(e) = &err else {
            panic!("delete(\"..\"): expected Validation, got {err:?}")
        };
        assert_eq!(e.field, "id");

        assert_eq!(server.connections(), 0, "something reached the server");
    })
    .await
}

// ---------------------------------------------------------------------------
// Pagination
// ---------------------------------------------------------------------------

/// Up to `cap` ids of the stream, each item required to be `Ok`.
async fn stream_ids(client: &Client, limit: i64, cap: usize) -> Vec<String> {
    client
        .byok()
        .list()
        .limit(limit)
        .into_stream()
        .take(cap)
        .map(|item| item.expect("an item").id)
        .collect()
        .await
}

fn ids(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}-{i}")).collect()
}

/// The page a well-behaved server returns for the request, but at most `cap` items.
fn page_of(all: &[String], request: &Captured, cap: usize) -> Reply {
    let offset = request.query("offset").unwrap_or(0).min(all.len());
    let limit = request.query("limit").unwrap_or(50).min(cap);
    let end = (offset + limit).min(all.len());
    json_reply("200 OK", page(&all[offset..end], all.len()))
}

#[tokio::test]
async fn a_server_repeating_the_same_full_page_does_not_loop_the_stream() {
    bounded(async {
        let same = ids("same", 3);
        let reply = same.clone();
        // Ignores the offset; claims there is much more.
        let server = FaultServer::start(move |_, _| json_reply("200 OK", page(&reply, 100))).await;
        let client = client_for(&server, fast_retries());

        let got = stream_ids(&client, 3, 50).await;

        assert!(server.requests() <= 3, "{} requests", server.requests());
        for id in &same {
            let times = got.iter().filter(|g| *g == id).count();
            assert!(
                (1..=2).contains(&times),
                "{id} yielded {times} times: {got:?}"
            );
        }
    })
    .await
}

#[tokio::test]
async fn a_server_capping_pages_below_the_limit_still_delivers_every_item() {
    bounded(async {
        let all = ids("item", 7);
        let served = all.clone();
        // Asked for 5, it returns at most 2.
        let server = FaultServer::start(move |_, request| page_of(&served, request, 2)).await;
        let client = client_for(&server, fast_retries());

        let got = stream_ids(&client, 5, 50).await;

        assert_eq!(got, all);
        assert!(server.requests() <= 5, "{} requests", server.requests());
    })
    .await
}

#[tokio::test]
async fn reaching_total_count_ends_the_stream() {
    bounded(async {
        let all = ids("item", 4);
        let served = all.clone();
        let server = FaultServer::start(move |_, request| page_of(&served, request, 100)).await;
        let client = client_for(&server, fast_retries());

        let got = stream_ids(&client, 2, 50).await;

        assert_eq!(got, all);
        // Two full pages reach `total_count` 4: no third request for an empty page.
        let offsets: Vec<_> = server
            .captured()
            .iter()
            .map(|r| r.query("offset").unwrap_or(0))
            .collect();
        assert_eq!(offsets, [0, 2]);
    })
    .await
}
