//! End-to-end tests for the SDK generated from OpenRouter's full OpenAPI document.
//!
//! Hand-written; CI copies this file into the generated crate's `tests/` directory
//! (crate `openrouter-full`, lib `openrouter_full`) and runs `cargo test` there.
//! Every test talks to a wiremock `MockServer` on loopback through the generated
//! client, one test per body kind:
//!
//! 1. JSON request + JSON response — `sendChatCompletionRequest` (`POST /chat/completions`)
//! 2. multipart upload             — `uploadFile` (`POST /files`)
//! 3. server-sent events           — `sendChatCompletionRequest` via `send_stream()`
//! 4. binary response              — `createAudioSpeech` (`POST /audio/speech`)
//! 5. typed error                  — `sendChatCompletionRequest` answered 401
//!
//! and one without a server: a union's one-value tags (zero-sized constants).
//!
//! Response bodies follow the examples in the OpenAPI document.

use futures::StreamExt;
use openrouter_full::chat::SendChatCompletionRequestError;
use openrouter_full::models::{
    AnthropicCaller, AnthropicCodeExecution20250825Caller, AnthropicDirectCaller,
    AnthropicDirectCallerType, ChatAssistantMessageContent, ChatAssistantMessageRole,
    ChatFinishReasonEnum, ChatMessages, ChatRequest, ChatResultObject, ChatStreamChunkObject,
    ChatStreamDeltaRole, ChatSystemMessage, ChatSystemMessageContent, ChatUserMessage,
    ChatUserMessageContent, FileResponse, OpenRouterFileShape, OpenRouterFileType, SpeechRequest,
    SpeechRequestResponseFormat, UploadFileBody,
};
use openrouter_full::{Client, FileUpload, RetryPolicy};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const API_KEY: &str = "sk-or-test";

/// A client aimed at `server`, with retries off so every mock sees exactly one call.
fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .base_url(server.uri())
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client builds")
}

/// The spec's request example: a system prompt and a user question for `openai/gpt-4`.
fn chat_request() -> ChatRequest {
    let mut body = ChatRequest::new(vec![
        // The roles are the union's tags: constants, which `new` fills.
        ChatMessages::System(ChatSystemMessage::new(ChatSystemMessageContent::String(
            "You are a helpful assistant.".into(),
        ))),
        ChatMessages::User(ChatUserMessage::new(ChatUserMessageContent::String(
            "What is the capital of France?".into(),
        ))),
    ]);
    body.model = Some("openai/gpt-4".into());
    body.max_tokens = 150.into();
    body
}

/// The one request `server` received (panics if there were none or several).
async fn only_request(server: &MockServer) -> wiremock::Request {
    let mut requests = server
        .received_requests()
        .await
        .expect("request recording is on");
    assert_eq!(requests.len(), 1, "expected exactly one request");
    requests.remove(0)
}

/// The single value of header `name` as a string.
fn header<'a>(request: &'a wiremock::Request, name: &str) -> &'a str {
    let values: Vec<_> = request.headers.get_all(name).iter().collect();
    assert_eq!(
        values.len(),
        1,
        "expected one `{name}` header, got {values:?}"
    );
    values[0].to_str().expect("header is ASCII")
}

