// Browser tests of the wallet page's build half: real Chromium (Debian's,
// driven by playwright-core), the real daemon at the sub-path /rtforge/,
// real cargo on the demo workspace and on the failing fixture.
// Usage: node web.test.mjs --root STAGE --label NAME [--user USER]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { test as registerTest, runTests, assert, assertEq, sleep, freePort, request, readSse,
  Daemon } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc, []));
const root = args.root;
const label = args.label || 'run';
const user = args.user || null;
const workspace = path.join(root, 'tests/demo-workspace');
const failing = path.join(root, 'tests/fixtures/failing-workspace');
const BASE = '/rtforge/';
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const shotDirs = [path.join(root, 'screenshots'), path.resolve(here, '../work/screenshots')];

// The daemon at a sub-path answers /healthz under it too.
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

let d;          // the main daemon, on the demo workspace
let browser;    // a persistent Chromium context
const daemons = [];

async function api(port, method, p, body) {
  return request(port, method, BASE + p, body !== undefined ? { body } : {});
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

// A fresh tab on the page; every request it makes is recorded.
async function openPage(port) {
  const page = await browser.newPage();
  page.requests = [];
  page.errors = [];
  page.on('request', (r) => page.requests.push(r.url()));
  page.on('pageerror', (e) => page.errors.push(String(e)));
  // The daemon's node is a closed port on purpose: the browser logs each
  // 502 from /api/chain, which the page handles and shows; anything else
  // logged as an error fails the test.
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (/status of 502 \(Bad Gateway\)/.test(m.text()) && /\/api\/chain/.test(m.location().url || '')) return;
    page.errors.push(m.text());
  });
  await page.goto(`http://127.0.0.1:${port}${BASE}`);
  // Every change of the connection state, for the reconnect test.
  await page.evaluate(() => {
    window.connLog = [];
    const c = document.querySelector('#conn-state');
    new MutationObserver(() => window.connLog.push(c.textContent))
      .observe(c, { childList: true, characterData: true, subtree: true });
  });
  await page.waitForFunction(() => !document.querySelector('#jobs').textContent.includes('loading'));
  return page;
}

const progressOf = (page) => page.$eval('#progress', (e) => Number(e.getAttribute('aria-valuenow')));
const jobStateOf = (page) => page.$eval('#job-state', (e) => ({ cls: e.className, text: e.textContent }));
const consoleLines = (page) => page.$$eval('#console .ln:not(.note)', (els) =>
  els.map((e) => ({ id: Number(e.dataset.id), text: e.textContent, level: e.className.replace('ln ', '') })));

// Samples the progress bar until the page shows the build's end.
async function watchBuild(page, ms, onSample) {
  const samples = [];
  const until = Date.now() + ms;
  for (;;) {
    const [p, s] = await Promise.all([progressOf(page), jobStateOf(page)]);
    samples.push(p);
    if (onSample) await onSample(p, samples);
    if (/\b(success|failed|cancelled)\b/.test(s.cls)) return { samples, state: s };
    if (Date.now() > until) throw new Error(`build did not end within ${ms} ms; state ${JSON.stringify(s)}`);
    await sleep(150);
  }
}

function assertMonotone(samples, what) {
  for (let i = 1; i < samples.length; i++) {
    assert(samples[i] >= samples[i - 1], `${what} went backwards: ${samples[i - 1]} -> ${samples[i]} (sample ${i})`);
  }
}

async function newestJob(port) {
  return (await api(port, 'GET', 'api/build/jobs')).json.jobs[0] || null;
}

