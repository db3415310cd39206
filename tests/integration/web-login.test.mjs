// Browser tests of the wallet page's login: real Chromium (Debian's, driven
// by playwright-core) against the real daemon at the sub-path /rtforge/
// with access control on (--dev with auth.tokens made by rtforged
// --hash-token). The page opens on the login panel, refuses a wrong token in
// the API's words, logs in by keyboard only, names the session in the
// header, keeps the token nowhere, logs out, disables what a role may not
// do, comes back to the panel when the session expires, says when to retry
// after too many failures; and without tokens it starts with no panel.
// Usage: node web-login.test.mjs --root STAGE --label NAME [--user USER]
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { test as registerTest, runTests, assert, assertEq, sleep, freePort, request, Daemon } from './lib.mjs';

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
const spec = path.join(root, 'node_modules/@substrate/connect/dist/connector/specs/rococo_v2_1.json');
const COOKIE = 'rtforge_session';

// Fresh secrets each run, so that finding one anywhere means it leaked.
const secret = () => crypto.randomBytes(24).toString('base64url');
const TOKENS = {
  viewer: `alice.${secret()}`,
  builder: `bob.${secret()}`,
  upgrader: `carol.${secret()}`,
};
const WRONG = `carol.${secret()}`;
const SECRETS = [...Object.values(TOKENS), WRONG].map((t) => t.split('.')[1]);

// WEB_TEST_ONLY=regex runs only the matching tests (for development).
const only = process.env.WEB_TEST_ONLY ? new RegExp(process.env.WEB_TEST_ONLY) : null;
const test = (name, fn) => { if (!only || only.test(name)) registerTest(name, fn); };

// The daemon at a sub-path answers /healthz under it too.
class SubpathDaemon extends Daemon {
  async health() {
    try {
      const r = await request(this.port, 'GET', `${BASE}healthz`);
      return r.status === 200 ? r.json : null;
    } catch { return null; }
  }
}

let main;       // tokens, a long session TTL, a runtime uploaded
let brief;      // tokens, sessions of 5 s, 3 failed logins a minute
let open;       // --dev without tokens: authentication off
let browser;
let uploaded;   // the runtime uploaded to `main`, as the API answered
const daemons = [];

const bearer = (t) => ({ Authorization: `Bearer ${t}` });

function hashToken(token, role) {
  const out = execFileSync(path.join(root, 'bin-asan/rtforged'), ['--hash-token'],
    { input: `${token}\n`, encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'], env: { ASAN_OPTIONS: 'detect_leaks=0' } });
  return { ...JSON.parse(out), role };
}

async function startDaemon(name, auth) {
  const port = await freePort();
  const state = path.join(root, `state-web-login-${name}`);
  fs.mkdirSync(state, { recursive: true });
  if (user) execFileSync('chown', [`${user}:${user}`, state]);
  const config = { base_path: BASE };
  if (auth) config.auth = { ...auth, public_origin: `http://127.0.0.1:${port}` };
  const file = path.join(root, `web-login-${name}.json`);
  fs.writeFileSync(file, JSON.stringify(config));
  fs.chmodSync(file, 0o644);
  const d = new SubpathDaemon({ root, state, user, port, source: path.join(root, 'tests/demo-workspace'),
    logFile: path.join(root, `daemon-web-login-${name}.log`),
    // The node is a closed port: GET api/chain answers 502, which the page shows.
    extraArgs: ['-f', file, '--node', `http://127.0.0.1:${await freePort()}`] });
  daemons.push(d);
  await d.start();
  return d;
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

// A tab in a context of its own (its own cookies): every request, answer
// and console line it makes is recorded.
async function openPage(d) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  Object.assign(page, { ctx: context, requests: [], responses: [], consoleText: [], errors: [] });
  page.on('request', (r) => page.requests.push({ url: r.url(), method: r.method(), body: r.postData() || '' }));
  page.on('response', (r) => page.responses.push({ url: r.url(), status: r.status(), at: Date.now() }));
  page.on('pageerror', (e) => page.errors.push(String(e)));
  // The browser logs each refused load: 401s from the API while logged
  // out, 401/429 from a refused login, 502 from api/chain (the node is a
  // closed port). The page handles all of them; anything else fails.
  page.on('console', (m) => {
    page.consoleText.push(m.text());
    if (m.type() !== 'error') return;
    const url = m.location().url || '';
    if (/status of 401 \(Unauthorized\)/.test(m.text()) && url.includes(`${BASE}api/`)) return;
    if (/status of 429 \(Too Many Requests\)/.test(m.text()) && url.endsWith(`${BASE}api/login`)) return;
    if (/status of 502 \(Bad Gateway\)/.test(m.text()) && url.endsWith(`${BASE}api/chain`)) return;
    page.errors.push(`${m.text()} (${url})`);
  });
  await page.goto(`http://127.0.0.1:${d.port}${BASE}`);
  return page;
}

async function closePage(page) {
  await page.ctx.close().catch(() => {});
}

// Tabs forward (as a keyboard user would) until the element with this id
// has focus.
async function tabTo(page, id, max = 60) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate(() => document.activeElement && document.activeElement.id) === id) return i;
    await page.keyboard.press('Tab');
  }
  throw new Error(`#${id} not reached with ${max} presses of Tab`);
}

