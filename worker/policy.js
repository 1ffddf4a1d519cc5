// The custom policy's sandbox (src/api/sandbox.rs): a dedicated worker that runs the code a
// person wrote, `function decide(observation) { return { capacity, reason, memory } }`, and
// nothing else.
//
// Why a worker: it has no DOM and no access to the page's memory (the secret key stays in
// the page's wasm memory; only the code and each observation are ever posted here), and a
// decision that never returns blocks only this thread: the page terminates the worker after
// the time limit and starts a fresh one. Why this file rather than a blob: worker: the page
// CSP is `worker-src 'self'`.
//
// What is left to the code: plain JavaScript (Math, JSON, Date, ...), `console`, timers
// (with a function; a string would be compiled).
// What is taken away, before anything else runs: every way to the network, to storage, to
// other contexts and back to the page (the list in SEALED below), deleted from the global
// object and its whole prototype chain and then pinned to `undefined` (non-configurable, so
// the code cannot delete the pin to reach a prototype's copy). If any of them is still
// reachable afterwards the worker refuses to compile anything (fails closed).
// `import()` is syntax and cannot be deleted, and without a CSP it loads any URL (measured in
// tests/wasm_sandbox.rs, where the test runner sends none): so code with the word `import`
// is refused, and every way to compile a string at run time is taken away (eval, the four
// Function constructors, string timers), so that the word cannot be assembled either.
// Behind all that, the server sends this file with its own CSP, `default-src 'none';
// script-src 'unsafe-eval'` (a URL worker does not inherit the page's <meta> CSP): even a
// way out missed here can load nothing from elsewhere and connect nowhere.
//
// Protocol (each message an object with `kind`):
//   worker → page  {kind:'ready'}                                  sealed, waiting for code
//   worker → page  {kind:'error', phase:'start', message}          cannot run code (sealing
//                                                                  failed, eval refused)
//   page → worker  {kind:'compile', code}
//   worker → page  {kind:'compiled'}
//                  {kind:'error', phase:'compile', message, line}
//   page → worker  {kind:'decide', id, observation}                observation: an object
//   worker → page  {kind:'result', id, json}                       json: the returned object
//                  {kind:'error', id, phase:'decide', message, line}  decide threw
//                  {kind:'error', id, phase:'result', message}     not a JSON-able value
// `line` is 1-based in the person's code, or null when unknown. Anything else is ignored.
'use strict';

