// Usage: node board.mjs <config JSON>
//
// Drives the exchange's page in headless Chromium against a sandbox server
// holding the demo, as several parties at once, and prints one JSON object of
// what it saw for the Go test (internal/web) to judge. The config names the
// server's URL, the Chromium to drive, bearer tokens by party, the demo's
// live auction, draft, sold and rent-basis announced listings, and a folder
// for screenshots ("" for none).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch } from './launch.mjs';

const cfg = JSON.parse(process.argv[2]);
const server = new URL(cfg.url);
const out = { board: {}, rentLot: {}, lot: {}, room: {}, alerts: {}, matching: [], outside: [], errors: [] };
const profile = mkdtempSync(join(tmpdir(), 'nongjiao-chromium-'));
const browser = await launch(cfg.chromium);

// gql runs an operation against the server as token's holder.
async function gql(token, query, variables = {}) {
  const res = await fetch(server.origin + '/graphql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(query.slice(0, 40) + ': ' + JSON.stringify(body.errors));
  return body.data;
}

// open returns a page of its own browser context signed in with token ('' for none).
async function open(token, hash, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN' });
  const local = (u) => { const { protocol, host } = new URL(u); return protocol === 'data:' || protocol === 'blob:' || host === server.host; };
  context.on('request', (r) => { if (!local(r.url())) out.outside.push(r.url()); });
  context.on('response', (r) => { if (r.status() >= 400) out.errors.push(`${r.status()} ${r.url()}`); });
  if (token) await context.addInitScript((t) => localStorage.setItem('nongjiao:token', t), token);
  const page = await context.newPage();
  page.on('websocket', (ws) => { if (!local(ws.url())) out.outside.push(ws.url()); });
  page.on('pageerror', (e) => out.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) out.errors.push(m.text()); });
  page.setDefaultTimeout(20_000);
  page.inflight = 0; // HTTP requests under way, for settled
  page.on('request', () => page.inflight++);
  for (const done of ['requestfinished', 'requestfailed']) page.on(done, () => page.inflight--);
  await page.goto(server.origin + '/' + hash);
  return page;
}

const seqs = (page) => page.$$eval('.room table.bids tbody tr', (rows) => rows.map((r) => Number(r.dataset.seq)));
const deadline = (page) => page.$eval('.room-countdown', (e) => e.dataset.deadline);
const shot = async (page, name) => { if (cfg.shots) await page.screenshot({ path: join(cfg.shots, name) }); };

// settled waits until page has no HTTP request under way.
async function settled(page) {
  for (const end = Date.now() + 20_000; page.inflight > 0; await new Promise((r) => setTimeout(r, 10))) {
    if (Date.now() > end) throw new Error(`${page.inflight} requests still under way`);
  }
}

// traffic counts, from now until its stop, what page asks of the server:
// HTTP requests, new WebSocket connections and loads of the page. A change
// that reaches a page while all three stay at zero came to it over a
// subscription it already had open: pushed, not fetched.
function traffic(page) {
  const n = { requests: 0, sockets: 0, loads: 0 };
  const request = () => n.requests++, socket = () => n.sockets++;
  const load = (f) => { if (f === page.mainFrame()) n.loads++; };
  page.on('request', request); page.on('websocket', socket); page.on('framenavigated', load);
  return () => { page.off('request', request); page.off('websocket', socket); page.off('framenavigated', load); return n; };
}

