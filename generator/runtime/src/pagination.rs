//! Pagination that always ends: the stop rules behind `into_pages()`.
//!
//! Free of I/O: the generated builder hands in a closure that fetches one page
//! (with the offset or cursor it is given) and closures that read a page (its
//! items, its total count, its next cursor). The result is a boxed stream of
//! pages; the builder's `into_stream()` flattens it into items.
//!
//! Every loop is bounded. Whatever a server answers, a stream fetches at most
//! `max_pages` pages ([`MAX_PAGES`] from generated code), ending with a
//! `tracing` warning when that cap, rather than the data, stopped it. An error
//! is yielded and ends the stream.

use std::future::Future;

use futures_core::stream::BoxStream;
use futures_util::StreamExt;
use serde::Serialize;

/// The most pages one `into_pages()` / `into_stream()` fetches: 10 000. A stream
/// that reaches it ends with a `tracing` warning, even though the server may
/// hold more; page through the rest with the builder's offset or cursor.
pub const MAX_PAGES: usize = 10_000;

/// Offset/limit pages: the first request is at `start` (the builder's offset, or
/// 0) and each next one at the previous offset plus the items received.
///
/// `fetch(offset)` sends one request; `items(&page)` is the page's results;
/// `total(&page)` is the total-count field the response carries, if any
/// (`None` when the response has none). `label` (`GET /things`) names the
/// operation in warnings. The stream ends:
///
/// - on an empty page (yielded only when it is the first, so that a caller
///   sees the response of an empty listing);
/// - on a page whose items repeat the previous page's exactly (a server that
///   ignores the offset); the repeat is not yielded;
/// - after a page that does not move the offset forward;
/// - after a page that brings the offset to `total` or past it;
/// - after a page shorter than the server's page size, taken to be the longest
///   page seen so far (not the requested `limit`, which a server may cap: so a
///   first page shorter than `limit` is followed by one more request, which
///   normally comes back empty);
/// - after `max_pages` pages (at least one), with a warning;
/// - after an error, which is yielded.
#[cfg(feature = "pagination")]
pub fn offset_pages<P, T, E, F, Fut, I, C>(
    label: &'static str,
    max_pages: usize,
    start: i64,
    fetch: F,
    items: I,
    total: C,
) -> BoxStream<'static, Result<P, E>>
where
    P: Send + 'static,
    T: Serialize + 'static,
    E: Send + 'static,
    F: FnMut(i64) -> Fut + Send + 'static,
    Fut: Future<Output = Result<P, E>> + Send + 'static,
    I: Fn(&P) -> &[T] + Send + 'static,
    C: Fn(&P) -> Option<i64> + Send + 'static,
{
    let state = OffsetState { label, max_pages, fetch, items, total, offset: start, fetched: 0, longest: 0, previous: None };
    futures_util::stream::unfold(Some(state), |state| async move {
        let mut s = state?;
        let result = (s.fetch)(s.offset).await;
        s.fetched += 1;
        let page = match result {
            Ok(page) => page,
            Err(e) => return Some((Err(e), None)),
        };
        let (received, fingerprint) = {
            let items = (s.items)(&page);
            (items.len(), fingerprint(items))
        };
        if received == 0 {
            tracing::debug!(operation = s.label, pages = s.fetched, "pagination: empty page, the listing is complete");
            return (s.fetched == 1).then_some((Ok(page), None));
        }
        if fingerprint.is_some() && fingerprint == s.previous {
            tracing::warn!(
                operation = s.label,
                offset = s.offset,
                pages = s.fetched,
                "pagination: the server sent the previous page again (does it ignore the offset?); stopping"
            );
            return None;
        }
        s.previous = fingerprint;
        let next = s.offset.saturating_add(i64::try_from(received).unwrap_or(i64::MAX));
        let total = (s.total)(&page);
        // The total is reached, or the page is short of the server's page size.
        let last = total.is_some_and(|total| next >= total) || received < s.longest;
        let more = if next <= s.offset {
            tracing::warn!(operation = s.label, offset = s.offset, "pagination: the offset cannot advance; stopping");
            false
        } else if last {
            false
        } else if s.fetched >= s.max_pages {
            tracing::warn!(
                operation = s.label,
                pages = s.fetched,
                offset = next,
                "pagination: stopped at the page cap; the server may hold more"
            );
            false
        } else {
            true
        };
        s.longest = s.longest.max(received);
        s.offset = next;
        Some((Ok(page), more.then_some(s)))
    })
    .boxed()
}