const panelShown = (page) => page.waitForSelector('#login-section:not([hidden])', { timeout: 15000 });

// Keyboard only: to the token field, type, Enter.
async function typeToken(page, token) {
  await panelShown(page);
  await tabTo(page, 'login-token');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(token);
  await page.keyboard.press('Enter');
}

async function loginAs(page, token, name, role) {
  await typeToken(page, token);
  await page.waitForSelector('#session:not([hidden])', { timeout: 15000 });
  assertEq(await page.textContent('#who-name'), name, 'the header names the token');
  assertEq(await page.textContent('#who-role'), role, 'and its role');
  assert(await page.isHidden('#login-section'), 'the panel is gone');
  assertEq(await page.inputValue('#login-token'), '', 'the token field is emptied');
  await page.waitForFunction(() => !document.querySelector('#jobs').textContent.includes('loading'), null, { timeout: 15000 });
}

// The token is nowhere the page or the browser keeps things (the field
// itself is checked after each login).
async function assertTokenKeptNowhere(page) {
  const kept = await page.evaluate(() => JSON.stringify([
    Object.entries(localStorage), Object.entries(sessionStorage), document.cookie,
    document.documentElement.outerHTML]));
  for (const s of SECRETS) {
    assert(!kept.includes(s), 'a secret is in the page, its storage or document.cookie');
    assert(!page.consoleText.some((t) => t.includes(s)), 'a secret was logged to the console');
    assert(!page.requests.some((r) => r.url.includes(s)), 'a secret is in a URL');
    assert(!page.requests.some((r) => r.body.includes(s) && !r.url.endsWith(`${BASE}api/login`)),
      'a secret was sent elsewhere than to api/login');
  }
  assertEq(await page.evaluate(() => localStorage.length + sessionStorage.length), 0, 'nothing in web storage');
}

function assertClean(page, d) {
  const prefix = `http://127.0.0.1:${d.port}${BASE}`;
  const outside = page.requests.filter((r) => !r.url.startsWith(prefix));
  assertEq(outside.length, 0, `requests outside ${prefix}: ${outside.map((r) => r.url).join(', ')}`);
  assertEq(page.errors.length, 0, `no page errors: ${page.errors.join('; ')}`);
}

