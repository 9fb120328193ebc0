//! `text/event-stream` responses (server-sent events), decoded event by event.
//!
//! [`EventParser`] turns bytes into events as the HTML standard's event-stream
//! interpretation does (CR, LF and CRLF line endings, a leading BOM ignored,
//! `data` lines joined with LF, one space after the colon stripped), scanning
//! each byte once however the bytes are split into chunks, and holding at most
//! one event of at most the body limit. [`EventStream`] feeds it the response
//! body and decodes each event into the operation's type.
//!
//! Where this differs from a browser's `EventSource`: an event's bytes must be
//! UTF-8 (else an [`EventStreamError::InvalidUtf8`] item, not replacement
//! characters); an event with an `event` type but no `data` is still delivered;
//! a final event without its blank line is delivered when the stream ends; and
//! `id` is the event's own `id` field, not the last one seen.

use std::fmt;

use bytes::Bytes;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use super::errors::{DecodeError, TransportError};
use super::response::RawResponse;

impl RawResponse {
    /// A success response read as server-sent events, each decoded into `T`.
    /// `envelope`: `T` describes the whole event (`data`, `event`, `id`,
    /// `retry`); otherwise `T` is the JSON in `data`. An event whose data is
    /// `sentinel` (`[DONE]`) ends the stream. `label` (`METHOD /path/template`)
    /// names the call in transport errors. One event (or line) larger than
    /// `max_body_bytes` ends the stream with [`EventStreamError::TooLarge`].
    pub fn events<T: DeserializeOwned + Send + 'static>(
        self,
        envelope: bool,
        sentinel: Option<&'static str>,
        label: String,
    ) -> EventStream<T> {
        EventStream::new(
            self.status,
            self.body,
            self.unread,
            envelope,
            sentinel,
            label,
            self.max_body_bytes,
        )
    }
}

/// A `text/event-stream` response, decoded event by event. Unpin, so
/// `futures::StreamExt::next` works on it directly; fused, so it keeps
/// answering `None` once it has ended.
///
/// An item that is an error of kind [`EventStreamError::Decode`] or
/// [`EventStreamError::InvalidUtf8`] concerns one event and the stream goes on;
/// after [`EventStreamError::Transport`] or [`EventStreamError::TooLarge`] it ends.
///
/// The call's deadline covers the request until the response headers arrive;
/// a stream may rightly last longer, so bound the reading yourself where it
/// matters (for example with `tokio::time::timeout`). Each event is bounded in
/// size by the call's body limit.
pub struct EventStream<T> {
    inner: futures_core::stream::BoxStream<'static, Result<T, EventStreamError>>,
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EventStream")
    }
}

impl<T> futures_core::Stream for EventStream<T> {
    type Item = Result<T, EventStreamError>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

/// What went wrong with an event stream, or with one of its events.
#[derive(Debug)]
#[non_exhaustive]
pub enum EventStreamError {
    /// The connection failed while events were arriving; the stream ends.
    Transport(TransportError),
    /// An event's data does not match its declared type; the stream goes on.
    /// `raw` holds the event's data (or, for an event decoded whole, the event
    /// as JSON).
    Decode(DecodeError),
    /// An event's data, type or id is not UTF-8; the stream goes on.
    InvalidUtf8 {
        /// The field's bytes as received.
        raw: Bytes,
    },
    /// One event, or one line, grew past the body limit of the call; the stream
    /// ends (so a server cannot make the client buffer without bound).
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
}

impl fmt::Display for EventStreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventStreamError::Transport(e) => write!(f, "event stream interrupted: {e}"),
            EventStreamError::Decode(e) => write!(f, "event stream: {e}"),
            EventStreamError::InvalidUtf8 { raw } => {
                write!(f, "event stream: an event is not UTF-8 text ({} bytes)", raw.len())
            }
            EventStreamError::TooLarge { limit } => {
                write!(f, "event stream: an event exceeds the limit of {limit} bytes")
            }
        }
    }
}

impl std::error::Error for EventStreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EventStreamError::Transport(e) => Some(e),
            EventStreamError::Decode(e) => Some(e),
            EventStreamError::InvalidUtf8 { .. } | EventStreamError::TooLarge { .. } => None,
        }
    }
}

