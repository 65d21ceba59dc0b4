//! The reload channel: Server-Sent Events from the server to every open page.
//!
//! Pages load `{base_path}__optout/live.js` (an external file: the site's CSP forbids inline
//! scripts), which opens an `EventSource` on `{base_path}__optout/events`. Messages, each with a
//! JSON payload:
//! - `hello` `{instance, generation}`: first message of every connection; a page that reconnects
//!   and sees other values missed an update and reloads;
//! - `reload` `{changed, removed, full, generation}`: output paths; a page reloads when its own
//!   output is among them, or always when `full`;
//! - `css` `{changed, removed, generation}`: only stylesheets changed; pages swap them in place;
//! - `error` `[diagnostic, …]`: the update failed; pages show the overlay (also sent on connect
//!   while the site is broken);
//! - `ok` `{generation}`: the errors are fixed; pages clear the overlay and reload.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;

use super::state::{Shared, SiteState};
use crate::error::Diagnostics;
use crate::rebuild::ChangeSummary;

pub(crate) const LIVE_JS: &str = include_str!("live.js");
pub(crate) const OVERLAY_CSS: &str = include_str!("overlay.css");

/// Beyond this many paths a `reload` says `full` instead of listing them: every page reloads,
/// and a rebuild of the whole site does not send megabytes to every tab.
const MAX_LISTED: usize = 2000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LiveEvent {
    pub name: &'static str,
    pub data: String,
}

impl LiveEvent {
    pub fn hello(instance: &str, generation: u64) -> Self {
        LiveEvent {
            name: "hello",
            data: json!({"instance": instance, "generation": generation}).to_string(),
        }
    }

    pub fn reload(summary: &ChangeSummary, full: bool, generation: u64) -> Self {
        let full = full || summary.changed.len() + summary.removed.len() > MAX_LISTED;
        let (changed, removed) = if full {
            (Vec::new(), Vec::new())
        } else {
            (summary.changed.clone(), summary.removed.clone())
        };
        LiveEvent {
            name: "reload",
            data: json!({"changed": changed, "removed": removed, "full": full, "generation": generation})
                .to_string(),
        }
    }

    /// Lists only the stylesheets: pages fetch their own new HTML to learn which to load, and
    /// every page of the site changes with a fingerprinted stylesheet's name.
    pub fn css(summary: &ChangeSummary, generation: u64) -> Self {
        let css = |v: &[String]| -> Vec<String> {
            v.iter().filter(|p| p.ends_with(".css")).cloned().collect()
        };
        LiveEvent {
            name: "css",
            data: json!({"changed": css(&summary.changed), "removed": css(&summary.removed), "generation": generation})
                .to_string(),
        }
    }

    pub fn error(diags: &Diagnostics) -> Self {
        LiveEvent {
            name: "error",
            data: serde_json::to_string(&diags.0).unwrap_or_else(|_| "[]".into()),
        }
    }

    pub fn ok(generation: u64) -> Self {
        LiveEvent {
            name: "ok",
            data: json!({"generation": generation}).to_string(),
        }
    }

    fn to_sse(&self) -> Event {
        Event::default().event(self.name).data(&self.data)
    }
}

/// `GET __optout/events`. Called with the state read-locked: rebuilds send their events while
/// holding the write lock, so subscribing here misses nothing and duplicates nothing.
pub(crate) fn events(shared: &Arc<Shared>, st: &SiteState) -> Response {
    let rx = shared.events.subscribe();
    let stop = shared.stop_receiver();
    let mut first = VecDeque::from([LiveEvent::hello(&shared.instance, st.generation)]);
    if !st.errors.is_empty() {
        first.push_back(LiveEvent::error(&st.errors));
    }
    let generation = st.generation;
    let stream = futures_util::stream::unfold(
        (first, rx, stop, generation),
        |(mut first, mut rx, mut stop, mut generation)| async move {
            if let Some(ev) = first.pop_front() {
                return Some((
                    Ok::<_, Infallible>(ev.to_sse()),
                    (first, rx, stop, generation),
                ));
            }
            let ev = tokio::select! {
                _ = stop.wait_for(|s| *s) => return None,
                r = rx.recv() => match r {
                    Ok(ev) => (*ev).clone(),
                    // This page fell behind: whatever it missed, a reload catches it up.
                    Err(RecvError::Lagged(_)) => {
                        generation += 1;
                        LiveEvent::reload(&ChangeSummary::default(), true, generation)
                    }
                    Err(RecvError::Closed) => return None,
                },
            };
            Some((Ok(ev.to_sse()), (first, rx, stop, generation)))
        },
    );
    let mut response = Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(10)))
        .into_response();
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    response
}
