//! Lists every BYOK credential, page by page.
//!
//! `OPENROUTER_API_KEY=... cargo run -p openrouter-byok --example byok_list [provider]`

use futures::StreamExt;
use openrouter_byok::Client;
use openrouter_byok::models::ByokProviderSlug;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let client = match Client::from_env() {
        Ok(client) => client,
        Err(e) => {
            eprintln!("error: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let mut request = client.byok().list().limit(50);
    if let Some(provider) = std::env::args().nth(1) {
        request = request.provider(ByokProviderSlug::from(provider.as_str()));
    }
    let mut credentials = request.into_stream();
    while let Some(item) = credentials.next().await {
        match item {
            Ok(key) => println!("{} {} {:?} disabled={}", key.id, key.provider, key.name, key.disabled),
            Err(e) => {
                eprintln!("error: {e}");
                return std::process::ExitCode::FAILURE;
            }
        }
    }
    std::process::ExitCode::SUCCESS
}
