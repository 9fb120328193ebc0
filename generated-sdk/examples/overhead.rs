//! SDK overhead benchmark (run by `cargo xtask bench`, release build): the
//! generated client's call against a hand-written minimal reqwest call doing the
//! same request and decode, both against one loopback server answering canned
//! JSON. Prints per-call medians and the ratio.

use std::time::{Duration, Instant};

use openrouter_byok::models::{ByokProviderSlug, CreateByokKeyRequest, CreateByokKeyResponse, ListByokKeysResponse};
use openrouter_byok::{Client, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const ROUNDS: usize = 15;
const CALLS_PER_ROUND: usize = 200;

fn key_json(i: usize) -> serde_json::Value {
    serde_json::json!({
        "id": format!("11111111-2222-3333-4444-{i:012}"),
        "provider": "openai",
        "workspace_id": "550e8400-e29b-41d4-a716-446655440000",
        "name": format!("Key {i}"),
        "label": "sk-...AbCd",
        "disabled": false,
        "is_fallback": false,
        "allowed_models": null,
        "allowed_api_key_hashes": null,
        "allowed_user_ids": null,
        "sort_order": i,
        "created_at": "2025-08-24T10:30:00Z"
    })
}

/// A keep-alive HTTP/1.1 server that answers GET with `list` and anything else with `create`.
async fn serve(listener: TcpListener, list: Vec<u8>, create: Vec<u8>) {
    loop {
        let Ok((mut socket, _)) = listener.accept().await else { return };
        // Without this, Nagle's algorithm and delayed ACKs add ~40 ms per call.
        let _ = socket.set_nodelay(true);
        let (list, create) = (list.clone(), create.clone());
        tokio::spawn(async move {
            let mut buffer = Vec::with_capacity(4096);
            let mut chunk = [0u8; 4096];
            loop {
                // Read one request: headers, then Content-Length bytes of body.
                let header_end = loop {
                    if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                        break end + 4;
                    }
                    match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                    }
                };
                let head = String::from_utf8_lossy(&buffer[..header_end]).to_ascii_lowercase();
                let length = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0)))
                    .unwrap_or(0);
                while buffer.len() < header_end + length {
                    match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                    }
                }
                let body = if head.starts_with("get") { &list } else { &create };
                buffer.drain(..header_end + length);
                let status = if head.starts_with("get") { "200 OK" } else { "201 Created" };
                let mut response = format!("HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n", body.len()).into_bytes();
                response.extend_from_slice(body);
                if socket.write_all(&response).await.is_err() {
                    return;
                }
            }
        });
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// Times `CALLS_PER_ROUND` sequential calls of `f`; returns the mean per call.
async fn round<F, Fut>(mut f: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let start = Instant::now();
    for _ in 0..CALLS_PER_ROUND {
        f().await;
    }
    start.elapsed() / CALLS_PER_ROUND as u32
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let list = serde_json::to_vec(&serde_json::json!({ "data": (0..100).map(key_json).collect::<Vec<_>>(), "total_count": 100 })).unwrap();
    let create = serde_json::to_vec(&serde_json::json!({ "data": key_json(1) })).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("loopback port");
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(serve(listener, list.clone(), create.clone()));

    let sdk = Client::builder().api_key("sk-or-bench").base_url(&base).retry_policy(RetryPolicy::none()).build().unwrap();
    let raw = reqwest::Client::new();
    let body = CreateByokKeyRequest::new(ByokProviderSlug::Openai, "sk-proj-bench".into());

    let list_sdk = || async {
        let page = sdk.byok().list().send().await.unwrap();
        assert_eq!(page.data.len(), 100);
    };
    let list_raw = || async {
        let response = raw.get(format!("{base}/byok")).bearer_auth("sk-or-bench").send().await.unwrap();
        let bytes = response.bytes().await.unwrap();
        let page: ListByokKeysResponse = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(page.data.len(), 100);
    };
    let create_sdk = || async {
        let created = sdk.byok().create(body.clone()).send().await.unwrap();
        assert_eq!(created.data.sort_order, 1);
    };
    let create_raw = || async {
        // The same work as the SDK's call: an owned body, serialised per call.
        let owned = body.clone();
        let raw_body = serde_json::to_vec(&owned).unwrap();
        let response = raw
            .post(format!("{base}/byok"))
            .bearer_auth("sk-or-bench")
            .header("content-type", "application/json")
            .body(raw_body)
            .send()
            .await
            .unwrap();
        let bytes = response.bytes().await.unwrap();
        let created: CreateByokKeyResponse = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(created.data.sort_order, 1);
    };

    // Warm up connections and allocators, then alternate rounds so drift hits both sides.
    round(list_sdk).await;
    round(list_raw).await;
    let (mut ls, mut lr, mut cs, mut cr) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        ls.push(round(list_sdk).await);
        lr.push(round(list_raw).await);
        cs.push(round(create_sdk).await);
        cr.push(round(create_raw).await);
    }
    for (name, sdk, raw) in [("list (100 items)", median(ls), median(lr)), ("create", median(cs), median(cr))] {
        println!(
            "{name:<17} generated client {:>8.1} µs/call   raw reqwest {:>8.1} µs/call   ratio {:.3}",
            sdk.as_secs_f64() * 1e6,
            raw.as_secs_f64() * 1e6,
            sdk.as_secs_f64() / raw.as_secs_f64()
        );
    }
}
