// Browser tests of the wallet page's upgrade half: real Chromium (Debian's,
// driven by playwright-core), the real daemon at the sub-path /rtforge/ on
// the demo workspace, and the real test chain (chopsticks running Rococo
// 9140, Sudo = //Alice). The demo runtime (9141) is built through the API
// to save time (web.test.mjs compiles from the page); a 9150 runtime is
// made at test time from the chain's genesis code, as upload.test.mjs does.
// Usage: node web-upgrade.test.mjs --root STAGE --label NAME [--user USER]
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { blake2AsHex, cryptoWaitReady } from '@polkadot/util-crypto';
import { test as registerTest, runTests, assert, assertEq, sleep, freePort, request, Daemon } from './lib.mjs';
import { startTestChain, rpc } from './chain.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc, []));
const root = args.root;
const label = args.label || 'run';
const user = args.user || null;
const BASE = '/rtforge/';
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const shotDirs = [path.join(root, 'screenshots'), path.resolve(here, '../work/screenshots')];
const ALICE_SS58 = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const spec = path.join(root, 'node_modules/@substrate/connect/dist/connector/specs/rococo_v2_1.json');
const MIB = 1024 * 1024;
const PREFIX = Buffer.from('52bc537646db8e05', 'hex');
const UPLOAD_SPEC_VERSION = 9150;

class SubpathDaemon extends Daemon {
  async health() {
    try {
      const r = await request(this.port, 'GET', `${BASE}healthz`);
      return r.status === 200 ? r.json : null;
    } catch { return null; }
  }
}

// WEB_TEST_ONLY=regex runs only the matching tests (for development).
const only = process.env.WEB_TEST_ONLY ? new RegExp(process.env.WEB_TEST_ONLY) : null;
const test = (name, fn) => { if (!only || only.test(name)) registerTest(name, fn); };

let d;          // the daemon, on the demo workspace, talking to the chain
let chain;      // the test chain
let browser;    // a persistent Chromium context
let built;      // the demo runtime artifact (9141), as the API lists it
let runtime9150;  // bytes of a 9150 runtime, made from the genesis code
let overlay, state;

// Starts the chain, then the daemon talking to it (on the same state
// directory each time, so artifacts survive a restart).
async function startChainAndDaemon(n) {
  chain = await startTestChain({ mode: 'Instant', logFile: path.join(root, `chain-web-upgrade-${n}.log`) });
  d = new SubpathDaemon({ root, state, source: path.join(root, 'tests/demo-workspace'), user, port: await freePort(),
    logFile: path.join(root, `daemon-web-upgrade-${n}.log`), extraArgs: ['-f', overlay, '--node', chain.url] });
  daemons.push(d);
  await d.start();
}
const daemons = [];

async function api(method, p, body) {
  return request(d.port, method, BASE + p, body !== undefined ? { body } : {});
}

async function waitFor(what, fn, ms) {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(100);
  }
}

