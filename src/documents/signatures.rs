//! The signatories' signature images (`certificates/signatures/*.png`), read when a certificate is
//! first printed with one and kept for the life of the process. The renderers never read files:
//! they are handed the decoded [`Picture`].

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::pdf::Picture;

/// Signature images by file name.
pub struct SignatureImages {
    dir: PathBuf,
    cache: Mutex<HashMap<String, Option<Arc<Picture>>>>,
}

impl SignatureImages {
    /// Images under `certificates_dir/signatures/`.
    pub fn new(certificates_dir: impl Into<PathBuf>) -> SignatureImages {
        SignatureImages {
            dir: certificates_dir.into().join("signatures"),
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The image `name` names (a bare `.png` file name of the folder); `None`, with a warning in
    /// the log, when it is missing or not a readable PNG: the certificate is printed without it.
    pub fn get(&self, name: &str) -> Option<Arc<Picture>> {
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(found) = cache.get(name) {
            return found.clone();
        }
        let plain = crate::domain::catalog::is_plain_image_name(name);
        let loaded = if plain {
            let path = self.dir.join(name);
            match std::fs::read(&path) {
                Ok(bytes) => match Picture::from_png("Signature", &bytes) {
                    Ok(p) => Some(Arc::new(p)),
                    Err(e) => {
                        tracing::warn!(file = %path.display(), error = %e, "the signature image is not a readable PNG");
                        None
                    }
                },
                Err(e) => {
                    tracing::warn!(file = %path.display(), error = %e, "the signature image cannot be read");
                    None
                }
            }
        } else {
            tracing::warn!(
                name,
                "the signature image's name is not a plain .png file name"
            );
            None
        };
        cache.insert(name.to_owned(), loaded.clone());
        loaded
    }

    /// The picture a certificate record names, if any and readable.
    pub fn for_record(
        &self,
        record: &crate::domain::certificate::CertificateRecord,
    ) -> Option<Arc<Picture>> {
        record
            .issuer
            .signature_image
            .as_deref()
            .and_then(|name| self.get(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_placeholder_is_read_and_bad_names_are_not() {
        let images = SignatureImages::new(concat!(env!("CARGO_MANIFEST_DIR"), "/certificates"));
        let p = images
            .get("signatory.png")
            .expect("the placeholder decodes");
        assert_eq!((p.width, p.height), (360, 105));
        assert!(images.get("../keys/signing.key").is_none());
        assert!(images.get("missing.png").is_none());
    }
}