fn assert_bearer(request: &wiremock::Request) {
    assert_eq!(
        header(request, "authorization"),
        format!("Bearer {API_KEY}")
    );
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

// ---------------------------------------------------------------------------
// 1. JSON request + JSON response
// ---------------------------------------------------------------------------

#[tokio::test]
async fn chat_completion_sends_json_and_decodes_json() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/chat/completions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "choices": [{
                "finish_reason": "stop",
                "index": 0,
                "message": {"content": "The capital of France is Paris.", "role": "assistant"}
            }],
            "created": 1677652288,
            "id": "chatcmpl-123",
            "model": "openai/gpt-4",
            "object": "chat.completion",
            "system_fingerprint": "fp_44709d6fcb",
            "usage": {"completion_tokens": 10, "prompt_tokens": 25, "total_tokens": 35}
        })))
        .expect(1)
        .mount(&server)
        .await;

    let result = client(&server)
        .chat()
        .send(chat_request())
        .send()
        .await
        .expect("chat completion succeeds");

    // The request.
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/chat/completions");
    assert_bearer(&request);
    assert!(
        header(&request, "content-type").starts_with("application/json"),
        "JSON body must be labelled as JSON"
    );
    let sent: Value = request.body_json().expect("request body is JSON");
    assert_eq!(sent["model"], "openai/gpt-4");
    assert_eq!(sent["max_tokens"], 150);
    assert_eq!(
        sent["messages"],
        json!([
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": "What is the capital of France?"}
        ])
    );
    // Fields left unset are omitted, not sent as null.
    assert!(
        sent.get("stream").is_none(),
        "unset `stream` must be omitted: {sent}"
    );
    assert!(
        sent.get("temperature").is_none(),
        "unset `temperature` must be omitted: {sent}"
    );

    // The decoded response.
    assert_eq!(result.id, "chatcmpl-123");
    assert_eq!(result.model, "openai/gpt-4");
    assert_eq!(result.created, 1677652288);
    assert_eq!(result.object, ChatResultObject::ChatCompletion);
    assert_eq!(result.system_fingerprint.as_deref(), Some("fp_44709d6fcb"));
    let usage = result.usage.expect("usage decoded");
    assert_eq!(
        (
            usage.prompt_tokens,
            usage.completion_tokens,
            usage.total_tokens
        ),
        (25, 10, 35)
    );
    assert_eq!(result.choices.len(), 1);
    let choice = &result.choices[0];
    assert_eq!(choice.index, 0);
    assert_eq!(choice.finish_reason, Some(ChatFinishReasonEnum::Stop));
    assert_eq!(choice.message.role, ChatAssistantMessageRole);
    match choice.message.content.as_option() {
        Some(ChatAssistantMessageContent::String(text)) => {
            assert_eq!(text, "The capital of France is Paris.")
        }
        other => panic!("expected string content, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// 2. Multipart upload
// ---------------------------------------------------------------------------

#[tokio::test]
async fn file_upload_sends_multipart_and_decodes_json() {
    // Binary content on purpose: NUL, high bytes, CR/LF and a fake boundary line
    // must all reach the server untouched.
    let pdf: &[u8] = b"%PDF-1.4\n\x00\x01\xff\xfe binary \r\n--not-the-boundary\r\n%%EOF\n";

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/files"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "_shape": "openrouter",
            "created_at": "2025-01-01T00:00:00Z",
            "downloadable": false,
            "filename": "document.pdf",
            "id": "or_file_011CNha8iCJcU1wXNR6q4V8w",
            "mime_type": "application/pdf",
            "size_bytes": 1024000,
            "type": "file"
        })))
        .expect(1)
        .mount(&server)
        .await;

    let upload = FileUpload::new("document.pdf", pdf.to_vec()).content_type("application/pdf");
    let response = client(&server)
        .files()
        .upload(UploadFileBody::new(upload))
        .send()
        .await
        .expect("upload succeeds");

    // The request line and auth.
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/files");
    assert_eq!(request.url.query(), None, "no query parameters were set");
    assert_bearer(&request);

    // Content-Type: multipart/form-data; boundary=...
    let content_type = header(&request, "content-type");
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("not multipart/form-data: {content_type}"));
    assert!(
        !boundary.is_empty() && boundary.len() <= 70,
        "bad boundary {boundary:?}"
    );

    // The body: exactly one part, named `file`, carrying the bytes verbatim.
    let body = request.body.as_slice();
    let delimiter = format!("--{boundary}\r\n");
    let closing = format!("\r\n--{boundary}--\r\n");
    assert!(
        body.starts_with(delimiter.as_bytes()),
        "body must open with the boundary: {}",
        String::from_utf8_lossy(body)
    );
    assert!(
        body.ends_with(closing.as_bytes()),
        "body must end with the closing boundary: {}",
        String::from_utf8_lossy(body)
    );
    let part = &body[delimiter.len()..body.len() - closing.len()];
    assert!(
        find(part, format!("\r\n--{boundary}").as_bytes()).is_none(),
        "expected a single part"
    );
    let split = find(part, b"\r\n\r\n").expect("part headers end with a blank line");
    let (part_headers, content) = (&part[..split], &part[split + 4..]);
    let part_headers = std::str::from_utf8(part_headers).expect("part headers are text");
    let part_headers: Vec<&str> = part_headers.split("\r\n").collect();
    assert!(
        part_headers
            .contains(&r#"Content-Disposition: form-data; name="file"; filename="document.pdf""#),
        "part headers: {part_headers:?}"
    );
    assert!(
        part_headers.contains(&"Content-Type: application/pdf"),
        "part headers: {part_headers:?}"
    );
    assert_eq!(content, pdf, "file bytes must be sent verbatim");

    // The decoded response.
    match response {
        FileResponse::Openrouter(file) => {
            assert_eq!(file.shape, OpenRouterFileShape);
            assert_eq!(file.r#type, OpenRouterFileType::File);
            assert_eq!(file.id, "or_file_011CNha8iCJcU1wXNR6q4V8w");
            assert_eq!(file.filename, "document.pdf");
            assert_eq!(file.mime_type, "application/pdf");
            assert_eq!(file.size_bytes, 1_024_000);
            assert_eq!(file.created_at, "2025-01-01T00:00:00Z");
            assert!(!file.downloadable);
        }
        other => panic!("expected the OpenRouter file shape, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// 3. Server-sent events
// ---------------------------------------------------------------------------

/// One `chat.completion.chunk` as OpenRouter streams it (cf. the spec's example).
fn chunk(delta: Value, finish_reason: Value) -> Value {
    json!({
        "choices": [{"delta": delta, "finish_reason": finish_reason, "index": 0}],
        "created": 1677652288,
        "id": "chatcmpl-123",
        "model": "openai/gpt-4",
        "object": "chat.completion.chunk"
    })
}

#[tokio::test]
async fn chat_completion_stream_decodes_events_until_done() {
    let events = [
        chunk(
            json!({"role": "assistant", "content": "The capital"}),
            Value::Null,
        ),
        chunk(json!({"content": " of France is"}), Value::Null),
        chunk(json!({"content": " Paris."}), json!("stop")),
    ];
    let mut sse = String::from(": OPENROUTER PROCESSING\n\n");
    for event in &events {
        sse.push_str(&format!("data: {event}\n\n"));
    }
    sse.push_str("data: [DONE]\n\n");
    // Anything after the sentinel must be ignored (this would not even decode).
    sse.push_str("data: {\"not\": \"a chunk\"}\n\n");

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/chat/completions"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(sse, "text/event-stream"))
        .expect(1)
        .mount(&server)
        .await;

    let mut stream = client(&server)
        .chat()
        .send(chat_request())
        .send_stream()
        .await
        .expect("stream opens");

    let mut chunks = Vec::new();
    while let Some(event) = stream.next().await {
        chunks.push(event.expect("event decodes").data);
    }

    // The request asked for a stream.
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/chat/completions");
    assert_bearer(&request);
    assert_eq!(header(&request, "accept"), "text/event-stream");
    let sent: Value = request.body_json().expect("request body is JSON");
    assert_eq!(sent["stream"], json!(true));
    assert_eq!(sent["model"], "openai/gpt-4");
    assert_eq!(sent["messages"].as_array().map(Vec::len), Some(2));

    // Three chunks, then the stream ended at [DONE].
    assert_eq!(chunks.len(), 3, "chunks: {chunks:#?}");
    for chunk in &chunks {
        assert_eq!(chunk.id, "chatcmpl-123");
        assert_eq!(chunk.model, "openai/gpt-4");
        assert_eq!(chunk.object, ChatStreamChunkObject::ChatCompletionChunk);
        assert_eq!(chunk.choices.len(), 1);
    }
    let text: Vec<&str> = chunks
        .iter()
        .map(|c| {
            c.choices[0]
                .delta
                .content
                .as_option()
                .map_or("", String::as_str)
        })
        .collect();
    assert_eq!(text, ["The capital", " of France is", " Paris."]);
    assert_eq!(
        chunks[0].choices[0].delta.role,
        Some(ChatStreamDeltaRole::Assistant)
    );
    assert_eq!(chunks[1].choices[0].delta.role, None);
    assert_eq!(chunks[0].choices[0].finish_reason, None);
    assert_eq!(
        chunks[2].choices[0].finish_reason,
        Some(ChatFinishReasonEnum::Stop)
    );
    // (The stream is not polled again after it returned `None`: `EventStream` is not
    // a `FusedStream`, and re-polling it panics inside `futures::stream::unfold`.)
}

// ---------------------------------------------------------------------------
// 4. Binary response
// ---------------------------------------------------------------------------

#[tokio::test]
async fn speech_returns_raw_audio_bytes() {
    // An ID3 header and an MPEG frame sync: not valid UTF-8, not JSON.
    let audio: &[u8] = b"ID3\x04\x00\x00\x00\x00\x00\x00\xff\xfb\x90\x64\x00\x00\r\n\x80\x00";

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/audio/speech"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(audio.to_vec(), "audio/mpeg"))
        .expect(1)
        .mount(&server)
        .await;

    let mut body = SpeechRequest::new(
        "Hello world".into(),
        "mistralai/voxtral-mini-tts-2603".into(),
    );
    body.voice = Some("en_paul_neutral".into());
    body.response_format = Some(SpeechRequestResponseFormat::Mp3);
    body.speed = Some(1.0);
    let response = client(&server)
        .tts()
        .create_speech(body)
        .send_with_response()
        .await
        .expect("speech succeeds");

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/audio/speech");
    assert_bearer(&request);
    let sent: Value = request.body_json().expect("request body is JSON");
    assert_eq!(
        sent,
        json!({
            "input": "Hello world",
            "model": "mistralai/voxtral-mini-tts-2603",
            "response_format": "mp3",
            "speed": 1.0,
            "voice": "en_paul_neutral"
        })
    );

    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(
        response.headers.get("content-type").map(|v| v.as_bytes()),
        Some(&b"audio/mpeg"[..])
    );
    // The body is streamed to the caller, never buffered by the client; gather it here.
    let bytes: bytes::Bytes = response.body.collect(1024 * 1024).await.expect("the body arrives whole");
    assert_eq!(bytes.as_ref(), audio);
}

// ---------------------------------------------------------------------------
// 5. Typed error
// ---------------------------------------------------------------------------

#[tokio::test]
async fn chat_completion_401_is_typed_unauthorized() {
    let error_body = json!({"error": {"code": 401, "message": "Missing Authentication header"}});

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/chat/completions"))
        .respond_with(ResponseTemplate::new(401).set_body_json(&error_body))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server)
        .chat()
        .send(chat_request())
        .send()
        .await
        .expect_err("a 401 is an error");

    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(
        serde_json::from_slice::<Value>(error.raw_body().expect("raw body kept")).unwrap(),
        error_body
    );
    assert!(error.to_string().contains("401"), "display: {error}");
    match error {
        SendChatCompletionRequestError::Unauthorized(response) => {
            assert_eq!(response.status.as_u16(), 401);
            assert_eq!(response.body.error.code, 401);
            assert_eq!(response.body.error.message, "Missing Authentication header");
            assert!(response.body.user_id.is_absent());
        }
        other => panic!("expected Unauthorized, got {other:?}"),
    }
    assert_bearer(&only_request(&server).await);
}

// ---------------------------------------------------------------------------
// 6. One-value tags
// ---------------------------------------------------------------------------

/// The tags of a union's variants are zero-sized constants: nobody sets them,
/// they are always written, and decoding checks them (an unknown tag is still
/// the union's `Unknown`; a wrong tag in a struct decoded on its own is an error).
#[test]
fn union_tags_are_constants_written_and_checked() {
    assert_eq!(std::mem::size_of::<AnthropicDirectCallerType>(), 0);
    assert_eq!(AnthropicDirectCallerType::VALUE, "direct");

    let caller = AnthropicCaller::Direct(AnthropicDirectCaller::default());
    let json = serde_json::to_value(&caller).unwrap();
    assert_eq!(json, json!({ "type": "direct" }));
    assert_eq!(serde_json::from_value::<AnthropicCaller>(json).unwrap(), caller);

    let built = AnthropicCodeExecution20250825Caller::builder().tool_id("srvtoolu_1").build().unwrap();
    let json = serde_json::to_value(AnthropicCaller::CodeExecution20250825(built.clone())).unwrap();
    assert_eq!(json, json!({ "type": "code_execution_20250825", "tool_id": "srvtoolu_1" }));
    assert_eq!(
        serde_json::from_value::<AnthropicCaller>(json).unwrap(),
        AnthropicCaller::CodeExecution20250825(built)
    );

    let unknown = json!({ "type": "teleport", "tool_id": "x" });
    assert_eq!(serde_json::from_value::<AnthropicCaller>(unknown.clone()).unwrap(), AnthropicCaller::Unknown(unknown));

    let wrong = serde_json::from_value::<AnthropicDirectCaller>(json!({ "type": "teleport" })).unwrap_err();
    assert!(wrong.to_string().contains("expected the string `direct`"), "{wrong}");
    let absent = serde_json::from_value::<AnthropicDirectCaller>(json!({})).unwrap_err();
    assert!(absent.to_string().contains("missing field `type`"), "{absent}");
}
