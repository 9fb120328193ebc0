//! End-to-end tests for the SDK generated from a Swagger 2.0 document.
//!
//! Hand-written; `cargo xtask e2e-swagger2` generates the crate `greenhouse`
//! from `generator/tests/fixtures/swagger2/petstore-like.yaml` (converted to
//! OpenAPI 3.0 by the generator), copies this file into its `tests/` directory
//! and runs `cargo test` there. Every test talks to a wiremock `MockServer` on
//! loopback through the generated client, one operation per parameter kind:
//!
//! 1. query (csv, multi and pipes arrays) + JSON response — `listPlants` (`GET /plants`)
//! 2. body parameter + header parameter                  — `createPlant` (`POST /plants`)
//! 3. path parameter + shared error response             — `getPlant` (`GET /plants/{plantId}`)
//! 4. formData parameters (urlencoded)                  — `updatePlantWithForm` (`POST /plants/{plantId}`)
//! 5. formData with a file (multipart)                  — `uploadPhoto` (`POST /plants/{plantId}/photos`)
//! 6. per-operation `produces: text/plain`              — `getCareSheet` (`GET /plants/{plantId}/care-sheet`)

use greenhouse::models::{NewPlant, Species, UpdatePlantWithFormBody, UploadPhotoBody};
use greenhouse::plants::{CreatePlantError, GetPlantError};
use greenhouse::{Client, FileUpload, Nullable, RetryPolicy};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const API_KEY: &str = "gh-test-key";

/// A client aimed at `server`, with retries off so every mock sees exactly one call.
fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .base_url(server.uri())
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client builds")
}

/// Mounts one answer for `verb` `route` that must be called exactly once.
async fn answer(server: &MockServer, verb: &str, route: &str, response: ResponseTemplate) {
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(response)
        .expect(1)
        .mount(server)
        .await;
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

/// The query as decoded pairs, in order.
fn query(request: &wiremock::Request) -> Vec<(String, String)> {
    request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The security definition: the API key in `X-Api-Key`.
fn assert_api_key(request: &wiremock::Request) {
    assert_eq!(header(request, "x-api-key"), API_KEY);
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn plant(id: i64, name: &str, species: &str) -> Value {
    json!({"id": id, "name": name, "species": species})
}

// ---------------------------------------------------------------------------
// 1. Query parameters in three collection formats
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_plants_sends_query_arrays_in_their_collection_formats() {
    let server = MockServer::start().await;
    let mut watered = plant(1, "Boston fern", "fern");
    watered["watered_at"] = json!("2026-11-02T08:00:00Z");
    watered["tags"] = json!(["shade", "humid"]);
    let mut dry = plant(2, "Golden barrel", "cactus");
    dry["watered_at"] = Value::Null;
    answer(
        &server,
        "GET",
        "/plants",
        ResponseTemplate::new(200)
            .insert_header("X-Rate-Limit-Remaining", "99")
            .set_body_json(json!([watered, dry, plant(3, "Moth orchid", "orchid")])),
    )
    .await;

    let plants = client(&server)
        .plants()
        .list_plants()
        .limit(10)
        .species(vec!["fern".into(), "cactus".into()])
        .tag(vec!["shade".into(), "humid".into()])
        .fields(vec!["id".into(), "name".into()])
        .send()
        .await
        .expect("list succeeds");

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), "/plants");
    assert_api_key(&request);
    let pairs = query(&request);
    let expected = [
        ("limit", "10"),
        // No collectionFormat: Swagger 2.0's default, csv.
        ("species", "fern,cactus"),
        // collectionFormat: multi.
        ("tag", "shade"),
        ("tag", "humid"),
        // collectionFormat: pipes.
        ("fields", "id|name"),
    ];
    assert_eq!(
        pairs,
        expected.map(|(k, v)| (k.to_string(), v.to_string())),
        "query {:?}",
        request.url.query()
    );
    assert!(request.body.is_empty(), "a GET sends no body");

    assert_eq!(plants.len(), 3);
    assert_eq!(plants[0].id, 1);
    assert_eq!(plants[0].name, "Boston fern");
    assert_eq!(plants[0].species, Species::Fern);
    assert_eq!(
        plants[0].tags.as_deref(),
        Some(&["shade".to_string(), "humid".to_string()][..])
    );
    // x-nullable: a value, an explicit null and an absent field stay apart.
    assert_eq!(
        plants[0].watered_at,
        Nullable::Value("2026-11-02T08:00:00Z".to_string())
    );
    assert_eq!(plants[1].watered_at, Nullable::Null);
    assert_eq!(plants[2].watered_at, Nullable::Absent);
    assert_eq!(plants[1].species, Species::Cactus);
    assert_eq!(plants[2].species, Species::Orchid);
}

#[tokio::test]
async fn unset_query_parameters_are_not_sent() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        "/plants",
        ResponseTemplate::new(200).set_body_json(json!([])),
    )
    .await;

    let plants = client(&server)
        .plants()
        .list_plants()
        .send()
        .await
        .expect("list succeeds");

    let request = only_request(&server).await;
    assert_eq!(request.url.query(), None, "no query parameters were set");
    assert!(plants.is_empty());
}