/// Where an offset/limit stream stands between pages.
#[cfg(feature = "pagination")]
struct OffsetState<F, I, C> {
    label: &'static str,
    max_pages: usize,
    fetch: F,
    items: I,
    total: C,
    /// The offset of the next request.
    offset: i64,
    /// Requests sent so far.
    fetched: usize,
    /// The longest page so far: the server's page size, as far as is known.
    longest: usize,
    /// Fingerprint of the previous page's items.
    previous: Option<u64>,
}

/// Cursor pages: the first request carries `first` (the builder's cursor, or
/// none) and each next one the cursor the previous response named.
///
/// `fetch(cursor)` sends one request; `items(&page)` is the page's results;
/// `next_cursor(&page)` reads the response's next-cursor field (`None` when it
/// is absent or null). `label` (`GET /things`) names the operation in warnings.
/// The stream ends:
///
/// - after a page whose next cursor is absent, null or empty;
/// - after a page whose next cursor was already used (a cycle), with a warning;
/// - on a non-empty page whose items repeat the previous page's exactly (a
///   server that ignores the cursor); the repeat is not yielded;
/// - after `max_pages` pages (at least one), with a warning; the set of cursors
///   seen is bounded by the same cap;
/// - after an error, which is yielded.
///
/// Empty pages do not end the stream by themselves: a server may return an
/// empty page with a cursor to continue from.
#[cfg(feature = "cursor-pagination")]
pub fn cursor_pages<P, T, E, F, Fut, I, N>(
    label: &'static str,
    max_pages: usize,
    first: Option<String>,
    fetch: F,
    items: I,
    next_cursor: N,
) -> BoxStream<'static, Result<P, E>>
where
    P: Send + 'static,
    T: Serialize + 'static,
    E: Send + 'static,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<P, E>> + Send + 'static,
    I: Fn(&P) -> &[T] + Send + 'static,
    N: Fn(&P) -> Option<&str> + Send + 'static,
{
    let seen = first.iter().cloned().collect();
    let state = CursorState { label, max_pages, fetch, items, next_cursor, cursor: first, seen, fetched: 0, previous: None };
    futures_util::stream::unfold(Some(state), |state| async move {
        let mut s = state?;
        let result = (s.fetch)(s.cursor.clone()).await;
        s.fetched += 1;
        let page = match result {
            Ok(page) => page,
            Err(e) => return Some((Err(e), None)),
        };
        let (received, fingerprint) = {
            let items = (s.items)(&page);
            (items.len(), fingerprint(items))
        };
        if received > 0 && fingerprint.is_some() && fingerprint == s.previous {
            tracing::warn!(
                operation = s.label,
                pages = s.fetched,
                "pagination: the server sent the previous page again (does it ignore the cursor?); stopping"
            );
            return None;
        }
        s.previous = fingerprint;
        let next = (s.next_cursor)(&page).filter(|c| !c.is_empty()).map(str::to_owned);
        let more = match next {
            None => false,
            Some(next) if s.seen.contains(&next) => {
                tracing::warn!(operation = s.label, cursor = %next, "pagination: the server named a cursor already used; stopping");
                false
            }
            Some(_) if s.fetched >= s.max_pages => {
                tracing::warn!(operation = s.label, pages = s.fetched, "pagination: stopped at the page cap; the server may hold more");
                false
            }
            Some(next) => {
                s.seen.insert(next.clone());
                s.cursor = Some(next);
                true
            }
        };
        Some((Ok(page), more.then_some(s)))
    })
    .boxed()
}

