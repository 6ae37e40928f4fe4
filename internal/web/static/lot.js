// A lot's page: the asset (area, location, certificate, term, restrictions),
// the announcement, the bid history with bidder numbers (for sealed quotes:
// how many came in, then every quote once they are opened), the award and
// the transaction certificate's number.
import { useEffect, useState } from 'nj/preact-htm.mjs';
import { query } from 'nj/gql.js';
import { assetTypes, label, refusal, restrictionKinds, statuses, t, when, yuan } from 'nj/i18n.js';
import { Countdown, deadline, Figures, html, LOT_FIELDS, rented } from 'nj/ui.js';

const LOT = `query Lot($id: ID!) {
  listing(id: $id) {
    ${LOT_FIELDS} description assetIds certificateNumber
    resolution { body votesFor total }
    award { bidderNumber price paymentDue via } awardTotal
    quotes { rank bidderNumber amount submittedAt }
    bids(first: 50) { totalCount edges { node { seq bidderNumber amount at } } }
  }
}`;

const ASSET = `query Asset($id: ID!) {
  asset(id: $id) { id title type area certificateNo rightsEnd description
    location { province county township village } restrictions { kind start end amount } }
}`;

export function LotPage({ id, go }) {
  const [l, setL] = useState(null);
  const [assets, setAssets] = useState([]);
  const [error, setError] = useState('');
  useEffect(() => {
    query(LOT, { id }).then(async (d) => {
      setL(d.listing);
      if (!d.listing) return;
      const as = await Promise.all(d.listing.assetIds.map((a) => query(ASSET, { id: a }).then((x) => x.asset)));
      setAssets(as.filter(Boolean));
    }).catch((e) => setError(refusal(e)));
  }, [id]);
  if (error) return html`<p class="error" role="alert">${error}</p>`;
  if (!l) return html`<p>…</p>`;
  const [d, kind] = deadline(l);
  const live = ['AUCTION_OPEN', 'AUCTION_SCHEDULED'].includes(l.status);
  const basis = l.sale.basis;
  const sealed = l.sale.method === 'SEALED';
  return html`<article class="lot-page" data-id=${l.id}>
    <a href="#/" onClick=${(e) => { e.preventDefault(); go('/'); }}>← ${t('back')}</a>
    <h1>${l.title}</h1>
    <p><span class="badge s-${l.status}">${label(statuses, l.status)}</span> ${label(assetTypes, l.assetType)}
      · ${t(kind)} <${Countdown} d=${d} /></p>
    ${live && html`<p><a class="button" href=${'#/room/' + l.id} onClick=${(e) => { e.preventDefault(); go('/room/' + l.id); }}>${t('enterRoom')}</a></p>`}
    <${Figures} l=${l} />
    <section><h2>${t('announcement')}</h2><p class="announcement">${l.description}</p>
      ${l.resolution && html`<p>${l.resolution.body}：${l.resolution.votesFor}/${l.resolution.total}</p>`}</section>
    <section><h2>${t('asset')}</h2>${assets.map((a) => html`<${Asset} a=${a} />`)}</section>
    ${l.award && html`<section class="award"><h2>${t('award')}</h2><dl class="figures">
      <div><dt>${t('bidderNo')}</dt><dd>${l.award.bidderNumber}</dd></div>
      <div><dt>${t('price')}</dt><dd>${yuan(l.award.price, basis)}</dd></div>
      ${rented(l) && html`<div><dt>${t('awardTotal')}</dt><dd class="award-total">${yuan(l.awardTotal)}</dd></div>`}
      <div><dt>${t('paymentDue')}</dt><dd>${when(l.award.paymentDue)}</dd></div>
      <div><dt>${t('certificateNumber')}</dt><dd class="certificate-number">${l.certificateNumber || '—'}</dd></div>
    </dl></section>`}
    ${sealed
      ? html`<section class="quotes"><h2>${t('quotes')}</h2>${l.quotes.length
        ? html`<${Quotes} quotes=${l.quotes} basis=${basis} />`
        : html`<p class="quotes-sealed" data-count=${l.sale.quoteCount}>${t('quotesSealed', { n: l.sale.quoteCount })}</p>`}</section>`
      : html`<section><h2>${t('bidHistory')}（${l.bids.totalCount}）</h2><${Bids} bids=${l.bids.edges.map((e) => e.node)} basis=${basis} /></section>`}
  </article>`;
}

function Asset({ a }) {
  const loc = a.location;
  return html`<dl class="figures asset card">
    <div><dt>${t('name')}</dt><dd>${a.title}</dd></div>
    <div><dt>${t('area')}</dt><dd>${t('mu', { n: a.area })}</dd></div>
    <div><dt>${t('location')}</dt><dd>${[loc.province, loc.county, loc.township, loc.village].join(' ')}</dd></div>
    <div><dt>${t('certificate')}</dt><dd>${a.certificateNo}</dd></div>
    <div><dt>${t('rightsEnd')}</dt><dd>${when(a.rightsEnd)}</dd></div>
    <div><dt>${t('restrictions')}</dt><dd>${a.restrictions.length
      ? a.restrictions.map((r) => `${label(restrictionKinds, r.kind)} ${when(r.start)}${r.end ? '–' + when(r.end) : ''}`).join('；')
      : t('none')}</dd></div>
  </dl>`;
}

// Bids is a bid history, newest first, amounts in the lot's price basis.
export function Bids({ bids, me, basis }) {
  return html`<table class="bids"><thead><tr><th>#</th><th>${t('bidderNo')}</th><th>${t('amount')}</th><th>${t('time')}</th></tr></thead>
    <tbody>${bids.map((b) => html`<tr key=${b.seq} data-seq=${b.seq}><td>${b.seq}</td>
      <td>${b.bidderNumber}${me && b.bidderNumber === me ? t('you') : ''}</td><td>${yuan(b.amount, basis)}</td><td>${when(b.at)}</td></tr>`)}</tbody></table>`;
}

// Quotes are the opened sealed quotes in rank order.
function Quotes({ quotes, basis }) {
  return html`<table class="bids quotes"><thead><tr><th>${t('rank')}</th><th>${t('bidderNo')}</th><th>${t('amount')}</th><th>${t('time')}</th></tr></thead>
    <tbody>${quotes.map((q) => html`<tr key=${q.rank} data-rank=${q.rank}><td>${q.rank}</td><td>${q.bidderNumber}</td>
      <td>${yuan(q.amount, basis)}</td><td>${when(q.submittedAt)}</td></tr>`)}</tbody></table>`;
}
