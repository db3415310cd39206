// rtforge wallet page: the upgrade half. Upload a runtime and see its
// inspection; pick a runtime that is ready; confirm its code hash in a
// dialog; submit it and follow each step until the chain has verified the
// new code. Uses what app.js shares as window.rtforge. Plain browser
// JavaScript, no build step, nothing fetched from outside.
'use strict';

(() => {
  const R = window.rtforge;
  const { base, $, api, apiRaw, node, fmtSize, setEnabled, isEnabled } = R;

  const STEPS = [
    ['checks', 'Pre-flight checks'],
    ['signed', 'Signed'],
    ['submitted', 'Submitted'],
    ['in_block', 'In a block'],
    ['finalized', 'Finalized'],
    ['verified', 'Verified on chain'],
  ];
  // The types the API knows. This build submits only sudo; the others are
  // offered only when a dry run shows the chain has their calls.
  const TYPES = {
    sudo: 'sudo: Sudo.sudo(System.set_code), signed by the Sudo key',
    authorize_upgrade: 'authorize_upgrade: System.authorize_upgrade(hash), then the code unsigned',
    democracy_proposal: 'democracy_proposal: a Democracy proposal of System.set_code',
  };
  const PROBED = ['authorize_upgrade', 'democracy_proposal'];
  const UPLOAD_MAX = 10 * 1024 * 1024;   // the API's cap on an upload
  const NAME_MAX = 100;                  // the API's cap on ?name=

  const el = {
    btnUpgrade: $('btn-upgrade'), why: $('upgrade-why'),
    file: $('upgrade-file'), upload: $('upload-result'),
    runH: $('upgrade-run-h'), label: $('upgrade-label'), state: $('upgrade-state'),
    steps: $('upgrade-steps'), result: $('upgrade-result'),
    dialog: $('upgrade-dialog'), dlgSpec: $('dlg-spec'), dlgFrom: $('dlg-from'), dlgTo: $('dlg-to'),
    dlgVersionNote: $('dlg-version-note'), dlgHash: $('dlg-hash'), dlgCopy: $('dlg-copy'),
    dlgFile: $('dlg-file'), dlgSigner: $('dlg-signer'), dlgFee: $('dlg-fee'),
    dlgTypes: $('dlg-type-list'), dlgTypesNote: $('dlg-types-note'), dlgError: $('dlg-error'),
    dlgCancel: $('dlg-cancel'), dlgConfirm: $('dlg-confirm'), dlgConfirmWhy: $('dlg-confirm-why'),
  };

  const up = {
    followed: null,     // the upgrade whose steps are shown
    dialog: null,       // the open confirmation: {art, trigger, submitting, …}
    uploaded: null,     // the last upload's artifact, as the API answered it
    probes: new Map(),  // chain runtime -> the upgrade types it offers besides sudo
    queue: Promise.resolve(),
  };

  // The sign worker takes one submission (dry runs included) at a time:
  // this page sends them one after another.
  function serial(fn) {
    const p = up.queue.then(fn, fn);
    up.queue = p.catch(() => {});
    return p;
  }

  const running = () => up.followed && !up.followed.ended ? up.followed : null;
  const short = (h) => (h && h.length > 18 ? `${h.slice(0, 10)}…${h.slice(-6)}` : h || '');
  const specOf = (x) => (x && x.runtime && x.runtime.spec_name
    ? `${x.runtime.spec_name} ${x.runtime.spec_version}` : 'unknown runtime');

  function fact(dl, label, value) {
    const div = node('div');
    div.appendChild(node('dt', '', label));
    const dd = node('dd');
    if (value instanceof Node) dd.appendChild(value); else dd.textContent = value;
    div.appendChild(dd);
    dl.appendChild(div);
    return dd;
  }

  function hashWithCopy(hash, what) {
    const wrap = node('span', 'hash');
    wrap.appendChild(node('code', 'code-hash', hash));
    const b = node('button', 'mini', 'Copy');
    b.type = 'button';
    b.setAttribute('aria-label', `Copy ${what}`);
    b.dataset.focusKey = `copy|${what}|${hash}`;
    b.addEventListener('click', () => R.copyText(hash, b));
    wrap.appendChild(b);
    return wrap;
  }

  // ------------------------------------------------ who may upgrade what
  // Why this artifact cannot be upgraded to now, or '' when it can.
  function blockedReason(x, data) {
    const r = running();
    if (r) return `upgrade ${r.id} is running; wait for its result`;
    if (!x.verdict) {
      const err = data && data.chain_error;
      return err ? `cannot be judged: the chain cannot be read (${err})` : 'no verdict against the chain yet';
    }
    if (x.verdict !== 'ready') return x.verdict_reason || `verdict: ${x.verdict}`;
    if (!x.hash) return 'the API reports no code hash for it';
    return '';
  }

  function upgradeButton(x, data, label) {
    const why = blockedReason(x, data);
    const wrap = node('span', 'upgrade-cell');
    const b = node('button', 'action small orange', label);
    b.type = 'button';
    b.dataset.upgrade = x.hash || '';
    b.dataset.focusKey = `upgrade|${x.kind}|${x.hash}|${x.job_id}`;
    b.setAttribute('aria-label', `${label}: ${specOf(x)}, code hash ${x.hash || 'unknown'}`);
    setEnabled(b, !why, why);
    b.addEventListener('click', () => { if (isEnabled(b)) openDialog(x, b); });
    wrap.appendChild(b);
    if (why) {
      const id = `why-${Math.random().toString(36).slice(2)}`;
      const w = node('span', 'why', why);
      w.id = id;
      b.setAttribute('aria-describedby', id);
      wrap.appendChild(w);
    }
    return wrap;
  }

  // All runtime artifacts in the listing, newest first.
  function runtimes(data) {
    const seen = new Set();
    const all = [data && data.runtime_wasm, ...((data && Array.isArray(data.history)) ? data.history : [])];
    return all.filter((x) => {
      if (!x || x.kind !== 'runtime' || seen.has(x.hash)) return false;
      seen.add(x.hash);
      return true;
    }).sort((p, q) => Number(q.job_id) - Number(p.job_id));
  }

  // The listing's entry for a hash: it carries the verdict.
  const listed = (hash) => runtimes(R.artifacts).find((x) => x.hash === hash) || null;

  // What the Upload & Upgrade button does now, said next to it.
  function topTarget() {
    const data = R.artifacts;
    const newest = data && data.runtime_wasm && data.runtime_wasm.kind === 'runtime' ? data.runtime_wasm : null;
    if (!newest) return { art: null, why: 'no runtime has been built or uploaded yet' };
    const why = blockedReason(newest, data);
    return { art: why ? null : newest, why, newest };
  }

  function updateTop() {
    const r = running();
    const t = topTarget();
    let text;
    if (r) text = `Upload & Upgrade: upgrade ${r.id} is running; its steps are shown in Upgrade below.`;
    else if (t.art) text = `Upload & Upgrade: upgrades the chain to the newest runtime, ${specOf(t.art)} (code hash ${short(t.art.hash)}), after you confirm; or upload a .wasm in Upgrade below.`;
    else text = `Upload & Upgrade: upload a .wasm in Upgrade below${t.newest ? ` (the newest runtime, ${specOf(t.newest)}, is not ready: ${t.why})` : ` (${t.why})`}.`;
    el.why.textContent = text;
  }

  function topAction() {
    const t = topTarget();
    if (t.art && !running()) {
      openDialog(t.art, el.btnUpgrade);
      return;
    }
    $('upgrade-section').scrollIntoView({ block: 'start' });
    (running() ? el.runH : el.file).focus();
  }

  // ------------------------------------------------------------ upload
  // A name the API accepts (letters, digits, . _ -, ending in .wasm), or
  // '' to let it choose one.
  function uploadName(name) {
    let n = String(name || '').replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '');
    if (!/\.wasm$/.test(n)) return '';
    if (n.length > NAME_MAX) n = n.slice(n.length - NAME_MAX).replace(/^\.+/, '');
    return n.length > 5 ? n : '';
  }

  function uploadRefused(file, message, reason) {
    el.upload.textContent = '';
    el.upload.className = 'upload-result refused';
    const p = node('p', 'refused-title', `Refused: ${file.name}`);
    el.upload.appendChild(p);
    const msg = node('p', 'api-words');
    msg.id = 'upload-error';
    msg.setAttribute('role', 'alert');
    msg.textContent = message;
    el.upload.appendChild(msg);
    if (reason) el.upload.appendChild(node('p', 'muted', `reason: ${reason}`));
  }

  async function uploadFile(file) {
    up.uploaded = null;
    el.upload.className = 'upload-result busy';
    el.upload.textContent = `Uploading ${file.name} (${fmtSize(file.size)}) for inspection…`;
    if (file.size > UPLOAD_MAX) {
      uploadRefused(file, `${file.name} is ${file.size} bytes; a runtime may be at most ${UPLOAD_MAX} bytes`);
      return;
    }
    const name = uploadName(file.name);
    let r;
    try {
      r = await apiRaw('POST', `api/upgrade/upload${name ? `?name=${encodeURIComponent(name)}` : ''}`,
        'application/wasm', file);
    } catch (e) {
      uploadRefused(file, e.message, e.body && e.body.reason);
      return;
    }
    up.uploaded = { ...r.json, fileName: file.name };
    showUpload();
    await R.refreshArtifacts();   // for its verdict against the chain
  }

  function showUpload() {
    const a = up.uploaded;
    if (!a) return;
    const rt = a.runtime || {};
    const focused = el.upload.contains(document.activeElement) ? document.activeElement.dataset.focusKey : undefined;
    el.upload.textContent = '';
    el.upload.className = 'upload-result inspected';
    el.upload.appendChild(node('p', 'inspected-title',
      `Inspected ${a.fileName}${a.already_stored ? ' (already stored: the same bytes were uploaded or built before)' : ''}`));
    const dl = node('dl', 'facts');
    dl.id = 'upload-inspection';
    fact(dl, 'spec_name', rt.spec_name || '—').dataset.field = 'spec_name';
    fact(dl, 'spec_version', rt.spec_version !== undefined ? String(rt.spec_version) : '—').dataset.field = 'spec_version';
    fact(dl, 'impl', rt.impl_name ? `${rt.impl_name} ${rt.impl_version ?? ''}`.trim() : '—');
    fact(dl, 'Code hash', hashWithCopy(a.hash, 'the uploaded code hash')).dataset.field = 'hash';
    const sizes = rt.compressed
      ? `${rt.compressed_size} bytes compressed · ${rt.uncompressed_size} bytes uncompressed`
      : `${a.size} bytes, not compressed`;
    fact(dl, 'Size', sizes).dataset.field = 'sizes';
    fact(dl, 'APIs', `${rt.api_count ?? '—'} runtime APIs · ${rt.host_functions ?? '—'} host functions`);
    fact(dl, 'Stored as', a.path || '—');
    el.upload.appendChild(dl);
    const x = listed(a.hash);
    const verdict = node('p', 'upload-verdict');
    if (x && x.verdict) {
      const words = { ready: 'ready to upgrade', nothing_to_do: 'nothing to do', refused: 'refused' };
      verdict.appendChild(node('span', `verdict ${x.verdict}`, words[x.verdict] || x.verdict));
      verdict.appendChild(document.createTextNode(` ${x.verdict_reason || ''}`));
    } else {
      verdict.textContent = R.artifacts && R.artifacts.chain_error
        ? `Not judged: the chain cannot be read (${R.artifacts.chain_error}).` : 'Judging it against the chain…';
    }
    el.upload.appendChild(verdict);
    const b = upgradeButton(x || { ...a, kind: 'runtime' }, R.artifacts, 'Upgrade to this runtime');
    b.firstChild.dataset.focusKey = `upload|${a.hash}`;
    el.upload.appendChild(b);
    if (focused) {
      const again = [...el.upload.querySelectorAll('[data-focus-key]')].find((e) => e.dataset.focusKey === focused);
      if (again) again.focus();
    }
  }

  el.file.addEventListener('change', () => {
    const f = el.file.files && el.file.files[0];
    if (f) uploadFile(f);
  });

  // ------------------------------------------------------------ dialog
  function setConfirm(enabled, why) {
    setEnabled(el.dlgConfirm, enabled, why);
    el.dlgConfirmWhy.textContent = enabled ? '' : why;
  }

  function typeOption(type, enabled, note, checked) {
    const id = `dlg-type-${type}`;
    const row = node('div', 'type-opt');
    const input = node('input');
    input.type = 'radio';
    input.name = 'upgrade-type';
    input.id = id;
    input.value = type;
    input.disabled = !enabled;
    input.checked = !!checked;
    row.appendChild(input);
    const label = node('label', '', TYPES[type] || type);
    label.htmlFor = id;
    row.appendChild(label);
    if (note) {
      const n = node('span', 'why', note);
      n.id = `${id}-why`;
      input.setAttribute('aria-describedby', n.id);
      row.appendChild(n);
    }
    el.dlgTypes.appendChild(row);
  }

  // sudo, when the chain has Sudo (or cannot be read: then the API decides),
  // and whatever the probes found.
  function renderTypes(dlg) {
    el.dlgTypes.textContent = '';
    const c = dlg.chain;
    const sudoOk = !c || c.has_sudo !== false;
    if (sudoOk) typeOption('sudo', true, c ? '' : 'the chain cannot be read now; the API checks this when you confirm', true);
    for (const p of dlg.offered || []) typeOption(p.type, p.enabled, p.note, false);
    if (!sudoOk && !(dlg.offered || []).some((p) => p.enabled)) {
      el.dlgTypesNote.textContent = 'The chain has no Sudo pallet, and this rtforge submits only sudo upgrades: it cannot upgrade this chain.';
      setConfirm(false, 'no upgrade type this chain supports can be submitted');
      return;
    }
    el.dlgTypesNote.textContent = dlg.probing
      ? 'Checking with dry runs whether the chain offers authorize_upgrade or a Democracy proposal…'
      : (dlg.offered && dlg.offered.length ? '' : 'Only sudo: the chain offers no other upgrade call this build knows.');
    if (!dlg.submitting) setConfirm(true, '');
  }

  const chosenType = () => {
    const r = el.dlgTypes.querySelector('input[name="upgrade-type"]:checked');
    return r ? r.value : 'sudo';
  };

  async function fetchChain() {
    try { return (await api('GET', 'api/chain')).json; } catch (e) { return { error: e.message }; }
  }
  async function fetchSigner() {
    try { return (await api('GET', 'api/signer')).json; } catch (e) { return { error: e.message }; }
  }

  function showSigner(dlg, s, c) {
    const k = s && Array.isArray(s.keys) ? s.keys[s.account_index || 0] : null;
    el.dlgSigner.className = '';
    if (!k) {
      el.dlgSigner.textContent = (s && (s.error || s.note)) || 'no signing key is configured';
      el.dlgSigner.className = 'bad';
      return;
    }
    el.dlgSigner.textContent = '';
    el.dlgSigner.appendChild(node('code', 'ss58', k.ss58));
    let sudo;
    if (!c || !c.runtime) sudo = 'Sudo key unknown: the chain cannot be read';
    else if (!c.sudo_key) sudo = 'the chain has no Sudo key';
    else if (c.sudo_key === k.account_id) sudo = 'holds the Sudo key';
    else sudo = `is NOT the Sudo key (that is ${c.sudo_key_ss58 || c.sudo_key}): the chain will refuse a sudo upgrade`;
    const ok = c && c.sudo_key && c.sudo_key === k.account_id;
    const s2 = node('span', ok ? 'ok' : 'bad', ` ${k.scheme}, key ${s.account_index || 0} · ${sudo}`);
    s2.id = 'dlg-sudo';
    el.dlgSigner.appendChild(s2);
    dlg.signer = k;
  }

  function showVersions(dlg, c) {
    const art = dlg.art;
    const rt = art.runtime || {};
    el.dlgTo.textContent = rt.spec_version !== undefined ? String(rt.spec_version) : 'unknown';
    if (c && c.runtime) {
      el.dlgFrom.textContent = String(c.runtime.spec_version);
      const same = c.runtime.spec_name === rt.spec_name;
      el.dlgSpec.textContent = same ? `${rt.spec_name} (same spec_name as the chain's)`
        : `${rt.spec_name || 'unknown'} — the chain runs ${c.runtime.spec_name}: it will refuse another spec_name`;
      el.dlgVersionNote.textContent = `(the chain runs ${c.runtime.spec_name} ${c.runtime.spec_version} at best block #${c.best ? c.best.number : '?'})`;
    } else {
      el.dlgFrom.textContent = 'unknown';
      el.dlgSpec.textContent = rt.spec_name || 'unknown';
      el.dlgVersionNote.textContent = `(the chain cannot be read: ${(c && c.error) || R.chainError || 'no answer'})`;
    }
  }

  function showDryRun(dlg, d) {
    el.dlgFee.textContent = '';
    el.dlgFee.className = 'ok';
    const fee = d.fee || {};
    const w = fee.weight || {};
    el.dlgFee.appendChild(node('span', 'fee', `fee ${fee.partial_fee ?? '?'} (smallest units)`));
    el.dlgFee.appendChild(document.createTextNode(
      ` · weight ref_time ${w.ref_time ?? '?'}, proof_size ${w.proof_size ?? '?'} · extrinsic ${d.extrinsic_size} bytes · nonce ${d.nonce}`));
    if (d.unchecked_weight) {
      el.dlgFee.appendChild(node('span', 'help', `Sent as Sudo.sudo_unchecked_weight: ${d.unchecked_reason || 'set_code weighs more than a normal extrinsic may'}`));
    }
    if (d.proposal_hash) {
      const p = node('span', 'help');
      p.appendChild(document.createTextNode('srtool\'s proposal hash (blake2b-256 of System.set_code): '));
      p.appendChild(node('code', '', d.proposal_hash));
      el.dlgFee.appendChild(p);
    }
  }

  function showDryRunRefused(e) {
    el.dlgFee.className = 'bad';
    el.dlgFee.textContent = '';
    const check = e.body && e.body.check ? ` (check ${e.body.check})` : '';
    el.dlgFee.appendChild(node('span', '', `The dry run was refused${check}: `));
    el.dlgFee.appendChild(node('span', 'api-words', e.message));
  }

  async function dryRun(dlg) {
    el.dlgFee.className = '';
    el.dlgFee.textContent = 'asking the chain for a dry run (nothing is signed)…';
    try {
      const r = await serial(() => api('POST', 'api/upgrade/submit', {
        artifact: dlg.art.hash, expected_hash: dlg.art.hash, upgrade_type: 'sudo', dry_run: true }));
      if (up.dialog === dlg) showDryRun(dlg, r.json);
    } catch (e) {
      if (up.dialog === dlg) showDryRunRefused(e);
    }
  }

  // Which other types the chain offers, told by dry runs: "upgrade_type"
  // refusals say the chain lacks the call (422) or that the chain has it
  // and this build cannot submit it yet (501). Anything else tells nothing,
  // and the type is left out.
  async function probe(dlg) {
    const c = dlg.chain;
    if (!c || !c.runtime) return [];
    const key = `${c.genesis_hash}|${c.runtime.spec_name}|${c.runtime.spec_version}`;
    if (up.probes.has(key)) return up.probes.get(key);
    const offered = [];
    let definite = true;
    for (const type of PROBED) {
      try {
        await serial(() => api('POST', 'api/upgrade/submit', {
          artifact: dlg.art.hash, expected_hash: dlg.art.hash, upgrade_type: type, dry_run: true }));
        offered.push({ type, enabled: true, note: '' });
      } catch (e) {
        const check = e.body && e.body.check;
        if (check === 'upgrade_type' && e.status === 501) offered.push({ type, enabled: false, note: e.message });
        else if (check !== 'upgrade_type') definite = false;
      }
    }
    if (definite) up.probes.set(key, offered);
    return offered;
  }

  async function openDialog(art, trigger) {
    if (el.dialog.open) return;
    const dlg = { art, trigger, focusKey: trigger && trigger.dataset.focusKey, chain: R.chain,
      probing: true, offered: [], submitting: false, confirmed: false };
    up.dialog = dlg;
    el.dlgError.hidden = true;
    el.dlgError.textContent = '';
    el.dlgHash.textContent = art.hash;
    el.dlgFile.textContent = `${art.path || '—'} · ${fmtSize(art.size)} · ${art.source === 'upload' || art.job_kind === 'upload'
      ? 'uploaded' : `built by job ${art.job_id}`}`;
    el.dlgSigner.textContent = 'reading the keys…';
    el.dlgFee.textContent = '';
    el.dlgConfirm.textContent = 'Confirm upgrade';
    showVersions(dlg, R.chain);
    renderTypes(dlg);
    el.dialog.showModal();
    el.dlgCancel.focus();
    const [c, s] = await Promise.all([fetchChain(), fetchSigner()]);
    if (up.dialog !== dlg) return;
    dlg.chain = c && c.runtime ? c : null;
    showVersions(dlg, c);
    showSigner(dlg, s, dlg.chain);
    renderTypes(dlg);
    dryRun(dlg);
    const offered = await probe(dlg);
    if (up.dialog !== dlg) return;
    dlg.offered = offered;
    dlg.probing = false;
    const type = chosenType();
    renderTypes(dlg);
    const again = el.dlgTypes.querySelector(`input[value="${type}"]:not(:disabled)`);
    if (again) again.checked = true;
  }

  async function confirmUpgrade() {
    const dlg = up.dialog;
    if (!dlg || dlg.submitting || !isEnabled(el.dlgConfirm)) return;
    // What the operator saw is what the sign worker must find.
    const seen = el.dlgHash.textContent.trim();
    const type = chosenType();
    dlg.submitting = true;
    el.dlgError.hidden = true;
    setConfirm(false, 'submitting…');
    el.dlgConfirm.textContent = 'Submitting…';
    let r;
    try {
      r = await serial(() => api('POST', 'api/upgrade/submit', {
        artifact: dlg.art.hash, expected_hash: seen, upgrade_type: type, dry_run: false, wait: false }));
    } catch (e) {
      dlg.submitting = false;
      el.dlgConfirm.textContent = 'Confirm upgrade';
      setConfirm(true, '');
      el.dlgError.textContent = '';
      const check = e.body && e.body.check ? `Refused (check ${e.body.check}): ` : 'Refused: ';
      el.dlgError.appendChild(node('span', 'dlg-error-label', check));
      el.dlgError.appendChild(node('span', 'api-words', e.message));
      el.dlgError.hidden = false;
      return;
    }
    dlg.confirmed = true;
    el.dialog.close('confirmed');
    follow(r.json.upgrade_id, r.json.sse_endpoint, { art: dlg.art, live: true });
    $('upgrade-section').scrollIntoView({ block: 'start' });
    el.runH.focus();
  }

  el.dlgConfirm.addEventListener('click', confirmUpgrade);
  el.dlgCancel.addEventListener('click', () => { if (!(up.dialog && up.dialog.submitting)) el.dialog.close('cancel'); });
  el.dlgCopy.addEventListener('click', () => R.copyText(el.dlgHash.textContent, el.dlgCopy));
  // Escape cancels, except while the submission is on its way.
  el.dialog.addEventListener('cancel', (e) => { if (up.dialog && up.dialog.submitting) e.preventDefault(); });
  el.dialog.addEventListener('close', () => {
    const dlg = up.dialog;
    up.dialog = null;
    if (!dlg || dlg.confirmed) return;
    // Back where the operator was, even if the table was redrawn meanwhile.
    let back = dlg.trigger && dlg.trigger.isConnected ? dlg.trigger : null;
    if (!back && dlg.focusKey) back = [...document.querySelectorAll('[data-focus-key]')].find((b) => b.dataset.focusKey === dlg.focusKey);
    (back || el.btnUpgrade).focus();
  });
  // Tab stays inside the dialog: past the last control it wraps around.
  el.dialog.addEventListener('keydown', (e) => {
    if (e.key !== 'Tab') return;
    const all = [...el.dialog.querySelectorAll('button, input:not([disabled]), [tabindex]:not([tabindex="-1"])')]
      .filter((x) => x.offsetParent !== null && !(x.type === 'radio' && !x.checked && x.name &&
        el.dialog.querySelector(`input[name="${x.name}"]:checked`)));
    if (all.length === 0) return;
    const first = all[0], last = all[all.length - 1];
    if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
    else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
  });

  // ------------------------------------------------------------ progress
  function renderSteps() {
    el.steps.textContent = '';
    STEPS.forEach(([step, label], i) => {
      const li = node('li', 'step pending');
      li.dataset.step = step;
      li.appendChild(node('span', 'step-n', String(i + 1)));
      li.appendChild(node('span', 'step-label', label));
      li.appendChild(node('span', 'step-state', 'waiting'));
      li.appendChild(node('span', 'step-detail', ''));
      el.steps.appendChild(li);
    });
  }

  function setStep(step, cls, stateText, detail) {
    const li = el.steps.querySelector(`li[data-step="${step}"]`);
    if (!li) return;
    li.className = `step ${cls}`;
    li.querySelector('.step-state').textContent = stateText;
    if (detail !== undefined) li.querySelector('.step-detail').textContent = detail;
    if (cls === 'active') li.setAttribute('aria-current', 'step'); else li.removeAttribute('aria-current');
  }

  function stepDetail(d) {
    switch (d.step) {
      case 'checks': return `spec_version ${d.from ?? '?'} → ${d.to ?? '?'}${d.fee && d.fee.partial_fee ? ` · fee ${d.fee.partial_fee}` : ''}${d.unchecked_weight ? ' · sudo_unchecked_weight' : ''}`;
      case 'signed': return `by ${d.signer || '?'} (${d.scheme || '?'})`;
      case 'submitted': return `tx ${d.tx_hash || '?'}`;
      case 'in_block': return `block #${d.block_number} ${d.block_hash || ''}`;
      case 'finalized': return `finalized #${d.finalized_number}`;
      case 'verified': return `${d.code_matches ? ':code is the artifact' : ':code is NOT the artifact'} · spec_version ${d.spec_version ?? '?'}${d.version_matches ? '' : ' (not the artifact\'s)'}`;
      default: return '';
    }
  }

  function setState(cls, text) {
    el.state.className = `job-state ${cls}`;
    el.state.textContent = text;
  }

  function follow(id, sse, { art, live } = {}) {
    const old = up.followed;
    if (old) { old.gone = true; if (old.es) old.es.close(); clearTimeout(old.retryTimer); }
    const u = { id: String(id), sse, art, live: !!live, lastId: 0, ended: false, retries: 0, es: null, gone: false, done: new Set() };
    up.followed = u;
    renderSteps();
    el.result.hidden = true;
    el.result.textContent = '';
    el.label.textContent = `upgrade ${u.id}${art ? ` · ${specOf(art)}` : ''}`;
    setState('running', live ? `Upgrade ${u.id} accepted: every pre-flight check passed. Following its steps…`
      : `Upgrade ${u.id}: reading its steps…`);
    setStep('checks', 'active', 'in progress');
    openStream(u);
    changed();
  }

  function openStream(u) {
    if (u.gone || u.ended) return;
    const url = u.lastId > 0 ? `${u.sse}${u.sse.includes('?') ? '&' : '?'}last_event_id=${u.lastId}` : u.sse;
    const es = new EventSource(url);
    u.es = es;
    es.addEventListener('open', () => { u.retries = 0; });
    es.addEventListener('step', (e) => take(u, e, onStep));
    es.addEventListener('complete', (e) => take(u, e, onComplete));
    es.addEventListener('error', (e) => {
      if (u.gone || u.ended) return;
      if (typeof e.data === 'string' && e.data !== '') { take(u, e, onFailed); return; }
      if (es.readyState === EventSource.CLOSED) {
        // An HTTP error answer: retry ourselves, after the last event shown.
        es.close();
        const delay = Math.min(10000, 1000 * 2 ** u.retries++);
        el.label.textContent = `upgrade ${u.id} · connection lost; reconnecting…`;
        u.retryTimer = setTimeout(() => reopen(u), delay);
      } else {
        el.label.textContent = `upgrade ${u.id} · reconnecting…`;
      }
    });
  }

  // Reopens the stream unless the API no longer knows the upgrade.
  async function reopen(u) {
    if (u.gone || u.ended) return;
    try {
      await api('GET', `api/upgrade/${encodeURIComponent(u.id)}`);
    } catch (e) {
      if (e.status === 404) {
        u.ended = true;
        setState('failed', `Cannot follow upgrade ${u.id}: ${e.message}`);
        changed();
        return;
      }
      u.retryTimer = setTimeout(() => reopen(u), Math.min(10000, 1000 * 2 ** u.retries++));
      return;
    }
    openStream(u);
  }

  function take(u, e, fn) {
    if (u.gone || u.ended) return;
    const id = Number(e.lastEventId);
    if (!Number.isSafeInteger(id) || id <= u.lastId) return;
    u.lastId = id;
    el.label.textContent = `upgrade ${u.id}${u.art ? ` · ${specOf(u.art)}` : ''}`;
    let data;
    try { data = JSON.parse(e.data); } catch { return; }
    fn(u, data);
  }

  function onStep(u, d) {
    const i = STEPS.findIndex(([s]) => s === d.step);
    if (i < 0) return;
    u.done.add(d.step);
    setStep(d.step, 'done', 'done', stepDetail(d));
    if (d.step === 'checks' && !u.art && d.to !== undefined) el.label.textContent = `upgrade ${u.id} · to ${d.to}`;
    const next = STEPS[i + 1];
    if (next && !u.done.has(next[0])) setStep(next[0], 'active', 'in progress');
    setState('running', `Upgrade ${u.id}: ${STEPS[i][1].toLowerCase()} (step ${i + 1} of ${STEPS.length}).`);
  }

  function end(u) {
    u.ended = true;
    if (u.es) u.es.close();
    clearTimeout(u.retryTimer);
    changed();
    // The chain runs another runtime now (or not): the header and every
    // artifact's verdict follow.
    R.refreshChainAndSigner();
    R.refreshArtifacts();
  }

  function showResult(u, d, ok) {
    el.result.textContent = '';
    el.result.className = `upgrade-result ${ok ? 'success' : 'failed'}`;
    const to = d.spec_version !== undefined && d.spec_version !== null ? d.spec_version : (u.art && u.art.runtime && u.art.runtime.spec_version);
    const title = ok
      ? `Upgrade ${u.id} succeeded: the chain runs spec_version ${to ?? '?'} with exactly the confirmed code.`
      : `Upgrade ${u.id} failed.`;
    el.result.appendChild(node('p', 'result-title', title));
    if (!ok) {
      const why = node('p', 'result-error api-words', d.error || 'the API gave no reason');
      why.id = 'upgrade-error';
      el.result.appendChild(why);
    }
    const dl = node('dl', 'facts');
    fact(dl, 'Outcome', ok ? 'success' : (d.status || 'failed')).dataset.field = 'outcome';
    fact(dl, 'Transaction', d.tx_hash ? hashWithCopy(d.tx_hash, 'the transaction hash') : 'not sent').dataset.field = 'tx_hash';
    fact(dl, 'Block', d.block_hash ? `#${d.block_number ?? '?'} ${d.block_hash}${d.finalized === false ? ' (not finalized in time)' : ''}` : 'none')
      .dataset.field = 'block';
    const ev = node('ul', 'events');
    ev.id = 'upgrade-events';
    for (const name of Array.isArray(d.events) ? d.events : []) ev.appendChild(node('li', '', '')).appendChild(node('code', '', String(name)));
    fact(dl, 'Events', Array.isArray(d.events) && d.events.length ? ev : 'none').dataset.field = 'events';
    el.result.appendChild(dl);
    el.result.hidden = false;
  }

  function onComplete(u, d) {
    for (const [s] of STEPS) if (!u.done.has(s)) setStep(s, 'done', 'done');
    const ok = d.success !== false;
    setState(ok ? 'success' : 'failed', ok ? `Upgrade ${u.id} succeeded.` : `Upgrade ${u.id} failed: ${d.error || ''}`);
    showResult(u, d, ok);
    end(u);
  }

  function onFailed(u, d) {
    const at = STEPS.find(([s]) => !u.done.has(s));
    if (at) setStep(at[0], 'failed', 'failed');
    for (const [s] of STEPS) if (!u.done.has(s) && (!at || s !== at[0])) setStep(s, 'skipped', 'not reached');
    setState('failed', `Upgrade ${u.id} failed: ${d.error || 'no reason given'}`);
    showResult(u, d, false);
    end(u);
  }

  // Whatever changed, the buttons that depend on it say so.
  function changed() {
    R.rerenderArtifacts();
    showUpload();
    updateTop();
  }

  // On opening: the newest upgrade, live when it still runs, replayed when
  // it has ended.
  async function showLatest() {
    try {
      const list = (await api('GET', 'api/upgrade')).json.upgrades;
      const u = Array.isArray(list) && list[0];
      if (!u || up.followed) return;
      follow(u.upgrade_id, `${base}api/upgrade/status/${encodeURIComponent(u.upgrade_id)}`,
        { art: u.artifact && u.artifact.spec_name ? { hash: u.artifact.hash, runtime: u.artifact } : null,
          live: u.status === 'running' });
    } catch { /* no upgrades yet, or the API is restarting: nothing to show */ }
  }

  R.hooks.upgradeCell = (x, data) => (x.kind === 'runtime' ? upgradeButton(x, data, 'Upgrade') : null);
  R.hooks.onArtifacts = () => { showUpload(); updateTop(); };
  R.hooks.upgradeAction = topAction;
  R.hooks.start = () => { renderSteps(); updateTop(); showLatest(); };
})();