/// Where a cursor stream stands between pages.
#[cfg(feature = "cursor-pagination")]
struct CursorState<F, I, N> {
    label: &'static str,
    max_pages: usize,
    fetch: F,
    items: I,
    next_cursor: N,
    /// The cursor of the next request.
    cursor: Option<String>,
    /// Every cursor sent so far (at most `max_pages`).
    seen: std::collections::HashSet<String>,
    /// Requests sent so far.
    fetched: usize,
    /// Fingerprint of the previous page's items.
    previous: Option<u64>,
}

/// A hash of the items' JSON: equal items give equal fingerprints. `None` when
/// they do not serialise (then no page counts as a repeat).
fn fingerprint<T: Serialize>(items: &[T]) -> Option<u64> {
    use std::hash::Hasher;

    /// Feeds serialised bytes straight into a hasher, without a buffer.
    struct HashWriter(std::hash::DefaultHasher);

    impl std::io::Write for HashWriter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.write(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    let mut writer = HashWriter(std::hash::DefaultHasher::new());
    serde_json::to_writer(&mut writer, items).ok()?;
    Some(writer.0.finish())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use futures::StreamExt;
    use futures::executor::block_on;
    use serde::Serialize;

    use super::*;

    /// A page as a generated response struct holds it.
    #[derive(Debug, Clone, PartialEq, Serialize)]
    struct Page {
        data: Vec<u32>,
        total_count: Option<i64>,
        cursor: Option<String>,
    }

    fn page(data: impl IntoIterator<Item = u32>) -> Page {
        Page { data: data.into_iter().collect(), total_count: None, cursor: None }
    }

    /// A fake server over a fixed list of answers: the n-th request gets the
    /// n-th answer (the last one again once the list runs out). Counts requests
    /// and records what each asked for.
    #[derive(Clone)]
    struct Fake<K> {
        answers: Arc<Vec<Result<Page, String>>>,
        calls: Arc<AtomicUsize>,
        asked: Arc<std::sync::Mutex<Vec<K>>>,
    }

    impl<K: Clone + Send + 'static> Fake<K> {
        fn new(answers: Vec<Result<Page, String>>) -> Self {
            Fake { answers: Arc::new(answers), calls: Arc::default(), asked: Arc::default() }
        }

        fn fetch(&self) -> impl FnMut(K) -> std::future::Ready<Result<Page, String>> + Send + 'static {
            let fake = self.clone();
            move |key| {
                let n = fake.calls.fetch_add(1, Ordering::SeqCst);
                fake.asked.lock().unwrap().push(key);
                std::future::ready(fake.answers[n.min(fake.answers.len() - 1)].clone())
            }
        }

        fn calls(&self) -> usize {
            self.calls.load(Ordering::SeqCst)
        }

        fn asked(&self) -> Vec<K> {
            self.asked.lock().unwrap().clone()
        }
    }

    fn collect(stream: BoxStream<'static, Result<Page, String>>) -> Vec<Result<Page, String>> {
        block_on(stream.collect())
    }

    #[cfg(feature = "pagination")]
    fn offset_stream(fake: &Fake<i64>, start: i64, max_pages: usize) -> BoxStream<'static, Result<Page, String>> {
        offset_pages("GET /things", max_pages, start, fake.fetch(), |p: &Page| p.data.as_slice(), |p: &Page| p.total_count)
    }

    fn items(pages: &[Result<Page, String>]) -> Vec<u32> {
        pages.iter().flat_map(|p| p.as_ref().unwrap().data.clone()).collect()
    }

    #[cfg(feature = "pagination")]
    #[test]
    fn a_server_repeating_the_same_full_page_is_left_after_one_repeat() {
        let fake = Fake::new(vec![Ok(page(0..10))]);
        let pages = collect(offset_stream(&fake, 0, MAX_PAGES));
        assert_eq!(items(&pages), (0..10).collect::<Vec<_>>());
        assert_eq!(fake.calls(), 2);
        assert_eq!(fake.asked(), [0, 10]);
    }

    #[cfg(feature = "pagination")]
    #[test]
    fn the_total_count_ends_the_stream_without_an_extra_request() {
        let with_total = |p: Page| Page { total_count: Some(25), ..p };
        let fake = Fake::new(vec![Ok(with_total(page(0..10))), Ok(with_total(page(10..20))), Ok(with_total(page(20..25)))]);
        let pages = collect(offset_stream(&fake, 0, MAX_PAGES));
        assert_eq!(items(&pages), (0..25).collect::<Vec<_>>());
        assert_eq!(fake.calls(), 3);
        assert_eq!(fake.asked(), [0, 10, 20]);

        // A total reached exactly by a full page: no request for the empty page after it.
        let fake = Fake::new(vec![Ok(with_total(page(0..10))), Ok(with_total(page(10..20))), Ok(page([]))]);
        let pages = collect(offset_stream(&fake, 5, MAX_PAGES));
        assert_eq!(pages.len(), 2);
        assert_eq!(fake.calls(), 2);
        assert_eq!(fake.asked(), [5, 15]);
    }

    #[cfg(feature = "pagination")]
    #[test]
    fn a_server_capping_its_page_size_below_the_limit_delivers_every_item() {
        // Asked for 50, the server sends 25 at a time.
        let fake = Fake::new(vec![Ok(page(0..25)), Ok(page(25..50)), Ok(page(50..60)), Ok(page(60..70))]);
        let pages = collect(offset_stream(&fake, 0, MAX_PAGES));
        assert_eq!(items(&pages), (0..60).collect::<Vec<_>>());
        assert_eq!(fake.asked(), [0, 25, 50]);
    }

    #[cfg(feature = "pagination")]
    #[test]
    fn a_short_first_page_is_followed_by_one_request_that_ends_on_an_empty_page() {
        let fake = Fake::new(vec![Ok(page(0..7)), Ok(page([]))]);
        let pages = collect(offset_stream(&fake, 0, MAX_PAGES));
        assert_eq!(pages.len(), 1, "the empty last page is not yielded");
        assert_eq!(items(&pages), (0..7).collect::<Vec<_>>());
        assert_eq!(fake.asked(), [0, 7]);
    }

    #[cfg(feature = "pagination")]
    #[test]
    fn an_empty_first_page_is_yielded_and_ends_the_stream() {
        let fake = Fake::new(vec![Ok(page([])), Ok(page(0..10))]);
        let pages = collect(offset_stream(&fake, 0, MAX_PAGES));
        assert_eq!(pages, [Ok(page([]))]);
        assert_eq!(fake.calls(), 1);
    }

    #[cfg(feature = "pagination")]
    #[test]
    fn a_page_shorter_than_the_longest_so_far_is_the_last() {
        let fake = Fake::new(vec![Ok(page(0..10)), Ok(page(10..20)), Ok(page(20..23)), Ok(page(23..30))]);
        let pages = collect(offset_stream(&fake, 0, MAX_PAGES));
        assert_eq!(items(&pages), (0..23).collect::<Vec<_>>());
        assert_eq!(fake.calls(), 3);
    }

    #[cfg(feature = "pagination")]
    #[test]
    fn an_error_mid_stream_is_yielded_and_ends_it() {
        let fake = Fake::new(vec![Ok(page(0..10)), Err("boom".into()), Ok(page(10..20))]);
        let pages = collect(offset_stream(&fake, 0, MAX_PAGES));
        assert_eq!(pages, [Ok(page(0..10)), Err("boom".to_string())]);
        assert_eq!(fake.calls(), 2);

        let fake = Fake::new(vec![Err("down".into())]);
        assert_eq!(collect(offset_stream(&fake, 0, MAX_PAGES)), [Err("down".to_string())]);
        assert_eq!(fake.calls(), 1);
    }

    #[cfg(feature = "pagination")]
    #[test]
    fn the_page_cap_bounds_a_server_that_never_stops() {
        // Always a full page of new items: only the cap ends it.
        let answers = (0..100).map(|n| Ok(page(n * 10..n * 10 + 10))).collect();
        let fake = Fake::new(answers);
        let pages = collect(offset_stream(&fake, 0, 5));
        assert_eq!(pages.len(), 5);
        assert_eq!(fake.calls(), 5);

        // A cap of 0 still fetches the first page.
        let fake = Fake::new(vec![Ok(page(0..10))]);
        assert_eq!(collect(offset_stream(&fake, 0, 0)).len(), 1);
        assert_eq!(fake.calls(), 1);
    }

    #[cfg(feature = "pagination")]
    #[test]
    fn an_offset_that_cannot_advance_ends_the_stream() {
        let fake = Fake::new(vec![Ok(page(0..10)), Ok(page(10..20))]);
        let pages = collect(offset_stream(&fake, i64::MAX - 3, MAX_PAGES));
        assert_eq!(pages.len(), 2, "the page that reaches i64::MAX is yielded, then nothing moves");
        assert_eq!(fake.asked(), [i64::MAX - 3, i64::MAX]);
    }

    #[cfg(feature = "pagination")]
    #[tokio::test(flavor = "multi_thread")]
    async fn the_stream_is_send_and_runs_on_tokio() {
        let fake = Fake::new(vec![Ok(page(0..3)), Ok(page([]))]);
        let stream = offset_stream(&fake, 0, MAX_PAGES);
        let pages = tokio::spawn(stream.collect::<Vec<_>>()).await.unwrap();
        assert_eq!(items(&pages), [0, 1, 2]);
    }

    #[cfg(feature = "cursor-pagination")]
    fn cursor_page(data: impl IntoIterator<Item = u32>, cursor: Option<&str>) -> Page {
        Page { cursor: cursor.map(str::to_string), ..page(data) }
    }

    #[cfg(feature = "cursor-pagination")]
    fn cursor_stream(fake: &Fake<Option<String>>, first: Option<&str>, max_pages: usize) -> BoxStream<'static, Result<Page, String>> {
        cursor_pages("GET /things", max_pages, first.map(str::to_string), fake.fetch(), |p: &Page| p.data.as_slice(), |p: &Page| {
            p.cursor.as_deref()
        })
    }

    #[cfg(feature = "cursor-pagination")]
    fn some(cursor: &str) -> Option<String> {
        Some(cursor.to_string())
    }

    #[cfg(feature = "cursor-pagination")]
    #[test]
    fn cursor_pages_follow_the_next_cursor_until_it_is_absent() {
        let fake = Fake::new(vec![Ok(cursor_page(0..2, Some("a"))), Ok(cursor_page(2..4, Some("b"))), Ok(cursor_page(4..5, None))]);
        let pages = collect(cursor_stream(&fake, None, MAX_PAGES));
        assert_eq!(items(&pages), (0..5).collect::<Vec<_>>());
        assert_eq!(fake.asked(), [None, some("a"), some("b")]);
    }

    #[cfg(feature = "cursor-pagination")]
    #[test]
    fn a_null_or_empty_cursor_ends_the_stream() {
        // A JSON null decodes to `None`, like an absent field.
        let decoded: Option<String> = serde_json::from_str("null").unwrap();
        let fake = Fake::new(vec![Ok(Page { cursor: decoded, ..page(0..2) }), Ok(cursor_page(2..4, Some("x")))]);
        assert_eq!(collect(cursor_stream(&fake, None, MAX_PAGES)).len(), 1);
        assert_eq!(fake.calls(), 1);

        let fake = Fake::new(vec![Ok(cursor_page(0..2, Some(""))), Ok(cursor_page(2..4, Some("x")))]);
        assert_eq!(collect(cursor_stream(&fake, Some("start"), MAX_PAGES)).len(), 1);
        assert_eq!(fake.asked(), [some("start")]);
    }

    #[cfg(feature = "cursor-pagination")]
    #[test]
    fn a_repeated_cursor_ends_the_stream() {
        // a → b → a: the second `a` is a cycle.
        let fake = Fake::new(vec![Ok(cursor_page(0..2, Some("a"))), Ok(cursor_page(2..4, Some("b"))), Ok(cursor_page(4..6, Some("a")))]);
        let pages = collect(cursor_stream(&fake, None, MAX_PAGES));
        assert_eq!(items(&pages), (0..6).collect::<Vec<_>>());
        assert_eq!(fake.calls(), 3);

        // The caller's own starting cursor counts as used.
        let fake = Fake::new(vec![Ok(cursor_page(0..2, Some("start")))]);
        assert_eq!(collect(cursor_stream(&fake, Some("start"), MAX_PAGES)).len(), 1);
        assert_eq!(fake.calls(), 1);
    }

    #[cfg(feature = "cursor-pagination")]
    #[test]
    fn a_server_ignoring_the_cursor_is_left_after_one_repeat() {
        // The same page, always naming a fresh cursor: the repeat is caught by its items.
        let fake = Fake::new(vec![Ok(cursor_page(0..3, Some("a"))), Ok(cursor_page(0..3, Some("b"))), Ok(cursor_page(0..3, Some("c")))]);
        let pages = collect(cursor_stream(&fake, None, MAX_PAGES));
        assert_eq!(items(&pages), [0, 1, 2]);
        assert_eq!(fake.calls(), 2);
    }

    #[cfg(feature = "cursor-pagination")]
    #[test]
    fn empty_cursor_pages_do_not_end_the_stream_while_a_cursor_follows() {
        let fake = Fake::new(vec![Ok(cursor_page([], Some("a"))), Ok(cursor_page([], Some("b"))), Ok(cursor_page(0..2, None))]);
        let pages = collect(cursor_stream(&fake, None, MAX_PAGES));
        assert_eq!(pages.len(), 3);
        assert_eq!(items(&pages), [0, 1]);
    }

    #[cfg(feature = "cursor-pagination")]
    #[test]
    fn cursor_errors_are_yielded_and_end_the_stream() {
        let fake = Fake::new(vec![Ok(cursor_page(0..2, Some("a"))), Err("boom".into()), Ok(cursor_page(2..4, None))]);
        let pages = collect(cursor_stream(&fake, None, MAX_PAGES));
        assert_eq!(pages, [Ok(cursor_page(0..2, Some("a"))), Err("boom".to_string())]);
        assert_eq!(fake.calls(), 2);
    }

    #[cfg(feature = "cursor-pagination")]
    #[test]
    fn the_page_cap_bounds_an_endless_cursor_chain() {
        let answers = (0..100u32).map(|n| Ok(cursor_page([n], Some(&format!("c{n}"))))).collect();
        let fake = Fake::new(answers);
        let pages = collect(cursor_stream(&fake, None, 4));
        assert_eq!(items(&pages), [0, 1, 2, 3]);
        assert_eq!(fake.calls(), 4);
    }

    #[test]
    fn fingerprints_tell_items_apart() {
        assert_eq!(fingerprint(&[1, 2, 3]), fingerprint(&[1, 2, 3]));
        assert_ne!(fingerprint(&[1, 2, 3]), fingerprint(&[1, 2, 4]));
        assert_ne!(fingerprint(&["ab", "c"]), fingerprint(&["a", "bc"]));
    }
}
