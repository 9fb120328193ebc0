//! What the runtime takes from the API document: the generator writes this file for each API
//! (`emit::client::runtime_api_rs`). Here, what a document that declares no retry policy gets.

use std::time::Duration;

use crate::retry::{RetryPolicy, DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_RETRY_AFTER};

/// The `User-Agent` sent unless the client's builder sets another: the generated crate's name and version.
pub(crate) const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

impl Default for RetryPolicy {
    /// The policy from a conservative default (the API document declares no retry policy): first delay 500 ms, growing ×2 up to 8000 ms, for at most 60000 ms (and never past the call's deadline); at most 3 attempts; retried statuses [Code(503)], 408, 429 and 503; `Retry-After` honoured up to 60 s; connection errors retried.
    fn default() -> Self {
        RetryPolicy {
            initial_interval: Duration::from_millis(500u64),
            max_interval: Duration::from_millis(8000u64),
            exponent: 2f64,
            max_elapsed: Duration::from_millis(60000u64),
            max_attempts: Some(DEFAULT_MAX_ATTEMPTS),
            max_retry_after: DEFAULT_MAX_RETRY_AFTER,
            statuses: vec![(503u16, 503u16), (429u16, 429u16)],
            retry_connection_errors: true,
            retry_non_idempotent: false,
        }
    }
}
