// Benchmark (issue #9, 1): SSE fan-out. One build log, replayed at a fixed
// rate, delivered to many clients at once, by rtforge and by a baseline
// broadcaster on Node.js's http module, in turns, in one run:
//
//   100, 1,000 and 5,000 clients at 100 lines/s, then 10,000 at 10 lines/s
//
// The lines: bench/sse_emit.c prints cargo-shaped warning lines on stderr,
// each carrying the CLOCK_MONOTONIC time of its write. rtforge runs it as
// its build.cargo (a release daemon from bin/, --dev, jail off so that
// nothing but the line path is measured): the build worker reads the
// lines, logs them to the job's event file and passes them over IPC to the
// front, which writes them to every subscriber of /api/build/status/<id>.
// The baseline spawns the same emitter, reads its stderr line by line and
// writes each line as an SSE event to every client of /stream, the way a
// plain Node.js broadcaster would (keeping the events for late clients, as
// rtforge keeps its log).
//
// The clients: bin/bench_sse_client (bench/sse_client.c, C and epoll)
// opens every connection, and once all have their headers the lines start;
// it reads every event and times each line from the emitter's write to its
// arrival, so the latency includes, for rtforge, the build worker's hop
// before the front (an upper bound of the front-to-client latency the
// issue names), and for the baseline its own read of the pipe.
//
// Reported per load, as medians over the rounds: latency p50/p99 over all
// lines of all accepted clients; clients accepted (rtforge refuses streams
// past its cap with 503); the serving process's peak VmRSS during the
// load (rtforge: the front, found by GET /healthz; baseline: the node
// process; both sides are started afresh for every load, so no load
// inherits the memory of the one before);
// its CPU while the lines flowed, as a share of one core and per event
// delivered; rtforge's build worker CPU apart. Ratios are baseline/rtforge,
// so above 1 means rtforge is ahead. Raw figures: bench/results/sse-*.json.
//
// Usage: node bench/sse.mjs [ROUNDS]   (default 2 rounds, ~3 minutes)
// Run through `make bench-sse`, which builds bin/ first.
// RTFORGE_BENCH_BIN=DIR runs rtforge from another build instead of bin/ (a
// directory holding rtforged, rtforge-build and rtforge-sign), to measure
// a change against the same baseline. 10,000 clients
// need about 11,000 descriptors per process: RLIMIT_NOFILE is raised for
// this process (and so for all it starts) where the hard limit allows.
import { fork, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

import { Daemon, freePort, request, sleep } from '../tests/integration/lib.mjs';
import { commOf, cpuMs, openFileLimit, parentOf, rssSampler, vmHwmKb } from './procfs.mjs';
import { median, writeResults } from './results.mjs';

const self = fileURLToPath(import.meta.url);
const repo = path.resolve(path.dirname(self), '..');
const CLIENT = path.join(repo, 'bin/bench_sse_client');
const EMIT = path.join(repo, 'bin/bench_sse_emit');
const RTFORGE_BIN = path.resolve(process.env.RTFORGE_BENCH_BIN || path.join(repo, 'bin'));
// Each side holds one descriptor per client, and so does the client.
const NOFILE = 10000 + 1024;
const GOAL_P99_MS = 50;
const GOAL_P99_CLIENTS = 5000;
const GOAL_RSS_MB = 64;	// 10^6 bytes
const GOAL_RSS_CLIENTS = 10000;
const LOADS = [
  { clients: 100, rate: 100, seconds: 5 },
  { clients: 1000, rate: 100, seconds: 5 },
  { clients: 5000, rate: 100, seconds: 5 },
  { clients: 10000, rate: 10, seconds: 10 },
];
const READY_TIMEOUT_MS = 60000;
const DRAIN_SECONDS = 90;	// how long past the last line a client waits

// ---------------------------------------------------------------------
// The baseline, run as a child process: node sse.mjs --broadcaster.
// Commands come over the IPC channel: {cmd: 'run', emitter, rate, count,
// go} starts one "build"; {done} goes back when its stream has ended.
function broadcaster() {
  const clients = new Set();
  let backlog = [];
  let running = false;
  let nextId = 1;
  const broadcast = (name, data) => {
    const chunk = `id: ${nextId++}\nevent: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
    backlog.push(chunk);
    for (const res of clients) res.write(chunk);
  };
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/stream') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    for (const chunk of backlog) res.write(chunk);
    if (!running) {
      res.end();
      return;
    }
    clients.add(res);
    res.on('close', () => clients.delete(res));
  });
  process.on('message', (m) => {
    if (m.cmd !== 'run') return;
    backlog = [];
    nextId = 1;
    running = true;
    const child = spawn(m.emitter, [m.rate, m.count, m.go, 60].map(String),
      { stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    broadcast('progress', { percent: 0, message: 'starting' });
    const lines = readline.createInterface({ input: child.stderr, crlfDelay: Infinity });
    lines.on('line', (line) => broadcast('log',
      { level: line.startsWith('warning:') ? 'warning' : 'info', message: line }));
    lines.on('close', async () => {
      const code = await exited;
      broadcast('error', { status: 'failed', error: `the emitter exited with ${code}` });
      running = false;
      for (const res of clients) res.end();
      clients.clear();
      process.send({ done: true, code });
    });
  });
  server.listen(0, '127.0.0.1', 1024, () => process.send({ port: server.address().port }));
}

// ---------------------------------------------------------------------
// The parent.
function fail(message) {
  console.error(`bench/sse.mjs: ${message}`);
  process.exit(1);
}

function count(arg, fallback, what) {
  if (arg === undefined || arg === '') return fallback;
  const n = Number(arg);
  if (!Number.isInteger(n) || n < 1 || n > 100) {
    console.error(`bench/sse.mjs: ${what} "${arg}": need a whole number from 1 to 100`);
    process.exit(2);
  }
  return n;
}

const now = () => performance.now();
const mb = (kb) => kb * 1024 / 1e6;

// Whatever this run started is stopped when it ends, however it ends.
const running = new Set();
let work = null;
function cleanUp() {
  for (const p of running) {
    try { p.kill('SIGKILL'); } catch { /* gone */ }
  }
  if (work) {
    try { fs.rmSync(work, { recursive: true, force: true }); } catch { /* best effort */ }
  }
}

// Raised for this process, so that everything it starts inherits it.
function raiseOpenFiles() {
  if (openFileLimit() >= NOFILE) return;
  const r = spawnSync('prlimit', ['--pid', String(process.pid), `--nofile=${NOFILE}:${NOFILE}`],
    { encoding: 'utf8' });
  if (r.status !== 0 || openFileLimit() < NOFILE)
    console.log(`note: could not raise RLIMIT_NOFILE to ${NOFILE} (${(r.stderr || r.error || '').toString().trim()}); ` +
      `staying at ${openFileLimit()}, so the largest loads may fail to connect`);
}

// --- rtforge ---
let starts = 0;
async function startRtforge(emitter) {
  const state = path.join(work, `state-${++starts}`);
  fs.mkdirSync(state);
  const cargo = path.join(work, 'cargo');
  const overlay = path.join(work, 'rtforge.json');
  fs.writeFileSync(overlay, JSON.stringify({ build: { jail: false, cargo } }));
  const side = { cargo, emitter };
  writeCargo(side, 1, 1, path.join(work, 'never'));
  const d = new Daemon({ root: path.dirname(RTFORGE_BIN), binDir: path.basename(RTFORGE_BIN), state,
    source: path.join(repo, 'tests/demo-workspace'),
    port: await freePort(), logFile: path.join(work, `rtforged-${starts}.log`), extraArgs: ['-f', overlay],
  });
  try {
    await d.start();
  } finally {
    if (d.proc) running.add(d.proc);
  }
  const h = await d.health();
  const front = h?.roles?.front?.pid, worker = h?.roles?.build?.status?.pid;
  for (const [role, pid] of [['front', front], ['build worker', worker]]) {
    if (!Number.isInteger(pid) || parentOf(pid) !== d.proc.pid)
      fail(`/healthz names no ${role} pid under rtforged ${d.proc.pid}: ${JSON.stringify(h)}`);
  }
  return Object.assign(side, { daemon: d, port: d.port, serverPid: front, workerPid: worker,
    serverName: `rtforge front (${commOf(front)})` });
}

// The "cargo" the build worker runs: the emitter with this load's
// arguments (the worker's own arguments to cargo are ignored).
function writeCargo(side, rate, lines, go) {
  const tmp = `${side.cargo}.tmp`;
  fs.writeFileSync(tmp, `#!/bin/sh\nexec ${side.emitter} ${rate} ${lines} ${go} 60\n`, { mode: 0o755 });
  fs.renameSync(tmp, side.cargo);
}

async function startRtforgeLoad(side, load, lines, go) {
  writeCargo(side, load.rate, lines, go);
  const r = await request(side.port, 'POST', '/api/build/runtime', { body: {} });
  if (r.status !== 202) fail(`POST /api/build/runtime answered ${r.status}: ${r.text.slice(0, 500)}`);
  return { path: r.json.sse_endpoint, ended: Promise.resolve() };
}

// --- the baseline ---
async function startBaseline(emitter) {
  const child = fork(self, ['--broadcaster'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  running.add(child);
  const port = await new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`the Node.js broadcaster exited with ${code}`)));
  });
  return { child, port, emitter, serverPid: child.pid, serverName: `Node.js ${process.version} http` };
}

