// Usage: node signin.mjs <config JSON>
//
// Signs in to the exchange's page in headless Chromium through its OpenID
// Connect provider (oidc-provider's built-in login and consent pages), posts
// a demand as the signed-in party, signs out, then brings back a provider
// response whose state was tampered with; it prints one JSON object of what
// it saw for the Go test (internal/web) to judge. The config names the
// server's URL, the Chromium to drive, the provider's issuer and the login to
// sign in with.
import { launch } from './launch.mjs';

const cfg = JSON.parse(process.argv[2]);
const server = new URL(cfg.url);
const out = { errors: [] };
const browser = await launch(cfg.chromium);

// claims decodes a JWT's payload.
const claims = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());

// open returns a page of a new browser context at the board's hash route,
// and a list of the token endpoint requests it makes.
async function open(hash) {
  const context = await browser.newContext({ locale: 'zh-CN' });
  const tokenRequests = [];
  context.on('request', (r) => { if (r.url() === cfg.issuer + '/token') tokenRequests.push(r.method()); });
  context.on('response', (r) => { if (new URL(r.url()).host === server.host && r.status() >= 400) out.errors.push(`${r.status()} ${r.url()}`); });
  const page = await context.newPage();
  page.on('pageerror', (e) => out.errors.push(String(e)));
  page.setDefaultTimeout(20_000);
  await page.goto(server.origin + '/' + hash);
  return { page, tokenRequests };
}

// signInAtProvider clicks the board's provider sign-in and fills in the
// provider's login and consent pages.
async function signInAtProvider(page) {
  await page.click('.sign-in-provider');
  await page.waitForURL((u) => u.origin === cfg.issuer);
  await page.fill('input[name=login]', cfg.login);
  await page.fill('input[name=password]', 'any');
  await page.click('button[type=submit]');
  await page.waitForSelector('button[type=submit]:has-text("Continue")');
  await page.click('button[type=submit]');
}

const stored = (page) => page.evaluate(() => ({ session: sessionStorage.getItem('nongjiao:token') || '', local: localStorage.getItem('nongjiao:token') || '' }));

try {
  // Sign in from the demands page and come back to it, signed in.
  const { page, tokenRequests } = await open('#/demands');
  await page.waitForSelector('.sign-in-provider');
  out.offered = await page.$eval('.sign-in-provider', (e) => e.textContent);
  await signInAtProvider(page);
  await page.waitForSelector('.me');
  out.back = await page.evaluate(() => location.pathname + location.search + location.hash);
  out.me = await page.$eval('.me', (e) => ({ role: e.dataset.role, party: e.dataset.party }));
  const s = await stored(page);
  out.stored = { session: s.session ? claims(s.session) : null, local: s.local };
  out.tokenRequests = tokenRequests.length;

  // A mutation with the provider's token: the party posts a demand.
  const sent = page.waitForRequest((r) => r.url().endsWith('/graphql') && (r.postData() || '').includes('postDemand'));
  await page.click('.post-demand');
  const bearer = ((await sent).headers().authorization || '').replace(/^Bearer /, '');
  out.posted = { bearer: bearer ? claims(bearer) : null, sameAsStored: bearer === s.session };
  await page.waitForSelector('.demands p.ok, .demands p.error');
  out.posted.message = await page.$eval('.demands p[role=alert]', (e) => ({ ok: e.classList.contains('ok'), text: e.textContent }));

  // Signing out forgets the token.
  await page.click('.sign-out');
  await page.waitForSelector('.sign-in-provider');
  out.signedOut = await stored(page);

  // A provider response whose state is not the one the tab sent (changed on
  // its way to the provider, which sends it back) is refused before its code
  // is exchanged.
  const t = await open('');
  await t.page.route((u) => u.origin === cfg.issuer && u.pathname === '/auth', (r) => {
    const u = new URL(r.request().url());
    u.searchParams.set('state', 'x' + u.searchParams.get('state'));
    return r.continue({ url: u.href });
  });
  await t.page.waitForSelector('.sign-in-provider');
  await signInAtProvider(t.page);
  await t.page.waitForSelector('.sign-in-error');
  out.tampered = {
    error: await t.page.$eval('.sign-in-error', (e) => ({ code: e.dataset.code, text: e.textContent })),
    signedIn: (await t.page.$('.me')) !== null, stored: await stored(t.page), tokenRequests: t.tokenRequests.length,
  };
} catch (e) { // reported with what the pages did up to then
  out.errors.push(String(e.stack || e));
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
