// Supply meets demand. A farm business (a bidder) posts demands and saves
// searches; a new listing matching a saved search arrives live
// (listingAlerts) under its alerts. A collective sees, for each of its
// assets, the posted demands the asset would meet (matchingDemands).
import { useEffect, useRef, useState } from 'nj/preact-htm.mjs';
import { follow, query } from 'nj/gql.js';
import { refusal, t, when, yuan } from 'nj/i18n.js';
import { html } from 'nj/ui.js';

const ME = '{ me { party role } }';

const CRITERIA = 'province county township village minArea maxArea minTermMonths maxPrice budgetPerMuYear contiguous';

const MINE = `{ myDemands(first: 50) { edges { node { id kind title note closed postedAt criteria { ${CRITERIA} } } } }
  demandAlerts(first: 50) { edges { node { searchId listingId listingTitle at position } } } }`;

const ALERTS = `subscription Alerts($after: Position) { listingAlerts(after: $after) { searchId listingId listingTitle at position } }`;

const POST = `mutation Post($input: PostDemandInput!) { postDemand(input: $input) { demandId } }`;
const SAVE = `mutation Save($input: SaveSearchInput!) { saveSearch(input: $input) { demandId } }`;
const CLOSE = `mutation Close($input: CloseDemandInput!) { closeDemand(input: $input) { demandId } }`;

const ASSETS = `query Assets($c: ID) { assets(first: 50, filter: { collectiveId: $c }) { edges { node { id title area location { county village } } } } }`;
const MATCHING = `query Matching($id: ID!) { matchingDemands(assetId: $id) { id title note postedAt criteria { ${CRITERIA} } } }`;

export function Demands({ go }) {
  const [me, setMe] = useState(undefined);
  useEffect(() => { query(ME).then((d) => setMe(d.me)).catch(() => setMe(null)); }, []);
  if (me === undefined) return html`<p>…</p>`;
  if (me?.role === 'bidder') return html`<${Business} go=${go} />`;
  if (me?.role === 'collective' || me?.role === 'exchange') return html`<${Collective} me=${me} />`;
  return html`<p class="hint">${t('needSignIn')}</p>`;
}

// criteriaOf turns the form's fields into a DemandCriteriaInput.
function criteriaOf(f) {
  const c = {};
  for (const k of ['province', 'county', 'township', 'village', 'minArea', 'maxArea', 'maxPrice', 'budgetPerMuYear']) if (f[k]) c[k] = f[k];
  if (f.termYears) c.minTermMonths = Number(f.termYears) * 12;
  if (f.contiguous) c.contiguous = true;
  return c;
}