// ---------------------------------------------------------------------------
// 2. Body parameter → JSON request body; header parameter
// ---------------------------------------------------------------------------

#[tokio::test]
async fn create_plant_sends_the_body_parameter_as_json() {
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        "/plants",
        ResponseTemplate::new(201).set_body_json(plant(7, "Monstera", "fern")),
    )
    .await;

    let mut body = NewPlant::new("Monstera".into(), Species::Fern);
    body.tags = Some(vec!["big".into()]);
    let created = client(&server)
        .plants()
        .create_plant(body)
        .x_request_id("req-42")
        .send()
        .await
        .expect("create succeeds");

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/plants");
    assert_eq!(request.url.query(), None);
    assert_api_key(&request);
    assert_eq!(header(&request, "x-request-id"), "req-42");
    assert!(
        header(&request, "content-type").starts_with("application/json"),
        "the body parameter is JSON (global consumes)"
    );
    let sent: Value = request.body_json().expect("request body is JSON");
    assert_eq!(
        sent,
        json!({"name": "Monstera", "species": "fern", "tags": ["big"]})
    );

    assert_eq!(created.id, 7);
    assert_eq!(created.name, "Monstera");
    assert_eq!(created.watered_at, Nullable::Absent);
}

#[tokio::test]
async fn create_plant_decodes_a_declared_error() {
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        "/plants",
        ResponseTemplate::new(400).set_body_json(json!({"message": "name is empty"})),
    )
    .await;

    let error = client(&server)
        .plants()
        .create_plant(NewPlant::new(String::new(), Species::Cactus))
        .send()
        .await
        .expect_err("400 is an error");

    let request = only_request(&server).await;
    assert!(
        request.headers.get("x-request-id").is_none(),
        "an unset header parameter is not sent"
    );
    match error {
        CreatePlantError::BadRequest(e) => {
            assert_eq!(e.status.as_u16(), 400);
            assert_eq!(e.body.message, "name is empty");
        }
        other => panic!("expected BadRequest, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// 3. Path parameter (shared `#/parameters`) and a shared `#/responses` error
// ---------------------------------------------------------------------------

#[tokio::test]
async fn get_plant_puts_the_id_in_the_path() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        "/plants/9007199254740993",
        ResponseTemplate::new(200).set_body_json(plant(9_007_199_254_740_993, "Big id", "orchid")),
    )
    .await;

    let got = client(&server)
        .plants()
        .get_plant(9_007_199_254_740_993)
        .send()
        .await
        .expect("get succeeds");

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), "/plants/9007199254740993");
    assert_api_key(&request);
    assert_eq!(got.id, 9_007_199_254_740_993, "int64 survives intact");
}

#[tokio::test]
async fn get_plant_decodes_the_shared_not_found_response() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        "/plants/404",
        ResponseTemplate::new(404).set_body_json(json!({"message": "no such plant"})),
    )
    .await;

    let error = client(&server)
        .plants()
        .get_plant(404)
        .send()
        .await
        .expect_err("404 is an error");

    match error {
        GetPlantError::NotFound(e) => {
            assert_eq!(e.status.as_u16(), 404);
            assert_eq!(e.body.message, "no such plant");
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// 4. formData parameters → application/x-www-form-urlencoded
// ---------------------------------------------------------------------------

#[tokio::test]
async fn update_plant_with_form_sends_a_urlencoded_form() {
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        "/plants/12",
        ResponseTemplate::new(200).set_body_json(plant(12, "Fern & co", "fern")),
    )
    .await;

    let mut form = UpdatePlantWithFormBody::new("Fern & co".into());
    form.height_cm = Some(42.5);
    form.indoor = Some(true);
    let updated = client(&server)
        .plants()
        .update_plant_with_form(12, form)
        .send()
        .await
        .expect("update succeeds");

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/plants/12");
    assert_api_key(&request);
    assert_eq!(
        header(&request, "content-type"),
        "application/x-www-form-urlencoded"
    );
    let body = std::str::from_utf8(&request.body).expect("a form is text");
    // One pair per field, percent-encoded; the order of the pairs carries no meaning.
    let mut pairs: Vec<&str> = body.split('&').collect();
    pairs.sort_unstable();
    assert_eq!(
        pairs,
        ["height_cm=42.5", "indoor=true", "name=Fern+%26+co"],
        "form {body:?}"
    );
    assert_eq!(updated.name, "Fern & co");
}

#[tokio::test]
async fn unset_form_fields_are_left_out() {
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        "/plants/3",
        ResponseTemplate::new(200).set_body_json(plant(3, "Aloe", "cactus")),
    )
    .await;

    client(&server)
        .plants()
        .update_plant_with_form(3, UpdatePlantWithFormBody::new("Aloe".into()))
        .send()
        .await
        .expect("update succeeds");

    let request = only_request(&server).await;
    assert_eq!(std::str::from_utf8(&request.body).unwrap(), "name=Aloe");
}

