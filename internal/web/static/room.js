// The auction room of a signed-in bidder: the live feed (auctionFeed over
// graphql-ws), the next valid amounts as buttons, the anti-sniping extension
// shown the moment it happens, a message for every refusal, and a
// reconnection that neither misses nor repeats a bid. A sealed-quote lot has
// no ladder: the room takes the bidder's one quote (submitQuote) instead,
// and the feed stays silent until the opening. When bidding closed and a
// priority window is open (rules 3, 28), a registered bidder may match the
// winning price: the room offers the open right's mutation and shows the
// message of its refusal (not a member, not the sitting lessee, too late).
//
// Reconnecting: graphql-ws reconnects and subscribes again by itself (and
// follow subscribes again when the server ends a lagging feed), and every
// subscription starts with a SUBSCRIBED event giving the number of bids
// so far (seq). Bids are kept by their seq, so a bid seen twice is kept
// once, and when SUBSCRIBED counts more bids than the room holds, the missing
// ones are read from the listing's bid history.
import { useEffect, useReducer, useState } from 'nj/preact-htm.mjs';
import { dropConnection, follow, onSocket, query, syncClock } from 'nj/gql.js';
import { fen, label, money, refusal, statuses, t, when, yuan } from 'nj/i18n.js';
import { Bids } from 'nj/lot.js';
import { Countdown, html } from 'nj/ui.js';

const ROOM = `query Room($id: ID!, $first: Int!) {
  me { party role }
  listing(id: $id) { id title status startingPrice increment highestBid leadingBidderNumber auctionClosesAt priorityEndsAt
    sale { basis method revisable quoteCount priorityRight }
    bidders { number bidderId qualified }
    bids(first: $first) { totalCount edges { node { seq bidderNumber amount at } } } }
}`;

const FEED = `subscription Feed($id: ID!) {
  auctionFeed(listingId: $id) { kind at seq bidderNumber amount closesAt previousClosesAt status reason sold }
}`;

const BID = `mutation Bid($input: PlaceBidInput!) { placeBid(input: $input) { listingId } }`;

const QUOTE = `mutation Quote($input: SubmitQuoteInput!) { submitQuote(input: $input) { listingId } }`;

// WINDOW reads which right's priority window is open, when it ends.
const WINDOW = `query Window($id: ID!) { listing(id: $id) { status priorityEndsAt sale { priorityRight } } }`;

// EXERCISE is the mutation matching the winning price under each right.
const EXERCISE = {
  MEMBER: `mutation Member($input: ExerciseMemberPriorityInput!) { exerciseMemberPriority(input: $input) { listingId } }`,
  SITTING_LESSEE: `mutation Lessee($input: ExerciseLesseePriorityInput!) { exerciseLesseePriority(input: $input) { listingId } }`,
};

// merge adds bids to the room's, keyed by seq, newest first.
function merge(bids, more) {
  const bySeq = new Map(bids.map((b) => [b.seq, b]));
  for (const b of more) bySeq.set(b.seq, b);
  return [...bySeq.values()].sort((a, b) => b.seq - a.seq);
}

function reduce(s, a) {
  switch (a.type) {
    case 'load': return { ...s, ...a.room, bids: merge(s.bids, a.room.bids) };
    case 'bids': return { ...s, bids: merge(s.bids, a.bids) };
    case 'window': return { ...s, status: a.l.status, priorityEndsAt: a.l.priorityEndsAt, sale: { ...s.sale, priorityRight: a.l.sale.priorityRight } };
    case 'event': {
      const e = a.e;
      const n = { ...s, log: [e, ...s.log].slice(0, 30) };
      if (e.kind === 'SUBSCRIBED') Object.assign(n, { status: e.status, closesAt: e.closesAt });
      if (e.kind === 'BID') {
        n.bids = merge(s.bids, [{ seq: e.seq, bidderNumber: e.bidderNumber, amount: e.amount, at: e.at }]);
      }
      if (e.kind === 'EXTENDED' || e.kind === 'RESUMED') n.closesAt = e.closesAt;
      if (e.kind === 'EXTENDED') n.extended = e;
      if (e.kind === 'CLOSED') n.status = 'CLOSED';
      if (e.kind === 'SUSPENDED') n.status = 'SUSPENDED';
      if (e.kind === 'PRIORITY_WINDOW') Object.assign(n, { status: 'PRIORITY_WINDOW', priorityEndsAt: e.closesAt });
      if (e.kind === 'PRIORITY_USED' || e.kind === 'AWARDED') Object.assign(n, { status: 'AWAITING_PAYMENT', priorityEndsAt: null });
      return n;
    }
    default: return s;
  }
}