(() => {
  const scope = self;
  // Taken before sealing: the code must not post to the page (it could forge replies) nor
  // listen in place of this file.
  const send = scope.postMessage.bind(scope);
  const listen = scope.addEventListener.bind(scope);
  const later = scope.setTimeout.bind(scope);
  const MakeFunction = Function;
  const stringify = JSON.stringify;
  const getPrototypeOf = Object.getPrototypeOf;
  const getOwnDescriptor = Object.getOwnPropertyDescriptor;
  const defineProperty = Object.defineProperty;
  const deleteProperty = Reflect.deleteProperty;
  const hasOwn = (object, name) => Object.prototype.hasOwnProperty.call(object, name);

  /// The largest result passed on (the memory object is returned every tick).
  const MAX_RESULT_CHARS = 1 << 20;

  // Every name that leads out of this worker. Absent ones (other browsers, other versions)
  // are pinned all the same.
  const SEALED = [
    // network
    'fetch', 'XMLHttpRequest', 'XMLHttpRequestUpload', 'XMLHttpRequestEventTarget',
    'WebSocket', 'WebSocketStream', 'WebTransport', 'EventSource', 'importScripts',
    'FontFace', 'fonts', 'RTCPeerConnection', 'webkitRTCPeerConnection', 'RTCDataChannel',
    'Notification',
    // storage
    'indexedDB', 'IDBFactory', 'caches', 'CacheStorage', 'Cache', 'cookieStore',
    'CookieStore', 'CookieStoreManager', 'StorageManager', 'StorageBucketManager',
    'LockManager', 'FileSystemHandle', 'FileSystemFileHandle', 'FileSystemDirectoryHandle',
    'FileSystemSyncAccessHandle', 'webkitRequestFileSystem', 'webkitRequestFileSystemSync',
    'webkitResolveLocalFileSystemURL', 'webkitResolveLocalFileSystemSyncURL',
    'requestFileSystem', 'requestFileSystemSync',
    // other contexts, and the way back to the page
    'Worker', 'SharedWorker', 'BroadcastChannel', 'ServiceWorker', 'ServiceWorkerContainer',
    'postMessage', 'navigator', 'WorkerNavigator',
    // strings compiled at run time (to reach `import()`); `Function` is kept as MakeFunction
    'eval', 'Function',
  ];
  /// Replaced rather than removed: each refuses a string (which it would compile).
  const TIMERS = ['setTimeout', 'setInterval'];
  /// The constructors' prototypes, whose `constructor` compiles a string:
  /// Function, AsyncFunction, GeneratorFunction, AsyncGeneratorFunction.
  const FUNCTION_KINDS = [function () {}, async function () {}, function* () {}, async function* () {}]
    .map(getPrototypeOf);

  /// Deletes `name` wherever it is on the global object's prototype chain, then pins it to
  /// `value` (undefined) on the global object itself.
  function seal(name, value = undefined) {
    for (let object = scope; object !== null; object = getPrototypeOf(object)) {
      if (hasOwn(object, name)) deleteProperty(object, name);
    }
    try {
      defineProperty(scope, name, { value, writable: false, enumerable: false, configurable: false });
    } catch {
      // Checked below: a name that could be neither deleted nor pinned fails the start.
    }
  }

  /// The sealed names still reachable (a getter or a value anywhere on the chain).
  function leaks() {
    const found = [];
    for (const name of SEALED) {
      let leak = scope[name] !== undefined;
      for (let object = getPrototypeOf(scope); object !== null; object = getPrototypeOf(object)) {
        const descriptor = getOwnDescriptor(object, name);
        if (descriptor && (descriptor.get || descriptor.value !== undefined)) leak = true;
      }
      if (leak) found.push(name);
    }
    for (const name of TIMERS) if (scope[name] !== guarded[name]) found.push(name);
    FUNCTION_KINDS.forEach((prototype) => {
      if (hasOwn(prototype, 'constructor')) found.push(`${String(prototype[Symbol.toStringTag] || 'Function')} constructor`);
    });
    return found;
  }

  const guarded = {};
  for (const name of TIMERS) {
    const timer = typeof scope[name] === 'function' ? scope[name].bind(scope) : null;
    guarded[name] = function (handler, ...rest) {
      if (typeof handler !== 'function') throw new TypeError(`${name} takes a function here, not code as text`);
      return timer(handler, ...rest);
    };
  }
  for (const name of SEALED) seal(name);
  for (const name of TIMERS) seal(name, guarded[name]);
  for (const prototype of FUNCTION_KINDS) deleteProperty(prototype, 'constructor');
  // Blob URLs live in the origin's blob store, which the page could read: no way there.
  if (typeof URL === 'function') {
    deleteProperty(URL, 'createObjectURL');
    deleteProperty(URL, 'revokeObjectURL');
  }

  /// "Name: message" of a thrown value, whatever it is.
  function describe(error) {
    try {
      if (error instanceof Error) {
        const name = String(error.name || 'Error');
        const message = String(error.message || '');
        return message ? `${name}: ${message}` : name;
      }
      return `threw ${stringify(error) ?? String(error)}`;
    } catch {
      return 'uncaught value that cannot be shown';
    }
  }

  // Code compiled with `new Function` becomes one script whose first lines are the wrapper
  // (`function anonymous(\n) {\n` in V8): line N of the person's code is line N + OFFSET in
  // stack traces and error events. Measured, not assumed.
  const OFFSET = (() => {
    try {
      new MakeFunction('throw new Error()')();
    } catch (error) {
      const line = scriptLine(error);
      if (line !== null) return line - 1;
    }
    return null;
  })();

  /// The line of the innermost frame in compiled code (`<anonymous>:L:C` in V8,
  /// `> Function:L:C` in Firefox), of the script's own numbering.
  function scriptLine(error) {
    let stack;
    try {
      stack = error instanceof Error ? String(error.stack) : '';
    } catch {
      return null;
    }
    const match = /(?:<anonymous>|> Function):(\d+):\d+/.exec(stack);
    return match ? Number(match[1]) : null;
  }

  /// The line in the person's code of an error thrown by it; null when unknown.
  function codeLine(error, lines) {
    const line = scriptLine(error);
    if (line === null || OFFSET === null) return null;
    const own = line - OFFSET;
    return own >= 1 && own <= lines ? own : null;
  }

  function lineCount(code) {
    return code.split('\n').length;
  }

  // A SyntaxError thrown by `new Function` carries no position in V8. An uncaught one is
  // reported to the global `error` event with its line, so the failing parse is repeated in
  // a task of its own and the event read (and cancelled, so that it does not reach the page).
  // Other uncaught errors (the code's own timers) are cancelled too: the page hears only
  // the replies of the protocol.
  let syntaxProbe = null;
  // Capturing, and registered before any code runs: first to hear (see 'message' below).
  listen('error', (event) => {
    event.preventDefault();
    if (syntaxProbe === null) return;
    const probe = syntaxProbe;
    syntaxProbe = null;
    probe(Number(event.lineno) || 0);
  }, true);

  /// Calls `done(line)` with the line of the SyntaxError in `source`, or null.
  function locateSyntaxError(source, lines, done) {
    if (OFFSET === null) {
      done(null);
      return;
    }
    let answered = false;
    const answer = (line) => {
      if (answered) return;
      answered = true;
      const own = line - OFFSET;
      done(own >= 1 && own <= lines ? own : null);
    };
    syntaxProbe = answer;
    later(() => {
      new MakeFunction(source); // throws again, uncaught: the error event above
      syntaxProbe = null;
      answer(0);
    }, 0);
    // Should the event never come (a browser reporting elsewhere), answer without a line.
    later(() => {
      syntaxProbe = null;
      answer(0);
    }, 1000);
  }

  const ready = (() => {
    const leaked = leaks();
    if (leaked.length > 0) return `the sandbox could not remove ${leaked.join(', ')}`;
    try {
      if (new MakeFunction('return 1')() !== 1) return 'the sandbox cannot evaluate code';
    } catch (error) {
      return `this browser does not let the sandbox evaluate code (${describe(error)})`;
    }
    return null;
  })();

  let decide = null;

  function compile(code) {
    decide = null;
    if (typeof code !== 'string') {
      send({ kind: 'error', phase: 'compile', message: 'the code is not text', line: null });
      return;
    }
    const lines = lineCount(code);
    // The one way out that is syntax (see the top). A word, not a parse: also in a comment
    // or a string, which is rare in a policy and cheap to reword.
    const imports = /\bimport\b/.exec(code);
    if (imports !== null) {
      const line = lineCount(code.slice(0, imports.index));
      send({ kind: 'error', phase: 'compile', message: 'the code may not use import (nothing can be loaded into the sandbox); write "import" differently in a comment or text', line });
      return;
    }
    // Appended on a line of its own, so that a trailing `// comment` cannot swallow it.
    const source = `${code}\n;return typeof decide === 'function' ? decide : undefined;`;
    let factory;
    try {
      factory = new MakeFunction(source);
    } catch (error) {
      const message = describe(error);
      if (error instanceof SyntaxError) {
        locateSyntaxError(source, lines, (line) => send({ kind: 'error', phase: 'compile', message, line }));
      } else {
        send({ kind: 'error', phase: 'compile', message, line: null });
      }
      return;
    }
    let found;
    try {
      found = factory.call(undefined);
    } catch (error) {
      send({ kind: 'error', phase: 'compile', message: describe(error), line: codeLine(error, lines) });
      return;
    }
    if (typeof found !== 'function') {
      send({ kind: 'error', phase: 'compile', message: 'the code defines no function decide(observation)', line: null });
      return;
    }
    decide = { run: found, lines };
    send({ kind: 'compiled' });
  }

  function decideOnce(id, observation) {
    if (decide === null) {
      send({ kind: 'error', id, phase: 'decide', message: 'no code compiled', line: null });
      return;
    }
    let result;
    try {
      result = decide.run.call(undefined, observation);
    } catch (error) {
      send({ kind: 'error', id, phase: 'decide', message: describe(error), line: codeLine(error, decide.lines) });
      return;
    }
    const malformed = (message) => send({ kind: 'error', id, phase: 'result', message });
    if (result === undefined) {
      malformed('decide returned nothing (undefined); it must return an object such as { capacity: 1, reason: "..." }');
      return;
    }
    let json;
    try {
      if (result !== null && (typeof result === 'object' || typeof result === 'function')
        && typeof result.then === 'function') {
        malformed('decide returned a promise; it must return its decision at once (no async)');
        return;
      }
      json = stringify(result);
    } catch (error) {
      malformed(`the result cannot be written as JSON (${describe(error)})`);
      return;
    }
    if (typeof json !== 'string') {
      malformed(`decide returned a ${typeof result}, which cannot be written as JSON`);
      return;
    }
    if (json.length > MAX_RESULT_CHARS) {
      malformed(`the result is ${json.length} characters of JSON, more than ${MAX_RESULT_CHARS}`);
      return;
    }
    send({ kind: 'result', id, json });
  }

  // Capturing, and registered before any code runs: the code's own listeners come after it
  // whichever order a browser gives capturing and bubbling ones at the target, so they
  // cannot stop the page's messages reaching it.
  listen('message', (event) => {
    // Only the page's messages: the code could dispatch its own events at this global.
    if (!event.isTrusted) return;
    const message = event.data;
    if (message === null || typeof message !== 'object') return;
    if (ready !== null) {
      if (message.kind === 'compile') send({ kind: 'error', phase: 'start', message: ready });
      return;
    }
    if (message.kind === 'compile') compile(message.code);
    else if (message.kind === 'decide' && typeof message.id === 'number') decideOnce(message.id, message.observation);
  }, true);

  send(ready === null ? { kind: 'ready' } : { kind: 'error', phase: 'start', message: ready });
})();
