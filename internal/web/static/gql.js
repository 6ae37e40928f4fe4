// The page's link to nongjiao's GraphQL API: queries and mutations over
// HTTP POST /graphql, subscriptions over graphql-ws on the same path (the
// UMD build the server also serves to GraphiQL, loaded as a classic script
// that defines globalThis.graphqlWs), and the signed-in party's token.

const TOKEN_KEY = 'nongjiao:token';
const listeners = new Set();

// signIn is where a sign-in flow plugs in. Without one the user pastes a
// token (one minted by `nongjiao token`, or an ID token of the OpenID Connect
// provider the server trusts); the provider's sign-in (oidc.js) sets `begin`
// to its redirect and calls setToken with the ID token it returns.
export const signIn = {
  begin: null, // () => Promise: when set, the page offers it beside the token box; it rejects with a SignInError
};

// token is the bearer token: the provider's, kept for this tab only
// (sessionStorage), else a pasted one (localStorage).
export function token() { return sessionStorage.getItem(TOKEN_KEY) || localStorage.getItem(TOKEN_KEY) || ''; }

// setToken stores the token (or forgets both kinds with '') and reconnects
// the subscriptions as the new party. A session token (the provider's) lasts
// as long as the tab.
export function setToken(t, { session = false } = {}) {
  sessionStorage.removeItem(TOKEN_KEY);
  localStorage.removeItem(TOKEN_KEY);
  if (t) (session ? sessionStorage : localStorage).setItem(TOKEN_KEY, t.trim());
  resetSocket();
  listeners.forEach((f) => f());
}

// onTokenChange calls f after every setToken; it returns the unsubscribe.
export function onTokenChange(f) { listeners.add(f); return () => listeners.delete(f); }

// GqlError is a refused operation: code is the first error's extensions.code.
export class GqlError extends Error {
  constructor(errors) {
    super(errors.map((e) => e.message).join('; '));
    this.errors = errors;
    this.code = errors[0]?.extensions?.code || 'INTERNAL';
  }
}

// query runs a query or mutation and returns its data, or throws GqlError.
export async function query(document, variables = {}) {
  const headers = { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json' };
  if (token()) headers.Authorization = 'Bearer ' + token();
  let res;
  try {
    res = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query: document, variables }) });
  } catch (e) {
    throw new GqlError([{ message: String(e), extensions: { code: 'NETWORK' } }]);
  }
  const body = await res.json().catch(() => ({ errors: [{ message: res.statusText, extensions: { code: 'INTERNAL' } }] }));
  if (body.errors?.length) throw new GqlError(body.errors);
  return body.data;
}

let socket = null;
const socketListeners = new Set();

function client() {
  if (!socket) {
    const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/graphql';
    socket = globalThis.graphqlWs.createClient({
      url,
      connectionParams: () => (token() ? { Authorization: 'Bearer ' + token() } : {}),
      lazy: true,
      retryAttempts: Infinity,
      shouldRetry: () => true,
      retryWait: async (n) => new Promise((r) => setTimeout(r, Math.min(500 * 2 ** n, 5000))),
      on: {
        connected: () => socketListeners.forEach((f) => f('connected')),
        closed: () => socketListeners.forEach((f) => f('closed')),
      },
    });
  }
  return socket;
}

function resetSocket() {
  if (socket) socket.dispose();
  socket = null;
}

// onSocket calls f('connected') and f('closed') as the WebSocket comes and goes.
export function onSocket(f) { socketListeners.add(f); return () => socketListeners.delete(f); }

// subscribe starts a subscription; sink gets next(data), error(GqlError) and
// complete(). It returns the unsubscribe. A dropped connection completes the
// subscription (the client reconnects for the next one): callers resubscribe.
export function subscribe(document, variables, sink) {
  return client().subscribe({ query: document, variables }, {
    next: (r) => (r.errors?.length ? sink.error(new GqlError(r.errors)) : sink.next(r.data)),
    error: (e) => sink.error(e instanceof Error ? e : new GqlError([{ message: e?.reason || 'connection closed', extensions: { code: 'NETWORK' } }])),
    complete: () => sink.complete?.(),
  });
}

// follow keeps a subscription going: when the server ends it (the live hub
// drops a subscriber that lags too far behind) it starts again, half a second
// later, with the variables vars() returns then. An error ends it for good.
// It returns the unsubscribe.
export function follow(document, vars, sink) {
  let stop = () => {};
  let stopped = false;
  const start = () => {
    stop = subscribe(document, vars(), { ...sink, complete: () => { if (!stopped) setTimeout(() => !stopped && start(), 500); } });
  };
  start();
  return () => { stopped = true; stop(); };
}

// dropConnection closes the WebSocket as a lost network would: subscriptions
// end with an error and reconnect (used by the room's "reconnect" link).
export function dropConnection() { if (socket) socket.terminate(); }

let offset = 0; // exchange time minus this browser's time, in ms

// syncClock reads the exchange's clock (a sandbox's may be days away from
// the browser's), so countdowns count to the exchange's deadlines.
export async function syncClock() {
  const before = Date.now();
  const d = await query('{ clock { now } }');
  offset = Date.parse(d.clock.now) - (before + Date.now()) / 2;
}

// now is the exchange's time in ms.
export function now() { return Date.now() + offset; }