// nextAmounts are the lowest valid bid and a few more increments above it.
export function nextAmounts(startingPrice, increment, highest) {
  const inc = fen(increment);
  const lowest = highest ? fen(highest) + inc : fen(startingPrice);
  return [0n, 1n, 4n].map((k) => money(lowest + k * inc));
}

export function Room({ id }) {
  const [s, dispatch] = useReducer(reduce, { bids: [], log: [], status: '', closesAt: null, extended: null });
  const [me, setMe] = useState(null);
  const [online, setOnline] = useState(true);
  const [msg, setMsg] = useState(null);
  const [custom, setCustom] = useState('');
  const [busy, setBusy] = useState(false);

  const catchUp = async (count, have) => {
    if (count <= have) return;
    const d = await query(ROOM, { id, first: Math.min(count - have, 100) });
    dispatch({ type: 'bids', bids: d.listing.bids.edges.map((e) => e.node) });
  };

  useEffect(() => {
    let known = 0; // the highest seq the room holds
    query(ROOM, { id, first: 50 }).then((d) => {
      const l = d.listing;
      const mine = l.bidders.find((b) => b.bidderId && b.bidderId === d.me?.party);
      setMe(mine ? mine.number : d.me ? 0 : null); // 0: signed in, not registered for this listing
      const bids = l.bids.edges.map((e) => e.node);
      known = Math.max(known, ...bids.map((b) => b.seq), 0);
      dispatch({ type: 'load', room: { title: l.title, status: l.status, closesAt: l.auctionClosesAt, startingPrice: l.startingPrice,
        increment: l.increment, sale: l.sale, priorityEndsAt: l.priorityEndsAt, bids } });
    }).catch((e) => setMsg({ bad: true, text: refusal(e) }));
    const stop = follow(FEED, () => ({ id }), {
      next: (data) => {
        const e = data.auctionFeed;
        dispatch({ type: 'event', e });
        // The countdown counts to the exchange's close by the exchange's clock.
        if (e.kind === 'SUBSCRIBED' || e.kind === 'EXTENDED') syncClock().catch(() => {});
        if (e.kind === 'SUBSCRIBED') { catchUp(e.seq || 0, known).catch(() => {}); known = Math.max(known, e.seq || 0); }
        if (e.kind === 'BID') known = Math.max(known, e.seq);
        // The feed gives the window's end, not whose right it is.
        if (e.kind === 'PRIORITY_WINDOW') query(WINDOW, { id }).then((d) => dispatch({ type: 'window', l: d.listing })).catch(() => {});
      },
      error: (e) => setMsg({ bad: true, text: refusal(e) }),
    });
    const off = onSocket((state) => setOnline(state === 'connected'));
    return () => { stop(); off(); };
  }, [id]);

  const highest = s.bids[0]?.amount;
  const leader = s.bids[0]?.bidderNumber;
  const basis = s.sale?.basis;
  const sealed = s.sale?.method === 'SEALED';
  // send places a bid, or on a sealed-quote lot submits the quote.
  const send = async (amount) => {
    setBusy(true);
    try {
      await query(sealed ? QUOTE : BID, { input: { listingId: id, amount, idempotencyKey: crypto.randomUUID() } });
      setMsg({ bad: false, text: t(sealed ? 'quoteAccepted' : 'accepted') + ' ' + yuan(amount, basis), code: 'OK' });
    } catch (e) {
      setMsg({ bad: true, text: refusal(e), code: e.code });
    }
    setBusy(false);
  };
  const amounts = s.startingPrice && !sealed ? nextAmounts(s.startingPrice, s.increment, highest) : [];
  const right = s.status === 'PRIORITY_WINDOW' ? s.sale?.priorityRight : null;
  // exercise matches the winning price under the open window's right.
  const exercise = async () => {
    setBusy(true);
    try {
      await query(EXERCISE[right], { input: { listingId: id, idempotencyKey: crypto.randomUUID() } });
      setMsg({ bad: false, text: t('priorityUsed'), code: 'OK' });
    } catch (e) {
      setMsg({ bad: true, text: refusal(e), code: e.code });
    }
    setBusy(false);
  };

  return html`<section class="room" data-id=${id}>
    <h1>${t('room')} · ${s.title || ''}</h1>
    <p class="conn ${online ? 'on' : 'off'}">${online ? t('connected') : t('reconnecting')}
      <button class="plain" onClick=${dropConnection}>${t('reconnect')}</button></p>
    <div class="room-head">
      <div><span class="badge s-${s.status}">${label(statuses, s.status)}</span></div>
      <div class="big"><span>${t('highestBid')}</span><strong class="highest">${yuan(highest, basis)}</strong>
        ${leader && html`<small>${t('leader')}：${leader}${leader === me ? t('you') : ''}</small>`}</div>
      <div class="big"><span>${t('countdown')}</span><${Countdown} d=${s.closesAt} cls="room-countdown" />
        <small class="closes-at">${when(s.closesAt)}</small></div>
    </div>
    ${s.extended && html`<p class="extended" role="status" data-closes=${s.extended.closesAt}>${t('extended', { t: when(s.extended.closesAt) })}</p>`}
    ${!me
      ? html`<p class="hint">${me === 0 ? refusal({ code: 'BIDDER_NOT_REGISTERED' }) : t('needSignIn')}</p>`
      : html`<div class="bidding"><p>${t('yourNumber')}：<strong class="my-number">${me}</strong></p>
        ${sealed && html`<p class="sealed-hint">${t('sealedHint', { r: t(s.sale.revisable ? 'revisable' : 'notRevisable') })}</p>`}
        <div class="amounts">${amounts.map((a) => html`<button class="amount" disabled=${busy} data-amount=${a} onClick=${() => send(a)}>${yuan(a, basis)}</button>`)}</div>
        <form class=${sealed ? 'custom quote' : 'custom'} onSubmit=${(e) => { e.preventDefault(); send(custom); }}>
          <input name="amount" inputmode="decimal" placeholder=${t('amount')} value=${custom} onInput=${(e) => setCustom(e.target.value)} />
          <button type="submit" disabled=${busy}>${t(sealed ? 'submitQuote' : 'placeBid')}</button></form>
        ${right && EXERCISE[right] && html`<p class="priority" data-right=${right}>${t('priority' + right, { t: when(s.priorityEndsAt) })}
          <button class="exercise" disabled=${busy} onClick=${exercise}>${t('exercisePriority')}</button></p>`}</div>`}
    ${msg && html`<p class=${msg.bad ? 'error' : 'ok'} role="alert" data-code=${msg.code || ''}>${msg.text}</p>`}
    <div class="room-cols">
      <div><h2>${t('bidHistory')}</h2><${Bids} bids=${s.bids} me=${me} basis=${basis} /></div>
      <div><h2>${t('live')}</h2><ul class="feed">${s.log.map((e) => html`<li class=${'k-' + e.kind}>${when(e.at)} ${feedLine(e, basis)}</li>`)}</ul></div>
    </div>
  </section>`;
}

function feedLine(e, basis) {
  const vars = { n: e.bidderNumber, a: yuan(e.amount, basis), t: when(e.closesAt), r: e.reason || '' };
  return e.kind === 'SUBSCRIBED' ? t('connected') : t('feed' + e.kind, vars);
}