// Cancels whatever a failed test left queued or running, so that the next
// test starts on an idle daemon.
async function settle(port) {
  const jobs = (await api(port, 'GET', 'api/build/jobs')).json.jobs;
  for (const j of jobs.filter((x) => ['queued', 'running'].includes(x.status))) {
    await api(port, 'DELETE', `api/build/jobs/${j.job_id}`);
  }
  await waitFor('an idle daemon', async () => !(await api(port, 'GET', 'api/build/jobs')).json.jobs
    .some((x) => ['queued', 'running'].includes(x.status)), 60000);
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

test('compile the WASM runtime: progress rises to 100, crates stream, the artifact matches the API', async () => {
  const page = await openPage(d.port);
  try {
    // Upload & Upgrade needs no chain to upload; it says what it does now.
    assert(await page.getAttribute('#btn-upgrade', 'aria-disabled') !== 'true', 'Upload & Upgrade is enabled');
    await page.waitForFunction(() => /Upload & Upgrade: upload a \.wasm/.test(document.querySelector('#upgrade-why').textContent));
    // This daemon's node is a closed port: the page says so, plainly.
    await page.waitForFunction(() => /cannot be read/.test(document.querySelector('#chain-runtime').textContent));
    assert(/not reachable/.test(await page.textContent('#chain-runtime')), 'the chain runtime panel says why');
    await page.waitForFunction(() => /node not reachable/.test(document.querySelector('#chain-header').textContent));
    await page.waitForFunction(() => /5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY \(sr25519\)/.test(
      document.querySelector('#signer-header').textContent));
    assertEq(await page.$('#opt-docker:disabled') !== null, true, 'the container build option is disabled');
    await shot(page, '01-idle');

    await page.click('#btn-runtime');
    const job = await waitFor('the runtime job', async () => {
      const j = await newestJob(d.port);
      return j && j.kind === 'runtime' ? j : null;
    }, 10000);
    await page.waitForFunction((id) => document.querySelector('#busy-reason').textContent.includes(`A build is running (job ${id}`) ||
      document.querySelector('#busy-reason').textContent.includes(`queued (job ${id}`), job.job_id, { timeout: 20000 });
    assertEq(await page.getAttribute('#btn-runtime', 'aria-disabled'), 'true', 'compile is disabled while building');
    assertEq(await page.getAttribute('#btn-node', 'aria-disabled'), 'true', 'node compile is disabled while building');
    assert((await page.getAttribute('#btn-runtime', 'title')).includes(`job ${job.job_id}`), 'the button says why');

    let midShot = false, scrollChecked = false;
    const { samples, state } = await watchBuild(page, 600000, async (p) => {
      if (!scrollChecked && await page.$eval('#console', (c) => c.scrollHeight > c.clientHeight + 60)) {
        // Scrolling up pauses auto-scroll; new lines do not pull the view down.
        scrollChecked = true;
        await page.$eval('#console', (c) => { c.scrollTop = 0; c.dispatchEvent(new Event('scroll')); });
        const before = (await consoleLines(page)).length;
        await page.waitForFunction((n) => document.querySelectorAll('#console .ln').length > n ||
          /success|failed/.test(document.querySelector('#job-state').className), before, { timeout: 120000 });
        await sleep(300);
        assertEq(await page.$eval('#console', (c) => c.scrollTop), 0, 'auto-scroll paused while scrolled up');
        assertEq(await page.isVisible('#btn-follow'), true, 'the paused state is shown');
        await shot(page, '02b-autoscroll-paused');
        await page.click('#btn-follow');
        await page.waitForFunction(() => { const c = document.querySelector('#console');
          return c.scrollHeight - c.scrollTop - c.clientHeight < 24; });
      }
      if (!midShot && p >= 40) {
        midShot = true;
        await shot(page, '02-build-running');
      }
    });
    assert(/success/.test(state.cls), `the build succeeded: ${JSON.stringify(state)}`);
    assert(scrollChecked, 'the console overflowed and its auto-scroll pause was checked');
    if (!midShot) await shot(page, '02-build-running');
    assertMonotone(samples, 'the progress bar');
    assertEq(samples.at(-1), 100, 'the progress bar ends at 100');
    assert(new Set(samples).size >= 5, `the bar rose through several values: ${[...new Set(samples)]}`);

    const lines = await consoleLines(page);
    assert(lines.some((l) => /Compiling demo-macros/.test(l.text)), 'the console shows crate names');
    assert(lines.some((l) => /Compiling demo-runtime/.test(l.text)), 'the console shows the runtime crate');
    // Auto-scroll: at the end the console is at its bottom.
    assert(await page.$eval('#console', (c) => c.scrollHeight - c.scrollTop - c.clientHeight < 24), 'console scrolled to the end');

    const art = (await api(d.port, 'GET', 'api/build/artifacts')).json.runtime_wasm;
    assert(art && /^0x[0-9a-f]{64}$/.test(art.hash), 'the API reports the runtime');
    assertEq(art.job_id, job.job_id, 'the artifact is from this build');
    await page.waitForFunction((h) => [...document.querySelectorAll('#artifacts-body tr')]
      .some((tr) => tr.dataset.hash === h && tr.querySelector('code.code-hash').textContent === h), art.hash, { timeout: 10000 });
    assert((await page.textContent('#job-state')).includes(art.hash), 'the success state shows the hash');
    const row = await page.$eval(`#artifacts-body tr[data-hash="${art.hash}"]`, (tr) => tr.textContent);
    assert(row.includes(art.path), 'the artifact row shows its path');
    const spec = art.runtime && art.runtime.spec_name ? `${art.runtime.spec_name} ${art.runtime.spec_version}` : '—';
    assertEq(await page.$eval(`#artifacts-body tr[data-hash="${art.hash}"] td.spec`, (td) => td.textContent), spec,
      'spec name/version as the API reports them');
    assertEq(await page.getAttribute('#btn-runtime', 'aria-disabled'), 'false', 'compile is enabled again');
    // The node is down: the artifact cannot be judged, so its Upgrade button says why it cannot act.
    const upBtn = `#artifacts-body tr[data-hash="${art.hash}"] td.upgrade button`;
    assertEq(await page.getAttribute(upBtn, 'aria-disabled'), 'true', 'Upgrade is disabled without the chain');
    assert(/the chain cannot be read/.test(await page.getAttribute(upBtn, 'title')), 'and says why');

    // Everything the page loaded came from the daemon, under the base path.
    const prefix = `http://127.0.0.1:${d.port}${BASE}`;
    const outside = page.requests.filter((u) => !u.startsWith(prefix));
    assertEq(outside.length, 0, `requests outside ${prefix}: ${outside.join(', ')}`);
    assert(page.requests.some((u) => u === `${prefix}api/build/status/${job.job_id}`), 'the stream came from sse_endpoint');
    assertEq(page.errors.length, 0, `no page errors: ${page.errors.join('; ')}`);
    await page.$eval('#artifacts-section', (e) => e.scrollIntoView());
    await shot(page, '03-build-success');
  } finally {
    await page.close();
    await settle(d.port);
  }
});

test('a failing build shows the compiler error in red and a clear failure state', async () => {
  const port = await freePort();
  const state = path.join(root, 'state-web-failing');
  fs.mkdirSync(state, { recursive: true });
  const f = new SubpathDaemon({ root, state, source: failing, user, port, logFile: path.join(root, 'daemon-web-failing.log'),
    extraArgs: ['-f', path.join(root, 'web-overlay.json')] });
  daemons.push(f);
  await f.start();
  try {
    const page = await openPage(port);
    try {
      await page.click('#btn-runtime');
      const { state: end } = await watchBuild(page, 300000);
      assert(/\bfailed\b/.test(end.cls), `failure state: ${JSON.stringify(end)}`);
      const job = await newestJob(port);
      const s = await readSse(port, `${BASE}api/build/status/${job.job_id}`);
      const last = s.events.at(-1);
      assertEq(last.event, 'error', 'the stream ended with error');
      assert(/mismatched types/.test(last.data.error), 'the API names the compiler error');
      assert(end.text.includes(last.data.error), `the page shows the API's error text: ${end.text}`);
      assert(/Build failed/.test(end.text), 'the page says the build failed');
      const errLines = (await consoleLines(page)).filter((l) => l.level === 'error');
      assert(errLines.some((l) => /mismatched types/.test(l.text)), 'the console shows the compiler error as an error line');
      const [errColour, infoColour] = await page.evaluate(() => [
        getComputedStyle(document.querySelector('#console .ln.error')).color,
        getComputedStyle(document.querySelector('#console .ln.info')).color]);
      assert(errColour !== infoColour, `error lines are coloured (${errColour} vs ${infoColour})`);
      assert(await page.$eval('#progress', (e) => e.classList.contains('failed')), 'the bar shows the failure');
      assertEq(await page.getAttribute('#btn-cancel', 'aria-disabled'), 'true', 'nothing left to cancel');
      await page.$eval('#console .ln.error', (e) => e.scrollIntoView({ block: 'center' }));
      await shot(page, '04-build-failed');
    } finally {
      await page.close();
    }
  } finally {
    await f.stop();
  }
});

test('killing the front mid-build: the console resumes with no duplicate and no missing line', async () => {
  const page = await openPage(d.port);
  try {
    await page.check('#opt-clean');
    await page.click('#btn-runtime');
    const job = await waitFor('the clean runtime job', async () => {
      const j = await newestJob(d.port);
      return j && j.kind === 'runtime' && j.clean && ['queued', 'running'].includes(j.status) ? j : null;
    }, 10000);
    // The page follows this job's stream, live, and has shown some of it.
    await page.waitForFunction((id) => document.querySelector('#job-label').textContent.startsWith(`job ${id} `) &&
      document.querySelector('#conn-state').textContent === 'live' &&
      Number(document.querySelector('#progress').getAttribute('aria-valuenow')) >= 5 &&
      document.querySelectorAll('#console .ln').length >= 12, job.job_id, { timeout: 300000 });
    const h = await d.health();
    const frontPid = h.roles.front.pid;
    process.kill(frontPid, 'SIGKILL');
    let sawReconnecting = false;
    for (let i = 0; i < 100 && !sawReconnecting; i++) {
      sawReconnecting = /reconnecting/.test(await page.textContent('#conn-state'));
      if (sawReconnecting) await shot(page, '05-reconnecting');
      else await sleep(50);
    }
    if (!sawReconnecting) console.log(`conn-state changes: ${JSON.stringify(await page.evaluate(() => window.connLog))}`);
    assert(sawReconnecting, 'the page shows reconnecting… while the front is down');
    await waitFor('a new front', async () => {
      const nh = await d.health();
      return nh && nh.roles.front.pid !== frontPid ? nh : null;
    }, 5000);
    await page.waitForFunction(() => document.querySelector('#conn-state').textContent === 'live', null, { timeout: 20000 });

    const { samples, state } = await watchBuild(page, 600000);
    assert(/success/.test(state.cls), `the build succeeded: ${JSON.stringify(state)}`);
    assertMonotone(samples, 'the progress bar across the reconnect');
    const notes = await page.$$eval('#console .ln.note', (els) => els.map((e) => e.textContent));
    assert(notes.some((n) => /connection restored; resumed after event \d+/.test(n)), `the console marks the resume: ${notes}`);
    assert(!notes.some((n) => /not received/.test(n)), `no gap: ${notes}`);

    const s = await readSse(d.port, `${BASE}api/build/status/${job.job_id}`);
    const want = s.events.filter((e) => e.event === 'log');
    const got = await consoleLines(page);
    assertEq(new Set(got.map((l) => l.id)).size, got.length, 'no event id rendered twice');
    assertEq(got.length, want.length, 'as many console lines as log events');
    for (let i = 0; i < want.length; i++) {
      assertEq(got[i].text, want[i].data.message, `line ${i + 1}`);
      assertEq(got[i].id, want[i].id, `line ${i + 1} event id`);
    }
    await shot(page, '06-resumed-after-front-kill');
  } finally {
    await page.close();
    await settle(d.port);
  }
});

test('keyboard only: Tab and Space/Enter start a node build and cancel it', async () => {
  const page = await openPage(d.port);
  try {
    await page.waitForFunction(() => document.querySelector('#btn-node').getAttribute('aria-disabled') === 'false');
    const before = await newestJob(d.port);
    await tabTo(page, 'opt-clean');
    if (!(await page.isChecked('#opt-clean'))) await page.keyboard.press('Space');
    assertEq(await page.isChecked('#opt-clean'), true, 'Space checks the clean option');
    await tabTo(page, 'btn-node');
    // Visible focus.
    const outline = await page.$eval('#btn-node', (e) => getComputedStyle(e).outlineStyle);
    assert(outline !== 'none', `the focused button shows an outline (${outline})`);
    await shot(page, '07-keyboard-focus');
    await page.keyboard.press('Enter');
    const job = await waitFor('the node job', async () => {
      const j = await newestJob(d.port);
      return j && j.kind === 'node' && (!before || Number(j.job_id) > Number(before.job_id)) ? j : null;
    }, 10000);
    assertEq(job.clean, true, 'the clean option reached the API');
    await page.waitForFunction(() => document.querySelector('#btn-cancel').getAttribute('aria-disabled') === 'false',
      null, { timeout: 10000 });
    await tabTo(page, 'btn-cancel');
    await page.keyboard.press('Enter');
    const ended = await waitFor('the node job to end', async () => {
      const j = (await api(d.port, 'GET', `api/build/jobs/${job.job_id}`)).json;
      return j && !['queued', 'running'].includes(j.status) ? j : null;
    }, 30000);
    assertEq(ended.status, 'cancelled', 'the job was cancelled');
    await page.waitForFunction(() => /\bcancelled\b/.test(document.querySelector('#job-state').className), null, { timeout: 15000 });
    assert(/cancel/i.test(await page.textContent('#job-state')), 'the page shows the cancellation');
    await shot(page, '08-keyboard-cancelled');
  } finally {
    await page.close();
    await settle(d.port);
  }
});

test('API errors are shown as the API worded them', async () => {
  const page = await openPage(d.port);
  try {
    const before = (await api(d.port, 'GET', 'api/build/jobs')).json.jobs.length;
    const direct = await api(d.port, 'POST', 'api/build/runtime', { clean: false, features: ['a b'] });
    assertEq(direct.status, 400, 'the API refuses the feature name');
    await page.fill('#opt-features', 'a b');
    await page.click('#btn-runtime');
    await page.waitForSelector('#api-error:not([hidden])', { timeout: 10000 });
    const text = await page.textContent('#api-error-text');
    assertEq(text, direct.json.error, 'the page shows the API error verbatim');
    assert(/^features\[0\] must be a cargo feature name/.test(text), `the feature error: ${text}`);
    assertEq((await api(d.port, 'GET', 'api/build/jobs')).json.jobs.length, before, 'no job was created');
    await shot(page, '09-api-error');
    // Several features, comma-separated, reach the API as an array.
    await page.fill('#opt-features', 'std,  x y');
    await page.click('#btn-runtime');
    await page.waitForFunction(() => /features\[1\]/.test(document.querySelector('#api-error-text').textContent));
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
  fs.mkdirSync(shotDirs[0], { recursive: true });
  const overlay = path.join(root, 'web-overlay.json');
  fs.writeFileSync(overlay, JSON.stringify({ base_path: BASE }));
  fs.chmodSync(overlay, 0o644);
  const state = path.join(root, 'state-web');
  fs.mkdirSync(state, { recursive: true });
  d = new SubpathDaemon({ root, state, source: workspace, user, port: await freePort(),
    logFile: path.join(root, 'daemon-web.log'),
    extraArgs: ['-f', overlay, '--node', `http://127.0.0.1:${await freePort()}`] });
  daemons.push(d);
  const profile = fs.mkdtempSync(path.join(root, 'chromium-profile-'));
  let failed = 1;
  try {
    await d.start();
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS,
      viewport: { width: 1280, height: 900 },
    });
    failed = await runTests(label);
  } finally {
    if (browser) await browser.close().catch(() => {});
    for (const x of daemons) await x.stop().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  }
  for (const x of daemons) {
    const log = x.log();
    if (/AddressSanitizer|runtime error:|LeakSanitizer/.test(log)) {
      console.log(`FAIL [${label}] sanitizer report in ${x.logFile}:\n${log.slice(-4000)}`);
      console.log('0 passed, 1 failed');
      failed++;
    }
  }
  process.exitCode = failed ? 1 : 0;
}

main().catch((e) => { console.log(`FAIL [${label}] harness: ${e.stack}`); console.log('0 passed, 1 failed'); process.exitCode = 1; });
