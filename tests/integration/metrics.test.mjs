// GET /metrics: the Prometheus text format (0.0.4) parsed strictly, and
// the figures moving with what the daemon does: a failed build, a queued
// and a running build cancelled, a successful build, an SSE client, upgrade
// records on disk, and a worker killed and restarted.
// Usage: node metrics.test.mjs --root STAGE --label NAME [--user USER]
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test, runTests, assert, assertEq, sleep, freePort, request, readSse, Daemon, childrenOf } from './lib.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc, []));
const root = args.root;
const label = `${args.label || 'run'} metrics`;
const user = args.user || null;
const workspace = path.join(root, 'tests/demo-workspace');
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let d;

// --- the text format, parsed as a scraper would, refusing what it would ---
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"/y;

function parseMetrics(text) {
  assert(text.endsWith('\n'), 'the exposition ends with a newline');
  const families = {}, samples = [];
  let current = null;
  text.slice(0, -1).split('\n').forEach((line, i) => {
    const where = `line ${i + 1} ${JSON.stringify(line)}`;
    let m;
    if ((m = /^# (HELP|TYPE) (\S+) (.+)$/.exec(line))) {
      assert(NAME.test(m[2]), `${where}: metric name`);
      const f = families[m[2]] = families[m[2]] || { name: m[2] };
      const key = m[1].toLowerCase();
      assert(f[key] === undefined, `${where}: a second ${m[1]} for ${m[2]}`);
      f[key] = m[3];
      if (key === 'type') {
        assert(['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(m[3]), `${where}: type`);
        assert(!samples.some((s) => s.family === m[2]), `${where}: TYPE after the family's samples`);
      }
      current = m[2];
      return;
    }
    assert(!line.startsWith('#') && line !== '', `${where}: a sample`);
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    assert(m, `${where}: name{labels} value`);
    const labels = {};
    if (m[2]) {
      const body = m[2].slice(1, -1);
      let pos = 0;
      while (pos < body.length) {
        LABEL.lastIndex = pos;
        const l = LABEL.exec(body);
        assert(l, `${where}: label at ${pos}`);
        assert(!(l[1] in labels), `${where}: label ${l[1]} twice`);
        labels[l[1]] = l[2];
        pos = LABEL.lastIndex;
        if (body[pos] === ',') pos++;
      }
    }
    const value = m[3] === '+Inf' ? Infinity : Number(m[3]);
    assert(!Number.isNaN(value), `${where}: numeric value`);
    const family = [m[1], m[1].replace(/_(bucket|sum|count)$/, '')].find((n) => families[n] && families[n].type);
    assert(family, `${where}: sample of a family with a TYPE`);
    assertEq(family, current, `${where}: samples of a family stay together`);
    if (families[family].type === 'histogram')
      assert(m[1] !== family, `${where}: a histogram has only _bucket, _sum and _count samples`);
    samples.push({ name: m[1], family, labels, value });
  });
  for (const f of Object.values(families)) assert(f.help && f.type, `${f.name} has HELP and TYPE`);
  for (const s of samples) {
    const key = s.name + JSON.stringify(Object.entries(s.labels).sort());
    assert(!samples.some((t) => t !== s && t.name + JSON.stringify(Object.entries(t.labels).sort()) === key),
      `${s.name} ${JSON.stringify(s.labels)} is not repeated`);
  }
  return { families, samples };
}

// Histogram buckets are cumulative and +Inf equals _count.
function checkHistogram(m, name) {
  const byKind = {};
  for (const s of m.samples.filter((x) => x.name === `${name}_bucket`))
    (byKind[s.labels.kind] = byKind[s.labels.kind] || []).push(s);
  assert(Object.keys(byKind).length > 0, `${name} has buckets`);
  for (const [kind, bs] of Object.entries(byKind)) {
    const les = bs.map((b) => (b.labels.le === '+Inf' ? Infinity : Number(b.labels.le)));
    les.forEach((le, i) => i && assert(le > les[i - 1], `${name}{kind=${kind}} bounds ascend`));
    assertEq(les[les.length - 1], Infinity, `${name}{kind=${kind}} ends with +Inf`);
    bs.forEach((b, i) => i && assert(b.value >= bs[i - 1].value, `${name}{kind=${kind}} is cumulative`));
    assertEq(bs[bs.length - 1].value, value(m, `${name}_count`, { kind }), `${name}{kind=${kind}} +Inf = _count`);
  }
}

function value(m, name, labels = {}) {
  const hits = m.samples.filter((s) => s.name === name &&
    Object.entries(labels).every(([k, v]) => s.labels[k] === v) &&
    Object.keys(s.labels).length === Object.keys(labels).length);
  assertEq(hits.length, 1, `one sample ${name} ${JSON.stringify(labels)}`);
  return hits[0].value;
}

async function scrape() {
  const r = await request(d.port, 'GET', '/metrics');
  assertEq(r.status, 200, `GET /metrics: ${r.text.slice(0, 200)}`);
  assertEq(r.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8', 'content type');
  return parseMetrics(r.text);
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
const job = async (id) => (await request(d.port, 'GET', `/api/build/jobs/${id}`)).json;
const waitDone = (id, ms = 300000) => waitFor(`job ${id} to finish`, async () => {
  const j = await job(id);
  return j && !['queued', 'running'].includes(j.status) ? j : null;
}, ms);
const startBuild = async (body = {}) => {
  const r = await request(d.port, 'POST', '/api/build/runtime', { body });
  assertEq(r.status, 202, `build accepted: ${r.text}`);
  return r.json.job_id;
};
const builds = (m, outcome) => value(m, 'rtforge_builds_total', { kind: 'runtime', outcome });
const durations = (m) => value(m, 'rtforge_build_duration_seconds_count', { kind: 'runtime' });

let base;

test('GET /metrics parses as Prometheus text 0.0.4 with every promised family', async () => {
  base = await scrape();
  const want = {
    rtforge_builds_total: 'counter', rtforge_build_duration_seconds: 'histogram',
    rtforge_build_queue_length: 'gauge', rtforge_builds_running: 'gauge',
    rtforge_upgrades_total: 'counter', rtforge_upgrades_running: 'gauge',
    rtforge_sse_clients: 'gauge', rtforge_worker_up: 'gauge',
    rtforge_worker_start_time_seconds: 'gauge', rtforge_worker_restarts_total: 'counter',
    rtforge_front_start_time_seconds: 'gauge',
  };
  for (const [name, type] of Object.entries(want)) {
    assert(base.families[name], `family ${name} is there`);
    assertEq(base.families[name].type, type, `${name} type`);
  }
  for (const s of base.samples.filter((x) => x.family.endsWith('_total')))
    assert(Number.isInteger(s.value) && s.value >= 0, `${s.name} is a whole count`);
  checkHistogram(base, 'rtforge_build_duration_seconds');
  for (const o of ['success', 'failed', 'cancelled']) assertEq(builds(base, o), 0, `no ${o} builds yet`);
  assertEq(value(base, 'rtforge_build_queue_length'), 0, 'empty queue');
  assertEq(value(base, 'rtforge_sse_clients'), 0, 'no SSE clients');
  for (const role of ['build', 'sign']) assertEq(value(base, 'rtforge_worker_up', { role }), 1, `${role} up`);
  const started = value(base, 'rtforge_front_start_time_seconds');
  assert(Math.abs(started - Date.now() / 1000) < 120, `front start time ${started} is recent`);
});

test('upgrade records on disk are counted by outcome, an interrupted one as failed', async () => {
  // Written before the daemon started (see main): 1 success, 1 unknown,
  // and 1 left "running" with nothing submitted, which the sign worker
  // ends as "failed" when it starts.
  const m = await waitFor('the interrupted upgrade to be ended', async () => {
    const x = await scrape();
    return value(x, 'rtforge_upgrades_running') === 0 ? x : null;
  }, 15000);
  assertEq(value(m, 'rtforge_upgrades_total', { outcome: 'success' }), 1, 'success');
  assertEq(value(m, 'rtforge_upgrades_total', { outcome: 'unknown' }), 1, 'unknown');
  assertEq(value(m, 'rtforge_upgrades_total', { outcome: 'failed' }), 1, 'failed (the interrupted one)');
  assertEq(value(m, 'rtforge_upgrades_total', { outcome: 'proposed' }), 0, 'proposed');
});

test('POST /metrics is 405 and a refused build request moves no counter', async () => {
  const r = await request(d.port, 'POST', '/metrics', { body: {} });
  assertEq(r.status, 405, 'POST');
  assertEq(r.headers.allow, 'GET', 'Allow');
  const bad = await request(d.port, 'POST', '/api/build/runtime', { body: { clean: 'yes' } });
  assertEq(bad.status, 400, 'a malformed build request is refused');
  const m = await scrape();
  for (const o of ['success', 'failed', 'cancelled']) assertEq(builds(m, o), builds(base, o), `${o} unchanged`);
  assertEq(value(m, 'rtforge_build_queue_length'), 0, 'nothing queued');
});

test('a failed build counts as failed, with its duration', async () => {
  const id = await startBuild({ features: ['no-such-feature-in-the-demo'] });
  const j = await waitDone(id, 120000);
  assertEq(j.status, 'failed', `the build fails: ${j.error}`);
  const m = await scrape();
  assertEq(builds(m, 'failed'), builds(base, 'failed') + 1, 'failed +1');
  assertEq(durations(m), durations(base) + 1, 'one more duration observed');
  checkHistogram(m, 'rtforge_build_duration_seconds');
  base = m;
});

test('queue length, running builds and SSE clients follow the jobs; cancels count', async () => {
  const a = await startBuild();
  const b = await startBuild();
  await waitFor(`job ${a} to run`, async () => (await job(a)).status === 'running', 60000);
  const stream = readSse(d.port, `/api/build/status/${a}`, { stopAfter: (evs) => evs.length >= 1 });
  let m = await scrape();
  assertEq(value(m, 'rtforge_build_queue_length'), 1, 'one build queued behind the running one');
  assertEq(value(m, 'rtforge_builds_running'), 1, 'one build running');
  await stream;
  // A stream that stays open: a queued job says nothing until it runs.
  const ac = new AbortController();
  const open = fetch(`http://127.0.0.1:${d.port}/api/build/status/${b}`, { signal: ac.signal });
  const res = await open;
  m = await waitFor('the SSE client to be counted', async () => {
    const x = await scrape();
    return value(x, 'rtforge_sse_clients') === 1 ? x : null;
  }, 5000);
  let r = await request(d.port, 'DELETE', `/api/build/jobs/${b}`);
  assertEq(r.status, 200, 'cancel the queued job');
  r = await request(d.port, 'DELETE', `/api/build/jobs/${a}`);
  assertEq(r.status, 202, 'cancel the running job');
  assertEq((await waitDone(a, 60000)).status, 'cancelled', 'running job cancelled');
  ac.abort();
  await res.body?.cancel().catch(() => {});
  m = await waitFor('the SSE client to be gone', async () => {
    const x = await scrape();
    return value(x, 'rtforge_sse_clients') === 0 ? x : null;
  }, 5000);
  assertEq(builds(m, 'cancelled'), builds(base, 'cancelled') + 2, 'cancelled +2');
  // The queued one never ran: only the running one has a duration.
  assertEq(durations(m), durations(base) + 1, 'one more duration (the job that ran)');
  assertEq(value(m, 'rtforge_build_queue_length'), 0, 'queue empty again');
  assertEq(value(m, 'rtforge_builds_running'), 0, 'nothing running');
  base = m;
});

// A real cargo build of the demo workspace from a cold target dir takes
// minutes; an uploaded runtime is a build job that succeeds at once and
// goes through the same record, so it proves the success path here.
test('an uploaded runtime counts as a successful upload job, with its duration in the right bucket', async () => {
  const r = await uploadRuntime();
  assertEq(r.status, 201, `upload accepted: ${r.text.slice(0, 300)}`);
  const j = await waitDone(r.json.job_id, 30000);
  assertEq(j.status, 'success', `the upload job succeeds: ${j.error}`);
  const secs = (Date.parse(j.finished_at) - Date.parse(j.started_at)) / 1000;
  const m = await scrape();
  const up = (x, o) => value(x, 'rtforge_builds_total', { kind: 'upload', outcome: o });
  assertEq(up(m, 'success'), up(base, 'success') + 1, 'upload success +1');
  assertEq(builds(m, 'success'), builds(base, 'success'), 'runtime builds unchanged');
  const count = (x) => value(x, 'rtforge_build_duration_seconds_count', { kind: 'upload' });
  assertEq(count(m), count(base) + 1, 'one more upload duration');
  const sum = value(m, 'rtforge_build_duration_seconds_sum', { kind: 'upload' }) -
    value(base, 'rtforge_build_duration_seconds_sum', { kind: 'upload' });
  assertEq(sum, secs, 'the sum grew by the job record\'s start-to-end time');
  const bucket = (x, le) => value(x, 'rtforge_build_duration_seconds_bucket', { kind: 'upload', le });
  for (const le of ['10', '30', '60', '120', '300', '600', '1200', '1800', '3600', '7200', '14400', '+Inf'])
    assertEq(bucket(m, le) - bucket(base, le), secs <= Number(le.replace('+Inf', 'Infinity')) ? 1 : 0, `bucket le=${le} for ${secs} s`);
  checkHistogram(m, 'rtforge_build_duration_seconds');
  base = m;
});

test('a killed worker shows down, comes back with a new start time, and counts as a restart', async () => {
  const before = await scrape();
  const signPid = childrenOf(d.proc.pid).find((p) => {
    try { return fs.readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'rtforge-sign'; } catch { return false; }
  });
  assert(signPid, 'found the sign worker');
  await sleep(1100); // a new start time must differ by at least a second
  process.kill(signPid, 'SIGKILL');
  const m = await waitFor('the sign worker to be back', async () => {
    const x = await scrape();
    return value(x, 'rtforge_worker_up', { role: 'sign' }) === 1 &&
      value(x, 'rtforge_worker_start_time_seconds', { role: 'sign' }) >
      value(before, 'rtforge_worker_start_time_seconds', { role: 'sign' }) ? x : null;
  }, 20000);
  assertEq(value(m, 'rtforge_worker_start_time_seconds', { role: 'build' }),
    value(before, 'rtforge_worker_start_time_seconds', { role: 'build' }), 'the build worker did not restart');
  const front = fs.readFileSync(path.join(repo, 'daemon/front.c'), 'utf8');
  if (!front.includes('metrics_worker_started(')) {
    console.log(`     skipped the restart counter: daemon/front.c does not call metrics_worker_started() yet [${label}]`);
    return;
  }
  assertEq(value(m, 'rtforge_worker_restarts_total', { role: 'sign' }),
    value(before, 'rtforge_worker_restarts_total', { role: 'sign' }) + 1, 'sign restarts +1');
  assertEq(value(m, 'rtforge_worker_restarts_total', { role: 'build' }),
    value(before, 'rtforge_worker_restarts_total', { role: 'build' }), 'build restarts unchanged');
});

// --- an uploadable runtime: Rococo's genesis code with a runtime_version
// section, zstd-compressed behind Substrate's prefix (as upload.test.mjs) ---
function leb(n) {
  const out = [];
  do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n);
  return Buffer.from(out);
}
const compact = (n) => Buffer.from([n << 2]); // n < 64
const scaleStr = (s) => Buffer.concat([compact(Buffer.byteLength(s)), Buffer.from(s)]);
const u32 = (n) => { const b = Buffer.alloc(4); b.writeUInt32LE(n); return b; };
const zstd = (buf, ...flags) => execFileSync('zstd', ['-q', '-c', ...flags], { input: buf, maxBuffer: 128 << 20 });

function uploadRuntime() {
  const spec = path.join(root, 'node_modules/@substrate/connect/dist/connector/specs/rococo_v2_1.json');
  const prefix = Buffer.from('52bc537646db8e05', 'hex');
  const genesis = Buffer.from(JSON.parse(fs.readFileSync(spec, 'utf8')).genesis.raw.top['0x3a636f6465'].slice(2), 'hex');
  const version = Buffer.concat([scaleStr('rococo'), scaleStr('parity-rococo-v2.0'), u32(0), u32(9150), u32(0),
    compact(0), u32(0), Buffer.from([0])]);
  const name = 'runtime_version';
  const body = Buffer.concat([leb(name.length), Buffer.from(name), version]);
  const plain = Buffer.concat([zstd(genesis.subarray(8), '-d'), Buffer.from([0]), leb(body.length), body]);
  const bytes = Buffer.concat([prefix, zstd(plain, '-3')]);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: d.port, method: 'POST', path: '/api/upgrade/upload',
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

// --- harness ---

function writeUpgradeRecords(state) {
  const dir = path.join(state, 'upgrades');
  fs.mkdirSync(dir, { recursive: true });
  const rec = (id, status, extra = {}) => fs.writeFileSync(path.join(dir, `${id}.json`), JSON.stringify({
    upgrade_id: id, status, upgrade_type: 'sudo', success: status === 'success',
    next_event_id: 1, ...extra }));
  rec(1, 'success', { tx_hash: `0x${'11'.repeat(32)}`, finished_at: '2026-01-01T00:00:00Z' });
  rec(2, 'unknown', { submitted: true, tx_hash: `0x${'22'.repeat(32)}` });
  rec(3, 'running', { submitted: false });
  for (const f of fs.readdirSync(dir)) fs.chmodSync(path.join(dir, f), 0o644);
}

async function main() {
  const routes = fs.readFileSync(path.join(repo, 'daemon/routes.c'), 'utf8');
  if (!routes.includes('metrics_route(')) {
    console.log(`skipped: daemon/routes.c does not dispatch GET /metrics to metrics_route() yet [${label}]`);
    console.log('0 passed, 0 failed');
    return;
  }
  const state = path.join(root, 'state-metrics');
  fs.rmSync(state, { recursive: true, force: true });
  fs.mkdirSync(state, { recursive: true });
  writeUpgradeRecords(state);
  if (user) execFileSync('chown', ['-R', `${user}:${user}`, state]);
  d = new Daemon({ root, state, source: workspace, user, port: await freePort(),
    logFile: path.join(root, 'daemon-metrics.log') });
  let failed = 1;
  try {
    await d.start();
    failed = await runTests(label);
  } finally {
    await d.stop();
  }
  const log = d.log();
  if (/AddressSanitizer|runtime error:|LeakSanitizer/.test(log)) {
    console.log(`FAIL [${label}] sanitizer report in the daemon log:\n${log.slice(-4000)}`);
    console.log('0 passed, 1 failed');
    failed++;
  }
  process.exitCode = failed ? 1 : 0;
}

main().catch((e) => { console.log(`FAIL [${label}] harness: ${e.stack}`); console.log('0 passed, 1 failed'); process.exitCode = 1; });