/// The state of a stream between two events.
struct Reader {
    parser: EventParser,
    /// The body still arriving; `None` once it has ended.
    response: Option<reqwest::Response>,
    label: String,
}

impl<T: DeserializeOwned + Send + 'static> EventStream<T> {
    /// Events from `body` (bytes already read), then from `response` (the rest
    /// of the body, as it arrives), each event at most `max_event_bytes`.
    fn new(
        status: StatusCode,
        body: Bytes,
        response: Option<reqwest::Response>,
        envelope: bool,
        sentinel: Option<&'static str>,
        label: String,
        max_event_bytes: u64,
    ) -> Self {
        use futures_util::StreamExt;
        let mut parser = EventParser::new(max_event_bytes);
        parser.push(&body);
        if response.is_none() {
            parser.finish();
        }
        let reader = Reader {
            parser,
            response,
            label,
        };
        let inner = futures_util::stream::unfold(Some(reader), move |state| async move {
            let mut reader = state?;
            loop {
                if let Some(event) = reader.parser.next_event() {
                    return match event {
                        // `None` for the sentinel: the stream ends.
                        Ok(event) => interpret::<T>(event, envelope, sentinel, status).map(|item| (item, Some(reader))),
                        // Past the limit nothing more is read: the connection is dropped.
                        Err(e @ EventStreamError::TooLarge { .. }) => Some((Err(e), None)),
                        Err(e) => Some((Err(e), Some(reader))),
                    };
                }
                // The parser needs more bytes; none come once the body has ended.
                let response = reader.response.as_mut()?;
                match response.chunk().await {
                    Ok(Some(chunk)) => reader.parser.push(&chunk),
                    Ok(None) => {
                        reader.response = None;
                        reader.parser.finish();
                    }
                    Err(e) => {
                        let error = TransportError::from_reqwest(std::mem::take(&mut reader.label), e);
                        return Some((Err(EventStreamError::Transport(error)), None));
                    }
                }
            }
        });
        // Fused: asking again after the end keeps answering `None`.
        EventStream {
            inner: inner.fuse().boxed(),
        }
    }
}

/// What a parsed event becomes: `None` for the sentinel (the stream ends),
/// else the event decoded into `T`.
fn interpret<T: DeserializeOwned>(
    event: Event,
    envelope: bool,
    sentinel: Option<&str>,
    status: StatusCode,
) -> Option<Result<T, EventStreamError>> {
    if sentinel.is_some_and(|s| event.data.as_deref() == Some(s)) {
        return None;
    }
    Some(
        decode_event(&event, envelope)
            .map_err(|(source, raw)| EventStreamError::Decode(DecodeError { status, raw, source })),
    )
}

/// `T` from an event: from its data alone, or (`envelope`) from the whole event
/// as a JSON object. On failure, also the text that did not decode.
fn decode_event<T: DeserializeOwned>(
    event: &Event,
    envelope: bool,
) -> Result<T, (serde_json::Error, Bytes)> {
    let data = event.data.as_deref().unwrap_or_default();
    if !envelope {
        // Data that is not JSON (plain text events) can still decode into a string type.
        return serde_json::from_str(data)
            .or_else(|e| serde_json::from_value(serde_json::Value::String(data.to_string())).map_err(|_| e))
            .map_err(|e| (e, Bytes::copy_from_slice(data.as_bytes())));
    }
    // The event schema describes the whole event; `data` holds JSON when it parses as JSON.
    let mut object = serde_json::Map::new();
    let data = serde_json::from_str(data).unwrap_or_else(|_| serde_json::Value::String(data.to_string()));
    object.insert("data".into(), data);
    if let Some(event) = &event.event {
        object.insert("event".into(), event.clone().into());
    }
    if let Some(id) = &event.id {
        object.insert("id".into(), id.clone().into());
    }
    if let Some(retry) = event.retry {
        object.insert("retry".into(), retry.into());
    }
    let value = serde_json::Value::Object(object);
    T::deserialize(&value).map_err(|e| (e, Bytes::from(value.to_string())))
}

