//! Shows one BYOK credential.
//!
//! `OPENROUTER_API_KEY=... cargo run -p openrouter-byok --example byok_get <credential id>`

use openrouter_byok::Client;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let Some(id) = std::env::args().nth(1) else {
        eprintln!("usage: byok_get <credential id>");
        return std::process::ExitCode::FAILURE;
    };
    let result = match Client::from_env() {
        Ok(client) => client.byok().get(id).await.map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    match result {
        Ok(found) => {
            println!("{:#?}", found.data);
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
