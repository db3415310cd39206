// POST /api/upgrade/upload: a runtime built elsewhere is inspected by the
// build worker and stored like a built one; anything else is refused with
// its status and reason, and the daemon keeps serving.
// Usage: node upload.test.mjs --root STAGE --label NAME [--user USER]
//
// The runtime is made at test time from the test chain's genesis code (read
// from the staged @substrate/connect spec, never committed), the way the
// demo workspace's build.rs makes its runtime: decompressed, given a
// runtime_version section, compressed again.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { test, runTests, assert, assertEq, freePort, request, readSse, Daemon } from './lib.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc, []));
const root = args.root;
const label = args.label || 'run';
const user = args.user || null;
const state = path.join(root, 'state-upload');
const spec = path.join(root, 'node_modules/@substrate/connect/dist/connector/specs/rococo_v2_1.json');
// @polkadot/util-crypto comes from the checkout's node_modules, not the stage.
const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const { blake2AsHex, cryptoWaitReady } = createRequire(path.join(repo, 'package.json'))('@polkadot/util-crypto');

const MIB = 1024 * 1024;
const PREFIX = Buffer.from('52bc537646db8e05', 'hex');
const SPEC_VERSION = 9150;
let d;

// --- making runtimes ---
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
function compact(n) { return Buffer.from([n << 2]); } // n < 64
function scaleStr(s) { return Buffer.concat([compact(Buffer.byteLength(s)), Buffer.from(s)]); }
function u32(n) { const b = Buffer.alloc(4); b.writeUInt32LE(n); return b; }

function runtimeVersion(specVersion) {
  return Buffer.concat([scaleStr('rococo'), scaleStr('parity-rococo-v2.0'), u32(0), u32(specVersion), u32(0),
    compact(0), u32(0), Buffer.from([0])]);
}
function customSection(name, payload) {
  const body = Buffer.concat([leb(Buffer.byteLength(name)), Buffer.from(name), payload]);
  return Buffer.concat([Buffer.from([0]), leb(body.length), body]);
}
const zstd = (buf, ...flags) => execFileSync('zstd', ['-q', '-c', ...flags], { input: buf, maxBuffer: 128 * MIB });

let genesis, plainRuntime, runtime;
function makeRuntimes() {
  genesis = Buffer.from(JSON.parse(fs.readFileSync(spec, 'utf8')).genesis.raw.top['0x3a636f6465'].slice(2), 'hex');
  assertEq(genesis.subarray(0, 8).toString('hex'), PREFIX.toString('hex'), 'the genesis code is compressed');
  plainRuntime = Buffer.concat([zstd(genesis.subarray(8), '-d'),
    customSection('runtime_version', runtimeVersion(SPEC_VERSION))]);
  runtime = Buffer.concat([PREFIX, zstd(plainRuntime, '-19')]);
}