async function shot(page, name) {
  const file = path.join(shotDirs[0], `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  for (const dir of shotDirs.slice(1)) {
    try {
      fs.mkdirSync(dir, { recursive: true });
      fs.copyFileSync(file, path.join(dir, `${name}.png`));
    } catch { /* the copy for review is best effort */ }
  }
}

// A fresh tab on the page; every request it makes, and every upgrade
// submission's body, is recorded.
async function openPage() {
  const page = await browser.newPage();
  page.requests = [];
  page.submits = [];
  page.errors = [];
  page.on('request', (r) => {
    page.requests.push(r.url());
    if (r.method() === 'POST' && r.url().endsWith('/api/upgrade/submit')) page.submits.push(JSON.parse(r.postData()));
  });
  page.on('pageerror', (e) => page.errors.push(String(e)));
  // Refusals the page shows (an upload that is not a runtime, a dry run
  // probing a type) are logged by the browser as failed loads: expected.
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const url = m.location().url || '';
    if (/Failed to load resource: the server responded with a status of (4\d\d|501)/.test(m.text()) &&
      /\/api\/upgrade\/(upload|submit)/.test(url)) return;
    page.errors.push(`${m.text()} (${url})`);
  });
  await page.goto(`http://127.0.0.1:${d.port}${BASE}`);
  await page.waitForFunction(() => !document.querySelector('#jobs').textContent.includes('loading'));
  return page;
}

function assertClean(page) {
  const prefix = `http://127.0.0.1:${d.port}${BASE}`;
  const outside = page.requests.filter((u) => !u.startsWith(prefix));
  assertEq(outside.length, 0, `requests outside ${prefix}: ${outside.join(', ')}`);
  assertEq(page.errors.length, 0, `no page errors: ${page.errors.join('; ')}`);
}

const upgradeButton = (hash) => `#artifacts-body tr[data-hash="${hash}"] td.upgrade button`;

async function chainSpecVersion() {
  return (await rpc(chain.url, 'state_getRuntimeVersion', [])).specVersion;
}

// Watches the steps list until the result shows; takes the "in progress"
// screenshot while at least one step is done and the result is not out yet.
async function watchUpgrade(page, shotName) {
  let shotTaken = false;
  const seen = [];
  const until = Date.now() + 300000;
  for (;;) {
    const s = await page.evaluate(() => ({
      done: [...document.querySelectorAll('#upgrade-steps li.step.done')].map((li) => li.dataset.step),
      active: [...document.querySelectorAll('#upgrade-steps li.step.active')].map((li) => li.dataset.step),
      result: document.querySelector('#upgrade-result').hidden ? null : document.querySelector('#upgrade-result').className,
    }));
    for (const x of s.done) if (!seen.includes(x)) seen.push(x);
    if (!shotTaken && s.done.length > 0 && s.result === null) {
      shotTaken = true;
      await page.$eval('#upgrade-section', (e) => e.scrollIntoView());
      await shot(page, shotName);
    }
    if (s.result) return { seen, result: s.result, shotTaken };
    if (Date.now() > until) throw new Error(`the upgrade did not end within 300 s; steps ${JSON.stringify(s)}`);
    await sleep(50);
  }
}

// Tabs forward (as a keyboard user would) until the focused element
// matches the selector.
async function tabTo(page, selector, max = 120) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((sel) => !!document.activeElement && document.activeElement.matches(sel), selector)) return i;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${selector} not reached with ${max} presses of Tab`);
}

const focusInDialog = (page) => page.evaluate(() => !!document.activeElement &&
  document.activeElement.closest('#upgrade-dialog') !== null);

// --- a 9150 runtime, made like upload.test.mjs makes it ---
function leb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return Buffer.from(out);
}
const compact = (n) => Buffer.from([n << 2]); // n < 64
const scaleStr = (s) => Buffer.concat([compact(Buffer.byteLength(s)), Buffer.from(s)]);
function u32(n) { const b = Buffer.alloc(4); b.writeUInt32LE(n); return b; }
function makeRuntime(specVersion) {
  const genesis = Buffer.from(JSON.parse(fs.readFileSync(spec, 'utf8')).genesis.raw.top['0x3a636f6465'].slice(2), 'hex');
  const version = Buffer.concat([scaleStr('rococo'), scaleStr('parity-rococo-v2.0'), u32(0), u32(specVersion), u32(0),
    compact(0), u32(0), Buffer.from([0])]);
  const body = Buffer.concat([leb(Buffer.byteLength('runtime_version')), Buffer.from('runtime_version'), version]);
  const plain = Buffer.concat([execFileSync('zstd', ['-q', '-d', '-c'], { input: genesis.subarray(8), maxBuffer: 128 * MIB }),
    Buffer.from([0]), leb(body.length), body]);
  return { plain, compressed: Buffer.concat([PREFIX, execFileSync('zstd', ['-q', '-c', '-19'], { input: plain, maxBuffer: 128 * MIB })]) };
}

// POST api/upgrade/upload with raw bytes, as a client other than the page.
function uploadDirect(bytes, name) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: d.port, method: 'POST',
      path: `${BASE}api/upgrade/upload${name ? `?name=${encodeURIComponent(name)}` : ''}`,
      headers: { 'Content-Type': 'application/wasm', 'Content-Length': bytes.length }, timeout: 120000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, text, json });
      });
    });
    req.on('timeout', () => req.destroy(new Error('upload timed out')));
    req.on('error', reject);
    req.end(bytes);
  });
}

test('the demo runtime (9141) builds through the API and the page lists it as ready', async () => {
  const r = await api('POST', 'api/build/runtime', {});
  assertEq(r.status, 202, `build accepted (${r.text})`);
  const j = await waitFor('the build', async () => {
    const x = (await api('GET', `api/build/jobs/${r.json.job_id}`)).json;
    return x && !['queued', 'running'].includes(x.status) ? x : null;
  }, 900000);
  assertEq(j.status, 'success', `build status (${j.error})`);
  built = (await api('GET', 'api/build/artifacts')).json.runtime_wasm;
  assertEq(built.runtime.spec_version, 9141, 'artifact spec_version');
  assertEq(built.verdict, 'ready', `verdict (${built.verdict_reason})`);
  assertEq(await chainSpecVersion(), 9140, 'a fresh chain runs 9140');
});

test('click Upgrade on the built runtime: the dialog shows 9140 → 9141 and the hash; Confirm; steps; CodeUpdated; the chain runs 9141', async () => {
  assert(built, 'the runtime was built');
  const page = await openPage();
  try {
    await page.waitForFunction(() => /rococo 9140/.test(document.querySelector('#chain-header').textContent));
    await page.waitForFunction((sel) => { const b = document.querySelector(sel);
      return b && b.getAttribute('aria-disabled') === 'false'; }, upgradeButton(built.hash), { timeout: 20000 });
    assert(/upgrades the chain to the newest runtime, rococo 9141/.test(await page.textContent('#upgrade-why')),
      `the Upload & Upgrade button says what it does: ${await page.textContent('#upgrade-why')}`);

    await page.click(upgradeButton(built.hash));
    await page.waitForSelector('#upgrade-dialog[open]');
    assert(await focusInDialog(page), 'focus moved into the dialog');
    assertEq(await page.$eval('#upgrade-dialog', (dl) => document.getElementById(dl.getAttribute('aria-labelledby')).textContent),
      'Confirm runtime upgrade', 'the dialog is labelled by its heading');
    await page.waitForFunction(() => document.querySelector('#dlg-from').textContent === '9140');
    assertEq((await page.textContent('#dlg-version')).replace(/\s+/g, ' ').trim(), '9140 → 9141', 'old → new version');
    assertEq(await page.textContent('#dlg-hash'), built.hash, 'the code hash to check');
    await page.waitForFunction(() => /holds the Sudo key/.test(document.querySelector('#dlg-signer').textContent));
    assert((await page.textContent('#dlg-signer')).includes(ALICE_SS58), 'the signing account');
    // The dry run's fee, then the probe of the other types: Rococo 9140 has
    // neither authorize_upgrade nor Democracy, so only sudo is offered.
    await page.waitForSelector('#dlg-fee .fee', { timeout: 60000 });
    assert(/fee \d+ \(smallest units\)/.test(await page.textContent('#dlg-fee')), 'the fee from the dry run');
    assert(/sudo_unchecked_weight/.test(await page.textContent('#dlg-fee')), 'the dry run says how it is sent');
    await page.waitForFunction(() => !/Checking/.test(document.querySelector('#dlg-types-note').textContent), null, { timeout: 60000 });
    assertEq((await page.$$eval('#dlg-type-list input[name="upgrade-type"]', (xs) => xs.map((x) => x.value))).join(','), 'sudo',
      'only the types the chain supports');
    assertEq(await page.isChecked('#dlg-type-sudo'), true, 'sudo is chosen');
    assertEq((await api('GET', 'api/upgrade')).json.upgrades.length, 0, 'nothing submitted before Confirm');
    await shot(page, '10-upgrade-dialog');

    await page.click('#dlg-confirm');
    await page.waitForFunction(() => !document.querySelector('#upgrade-dialog').open, null, { timeout: 60000 });
    const { seen, result, shotTaken } = await watchUpgrade(page, '11-upgrade-steps');
    assert(shotTaken, 'the steps were caught in progress');
    assert(/success/.test(result), `the page shows success: ${result} ${await page.textContent('#upgrade-result')}`);
    assertEq(seen.join(','), 'checks,signed,submitted,in_block,finalized,verified', 'each step appeared, in order');
    const real = page.submits.filter((b) => !b.dry_run);
    assertEq(real.length, 1, 'one real submission');
    assertEq(real[0].expected_hash, built.hash, 'Confirm sent the hash the dialog showed as expected_hash');
    assertEq(real[0].upgrade_type, 'sudo', 'the chosen type');

    const rec = (await api('GET', 'api/upgrade')).json.upgrades[0];
    assertEq(rec.status, 'success', 'the API agrees');
    const text = await page.textContent('#upgrade-result');
    assert(/succeeded/.test(text), `success in words: ${text}`);
    const events = await page.$$eval('#upgrade-events code', (xs) => xs.map((x) => x.textContent));
    assert(events.includes('system.CodeUpdated'), `CodeUpdated shown: ${events}`);
    assert(events.includes('sudo.Sudid'), `Sudid shown: ${events}`);
    assertEq(events.join(','), rec.events.join(','), 'the events as the API lists them');
    assert(text.includes(rec.tx_hash), 'the tx hash');
    assert(text.includes(rec.block_hash) && text.includes(`#${rec.block_number}`), 'the block');

    assertEq(await chainSpecVersion(), 9141, 'the chain reports 9141');
    await page.waitForFunction(() => /rococo 9141/.test(document.querySelector('#chain-header').textContent), null, { timeout: 20000 });
    // The built runtime is what the chain runs now: nothing to do.
    await page.waitForFunction((sel) => { const b = document.querySelector(sel);
      return b && b.getAttribute('aria-disabled') === 'true'; }, upgradeButton(built.hash), { timeout: 20000 });
    const why = await page.$eval(upgradeButton(built.hash), (b) => b.title);
    const listedNow = (await api('GET', 'api/build/artifacts')).json.runtime_wasm;
    assertEq(why, listedNow.verdict_reason, 'a runtime that is not ready says why, in the API\'s words');
    await page.$eval('#upgrade-section', (e) => e.scrollIntoView());
    await shot(page, '12-upgrade-result');
    assertClean(page);
  } finally {
    await page.close();
  }
});