try {
  // The board, anonymous: the demo's lots, then the 青州市 ones.
  const board = await open('', '');
  await board.waitForSelector('.lot');
  out.board.lots = await board.$$eval('.lot', (ls) => ls.length);
  out.board.total = Number(await board.$eval('.total', (e) => e.dataset.total));
  out.board.countdowns = await board.$$eval('.lot .countdown', (cs) => cs.map((c) => c.textContent));
  // The greenhouses, let at an annual rent: the basis, the rent a year, the
  // total over the term and the deposit, as the card shows them and as the API says.
  const rent = await board.waitForSelector(`.lot[data-id="${cfg.announced}"]`);
  const figure = (k) => rent.$eval(`.f-${k} dd`, (e) => e.textContent);
  out.rentLot = { basis: await figure('priceBasis'), listedPrice: await figure('listedPrice'), total: await figure('listedTotal'),
    deposit: await figure('deposit') };
  out.rentLot.api = (await gql(cfg.tokens.fenghe, `query($id: ID!) { listing(id: $id) { listedPrice listedTotal depositDue sale { basis } } }`,
    { id: cfg.announced })).listing;
  await shot(board, 'board.png');
  const phone = await open('', '', { width: 390, height: 844 });
  await phone.waitForSelector('.lot');
  await shot(phone, 'board-phone.png');
  await board.selectOption('select[name=county]', '青州市');
  await board.click('.filters button[type=submit]');
  await board.waitForFunction((n) => Number(document.querySelector('.total').dataset.total) !== n, out.board.total);
  out.board.filteredTotal = Number(await board.$eval('.total', (e) => e.dataset.total));
  out.board.filteredRegions = await board.$$eval('.lot .region', (rs) => rs.map((r) => r.textContent));
  await board.click('header .lang');
  out.board.english = await board.$eval('.total', (e) => e.textContent);

  // The sold orchard's page: its assets, the award and the certificate.
  const lot = await open('', '#/lot/' + cfg.awarded);
  await lot.waitForSelector('.lot-page .asset');
  await lot.waitForSelector('.lot-page .certificate-number');
  out.lot = await lot.evaluate(() => ({
    assets: document.querySelectorAll('.lot-page .asset').length,
    certificate: document.querySelector('.certificate-number').textContent,
    bids: document.querySelectorAll('.lot-page table.bids tbody tr').length,
    announcement: document.querySelector('.announcement').textContent,
  }));
  await shot(lot, 'lot.png');

  // A saved search's alerts: 丰禾 saves a search for 300–500 mu in 青州市; the
  // collective submits its draft (315 mu there) and the exchange approves it.
  const farm = await open(cfg.tokens.fenghe, '#/demands');
  await farm.waitForSelector('.save-search');
  await farm.fill('input[name=title]', '青州荒山300亩以上');
  await farm.fill('input[name=county]', '青州市');
  await farm.fill('input[name=termYears]', '10');
  await farm.click('.save-search');
  await farm.waitForSelector('.demand[data-kind=SEARCH]');
  // No wait for the page's subscription: listingAlerts(after:) sends what
  // was recorded before it followed live approvals.
  const { clock } = await gql(cfg.tokens.exchange, '{ clock { now } }');
  const day = 24 * 3600 * 1000;
  await gql(cfg.tokens.chedaoyu, `mutation($in: SubmitListingInput!) { submitListing(input: $in) { listingId } }`, { in: {
    listingId: cfg.draft, resolution: { body: '车道峪村村民会议', votesFor: 200, total: 246, date: clock.now } } });
  const approvedAt = Date.now();
  const farmTraffic = traffic(farm);
  await gql(cfg.tokens.exchange, `mutation($in: ReviewListingInput!) { reviewListing(input: $in) { listingId } }`, { in: {
    listingId: cfg.draft, approve: true, announcementEnds: new Date(Date.parse(clock.now) + 20 * day).toISOString(),
    biddingOpensAt: new Date(Date.parse(clock.now) + 21 * day).toISOString() } });
  await farm.waitForSelector(`.alert[data-listing="${cfg.draft}"]`);
  out.alerts.ms = Date.now() - approvedAt;
  out.alerts.traffic = farmTraffic();
  out.alerts.titles = await farm.$$eval('.alert a', (as) => as.map((a) => a.textContent));
  await shot(farm, 'demands.png');

  // 丰禾 posts a demand for 20–30 mu in 寿光市; 王家庄's accountant sees it
  // under each of the collective's assets that would meet it.
  await farm.fill('input[name=title]', '寿光20–30亩');
  await farm.fill('input[name=county]', '寿光市');
  await farm.fill('input[name=minArea]', '20');
  await farm.fill('input[name=maxArea]', '30');
  await farm.click('.post-demand');
  await farm.waitForSelector('.demand[data-kind=DEMAND]');
  const village = await open(cfg.tokens.wangjiazhuang, '#/demands');
  await village.waitForSelector('.asset .match');
  // The page shows every asset's matches at once, when it has read them all.
  out.matching = await village.$$eval('.asset', (as) => as.map((a) => ({
    area: a.dataset.area, matches: [...a.querySelectorAll('.match')].map((m) => m.textContent) })));

  // Two bidders in the live auction's room.
  const a = await open(cfg.tokens.lvyuan, '#/room/' + cfg.live);
  const b = await open(cfg.tokens.luqing, '#/room/' + cfg.live);
  for (const p of [a, b]) await p.waitForSelector('.my-number');
  for (const p of [a, b]) await p.waitForSelector('.room .conn.on');
  // Each room reads the exchange's clock (and any bids it missed) when its
  // feed says it is subscribed: that traffic is the room's arrival, not the
  // bid's.
  for (const p of [a, b]) await p.waitForSelector('.room .feed li.k-SUBSCRIBED');
  await settled(b);
  out.room.numbers = [await a.$eval('.my-number', (e) => e.textContent), await b.$eval('.my-number', (e) => e.textContent)];
  const before = Math.max(...(await seqs(b)));
  const amount = await a.$eval('.amount', (e) => e.dataset.amount);
  const sent = Date.now();
  const bTraffic = traffic(b);
  await a.click('.amount');
  await b.waitForSelector(`.room table.bids tr[data-seq="${before + 1}"]`);
  out.room.bidSeenMs = Date.now() - sent;
  out.room.bidTraffic = bTraffic();
  out.room.bidAmount = amount;
  out.room.bidSeenText = await b.$eval(`.room table.bids tr[data-seq="${before + 1}"]`, (e) => e.textContent);

  // A refused bid: 1 yuan is below the lowest acceptable bid.
  await a.fill('.custom input', '1.00');
  await a.click('.custom button');
  await a.waitForSelector('.room .error[data-code]');
  out.room.refusal = await a.$eval('.room .error[data-code]', (e) => ({ code: e.dataset.code, text: e.textContent }));

  // The timed round's last two minutes: B's bid extends the auction for both.
  const { listing } = await gql(cfg.tokens.exchange, `query($id: ID!) { listing(id: $id) { auctionClosesAt } }`, { id: cfg.live });
  await gql(cfg.tokens.exchange, `mutation($in: AdvanceClockInput!) { advanceClock(input: $in) { now } }`, { in: {
    to: new Date(Date.parse(listing.auctionClosesAt) - 120_000).toISOString() } });
  out.room.closesBefore = [await deadline(a), await deadline(b)];
  await b.click('.amount');
  for (const p of [a, b]) await p.waitForSelector('.room .extended');
  out.room.closesAfter = [await deadline(a), await deadline(b)];
  out.room.extendedText = await a.$eval('.room .extended', (e) => e.textContent);
  await shot(a, 'auction-room.png');

  // A drops its connection; B bids while A reconnects; A holds each bid once.
  await a.click('.conn button');
  await a.waitForSelector('.room .conn.off');
  const last = Math.max(...(await seqs(b)));
  await b.click('.amount');
  await b.waitForSelector(`.room table.bids tr[data-seq="${last + 1}"]`);
  await a.waitForSelector(`.room table.bids tr[data-seq="${last + 1}"]`);
  await a.waitForSelector('.room .conn.on');
  await a.waitForTimeout(300); // any repeat would have arrived by now
  out.room.seqsAfterReconnect = await seqs(a);
  out.room.lastSeq = last + 1;

  // A sealed-quote lot: 王家庄 lets its machinery at an annual rent by one-time
  // quotes; 绿源 and 鲁青 qualify; once quotes open, 绿源's room takes one
  // quote, refuses a second, and the lot's page counts it without showing it.
  const wang = cfg.tokens.wangjiazhuang;
  const { me } = await gql(wang, '{ me { party } }');
  const { assets } = await gql(wang, `query($c: ID) { assets(first: 50, filter: { collectiveId: $c }) { edges { node { id title } } } }`, { c: me.party });
  const machinery = assets.edges.map((e) => e.node).find((x) => x.title.includes('农机具'));
  const now = Date.parse((await gql(cfg.tokens.exchange, '{ clock { now } }')).clock.now);
  const opens = new Date(now + 21 * day).toISOString();
  const sealed = (await gql(wang, `mutation($in: CreateListingInput!) { createListing(input: $in) { listingId } }`, { in: {
    assetIds: [machinery.id], title: '王家庄村集体农机具出租（一次性报价）', listedPrice: '20000.00', increment: '500.00', termMonths: 36,
    basis: 'ANNUAL_RENT', method: 'SEALED' } })).createListing.listingId;
  await gql(wang, `mutation($in: SubmitListingInput!) { submitListing(input: $in) { listingId } }`, { in: {
    listingId: sealed, resolution: { body: '王家庄村村民代表会议', votesFor: 29, total: 31, date: new Date(now).toISOString() } } });
  await gql(cfg.tokens.exchange, `mutation($in: ReviewListingInput!) { reviewListing(input: $in) { listingId } }`, { in: {
    listingId: sealed, approve: true, announcementEnds: new Date(now + 20 * day).toISOString(), biddingOpensAt: opens } });
  for (const who of ['lvyuan', 'luqing']) {
    const { registerBidder } = await gql(cfg.tokens[who], `mutation($id: ID!) { registerBidder(input: { listingId: $id }) { depositDue } }`, { id: sealed });
    const { me: bidder } = await gql(cfg.tokens[who], '{ me { party } }');
    await gql(cfg.tokens.exchange, `mutation($in: ConfirmDepositInput!) { confirmDeposit(input: $in) { listingId } }`, { in: {
      listingId: sealed, bidderId: bidder.party, amount: registerBidder.depositDue } });
    await gql(cfg.tokens.exchange, `mutation($in: QualifyBidderInput!) { qualifyBidder(input: $in) { listingId } }`, { in: {
      listingId: sealed, bidderId: bidder.party, qualified: true } });
  }
  await gql(cfg.tokens.exchange, `mutation($in: AdvanceClockInput!) { advanceClock(input: $in) { now } }`, { in: { to: opens } });
  const status = async () => (await gql(cfg.tokens.exchange, `query($id: ID!) { listing(id: $id) { status } }`, { id: sealed })).listing.status;
  for (let i = 0; i < 100 && (await status()) !== 'AUCTION_OPEN'; i++) await new Promise((r) => setTimeout(r, 100));
  const q = await open(cfg.tokens.lvyuan, '#/room/' + sealed);
  await q.waitForSelector('.room .custom.quote');
  out.sealed = { ladderButtons: await q.$$eval('.room .amount', (bs) => bs.length), hint: await q.$eval('.sealed-hint', (e) => e.textContent),
    number: await q.$eval('.my-number', (e) => e.textContent) };
  await q.fill('.custom input', '21000.00');
  await q.click('.custom button');
  await q.waitForSelector('.room .ok[data-code=OK]');
  out.sealed.accepted = await q.$eval('.room .ok', (e) => e.textContent);
  await q.fill('.custom input', '22000.00');
  await q.click('.custom button');
  await q.waitForSelector('.room .error[data-code]');
  out.sealed.second = await q.$eval('.room .error[data-code]', (e) => ({ code: e.dataset.code, text: e.textContent }));
  const sealedLot = await open('', '#/lot/' + sealed);
  await sealedLot.waitForSelector('.quotes-sealed');
  out.sealed.lot = await sealedLot.$eval('.quotes-sealed', (e) => ({ count: Number(e.dataset.count), text: e.textContent }));
  // At the deadline (six hours, the default window) the quotes open: the page lists them.
  await gql(cfg.tokens.exchange, `mutation($in: AdvanceClockInput!) { advanceClock(input: $in) { now } }`, { in: {
    to: new Date(Date.parse(opens) + 6 * 3600 * 1000).toISOString() } });
  for (let i = 0; i < 100 && (await status()) === 'AUCTION_OPEN'; i++) await new Promise((r) => setTimeout(r, 100));
  const opened = await open('', '#/lot/' + sealed);
  await opened.waitForSelector('.quotes tbody tr');
  out.sealed.opened = await opened.$$eval('.quotes tbody tr', (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
} catch (e) { // reported with what the pages did up to then
  out.errors.push(String(e.stack || e));
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(JSON.stringify(out));