// --- talking to the route ---
function upload(bytes, { type = 'application/wasm', query = '' } = {}) {
  return new Promise((resolve, reject) => {
    const headers = { 'Content-Length': bytes.length };
    if (type !== null) headers['Content-Type'] = type;
    const req = http.request({ host: '127.0.0.1', port: d.port, method: 'POST',
      path: `/api/upgrade/upload${query}`, headers, timeout: 120000 }, (res) => {
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

async function stillServing(what) {
  const h = await d.health();
  assert(h && h.status === 'ok', `healthy after ${what}`);
  assertEq(h.roles.build.state, 'up', `build worker up after ${what}`);
  assertEq((await request(d.port, 'GET', '/api/build/jobs')).status, 200, `jobs list after ${what}`);
}

const artifacts = async () => (await request(d.port, 'GET', '/api/build/artifacts')).json;
const jobCount = async () => (await request(d.port, 'GET', '/api/build/jobs')).json.jobs.length;
let stored;

test('a compressed runtime is stored content-addressed, inspected, and listed', async () => {
  const r = await upload(runtime, { query: '?name=rococo-9150.compact.compressed.wasm' });
  assertEq(r.status, 201, `upload answer ${r.text.slice(0, 300)}`);
  const a = r.json;
  assertEq(a.hash, blake2AsHex(runtime, 256), 'hash is the blake2b-256 of the bytes');
  assertEq(a.path, `artifacts/${a.hash.slice(2)}/rococo-9150.compact.compressed.wasm`, 'path');
  assertEq(a.size, runtime.length, 'size');
  assertEq(a.kind, 'runtime', 'artifact kind');
  assertEq(a.source, 'upload', 'source');
  assertEq(a.already_stored, false, 'new bytes');
  assertEq(a.runtime.spec_name, 'rococo', 'spec_name');
  assertEq(a.runtime.impl_name, 'parity-rococo-v2.0', 'impl_name');
  assertEq(a.runtime.spec_version, SPEC_VERSION, 'spec_version');
  assertEq(a.runtime.transaction_version, 0, 'transaction_version');
  assertEq(a.runtime.compressed, true, 'compressed');
  assertEq(a.runtime.compressed_size, runtime.length, 'compressed_size');
  assertEq(a.runtime.uncompressed_size, plainRuntime.length, 'uncompressed_size');
  assert(a.runtime.api_count > 10 && a.runtime.host_functions > 10, `APIs and host functions counted: ${JSON.stringify(a.runtime)}`);
  assert(Buffer.from(fs.readFileSync(path.join(state, a.path))).equals(runtime), 'the stored file is byte-identical');
  stored = a;

  const list = await artifacts();
  assertEq(list.runtime_wasm.hash, a.hash, 'the newest runtime artifact is the upload');
  const inHistory = list.history.find((x) => x.hash === a.hash && x.source === 'upload');
  assert(inHistory, 'the upload is in the artifact history');
  assertEq(inHistory.path, a.path, 'listed path');
  assertEq(inHistory.runtime.spec_version, SPEC_VERSION, 'listed runtime version');

  const job = (await request(d.port, 'GET', `/api/build/jobs/${a.job_id}`)).json;
  assertEq(job.kind, 'upload', 'recorded as an upload job');
  assertEq(job.status, 'success', 'job status');
  assertEq(job.percent, 100, 'job percent');
  assertEq(job.artifact.hash, a.hash, 'job artifact');
  const jobs = (await request(d.port, 'GET', '/api/build/jobs')).json.jobs;
  assert(jobs.some((j) => j.job_id === a.job_id && j.kind === 'upload'), 'the jobs list shows it');
  const sse = await readSse(d.port, `/api/build/status/${a.job_id}`, { timeoutMs: 10000 });
  assert(sse.ended, 'its event stream ends');
  assertEq(sse.events.at(-1).event, 'complete', 'with complete');
  assertEq(sse.events.at(-1).data.hash, a.hash, 'complete carries the hash');
  assert(sse.events.some((e) => e.event === 'log' && /uploaded runtime rococo spec_version 9150/.test(e.data.message)),
    'its log says what was uploaded');
});

test('the same bytes again give the stored artifact back', async () => {
  const before = await jobCount();
  const r = await upload(runtime, { query: '?name=another-name.wasm' });
  assertEq(r.status, 200, `second upload ${r.text.slice(0, 300)}`);
  assertEq(r.json.already_stored, true, 'says it was stored before');
  assert(/already stored/.test(r.json.message), `message: ${r.json.message}`);
  assertEq(r.json.hash, stored.hash, 'same hash');
  assertEq(r.json.path, stored.path, 'same path');
  assertEq(r.json.job_id, stored.job_id, 'same job');
  assertEq(await jobCount(), before, 'no new job');
});

test('a plain (uncompressed) runtime is stored too, under a default name', async () => {
  const r = await upload(plainRuntime);
  assertEq(r.status, 201, `plain upload ${r.text.slice(0, 300)}`);
  assertEq(r.json.hash, blake2AsHex(plainRuntime, 256), 'hash');
  assertEq(r.json.path, `artifacts/${r.json.hash.slice(2)}/runtime.wasm`, 'default name');
  assertEq(r.json.runtime.compressed, false, 'not compressed');
  assertEq(r.json.runtime.spec_version, SPEC_VERSION, 'spec_version');
  assert(fs.readFileSync(path.join(state, r.json.path)).equals(plainRuntime), 'byte-identical');
});

test('the upgrade API finds an uploaded artifact by its hash', async () => {
  const r = await request(d.port, 'POST', '/api/upgrade/submit', { body: {
    artifact: stored.hash, expected_hash: stored.hash, upgrade_type: 'sudo' } });
  assert(!(r.json && r.json.check === 'artifact_known'), `the artifact is known to submit: ${r.status} ${r.text.slice(0, 300)}`);
  await stillServing('a submission');
});

// [what, bytes, options, status, error pattern, reason]
const refusals = () => [
  ['a JSON content type', runtime, { type: 'application/json' }, 415, /Content-Type: application\/wasm \(got application\/json\)/],
  ['no content type', runtime, { type: null }, 415, /Content-Type: application\/wasm \(got no Content-Type\)/],
  ['octet-stream', runtime, { type: 'application/octet-stream' }, 415, /application\/wasm/],
  ['an empty body', Buffer.alloc(0), {}, 400, /body is empty/],
  ['not wasm', Buffer.from('#!/bin/sh\necho not a runtime\n'), {}, 422, /bad magic/, 'bad magic'],
  ['a truncated runtime', plainRuntime.subarray(0, Math.floor(plainRuntime.length / 2)), {}, 422, /truncated/, 'truncated'],
  ['a truncated compressed runtime', runtime.subarray(0, runtime.length - 100), {}, 422, /zstd/, 'zstd error'],
  ['wasm without a version section (the genesis code)', genesis, {}, 422, /no runtime_version section/, 'no version section'],
  ['a decompression bomb', Buffer.concat([PREFIX, zstd(Buffer.alloc(51 * MIB))]), {}, 422, /more than 50 MiB/, 'decompression bomb'],
  ['10 MiB + 1 byte', Buffer.alloc(10 * MIB + 1), {}, 413, /10485761 bytes; a runtime may be at most 10485760 bytes/],
  ['a name with a slash', runtime, { query: '?name=..%2Fescape.wasm' }, 400, /file name/],
  ['a name that is not .wasm', runtime, { query: '?name=runtime.txt' }, 400, /file name/],
  ['an over-long name', runtime, { query: `?name=${'a'.repeat(101)}.wasm` }, 400, /file name|name=/],
  ['an empty name', runtime, { query: '?name=' }, 400, /name=/],
];

test('bad uploads each get their status and reason, store nothing, and the daemon keeps serving', async () => {
  const before = await jobCount();
  const dirsBefore = fs.readdirSync(path.join(state, 'artifacts')).length;
  const cases = refusals();
  assert(cases.length >= 14, 'every refusal is tried');
  for (const [what, bytes, opts, status, re, reason] of cases) {
    const r = await upload(bytes, opts);
    assertEq(r.status, status, `${what}: status (${r.text.slice(0, 300)})`);
    assert(r.json && typeof r.json.error === 'string' && re.test(r.json.error), `${what}: ${r.text.slice(0, 300)} should match ${re}`);
    if (reason) assertEq(r.json.reason, reason, `${what}: reason`);
    await stillServing(what);
  }
  assertEq(await jobCount(), before, 'no refused upload made a job');
  assertEq(fs.readdirSync(path.join(state, 'artifacts')).length, dirsBefore, 'no refused upload stored a file');
});

test('a wrong method, and a body far over every cap, are refused too', async () => {
  const g = await request(d.port, 'GET', '/api/upgrade/upload');
  assertEq(g.status, 405, 'GET');
  assert(/use POST/.test(g.json.error), 'says to POST');
  // Past libevent's own cap it answers 413 itself (or cuts the connection).
  let status;
  try { status = (await upload(Buffer.alloc(12 * MIB))).status; } catch (e) { status = e.code; }
  assert(status === 413 || status === 'ECONNRESET' || status === 'EPIPE', `12 MiB: ${status}`);
  // JSON routes keep their own 64 KiB cap.
  const big = await request(d.port, 'POST', '/api/build/runtime', { raw: JSON.stringify({ pad: 'x'.repeat(2 * MIB) }) });
  assertEq(big.status, 413, 'a 2 MiB JSON body');
  assert(/byte limit/.test(big.json.error), `JSON 413: ${big.text.slice(0, 200)}`);
  await stillServing('the oversized bodies');
});

test('a final status request succeeds', async () => {
  assertEq((await request(d.port, 'GET', '/api/build/artifacts')).status, 200, 'artifacts');
  assertEq((await d.health()).status, 'ok', 'healthy');
});

async function main() {
  await cryptoWaitReady();
  makeRuntimes();
  fs.mkdirSync(state, { recursive: true });
  if (user) execFileSync('chown', [`${user}:${user}`, state]);
  d = new Daemon({ root, state, source: path.join(root, 'tests/fixtures/failing-workspace'), user,
    port: await freePort(), logFile: path.join(root, 'daemon-upload.log') });
  let failed = 1;
  try {
    await d.start();
    failed = await runTests(label);
  } finally {
    await d.stop();
  }
  if (/AddressSanitizer|runtime error:/.test(d.log())) {
    console.log(`FAIL [${label}] sanitizer report in the daemon log:\n${d.log().slice(-4000)}`);
    console.log('0 passed, 1 failed');
    failed++;
  }
  process.exitCode = failed ? 1 : 0;
}

main().catch((e) => { console.log(`FAIL [${label}] harness: ${e.stack}`); console.log('0 passed, 1 failed'); process.exitCode = 1; });