async function stopSide(side) {
  if (side.daemon) {
    await side.daemon.stop();
    running.delete(side.daemon.proc);
    return;
  }
  const exited = new Promise((resolve) => side.child.once('exit', resolve));
  side.child.kill('SIGTERM');
  await exited;
  running.delete(side.child);
}

function startBaselineLoad(side, load, lines, go) {
  const ended = new Promise((resolve) => side.child.once('message', resolve));
  side.child.send({ cmd: 'run', emitter: side.emitter, rate: load.rate, count: lines, go });
  return { path: '/stream', ended };
}

// --- one measurement ---
function runClient(port, urlPath, clients, lines, timeoutSeconds) {
  const child = spawn(CLIENT, [port, urlPath, clients, lines, timeoutSeconds].map(String),
    { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let err = '';
  child.stderr.on('data', (c) => { err += c; });
  const out = readline.createInterface({ input: child.stdout });
  let readyCb, resultCb;
  const ready = new Promise((resolve, reject) => { readyCb = { resolve, reject }; });
  const result = new Promise((resolve, reject) => { resultCb = { resolve, reject }; });
  let gotReady = false, gotResult = false;
  out.on('line', (line) => {
    if (line.startsWith('ready ')) {
      const [accepted, refused, failed] = line.split(' ').slice(1).map(Number);
      gotReady = true;
      readyCb.resolve({ accepted, refused, failed });
    } else if (line.startsWith('{')) {
      gotResult = true;
      resultCb.resolve(JSON.parse(line));
    }
  });
  // 'close' comes after stdout is read to its end, so a result line is
  // never lost to the exit.
  child.on('close', (code) => {
    running.delete(child);
    const why = new Error(`bench_sse_client exited with ${code}: ${err.trim().slice(0, 500)}`);
    if (!gotReady) readyCb.reject(why);
    if (!gotResult) resultCb.reject(why);
  });
  return { ready, result };
}

function within(promise, ms, what) {
  let timer;
  return Promise.race([promise, new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms);
  })]).finally(() => clearTimeout(timer));
}

