//! Stores a provider key as a BYOK credential.
//!
//! `OPENROUTER_API_KEY=... cargo run -p openrouter-byok --example byok_create <provider> <raw key> [name]`
//! The raw key is read from the command line here for brevity; it is never printed.

use openrouter_byok::models::{ByokProviderSlug, CreateByokKeyRequest};
use openrouter_byok::{Client, Nullable};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [provider, key, rest @ ..] = args.as_slice() else {
        eprintln!("usage: byok_create <provider> <raw key> [name]");
        return std::process::ExitCode::FAILURE;
    };
    let mut body = CreateByokKeyRequest::new(ByokProviderSlug::from(provider.as_str()), key.as_str().into());
    if let Some(name) = rest.first() {
        body.name = Nullable::Value(name.clone());
    }
    let result = match Client::from_env() {
        Ok(client) => client.byok().create(body).await.map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    match result {
        Ok(created) => {
            println!("{:#?}", created.data);
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
