// Storage and node faults (issue 9), against the real daemon:
// - disk full: the state directory on a small tmpfs, filled. A build
//   asked for then is refused with the reason (507); one running when the
//   disk fills fails for lack of space and its end is written once space
//   is back; one whose artifact does not fit fails with the reason; no job
//   record is ever torn, and builds work again once space is back;
// - a job record torn as a crash mid-write leaves it (cut JSON) is found at
//   start, reported in the log and through the API, and the other jobs
//   still list;
// - node faults: fakeNode, a stand-in (named so) for what no real node does
//   on demand, proxies a real chopsticks chain and misbehaves on one method:
//   it stalls past the timeouts, answers cut JSON, a 70 MiB body, or closes
//   the connection. GET /api/chain and upgrade dry runs must answer a clear
//   error (status, check, the node and what went wrong) in bounded time,
//   the sign worker must not crash, and the next request must work;
// - a real chopsticks chain killed after the upgrade's "submitted" step:
//   the upgrade ends with a clear error, never success, in its record, its
//   stream and the audit log.
// Usage: node faults.test.mjs --root STAGE --label NAME [--user U]
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { blake2AsHex } from '@polkadot/util-crypto';
import { test, runTests, assert, assertEq, freePort, request, readSse, sleep, Daemon, buildProcessesIn } from './lib.mjs';
import { startTestChain, rpc, genesisSpec } from './chain.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc, []));
const root = args.root;
const label = args.label || 'run';
const user = args.user || null;
const MIB = 1024 * 1024;
const PREFIX = Buffer.from('52bc537646db8e05', 'hex');
const CODE_KEY = '0x3a636f6465';

// --- small helpers ---
async function waitFor(what, fn, ms, stepMs = 200) {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(stepMs);
  }
}

function skip(what, why) {
  console.log(`SKIP [faults ${label}] ${what}: ${why}`);
}

// Times a promise: resolves [value, ms].
async function timed(p) {
  const t = Date.now();
  const v = await p;
  return [v, Date.now() - t];
}

// lib.mjs's request() gives up after 15 s; an upgrade waiting on a stalled
// node takes 30 s by design.
function requestSlow(port, method, urlPath, body, timeoutMs) {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, timeout: timeoutMs,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, text, json });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(data);
  });
}

function escapeRe(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }

// Every *.json in a directory parses; returns the names that do not.
function tornRecords(dir) {
  const bad = [];
  for (const f of fs.readdirSync(dir)) {
    if (!f.endsWith('.json')) continue;
    try { JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')); } catch { bad.push(f); }
  }
  return bad;
}

// Temp files a write left behind (fs_write_atomic's "<name>.tmp.<pid>").
function leftoverTemps(dir) {
  return fs.readdirSync(dir).filter((f) => /\.tmp(\.|$)/.test(f));
}

// The owner the daemon's files should have: the daemon's user, or (as
// root) whoever the supervisor gave the directory to.
function chownLike(file, dir) {
  const st = fs.statSync(dir);
  fs.chownSync(file, st.uid, st.gid);
}

// --- a runtime to upload: the genesis code with a runtime_version section ---
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
const compact = (n) => Buffer.from([n << 2]);	// n < 64
const scaleStr = (s) => Buffer.concat([compact(Buffer.byteLength(s)), Buffer.from(s)]);
function u32(n) { const b = Buffer.alloc(4); b.writeUInt32LE(n); return b; }
function customSection(name, payload) {
  const body = Buffer.concat([leb(Buffer.byteLength(name)), Buffer.from(name), payload]);
  return Buffer.concat([Buffer.from([0]), leb(body.length), body]);
}
const zstd = (buf, ...flags) => execFileSync('zstd', ['-q', '-c', ...flags], { input: buf, maxBuffer: 128 * MIB });

let plainGenesis = null;
function makeRuntime(specVersion) {
  if (!plainGenesis) {
    const spec = JSON.parse(fs.readFileSync(genesisSpec, 'utf8'));
    const code = Buffer.from(spec.genesis.raw.top[CODE_KEY].slice(2), 'hex');
    plainGenesis = zstd(code.subarray(PREFIX.length), '-d');
  }
  const version = Buffer.concat([scaleStr('rococo'), scaleStr('parity-rococo-v2.0'), u32(0),
    u32(specVersion), u32(0), compact(0), u32(0), Buffer.from([0])]);
  const plain = Buffer.concat([plainGenesis, customSection('runtime_version', version)]);
  return Buffer.concat([PREFIX, zstd(plain, '-3')]);
}

function upload(d, bytes, name) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: d.port, method: 'POST',
      path: `/api/upgrade/upload?name=${encodeURIComponent(name)}`,
      headers: { 'Content-Type': 'application/wasm', 'Content-Length': bytes.length },
      timeout: 60000 }, (res) => {
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

async function stored(d, specVersion) {
  const bytes = makeRuntime(specVersion);
  const r = await upload(d, bytes, `rococo-${specVersion}.compact.compressed.wasm`);
  assert(r.status === 201 || r.status === 200, `upload of spec ${specVersion}: ${r.status} ${r.text.slice(0, 500)}`);
  assertEq(r.json.hash, blake2AsHex(bytes, 256), 'stored under its hash');
  return r.json;
}

// --- the daemon ---
function stateDir(name) {
  const dir = path.join(root, `state-faults-${name}`);
  fs.mkdirSync(dir, { recursive: true });
  if (user) execFileSync('chown', [`${user}:${user}`, dir]);
  return dir;
}

async function startDaemon(name, state, { node, extraArgs = [] } = {}) {
  const d = new Daemon({ root, state, user, port: await freePort(),
    source: path.join(root, 'tests/demo-workspace'),
    logFile: path.join(root, `daemon-faults-${name}.log`),
    extraArgs: [...extraArgs, '--node', node || `http://127.0.0.1:${await freePort()}`] });
  await d.start();
  return d;
}

const pids = async (d) => {
  const h = await d.health();
  assert(h, 'the daemon answers /healthz');
  return { build: h.roles.build.status && h.roles.build.status.pid,
    sign: h.roles.sign.status && h.roles.sign.status.pid };
};

async function jobEnd(d, id, ms) {
  return waitFor(`job ${id} to end`, async () => {
    const j = (await request(d.port, 'GET', `/api/build/jobs/${id}`)).json;
    return j && !['queued', 'running'].includes(j.status) ? j : null;
  }, ms, 300);
}

// ===================================================================
// Storage: disk full
// ===================================================================
// The builds here are real cargo builds through the jail, of a one-crate
// workspace written below instead of the demo (a clean demo build takes
// minutes on a loaded machine). Its build script waits for the test's
// go-ahead (the file "gate"), so the disk can be filled while a build
// runs, then puts a runtime the test made where a runtime build leaves it.
const disk = { mnt: null, audit: null, d: null, filler: null, skip: null, ws: null };

const WS_BUILD_RS = `//! Written by tests/integration/faults.test.mjs; a test fixture.
use std::{env, fs, path::PathBuf, thread, time::{Duration, Instant}};

fn main() {
    println!("cargo:rerun-if-changed=runtime.wasm");
    let dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    // OUT_DIR is <target>/<profile>/build/<package>-<hash>/out.
    let out = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    let profile = out.ancestors().nth(3).expect("profile dir").to_path_buf();
    let started = Instant::now();
    while !dir.join("gate").exists() && started.elapsed() < Duration::from_secs(120) {
        thread::sleep(Duration::from_millis(50));
    }
    let wbuild = profile.join("wbuild").join("faults-runtime");
    fs::create_dir_all(&wbuild).expect("wbuild dir");
    fs::copy(dir.join("runtime.wasm"), wbuild.join("faults_runtime.compact.compressed.wasm"))
        .expect("copy runtime.wasm");
}
`;

function writeWorkspace() {
  const ws = path.join(root, 'faults-workspace');
  fs.mkdirSync(path.join(ws, 'src'), { recursive: true });
  fs.writeFileSync(path.join(ws, 'Cargo.toml'), '[package]\nname = "faults-runtime"\nversion = "0.1.0"\n' +
    'edition = "2021"\nbuild = "build.rs"\npublish = false\n\n[lib]\npath = "src/lib.rs"\n');
  fs.writeFileSync(path.join(ws, 'Cargo.lock'), '# This file is automatically @generated by Cargo.\n' +
    '# It is not intended for manual editing.\nversion = 3\n\n[[package]]\nname = "faults-runtime"\n' +
    'version = "0.1.0"\n');
  fs.writeFileSync(path.join(ws, 'src/lib.rs'), '//! A test fixture: all its work is in build.rs.\n');
  fs.writeFileSync(path.join(ws, 'build.rs'), WS_BUILD_RS);
  fs.writeFileSync(path.join(ws, 'runtime.wasm'), makeRuntime(9160));
  execFileSync('chmod', ['-R', 'a+rX', ws]);
  return ws;
}

function statfsFree(dir) {
  const s = fs.statfsSync(dir);
  return s.bavail * s.bsize;
}

// Fills the filesystem until at most `leave` bytes are free (0: full).
function fill(dir, leave) {
  const file = path.join(dir, 'filler');
  const fd = fs.openSync(file, 'a');
  const chunk = Buffer.alloc(64 * 1024, 0x5a);
  try {
    for (;;) {
      const free = statfsFree(dir);
      if (free <= leave) break;
      const n = Math.min(chunk.length, free - leave);
      try { fs.writeSync(fd, chunk, 0, n); } catch (e) {
        if (e.code === 'ENOSPC') break;
        throw e;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

async function setupDisk() {
  if (process.getuid() !== 0) {
    disk.skip = 'mounting a tmpfs needs root; this test process is not root';
    return;
  }
  const mnt = path.join(root, 'state-faults-tmpfs');
  fs.mkdirSync(mnt, { recursive: true });
  const owner = user ? execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim() : '0';
  const group = user ? execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim() : '0';
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=16m,mode=0755,uid=${owner},gid=${group}`,
      'tmpfs', mnt], { stdio: 'pipe' });
  } catch (e) {
    disk.skip = `cannot mount a tmpfs here (${String(e.stderr || e.message).trim()})`;
    return;
  }
  disk.mnt = mnt;
  // The front's audit log (audit/) gets a tmpfs of its own: it appends a
  // line per request, and the tests below count the pages left for the
  // build worker exactly.
  const audit = path.join(mnt, 'audit');
  fs.mkdirSync(audit);
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=4m,mode=0750,uid=${owner},gid=${group}`,
    'tmpfs', audit], { stdio: 'pipe' });
  disk.audit = audit;
  disk.ws = writeWorkspace();
  // Cargo's target dir and home stay on the real disk: only rtforge's own
  // state (records, event logs, artifacts) lives on the small tmpfs.
  const target = path.join(root, 'faults-target'), home = path.join(root, 'faults-cargo-home');
  for (const dir of [target, home]) {
    fs.mkdirSync(dir, { recursive: true });
    if (user) execFileSync('chown', [`${user}:${user}`, dir]);
  }
  const config = path.join(root, 'faults-disk.json');
  fs.writeFileSync(config, JSON.stringify({ build: { target_dir: target, cargo_home: home } }));
  fs.chmodSync(config, 0o644);
  disk.d = new Daemon({ root, state: mnt, user, port: await freePort(), source: disk.ws,
    logFile: path.join(root, 'daemon-faults-disk.log'),
    extraArgs: ['-f', config, '--runtime-package', 'faults-runtime',
      '--node', `http://127.0.0.1:${await freePort()}`] });
  await disk.d.start();
}

function diskJobs() { return path.join(disk.mnt, 'jobs'); }

function assertNothingTorn(what) {
  assertEq(tornRecords(diskJobs()).join(','), '', `${what}: every job record parses`);
  assertEq(leftoverTemps(diskJobs()).join(','), '', `${what}: no temp file left behind`);
}

// Reads a job's record from disk (what survives), not through the API.
function recordOnDisk(id) {
  return JSON.parse(fs.readFileSync(path.join(diskJobs(), `${id}.json`), 'utf8'));
}

async function assertStreamEnds(d, id, error, what) {
  const sse = await readSse(d.port, `/api/build/status/${id}`, { timeoutMs: 10000 });
  const last = sse.events[sse.events.length - 1];
  assertEq(last && last.event, 'error', `${what}: the stream ends with error`);
  assertEq(last.data.error, error, `${what}: the stream says what the record says`);
  assert(sse.ended, `${what}: the stream ends`);
  assertEq(sse.events.map((e) => e.id).join(','), sse.events.map((_, i) => i + 1).join(','),
    `${what}: event ids contiguous from 1`);
}

test('disk full: a build is refused with 507 and the reason, no record is written or torn, the daemon keeps serving', async () => {
  if (disk.skip) return skip('disk full', disk.skip);
  const before = await pids(disk.d);
  const jobsBefore = (await request(disk.d.port, 'GET', '/api/build/jobs')).json.jobs.length;
  disk.filler = fill(disk.mnt, 0);
  assert(statfsFree(disk.mnt) < 4096, `the tmpfs is full (${statfsFree(disk.mnt)} bytes free)`);
  const [r, ms] = await timed(request(disk.d.port, 'POST', '/api/build/runtime', { body: {} }));
  assertEq(r.status, 507, `status (${r.text})`);
  assert(r.json && /No space left on device/.test(r.json.error), `the error names the cause: ${r.text}`);
  assert(r.json.error.includes(disk.mnt), `the error names the state directory: ${r.json.error}`);
  assert(/no build was started/.test(r.json.error) && /free some space/.test(r.json.error),
    `the error says what happened and what to do: ${r.json.error}`);
  assert(ms < 5000, `answered within 5 s (${ms} ms)`);
  assertNothingTorn('disk full');
  assertEq((await request(disk.d.port, 'GET', '/api/build/jobs')).json.jobs.length, jobsBefore, 'no job listed');
  const after = await pids(disk.d);
  assertEq(after.build, before.build, 'the build worker did not crash');
  assertEq(after.sign, before.sign, 'the sign worker did not crash');
});

// The build script waits at the gate while the disk fills. Cargo's process
// group file (running.pgid), written before, is removed just before the
// final record, so that record fits; the end event may not, and is then
// retried.
test('the disk fills during a build: it fails for lack of space, says so, and its stream ends once space is back', async () => {
  if (disk.skip) return skip('disk fills during a build', disk.skip);
  fs.rmSync(disk.filler, { force: true });
  const r = await request(disk.d.port, 'POST', '/api/build/runtime', { body: {} });
  assertEq(r.status, 202, `build accepted (${r.text})`);
  const id = r.json.job_id;
  await waitFor('the build script to run (and wait for the gate)',
    async () => buildProcessesIn(disk.ws).some((p) => /build.script|build-script/.test(p)), 120000);
  disk.filler = fill(disk.mnt, 0);
  fs.writeFileSync(path.join(disk.ws, 'gate'), 'go\n');
  fs.chmodSync(path.join(disk.ws, 'gate'), 0o644);
  // Nothing on disk has to be able to say it ended: the log is the witness.
  await waitFor('the build to end (in the log)', async () =>
    new RegExp(`job ${id} \\(runtime\\) failed`).test(disk.d.log()), 120000);
  assertNothingTorn('full during a build');
  const rec = recordOnDisk(id);
  assert(['running', 'failed'].includes(rec.status), `the record is whole (${rec.status})`);
  if (rec.status === 'failed')
    assert(/cannot store the artifact/.test(rec.error) && /No space left on device/.test(rec.error),
      `the record names the cause: ${rec.error}`);
  fs.rmSync(disk.filler, { force: true });
  const j = await jobEnd(disk.d, id, 15000);
  assertEq(j.status, 'failed', `job status once space is back (${j.error})`);
  assert(/cannot store the artifact/.test(j.error) && /No space left on device/.test(j.error),
    `the job's error names the cause: ${j.error}`);
  assertEq(j.artifact, null, 'no artifact recorded');
  await waitFor('the end event', async () => /^\d+ error /m.test(
    fs.readFileSync(path.join(diskJobs(), `${id}.events`), 'utf8')), 10000);
  await assertStreamEnds(disk.d, id, j.error, 'full during a build');
  assertNothingTorn('space back after a build');
});

// One page left: the job's record takes it, and nothing else fits: not
// its start, its events, the process group file or its final record. The
// worker keeps the end and writes it once space is back.
test('the disk full from the job\'s first write on: its end is kept and written once space is back', async () => {
  if (disk.skip) return skip('full from the first write', disk.skip);
  disk.filler = fill(disk.mnt, 4096);
  assertEq(statfsFree(disk.mnt), 4096, 'one page left');
  const r = await request(disk.d.port, 'POST', '/api/build/runtime', { body: {} });
  assertEq(r.status, 202, `build accepted (${r.text})`);
  const id = r.json.job_id;
  await waitFor('the build to end (in the log)', async () => new RegExp(
    `job ${id} ended \\(failed\\) but its record could not be written; retrying`).test(disk.d.log()), 120000);
  assertNothingTorn('full from the first write');
  assertEq(recordOnDisk(id).status, 'queued', 'the record on disk is the first one, whole');
  assertEq((await request(disk.d.port, 'GET', `/api/build/jobs/${id}`)).json.status, 'queued',
    'the API shows what is on disk');
  fs.rmSync(disk.filler, { force: true });
  const j = await jobEnd(disk.d, id, 15000);
  assertEq(j.status, 'failed', `job status once space is back (${j.error})`);
  assert(/cannot store the artifact/.test(j.error) && /No space left on device/.test(j.error),
    `the job's error names the cause: ${j.error}`);
  assert(new RegExp(`job ${id}: its final record and end are written now`).test(disk.d.log()),
    'the log says the end was written');
  await assertStreamEnds(disk.d, id, j.error, 'full from the first write');
  assertNothingTorn('space back after the first write');
});

test('disk nearly full: a build whose artifact does not fit fails with the reason; its record and stream are whole', async () => {
  if (disk.skip) return skip('disk nearly full', disk.skip);
  // Room for the records and event logs, not for the ~0.9 MB runtime.
  disk.filler = fill(disk.mnt, 384 * 1024);
  const r = await request(disk.d.port, 'POST', '/api/build/runtime', { body: {} });
  assertEq(r.status, 202, `build accepted (${r.text})`);
  const j = await jobEnd(disk.d, r.json.job_id, 120000);
  assertEq(j.status, 'failed', `job status (${j.error})`);
  assert(/cannot store the artifact/.test(j.error) && /No space left on device/.test(j.error),
    `the job's error names the cause: ${j.error}`);
  assertEq(j.artifact, null, 'no artifact recorded');
  await assertStreamEnds(disk.d, r.json.job_id, j.error, 'artifact did not fit');
  const artifacts = path.join(disk.mnt, 'artifacts');
  const half = [];
  for (const dir of fs.readdirSync(artifacts))
    for (const f of fs.readdirSync(path.join(artifacts, dir))) half.push(`${dir}/${f}`);
  assertEq(half.join(','), '', 'no half-written artifact');
  assertNothingTorn('artifact did not fit');
});

test('space back: the next build succeeds and its artifact is whole', async () => {
  if (disk.skip) return skip('space back', disk.skip);
  fs.rmSync(disk.filler, { force: true });
  const r = await request(disk.d.port, 'POST', '/api/build/runtime', { body: {} });
  assertEq(r.status, 202, `build accepted (${r.text})`);
  const j = await jobEnd(disk.d, r.json.job_id, 120000);
  assertEq(j.status, 'success', `job status (${j.error})`);
  const file = path.join(disk.mnt, j.artifact.path);
  assertEq(blake2AsHex(fs.readFileSync(file), 256), j.artifact.hash, 'the stored artifact hashes to its name');
  assertNothingTorn('space back');
  const jobs = (await request(disk.d.port, 'GET', '/api/build/jobs')).json.jobs;
  assertEq(jobs.map((x) => x.status).join(','), 'success,failed,failed,failed', 'the jobs list says what happened');
});

// ===================================================================
// Storage: a torn job record at start
// ===================================================================
test('a torn job record is found at start, reported in the log and the API, and the other jobs still list; finished jobs whose log lost its end get it back', async () => {
  const state = stateDir('torn');
  let d = await startDaemon('torn', state);
  const arts = [];
  try {
    for (const v of [9150, 9151, 9152]) arts.push(await stored(d, v));
  } finally {
    await d.stop();
  }
  const jobs = path.join(state, 'jobs');
  const ids = arts.map((a) => a.job_id);
  assertEq(ids.join(','), '1,2,3', 'three uploads, jobs 1 to 3');
  // Job 2: its record cut in half, as a crash mid-write leaves it. Its
  // event log is whole and ends with "complete".
  const rec2 = fs.readFileSync(path.join(jobs, '2.json'));
  const torn2 = rec2.subarray(0, Math.floor(rec2.length / 2));
  fs.writeFileSync(path.join(jobs, '2.json'), torn2);
  // Job 4: a build that was running when everything stopped, whose record
  // was torn too and whose log has no end.
  const running = JSON.stringify({ job_id: '4', kind: 'runtime', status: 'running', percent: 12,
    message: 'compiling demo-runtime', clean: false, features: [], target: 'release', units: 3,
    next_event_id: 3, created_at: '2026-01-01T00:00:00Z', started_at: '2026-01-01T00:00:01Z',
    finished_at: null, error: null, artifact: null });
  fs.writeFileSync(path.join(jobs, '4.json'), running.slice(0, 70));
  fs.writeFileSync(path.join(jobs, '4.events'),
    '1 progress {"percent":0,"message":"starting cargo"}\n2 progress {"percent":12,"message":"compiling demo-runtime"}\n');
  // Job 5: an empty record (renamed over before its data reached the disk).
  fs.writeFileSync(path.join(jobs, '5.json'), '');
  // Job 3: whole record (success), but its log lost the "complete" line, as
  // a kill between writing the record and the end event leaves it.
  const log3 = fs.readFileSync(path.join(jobs, '3.events'), 'utf8').split('\n').filter(Boolean);
  const complete3 = JSON.parse(log3.at(-1).split(' ').slice(2).join(' '));
  assert(/^\d+ complete /.test(log3.at(-1)), `job 3's log ends with complete: ${log3.at(-1)}`);
  fs.writeFileSync(path.join(jobs, '3.events'), log3.slice(0, -1).map((l) => `${l}\n`).join(''));
  // Job 6: a whole "failed" record whose log has no end.
  fs.writeFileSync(path.join(jobs, '6.json'), JSON.stringify({ job_id: '6', kind: 'runtime', status: 'failed',
    percent: 40, message: 'compiling demo-runtime', clean: false, features: [], target: 'release', units: 9,
    next_event_id: 3, created_at: '2026-01-01T00:00:00Z', started_at: '2026-01-01T00:00:01Z',
    finished_at: '2026-01-01T00:01:00Z', error: 'cargo exited with status 101', artifact: null }));
  fs.writeFileSync(path.join(jobs, '6.events'),
    '1 progress {"percent":0,"message":"starting cargo"}\n2 progress {"percent":40,"message":"compiling demo-runtime"}\n');
  for (const f of ['2.json', '3.events', '4.json', '4.events', '5.json', '6.json', '6.events'])
    chownLike(path.join(jobs, f), jobs);

  const logBefore = fs.existsSync(path.join(root, 'daemon-faults-torn.log')) ?
    fs.statSync(path.join(root, 'daemon-faults-torn.log')).size : 0;
  d = await startDaemon('torn', state);
  try {
    const log = await waitFor('the start-up log lines', async () => {
      const text = d.log().slice(logBefore);
      return /job 2: the job record jobs\/2\.json was torn/.test(text) &&
        /job 4: the job record/.test(text) && /job 5: the job record/.test(text) ? text : null;
    }, 10000);
    assert(/job 2: the job record jobs\/2\.json was torn \(\d+ bytes, not JSON: .* at byte \d+\)/.test(log),
      `the log says which record, how long and where it breaks:\n${log.slice(-2000)}`);

    const list = (await request(d.port, 'GET', '/api/build/jobs')).json.jobs;
    assertEq(list.map((j) => j.job_id).join(','), '6,5,4,3,2,1', 'every job still lists');
    const byId = Object.fromEntries(list.map((j) => [j.job_id, j]));
    assertEq(byId['1'].status, 'success', 'job 1 untouched');
    assertEq(byId['3'].status, 'success', 'job 3 untouched');

    // Job 2: rebuilt from its log, so its artifact is not lost.
    const j2 = (await request(d.port, 'GET', '/api/build/jobs/2')).json;
    assert(j2, 'GET /api/build/jobs/2 answers');
    assertEq(j2.status, 'success', 'job 2: the outcome its log tells');
    assertEq(j2.kind, 'upload', 'job 2: its kind, from the log');
    assertEq(j2.artifact && j2.artifact.hash, arts[1].hash, 'job 2: its artifact, from the log');
    assert(/torn/.test(j2.record_error) && /2\.json\.torn/.test(j2.record_error),
      `job 2: the record says it was rebuilt and where the torn copy is: ${j2.record_error}`);
    assertEq(fs.readFileSync(path.join(jobs, '2.json.torn')).toString('hex'), torn2.toString('hex'),
      'job 2: the torn bytes are kept');
    const history = (await request(d.port, 'GET', '/api/build/artifacts')).json.history;
    assert(history.some((a) => a.hash === arts[1].hash), 'job 2\'s artifact is listed again');

    // Job 4: failed with the reason, and its stream ends.
    const j4 = byId['4'];
    assertEq(j4.status, 'failed', 'job 4: failed');
    assert(/torn/.test(j4.error) && /start the build again/.test(j4.error), `job 4: the reason: ${j4.error}`);
    const sse = await readSse(d.port, '/api/build/status/4', { timeoutMs: 10000 });
    assertEq(sse.events.map((e) => `${e.id}:${e.event}`).join(','), '1:progress,2:progress,3:error',
      'job 4: its stream ends with an error event after what it had');
    assert(sse.ended, 'job 4: the stream ends');

    assertEq(byId['5'].status, 'failed', 'job 5 (empty record): failed');
    assert(/torn/.test(byId['5'].error), `job 5: the reason: ${byId['5'].error}`);

    // Jobs 3 and 6: finished, so their end events are made from their
    // records, and their streams end.
    const sse3 = await readSse(d.port, '/api/build/status/3', { timeoutMs: 10000 });
    assert(sse3.ended, 'job 3: the stream ends');
    const end3 = sse3.events.at(-1);
    assertEq(`${end3.id}:${end3.event}`, `${log3.length}:complete`, 'job 3: complete again, under its old id');
    assertEq(end3.data.hash, complete3.hash, 'job 3: the same artifact hash');
    assertEq(end3.data.wasm_path, complete3.wasm_path, 'job 3: the same path');
    assertEq(byId['3'].status, 'success', 'job 3 still success');
    const sse6 = await readSse(d.port, '/api/build/status/6', { timeoutMs: 10000 });
    assert(sse6.ended, 'job 6: the stream ends');
    assertEq(sse6.events.map((e) => `${e.id}:${e.event}`).join(','), '1:progress,2:progress,3:error', 'job 6: error');
    assertEq(sse6.events.at(-1).data.error, 'cargo exited with status 101', 'job 6: the record\'s reason');
    assertEq(sse6.events.at(-1).data.job_status, 'failed', 'job 6: the record\'s status');
    const j6 = (await request(d.port, 'GET', '/api/build/jobs/6')).json;
    assertEq(`${j6.created_at} ${j6.started_at} ${j6.percent}`, '2026-01-01T00:00:00Z 2026-01-01T00:00:01Z 40',
      'job 6: its record as it was');

    assertEq(tornRecords(jobs).join(','), '', 'every record parses now');
    const next = await stored(d, 9153);
    assertEq(next.job_id, '7', 'the next job gets the next id');
  } finally {
    await d.stop();
  }
});

// ===================================================================
// Node faults
// ===================================================================

// fakeNode: NOT a node. A stand-in in front of a real chopsticks chain that
// forwards every JSON-RPC request to it, except calls to the method named
// by misbehave(kind, method), which it answers the way no real node can be
// made to on demand:
//   stall         read the request, never answer (until behave());
//   malformed     HTTP 200 with JSON cut in the middle;
//   huge          HTTP 200, a JSON-RPC answer of 70 MiB (Content-Length);
//   huge-chunked  the same without a length (chunked): the client counts;
//   close         drop the connection without a word.
const HUGE = 70 * MIB;
let hugeBody = null;
async function startFakeNode(upstream) {
  const fake = { fault: null, hits: 0, held: new Set() };
  const server = http.createServer((req, res) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > 32 * MIB) req.destroy();
      else chunks.push(c);
    });
    req.on('error', () => {});
    res.on('error', () => {});
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      let msg = null;
      try { msg = JSON.parse(body); } catch { /* forwarded as it is */ }
      const f = fake.fault;
      if (f && msg && msg.method === f.method) {
        fake.hits++;
        return misbehave(f.kind, msg, req, res);
      }
      try {
        const up = await fetch(upstream, { method: 'POST', body,
          headers: { 'Content-Type': 'application/json' }, signal: AbortSignal.timeout(60000) });
        const answer = Buffer.from(await up.arrayBuffer());
        res.writeHead(up.status, { 'Content-Type': 'application/json', 'Content-Length': answer.length });
        res.end(answer);
      } catch {
        res.destroy();
      }
    });
  });
  function misbehave(kind, msg, req, res) {
    const id = JSON.stringify(msg.id);
    if (kind === 'stall') {
      fake.held.add(res);
      res.on('close', () => fake.held.delete(res));
      return;
    }
    if (kind === 'close') {
      req.socket.destroy();
      return;
    }
    if (kind === 'malformed') {
      const cut = `{"jsonrpc":"2.0","id":${id},"result":{"specName":"rococo","specVersi`;
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': cut.length });
      res.end(cut);
      return;
    }
    // huge: a well-formed answer, only far too big.
    if (!hugeBody) hugeBody = Buffer.alloc(HUGE, 0x61);
    const head = Buffer.from(`{"jsonrpc":"2.0","id":${id},"result":"0x`);
    const tail = Buffer.from('"}');
    const headers = { 'Content-Type': 'application/json' };
    if (kind === 'huge') headers['Content-Length'] = head.length + hugeBody.length + tail.length;
    res.writeHead(200, headers);
    res.write(head);
    // In slices, so a client that hangs up stops the rest.
    let at = 0;
    const more = () => {
      while (at < hugeBody.length && !res.destroyed) {
        const piece = hugeBody.subarray(at, at + MIB);
        at += piece.length;
        if (!res.write(piece)) return res.once('drain', more);
      }
      if (!res.destroyed) res.end(tail);
    };
    more();
  }
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${server.address().port}`;
  fake.misbehave = (kind, method) => { fake.fault = { kind, method }; fake.hits = 0; };
  fake.behave = () => {
    fake.fault = null;
    for (const res of fake.held) res.destroy();
    fake.held.clear();
  };
  fake.stop = () => new Promise((resolve) => {
    fake.behave();
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return fake;
}

const nf = { chain: null, fake: null, d: null, art: null, lastChainOk: 0 };

async function setupNodeFaults() {
  nf.chain = await startTestChain({ mode: 'Instant', logFile: path.join(root, 'chain-faults-node.log') });
  nf.fake = await startFakeNode(nf.chain.url);
  nf.d = await startDaemon('node', stateDir('node'), { node: nf.fake.url });
  nf.art = await stored(nf.d, 9150);
}

// GET /api/chain keeps an answer for 3 s (CHAIN_VIEW_FRESH_SECONDS): ask
// after that, so each check reaches the node.
async function getChain() {
  const wait = nf.lastChainOk + 3500 - Date.now();
  if (wait > 0) await sleep(wait);
  const r = await request(nf.d.port, 'GET', '/api/chain');
  if (r.status === 200) nf.lastChainOk = Date.now();
  return r;
}

const dryRun = () => requestSlow(nf.d.port, 'POST', '/api/upgrade/submit', {
  artifact: nf.art.hash, expected_hash: nf.art.hash, upgrade_type: 'sudo', dry_run: true }, 60000);

async function assertNodeWorks(what) {
  const chain = await getChain();
  assertEq(chain.status, 200, `${what}: GET /api/chain works again (${chain.text.slice(0, 500)})`);
  assertEq(chain.json.runtime.spec_version, 9140, `${what}: GET /api/chain reads the chain`);
  const dry = await dryRun();
  assertEq(dry.status, 200, `${what}: a dry run works again (${dry.text.slice(0, 500)})`);
  assert(BigInt(dry.json.fee.partial_fee) > 0n, `${what}: the dry run has a fee`);
}

// The rpc_client's words for each fault (worker-sign/rpc_client.c).
function faultText(kind, method, timeoutS) {
  const m = escapeRe(method);
  return {
    stall: new RegExp(`did not answer ${m} within ${timeoutS} s`),
    malformed: new RegExp(`the answer to ${m} is not JSON \\(.*at byte \\d+\\)`),
    huge: new RegExp(`the answer to ${m} is over the .* cap`),
    'huge-chunked': new RegExp(`the answer to ${m} is over the .* cap`),
    close: new RegExp(`closed the connection before answering ${m}`),
  }[kind];
}

// One fault, both ways in: GET /api/chain (4 s per call) and an upgrade
// dry run (30 s per call, UPGRADE_RPC_TIMEOUT). Each answers the error,
// naming the node and what went wrong, in bounded time; the sign worker
// stays the same process; once the node behaves, both work again.
async function nodeFault(kind, method, { viaChain = true, viaUpgrade = true, check = 'node' } = {}) {
  const what = `${kind} on ${method}`;
  const before = await pids(nf.d);
  const url = nf.fake.url;
  const upgradesBefore = (await request(nf.d.port, 'GET', '/api/upgrade')).json.upgrades.length;
  nf.fake.misbehave(kind, method);
  try {
    if (viaChain) {
      const [r, ms] = await timed(getChain());
      assertEq(r.status, 502, `${what}: GET /api/chain status (${r.text.slice(0, 500)})`);
      assertEq(r.json.node_url, url, `${what}: GET /api/chain names the node`);
      assert(r.json.error.includes(url), `${what}: the error names the node: ${r.json.error}`);
      assert(faultText(kind, method, 4).test(r.json.error), `${what}: the error says what went wrong: ${r.json.error}`);
      assert(ms < (kind === 'stall' ? 10000 : 5000), `${what}: GET /api/chain answered in ${ms} ms`);
    }
    if (viaUpgrade) {
      const [r, ms] = await timed(dryRun());
      assertEq(r.status, 502, `${what}: dry run status (${r.text.slice(0, 500)})`);
      assertEq(r.json.check, check, `${what}: dry run check (${r.json.error})`);
      assert(r.json.error.includes(url), `${what}: the error names the node: ${r.json.error}`);
      assert(faultText(kind, method, 30).test(r.json.error), `${what}: the error says what went wrong: ${r.json.error}`);
      assert(ms < (kind === 'stall' ? 40000 : 8000), `${what}: the dry run answered in ${ms} ms`);
    }
    assert(nf.fake.hits > 0, `${what}: fakeNode misbehaved (${nf.fake.hits} times)`);
  } finally {
    nf.fake.behave();
  }
  const after = await pids(nf.d);
  assertEq(after.sign, before.sign, `${what}: the sign worker did not crash`);
  assertEq(after.build, before.build, `${what}: the build worker did not crash`);
  assertEq((await request(nf.d.port, 'GET', '/api/upgrade')).json.upgrades.length, upgradesBefore,
    `${what}: no upgrade recorded`);
  await assertNodeWorks(what);
}

test('fakeNode behaving: GET /api/chain and a dry run work through it', async () => {
  await assertNodeWorks('through fakeNode');
});

test('node answers malformed JSON (cut mid-answer): 502 naming the node and the call, no crash', async () => {
  await nodeFault('malformed', 'state_getRuntimeVersion');
});

test('node answers 70 MiB for the metadata, over the answer cap: 502, no crash, no hang', async () => {
  await nodeFault('huge', 'state_getMetadata');
});

test('node answers 70 MiB without a length (chunked) to a small call: 502, no crash', async () => {
  await nodeFault('huge-chunked', 'chain_getFinalizedHead');
});

test('node closes the connection without answering: 502, no crash', async () => {
  await nodeFault('close', 'state_getStorage');
});

test('node malformed after the chain checks (the nonce): the dry run refuses, naming the call', async () => {
  await nodeFault('malformed', 'system_accountNextIndex', { viaChain: false });
});

test('node stalls past the timeouts (4 s for GET /api/chain, 30 s per call for upgrades): 502 in bounded time, no crash', async () => {
  await nodeFault('stall', 'chain_getBlockHash');
});

// ===================================================================
// Node faults: the node dies mid-upgrade
// ===================================================================
function auditLines(state) {
  const file = path.join(state, 'upgrades', 'audit.jsonl');
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

test('the node dies after "submitted": the upgrade ends unknown (sent, may land), with a clear error, in record, stream and audit', async () => {
  // Manual block building: the extrinsic waits in the pool, so the kill
  // lands between submission and inclusion every time.
  const chain = await startTestChain({ mode: 'Manual', logFile: path.join(root, 'chain-faults-dies.log') });
  const state = stateDir('dies');
  let d = null;
  try {
    d = await startDaemon('dies', state, { node: chain.url });
    const art = await stored(d, 9150);
    const before = await pids(d);
    const r = await request(d.port, 'POST', '/api/upgrade/submit', { body: {
      artifact: art.hash, expected_hash: art.hash, upgrade_type: 'sudo' } });
    assertEq(r.status, 202, `accepted (${r.text})`);
    const id = r.json.upgrade_id;
    const sse = await readSse(d.port, `/api/upgrade/status/${id}`, { timeoutMs: 60000,
      stopAfter: (evs) => evs.some((e) => e.event === 'step' && e.data.step === 'submitted') });
    const submitted = sse.events.find((e) => e.event === 'step' && e.data.step === 'submitted');
    assert(submitted, `the stream reached "submitted": ${JSON.stringify(sse.events.map((e) => e.event))}`);
    assertEq((await rpc(chain.url, 'author_pendingExtrinsics', [])).length, 1, 'the extrinsic waits in the pool');

    process.kill(chain.pid, 'SIGKILL');
    await chain.exited;
    const killedAt = Date.now();

    const rec = await waitFor('the upgrade to end', async () => {
      const x = (await request(d.port, 'GET', `/api/upgrade/${id}`)).json;
      return x && x.status !== 'running' ? x : null;
    }, 45000, 250);
    const took = Date.now() - killedAt;
    assert(took < 40000, `it ended within 40 s of the kill (${took} ms)`);
    assert(rec.status !== 'success' && rec.success === false, `not success: ${rec.status}`);
    assertEq(rec.status, 'unknown', `sent, then the node was lost: unknown, not failed (${rec.error})`);
    assert(rec.error && rec.error.includes(chain.url), `the error names the node: ${rec.error}`);
    assert(/not reachable|closed the connection|did not answer/.test(rec.error),
      `the error says the node is gone: ${rec.error}`);
    assertEq(rec.tx_hash, submitted.data.tx_hash, 'the record keeps the tx hash');
    assert(rec.error.includes(`the extrinsic ${rec.tx_hash} was sent`) && /may or may not be on chain/.test(rec.error),
      `the error says the extrinsic was sent and may still land: ${rec.error}`);

    const replay = await readSse(d.port, `/api/upgrade/status/${id}`, { timeoutMs: 10000 });
    const last = replay.events[replay.events.length - 1];
    assertEq(last && last.event, 'error', 'the stream ends with error');
    assertEq(last.data.success, false, 'the stream says not success');
    assertEq(last.data.error, rec.error, 'the stream says the same');
    assert(replay.ended, 'the stream ends');

    const audit = auditLines(state).filter((l) => l.upgrade_id === id);
    assertEq(audit.map((l) => l.what).join(','), 'upgrade_sign,upgrade_result', 'audit: sign, then result');
    assertEq(audit[1].result, 'unknown', 'audit result');
    assertEq(audit[1].error, rec.error, 'the audit says the same');

    const after = await pids(d);
    assertEq(after.sign, before.sign, 'the sign worker did not crash');
    const [chainNow, ms] = await timed(request(d.port, 'GET', '/api/chain'));
    assertEq(chainNow.status, 502, `GET /api/chain with the node gone (${chainNow.text})`);
    assert(/not reachable/.test(chainNow.json.error), `it says the node is not reachable: ${chainNow.json.error}`);
    assert(ms < 5000, `answered in ${ms} ms`);
  } finally {
    if (d) await d.stop();
    await chain.stop();
  }
});

// ===================================================================
async function main() {
  let failed = 1;
  try {
    await setupDisk();
    await setupNodeFaults();
    failed = await runTests(`faults ${label}`);
  } catch (e) {
    console.log(`FAIL [faults ${label}] setup: ${e && e.stack || e}`);
    console.log('0 passed, 1 failed');
  } finally {
    if (disk.d) await disk.d.stop();
    for (const mnt of [disk.audit, disk.mnt].filter(Boolean)) {
      try { execFileSync('umount', [mnt]); } catch (e) {
        console.log(`FAIL [faults ${label}] cannot unmount ${mnt}: ${e.message}`);
        failed = 1;
      }
    }
    if (nf.d) await nf.d.stop();
    if (nf.fake) await nf.fake.stop();
    if (nf.chain) await nf.chain.stop();
  }
  process.exit(failed ? 1 : 0);
}

main();