/// One server-sent event, its fields as text.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Event {
    /// The `data` lines joined with LF; `None` when the event had none.
    data: Option<String>,
    /// The event type (`event` field), when present and not empty.
    event: Option<String>,
    /// The event's `id` field (ignored when it holds NUL).
    id: Option<String>,
    /// The `retry` field, when made of ASCII digits only.
    retry: Option<u64>,
}

/// The UTF-8 byte order mark, ignored at the start of a stream.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The event-stream parser: bytes in ([`EventParser::push`], then
/// [`EventParser::finish`] at the end of the body), events out
/// ([`EventParser::next_event`]). No I/O.
///
/// Each byte is scanned for a line ending once: `scan` remembers how far the
/// current line has been searched, and consumed lines are drained from the
/// buffer when the next chunk arrives. It holds at most the current event's
/// fields and one incomplete line, together at most `limit` bytes (plus the
/// chunk being read).
struct EventParser {
    /// Bytes received and not yet consumed start at `start`.
    buffer: Vec<u8>,
    /// Where the current (incomplete) line starts.
    start: usize,
    /// `buffer[start..scan]` holds no line ending.
    scan: usize,
    /// The last line ended with CR: an LF right after it is the same line ending,
    /// even if it arrives in the next chunk.
    skip_lf: bool,
    /// Whether the start of the stream has been checked for a BOM.
    bom_checked: bool,
    /// No more bytes will come.
    ended: bool,
    /// The limit was exceeded: nothing more is parsed.
    failed: bool,
    limit: u64,
    /// The event being built.
    pending: Pending,
}

/// The fields of the event being built, as bytes.
#[derive(Default)]
struct Pending {
    /// Each `data` value followed by LF.
    data: Vec<u8>,
    has_data: bool,
    event: Option<Vec<u8>>,
    id: Option<Vec<u8>>,
    retry: Option<u64>,
}

impl EventParser {
    /// A parser for a new stream, holding at most `limit` bytes of one event.
    fn new(limit: u64) -> Self {
        EventParser {
            buffer: Vec::new(),
            start: 0,
            scan: 0,
            skip_lf: false,
            bom_checked: false,
            ended: false,
            failed: false,
            limit,
            pending: Pending::default(),
        }
    }

    /// More bytes of the stream. Call [`EventParser::next_event`] until it
    /// answers `None` before pushing more, so that at most one chunk is buffered.
    fn push(&mut self, chunk: &[u8]) {
        if self.ended || self.failed {
            return;
        }
        // Drop the lines already consumed: what stays is one incomplete line.
        if self.start > 0 {
            self.buffer.drain(..self.start);
            self.scan -= self.start;
            self.start = 0;
        }
        self.buffer.extend_from_slice(chunk);
    }

    /// The stream has ended: a last line without its line ending, and a last
    /// event without its blank line, are still delivered.
    fn finish(&mut self) {
        self.ended = true;
    }

    /// The next complete event, or `None` until more bytes are pushed (or, once
    /// finished, for good). An event that is not UTF-8 is an
    /// [`EventStreamError::InvalidUtf8`] item; an event or line past the limit is
    /// [`EventStreamError::TooLarge`], after which there is nothing more.
    fn next_event(&mut self) -> Option<Result<Event, EventStreamError>> {
        if self.failed {
            return None;
        }
        if !self.bom_checked {
            let head = &self.buffer[self.start..];
            if head.len() < BOM.len() && BOM.starts_with(head) && !self.ended {
                return None; // Too few bytes yet to tell.
            }
            if head.starts_with(BOM) {
                self.start += BOM.len();
                self.scan = self.scan.max(self.start);
            }
            self.bom_checked = true;
        }
        while let Some((from, to)) = self.next_line() {
            if self.pending.held() + (to - from) > self.limit_usize() {
                return self.fail();
            }
            let line = &self.buffer[from..to];
            if line.is_empty() {
                if let Some(event) = self.pending.dispatch() {
                    return Some(event);
                }
            } else {
                self.pending.line(line);
            }
        }
        let partial = self.buffer.len() - self.start;
        if self.pending.held() + partial > self.limit_usize() {
            return self.fail();
        }
        if !self.ended {
            return None;
        }
        if partial > 0 {
            // The last line, without its line ending.
            let line = &self.buffer[self.start..];
            self.pending.line(line);
            self.start = self.buffer.len();
            self.scan = self.start;
        }
        self.pending.dispatch()
    }

