//! Fixtures shared by the hand-written test crates of the generated SDK.

use serde_json::{Value, json};

/// A stored credential with the given id, as the API returns it.
pub fn key_json(id: &str) -> Value {
    json!({
        "id": id,
        "provider": "openai",
        "workspace_id": null,
        "name": "Production OpenAI Key",
        "label": "sk-...AbCd",
        "disabled": false,
        "is_fallback": false,
        "allowed_models": null,
        "allowed_api_key_hashes": null,
        "allowed_user_ids": null,
        "sort_order": 0,
        "created_at": "2025-08-24T10:30:00Z"
    })
}