test('the page opens on the login panel; a wrong token is refused in the API\'s words; the right one logs in (keyboard only)', async () => {
  const page = await openPage(main);
  try {
    await panelShown(page);
    await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'login-token');
    assert(await page.isHidden('#build-section'), 'the page is out of sight until someone logs in');
    assert(await page.isHidden('#artifacts-section'), 'the artifacts too');
    assert(await page.isHidden('#session'), 'no session in the header');
    assertEq(await page.getAttribute('#login-token', 'type'), 'password', 'the token field hides what is typed');
    assertEq((await page.textContent('label[for="login-token"]')).trim(), 'Access token', 'the field is labelled');
    assertEq(await page.evaluate(() => document.querySelector('#login-token').labels.length), 1, 'by a <label for>');
    assert(!page.requests.some((r) => r.url.includes('/api/build/')), 'nothing but whoami was asked before a login');
    await shot(page, 'login-01-panel');

    await typeToken(page, WRONG);
    await page.waitForSelector('#login-error:not([hidden])', { timeout: 15000 });
    const direct = await request(main.port, 'POST', `${BASE}api/login`, { body: { token: WRONG } });
    assertEq(direct.status, 401, 'the API refuses the wrong token');
    assertEq(await page.textContent('#login-error-text'), direct.json.error, 'the page shows the API\'s error verbatim');
    assertEq(await page.evaluate(() => document.activeElement.id), 'login-token', 'focus stays in the field to try again');
    assertEq(await page.inputValue('#login-token'), '', 'the refused token is not kept in the field');
    assert(await page.isHidden('#build-section'), 'still locked');
    await shot(page, 'login-02-wrong-token');

    await loginAs(page, TOKENS.upgrader, 'carol', 'upgrader');
    // The page starts as it always did: header, chain, signer, artifacts, jobs.
    const chain = await request(main.port, 'GET', `${BASE}api/chain`, { headers: bearer(TOKENS.viewer) });
    assertEq(chain.status, 502, 'this daemon\'s node is a closed port');
    await page.waitForFunction((t) => document.querySelector('#chain-header').textContent === t,
      `node not reachable: ${chain.json.error}`, { timeout: 15000 });
    await page.waitForFunction(() => /5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY \(sr25519\)/.test(
      document.querySelector('#signer-header').textContent), null, { timeout: 15000 });
    await page.waitForSelector(`#artifacts-body tr[data-hash="${uploaded.hash}"]`, { timeout: 15000 });
    await page.waitForFunction(() => /^Job 1.*upload.*success/.test(document.querySelector('#jobs').textContent),
      null, { timeout: 15000 });
    await page.waitForFunction(() => document.querySelector('#daemon-health').className === 'ok', null, { timeout: 15000 });
    // An upgrader may do everything.
    assertEq(await page.getAttribute('#btn-runtime', 'aria-disabled'), 'false', 'compile is enabled');
    assertEq(await page.getAttribute('#btn-upgrade', 'aria-disabled'), 'false', 'Upload & Upgrade is enabled');
    assert(await page.isEnabled('#upgrade-file'), 'upload is enabled');
    assert(await page.isHidden('#role-why'), 'no role reason');
    // The session is an HttpOnly, strict cookie for the base path only.
    const cookies = (await page.ctx.cookies()).filter((c) => c.name === COOKIE);
    assertEq(cookies.length, 1, 'one session cookie');
    assertEq(cookies[0].httpOnly, true, 'HttpOnly');
    assertEq(cookies[0].sameSite, 'Strict', 'SameSite=Strict');
    assertEq(cookies[0].path, BASE, 'Path is the base path');
    assert(!(await page.evaluate(() => document.cookie)).includes(COOKIE), 'scripts cannot read it');
    const login = page.requests.filter((r) => r.url.endsWith(`${BASE}api/login`));
    assertEq(login.length, 2, 'two logins were sent');
    assertEq(login[1].method, 'POST', 'by POST');
    assertEq(JSON.parse(login[1].body).token, TOKENS.upgrader, 'as {"token": …}');
    await assertTokenKeptNowhere(page);
    await shot(page, 'login-03-logged-in');
    // A reload with the session alive starts the page at once.
    const logins = page.requests.filter((r) => r.url.endsWith(`${BASE}api/login`)).length;
    await page.reload();
    await page.waitForFunction(() => !document.querySelector('#jobs').textContent.includes('loading'), null, { timeout: 15000 });
    assert(await page.isHidden('#login-section'), 'no panel while the session lives');
    assertEq(await page.textContent('#who-name'), 'carol', 'the header names the session from whoami');
    assertEq(page.requests.filter((r) => r.url.endsWith(`${BASE}api/login`)).length, logins, 'no new login');
    assertClean(page, main);
  } finally {
    await closePage(page);
  }
});