    /// The next complete line (without its line ending), as a range of `buffer`.
    fn next_line(&mut self) -> Option<(usize, usize)> {
        if self.skip_lf && self.start < self.buffer.len() {
            if self.buffer[self.start] == b'\n' {
                self.start += 1;
                self.scan = self.scan.max(self.start);
            }
            self.skip_lf = false;
        }
        let found = self.buffer[self.scan..].iter().position(|&b| b == b'\n' || b == b'\r');
        let Some(offset) = found else {
            self.scan = self.buffer.len();
            return None;
        };
        let end = self.scan + offset;
        let line = (self.start, end);
        self.skip_lf = self.buffer[end] == b'\r';
        self.start = end + 1;
        self.scan = self.start;
        Some(line)
    }

    fn limit_usize(&self) -> usize {
        usize::try_from(self.limit).unwrap_or(usize::MAX)
    }

    /// Reports the limit once, and stops.
    fn fail(&mut self) -> Option<Result<Event, EventStreamError>> {
        self.failed = true;
        self.buffer = Vec::new();
        self.pending = Pending::default();
        Some(Err(EventStreamError::TooLarge { limit: self.limit }))
    }
}

impl Pending {
    /// The bytes held for the event.
    fn held(&self) -> usize {
        self.data.len()
            + self.event.as_ref().map_or(0, Vec::len)
            + self.id.as_ref().map_or(0, Vec::len)
    }

