// The page's entry: the header (pages, language, sign-in) and the router.
// Routes live in the URL's fragment (#/lot/<id>), so the server serves one
// page at /.
import { render, useEffect, useState } from 'nj/preact-htm.mjs';
import { onTokenChange, query, setToken, signIn, syncClock, token } from 'nj/gql.js';
import { lang, refusal, setLang, t } from 'nj/i18n.js';
import { setUpSignIn } from 'nj/oidc.js';
import { Board } from 'nj/board.js';
import { Demands } from 'nj/demand.js';
import { LotPage } from 'nj/lot.js';
import { Room } from 'nj/room.js';
import { html } from 'nj/ui.js';

function route() { return location.hash.replace(/^#/, '') || '/'; }

function go(path) { location.hash = path; }

// SignIn shows the signed-in party and the sign-out, or the ways to sign
// in: the provider's, when the server names one, and a pasted token (for
// development and for tokens minted by `nongjiao token`). failed is a
// provider sign-in that did not complete.
function SignIn({ failed }) {
  const [me, setMe] = useState(null);
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [error, setError] = useState(failed);
  const refresh = () => query('{ me { party role } }').then((d) => setMe(d.me)).catch(() => setMe(null));
  useEffect(() => { refresh(); return onTokenChange(refresh); }, []);
  if (me) {
    return html`<span class="me" data-role=${me.role} data-party=${me.party}>${t('signedInAs')}：${me.role} ${me.party.slice(0, 8)}
      <button class="plain sign-out" onClick=${() => setToken('')}>${t('signOut')}</button></span>`;
  }
  const problem = error && html`<span class="error sign-in-error" role="alert" data-code=${error.code}>${refusal(error)}</span>`;
  if (!open) {
    return html`<span class="sign-in-options">${problem}
      ${signIn.begin && html`<button class="sign-in-provider" onClick=${() => { setError(null); signIn.begin().catch(setError); }}>${t('signInProvider')}</button>`}
      <button class=${signIn.begin ? 'plain sign-in' : 'sign-in'} onClick=${() => setOpen(true)}>${t(signIn.begin ? 'signInToken' : 'signIn')}</button></span>`;
  }
  return html`<form class="token" onSubmit=${(e) => { e.preventDefault(); setToken(text); setOpen(false); }}>
    <textarea name="token" rows="3" placeholder=${t('tokenHint')} onInput=${(e) => setText(e.target.value)}></textarea>
    <button type="submit">${t('save')}</button><button type="button" class="plain" onClick=${() => setOpen(false)}>${t('cancel')}</button>
  </form>`;
}

function App({ failed }) {
  const [path, setPath] = useState(route());
  const [, setLangState] = useState(lang);
  const [who, setWho] = useState(token());
  useEffect(() => {
    const on = () => setPath(route());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  useEffect(() => onTokenChange(() => setWho(token())), []);
  const toggle = () => { const l = lang === 'zh' ? 'en' : 'zh'; setLang(l); document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en'; setLangState(l); };
  const [, page, id] = path.split('/');
  let body;
  if (page === 'lot') body = html`<${LotPage} key=${id} id=${id} go=${go} />`;
  else if (page === 'room') body = html`<${Room} key=${id + who} id=${id} />`;
  else if (page === 'demands') body = html`<${Demands} key=${who} go=${go} />`;
  else body = html`<${Board} key=${who} go=${go} />`;
  return html`<header class="top">
      <a class="brand" href="#/">农交 <small>${t('title')}</small></a>
      <nav><a href="#/">${t('board')}</a><a href="#/demands">${t('demands')}</a></nav>
      <button class="plain lang" onClick=${toggle}>${lang === 'zh' ? 'EN' : '中文'}</button>
      <${SignIn} failed=${failed} />
    </header>
    <main data-lang=${lang}>${body}</main>`;
}

Promise.all([setUpSignIn(), syncClock().catch(() => {})]).then(([failed]) => {
  const root = document.getElementById('app');
  root.textContent = ''; // the loading message
  render(html`<${App} failed=${failed} />`, root);
});
