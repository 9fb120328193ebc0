//! When a failed attempt is tried again, and after how long.

use std::time::Duration;

use reqwest::StatusCode;
#[cfg(feature = "operations")]
use reqwest::header::HeaderMap;

use super::errors::{TransportError, TransportErrorKind};

/// The longest `Retry-After` the default policy waits for.
pub const DEFAULT_MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// The number of attempts (the first included) of the default policy.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;

/// When and how often a failed call is tried again. Built from
/// [`RetryPolicy::default`] (the API's policy) or [`RetryPolicy::none`] and
/// the chained setters; its fields are private, so settings added later break
/// no caller.
///
/// Backoff grows exponentially (`initial_interval × exponent^n`, capped at
/// `max_interval`) with ±25% jitter; a `retry-after-ms` or `Retry-After` header
/// (seconds or an HTTP date) replaces the computed delay, up to
/// `max_retry_after`: a server asking for longer gets its error returned at once
/// (the delay is readable on the error). Every wait also ends at the call's
/// deadline (the client's or the call's `timeout`), which no retry can extend.
///
/// Retried: connection failures (for every method: nothing reached the server),
/// 408, 429 and 503 answers (for every method), the policy's statuses and
/// attempts that timed out or lost their connection (for methods that can be
/// repeated safely). A POST or PATCH the server may already have acted on is
/// never repeated unless [`RetryPolicy::retry_non_idempotent`] opts in. Local
/// errors (an invalid header, URL or key), redirect failures and replies that are
/// not HTTP are never retried.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// First delay.
    pub(crate) initial_interval: Duration,
    /// Longest single delay.
    pub(crate) max_interval: Duration,
    /// Growth factor between delays.
    pub(crate) exponent: f64,
    /// Give up when the next attempt would start later than this after the
    /// first (the call's deadline applies as well, whichever comes first).
    pub(crate) max_elapsed: Duration,
    /// Give up after this many attempts in all (`None`: only time limits them).
    pub(crate) max_attempts: Option<u32>,
    /// The longest `Retry-After` honoured; a longer demand ends the call at once.
    pub(crate) max_retry_after: Duration,
    /// Inclusive status ranges that are retried (`(500, 599)` for `5XX`).
    pub(crate) statuses: Vec<(u16, u16)>,
    /// Whether connection failures and timeouts are retried.
    pub(crate) retry_connection_errors: bool,
    /// Whether POST and PATCH are retried even where the server may have acted on them.
    pub(crate) retry_non_idempotent: bool,
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        RetryPolicy {
            initial_interval: Duration::ZERO,
            max_interval: Duration::ZERO,
            exponent: 1.0,
            max_elapsed: Duration::ZERO,
            max_attempts: Some(1),
            max_retry_after: Duration::ZERO,
            statuses: Vec::new(),
            retry_connection_errors: false,
            retry_non_idempotent: false,
        }
    }

    /// Sets the first delay.
    pub fn initial_interval(mut self, delay: Duration) -> Self {
        self.initial_interval = delay;
        self
    }

    /// Sets the longest single delay.
    pub fn max_interval(mut self, delay: Duration) -> Self {
        self.max_interval = delay;
        self
    }

    /// Sets the growth factor between delays.
    pub fn exponent(mut self, exponent: f64) -> Self {
        self.exponent = exponent;
        self
    }

    /// Sets the total time budget for retries.
    pub fn max_elapsed(mut self, budget: Duration) -> Self {
        self.max_elapsed = budget;
        self
    }

    /// Caps the number of attempts (the first one included).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = Some(attempts.max(1));
        self
    }

    /// Sets the longest `Retry-After` honoured (default 60 s).
    pub fn max_retry_after(mut self, delay: Duration) -> Self {
        self.max_retry_after = delay;
        self
    }

    /// Opts POST and PATCH into retries after failures the server may have acted on.
    pub fn retry_non_idempotent(mut self, retry: bool) -> Self {
        self.retry_non_idempotent = retry;
        self
    }

    /// Sets the statuses that are retried, as inclusive ranges (`(500, 599)` for
    /// `5XX`); 408, 429 and 503 are retried in any case.
    pub fn statuses(mut self, ranges: impl IntoIterator<Item = (u16, u16)>) -> Self {
        self.statuses = ranges.into_iter().collect();
        self
    }

    /// Sets whether connection failures and timed-out attempts are retried.
    pub fn retry_connection_errors(mut self, retry: bool) -> Self {
        self.retry_connection_errors = retry;
        self
    }

    fn retries_status(&self, status: StatusCode) -> bool {
        let code = status.as_u16();
        self.statuses.iter().any(|(lo, hi)| (*lo..=*hi).contains(&code))
    }

    /// The delay before attempt `attempt + 1` (attempts count from 1), with jitter.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exponent = i32::try_from(attempt.saturating_sub(1)).unwrap_or(i32::MAX);
        let base = self.initial_interval.as_secs_f64() * self.exponent.powi(exponent);
        let cap = self.max_interval.as_secs_f64();
        let jittered = base.min(cap) * (0.75 + 0.5 * jitter_unit());
        Duration::from_secs_f64(jittered.min(cap).max(0.0))
    }

    /// Whether a response with `status` is worth another attempt of a call
    /// with an `idempotent` method.
    pub fn retries_response(&self, status: StatusCode, idempotent: bool) -> bool {
        if self.max_attempts == Some(1) {
            return false;
        }
        // The server asks the client to come back, so it did not act on the request.
        let always_safe = matches!(status.as_u16(), 408 | 429 | 503);
        let listed = self.retries_status(status) || always_safe;
        listed && (idempotent || always_safe || self.retry_non_idempotent)
    }

    /// Whether a transport failure is worth another attempt.
    pub fn retries_failure(&self, error: &TransportError, idempotent: bool) -> bool {
        if !self.retry_connection_errors || self.max_attempts == Some(1) {
            return false;
        }
        match error.kind() {
            // Nothing reached the server: any method may try again.
            TransportErrorKind::Connect => true,
            // The server may have acted on the request.
            TransportErrorKind::Timeout | TransportErrorKind::Interrupted => idempotent || self.retry_non_idempotent,
            // The same request gets the same answer.
            TransportErrorKind::Redirect | TransportErrorKind::Protocol | TransportErrorKind::Other => false,
        }
    }
}