let goCount = 0;
async function measure(side, name, load) {
  const lines = load.rate * load.seconds;
  const go = path.join(work, `go-${++goCount}`);
  const start = name === 'rtforge' ? startRtforgeLoad : startBaselineLoad;
  const { path: urlPath, ended } = await start(side, load, lines, go);
  const client = runClient(side.port, urlPath, load.clients, lines, load.seconds + DRAIN_SECONDS);
  const conns = await within(client.ready, READY_TIMEOUT_MS, `connecting ${load.clients} clients`);
  const sampler = rssSampler([side.serverPid]);
  const cpu0 = cpuMs(side.serverPid);
  const worker0 = side.workerPid ? cpuMs(side.workerPid) : 0;
  const t0 = now();
  fs.writeFileSync(go, '');
  const r = await client.result;
  const wallMs = now() - t0;
  const serverCpuMs = cpuMs(side.serverPid) - cpu0;
  const workerCpuMs = side.workerPid ? cpuMs(side.workerPid) - worker0 : null;
  const rssKb = sampler.stop()[side.serverPid];
  await within(ended, 30000, `the end of the ${name} stream`);
  fs.rmSync(go, { force: true });
  if (r.failed > 0)
    console.log(`  note: ${name}: ${r.failed} of ${load.clients} connections failed (${r.first_failure})`);
  if (r.timed_out)
    console.log(`  note: ${name}: streams still open ${DRAIN_SECONDS} s after the last line`);
  return { ...r, connsAtReady: conns, wallMs, serverCpuMs, workerCpuMs, rssKb,
    hwmKb: vmHwmKb(side.serverPid),
    cpuShare: serverCpuMs / wallMs, cpuUsPerEvent: r.lines ? serverCpuMs * 1000 / r.lines : null };
}

