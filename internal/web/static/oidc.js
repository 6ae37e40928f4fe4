// Sign-in through the OpenID Connect provider the server trusts, when
// /config.json names one: the Authorization Code flow with PKCE (S256) as a
// public client. signIn.begin sends the browser to the provider's
// authorization endpoint with a fresh state, nonce and code verifier kept in
// sessionStorage; the provider sends it back to /signin/callback (the server
// serves this page there), where complete checks the state, exchanges the
// code at the token endpoint with the verifier, checks the ID token's nonce,
// issuer and audience, and keeps the ID token as the tab's bearer token. The
// server verifies its signature, audience (the client id) and expiry.
import { setToken, signIn } from 'nj/gql.js';

const PENDING = 'nongjiao:signin'; // the sign-in under way: state, nonce, verifier, the route to return to
const CALLBACK = '/signin/callback';

// SignInError is a failed provider sign-in; code is a key of i18n's refusals.
export class SignInError extends Error {
  constructor(code, message) { super(message); this.code = code; }
}

const base64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const random = (n) => base64url(crypto.getRandomValues(new Uint8Array(n)));
const redirectURI = () => location.origin + CALLBACK;

// discover reads the provider's discovery document and checks that it
// speaks for the configured issuer.
async function discover(issuer) {
  let d;
  try {
    const res = await fetch(issuer.replace(/\/$/, '') + '/.well-known/openid-configuration');
    d = await res.json();
  } catch (e) {
    throw new SignInError('SIGN_IN_UNAVAILABLE', String(e));
  }
  if (d.issuer !== issuer) throw new SignInError('SIGN_IN_UNAVAILABLE', `the discovery document names issuer ${d.issuer}`);
  return d;
}

// claims decodes a JWT's payload (the server verifies its signature).
function claims(jwt) {
  const b64 = (jwt.split('.')[1] || '').replace(/-/g, '+').replace(/_/g, '/');
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))));
}

async function begin(p) {
  const d = await discover(p.issuer);
  const verifier = random(32);
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  const pending = { state: random(16), nonce: random(16), verifier, back: location.hash };
  sessionStorage.setItem(PENDING, JSON.stringify(pending));
  const u = new URL(d.authorization_endpoint);
  u.search = new URLSearchParams({
    response_type: 'code', client_id: p.clientId, redirect_uri: redirectURI(), scope: 'openid',
    state: pending.state, nonce: pending.nonce, code_challenge: challenge, code_challenge_method: 'S256',
  });
  location.assign(u);
}

// complete finishes the sign-in the provider sent the browser back from. The
// pending sign-in is used once: a response whose state is not the one this
// tab sent is refused before its code goes anywhere.
async function complete(p) {
  const params = new URLSearchParams(location.search);
  const pending = JSON.parse(sessionStorage.getItem(PENDING) || 'null');
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, '', '/' + (pending?.back || ''));
  if (!pending || params.get('state') !== pending.state) {
    throw new SignInError('SIGN_IN_STATE_MISMATCH', 'the state does not match the sign-in this tab began');
  }
  if (params.get('error')) throw new SignInError('SIGN_IN_REFUSED', params.get('error_description') || params.get('error'));
  const d = await discover(p.issuer);
  let body;
  try {
    const res = await fetch(d.token_endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: params.get('code') || '', redirect_uri: redirectURI(),
        client_id: p.clientId, code_verifier: pending.verifier }),
    });
    body = await res.json();
  } catch (e) {
    throw new SignInError('SIGN_IN_UNAVAILABLE', String(e));
  }
  if (!body.id_token) throw new SignInError('SIGN_IN_REFUSED', body.error_description || body.error || 'no ID token');
  const c = claims(body.id_token);
  if (c.nonce !== pending.nonce) throw new SignInError('SIGN_IN_NONCE_MISMATCH', 'the ID token answers another sign-in');
  if (c.iss !== p.issuer || ![].concat(c.aud).includes(p.clientId)) throw new SignInError('SIGN_IN_REFUSED', 'the ID token is not for this board');
  setToken(body.id_token, { session: true });
}

// setUpSignIn reads /config.json; with a provider it sets signIn.begin and,
// on the callback path, completes the sign-in. It resolves to the
// SignInError of a failed completion, else to null.
export async function setUpSignIn() {
  const cfg = await fetch('/config.json').then((r) => r.json()).catch(() => ({}));
  const p = cfg.signIn;
  if (!p?.issuer) return null;
  signIn.begin = () => begin(p);
  if (location.pathname !== CALLBACK) return null;
  try {
    await complete(p);
    return null;
  } catch (e) {
    return e instanceof SignInError ? e : new SignInError('SIGN_IN_UNAVAILABLE', String(e));
  }
}