test('Log out (keyboard) returns to the login panel; whoami then answers 401; logging in again goes on', async () => {
  const page = await openPage(main);
  try {
    await loginAs(page, TOKENS.upgrader, 'carol', 'upgrader');
    const cookie = (await page.ctx.cookies()).find((c) => c.name === COOKIE);
    assert(cookie && cookie.value, 'a session cookie');
    await tabTo(page, 'btn-logout');
    await page.keyboard.press('Enter');
    await panelShown(page);
    assertEq(await page.textContent('#login-note'), 'You have logged out.', 'the panel says so');
    assert(await page.isHidden('#session'), 'the header no longer names anyone');
    assert(await page.isHidden('#build-section'), 'the page is out of sight');
    assertEq(await page.evaluate(() => document.activeElement.id), 'login-token', 'focus is in the token field');
    assertEq(await page.evaluate(async () => (await fetch('api/whoami', { credentials: 'same-origin' })).status), 401,
      'whoami from the page answers 401');
    const old = await request(main.port, 'GET', `${BASE}api/whoami`, { headers: { Cookie: `${COOKIE}=${cookie.value}` } });
    assertEq(old.status, 401, 'the old session is gone on the server too');
    assert(!(await page.ctx.cookies()).some((c) => c.name === COOKIE), 'the cookie is cleared');
    await shot(page, 'login-04-logged-out');
    // While logged out the page asks the API nothing.
    const before = page.requests.length;
    await sleep(4500);
    const asked = page.requests.slice(before).map((r) => r.url).filter((u) => u.includes('/api/'));
    assertEq(asked.length, 0, `no API polling while logged out: ${asked.join(', ')}`);
    await loginAs(page, TOKENS.upgrader, 'carol', 'upgrader');
    assertEq(await page.evaluate(async () => (await (await fetch('api/whoami')).json()).via), 'session', 'logged in again');
    await assertTokenKeptNowhere(page);
    assertClean(page, main);
  } finally {
    await closePage(page);
  }
});