    /// One non-empty line of the event: a comment or a field.
    fn line(&mut self, line: &[u8]) {
        if line.starts_with(b":") {
            return; // A comment.
        }
        let (name, value) = match line.iter().position(|&b| b == b':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &b""[..]),
        };
        match name {
            b"data" => {
                self.data.extend_from_slice(value);
                self.data.push(b'\n');
                self.has_data = true;
            }
            b"event" => self.event = Some(value.to_vec()),
            b"id" if !value.contains(&0) => self.id = Some(value.to_vec()),
            b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                // All digits, so only an overflow fails; it is ignored like any bad value.
                if let Ok(retry) = std::str::from_utf8(value).unwrap_or_default().parse() {
                    self.retry = Some(retry);
                }
            }
            _ => {} // Unknown fields are ignored.
        }
    }

    /// The event so far (at a blank line or the end of the stream), which
    /// starts a new one. `None` for an event with neither data nor a type.
    fn dispatch(&mut self) -> Option<Result<Event, EventStreamError>> {
        let Pending {
            mut data,
            has_data,
            event,
            id,
            retry,
        } = std::mem::take(self);
        let event = event.filter(|e| !e.is_empty());
        if !has_data && event.is_none() {
            return None;
        }
        data.pop(); // The LF after the last `data` line.
        let text = |bytes: Option<Vec<u8>>| {
            bytes
                .map(|bytes| {
                    String::from_utf8(bytes).map_err(|e| EventStreamError::InvalidUtf8 {
                        raw: Bytes::from(e.into_bytes()),
                    })
                })
                .transpose()
        };
        let fields = text(has_data.then_some(data)).and_then(|data| {
            Ok(Event {
                data,
                event: text(event)?,
                id: text(id)?,
                retry,
            })
        });
        Some(fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a parser fed `chunks` (then the end) yields; errors as text.
    fn parse(chunks: &[&[u8]], limit: u64) -> Vec<Result<Event, String>> {
        let mut parser = EventParser::new(limit);
        let mut out = Vec::new();
        let mut drain = |parser: &mut EventParser| {
            while let Some(event) = parser.next_event() {
                out.push(event.map_err(|e| match e {
                    EventStreamError::InvalidUtf8 { raw } => format!("utf8 {raw:?}"),
                    other => other.to_string(),
                }));
            }
        };
        for chunk in chunks {
            parser.push(chunk);
            drain(&mut parser);
        }
        parser.finish();
        drain(&mut parser);
        // Once ended, it stays ended.
        assert!(parser.next_event().is_none());
        out
    }

    fn data(text: &str) -> Result<Event, String> {
        Ok(Event {
            data: Some(text.to_string()),
            ..Event::default()
        })
    }

    /// The stream fed whole, byte by byte, and in every two-piece split gives
    /// the same events.
    fn parse_any_split(stream: &[u8], limit: u64) -> Vec<Result<Event, String>> {
        let whole = parse(&[stream], limit);
        let bytes: Vec<&[u8]> = stream.chunks(1).collect();
        assert_eq!(parse(&bytes, limit), whole, "byte by byte");
        for i in 0..=stream.len() {
            assert_eq!(parse(&[&stream[..i], &stream[i..]], limit), whole, "split at {i}");
        }
        whole
    }

    #[test]
    fn lines_end_with_lf_cr_or_crlf() {
        assert_eq!(parse_any_split(b"data: a\n\n", 1024), [data("a")]);
        assert_eq!(parse_any_split(b"data: a\r\n\r\n", 1024), [data("a")]);
        assert_eq!(parse_any_split(b"data: a\r\r", 1024), [data("a")]);
        assert_eq!(
            parse_any_split(b"data: a\r\ndata: b\rdata: c\n\r\ndata: d\n\r", 1024),
            [data("a\nb\nc"), data("d")]
        );
        // CR LF is one line ending, LF CR two.
        assert_eq!(parse_any_split(b"data: a\n\rdata: b\r\n\r\n", 1024), [data("a"), data("b")]);
    }

    #[test]
    fn a_crlf_split_across_chunks_is_one_line_ending() {
        let expected = [data("a\nb")];
        assert_eq!(parse(&[b"data: a\r", b"\ndata: b\r\n\r\n"], 1024), expected);
        assert_eq!(parse(&[b"data: a\r", b"", b"\n", b"data: b\r", b"\n\r", b"\n"], 1024), expected);
        // A lone CR at the end of a chunk is a line ending of its own.
        assert_eq!(parse(&[b"data: a\r", b"\r", b"data: b\n\n"], 1024), [data("a"), data("b")]);
    }

    #[test]
    fn byte_by_byte_gives_the_same_events_as_one_chunk() {
        let stream = b"\xEF\xBB\xBF: hello\r\nretry: 300\r\nevent: update\r\nid: 7\r\ndata: {\"n\":\r\ndata: 1}\r\n\r\n\
            data:x\n\ndata\ndata: \xFF\n\n:keep-alive\r\revent:\rdata:  two spaces\rid: a\0b\r\rdata: last";
        let events = parse_any_split(stream, 1024);
        assert_eq!(
            events,
            [
                Ok(Event {
                    data: Some("{\"n\":\n1}".into()),
                    event: Some("update".into()),
                    id: Some("7".into()),
                    retry: Some(300),
                }),
                data("x"),
                Err("utf8 b\"\\n\\xff\"".into()),
                data(" two spaces"),
                data("last"),
            ]
        );
    }

    #[test]
    fn fields_follow_the_standard() {
        let stream = b"data\n\ndata:\ndata:\n\ndata:  a\ndata:b \n\n";
        assert_eq!(parse_any_split(stream, 1024), [data(""), data("\n"), data(" a\nb ")]);
        // Unknown fields, and a BOM anywhere but at the start, are no field at all.
        assert_eq!(parse(&[b"foo: 1\ndata: a\nDATA: b\n\xEF\xBB\xBFdata: c\n\n"], 1024), [data("a")]);
        // `retry` only when all digits; `id` only without NUL; the last value wins.
        let stream = b"retry: 12a\nretry: -1\nretry:\nid: 1\nid: 2\0\ndata: x\n\nretry: 99999999999999999999999\nretry: 5\ndata: y\n\n";
        assert_eq!(
            parse(&[stream], 1024),
            [
                Ok(Event { data: Some("x".into()), id: Some("1".into()), ..Event::default() }),
                Ok(Event { data: Some("y".into()), retry: Some(5), ..Event::default() }),
            ]
        );
    }

    #[test]
    fn comments_and_empty_events_are_skipped() {
        let stream = b": ping\n\n:\n\nid: 3\n\nretry: 10\n\n\n\n\nevent:\n\nevent: ping\n\n: c\ndata: x\n: d\n\n";
        assert_eq!(
            parse_any_split(stream, 1024),
            [Ok(Event { event: Some("ping".into()), ..Event::default() }), data("x")]
        );
    }

    #[test]
    fn invalid_utf8_is_reported_and_the_stream_goes_on() {
        assert_eq!(
            parse(&[b"data: ok\n\ndata: \xC3\x28\n\nevent: \xFF\ndata: fine\n\nid: \xFE\ndata: z\n\ndata: after\n\n"], 1024),
            [
                data("ok"),
                Err("utf8 b\"\\xc3(\"".into()),
                Err("utf8 b\"\\xff\"".into()),
                Err("utf8 b\"\\xfe\"".into()),
                data("after"),
            ]
        );
        // A character split between chunks is fine.
        assert_eq!(parse(&[b"data: \xC3", b"\xA9\n\n"], 1024), [data("\u{e9}")]);
    }

    #[test]
    fn the_bom_is_ignored_only_at_the_start() {
        assert_eq!(parse_any_split(b"\xEF\xBB\xBFdata: a\n\n", 1024), [data("a")]);
        // Only one BOM: a second makes the first field unknown.
        assert_eq!(parse(&[b"\xEF\xBB\xBF\xEF\xBB\xBFdata: a\n\ndata: b\n\n"], 1024), [data("b")]);
        // Bytes that only start like a BOM are kept (here, as unknown fields).
        assert_eq!(parse(&[b"\xEF\xBB"], 1024), []);
        assert_eq!(parse(&[b"\xEF", b"data: a\n\ndata: b\n\n"], 1024), [data("b")]);
        assert_eq!(parse(&[b"\xEF\xBB", b"\xBE", b"data: a\n\ndata: b\n\n"], 1024), [data("b")]);
    }

    #[test]
    fn a_final_event_needs_no_blank_line() {
        assert_eq!(parse_any_split(b"data: a\n\ndata: last", 1024), [data("a"), data("last")]);
        assert_eq!(parse_any_split(b"data: a\ndata: b\n", 1024), [data("a\nb")]);
        assert_eq!(parse_any_split(b"data: a\r", 1024), [data("a")]);
        assert_eq!(parse_any_split(b"", 1024), []);
        assert_eq!(parse_any_split(b"\n\n\r\n: bye", 1024), []);
    }

    #[test]
    fn an_event_or_line_past_the_limit_ends_the_stream() {
        let too_large = || Err(EventStreamError::TooLarge { limit: 16 }.to_string());
        // Exactly at the limit: fine (a 16-byte line, then 11 bytes held).
        assert_eq!(parse_any_split(b"data: 0123456789\n\n", 16), [data("0123456789")]);
        // One byte more: an error, once, and nothing after it.
        assert_eq!(parse_any_split(b"data: ok\n\ndata: 01234567890\n\ndata: no\n\n", 16), [data("ok"), too_large()]);
        // Lines within the limit that add up past it.
        assert_eq!(parse_any_split(b"data: 0123\ndata: 4567\ndata: 89\n\n", 16), [too_large()]);
        // A comment line counts as a line, though it is not kept.
        assert_eq!(parse_any_split(b": 0123456789abcdef\ndata: x\n\n", 16), [too_large()]);
        // A line that never ends is cut off as soon as it passes the limit.
        let mut parser = EventParser::new(16);
        parser.push(b"data: ok\n\n");
        assert_eq!(parser.next_event().unwrap().unwrap(), Event { data: Some("ok".into()), ..Event::default() });
        for _ in 0..16 {
            parser.push(b"x");
            assert!(parser.next_event().is_none());
        }
        parser.push(b"x");
        assert!(matches!(parser.next_event(), Some(Err(EventStreamError::TooLarge { limit: 16 }))));
        assert!(parser.next_event().is_none());
        parser.push(b"\n\ndata: more\n\n");
        assert!(parser.next_event().is_none(), "nothing after the limit");
        assert!(parser.buffer.capacity() == 0, "the buffer is freed");
    }

    #[test]
    fn many_small_chunks_are_scanned_once() {
        // A long line fed byte by byte: each byte is scanned once, and the
        // buffer holds only that line once the event before it is consumed.
        let mut parser = EventParser::new(1 << 20);
        parser.push(b"data: first\n\ndata: ");
        assert_eq!(parser.next_event().unwrap().unwrap(), data("first").unwrap());
        assert!(parser.next_event().is_none());
        for _ in 0..100_000 {
            parser.push(b"y");
            assert!(parser.next_event().is_none());
            assert_eq!(parser.scan, parser.buffer.len(), "scanned up to the end, no further");
        }
        assert_eq!(parser.buffer.len(), 100_006, "consumed lines are drained");
        parser.push(b"\n\n");
        assert_eq!(parser.next_event().unwrap().unwrap().data.unwrap().len(), 100_000);
        assert!(parser.next_event().is_none());
    }

    #[test]
    fn the_sentinel_ends_the_events() {
        let mut parser = EventParser::new(1024);
        parser.push(b"data: {\"n\":1}\n\ndata: oops\n\ndata: [DONE]\n\ndata: {\"n\":2}\n\n");
        parser.finish();
        let mut decoded = Vec::new();
        while let Some(event) = parser.next_event() {
            match interpret::<serde_json::Map<String, serde_json::Value>>(event.unwrap(), false, Some("[DONE]"), StatusCode::OK) {
                Some(item) => decoded.push(item.map_err(|e| e.to_string())),
                None => break,
            }
        }
        assert_eq!(decoded.len(), 2);
        assert_eq!(decoded[0].as_ref().unwrap()["n"], 1);
        assert!(decoded[1].as_ref().unwrap_err().contains("oops"), "{:?}", decoded[1]);
    }

    #[test]
    fn envelopes_decode_the_whole_event() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Envelope {
            event: Option<String>,
            id: Option<String>,
            data: serde_json::Value,
            retry: Option<u64>,
        }
        let event = Event {
            data: Some("{\"a\":1}".into()),
            event: Some("tick".into()),
            id: Some("9".into()),
            retry: Some(5),
        };
        let decoded: Envelope = interpret(event, true, None, StatusCode::OK).unwrap().unwrap();
        assert_eq!(
            decoded,
            Envelope {
                event: Some("tick".into()),
                id: Some("9".into()),
                data: serde_json::json!({"a": 1}),
                retry: Some(5),
            }
        );
        // Plain text data decodes into a string.
        let text: String = interpret(data("hi there").unwrap(), false, None, StatusCode::OK).unwrap().unwrap();
        assert_eq!(text, "hi there");
        // A mismatch keeps the text that did not decode.
        let Some(Err(EventStreamError::Decode(e))) = interpret::<Envelope>(data("7").unwrap(), false, None, StatusCode::OK) else {
            panic!("a decode error");
        };
        assert_eq!(&e.raw[..], b"7");
    }

    mod over_http {
        use super::*;
        use futures::StreamExt;
        use reqwest::header::HeaderMap;
        use std::time::Duration;
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        /// Serves one HTTP/1.1 response whose chunked body is `chunks`, each
        /// written (and flushed) on its own, then ends it unless `endless`, in
        /// which case it writes `x` until the client goes away.
        async fn serve(chunks: Vec<&'static [u8]>, endless: bool) -> String {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let address = listener.local_addr().unwrap();
            tokio::spawn(async move {
                let (mut socket, _) = listener.accept().await.unwrap();
                let mut request = Vec::new();
                let mut buf = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    let n = socket.read(&mut buf).await.unwrap();
                    if n == 0 {
                        return;
                    }
                    request.extend_from_slice(&buf[..n]);
                }
                let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n";
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let write_chunk = |chunk: &[u8]| {
                    let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
                    framed.extend_from_slice(chunk);
                    framed.extend_from_slice(b"\r\n");
                    framed
                };
                for chunk in chunks {
                    if socket.write_all(&write_chunk(chunk)).await.is_err() {
                        return;
                    }
                    let _ = socket.flush().await;
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                if endless {
                    let block = write_chunk(&[b'x'; 4096]);
                    while socket.write_all(&block).await.is_ok() {}
                } else {
                    let _ = socket.write_all(b"0\r\n\r\n").await;
                    let _ = socket.shutdown().await;
                }
            });
            format!("http://{address}/stream")
        }

        async fn raw_response(url: &str, max_body_bytes: u64) -> RawResponse {
            let response = reqwest::Client::new().get(url).send().await.unwrap();
            RawResponse {
                status: response.status(),
                headers: HeaderMap::new(),
                body: Bytes::new(),
                unread: Some(response),
                max_body_bytes,
            }
        }

        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Message {
            n: u32,
        }

        #[tokio::test]
        async fn json_events_decode_as_they_arrive() {
            let run = async {
                let url = serve(
                    vec![
                        b"\xEF\xBB\xBF: hi\r\ndata: {\"n\":1}\r",
                        b"\n\r\ndata: {\"n\":",
                        b"2}\n\ndata: nope\n\n",
                        b"data: {\"n\":3}\r\rdata: [DONE]\n\ndata: {\"n\":4}\n\n",
                    ],
                    false,
                )
                .await;
                let mut events = raw_response(&url, 1024).await.events::<Message>(false, Some("[DONE]"), "GET /stream".into());
                assert_eq!(events.next().await.unwrap().unwrap(), Message { n: 1 });
                assert_eq!(events.next().await.unwrap().unwrap(), Message { n: 2 });
                match events.next().await.unwrap() {
                    Err(EventStreamError::Decode(e)) => assert_eq!(&e.raw[..], b"nope"),
                    other => panic!("expected a decode error, got {other:?}"),
                }
                assert_eq!(events.next().await.unwrap().unwrap(), Message { n: 3 });
                assert!(events.next().await.is_none(), "the sentinel ends the stream");
                assert!(events.next().await.is_none(), "and it stays ended");
            };
            tokio::time::timeout(Duration::from_secs(10), run).await.expect("the test hung");
        }

        #[tokio::test]
        async fn a_last_event_without_blank_line_is_delivered() {
            let run = async {
                let url = serve(vec![b"data: {\"n\":1}\n\ndata: {\"n\":", b"2}"], false).await;
                let events = raw_response(&url, 1024).await.events::<Message>(false, None, "GET /stream".into());
                let all: Vec<_> = events.map(Result::unwrap).collect().await;
                assert_eq!(all, [Message { n: 1 }, Message { n: 2 }]);
            };
            tokio::time::timeout(Duration::from_secs(10), run).await.expect("the test hung");
        }

        #[tokio::test]
        async fn an_endless_line_ends_the_stream_at_the_limit() {
            let run = async {
                let url = serve(vec![b"data: {\"n\":1}\n\ndata: "], true).await;
                let mut events = raw_response(&url, 64 * 1024).await.events::<Message>(false, None, "GET /stream".into());
                assert_eq!(events.next().await.unwrap().unwrap(), Message { n: 1 });
                assert!(matches!(events.next().await, Some(Err(EventStreamError::TooLarge { limit: 65536 }))));
                assert!(events.next().await.is_none());
            };
            tokio::time::timeout(Duration::from_secs(10), run).await.expect("the test hung");
        }

        #[tokio::test]
        async fn a_body_already_read_is_parsed_too() {
            let raw = RawResponse {
                status: StatusCode::OK,
                headers: HeaderMap::new(),
                body: Bytes::from_static(b"data: {\"n\":5}\n\ndata: {\"n\":6}"),
                unread: None,
                max_body_bytes: 1024,
            };
            let all: Vec<_> = raw.events::<Message>(false, None, String::new()).map(Result::unwrap).collect().await;
            assert_eq!(all, [Message { n: 5 }, Message { n: 6 }]);
        }
    }
}