test('upload from the page: a non-WASM file is refused with the API\'s reason; a runtime shows its inspection first', async () => {
  const bad = Buffer.from('#!/bin/sh\necho this is not a runtime\n');
  const direct = await uploadDirect(bad, 'not-a-runtime.wasm');
  if (direct.status === 404) {
    console.log(`skipped: POST ${BASE}api/upgrade/upload is not in this daemon yet (404: ${direct.text.slice(0, 200)})`);
    return;
  }
  assertEq(direct.status, 422, `the API refuses it (${direct.text})`);
  const page = await openPage();
  try {
    const upgradesBefore = (await api('GET', 'api/upgrade')).json.upgrades.length;
    await page.setInputFiles('#upgrade-file', { name: 'not-a-runtime.wasm', mimeType: 'application/wasm', buffer: bad });
    await page.waitForSelector('#upload-error', { timeout: 30000 });
    assertEq(await page.textContent('#upload-error'), direct.json.error, 'the page shows the API\'s words');
    assert(/bad magic/.test(direct.json.error), `the reason: ${direct.json.error}`);
    assert((await page.textContent('#upload-result')).includes(direct.json.reason), 'and its reason');
    await page.$eval('#upgrade-section', (e) => e.scrollIntoView());
    await shot(page, '13-upload-refused');

    await page.setInputFiles('#upgrade-file', { name: 'rococo 9150.compact.compressed.wasm', mimeType: 'application/wasm',
      buffer: runtime9150.compressed });
    await page.waitForSelector('#upload-inspection', { timeout: 60000 });
    const field = (f) => page.$eval(`#upload-inspection [data-field="${f}"]`, (e) => e.textContent);
    assertEq(await field('spec_name'), 'rococo', 'spec_name');
    assertEq(await field('spec_version'), String(UPLOAD_SPEC_VERSION), 'spec_version');
    const hash = blake2AsHex(runtime9150.compressed, 256);
    assert((await field('hash')).startsWith(hash), `the hash: ${await field('hash')}`);
    assertEq(await field('sizes'), `${runtime9150.compressed.length} bytes compressed · ${runtime9150.plain.length} bytes uncompressed`, 'sizes');
    // Nothing else happened: no dialog, no upgrade.
    assertEq(await page.$('#upgrade-dialog[open]'), null, 'no dialog opened');
    assertEq((await api('GET', 'api/upgrade')).json.upgrades.length, upgradesBefore, 'no upgrade started');
    // Its verdict against the chain (9141 now) and the way on.
    await page.waitForFunction(() => /ready to upgrade/.test(document.querySelector('#upload-result').textContent), null, { timeout: 20000 });
    assertEq(await page.getAttribute('#upload-result button[data-upgrade]', 'aria-disabled'), 'false', 'it can be upgraded to');
    const stored = (await api('GET', 'api/build/artifacts')).json.history.find((x) => x.hash === hash);
    assert(stored && stored.source === 'upload', 'the API lists it as an upload');
    assert((await page.textContent('#upload-result')).includes(stored.path), 'where it is stored');
    await page.$eval('#upgrade-section', (e) => e.scrollIntoView());
    await shot(page, '14-upload-inspected');

    // Upgrading to it from there: the chain upgraded once to a demo runtime
    // still runs the 9140 code, which signs for 9140, so the API refuses
    // the signed extrinsic (validate_transaction) before sending it. The
    // dialog shows the refusal in the API's words and stays open.
    await page.click('#upload-result button[data-upgrade]');
    await page.waitForSelector('#upgrade-dialog[open]');
    await page.waitForFunction(() => document.querySelector('#dlg-from').textContent === '9141');
    assertEq((await page.textContent('#dlg-version')).replace(/\s+/g, ' ').trim(), `9141 → ${UPLOAD_SPEC_VERSION}`, 'versions');
    assertEq(await page.textContent('#dlg-hash'), hash, 'the uploaded hash');
    await page.click('#dlg-confirm');
    await page.waitForSelector('#dlg-error:not([hidden])', { timeout: 60000 });
    const direct2 = await api('POST', 'api/upgrade/submit', { artifact: hash, expected_hash: hash, upgrade_type: 'sudo' });
    assert(direct2.status >= 400 && direct2.status < 500 && direct2.json.check === 'validate_transaction',
      `the API refuses it too (${direct2.status} ${direct2.text})`);
    assertEq(await page.textContent('#dlg-error .api-words'), direct2.json.error, 'the refusal in the API\'s words');
    assert((await page.textContent('#dlg-error')).includes(`check ${direct2.json.check}`), 'naming the check');
    assertEq(await page.$eval('#upgrade-dialog', (x) => x.open), true, 'the dialog stays open');
    await shot(page, '14b-upgrade-refused-in-dialog');
    await page.click('#dlg-cancel');
    await page.waitForFunction(() => !document.querySelector('#upgrade-dialog').open);
    assertEq(await page.evaluate(() => document.activeElement.dataset.upgrade), hash, 'focus back on the button that opened it');
    assertEq((await api('GET', 'api/upgrade')).json.upgrades.length, upgradesBefore, 'nothing was submitted');
    assertClean(page);
  } finally {
    await page.close();
  }
});