// --- the run ---
async function main() {
  process.on('exit', cleanUp);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));
  process.on('uncaughtException', (e) => fail(e.message));
  process.on('unhandledRejection', (e) => fail(e && e.message || e));
  const rounds = count(process.argv[2], 2, 'ROUNDS');
  for (const bin of [CLIENT, EMIT])
    if (!fs.existsSync(bin)) fail(`${path.relative(repo, bin)} is missing: run make bench-sse`);
  raiseOpenFiles();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'rtforge-bench-sse-'));
  // As root the build worker runs as rtforge-build: it must reach the
  // state, the emitter and the go files.
  fs.chmodSync(work, 0o755);
  const emitter = path.join(work, 'bench_sse_emit');
  fs.copyFileSync(EMIT, emitter);
  fs.chmodSync(emitter, 0o755);

  console.log(`SSE fan-out: ${rounds} rounds; rtforge's front (${RTFORGE_BIN.startsWith(`${repo}/`) ? path.relative(repo, RTFORGE_BIN) : RTFORGE_BIN}, --dev) vs Node.js ${process.version} ` +
    `http, each started afresh for every load; open-file limit ${openFileLimit()}`);
  const runs = LOADS.map((load) => ({ load, rtforge: [], baseline: [] }));
  const began = now();
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < runs.length; i++) {
      const order = (round + i) % 2 ? ['baseline', 'rtforge'] : ['rtforge', 'baseline'];
      for (const name of order) {
        const side = name === 'rtforge' ? await startRtforge(emitter) : await startBaseline(emitter);
        let m;
        try {
          m = await measure(side, name, runs[i].load);
        } finally {
          await stopSide(side);
        }
        runs[i][name].push(m);
        console.log(`round ${round + 1} ${runs[i].load.clients} clients @ ${runs[i].load.rate}/s ` +
          `${name.padEnd(8)}: accepted ${m.accepted}/${m.clients}, p50 ${(m.p50_us / 1000).toFixed(1)} ms, ` +
          `p99 ${(m.p99_us / 1000).toFixed(1)} ms, max ${(m.max_us / 1000).toFixed(1)} ms, ` +
          `lines ${m.lines} (missing ${m.lines_missing}), RSS ${mb(m.rssKb).toFixed(1)} MB, ` +
          `CPU ${(m.cpuShare * 100).toFixed(0)}% ` +
          (m.workerCpuMs !== null ? `(+ worker ${(m.workerCpuMs / m.wallMs * 100).toFixed(0)}%) ` : '') +
          `client CPU ${(m.client_cpu_ms / m.wallMs * 100).toFixed(0)}%`);
        await sleep(300);
      }
    }
  }
  const elapsedS = (now() - began) / 1000;
  report(runs, rounds, elapsedS);
  process.exit(0);
}

