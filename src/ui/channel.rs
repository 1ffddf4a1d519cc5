//! Runs announced across tabs: a `BroadcastChannel` named [`CHANNEL_NAME`] on which each
//! tab says which runs it drives ([`RunAnnouncement`]) and asks the others ([`RunChannel::ask`]).
//!
//! Why: the domain lock (`ui::locks`) stops a second run, but a page also needs to *show*
//! that another tab is driving a domain, with which run and since when, and a tab opened
//! later must learn that without waiting for the next change. So every post of a run that
//! has not ended is remembered by the [`RunChannel`] that posted it, and an `ask` from any
//! tab is answered by every live channel with those announcements; an `ended` post
//! forgets the run. A tab that dies mid-run never says `ended`: the observer can tell by
//! the run's lock being gone (`ui::locks::held_names`).
//!
//! Messages are JSON text: `{"type": "run", "tab_id", "run_id", "endpoint", "domain",
//! "started_ms", "state"}` or `{"type": "ask", "tab_id"}`; anything else (another
//! version's message) is ignored. They never hold a credential: an endpoint URL (which
//! `sign::Endpoint` never lets carry user info), a domain name, ids and a time.
//!
//! The tab id ([`tab_id`]) is random per page load, not kept in `sessionStorage`: a
//! duplicated tab copies `sessionStorage`, which would give two live tabs one id, and an
//! id only has to name a live page (a reloaded page's run is found again by its run id
//! and recovery record, not by its tab).

use std::cell::RefCell;
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use web_sys::{BroadcastChannel, MessageEvent};

/// The channel's name, the same in every tab of the origin.
pub const CHANNEL_NAME: &str = "pde.runs";

/// Where a run is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RunPhase {
    /// Setting up or driving capacity.
    Running,
    /// Stopped or finished, scaling down / deleting what it created.
    TearingDown,
    /// Nothing more will be sent.
    Ended,
}

/// One tab's word about one of its runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunAnnouncement {
    /// The announcing page ([`tab_id`]).
    pub tab_id: String,
    /// The run's id (`ui::storage::runs::new_run_id`).
    pub run_id: String,
    /// The endpoint the run signs for.
    pub endpoint: String,
    /// The domain it drives.
    pub domain: String,
    /// When it started (ms since the Unix epoch).
    pub started_ms: f64,
    /// Where it is.
    pub state: RunPhase,
}

impl RunAnnouncement {
    /// An announcement by this page ([`tab_id`]).
    pub fn new(
        run_id: &str,
        endpoint: &str,
        domain: &str,
        started_ms: f64,
        state: RunPhase,
    ) -> Self {
        Self {
            tab_id: tab_id(),
            run_id: run_id.to_string(),
            endpoint: endpoint.to_string(),
            domain: domain.to_string(),
            started_ms,
            state,
        }
    }
}

/// What goes over the channel.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
enum Message {
    /// A run's state.
    Run(RunAnnouncement),
    /// "Who is running?": every live channel answers with its runs that have not ended.
    Ask {
        /// The asking page.
        tab_id: String,
    },
}

/// Why the channel could not be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChannelError {
    /// This browser has no `BroadcastChannel`.
    #[error("this browser cannot tell other tabs about runs (no BroadcastChannel)")]
    Unavailable,
    /// The browser refused to open it or to post.
    #[error("the browser refused the cross-tab channel: {0}")]
    Refused(String),
}

thread_local! {
    static TAB_ID: String = crate::ui::random::random_hex::<16>();
}

/// This page's id: 32 random hex digits, new with every page load.
pub fn tab_id() -> String {
    TAB_ID.with(String::clone)
}

/// The runs this channel has announced and not ended: an `ask` is answered with them.
type Announced = Rc<RefCell<Vec<RunAnnouncement>>>;

/// This page's end of [`CHANNEL_NAME`]; closed when dropped.
pub struct RunChannel {
    channel: BroadcastChannel,
    announced: Announced,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

fn refused(error: &JsValue) -> ChannelError {
    let text = js_sys::Reflect::get(error, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| "unknown error".to_string());
    ChannelError::Refused(text)
}

fn post_message(channel: &BroadcastChannel, message: &Message) -> Result<(), ChannelError> {
    let text = serde_json::to_string(message).map_err(|e| ChannelError::Refused(e.to_string()))?;
    channel
        .post_message(&JsValue::from_str(&text))
        .map_err(|e| refused(&e))
}

impl RunChannel {
    /// Opens the channel; `on_message` gets every other tab's (and every other channel's
    /// in this page) announcements, including the answers to [`RunChannel::ask`]. A
    /// channel never receives its own posts.
    pub fn open(
        on_message: impl Fn(RunAnnouncement) + 'static,
    ) -> Result<RunChannel, ChannelError> {
        let exists = web_sys::window()
            .and_then(|w| js_sys::Reflect::has(&w, &JsValue::from_str("BroadcastChannel")).ok())
            .unwrap_or(false);
        if !exists {
            return Err(ChannelError::Unavailable);
        }
        let channel = BroadcastChannel::new(CHANNEL_NAME).map_err(|e| refused(&e))?;
        let announced: Announced = Rc::default();
        let answer_from = channel.clone();
        let ours = Rc::clone(&announced);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let Some(text) = event.data().as_string() else {
                return;
            };
            match serde_json::from_str::<Message>(&text) {
                Ok(Message::Run(announcement)) => on_message(announcement),
                Ok(Message::Ask { .. }) => {
                    for announcement in ours.borrow().iter() {
                        // An answer that cannot be posted (the channel closing) is lost
                        // like any message to a closing tab.
                        let _ = post_message(&answer_from, &Message::Run(announcement.clone()));
                    }
                }
                Err(_) => {}
            }
        });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Ok(RunChannel {
            channel,
            announced,
            _on_message: on_message,
        })
    }

    /// Tells the other tabs about a run, and remembers it to answer `ask`s until it is
    /// posted as [`RunPhase::Ended`].
    pub fn post(&self, announcement: &RunAnnouncement) -> Result<(), ChannelError> {
        {
            let mut announced = self.announced.borrow_mut();
            announced.retain(|a| a.run_id != announcement.run_id);
            if announcement.state != RunPhase::Ended {
                announced.push(announcement.clone());
            }
        }
        post_message(&self.channel, &Message::Run(announcement.clone()))
    }

    /// Asks every other live channel for its runs; the answers arrive at `on_message`.
    pub fn ask(&self) -> Result<(), ChannelError> {
        post_message(&self.channel, &Message::Ask { tab_id: tab_id() })
    }
}

impl Drop for RunChannel {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.channel.close();
    }
}
