// Usage: node graphiql.mjs <server URL> <chromium path> <query> [<query> …]
//
// Loads GraphiQL from the server in headless Chromium, runs each query with
// the run button and prints one JSON object: the result pane's text after
// each query ("results"), every request or WebSocket that went anywhere but
// the server ("outside"), and the failed responses, console errors and
// uncaught exceptions of the page, and a step that failed ("errors").
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [url, executablePath, ...queries] = process.argv.slice(2);
const server = new URL(url);
const profile = mkdtempSync(join(tmpdir(), 'nongjiao-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const out = { results: [], outside: [], errors: [] };
try {
  const local = (u) => {
    const { protocol, host } = new URL(u);
    return protocol === 'data:' || protocol === 'blob:' || host === server.host;
  };
  context.on('request', (r) => { if (!local(r.url())) out.outside.push(r.url()); });
  const page = context.pages()[0] ?? await context.newPage();
  page.on('websocket', (ws) => { if (!local(ws.url())) out.outside.push(ws.url()); });
  context.on('response', (r) => { if (r.status() >= 400) out.errors.push(`${r.status()} ${r.url()}`); });
  page.on('console', (m) => { if (m.type() === 'error') out.errors.push(m.text()); });
  page.on('pageerror', (e) => out.errors.push(String(e)));
  page.setDefaultTimeout(60_000);

  await page.goto(server.href);
  await page.waitForSelector('.graphiql-query-editor .CodeMirror');
  for (const query of queries) {
    const before = await resultText(page);
    await page.evaluate((q) => {
      document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(q);
    }, query);
    // GraphiQL parses the editor's text 100 ms after a change and chooses
    // HTTP or WebSocket by that parse: run once it has the new query.
    await page.waitForFunction((q) => {
      const cm = document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror;
      return cm.documentAST?.loc?.source?.body === q;
    }, query);
    await page.click('.graphiql-execute-button');
    // A subscription's pane changes with each message: wait for it to settle.
    await page.waitForFunction((prev) => {
      const text = document.querySelector('.result-window .CodeMirror').CodeMirror.getValue();
      return text !== prev && text !== '' && !document.querySelector('.graphiql-execute-button[aria-label*="Stop"]');
    }, before);
    out.results.push(await resultText(page));
  }
} catch (e) { // reported with what the page did up to then
  out.errors.push(String(e));
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(JSON.stringify(out));

function resultText(page) {
  return page.evaluate(() => document.querySelector('.result-window .CodeMirror').CodeMirror.getValue());
}