// ---------------------------------------------------------------------------
// 5. formData with `type: file` → multipart/form-data
// ---------------------------------------------------------------------------

#[tokio::test]
async fn upload_photo_sends_multipart_with_the_file() {
    // Binary content on purpose: a JPEG header, NUL, CR/LF and a fake boundary line.
    let jpeg: &[u8] = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\r\n--not-the-boundary\r\n\xff\xd9";

    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        "/plants/5/photos",
        ResponseTemplate::new(201)
            .set_body_json(json!({"id": "ph_1", "caption": "New leaf", "bytes": jpeg.len()})),
    )
    .await;

    let mut body =
        UploadPhotoBody::new(FileUpload::new("leaf.jpg", jpeg.to_vec()).content_type("image/jpeg"));
    body.caption = Some("New leaf".into());
    let photo = client(&server)
        .photos()
        .upload_photo(5, body)
        .send()
        .await
        .expect("upload succeeds");

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/plants/5/photos");
    assert_eq!(request.url.query(), None);
    assert_api_key(&request);

    let content_type = header(&request, "content-type");
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("not multipart/form-data: {content_type}"));
    let body = request.body.as_slice();
    let delimiter = format!("--{boundary}\r\n");
    let closing = format!("\r\n--{boundary}--\r\n");
    assert!(
        body.starts_with(delimiter.as_bytes()),
        "body must open with the boundary"
    );
    assert!(
        body.ends_with(closing.as_bytes()),
        "body must end with the closing boundary"
    );

    // Two parts, in the order of the formData parameters: caption, then image.
    let inner = &body[delimiter.len()..body.len() - closing.len()];
    let separator = format!("\r\n--{boundary}\r\n");
    let split = find(inner, separator.as_bytes()).expect("two parts");
    let (caption, image) = (&inner[..split], &inner[split + separator.len()..]);
    assert!(
        find(image, separator.as_bytes()).is_none(),
        "exactly two parts"
    );

    let part = |part: &[u8]| -> (Vec<String>, Vec<u8>) {
        let end = find(part, b"\r\n\r\n").expect("part headers end with a blank line");
        let headers = std::str::from_utf8(&part[..end]).expect("part headers are text");
        (
            headers.split("\r\n").map(str::to_string).collect(),
            part[end + 4..].to_vec(),
        )
    };
    let (caption_headers, caption_content) = part(caption);
    assert_eq!(
        caption_headers,
        [r#"Content-Disposition: form-data; name="caption""#]
    );
    assert_eq!(caption_content, b"New leaf");
    let (image_headers, image_content) = part(image);
    assert!(
        image_headers.contains(
            &r#"Content-Disposition: form-data; name="image"; filename="leaf.jpg""#.to_string()
        ),
        "part headers: {image_headers:?}"
    );
    assert!(
        image_headers.contains(&"Content-Type: image/jpeg".to_string()),
        "part headers: {image_headers:?}"
    );
    assert_eq!(image_content, jpeg, "file bytes must be sent verbatim");

    assert_eq!(photo.id, "ph_1");
    assert_eq!(photo.caption.as_deref(), Some("New leaf"));
    assert_eq!(photo.bytes, jpeg.len() as i64);
}

// ---------------------------------------------------------------------------
// 6. Per-operation `produces: [text/plain]`
// ---------------------------------------------------------------------------

#[tokio::test]
async fn care_sheet_is_plain_text() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        "/plants/8/care-sheet",
        ResponseTemplate::new(200)
            .set_body_raw("Water weekly.\nBright, indirect light.", "text/plain"),
    )
    .await;

    let sheet = client(&server)
        .plants()
        .get_care_sheet(8)
        .send()
        .await
        .expect("care sheet succeeds");

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), "/plants/8/care-sheet");
    assert_api_key(&request);
    assert_eq!(sheet, "Water weekly.\nBright, indirect light.");
}