test('keyboard only: Tab to Upgrade, Enter opens the dialog, Escape cancels, Tab and Enter confirm', async () => {
  // The demo runtimes keep Rococo 9140's code under a new version section,
  // so a chain upgraded once still signs for 9140 while it reports the new
  // version (a second upgrade is refused as BadProof). A fresh chain, and
  // the daemon restarted on it with the same state, give a clean 9140.
  await d.stop();
  await chain.stop();
  await startChainAndDaemon(2);
  const from = await chainSpecVersion();
  assertEq(from, 9140, 'the fresh chain runs 9140');
  // The 9150 runtime, uploaded (the same bytes again answer the stored
  // artifact); without the upload route, the built 9141.
  const up = await uploadDirect(runtime9150.compressed, 'rococo-9150.compact.compressed.wasm');
  if (up.status === 404) console.log('note: the upload route is not in; the keyboard test upgrades to the built runtime');
  else assert(up.status === 200 || up.status === 201, `the 9150 runtime is stored (${up.text.slice(0, 300)})`);
  const hash = up.status === 404 ? built.hash : up.json.hash;
  const to = up.status === 404 ? 9141 : UPLOAD_SPEC_VERSION;
  const page = await openPage();
  try {
    const sel = upgradeButton(hash);
    await page.waitForFunction((s) => { const b = document.querySelector(s);
      return b && b.getAttribute('aria-disabled') === 'false'; }, sel, { timeout: 20000 });
    await page.evaluate(() => { document.activeElement && document.activeElement.blur(); });
    await tabTo(page, sel);
    const outline = await page.$eval(sel, (e) => getComputedStyle(e).outlineStyle);
    assert(outline !== 'none', `the focused Upgrade button shows an outline (${outline})`);

    await page.keyboard.press('Enter');
    await page.waitForSelector('#upgrade-dialog[open]');
    assert(await focusInDialog(page), 'Enter opened the dialog with focus inside');
    assertEq((await page.textContent('#dlg-version')).replace(/\s+/g, ' ').trim(), `${from} → ${to}`, 'versions');
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Tab');
      assert(await focusInDialog(page), `Tab ${i + 1} keeps focus in the dialog`);
    }
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('#upgrade-dialog').open);
    assert(await page.evaluate((s) => document.activeElement.matches(s), sel), 'Escape closed it and focus went back to Upgrade');
    assertEq((await api('GET', 'api/upgrade')).json.upgrades.some((u) => u.artifact.hash === hash), false,
      'Escape submitted nothing');

    // Cancel by keyboard too: focus starts on Cancel, the safe choice.
    await page.keyboard.press('Enter');
    await page.waitForSelector('#upgrade-dialog[open]');
    assertEq(await page.evaluate(() => document.activeElement.id), 'dlg-cancel', 'focus starts on Cancel');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !document.querySelector('#upgrade-dialog').open);
    assert(await page.evaluate((s) => document.activeElement.matches(s), sel), 'Cancel closed it and focus went back to Upgrade');

    await page.keyboard.press('Enter');
    await page.waitForSelector('#upgrade-dialog[open]');
    await tabTo(page, '#dlg-confirm', 20);
    await page.waitForFunction(() => document.querySelector('#dlg-confirm').getAttribute('aria-disabled') === 'false');
    await shot(page, '15-keyboard-dialog-confirm');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !document.querySelector('#upgrade-dialog').open, null, { timeout: 60000 });
    assertEq(await page.evaluate(() => document.activeElement.id), 'upgrade-run-h', 'focus moved to the upgrade progress');
    const { result } = await watchUpgrade(page, '16-keyboard-steps');
    assert(/success/.test(result), `success: ${await page.textContent('#upgrade-result')}`);
    assertEq(await chainSpecVersion(), to, `the chain reports ${to}`);
    await page.waitForFunction((v) => document.querySelector('#chain-header').textContent.includes(`rococo ${v}`),
      to, { timeout: 20000 });
    await shot(page, '17-keyboard-result');
    assertClean(page);
  } finally {
    await page.close();
  }
});

