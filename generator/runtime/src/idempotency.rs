//! Idempotency keys: an operation that declares an `Idempotency-Key` header
//! gets a fresh key per call unless the caller gives one. The key is part of
//! the request, so every retry of the call sends the same one, and a request
//! that carries one is retried like an idempotent method (`call.rs`).

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

/// Keys made by this process so far; part of every key's input, so that no two are alike.
static MADE: AtomicU64 = AtomicU64::new(0);

/// A fresh random UUID (version 4, RFC 9562), such as
/// `0f8fad5b-d9cb-469f-a165-70867728950e`.
///
/// The randomness is std's hash seed (drawn from the operating system once
/// per thread) mixed with a process-wide counter, the clock and the process
/// id: unique keys without another dependency. A key names a request; it is
/// not a secret.
pub fn new_key() -> String {
    let made = MADE.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let half = |part: u8| {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u8(part);
        hasher.write_u64(made);
        hasher.write_u128(nanos);
        hasher.write_u32(std::process::id());
        hasher.finish()
    };
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&half(0).to_be_bytes());
    bytes[8..].copy_from_slice(&half(1).to_be_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 9562 variant
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

#[cfg(test)]
mod tests {
    use super::new_key;

    #[test]
    fn keys_are_version_4_uuids_and_never_repeat() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..10_000 {
            let key = new_key();
            assert_eq!(key.len(), 36, "{key}");
            let groups: Vec<&str> = key.split('-').collect();
            assert_eq!(groups.iter().map(|g| g.len()).collect::<Vec<_>>(), [8, 4, 4, 4, 12], "{key}");
            assert!(key.chars().all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase()), "{key}");
            assert!(groups[2].starts_with('4'), "version nibble: {key}");
            assert!(matches!(groups[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'), "variant: {key}");
            assert!(seen.insert(key.clone()), "repeated key {key}");
        }
        // Keys made on other threads differ too.
        let others: Vec<String> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4).map(|_| s.spawn(new_key)).collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for key in others {
            assert!(seen.insert(key.clone()), "repeated key {key}");
        }
    }
}