test('roles: a viewer sees compile, cancel and upgrade disabled with the reason; a builder may compile but not upgrade', async () => {
  const page = await openPage(main);
  try {
    const jobsBefore = (await request(main.port, 'GET', `${BASE}api/build/jobs`, { headers: bearer(TOKENS.viewer) })).json.jobs.length;
    await loginAs(page, TOKENS.viewer, 'alice', 'viewer');
    for (const id of ['btn-runtime', 'btn-node']) {
      assertEq(await page.getAttribute(`#${id}`, 'aria-disabled'), 'true', `#${id} is disabled for a viewer`);
      assertEq(await page.getAttribute(`#${id}`, 'title'), 'needs the builder role', `#${id} says why`);
    }
    assert((await page.textContent('#busy-reason')).includes('needs the builder role'), 'the reason is visible');
    assertEq(await page.getAttribute('#btn-cancel', 'aria-disabled'), 'true', 'cancel is disabled');
    assertEq(await page.getAttribute('#btn-upgrade', 'aria-disabled'), 'true', 'Upload & Upgrade is disabled');
    assertEq(await page.getAttribute('#btn-upgrade', 'title'), 'needs the upgrader role', 'and says why');
    assert(await page.isVisible('#role-why'), 'the upgrade reason is visible');
    assert((await page.textContent('#role-why')).includes('needs the upgrader role'), 'naming the role');
    assert(await page.isDisabled('#upgrade-file'), 'no upload for a viewer');
    assert((await page.textContent('#upload-role-why')).includes('needs the upgrader role'), 'the upload says why');
    const up = `#artifacts-body tr[data-hash="${uploaded.hash}"] td.upgrade`;
    await page.waitForSelector(`${up} button`, { timeout: 15000 });
    assertEq(await page.getAttribute(`${up} button`, 'aria-disabled'), 'true', 'the artifact\'s Upgrade is disabled');
    assertEq(await page.getAttribute(`${up} button`, 'title'), 'needs the upgrader role', 'and says why');
    assertEq((await page.textContent(`${up} .why`)).trim(), 'needs the upgrader role', 'visibly');
    // Pressing a disabled button by keyboard asks the API nothing.
    await tabTo(page, 'btn-runtime');
    await page.keyboard.press('Enter');
    await tabTo(page, 'btn-upgrade');
    await page.keyboard.press('Enter');
    await sleep(800);
    assert(!(await page.evaluate(() => document.querySelector('#upgrade-dialog').open)), 'no upgrade dialog');
    assert(await page.isHidden('#api-error'), 'no API error');
    assert(!page.responses.some((r) => r.status === 403), 'nothing was refused 403');
    const jobsAfter = (await request(main.port, 'GET', `${BASE}api/build/jobs`, { headers: bearer(TOKENS.viewer) })).json.jobs.length;
    assertEq(jobsAfter, jobsBefore, 'no job was created');
    await page.$eval('#build-section', (e) => e.scrollIntoView());
    await shot(page, 'login-05-viewer-disabled');

    await page.click('#btn-logout');
    await loginAs(page, TOKENS.builder, 'bob', 'builder');
    await page.waitForFunction(() => document.querySelector('#btn-runtime').getAttribute('aria-disabled') === 'false',
      null, { timeout: 10000 });
    assertEq(await page.getAttribute('#btn-node', 'aria-disabled'), 'false', 'a builder may compile the node');
    assertEq(await page.getAttribute('#btn-upgrade', 'aria-disabled'), 'true', 'but not upgrade');
    assertEq(await page.getAttribute('#btn-upgrade', 'title'), 'needs the upgrader role', 'and says why');
    assert(await page.isDisabled('#upgrade-file'), 'nor upload');
    assertEq(await page.getAttribute(`${up} button`, 'title'), 'needs the upgrader role', 'the artifact\'s Upgrade says why');
    assertEq(await page.textContent('#busy-reason'), 'Ready to compile.', 'compiling is offered');
    await shot(page, 'login-06-builder');
    await assertTokenKeptNowhere(page);
    assertClean(page, main);
  } finally {
    await closePage(page);
  }
});

test('an expired session brings the panel back with the expired message; logging in again goes on', async () => {
  const page = await openPage(brief);
  try {
    // Timed from before the login is sent, so a slow login cannot make
    // an early panel look late enough.
    const at = Date.now();
    await loginAs(page, TOKENS.upgrader, 'carol', 'upgrader');
    await page.waitForSelector('#login-section:not([hidden])', { timeout: 20000 });
    const after = Date.now() - at;
    assert(after >= 4500, `the panel came back only when the 5 s session ended (after ${after} ms)`);
    assertEq(await page.textContent('#login-note'), 'Your session has expired; log in again.', 'the panel says why');
    assert(await page.isHidden('#build-section'), 'the page is out of sight');
    assert(await page.isHidden('#session'), 'the header no longer names anyone');
    assertEq(await page.evaluate(() => document.activeElement.id), 'login-token', 'focus is in the token field');
    await shot(page, 'login-07-session-expired');
    const relogin = Date.now();
    await loginAs(page, TOKENS.upgrader, 'carol', 'upgrader');
    // The page goes on: it asks the API again, and is answered.
    await waitFor('the jobs list after the new login', async () => page.responses.some((r) =>
      r.at >= relogin && r.url.endsWith(`${BASE}api/build/jobs`) && r.status === 200), 10000);
    await waitFor('the artifacts after the new login', async () => page.responses.some((r) =>
      r.at >= relogin && r.url.endsWith(`${BASE}api/build/artifacts`) && r.status === 200), 10000);
    await assertTokenKeptNowhere(page);
    assertClean(page, brief);
  } finally {
    await closePage(page);
  }
});

