//! Hand-written additions to the generated client. `cargo xtask codegen` never
//! writes, removes or reports anything under `src/custom/`, and declares this
//! module in `lib.rs` because `src/custom/mod.rs` exists; it may add methods to
//! any type of the crate.

use futures_util::StreamExt;

use crate::models::{ByokKey, ByokProviderSlug};
use crate::{Client, Error};

impl Client {
    /// Every stored credential for `provider`, across all pages (the list is
    /// bounded by the pagination caps of `into_stream`).
    pub async fn byok_keys_for(&self, provider: ByokProviderSlug) -> Result<Vec<ByokKey>, Error> {
        let mut keys = Vec::new();
        let mut stream = self.byok().list().provider(provider).into_stream();
        while let Some(key) = stream.next().await {
            keys.push(key?);
        }
        Ok(keys)
    }
}
