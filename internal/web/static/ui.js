// Small pieces shared by the pages: the view library, the exchange's ticking
// clock, the lot fields every page asks for, and a lot's key figures.
import { html, useEffect, useState } from 'nj/preact-htm.mjs';
import { now } from 'nj/gql.js';
import { fen, left, money, t, when, yuan } from 'nj/i18n.js';

export { html };

// LOT_FIELDS are the Listing fields the board and the lot page show. A new
// field of the API's Listing (a price basis, say) is one word here; the
// figures below show it when the answer has it.
export const LOT_FIELDS = `id title status assetType area listedPrice startingPrice increment termMonths
  region { province county township village }
  registrationClosesAt biddingOpensAt auctionOpensAt auctionClosesAt closingAt highestBid bidCount bidderCount`;

// DEPOSIT_PERCENT is the deposit as a share of the listed price, as the
// API's Listing.listedPrice documents it (30 %). A registered bidder's
// exact deposit is its ListingBidder.depositDue.
const DEPOSIT_PERCENT = 30n;

// deposit is DEPOSIT_PERCENT of the listed price, rounded up to the fen.
export function deposit(listedPrice) {
  return money((fen(listedPrice) * DEPOSIT_PERCENT + 99n) / 100n);
}

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
export function Figures({ l }) {
  const rows = [
    l.priceBasis != null && ['priceBasis', l.priceBasis],
    ['listedPrice', yuan(l.listedPrice)],
    ['startingPrice', yuan(l.startingPrice)],
    ['deposit', yuan(deposit(l.listedPrice))],
    ['increment', yuan(l.increment)],
    ['area', t('mu', { n: l.area })],
    ['term', t('months', { n: l.termMonths })],
    ['registration', when(l.registrationClosesAt)],
    ['biddingOpens', when(l.biddingOpensAt)],
    ['closes', when(l.auctionClosesAt)],
  ].filter(Boolean);
  return html`<dl class="figures">${rows.map(([k, v]) => html`<div class=${'f-' + k}><dt>${t(k)}</dt><dd>${v}</dd></div>`)}</dl>`;
}