function Business({ go }) {
  const [demands, setDemands] = useState([]);
  const [alerts, setAlerts] = useState([]);
  const [form, setForm] = useState({ county: '寿光市', minArea: '300', maxArea: '500', termYears: '10', budgetPerMuYear: '1000', contiguous: true });
  const [msg, setMsg] = useState(null);

  const latest = useRef('0'); // the newest alert's position: where a new subscription resumes
  const addAlerts = (more) => {
    for (const a of more) if (Number(a.position) > Number(latest.current)) latest.current = a.position;
    setAlerts((prev) => {
      const seen = new Set(prev.map((a) => a.searchId + a.listingId));
      return [...more.filter((a) => !seen.has(a.searchId + a.listingId)), ...prev].sort((a, b) => Number(b.position) - Number(a.position));
    });
  };
  const load = () => query(MINE).then((d) => {
    setDemands(d.myDemands.edges.map((e) => e.node));
    addAlerts(d.demandAlerts.edges.map((e) => e.node));
  });
  useEffect(() => {
    let stop = () => {};
    let gone = false;
    load().then(() => {
      if (gone) return;
      stop = follow(ALERTS, () => ({ after: latest.current }), {
        next: (d) => addAlerts([d.listingAlerts]),
        error: (e) => setMsg({ bad: true, text: refusal(e) }),
      });
    }).catch((e) => setMsg({ bad: true, text: refusal(e) }));
    return () => { gone = true; stop(); };
  }, []);

  const set = (k) => (e) => setForm({ ...form, [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value });
  const send = async (doc, input) => {
    try {
      await query(doc, { input });
      setMsg({ bad: false, text: '✓' });
      setTimeout(() => load().catch(() => {}), 300);
    } catch (e) { setMsg({ bad: true, text: refusal(e) }); }
  };
  const title = form.title || `${form.county || ''} ${form.minArea || ''}–${form.maxArea || ''} 亩`;
  const field = (k, label, attrs = {}) => html`<label>${t(label)}<input name=${k} value=${form[k] || ''} onInput=${set(k)} ...${attrs} /></label>`;

  return html`<section class="demands">
    <h1>${t('demands')}</h1>
    <form class="filters demand-form" onSubmit=${(e) => e.preventDefault()}>
      ${field('title', 'demandTitle', { placeholder: title })}
      ${field('county', 'county')}${field('township', 'township')}
      ${field('minArea', 'minArea', { inputmode: 'decimal' })}${field('maxArea', 'maxArea', { inputmode: 'decimal' })}
      ${field('termYears', 'termYears', { inputmode: 'numeric' })}${field('budgetPerMuYear', 'budget', { inputmode: 'decimal' })}
      <label><span>${t('contiguous')}</span><input type="checkbox" name="contiguous" checked=${form.contiguous} onChange=${set('contiguous')} /></label>
      <div class="actions">
        <button type="button" class="post-demand" onClick=${() => send(POST, { title, criteria: criteriaOf(form) })}>${t('postDemand')}</button>
        <button type="button" class="save-search" onClick=${() => send(SAVE, { title, criteria: criteriaOf(form) })}>${t('saveSearch')}</button>
      </div>
    </form>
    ${msg && html`<p class=${msg.bad ? 'error' : 'ok'} role="alert">${msg.text}</p>`}
    <h2>${t('alerts')}</h2>
    <ul class="alerts">${alerts.length === 0 ? html`<li>${t('noAlerts')}</li>` : alerts.map((a) => html`<li class="alert" data-listing=${a.listingId}>
      <span class="tag">${t('new')}</span><a href=${'#/lot/' + a.listingId} onClick=${(e) => { e.preventDefault(); go('/lot/' + a.listingId); }}>${a.listingTitle}</a>
      <small>${when(a.at)} · ${demands.find((d) => d.id === a.searchId)?.title || ''}</small></li>`)}</ul>
    <h2>${t('myDemands')} / ${t('savedSearches')}</h2>
    ${demands.map((d) => html`<div class="card demand" data-kind=${d.kind}>
      <span class="tag">${t(d.kind === 'SEARCH' ? 'kindSearch' : 'kindDemand')}</span><strong>${d.title}</strong> ${d.closed ? html`<small>（${t('ended')}）</small>` : ''}
      <${Criteria} c=${d.criteria} />
      ${!d.closed && html`<button class="plain" onClick=${() => send(CLOSE, { demandId: d.id })}>${t('withdraw')}</button>`}
    </div>`)}
  </section>`;
}

function Criteria({ c }) {
  const parts = [
    [c.province, c.county, c.township, c.village].filter(Boolean).join(' '),
    (c.minArea || c.maxArea) && `${c.minArea || '0'}–${c.maxArea || '∞'} ${t('mu', { n: '' }).trim()}`,
    c.minTermMonths && t('months', { n: c.minTermMonths }),
    c.budgetPerMuYear && `${t('budget')} ${yuan(c.budgetPerMuYear)}`,
    c.maxPrice && `${t('maxTotal')} ${yuan(c.maxPrice)}`,
    c.contiguous && t('contiguous'),
  ].filter(Boolean);
  return html`<p class="criteria">${parts.join(' · ')}</p>`;
}

function Collective({ me }) {
  const [assets, setAssets] = useState([]);
  const [matches, setMatches] = useState({});
  const [msg, setMsg] = useState('');
  useEffect(() => {
    query(ASSETS, { c: me.role === 'collective' ? me.party : null }).then(async (d) => {
      const list = d.assets.edges.map((e) => e.node);
      setAssets(list);
      const found = {};
      for (const a of list) found[a.id] = (await query(MATCHING, { id: a.id })).matchingDemands;
      setMatches(found);
    }).catch((e) => setMsg(refusal(e)));
  }, []);
  return html`<section class="matching">
    <h1>${t('matchingDemands')}</h1>
    ${msg && html`<p class="error" role="alert">${msg}</p>`}
    ${assets.map((a) => html`<div class="card asset" data-id=${a.id} data-area=${a.area}>
      <strong>${a.title}</strong> <small>${a.location.county} ${a.location.village} · ${t('mu', { n: a.area })}</small>
      <ul>${(matches[a.id] || []).map((d) => html`<li class="match"><span class="tag">${t('kindDemand')}</span>${d.title} <${Criteria} c=${d.criteria} /> <small>${d.note}</small></li>`)}</ul>
    </div>`)}
  </section>`;
}
