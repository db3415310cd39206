// rtforge wallet page: the build half (compile, watch, artifacts, jobs),
// the header (chain, signer, health), and the helpers upgrade.js uses
// through window.rtforge. Plain browser JavaScript, no build step, nothing
// fetched from outside. Every URL is relative to the page's own directory,
// so the page works at any base path (/, /rtforge/, ...); SSE URLs are
// used as the API gives them. With access control on, login.js keeps the
// page locked until a session exists; app.js tells it of any 401 and
// disables what the logged-in role may not do.
'use strict';

(() => {
  // The page is served at the base path itself (".../rtforge/" or
  // ".../rtforge/index.html"): the base is the path up to its last slash.
  const base = location.pathname.replace(/[^/]*$/, '');
  const $ = (id) => document.getElementById(id);

  const el = {
    btnRuntime: $('btn-runtime'), btnNode: $('btn-node'), btnUpgrade: $('btn-upgrade'),
    btnCancel: $('btn-cancel'), cancelWhy: $('cancel-why'), btnFollow: $('btn-follow'),
    clean: $('opt-clean'), features: $('opt-features'), target: $('opt-target'),
    busy: $('busy-reason'), apiError: $('api-error'), apiErrorText: $('api-error-text'),
    apiErrorDismiss: $('api-error-dismiss'),
    progress: $('progress'), fill: $('progress-fill'), pct: $('progress-pct'),
    crate: $('progress-crate'), jobLabel: $('job-label'), jobState: $('job-state'),
    conn: $('conn-state'), console: $('console'), count: $('console-count'),
    artifacts: $('artifacts-body'), jobs: $('jobs'), health: $('daemon-health'),
    file: $('upgrade-file'), roleWhy: $('role-why'), uploadRoleWhy: $('upload-role-why'),
    uploadResult: $('upload-result'),
  };

  // ---------------------------------------------------------------- API
  // An error answer: its message is the API's own words; `body` keeps the
  // rest of the answer (an upgrade refusal's `check`, an upload's `reason`).
  class ApiError extends Error {
    constructor(message, status, body) { super(message); this.status = status; this.body = body || null; }
  }

  // Calls the API with a JSON body (or none); an error answer throws with
  // the API's own words.
  async function api(method, p, body) {
    return send(method, p, body !== undefined ? { type: 'application/json', data: JSON.stringify(body) } : null);
  }

  // Sends raw bytes (a File for an upload) with their content type.
  async function apiRaw(method, p, type, data) {
    return send(method, p, { type, data });
  }

  async function send(method, p, body) {
    // A 401 to a request sent before the latest login says nothing about
    // the session that login made.
    const gen = shared.authGen;
    let res;
    try {
      res = await fetch(base + p, {
        method,
        cache: 'no-store',
        credentials: 'same-origin',
        headers: body ? { 'Content-Type': body.type } : {},
        body: body ? body.data : undefined,
      });
    } catch (e) {
      throw new ApiError(`cannot reach rtforge at ${base}: ${e.message}`, 0);
    }
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    if (!res.ok) {
      if (res.status === 401 && gen === shared.authGen) hook('unauthorized', json && json.error);
      if (json && typeof json.error === 'string') throw new ApiError(json.error, res.status, json);
      throw new ApiError(`HTTP ${res.status} ${res.statusText}${text ? ': ' + text.slice(0, 300) : ''}`, res.status);
    }
    return { status: res.status, json };
  }

  function showError(message) {
    el.apiErrorText.textContent = message;
    el.apiError.hidden = false;
  }
  function clearError() {
    el.apiError.hidden = true;
    el.apiErrorText.textContent = '';
  }
  el.apiErrorDismiss.addEventListener('click', clearError);

  // ------------------------------------------------------------ helpers
  function fmtTime(iso) {
    return iso ? String(iso).replace('T', ' ').replace(/Z$/, ' UTC') : '—';
  }
  function fmtSize(n) {
    if (typeof n !== 'number') return '—';
    if (n < 1024) return `${n} B`;
    if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
    if (n < 1024 * 1024 * 1024) return `${(n / 1048576).toFixed(1)} MiB`;
    return `${(n / 1073741824).toFixed(2)} GiB`;
  }
  function node(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function kindName(kind) {
    return kind === 'runtime' ? 'WASM runtime' : kind === 'node' ? 'node binary' : String(kind || 'build');
  }
  // Buttons stay focusable when they cannot act (aria-disabled), so that a
  // keyboard user keeps their place and hears why.
  function setEnabled(btn, enabled, reason) {
    btn.setAttribute('aria-disabled', enabled ? 'false' : 'true');
    if (enabled) btn.removeAttribute('title'); else btn.title = reason;
  }
  const isEnabled = (btn) => btn.getAttribute('aria-disabled') !== 'true';

  // ------------------------------------------------------------ roles
  // What the logged-in token may do (README, Access control). Without
  // access control (or before whoami answered) everything is offered and
  // the API decides.
  const RANK = { none: 0, viewer: 1, builder: 2, upgrader: 3 };
  function can(role) {
    const w = shared.who;
    if (!w || RANK[w.role] === undefined) return true;
    return RANK[w.role] >= RANK[role];
  }
  // '' when the role suffices, else the reason a button shows.
  const roleWhy = (role) => (can(role) ? '' : `needs the ${role} role`);
  const whoSays = () => (shared.who ? `${shared.who.name} is a ${shared.who.role}` : '');

  // What upgrade.js uses. It fills in the hooks (upgradeCell, onArtifacts,
  // onChain, upgradeAction); until it has, the page works without them.
  const shared = window.rtforge = {
    base, $, api, apiRaw, ApiError, node, fmtSize, fmtTime, setEnabled, isEnabled,
    showError, clearError, can,
    who: null,          // whoami's {name, role, via}, set by login.js
    locked: false,      // the login panel is shown: no polling
    authGen: 0,         // bumped by each login
    resume: () => resume(),
    chain: null, chainError: '', signer: null, artifacts: null,
    copyText: (text, btn) => copyText(text, btn),
    refreshArtifacts: () => refreshArtifacts(),
    rerenderArtifacts: () => { if (shared.artifacts) renderArtifacts(shared.artifacts); },
    refreshChainAndSigner: () => refreshChainAndSigner(),
    hooks: {},
  };
  const hook = (name, ...args) => (typeof shared.hooks[name] === 'function' ? shared.hooks[name](...args) : undefined);

  // ------------------------------------------------------------ state
  const st = {
    jobs: [],           // the last GET api/build/jobs
    jobsLoaded: false,
    attached: null,     // the job the console and progress bar follow
    starting: false,    // a POST is in flight
    successIds: '',     // to refresh artifacts when a new build succeeds
  };

  // ------------------------------------------------------------ console
  const MAX_LINES = 50000;
  let pending = [];
  let flushQueued = false;
  let stick = true;     // auto-scroll while the operator is at the bottom
  let lineCount = 0;

  function queueLine(level, text, id) {
    pending.push([level, text, id]);
    if (flushQueued) return;
    flushQueued = true;
    // One DOM update per frame, however fast the build logs; the timer
    // covers a hidden tab, where frames do not run.
    const run = () => { if (flushQueued) { flushQueued = false; flush(); } };
    requestAnimationFrame(run);
    setTimeout(run, 250);
  }

  function flush() {
    if (pending.length === 0) return;
    const frag = document.createDocumentFragment();
    for (const [level, text, id] of pending) {
      const div = node('div', `ln ${level}`, text);
      if (id !== undefined) div.dataset.id = String(id);
      frag.appendChild(div);
    }
    lineCount += pending.length;
    pending = [];
    el.console.appendChild(frag);
    while (el.console.childElementCount > MAX_LINES) el.console.firstElementChild.remove();
    el.count.textContent = `${lineCount} line${lineCount === 1 ? '' : 's'}`;
    if (stick) el.console.scrollTop = el.console.scrollHeight;
  }

  function clearConsole() {
    pending = [];
    flushQueued = false;
    el.console.textContent = '';
    lineCount = 0;
    el.count.textContent = '0 lines';
    setStick(true);
  }

  function setStick(v) {
    stick = v;
    el.btnFollow.hidden = v;
  }
  el.console.addEventListener('scroll', () => {
    const c = el.console;
    const atBottom = c.scrollHeight - c.scrollTop - c.clientHeight < 24;
    if (atBottom !== stick) setStick(atBottom);
  });
  el.btnFollow.addEventListener('click', () => {
    setStick(true);
    el.console.scrollTop = el.console.scrollHeight;
  });

  // ------------------------------------------------------------ progress
  function setProgress(p) {
    const v = Math.max(0, Math.min(100, Math.floor(Number(p) || 0)));
    el.fill.style.width = `${v}%`;
    el.progress.setAttribute('aria-valuenow', String(v));
    el.progress.setAttribute('aria-valuetext', `${v} percent`);
    el.pct.textContent = `${v}%`;
  }

  function setJobState(cls, text, detail) {
    el.jobState.className = `job-state ${cls}`;
    el.jobState.textContent = text;
    if (detail) el.jobState.appendChild(node('span', 'detail', detail));
  }

  function setConn(text, reconnecting) {
    el.conn.textContent = text;
    el.conn.classList.toggle('reconnecting', !!reconnecting);
  }

  // ------------------------------------------------------------ streams
  function detach() {
    const a = st.attached;
    if (!a) return;
    a.gone = true;
    if (a.es) a.es.close();
    clearTimeout(a.retryTimer);
    st.attached = null;
  }

  // Follows one job: its stream from the start (a replay for a finished
  // job), into a fresh console and progress bar.
  function attach(id, sse, { kind, position, pinned } = {}) {
    detach();
    const a = {
      id: String(id), sse, kind, position: position || 0, pinned: !!pinned,
      es: null, lastId: 0, maxPct: 0, ended: false, dropped: false, retries: 0,
      started: false, gone: false,
    };
    st.attached = a;
    clearConsole();
    el.progress.classList.remove('done', 'failed');
    setProgress(0);
    el.crate.textContent = '—';
    el.jobLabel.textContent = `job ${a.id}${kind ? ' · ' + kindName(kind) : ''}`;
    showQueueState(a);
    openStream(a);
    renderJobs(true);
    updateButtons();
    return a;
  }

  function showQueueState(a) {
    if (a.started || a.ended) return;
    const j = st.jobs.find((x) => x.job_id === a.id);
    if (j && j.status === 'running') {
      a.started = true;
      setJobState('running', `Building the ${kindName(a.kind || j.kind)} (job ${a.id}).`);
      return;
    }
    // The place in the queue: the 202 answer's position at first, then
    // recounted from the jobs list (jobs ahead that are queued or running).
    let place = a.position;
    if (j && j.status === 'queued') {
      place = st.jobs.filter((x) => (x.status === 'queued' || x.status === 'running') &&
        Number(x.job_id) < Number(a.id)).length + 1;
    }
    if (place > 1) {
      setJobState('queued', `Queued: place ${place} in the queue (job ${a.id}). It starts when the builds ahead of it end.`);
    } else if (j && !['queued', 'running'].includes(j.status)) {
      setJobState('idle', `Replaying job ${a.id} (${j.status}).`);
    } else {
      setJobState('queued', `Queued: place 1 in the queue, starting (job ${a.id}).`);
    }
  }

  function withLastId(url, n) {
    return `${url}${url.includes('?') ? '&' : '?'}last_event_id=${n}`;
  }

  function openStream(a) {
    if (a.gone || a.ended) return;
    const es = new EventSource(a.lastId > 0 ? withLastId(a.sse, a.lastId) : a.sse);
    a.es = es;
    es.addEventListener('open', () => {
      if (a.gone) return;
      if (a.dropped) {
        queueLine('note', `— connection restored; resumed after event ${a.lastId} —`);
        a.dropped = false;
      }
      a.retries = 0;
      setConn('live');
    });
    es.addEventListener('progress', (e) => take(a, e, onProgress));
    es.addEventListener('log', (e) => take(a, e, onLog));
    es.addEventListener('complete', (e) => take(a, e, onComplete));
    es.addEventListener('error', (e) => {
      if (a.gone || a.ended) return;
      // The API's own "error" event carries data; EventSource's transport
      // error has none.
      if (typeof e.data === 'string' && e.data !== '') {
        take(a, e, onFailed);
        return;
      }
      a.dropped = true;
      if (es.readyState === EventSource.CLOSED) {
        // The browser gave up (an HTTP error answer): retry ourselves,
        // resuming after the last event rendered.
        const delay = Math.min(10000, 1000 * 2 ** a.retries++);
        setConn('connection lost; reconnecting…', true);
        a.retryTimer = setTimeout(() => reopen(a), delay);
      } else {
        setConn('reconnecting…', true);
      }
    });
  }

  async function reopen(a) {
    if (a.gone || a.ended) return;
    try {
      await api('GET', `api/build/jobs/${encodeURIComponent(a.id)}`);
    } catch (e) {
      if (e.status === 404) {
        a.ended = true;
        setConn('');
        setJobState('failed', `Cannot follow job ${a.id}.`, e.message);
        updateButtons();
        return;
      }
      if (e.status === 401) {
        // Logged out: the stream goes on once someone logs in again.
        afterLogin.push(() => reopen(a));
        return;
      }
      // Not reachable yet: try again later.
      const delay = Math.min(10000, 1000 * 2 ** a.retries++);
      a.retryTimer = setTimeout(() => reopen(a), delay);
      return;
    }
    openStream(a);
  }

  // Each event once: ids are contiguous from 1, and anything at or below
  // the last id rendered was already shown (a resumed stream never repeats
  // it, but a replay after our own reopen could).
  function take(a, e, fn) {
    if (a.gone || a.ended) return;
    const id = Number(e.lastEventId);
    if (!Number.isSafeInteger(id) || id <= a.lastId) return;
    if (id !== a.lastId + 1) queueLine('note', `— events ${a.lastId + 1}–${id - 1} were not received —`);
    a.lastId = id;
    let data;
    try { data = JSON.parse(e.data); } catch { return; }
    fn(a, data, id);
  }

  function markStarted(a) {
    if (a.started) return;
    a.started = true;
    const j = st.jobs.find((x) => x.job_id === a.id);
    if (j && !['queued', 'running'].includes(j.status)) {
      setJobState('idle', `Replaying job ${a.id} (${j.status})…`);
    } else {
      setJobState('running', `Building the ${kindName(a.kind)} (job ${a.id}).`);
    }
    updateButtons();
  }

  function onProgress(a, d) {
    markStarted(a);
    a.maxPct = Math.max(a.maxPct, Number(d.percent) || 0);   // never backwards
    setProgress(a.maxPct);
    if (typeof d.message === 'string' && d.message) el.crate.textContent = d.message;
  }

  function onLog(a, d, id) {
    markStarted(a);
    const level = d.level === 'warning' || d.level === 'error' ? d.level : 'info';
    queueLine(level, String(d.message ?? ''), id);
  }

  function finish(a) {
    a.ended = true;
    if (a.es) a.es.close();
    clearTimeout(a.retryTimer);
    flushQueued = false;
    flush();
    setConn('');
    updateButtons();
    refreshJobs();
  }

  function onComplete(a, d) {
    a.maxPct = 100;
    setProgress(100);
    el.progress.classList.add('done');
    el.crate.textContent = 'done';
    const detail = [d.hash ? `code hash ${d.hash}` : '', d.size !== undefined ? fmtSize(d.size) : '',
      d.reproducible !== undefined ? (d.reproducible ? 'reproducible' : `NOT reproducible (second build ${d.verify_hash})`) : '']
      .filter(Boolean).join(' · ');
    setJobState('success', `Build succeeded: ${kindName(d.kind || a.kind)} (job ${a.id}).`, detail);
    finish(a);
    refreshArtifacts();
  }

  function onFailed(a, d) {
    el.progress.classList.add('failed');
    const msg = typeof d.error === 'string' ? d.error : 'the build failed';
    if (d.job_status === 'cancelled') {
      setJobState('cancelled', `Cancelled (job ${a.id}).`, msg);
    } else {
      setJobState('failed', `Build failed (job ${a.id}).`, msg);
    }
    finish(a);
  }

  // ------------------------------------------------------------ actions
  function busyReason() {
    if (st.starting) return 'Starting a build…';
    const running = st.jobs.find((j) => j.status === 'running');
    if (running) return `A build is running (job ${running.job_id}, ${kindName(running.kind)}).`;
    const queued = st.jobs.filter((j) => j.status === 'queued');
    if (queued.length) return `A build is queued (job ${queued.map((j) => j.job_id).join(', ')}).`;
    const a = st.attached;
    if (a && !a.ended && (!st.jobsLoaded || !st.jobs.some((j) => j.job_id === a.id))) {
      return `A build is running (job ${a.id}).`;
    }
    return '';
  }

  function busyText() {
    const role = roleWhy('builder');
    if (role) return `Compiling ${role}: ${whoSays()}.`;
    const why = busyReason();
    return why ? `${why} The compile buttons come back when it ends.` : 'Ready to compile.';
  }

  function updateButtons() {
    const role = roleWhy('builder');
    const why = role || busyReason();
    setEnabled(el.btnRuntime, !why, why);
    setEnabled(el.btnNode, !why, why);
    el.busy.textContent = busyText();
    const a = st.attached;
    const j = a && st.jobs.find((x) => x.job_id === a.id);
    const cancellable = a && !a.ended && (!j || j.status === 'queued' || j.status === 'running');
    const cancelWhy = !cancellable ? 'no build is running' : role;
    setEnabled(el.btnCancel, !cancelWhy, cancelWhy);
    el.btnCancel.textContent = cancellable ? `Cancel build (job ${a.id})` : 'Cancel build';
    el.cancelWhy.textContent = cancelWhy;
  }

  // Upload & Upgrade and every Upgrade button need the upgrader role.
  function applyRoles() {
    const why = roleWhy('upgrader');
    setEnabled(el.btnUpgrade, !why, why);
    el.file.disabled = !!why;
    el.roleWhy.hidden = !why;
    el.roleWhy.textContent = why ? `Upload & Upgrade ${why}: ${whoSays()}.` : '';
    el.uploadRoleWhy.hidden = !why;
    el.uploadRoleWhy.textContent = why ? `Uploading a runtime ${why}: ${whoSays()}.` : '';
    lockUploadResult();
    updateButtons();
    if (shared.artifacts) renderArtifacts(shared.artifacts);
  }

  function lockUpgradeCell(cell) {
    const why = roleWhy('upgrader');
    if (!why) return;
    for (const b of cell.querySelectorAll('button')) setEnabled(b, false, why);
    let w = cell.querySelector('.why');
    if (!w) {
      w = node('span', 'why');
      w.id = `role-why-${Math.random().toString(36).slice(2)}`;
      cell.querySelector('button')?.setAttribute('aria-describedby', w.id);
      cell.appendChild(w);
    }
    w.textContent = why;
  }

  // upgrade.js draws the upload's Upgrade button itself; a session of
  // another role may find one left from before. Attributes only, so the
  // observer below does not wake itself.
  function lockUploadResult() {
    const why = roleWhy('upgrader');
    if (!why) return;
    for (const b of el.uploadResult.querySelectorAll('button[data-upgrade]')) setEnabled(b, false, why);
  }
  new MutationObserver(lockUploadResult).observe(el.uploadResult, { childList: true, subtree: true });

  function parseFeatures(text) {
    return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  }

  async function startBuild(kind, btn) {
    if (!isEnabled(btn)) {
      el.busy.textContent = roleWhy('builder') || busyReason() ? busyText() : 'Not available.';
      return;
    }
    clearError();
    const body = { clean: el.clean.checked };
    if (kind === 'runtime') body.features = parseFeatures(el.features.value);
    else body.target = el.target.value;
    st.starting = true;
    updateButtons();
    try {
      const r = await api('POST', `api/build/${kind}`, body);
      const j = r.json;
      st.starting = false;
      attach(j.job_id, j.sse_endpoint, { kind: j.kind || kind, position: j.position });
      refreshJobs();
    } catch (e) {
      showError(e.message);
    } finally {
      st.starting = false;
      updateButtons();
    }
  }

  async function cancelBuild() {
    const a = st.attached;
    if (!isEnabled(el.btnCancel) || !a || a.ended) return;
    clearError();
    try {
      const r = await api('DELETE', `api/build/jobs/${encodeURIComponent(a.id)}`);
      setConn(r.status === 202 ? 'cancelling…' : 'cancelled');
    } catch (e) {
      showError(e.message);
    }
    refreshJobs();
  }

  el.btnRuntime.addEventListener('click', () => startBuild('runtime', el.btnRuntime));
  el.btnNode.addEventListener('click', () => startBuild('node', el.btnNode));
  el.btnCancel.addEventListener('click', cancelBuild);
  el.btnUpgrade.addEventListener('click', () => { if (isEnabled(el.btnUpgrade)) hook('upgradeAction'); });

  // ------------------------------------------------------------ jobs
  let jobsSig = '';
  function renderJobs(force) {
    const attachedId = st.attached ? st.attached.id : null;
    const sig = JSON.stringify([attachedId, st.jobs.map((j) => [j.job_id, j.status, j.percent, j.message, j.error])]);
    if (!force && sig === jobsSig) return;
    jobsSig = sig;
    const focused = document.activeElement && document.activeElement.dataset
      ? document.activeElement.dataset.job : undefined;
    const list = el.jobs;
    list.textContent = '';
    if (st.jobs.length === 0) {
      list.appendChild(node('li', 'muted', st.jobsLoaded ? 'No builds yet.' : 'loading…'));
      return;
    }
    for (const j of st.jobs) {
      const li = node('li');
      const b = node('button', 'job');
      b.type = 'button';
      b.dataset.job = j.job_id;
      if (j.job_id === attachedId) b.setAttribute('aria-current', 'true');
      b.appendChild(node('span', 'jid', `Job ${j.job_id}`));
      b.appendChild(node('span', 'kind', kindName(j.kind)));
      b.appendChild(node('span', `st ${j.status}`, j.status));
      b.appendChild(node('span', 'pc', typeof j.percent === 'number' ? `${j.percent}%` : ''));
      const art = j.status === 'success' && j.artifact && j.artifact.hash ? `code hash ${j.artifact.hash}` : '';
      b.appendChild(node('span', 'msg', j.error || art || j.message || ''));
      b.appendChild(node('span', 'when', fmtTime(j.created_at)));
      b.setAttribute('aria-label', `Job ${j.job_id}, ${kindName(j.kind)}, ${j.status}, ` +
        `${j.percent ?? 0} percent${j.error ? ', ' + j.error : ''}: show its log`);
      b.addEventListener('click', () => {
        attach(j.job_id, `${base}api/build/status/${encodeURIComponent(j.job_id)}`, { kind: j.kind, pinned: true });
      });
      li.appendChild(b);
      list.appendChild(li);
      if (focused === j.job_id) b.focus();
    }
  }

  async function refreshJobs() {
    let r;
    try {
      r = await api('GET', 'api/build/jobs');
    } catch (e) {
      el.health.textContent = e.message;
      el.health.className = 'bad';
      return;
    }
    const first = !st.jobsLoaded;
    st.jobs = Array.isArray(r.json.jobs) ? r.json.jobs : [];
    st.jobsLoaded = true;
    const a = st.attached;
    if (a && !a.started && !a.ended) showQueueState(a);
    follow(first);
    renderJobs(false);
    updateButtons();
    const ok = st.jobs.filter((j) => j.status === 'success').map((j) => j.job_id).join(',');
    if (ok !== st.successIds) {
      st.successIds = ok;
      refreshArtifacts();
    }
  }

  // On opening, show the running build (or replay the newest one); later,
  // when the followed job has ended, follow a new build started elsewhere
  // unless the operator picked a job to look at.
  function follow(first) {
    const active = st.jobs.find((j) => j.status === 'running') ||
      [...st.jobs].reverse().find((j) => j.status === 'queued');
    const a = st.attached;
    if (first && !a) {
      const j = active || st.jobs[0];
      if (j) attach(j.job_id, `${base}api/build/status/${encodeURIComponent(j.job_id)}`, { kind: j.kind });
      return;
    }
    if (active && a && a.ended && !a.pinned && Number(active.job_id) > Number(a.id)) {
      attach(active.job_id, `${base}api/build/status/${encodeURIComponent(active.job_id)}`, { kind: active.kind });
    }
  }

  // ------------------------------------------------------------ artifacts
  async function copyText(text, btn) {
    let ok = false;
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(text);
        ok = true;
      }
    } catch { /* fall back */ }
    if (!ok) {
      const ta = node('textarea', 'sr-only');
      ta.value = text;
      ta.setAttribute('readonly', '');
      document.body.appendChild(ta);
      ta.select();
      try { ok = document.execCommand('copy'); } catch { ok = false; }
      ta.remove();
      btn.focus();
    }
    btn.textContent = ok ? 'Copied' : 'Copy failed: select the hash';
    setTimeout(() => { btn.textContent = 'Copy'; }, 2000);
  }

  function renderArtifacts(data) {
    const key = (x) => `${x.kind}|${x.hash}|${x.job_id}`;
    const latest = new Set([data.runtime_wasm, data.node_binary].filter(Boolean).map(key));
    const rows = [];
    const seen = new Set();
    for (const x of [data.runtime_wasm, data.node_binary, ...(Array.isArray(data.history) ? data.history : [])]) {
      if (!x || seen.has(key(x))) continue;
      seen.add(key(x));
      rows.push(x);
    }
    rows.sort((p, q) => Number(q.job_id) - Number(p.job_id));
    // The table is rebuilt; a keyboard user keeps their place on its buttons.
    const focused = document.activeElement && el.artifacts.contains(document.activeElement)
      ? document.activeElement.dataset.focusKey : undefined;
    const body = el.artifacts;
    body.textContent = '';
    if (rows.length === 0) {
      const tr = node('tr');
      const td = node('td', 'muted', 'No artifacts yet: compile one above.');
      td.colSpan = 8;
      tr.appendChild(td);
      body.appendChild(tr);
      return;
    }
    for (const x of rows) {
      const tr = node('tr', x.kind === 'node' ? 'node' : 'runtime');
      tr.dataset.hash = x.hash || '';
      tr.dataset.kind = x.kind || '';
      const kind = node('td', 'kind', kindName(x.kind));
      if (latest.has(key(x))) kind.appendChild(node('span', 'latest', 'latest'));
      tr.appendChild(kind);
      const size = node('td', 'num', fmtSize(x.size));
      if (typeof x.size === 'number') size.title = `${x.size} bytes`;
      tr.appendChild(size);
      const hashTd = node('td');
      const wrap = node('div', 'hash');
      wrap.appendChild(node('code', 'code-hash', x.hash || '—'));
      if (x.hash) {
        const copy = node('button', 'mini', 'Copy');
        copy.type = 'button';
        copy.setAttribute('aria-label', `Copy the code hash of job ${x.job_id}`);
        copy.dataset.focusKey = `copy|${key(x)}`;
        copy.addEventListener('click', () => copyText(x.hash, copy));
        wrap.appendChild(copy);
      }
      hashTd.appendChild(wrap);
      if (x.sha256) hashTd.appendChild(node('code', 'muted', `sha256 ${x.sha256}`));
      tr.appendChild(hashTd);
      const rt = x.runtime && typeof x.runtime === 'object' ? x.runtime : null;
      const spec = node('td', 'spec', rt && rt.spec_name ? `${rt.spec_name} ${rt.spec_version ?? ''}`.trim() : '—');
      if (!rt) spec.title = 'spec name and version are not reported by the API for this artifact';
      if (x.verdict) {
        const words = { ready: 'ready to upgrade', nothing_to_do: 'nothing to do', refused: 'refused' };
        const v = node('span', `verdict ${x.verdict}`, words[x.verdict] || x.verdict);
        v.title = x.verdict_reason || '';
        spec.appendChild(v);
        spec.appendChild(node('span', 'verdict-reason muted', x.verdict_reason || ''));
      }
      tr.appendChild(spec);
      tr.appendChild(node('td', 'num when', fmtTime(x.built_at)));
      tr.appendChild(node('td', 'num', x.job_id ? `job ${x.job_id}` : '—'));
      const file = node('td', 'path');
      const code = node('code', '', x.path || '—');
      code.title = 'relative to the state directory; no download endpoint in this release';
      file.appendChild(code);
      tr.appendChild(file);
      const act = node('td', 'upgrade');
      const made = hook('upgradeCell', x, data);
      if (made) {
        lockUpgradeCell(made);
        act.appendChild(made);
      } else act.textContent = '—';
      tr.appendChild(act);
      body.appendChild(tr);
    }
    if (focused) {
      const again = [...body.querySelectorAll('[data-focus-key]')].find((b) => b.dataset.focusKey === focused);
      if (again) again.focus();
    }
  }

  async function refreshArtifacts() {
    try {
      const r = await api('GET', 'api/build/artifacts');
      shared.artifacts = r.json || {};
      renderArtifacts(shared.artifacts);
      hook('onArtifacts', shared.artifacts);
      const chain = r.json && r.json.chain;
      $('chain-runtime').textContent = chain && chain.spec_name
        ? `${chain.spec_name} spec_version ${chain.spec_version} (impl ${chain.impl_name} ${chain.impl_version}, transaction_version ${chain.transaction_version})`
        : `the chain cannot be read: ${(r.json && r.json.chain_error) || 'no answer'}`;
    } catch (e) {
      el.artifacts.textContent = '';
      const tr = node('tr');
      const td = node('td', 'muted', `artifacts unavailable: ${e.message}`);
      td.colSpan = 8;
      tr.appendChild(td);
      el.artifacts.appendChild(tr);
    }
  }

  // ------------------------------------------------------------ health
  async function refreshHealth() {
    try {
      const r = await api('GET', 'healthz');
      const h = r.json;
      const roles = h.roles || {};
      const down = Object.keys(roles).filter((k) => roles[k].state !== 'up');
      el.health.textContent = `${h.status}${down.length ? ' · restarting: ' + down.join(', ') : ''}`;
      el.health.className = h.status === 'ok' ? 'ok' : 'bad';

    } catch (e) {
      el.health.textContent = e.message;
      el.health.className = 'bad';
    }
  }

  // ------------------------------------------------------------ chain and signer
  let sudoKey = null;
  async function refreshChain() {
    const head = $('chain-header');
    const before = shared.chain && shared.chain.runtime ? shared.chain.runtime.spec_version : null;
    try {
      const c = (await api('GET', 'api/chain')).json;
      shared.chain = c;
      shared.chainError = '';
      sudoKey = c.sudo_key || null;
      head.textContent = `${c.runtime.spec_name} ${c.runtime.spec_version} · best #${c.best.number} · finalized #${c.finalized.number}`;
      head.title = `node ${c.node_url}, genesis ${c.genesis_hash}`;
      head.className = 'ok';
      // A new runtime on the chain changes every artifact's verdict.
      if (before !== null && before !== c.runtime.spec_version) refreshArtifacts();
    } catch (e) {
      shared.chain = null;
      shared.chainError = e.message;
      sudoKey = null;
      head.textContent = `node not reachable: ${e.message}`;
      head.className = 'bad';
    }
    hook('onChain', shared.chain);
  }

  async function refreshSigner() {
    const head = $('signer-header');
    try {
      const r = (await api('GET', 'api/signer')).json;
      shared.signer = r;
      const k = Array.isArray(r.keys) ? r.keys[r.account_index || 0] : null;
      if (!k) { head.textContent = r.note || 'no signing key is configured'; head.className = 'bad'; return; }
      const sudo = sudoKey === null ? 'Sudo key unknown' : sudoKey === k.account_id ? 'holds the Sudo key' : 'is NOT the Sudo key';
      head.textContent = `${k.ss58} (${k.scheme}) · ${sudo}`;
      head.className = sudoKey === k.account_id ? 'ok' : 'bad';
    } catch (e) {
      shared.signer = null;
      head.textContent = e.message;
      head.className = 'bad';
    }
  }

  async function refreshChainAndSigner() {
    await refreshChain();
    await refreshSigner();
  }

  // ------------------------------------------------------------ start
  // After every deferred script (login.js, upgrade.js) has run and set its
  // hooks: login.js lets the page start once it knows who is there.
  let started = false;
  const afterLogin = [];    // what waits for a session (a stream to reopen)
  document.addEventListener('DOMContentLoaded', () => {
    if (typeof shared.hooks.gate === 'function') {
      shared.hooks.gate();
      return;
    }
    document.body.classList.remove('auth-checking');
    resume();
  });

  // Starts the page the first time; after a new login, refreshes all it
  // shows and takes up what the lost session left.
  function resume() {
    shared.locked = false;
    applyRoles();
    if (!started) {
      started = true;
      start();
      return;
    }
    clearError();
    refreshJobs();
    refreshArtifacts();
    refreshHealth();
    refreshChainAndSigner();
    for (const fn of afterLogin.splice(0)) fn();
  }

  function start() {
    updateButtons();
    refreshJobs();
    refreshArtifacts();
    refreshHealth();
    refreshChainAndSigner();
    hook('start');
    let tick = 0;
    setInterval(() => {
      if (shared.locked) return;
      tick++;
      const active = st.starting || (st.attached && !st.attached.ended) ||
        st.jobs.some((j) => j.status === 'running' || j.status === 'queued');
      if (active || tick % 3 === 0) refreshJobs();
      if (tick % 5 === 0) refreshHealth();
      if (tick % 3 === 0) refreshChainAndSigner();
    }, 2000);
  }
})();
