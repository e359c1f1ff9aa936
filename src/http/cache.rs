//! The public catalog changes rarely and is read on every visit, so it is read from the store at most
//! once a second and its pages are rendered once per language per refresh. Nothing here is needed by
//! another instance: each keeps its own copy, at most a second old. Seats are enforced by the database,
//! never by this copy.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use askama::Template;
use axum::body::Bytes;
use time::OffsetDateTime;

use super::api::ProgramJson;
use super::views::{HomeTemplate, Layout, group_by_edition};
use crate::config::Config;
use crate::domain::locale::Locale;
use crate::i18n::Tr;
use crate::store::{ProgramRecord, Store, StoreError};

/// One reading of the catalog with what is rendered from it.
pub struct Snapshot {
    taken: Instant,
    pub programs: Vec<ProgramRecord>,
    /// The home page, English then French.
    home: [Bytes; 2],
    /// `/api/v1/programs`.
    pub api_json: Bytes,
}

impl Snapshot {
    pub fn home(&self, locale: Locale) -> Bytes {
        match locale {
            Locale::En => self.home[0].clone(),
            Locale::Fr => self.home[1].clone(),
        }
    }

    pub fn program(&self, edition: &str, slug: &str) -> Option<&ProgramRecord> {
        self.programs
            .iter()
            .find(|p| p.edition_slug == edition && p.slug == slug)
    }
}

pub struct PublicCatalog {
    store: Arc<dyn Store>,
    ttl: Duration,
    current: RwLock<Option<Arc<Snapshot>>>,
    refreshing: tokio::sync::Mutex<()>,
}

impl PublicCatalog {
    pub fn new(store: Arc<dyn Store>, ttl: Duration) -> Self {
        PublicCatalog {
            store,
            ttl,
            current: RwLock::new(None),
            refreshing: tokio::sync::Mutex::new(()),
        }
    }

    fn current(&self) -> Option<Arc<Snapshot>> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// A snapshot at most `ttl` old; while one request refreshes it, the others keep the previous one.
    pub async fn get(&self, config: &Config) -> Result<Arc<Snapshot>, StoreError> {
        let current = self.current();
        if let Some(s) = &current
            && s.taken.elapsed() < self.ttl
        {
            return Ok(s.clone());
        }
        let _guard = match (&current, self.refreshing.try_lock()) {
            (_, Ok(guard)) => guard,
            (Some(stale), Err(_)) => return Ok(stale.clone()),
            (None, Err(_)) => self.refreshing.lock().await,
        };
        if let Some(s) = self.current()
            && s.taken.elapsed() < self.ttl
        {
            return Ok(s);
        }
        let fresh = match self.store.programs().await {
            Ok(programs) => Arc::new(build(programs, config)?),
            // The database is away: the last reading still serves the public pages.
            Err(e) => match current {
                Some(stale) => {
                    tracing::warn!(error = %e, "catalog refresh failed; serving the previous reading");
                    return Ok(stale);
                }
                None => return Err(e),
            },
        };
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some(fresh.clone());
        Ok(fresh)
    }

    /// Forgets the snapshot (after this process changed the catalog).
    pub fn invalidate(&self) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

fn build(programs: Vec<ProgramRecord>, config: &Config) -> Result<Snapshot, StoreError> {
    let now = OffsetDateTime::now_utc();
    let render = |locale: Locale| -> Result<Bytes, StoreError> {
        let tr = Tr(locale);
        let page = HomeTemplate {
            layout: Layout::new(tr, "/", &tr.t("site-name"), config),
            groups: group_by_edition(&programs, tr, now),
        };
        page.render()
            .map(Bytes::from)
            .map_err(|e| StoreError::Corrupt(format!("home page: {e}")))
    };
    let api: Vec<ProgramJson> = programs
        .iter()
        .map(|p| ProgramJson::new(p, &config.public_url, now))
        .collect();
    let api_json = serde_json::to_vec(&api).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(Snapshot {
        taken: Instant::now(),
        home: [render(Locale::En)?, render(Locale::Fr)?],
        api_json: Bytes::from(api_json),
        programs,
    })
}
