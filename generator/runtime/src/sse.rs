//! `text/event-stream` responses, decoded event by event.

use std::fmt;

use bytes::Bytes;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use super::errors::{DecodeError, TransportError};
use super::response::RawResponse;

impl RawResponse {
    /// A success response read as server-sent events, each decoded into `T`.
    /// `envelope`: `T` describes the whole event (`data`, `event`, `id`);
    /// otherwise `T` is the JSON in `data`. `sentinel` (`[DONE]`) ends the stream.
    pub fn events<T: DeserializeOwned + Send + 'static>(self, envelope: bool, sentinel: Option<&'static str>, label: String) -> EventStream<T> {
        EventStream::new(self.status, self.unread, envelope, sentinel, label)
    }
}

/// A `text/event-stream` response, decoded event by event. Unpin, so
/// `futures::StreamExt::next` works on it directly.
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

/// Why an event stream stopped early.
#[derive(Debug)]
#[non_exhaustive]
pub enum EventStreamError {
    /// The connection failed while events were arriving.
    Transport(TransportError),
    /// An event's data does not match its declared type; `raw` holds the event.
    Decode(DecodeError),
}

impl fmt::Display for EventStreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventStreamError::Transport(e) => write!(f, "event stream interrupted: {e}"),
            EventStreamError::Decode(e) => write!(f, "event stream: {e}"),
        }
    }
}

impl std::error::Error for EventStreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EventStreamError::Transport(e) => Some(e),
            EventStreamError::Decode(e) => Some(e),
        }
    }
}

/// Reader state: the response, bytes not yet split into events, and whether it ended.
struct EventReader {
    response: Option<reqwest::Response>,
    buffer: Vec<u8>,
}

impl<T: DeserializeOwned + Send + 'static> EventStream<T> {
    fn new(
        status: StatusCode,
        response: Option<reqwest::Response>,
        envelope: bool,
        sentinel: Option<&'static str>,
        label: String,
    ) -> Self {
        use futures_util::StreamExt;
        let reader = EventReader {
            response,
            buffer: Vec::new(),
        };
        let inner = futures_util::stream::unfold(Some(reader), move |state| {
            let label = label.clone();
            async move {
                let mut reader = state?;
                loop {
                    if let Some(event) = next_event(&mut reader.buffer) {
                        let Some(fields) = parse_event(&event) else {
                            continue;
                        };
                        if sentinel.is_some_and(|s| fields.data.as_deref() == Some(s)) {
                            return None;
                        }
                        if fields.data.is_none() && fields.event.is_none() {
                            continue;
                        }
                        let decoded = decode_event::<T>(&fields, envelope).map_err(|source| {
                            EventStreamError::Decode(DecodeError {
                                status,
                                raw: Bytes::from(event),
                                source,
                            })
                        });
                        return Some((decoded, Some(reader)));
                    }
                    let response = reader.response.as_mut()?;
                    match response.chunk().await {
                        Ok(Some(chunk)) => reader.buffer.extend_from_slice(&chunk),
                        Ok(None) => {
                            // The server closed the stream: a final event may lack its blank line.
                            reader.response = None;
                            if reader.buffer.iter().all(u8::is_ascii_whitespace) {
                                return None;
                            }
                            reader.buffer.extend_from_slice(b"\n\n");
                        }
                        Err(e) => {
                            let error =
                                EventStreamError::Transport(TransportError::from_reqwest(label, e));
                            return Some((Err(error), None));
                        }
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

/// Takes one complete event (up to a blank line) off the front of the buffer.
fn next_event(buffer: &mut Vec<u8>) -> Option<Vec<u8>> {
    let text = buffer.as_slice();
    let (end, skip) = (0..text.len()).find_map(|i| {
        if text[i..].starts_with(b"\r\n\r\n") {
            Some((i, 4))
        } else if text[i..].starts_with(b"\n\n") || text[i..].starts_with(b"\r\r") {
            Some((i, 2))
        } else {
            None
        }
    })?;
    let event = buffer[..end].to_vec();
    buffer.drain(..end + skip);
    Some(event)
}

/// The fields of one server-sent event.
#[derive(Default)]
struct EventFields {
    data: Option<String>,
    event: Option<String>,
    id: Option<String>,
    retry: Option<u64>,
}

fn parse_event(event: &[u8]) -> Option<EventFields> {
    let text = std::str::from_utf8(event).ok()?;
    let mut fields = EventFields::default();
    for line in text.lines() {
        if line.is_empty() || line.starts_with(':') {
            continue;
        }
        let (name, value) = line
            .split_once(':')
            .map_or((line, ""), |(n, v)| (n, v.strip_prefix(' ').unwrap_or(v)));
        match name {
            "data" => match &mut fields.data {
                Some(data) => {
                    data.push('\n');
                    data.push_str(value);
                }
                None => fields.data = Some(value.to_string()),
            },
            "event" => fields.event = Some(value.to_string()),
            "id" => fields.id = Some(value.to_string()),
            "retry" => fields.retry = value.parse().ok(),
            _ => {}
        }
    }
    Some(fields)
}

fn decode_event<T: DeserializeOwned>(
    fields: &EventFields,
    envelope: bool,
) -> Result<T, serde_json::Error> {
    let data = fields.data.as_deref().unwrap_or_default();
    if !envelope {
        // Data that is not JSON (plain text events) can still decode into a string type.
        return serde_json::from_str(data).or_else(|e| {
            serde_json::from_value(serde_json::Value::String(data.to_string())).map_err(|_| e)
        });
    }
    // The event schema describes the whole event; `data` holds JSON when it parses as JSON.
    let mut object = serde_json::Map::new();
    let data =
        serde_json::from_str(data).unwrap_or_else(|_| serde_json::Value::String(data.to_string()));
    object.insert("data".into(), data);
    if let Some(event) = &fields.event {
        object.insert("event".into(), event.clone().into());
    }
    if let Some(id) = &fields.id {
        object.insert("id".into(), id.clone().into());
    }
    if let Some(retry) = fields.retry {
        object.insert("retry".into(), retry.into());
    }
    serde_json::from_value(serde_json::Value::Object(object))
}
