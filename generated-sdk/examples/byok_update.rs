//! Renames a BYOK credential, or switches it off or on.
//!
//! `OPENROUTER_API_KEY=... cargo run -p openrouter-byok --example byok_update <credential id> [--name NAME] [--disable|--enable] [--clear-key-hashes]`

use openrouter_byok::models::UpdateByokKeyRequest;
use openrouter_byok::{Client, Nullable};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(id) = args.next() else {
        eprintln!("usage: byok_update <credential id> [--name NAME] [--disable|--enable] [--clear-key-hashes]");
        return std::process::ExitCode::FAILURE;
    };
    let mut body = UpdateByokKeyRequest::default();
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--name" => body.name = args.next().map_or(Nullable::Null, Nullable::Value),
            "--disable" => body.disabled = Some(true),
            "--enable" => body.disabled = Some(false),
            // `null` lifts the restriction; leaving the field out keeps it as it is.
            "--clear-key-hashes" => body.allowed_api_key_hashes = Nullable::Null,
            other => {
                eprintln!("unknown option {other}");
                return std::process::ExitCode::FAILURE;
            }
        }
    }
    let result = match Client::from_env() {
        Ok(client) => client.byok().update(id, body).await.map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    match result {
        Ok(updated) => {
            println!("{:#?}", updated.data);
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