test('too many failed logins: the panel shows the API\'s 429 and when to retry', async () => {
  const page = await openPage(brief);
  try {
    const answered = () => page.responses.filter((r) => r.url.endsWith(`${BASE}api/login`)).length;
    let text = '';
    for (let i = 0; i < 6 && !/too many/.test(text); i++) {
      const n = answered();
      await typeToken(page, `${WRONG}${i}`);
      await waitFor('the login answer', async () => answered() > n, 15000);
      await page.waitForSelector('#login-error-text', { timeout: 5000 });
      text = await page.textContent('#login-error-text');
    }
    const direct = await request(brief.port, 'POST', `${BASE}api/login`, { body: { token: TOKENS.upgrader } });
    assertEq(direct.status, 429, 'the API slows this address down');
    assert(Number(direct.headers['retry-after']) > 0, `Retry-After ${direct.headers['retry-after']}`);
    assert(/too many failed token checks/.test(text), `the page shows the API's words: ${text}`);
    assert(/^too many failed token checks from this address; try again in \d+ s$/.test(text), `verbatim: ${text}`);
    assert(/try again at .+ \(in \d+ s\)\.$/.test(await page.textContent('#login-retry')), 'and says when to retry');
    await shot(page, 'login-08-too-many');
    // Enter again before then: the page says to wait, and sends nothing.
    const logins = page.requests.filter((r) => r.url.endsWith('/api/login')).length;
    await typeToken(page, TOKENS.upgrader);
    await page.waitForFunction(() => /^Not yet: try again at .+ \(in \d+ s\)\.$/.test(
      document.querySelector('#login-retry')?.textContent || ''));
    assertEq(await page.textContent('#login-error-text'), text, 'still in the API\'s words');
    assertEq(page.requests.filter((r) => r.url.endsWith('/api/login')).length, logins, 'no login sent while refused');
    await assertTokenKeptNowhere(page);
    assertClean(page, brief);
  } finally {
    await closePage(page);
  }
});

