// Small pieces shared by the pages: the view library, the exchange's ticking
// clock, the lot fields every page asks for, and a lot's key figures.
import { html, useEffect, useState } from 'nj/preact-htm.mjs';
import { now } from 'nj/gql.js';
import { bases, label, left, methods, t, when, yuan } from 'nj/i18n.js';

export { html };

// LOT_FIELDS are the Listing fields the board and the lot page show. A new
// field of the API's Listing is one word here; the figures below show it.
export const LOT_FIELDS = `id title status assetType area listedPrice startingPrice increment termMonths listedTotal depositDue
  sale { basis method revisable quoteCount fixedDeposit }
  region { province county township village }
  registrationClosesAt biddingOpensAt auctionOpensAt auctionClosesAt closingAt highestBid bidCount bidderCount`;

// rented reports whether a lot's prices are rents (a year's, or a mu's a year).
export function rented(l) { return l.sale?.basis === 'ANNUAL_RENT' || l.sale?.basis === 'RENT_PER_MU_YEAR'; }

// useNow is the exchange's time, ticking four times a second.
export function useNow() {
  const [n, setN] = useState(now());
  useEffect(() => { const id = setInterval(() => setN(now()), 250); return () => clearInterval(id); }, []);
  return n;
}

// deadline is the next deadline of a lot and its label.
export function deadline(l) {
  if (l.auctionClosesAt && ['AUCTION_OPEN', 'AUCTION_SCHEDULED'].includes(l.status)) return [l.auctionClosesAt, 'closes'];
  if (l.registrationClosesAt && l.status === 'ANNOUNCED') return [l.registrationClosesAt, 'registration'];
  return [l.closingAt, 'closes'];
}

// Countdown shows the time left to d, ticking.
export function Countdown({ d, cls = '' }) {
  const n = useNow();
  return html`<span class="countdown ${cls}" data-deadline=${d || ''}>${left(d, n)}</span>`;
}

// Figures is a lot's key figures as a definition list.
// Prices are in the lot's basis with its unit; a rent's total over the term
// is listedTotal, and the deposit is the API's depositDue (the exchange's own
// rule, never recomputed here).
export function Figures({ l }) {
  const basis = l.sale.basis;
  const rows = [
    ['priceBasis', label(bases, basis)],
    ['method', label(methods, l.sale.method)],
    ['listedPrice', yuan(l.listedPrice, basis)],
    rented(l) && ['listedTotal', yuan(l.listedTotal)],
    ['startingPrice', yuan(l.startingPrice, basis)],
    ['deposit', yuan(l.depositDue) + t(l.sale.fixedDeposit ? 'fixedDeposit' : 'percentDeposit')],
    l.sale.method === 'SEALED' ? ['quoteCount', l.sale.quoteCount] : ['increment', yuan(l.increment, basis)],
    ['area', t('mu', { n: l.area })],
    ['term', t('months', { n: l.termMonths })],
    ['registration', when(l.registrationClosesAt)],
    ['biddingOpens', when(l.biddingOpensAt)],
    [l.sale.method === 'SEALED' ? 'quoteDeadline' : 'closes', when(l.auctionClosesAt)],
  ].filter(Boolean);
  return html`<dl class="figures">${rows.map(([k, v]) => html`<div class=${'f-' + k}><dt>${t(k)}</dt><dd>${v}</dd></div>`)}</dl>`;
}
