// The page's timer worker (src/api/ticker.rs): a dedicated worker's timers keep their
// time while the tab is hidden, where the page's own setTimeout is aligned to 1 s and,
// after 5 minutes hidden, to 1 minute. A frozen tab freezes this worker too.
//
// Protocol, one message each way:
//   page → worker  {id, ms}            start timer `id`, firing after `ms` milliseconds
//   page → worker  {id, cancel: true}  forget timer `id` (its sleep was dropped)
//   worker → page  {id}                timer `id` fired
// Anything else is ignored. Served same-origin (CSP: worker-src 'self').
'use strict';

const MAX_MS = 2147483647; // setTimeout fires at once beyond this; the page splits longer sleeps.
const timers = new Map();

self.onmessage = (event) => {
  const message = event.data;
  if (!message || typeof message.id !== 'number') return;
  const { id } = message;
  if (message.cancel === true) {
    clearTimeout(timers.get(id));
    timers.delete(id);
    return;
  }
  const ms = Math.min(Math.max(0, Number(message.ms) || 0), MAX_MS);
  clearTimeout(timers.get(id));
  timers.set(id, setTimeout(() => {
    timers.delete(id);
    self.postMessage({ id });
  }, ms));
};