test('without tokens (--dev) the page starts at once, with no login panel and no session in the header', async () => {
  const page = await openPage(open);
  try {
    await page.waitForFunction(() => !document.querySelector('#jobs').textContent.includes('loading'), null, { timeout: 15000 });
    assert(await page.isHidden('#login-section'), 'no login panel');
    assert(await page.isHidden('#session'), 'nothing in the header');
    assert(await page.isVisible('#build-section'), 'the page is shown');
    const who = await page.evaluate(async () => (await fetch('api/whoami')).json());
    assertEq(who.via, 'off', 'authentication is off');
    assertEq(await page.getAttribute('#btn-runtime', 'aria-disabled'), 'false', 'compile is enabled');
    assertEq(await page.getAttribute('#btn-upgrade', 'aria-disabled'), 'false', 'Upload & Upgrade is enabled');
    assert(await page.isHidden('#role-why'), 'no role reason');
    assert(!page.requests.some((r) => r.url.endsWith('/api/login')), 'no login was tried');
    assert(!page.responses.some((r) => r.status === 401), 'nothing answered 401');
    assertClean(page, open);
  } finally {
    await closePage(page);
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

// An artifact row with an Upgrade button, without a build: the chain's
// genesis runtime, unpacked (zstd) and given the runtime_version custom
// section the API reads (this old code has none), uploaded plain with the
// upgrader's token.
function unsignedLeb(n) {
  const bytes = [];
  for (;;) {
    const low = n & 0x7f;
    n = Math.floor(n / 128);
    if (n === 0) { bytes.push(low); break; }
    bytes.push(low | 0x80);
  }
  return Buffer.from(bytes);
}
const u32le = (n) => { const b = Buffer.alloc(4); b.writeUInt32LE(n); return b; };
const scaleText = (t) => Buffer.concat([Buffer.from([Buffer.byteLength(t) << 2]), Buffer.from(t)]); // < 64 bytes

function versionedRuntime(specVersion) {
  const hex = JSON.parse(fs.readFileSync(spec, 'utf8')).genesis.raw.top['0x3a636f6465'];
  const packed = Buffer.from(hex.slice(2), 'hex');
  // 8 bytes of rtforge's zstd marker, then the zstd frame.
  const wasm = execFileSync('zstd', ['-d', '-q', '-c'], { input: packed.subarray(8), maxBuffer: 256 * 1024 * 1024 });
  const version = Buffer.concat([scaleText('rococo'), scaleText('parity-rococo-v2.0'), u32le(0), u32le(specVersion),
    u32le(0), Buffer.from([0]), u32le(0), Buffer.from([0])]);
  const name = Buffer.from('runtime_version');
  const payload = Buffer.concat([unsignedLeb(name.length), name, version]);
  return Buffer.concat([wasm, Buffer.from([0]), unsignedLeb(payload.length), payload]);
}

async function uploadRuntime(d) {
  const r = await request(d.port, 'POST', `${BASE}api/upgrade/upload?name=rococo-login-test.wasm`,
    { raw: versionedRuntime(9160), headers: { ...bearer(TOKENS.upgrader), 'Content-Type': 'application/wasm' } });
  assert(r.status === 200 || r.status === 201, `the runtime upload (${r.status} ${r.text.slice(0, 300)})`);
  assert(/^0x[0-9a-f]{64}$/.test(r.json.hash), `the upload's hash: ${r.text.slice(0, 300)}`);
  return r.json;
}

async function main_() {
  if (user || label === 'unprivileged') {
    console.log('skipped: the browser tests run once, in the root run');
    console.log('0 passed, 0 failed');
    return;
  }
  const { chromium } = createRequire(import.meta.url)(path.resolve(here, '../../node_modules/playwright-core/index.js'));
  await waitForChromium();
  fs.mkdirSync(shotDirs[0], { recursive: true });
  const tokens = [hashToken(TOKENS.viewer, 'viewer'), hashToken(TOKENS.builder, 'builder'),
    hashToken(TOKENS.upgrader, 'upgrader')];
  let failed = 1;
  try {
    main = await startDaemon('main', { tokens, session_ttl_seconds: 3600, rate: { login_failures_per_minute: 1000 } });
    brief = await startDaemon('brief', { tokens, session_ttl_seconds: 5, rate: { login_failures_per_minute: 3 } });
    open = await startDaemon('open', null);
    uploaded = await uploadRuntime(main);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
    failed = await runTests(label);
  } finally {
    if (browser) await browser.close().catch(() => {});
    for (const x of daemons) await x.stop().catch(() => {});
  }
  for (const x of daemons) {
    const log = x.log();
    if (/AddressSanitizer|runtime error:|LeakSanitizer/.test(log)) {
      console.log(`FAIL [${label}] sanitizer report in ${x.logFile}:\n${log.slice(-4000)}`);
      console.log('0 passed, 1 failed');
      failed++;
    }
    for (const s of SECRETS) {
      if (log.includes(s)) {
        console.log(`FAIL [${label}] a token's secret is in ${x.logFile}`);
        failed++;
      }
    }
  }
  process.exitCode = failed ? 1 : 0;
}

main_().catch((e) => { console.log(`FAIL [${label}] harness: ${e.stack}`); console.log('0 passed, 1 failed'); process.exitCode = 1; });
