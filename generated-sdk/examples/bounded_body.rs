//! Peak memory of a call whose server never stops sending the body: the client
//! reads at most its body limit (32 MiB by default) and fails with
//! `BodyTooLarge`, so the process grows by about the limit, not without bound.
//! Run by `cargo xtask bench`; prints one line per limit.

use std::time::{Duration, Instant};

use openrouter_byok::Client;
use openrouter_byok::byok::GetByokKeyError;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The process's peak resident set size so far (`VmHWM`), in bytes; Linux only.
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// A loopback server that answers every request with a chunked body that never ends.
async fn endless_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut head = [0u8; 4096];
                let _ = socket.read(&mut head).await;
                let start = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
                if socket.write_all(start).await.is_err() {
                    return;
                }
                let chunk = [b'x'; 64 * 1024];
                let framed = [format!("{:x}\r\n", chunk.len()).into_bytes(), chunk.to_vec(), b"\r\n".to_vec()].concat();
                while socket.write_all(&framed).await.is_ok() {}
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::main]
async fn main() {
    let base_url = endless_server().await;
    for limit in [Some(4 * 1024 * 1024), None] {
        let mut builder = Client::builder().api_key("bench").base_url(&base_url).timeout(Duration::from_secs(60));
        if let Some(limit) = limit {
            builder = builder.max_response_body(limit);
        }
        let client = builder.build().expect("client");
        let before = peak_rss();
        let started = Instant::now();
        let outcome = client.byok().get("11111111-2222-3333-4444-555555555555").await;
        let grown = peak_rss().saturating_sub(before);
        let result = match outcome {
            Err(GetByokKeyError::BodyTooLarge(e)) => format!("BodyTooLarge at {} bytes", e.limit),
            other => format!("unexpected: {other:?}"),
        };
        let limit_text = limit.map_or("default (32 MiB)".to_string(), |l| format!("{} MiB", l / (1024 * 1024)));
        println!(
            "endless body, limit {limit_text}: {result} after {:.0} ms; peak memory grew by {:.1} MiB",
            started.elapsed().as_secs_f64() * 1e3,
            grown as f64 / (1024.0 * 1024.0)
        );
    }
}