function report(runs, rounds, elapsedS) {
  const med = (xs, f) => median(xs.map(f));
  const ms = (us) => (us / 1000).toFixed(1);
  const ratio = (b, r) => (r > 0 && b !== null ? (b / r).toFixed(2) : 'n/a');
  const head = ['load', 'server', 'accepted', 'p50 ms', 'p99 ms', 'max ms', 'missing', 'peak RSS MB',
    'CPU % core', 'CPU µs/event'];
  const rows = [];
  const lines = [];
  const summary = [];
  for (const run of runs) {
    const { load } = run;
    const label = `${load.clients} @ ${load.rate}/s`;
    const fig = {};
    for (const name of ['rtforge', 'baseline']) {
      const xs = run[name];
      fig[name] = {
        accepted: med(xs, (x) => x.accepted), p50: med(xs, (x) => x.p50_us), p99: med(xs, (x) => x.p99_us),
        max: med(xs, (x) => x.max_us), missing: med(xs, (x) => x.lines_missing),
        rss: med(xs, (x) => x.rssKb), cpu: med(xs, (x) => x.cpuShare),
        perEvent: med(xs, (x) => x.cpuUsPerEvent ?? Infinity),
        worker: name === 'rtforge' ? med(xs, (x) => x.workerCpuMs / x.wallMs) : null,
      };
      const f = fig[name];
      rows.push([name === 'rtforge' ? label : '', name === 'rtforge' ? 'rtforge front' : 'Node.js http',
        `${f.accepted}/${load.clients}`, ms(f.p50), ms(f.p99), ms(f.max), String(f.missing),
        mb(f.rss).toFixed(1), (f.cpu * 100).toFixed(0) + (f.worker !== null ? ` (+${(f.worker * 100).toFixed(0)} worker)` : ''),
        f.perEvent.toFixed(2)]);
    }
    const R = fig.rtforge, B = fig.baseline;
    lines.push(`${label}: p50 rtforge ${ms(R.p50)} ms, baseline ${ms(B.p50)} ms, ratio ${ratio(B.p50, R.p50)}×; ` +
      `p99 ${ms(R.p99)} vs ${ms(B.p99)} ms, ratio ${ratio(B.p99, R.p99)}×; RSS ${mb(R.rss).toFixed(1)} vs ` +
      `${mb(B.rss).toFixed(1)} MB, ratio ${ratio(B.rss, R.rss)}×; CPU/event ${R.perEvent.toFixed(2)} vs ` +
      `${B.perEvent.toFixed(2)} µs, ratio ${ratio(B.perEvent, R.perEvent)}×` +
      (R.accepted < load.clients ? ` — rtforge served ${R.accepted} of ${load.clients} clients, ` +
        `refusing the rest (${run.rtforge[0].first_refusal_status})` : ''));
    summary.push({ load, rtforge: R, baseline: B });
  }
  const right = new Set([2, 3, 4, 5, 6, 7, 8, 9]);
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r) => r.map((c, i) => (right.has(i) ? c.padStart(width[i]) : c.padEnd(width[i]))).join('  ').trimEnd();
  console.log('');
  console.log(`medians over ${rounds} rounds (${elapsedS.toFixed(0)} s); latency = from the emitter's write ` +
    'to the client\'s read, over every line of every accepted client; RSS = peak VmRSS of the serving ' +
    'process while the lines flowed (MB = 10^6 bytes); CPU = of that process while they flowed (rtforge\'s build worker apart)');
  console.log(fmt(head));
  console.log(width.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(fmt(r));
  console.log('');
  console.log('ratios baseline/rtforge (above 1: rtforge ahead):');
  for (const l of lines) console.log(`  ${l}`);

  const at = (clients) => summary.find((s) => s.load.clients === clients);
  const p99 = at(GOAL_P99_CLIENTS), rss = at(GOAL_RSS_CLIENTS);
  const all = (s) => s.rtforge.accepted === s.load.clients && s.rtforge.missing === 0;
  const verdict = (ok, s) => (ok && all(s) ? 'met' : !all(s) ?
    `not met: rtforge served ${s.rtforge.accepted} of ${s.load.clients} clients` : 'not met');
  console.log(`goal p99 ≤ ${GOAL_P99_MS} ms at ${GOAL_P99_CLIENTS} clients: rtforge ${ms(p99.rtforge.p99)} ms ` +
    `(${verdict(p99.rtforge.p99 <= GOAL_P99_MS * 1000, p99)})`);
  console.log(`goal front RSS ≤ ${GOAL_RSS_MB} MB at ${GOAL_RSS_CLIENTS} clients: rtforge ` +
    `${mb(rss.rtforge.rss).toFixed(1)} MB (${verdict(mb(rss.rtforge.rss) <= GOAL_RSS_MB, rss)})`);
  const behind = [];
  for (const s of summary) {
    for (const [what, key] of [['p50', 'p50'], ['p99', 'p99'], ['RSS', 'rss'], ['CPU/event', 'perEvent']])
      if (!(s.rtforge[key] < s.baseline[key])) behind.push(`${what} at ${s.load.clients}`);
    if (s.rtforge.accepted < s.baseline.accepted) behind.push(`clients served at ${s.load.clients}`);
  }
  console.log(`goal ahead of the baseline on every figure: ${behind.length ? `not met (${behind.join(', ')})` : 'met'}`);
  const file = writeResults('sse', { rounds, elapsedS, loads: LOADS,
    goals: { p99Ms: GOAL_P99_MS, p99Clients: GOAL_P99_CLIENTS, rssMB: GOAL_RSS_MB, rssClients: GOAL_RSS_CLIENTS },
    summary, runs });
  console.log(`raw figures: ${file}`);
}

if (process.argv[2] === '--broadcaster') {
  broadcaster();
} else {
  await main();
}