/// A number in [0, 1) that differs between calls; enough for jitter, not for secrets.
pub fn jitter_unit() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// The delay a response asks for: `retry-after-ms` (milliseconds), else
/// `Retry-After` (delta-seconds or an HTTP date).
#[cfg(feature = "operations")]
pub fn requested_delay(headers: &HeaderMap) -> Option<Duration> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    if let Some(ms) = text("retry-after-ms").and_then(|v| v.parse::<f64>().ok()).filter(|ms| ms.is_finite() && *ms >= 0.0) {
        return Some(Duration::from_secs_f64((ms / 1000.0).min(u32::MAX as f64)));
    }
    let value = text("retry-after")?;
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(std::time::SystemTime::now()).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            initial_interval: Duration::from_millis(100),
            max_interval: Duration::from_millis(1000),
            exponent: 2.0,
            max_elapsed: Duration::from_secs(60),
            max_attempts: Some(5),
            max_retry_after: DEFAULT_MAX_RETRY_AFTER,
            statuses: vec![(500, 599)],
            retry_connection_errors: true,
            retry_non_idempotent: false,
        }
    }

    fn error(kind: TransportErrorKind) -> TransportError {
        TransportError::new("GET /x".into(), kind, "boom")
    }

    #[test]
    fn backoff_grows_with_jitter_and_stops_at_the_cap() {
        let p = policy();
        for _ in 0..50 {
            let first = p.backoff(1).as_secs_f64();
            assert!((0.075..=0.125).contains(&first), "{first}");
            let third = p.backoff(3).as_secs_f64();
            assert!((0.3..=0.5).contains(&third), "{third}");
            assert!(p.backoff(30) <= Duration::from_millis(1000));
            assert!(p.backoff(u32::MAX) <= Duration::from_millis(1000));
        }
    }

    #[test]
    fn statuses_are_retried_only_where_repeating_is_safe() {
        let p = policy();
        assert!(p.retries_response(StatusCode::INTERNAL_SERVER_ERROR, true));
        assert!(!p.retries_response(StatusCode::INTERNAL_SERVER_ERROR, false));
        for always in [408, 429, 503] {
            let status = StatusCode::from_u16(always).unwrap();
            assert!(p.retries_response(status, false), "{always}");
        }
        assert!(!p.retries_response(StatusCode::NOT_FOUND, true));
        assert!(!RetryPolicy::none().retries_response(StatusCode::SERVICE_UNAVAILABLE, true));
        assert!(p.clone().retry_non_idempotent(true).retries_response(StatusCode::BAD_GATEWAY, false));
    }

    #[test]
    fn only_failures_that_can_succeed_next_time_are_retried() {
        let p = policy();
        assert!(p.retries_failure(&error(TransportErrorKind::Connect), false));
        assert!(p.retries_failure(&error(TransportErrorKind::Timeout), true));
        assert!(!p.retries_failure(&error(TransportErrorKind::Timeout), false));
        assert!(p.retries_failure(&error(TransportErrorKind::Interrupted), true));
        for never in [TransportErrorKind::Redirect, TransportErrorKind::Protocol, TransportErrorKind::Other] {
            assert!(!p.retries_failure(&error(never), true), "{never:?}");
        }
        assert!(!RetryPolicy::none().retries_failure(&error(TransportErrorKind::Connect), true));
    }

    #[test]
    fn requested_delay_reads_milliseconds_seconds_and_dates() {
        let headers = |pairs: &[(&'static str, &str)]| {
            let mut h = HeaderMap::new();
            for (n, v) in pairs {
                h.insert(*n, v.parse().unwrap());
            }
            h
        };
        assert_eq!(requested_delay(&headers(&[("retry-after", "3")])), Some(Duration::from_secs(3)));
        assert_eq!(requested_delay(&headers(&[("retry-after-ms", "250"), ("retry-after", "3")])), Some(Duration::from_millis(250)));
        assert_eq!(requested_delay(&headers(&[("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")])), Some(Duration::ZERO));
        let future = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(120));
        let delay = requested_delay(&headers(&[("retry-after", &future)])).unwrap();
        assert!(delay > Duration::from_secs(100) && delay <= Duration::from_secs(120), "{delay:?}");
        assert_eq!(requested_delay(&headers(&[("retry-after", "soon")])), None);
        assert_eq!(requested_delay(&headers(&[("retry-after-ms", "-5")])), None);
        assert_eq!(requested_delay(&HeaderMap::new()), None);
    }
}
