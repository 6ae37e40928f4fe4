// A real OpenID Connect provider (oidc-provider) on loopback for the
// server's sign-in test. It runs two issuers on ports of its own choosing:
// "issuer", whose clients ("bank-system"; "operator-system" and
// "bank-as-exchange", whose tokens carry a nongjiao_role claim) get JWT
// access tokens by the client credentials grant for the resources urn:nongjiao:api (audience "nongjiao")
// and urn:other:api (audience "another-api"), and "other", a second
// provider with the same client and, until the first rotates, the same
// signing key: its tokens differ from the first's only in their issuer.
// It prints {"issuer": URL, "other": URL} on one line once both listen.
// POST /rotate on the first issuer replaces its signing key with a new one
// (a new kid) and answers with the new key id.
//
// Usage: node provider.mjs [redirect URI]. Given a redirect URI (the board's
// /signin/callback), the first issuer also has the board's public client
// "nongjiao-board" (Authorization Code with PKCE, no secret, so the provider
// allows its origin CORS at the token endpoint) and the provider's built-in
// login and consent pages, which accept any login: the login becomes the
// ID token's subject.
import http from 'node:http';
import crypto from 'node:crypto';
import Provider from 'oidc-provider';

const audiences = { 'urn:nongjiao:api': 'nongjiao', 'urn:other:api': 'another-api' };

function signingKey() {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: crypto.randomUUID(), alg: 'RS256', use: 'sig' };
}

const board = process.argv[2];
const boardClient = {
  client_id: 'nongjiao-board', token_endpoint_auth_method: 'none', application_type: 'web',
  grant_types: ['authorization_code'], response_types: ['code'], redirect_uris: [board],
};

function provider(issuer, key, withBoard = false) {
  const p = new Provider(issuer, {
    clients: ['bank-system', 'operator-system', 'bank-as-exchange'].map((id) => ({
      client_id: id, client_secret: `${id}-secret`,
      grant_types: ['client_credentials'], response_types: [], redirect_uris: [],
    })).concat(withBoard ? [boardClient] : []),
    // The exchange's operator acts as the fund it runs; the last client asks for a role its party lacks.
    extraTokenClaims: (ctx, token) => ({ 'operator-system': { nongjiao_role: 'fund' }, 'bank-as-exchange': { nongjiao_role: 'exchange' } })[token.clientId],
    jwks: { keys: [key] },
    features: {
      devInteractions: { enabled: withBoard },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => 'urn:nongjiao:api',
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx, resource) => ({
          audience: audiences[resource] ?? resource, scope: 'api', accessTokenFormat: 'jwt', accessTokenTTL: 3600,
        }),
      },
    },
  });
  p.on('server_error', (ctx, err) => console.error('oidc-provider:', err));
  return p;
}

async function listen(handler) {
  const server = http.createServer((req, res) => handler(req, res));
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return `http://127.0.0.1:${server.address().port}`;
}

let main;
const issuer = await listen((req, res) => {
  if (req.method === 'POST' && req.url === '/rotate') {
    const key = signingKey();
    main = provider(issuer, key, !!board).callback();
    res.end(key.kid);
    return;
  }
  main(req, res);
});
const first = signingKey();
main = provider(issuer, first, !!board).callback();

let second;
const other = await listen((req, res) => second(req, res));
second = provider(other, first).callback();

console.log(JSON.stringify({ issuer, other }));
