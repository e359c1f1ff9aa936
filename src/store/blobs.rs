//! Where uploaded files live: behind a trait, in a local folder by default (outside any public path),
//! with room for an S3-compatible store when several instances run.

use std::path::PathBuf;

use async_trait::async_trait;

#[derive(Debug, thiserror::Error)]
#[error("blob store: {0}")]
pub struct BlobError(String);

#[async_trait]
pub trait BlobStore: Send + Sync + 'static {
    /// Stores bytes under `key` (written whole or not at all).
    async fn put(&self, key: &str, bytes: &[u8]) -> Result<(), BlobError>;
    async fn get(&self, key: &str) -> Result<Vec<u8>, BlobError>;
    async fn delete(&self, key: &str) -> Result<(), BlobError>;
}

/// Files in a folder, named by their key.
pub struct LocalBlobStore {
    root: PathBuf,
}

impl LocalBlobStore {
    pub fn new(root: PathBuf) -> Self {
        LocalBlobStore { root }
    }

    fn path(&self, key: &str) -> Result<PathBuf, BlobError> {
        // Keys are ours (random hex with a folder prefix); refuse anything that could leave the root.
        if key.is_empty()
            || key.contains("..")
            || key.starts_with('/')
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '/' || c == '-')
        {
            return Err(BlobError(format!("refused key `{key}`")));
        }
        Ok(self.root.join(key))
    }
}

#[async_trait]
impl BlobStore for LocalBlobStore {
    async fn put(&self, key: &str, bytes: &[u8]) -> Result<(), BlobError> {
        let path = self.path(key)?;
        if let Some(dir) = path.parent() {
            tokio::fs::create_dir_all(dir)
                .await
                .map_err(|e| BlobError(e.to_string()))?;
        }
        let tmp = path.with_extension("partial");
        tokio::fs::write(&tmp, bytes)
            .await
            .map_err(|e| BlobError(e.to_string()))?;
        tokio::fs::rename(&tmp, &path)
            .await
            .map_err(|e| BlobError(e.to_string()))
    }

    async fn get(&self, key: &str) -> Result<Vec<u8>, BlobError> {
        tokio::fs::read(self.path(key)?)
            .await
            .map_err(|e| BlobError(e.to_string()))
    }

    async fn delete(&self, key: &str) -> Result<(), BlobError> {
        match tokio::fs::remove_file(self.path(key)?).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(BlobError(e.to_string())),
        }
    }
}
