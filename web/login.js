// rtforge wallet page: logging in. With access control on (auth.tokens),
// every API call needs a session: the page asks GET api/whoami first and,
// on 401, shows the login panel instead of the page. A token is sent once
// to POST api/login, which sets an HttpOnly session cookie; the page keeps
// no copy of the token anywhere (no storage, no console, the field is
// emptied). A 401 later (the session expired, or was logged out elsewhere)
// brings the panel back; after a new login the page goes on. Uses what
// app.js shares as window.rtforge. Plain browser JavaScript, no build step.
'use strict';

(() => {
  const R = window.rtforge;
  if (!R) return;
  const { base, $ } = R;

  const el = {
    section: $('login-section'), form: $('login-form'), token: $('login-token'),
    btn: $('btn-login'), note: $('login-note'), error: $('login-error'),
    session: $('session'), whoName: $('who-name'), whoRole: $('who-role'),
    logout: $('btn-logout'), main: $('main'), dialog: $('upgrade-dialog'),
  };

  const NOTES = {
    login: '',
    expired: 'Your session has expired; log in again.',
    logout: 'You have logged out.',
    refused: 'rtforge asks for a login.',
  };

  let busy = false;
  let retryAt = 0;          // after a 429: no login before this time (ms)
  let refusal = '';         // and the API's words for it
  let retryTimer = null;
  let lastFocus = null;     // where the operator was when the session ended

  // Same-origin calls of our own: login needs the answer's Retry-After,
  // and none of these may set off the 401 handling in app.js.
  async function call(method, p, body) {
    let res;
    try {
      res = await fetch(base + p, {
        method,
        cache: 'no-store',
        credentials: 'same-origin',
        headers: body ? { 'Content-Type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
      });
    } catch (e) {
      return { status: 0, json: null, error: `cannot reach rtforge at ${base}: ${e.message}`, retryAfter: 0 };
    }
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    let error = '';
    if (!res.ok) {
      error = json && typeof json.error === 'string' ? json.error
        : `HTTP ${res.status} ${res.statusText}${text ? ': ' + text.slice(0, 300) : ''}`;
    }
    const after = Number(res.headers.get('Retry-After'));
    return { status: res.status, json, error, retryAfter: Number.isFinite(after) && after > 0 ? after : 0 };
  }

  // ------------------------------------------------------------ who
  // The header names a session's token and role; with auth off ("off") or
  // a Bearer token ("token") there is nothing to log out of.
  function setWho(w) {
    R.who = w ? { name: String(w.name || ''), role: String(w.role || ''), via: String(w.via || '') } : null;
    const session = !!(R.who && R.who.via === 'session');
    el.session.hidden = !session;
    el.whoName.textContent = session ? R.who.name : '';
    el.whoRole.textContent = session ? R.who.role : '';
  }

  // ------------------------------------------------------------ panel
  function showError(message, retry) {
    el.error.textContent = '';
    if (!message) {
      el.error.hidden = true;
      return;
    }
    const words = document.createElement('span');
    words.id = 'login-error-text';
    words.className = 'api-words';
    words.textContent = message;
    el.error.appendChild(words);
    if (retry) {
      const r = document.createElement('span');
      r.id = 'login-retry';
      r.className = 'login-retry';
      r.textContent = retry;
      el.error.appendChild(r);
    }
    el.error.hidden = false;
  }

  function setBusy(on) {
    busy = on;
    el.btn.setAttribute('aria-disabled', on ? 'true' : 'false');
    el.btn.textContent = on ? 'Logging in…' : 'Log in';
  }

  // Shows the panel in place of the page; what the page showed is kept
  // (hidden) for when someone logs in again.
  function lock(kind) {
    const first = !R.locked;
    R.locked = true;
    const body = document.body;
    body.classList.remove('auth-checking');
    body.classList.add('locked');
    if (first) {
      const f = document.activeElement;
      lastFocus = f && f !== body && !el.section.contains(f) ? f : null;
      // A confirmation open for a session that is gone would only be refused.
      if (el.dialog && el.dialog.open) el.dialog.close('session');
      R.clearError();
    }
    setWho(null);
    el.section.hidden = false;
    el.note.textContent = NOTES[kind] || '';
    el.note.className = `login-note ${kind}`;
    showError('');
    el.token.focus();
  }

  // After a login the operator goes on where they were (or at the top of
  // the page); a page that needed no login keeps the browser's focus.
  function unlock(afterLogin) {
    document.body.classList.remove('locked', 'auth-checking');
    el.section.hidden = true;
    el.note.textContent = '';
    showError('');
    R.resume();
    if (!afterLogin) return;
    const back = lastFocus && lastFocus.isConnected && lastFocus.offsetParent !== null ? lastFocus : el.main;
    lastFocus = null;
    back.focus();
  }

  // ------------------------------------------------------------ login
  function clock(ms) {
    return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }

  function refuseUntil(secs) {
    retryAt = Date.now() + secs * 1000;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      retryAt = 0;
      const r = $('login-retry');
      if (r) r.textContent = 'You can try again now.';
    }, secs * 1000);
    return `You can try again at ${clock(retryAt)} (in ${secs} s).`;
  }

  async function login() {
    if (busy) return;
    if (retryAt > Date.now()) {
      const secs = Math.ceil((retryAt - Date.now()) / 1000);
      showError(refusal, `Not yet: try again at ${clock(retryAt)} (in ${secs} s).`);
      el.token.focus();
      return;
    }
    if (el.token.value.trim() === '') {
      showError('Enter your access token: <name>.<secret>.');
      el.token.focus();
      return;
    }
    setBusy(true);
    const r = await call('POST', 'api/login', { token: el.token.value.trim() });
    setBusy(false);
    if (r.status === 200 && r.json) {
      el.token.value = '';
      R.authGen++;
      setWho({ name: r.json.name, role: r.json.role, via: 'session' });
      unlock(true);
      return;
    }
    if (r.status === 429) refusal = r.error;
    showError(r.error, r.status === 429 ? refuseUntil(r.retryAfter || 60) : '');
    // A refused token is of no further use; after a 429 or a network
    // error the same one may work later.
    if (r.status === 400 || r.status === 401 || r.status === 403) el.token.value = '';
    el.token.focus();
    el.token.select();
  }

  el.form.addEventListener('submit', (e) => {
    e.preventDefault();
    login();
  });

  el.logout.addEventListener('click', async () => {
    const r = await call('POST', 'api/logout');
    if (r.status !== 200) {
      R.showError(`Log out failed: ${r.error}`);
      return;
    }
    lock('logout');
  });

  // ------------------------------------------------------------ hooks
  // Before the page starts: who is there? A 401 means log in first; any
  // other failure starts the page anyway, and it shows its own errors.
  R.hooks.gate = async () => {
    const r = await call('GET', 'api/whoami');
    if (r.status === 401) {
      lock('login');
      return;
    }
    setWho(r.status === 200 && r.json ? r.json : null);
    unlock(false);
  };

  // Any later API call answered 401.
  R.hooks.unauthorized = () => {
    if (R.locked) return;
    lock(R.who && R.who.via === 'session' ? 'expired' : 'refused');
  };
})();
