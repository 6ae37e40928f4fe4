// The public board: filter by region (province → county → township →
// village), asset type, status, price and area; sort; page with cursors.
// Every lot shows its key figures and a live countdown.
import { useEffect, useState } from 'nj/preact-htm.mjs';
import { query } from 'nj/gql.js';
import { assetTypes, label, lang, refusal, sorts, statuses, t, yuan } from 'nj/i18n.js';
import { Countdown, deadline, Figures, html, LOT_FIELDS } from 'nj/ui.js';

const BOARD = `query Board($filter: ListingFilter, $sort: ListingSort, $after: String) {
  listings(filter: $filter, sort: $sort, first: 10, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { ${LOT_FIELDS} } }
  }
}`;

// REGIONS reads the regions of the lots on the board, for the region pickers.
const REGIONS = `{ listings(first: 100) { edges { node { region { province county township village } } } } }`;

const LEVELS = ['province', 'county', 'township', 'village'];
const PUBLIC_STATUSES = ['ANNOUNCED', 'AUCTION_SCHEDULED', 'AUCTION_OPEN', 'NEGOTIATING', 'PRIORITY_WINDOW', 'AWAITING_PAYMENT', 'PAID', 'CONTRACT_SIGNED', 'CERTIFIED'];

// filterOf turns the form's fields into a ListingFilter, leaving out empty ones.
export function filterOf(form) {
  const f = {};
  for (const k of [...LEVELS, 'minPrice', 'maxPrice', 'minArea', 'maxArea']) if (form[k]) f[k] = form[k];
  if (form.assetType) f.assetType = [form.assetType];
  if (form.status) f.status = [form.status];
  return f;
}

export function Board({ go }) {
  const [form, setForm] = useState({ sort: 'CREATED_AT_DESC' });
  const [applied, setApplied] = useState(form);
  const [lots, setLots] = useState([]);
  const [page, setPage] = useState({ totalCount: 0, pageInfo: {} });
  const [regions, setRegions] = useState([]);
  const [error, setError] = useState('');
  const [loading, setLoading] = useState(true);

  const load = async (f, after) => {
    setLoading(true);
    try {
      const d = await query(BOARD, { filter: filterOf(f), sort: f.sort, after });
      const nodes = d.listings.edges.map((e) => e.node);
      setLots((prev) => (after ? [...prev, ...nodes] : nodes));
      setPage(d.listings);
      setError('');
    } catch (e) { setError(refusal(e)); }
    setLoading(false);
  };
  useEffect(() => { load(applied); }, [applied]);
  useEffect(() => { query(REGIONS).then((d) => setRegions(d.listings.edges.map((e) => e.node.region))).catch(() => {}); }, []);

  const set = (k) => (ev) => {
    const v = ev.target.value;
    setForm((f) => {
      const next = { ...f, [k]: v };
      for (const lower of LEVELS.slice(LEVELS.indexOf(k) + 1)) if (LEVELS.includes(k)) next[lower] = '';
      return next;
    });
  };
  const choices = (level) => {
    const i = LEVELS.indexOf(level);
    const within = regions.filter((r) => LEVELS.slice(0, i).every((up) => !form[up] || r[up] === form[up]));
    return [...new Set(within.map((r) => r[level]))].sort();
  };
  const submit = (ev) => { ev.preventDefault(); setApplied({ ...form }); };
  const reset = () => { const f = { sort: 'CREATED_AT_DESC' }; setForm(f); setApplied(f); };
  const select = (k, options, text) => html`
    <label>${t(k)}<select name=${k} value=${form[k] || ''} onChange=${set(k)}>
      <option value="">${t('any')}</option>
      ${options.map((o) => html`<option value=${o}>${text ? text(o) : o}</option>`)}
    </select></label>`;
  const number = (k) => html`<label>${t(k)}<input name=${k} inputmode="decimal" value=${form[k] || ''} onInput=${set(k)} /></label>`;

  return html`<section class="board">
    <form class="filters" onSubmit=${submit}>
      ${LEVELS.map((lv) => select(lv, choices(lv)))}
      ${select('assetType', Object.keys(assetTypes), (k) => label(assetTypes, k))}
      ${select('status', PUBLIC_STATUSES, (k) => label(statuses, k))}
      ${number('minPrice')}${number('maxPrice')}${number('minArea')}${number('maxArea')}
      <label>${t('sort')}<select name="sort" value=${form.sort} onChange=${set('sort')}>
        ${Object.keys(sorts).map((k) => html`<option value=${k}>${label(sorts, k)}</option>`)}
      </select></label>
      <div class="actions"><button type="submit">${t('search')}</button><button type="button" class="plain" onClick=${reset}>${t('reset')}</button></div>
    </form>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    <p class="total" data-total=${page.totalCount}>${t('total', { n: page.totalCount })}</p>
    ${!loading && lots.length === 0 && html`<p class="empty">${t('noResults')}</p>`}
    <ul class="lots">${lots.map((l) => html`<${Lot} key=${l.id} l=${l} go=${go} />`)}</ul>
    ${page.pageInfo.hasNextPage && html`<button class="more" disabled=${loading} onClick=${() => load(applied, page.pageInfo.endCursor)}>${t('more')}</button>`}
  </section>`;
}

function Lot({ l, go }) {
  const [d, kind] = deadline(l);
  const r = l.region;
  return html`<li class="lot" data-id=${l.id} data-status=${l.status}>
    <header>
      <span class="badge s-${l.status}">${label(statuses, l.status)}</span>
      <span class="type">${label(assetTypes, l.assetType)}</span>
      <a class="lot-title" href=${'#/lot/' + l.id} onClick=${(e) => { e.preventDefault(); go('/lot/' + l.id); }}>${l.title}</a>
    </header>
    <p class="region">${[r.province, r.county, r.township, r.village].join(lang === 'en' ? ' · ' : ' ')}</p>
    <div class="clock"><span>${t(kind)}</span> <${Countdown} d=${d} /></div>
    ${l.highestBid && html`<p class="highest">${t('highestBid')} <strong>${yuan(l.highestBid, l.sale.basis)}</strong> · ${t('bids')} ${l.bidCount}</p>`}
    <${Figures} l=${l} />
  </li>`;
}