async function waitForChromium() {
  const until = Date.now() + 15 * 60000;
  while (!fs.existsSync(CHROMIUM)) {
    if (Date.now() > until) throw new Error(`${CHROMIUM} is missing (apt-get install chromium)`);
    console.log(`waiting for ${CHROMIUM} to be installed…`);
    await sleep(10000);
  }
}

async function main() {
  if (user || label === 'unprivileged') {
    console.log('skipped: the browser tests run once, in the root run');
    console.log('0 passed, 0 failed');
    return;
  }
  const { chromium } = createRequire(import.meta.url)(path.resolve(here, '../../node_modules/playwright-core/index.js'));
  await waitForChromium();
  await cryptoWaitReady();
  runtime9150 = makeRuntime(UPLOAD_SPEC_VERSION);
  fs.mkdirSync(shotDirs[0], { recursive: true });
  overlay = path.join(root, 'web-upgrade-overlay.json');
  fs.writeFileSync(overlay, JSON.stringify({ base_path: BASE }));
  fs.chmodSync(overlay, 0o644);
  state = path.join(root, 'state-web-upgrade');
  fs.mkdirSync(state, { recursive: true });
  const profile = fs.mkdtempSync(path.join(root, 'chromium-profile-'));
  let failed = 1;
  try {
    await startChainAndDaemon(1);
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS,
      viewport: { width: 1280, height: 900 },
    });
    failed = await runTests(`web-upgrade (${label})`);
  } finally {
    if (browser) await browser.close().catch(() => {});
    for (const x of daemons) await x.stop().catch(() => {});
    if (chain) await chain.stop().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  }
  for (const x of daemons) {
    if (/AddressSanitizer|runtime error:|LeakSanitizer/.test(x.log())) {
      console.log(`FAIL [${label}] sanitizer report in ${x.logFile}:\n${x.log().slice(-4000)}`);
      console.log('0 passed, 1 failed');
      failed++;
    }
  }
  process.exitCode = failed ? 1 : 0;
}

main().catch((e) => { console.log(`FAIL [${label}] harness: ${e.stack}`); console.log('0 passed, 1 failed'); process.exitCode = 1; });
