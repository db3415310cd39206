// Benchmark (issue #9, 2): API throughput. GET /api/build/artifacts from
// rtforge (release daemon from bin/, --dev, against a chopsticks test
// chain so that the route answers as it does in service: the artifact
// list read from the job records, each runtime with its verdict against
// the chain's runtime, which the sign worker keeps for 3 s) versus nginx
// serving the same JSON bytes as a static file, with the same load
// generator and the same connections, in turns, in one run.
//
//   load       wrk -t1 -c50 (one client thread: the machine has 2 cores),
//              or, where wrk is not installed, bin/bench_http_load
//              (bench/http_load.c: one thread, the same keep-alive loop),
//              which the output then names
//   nginx      one worker process (rtforge's front is one event loop),
//              access log off, keep-alive without a request limit
//   artifacts  three runtimes (Rococo's genesis code announcing spec
//              9141..9143, compressed), uploaded before the run
//
// GET /healthz, the front alone (no worker, no disk), is measured the same
// way beside it, as context. Each round measures each route on each server
// for SECONDS; the ratio rtforge/nginx is taken per round and its median
// printed (goal for the artifacts route: at least 0.5). Answers other than
// 2xx are counted and reported. CPU of the serving processes (rtforge's
// front and sign worker; nginx's worker) per request is shown beside it.
// Raw figures: bench/results/api-*.json.
//
// Usage: node bench/api.mjs [ROUNDS [SECONDS]]   (default 3 rounds of 5 s:
//        about 1.5 minutes with the chain's start)
//        BENCH_LOAD=builtin node bench/api.mjs   (use bench_http_load even
//        where wrk is installed)
// Run through `make bench-api`, which builds bin/ first.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Daemon, freePort, request, sleep } from '../tests/integration/lib.mjs';
import { genesisSpec, startTestChain } from '../tests/integration/chain.mjs';
import { childrenOf, cpuMs, parentOf } from './procfs.mjs';
import { median, writeResults } from './results.mjs';
import { compressRuntime, readGenesisCode, toPlainWasm, withSpecVersion } from './wasm-version.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LOADGEN = path.join(repo, 'bin/bench_http_load');
const CONNECTIONS = 50;	// under the sign worker's 64 waiting chain requests
const GOAL = 0.5;
const SPEC_VERSIONS = [9141, 9142, 9143];
const ROUTES = [
  { path: '/api/build/artifacts', file: 'artifacts.json', goal: true },
  { path: '/healthz', file: 'healthz.json', goal: false },
];

function fail(message) {
  console.error(`bench/api.mjs: ${message}`);
  process.exit(1);
}
process.on('uncaughtException', (e) => fail(e.message));
process.on('unhandledRejection', (e) => fail(e && e.message || e));

function count(arg, fallback, what, max) {
  if (arg === undefined || arg === '') return fallback;
  const n = Number(arg);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    console.error(`bench/api.mjs: ${what} "${arg}": need a whole number from 1 to ${max}`);
    process.exit(2);
  }
  return n;
}
const rounds = count(process.argv[2], 3, 'ROUNDS', 100);
const seconds = count(process.argv[3], 5, 'SECONDS', 600);

// Whatever this run started is stopped when it ends (chain.mjs stops its
// chains itself).
const running = new Set();
let work = null;
process.on('exit', () => {
  for (const p of running) {
    try { p.kill('SIGKILL'); } catch { /* gone */ }
  }
  if (work) {
    try { fs.rmSync(work, { recursive: true, force: true }); } catch { /* best effort */ }
  }
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

function get(port, urlPath) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: urlPath, timeout: 15000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject).on('timeout', function onTimeout() { this.destroy(new Error(`GET ${urlPath} timed out`)); });
  });
}

function upload(port, bytes, name) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST',
      path: `/api/upgrade/upload?name=${encodeURIComponent(name)}`, timeout: 120000,
      headers: { 'Content-Type': 'application/wasm', 'Content-Length': bytes.length } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('timeout', () => req.destroy(new Error(`uploading ${name} timed out`)));
    req.on('error', reject);
    req.end(bytes);
  });
}

// --- the load generator ---
function findWrk() {
  if (process.env.BENCH_LOAD === 'builtin') return null;
  const r = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  return r.error ? null : (r.stdout + r.stderr).split('\n')[0].trim();
}

const UNIT_MS = { us: 1e-3, ms: 1, s: 1000 };
function parseWrk(text) {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(text);
  const total = /(\d+) requests in ([\d.]+)(us|ms|s|m),/.exec(text);
  if (!rps || !total) throw new Error(`cannot read wrk's output:\n${text}`);
  const lat = (p) => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(text);
    return m ? Number(m[1]) * UNIT_MS[m[2]] * 1000 : null;
  };
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(text);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  return { requests: Number(total[1]), rps: Number(rps[1]), p50_us: lat(50), p99_us: lat(99),
    non2xx: non2xx ? Number(non2xx[1]) : 0,
    socketErrors: sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0 };
}

function runLoad(tool, port, urlPath, secs) {
  return new Promise((resolve, reject) => {
    const [cmd, args] = tool.wrk ?
      ['wrk', ['-t1', `-c${CONNECTIONS}`, `-d${secs}s`, '--latency', `http://127.0.0.1:${port}${urlPath}`]] :
      [LOADGEN, [port, urlPath, CONNECTIONS, secs].map(String)];
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let out = '', err = '';
    child.stdout.on('data', (c) => { out += c; });
    child.stderr.on('data', (c) => { err += c; });
    child.on('close', (code) => {
      running.delete(child);
      if (code !== 0) return reject(new Error(`${cmd} exited with ${code}: ${err.trim().slice(0, 500)}`));
      try {
        if (tool.wrk) return resolve(parseWrk(out));
        const j = JSON.parse(out);
        resolve({ requests: j.requests, rps: j.requests_per_s, p50_us: j.p50_us, p99_us: j.p99_us,
          non2xx: j.requests - j.ok, socketErrors: j.errors, reconnects: j.reconnects });
      } catch (e) { reject(e); }
    });
  });
}

// --- nginx ---
async function startNginx(root) {
  const port = await freePort();
  const conf = path.join(work, 'nginx.conf');
  const tmp = path.join(work, 'nginx-tmp');
  fs.mkdirSync(tmp);
  const locations = ROUTES.map((r) => `    location = ${r.path} { default_type application/json; ` +
    `alias ${path.join(root, r.file)}; }`).join('\n');
  fs.writeFileSync(conf, `worker_processes 1;
daemon off;
pid ${path.join(work, 'nginx.pid')};
error_log ${path.join(work, 'nginx-error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000000;
  client_body_temp_path ${tmp}/body;
  proxy_temp_path ${tmp}/proxy;
  fastcgi_temp_path ${tmp}/fastcgi;
  uwsgi_temp_path ${tmp}/uwsgi;
  scgi_temp_path ${tmp}/scgi;
  server {
    listen 127.0.0.1:${port};
${locations}
  }
}
`);
  const nginx = spawn('nginx', ['-p', work, '-e', path.join(work, 'nginx-error.log'), '-c', conf],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(nginx);
  let err = '';
  nginx.stderr.on('data', (c) => { err += c; });
  for (let i = 0; i < 100; i++) {
    if (nginx.exitCode !== null) break;
    const r = await get(port, ROUTES[0].path).catch(() => null);
    if (r && r.status === 200) {
      const workers = childrenOf(nginx.pid);
      if (workers.length !== 1) fail(`nginx ${nginx.pid} has ${workers.length} workers, expected 1`);
      return { proc: nginx, port, pids: workers };
    }
    await sleep(50);
  }
  let log = '';
  try { log = fs.readFileSync(path.join(work, 'nginx-error.log'), 'utf8'); } catch { /* none */ }
  return fail(`nginx did not start: ${err.trim()} ${log.trim()}`.slice(0, 2000));
}

// --- rtforge ---
async function startRtforge(chain) {
  const d = new Daemon({ root: repo, state: path.join(work, 'state'),
    source: path.join(repo, 'tests/demo-workspace'), port: await freePort(),
    logFile: path.join(work, 'rtforged.log'), extraArgs: ['--node', chain.url], binDir: 'bin' });
  try {
    await d.start();
  } finally {
    if (d.proc) running.add(d.proc);
  }
  const h = await d.health();
  const pids = [h?.roles?.front?.pid, h?.roles?.sign?.status?.pid];
  if (!pids.every((p) => Number.isInteger(p) && parentOf(p) === d.proc.pid))
    fail(`/healthz names no front and sign worker under rtforged ${d.proc.pid}: ${JSON.stringify(h)}`);
  return { daemon: d, port: d.port, pids };
}

async function addArtifacts(port) {
  const plain = toPlainWasm(readGenesisCode(genesisSpec));
  for (const v of SPEC_VERSIONS) {
    const name = `rococo-${v}.compact.compressed.wasm`;
    const r = await upload(port, compressRuntime(withSpecVersion(plain, v)), name);
    if (r.status !== 201 && r.status !== 200)
      fail(`POST /api/upgrade/upload of ${name} answered ${r.status}: ${r.text.slice(0, 500)}`);
  }
}

// The artifacts answer once the sign worker has the chain's runtime, so
// that nginx serves what rtforge serves when it is warm.
async function servedBodies(port) {
  const until = Date.now() + 60000;
  for (;;) {
    const a = await get(port, '/api/build/artifacts');
    let j = null;
    try { j = JSON.parse(a.body); } catch { /* not JSON */ }
    if (a.status === 200 && j?.chain && j.history?.length === SPEC_VERSIONS.length) {
      const h = await get(port, '/healthz');
      return { 'artifacts.json': a.body, 'healthz.json': h.body, verdicts: j.history.map((x) => x.verdict) };
    }
    if (Date.now() > until)
      fail(`GET /api/build/artifacts did not list ${SPEC_VERSIONS.length} artifacts with the chain's ` +
        `runtime within 60 s: ${a.status} ${a.body.toString().slice(0, 500)}`);
    await sleep(500);
  }
}

async function measure(tool, server, route, secs) {
  const cpu0 = server.pids.map(cpuMs);
  const r = await runLoad(tool, server.port, route.path, secs);
  const each = server.pids.map((p, i) => cpuMs(p) - cpu0[i]);
  const cpu = each.reduce((a, b) => a + b, 0);
  const perRequest = (ms) => (r.requests ? ms * 1000 / r.requests : null);
  return { ...r, serverCpuMs: cpu, cpuUsPerRequest: perRequest(cpu), cpuUsPerRequestEach: each.map(perRequest) };
}

async function main() {
  if (!fs.existsSync(LOADGEN)) fail('bin/bench_http_load is missing: run make bench-api');
  const nginxVersion = spawnSync('nginx', ['-v'], { encoding: 'utf8' });
  if (nginxVersion.error) fail('nginx is not installed (packaging/install-deps.sh installs it)');
  const wrkVersion = findWrk();
  const tool = wrkVersion ? { wrk: true, name: `${wrkVersion.split(' ').slice(0, 2).join(' ')} -t1 -c${CONNECTIONS}` } :
    { wrk: false, name: `bin/bench_http_load (bench/http_load.c), 1 thread, ${CONNECTIONS} connections` };
  if (!wrkVersion)
    console.log(process.env.BENCH_LOAD === 'builtin' ? 'load: bin/bench_http_load, as BENCH_LOAD=builtin asks' :
      'wrk is not installed: the load comes from bin/bench_http_load (bench/http_load.c) instead; ' +
      "add wrk to APT_PACKAGES in packaging/install-deps.sh to measure with the issue's tool");
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'rtforge-bench-api-'));
  // As root the roles and nginx's worker run as other users: they must
  // reach the state and the files.
  fs.chmodSync(work, 0o755);
  const began = performance.now();
  const chain = await startTestChain({ mode: 'Instant' });
  const rtforge = await startRtforge(chain);
  await addArtifacts(rtforge.port);
  const bodies = await servedBodies(rtforge.port);
  const www = path.join(work, 'www');
  fs.mkdirSync(www);
  for (const r of ROUTES) fs.writeFileSync(path.join(www, r.file), bodies[r.file], { mode: 0o644 });
  const nginx = await startNginx(www);
  for (const r of ROUTES) {
    const b = await get(nginx.port, r.path);
    if (b.status !== 200 || !b.body.equals(bodies[r.file]))
      fail(`nginx does not serve rtforge's ${r.path} bytes (${b.status}, ${b.body.length} bytes)`);
  }
  const servers = { rtforge, nginx };
  console.log(`API throughput: ${rounds} rounds of ${seconds} s per route and server, load ${tool.name}; ` +
    `${nginxVersion.stderr.trim()}, 1 worker; /api/build/artifacts body ${bodies['artifacts.json'].length} bytes ` +
    `(${SPEC_VERSIONS.length} runtimes, verdicts ${bodies.verdicts.join(', ')})`);

  // Warm-up: connections, caches and the page cache on both sides.
  for (const r of ROUTES) for (const s of Object.values(servers)) await measure(tool, s, r, 1);
  const runs = ROUTES.map((route) => ({ route, rtforge: [], nginx: [] }));
  for (let round = 0; round < rounds; round++) {
    for (const run of runs) {
      const order = round % 2 ? ['nginx', 'rtforge'] : ['rtforge', 'nginx'];
      for (const name of order) run[name].push(await measure(tool, servers[name], run.route, seconds));
      const R = run.rtforge.at(-1), N = run.nginx.at(-1);
      console.log(`round ${round + 1} GET ${run.route.path}: rtforge ${R.rps.toFixed(0)} req/s ` +
        `(p99 ${(R.p99_us / 1000).toFixed(2)} ms, non-2xx ${R.non2xx}), nginx ${N.rps.toFixed(0)} req/s ` +
        `(p99 ${(N.p99_us / 1000).toFixed(2)} ms, non-2xx ${N.non2xx}), ratio ${(R.rps / N.rps).toFixed(3)}`);
    }
  }
  const elapsedS = (performance.now() - began) / 1000;
  await rtforge.daemon.stop();
  running.delete(rtforge.daemon.proc);
  nginx.proc.kill('SIGQUIT');
  await chain.stop();
  report(runs, tool, elapsedS, bodies);
}

function report(runs, tool, elapsedS, bodies) {
  const med = (xs, f) => median(xs.map(f));
  console.log('');
  console.log(`medians over ${rounds} rounds (${elapsedS.toFixed(0)} s in all), load ${tool.name}; ` +
    'CPU per request: rtforge front + sign worker, nginx worker');
  const summary = [];
  for (const run of runs) {
    const fig = {};
    for (const name of ['rtforge', 'nginx']) {
      const xs = run[name];
      fig[name] = { rps: med(xs, (x) => x.rps), p50_us: med(xs, (x) => x.p50_us),
        p99_us: med(xs, (x) => x.p99_us), non2xx: xs.reduce((a, x) => a + x.non2xx, 0),
        errors: xs.reduce((a, x) => a + x.socketErrors, 0), cpuUsPerRequest: med(xs, (x) => x.cpuUsPerRequest),
        cpuUsPerRequestEach: xs[0].cpuUsPerRequestEach.map((_, i) => med(xs, (x) => x.cpuUsPerRequestEach[i])) };
      const f = fig[name];
      const split = name === 'rtforge' ? ` (front ${f.cpuUsPerRequestEach[0].toFixed(1)} + sign worker ` +
        `${f.cpuUsPerRequestEach[1].toFixed(1)})` : '';
      console.log(`  GET ${run.route.path.padEnd(21)} ${name.padEnd(7)} ${f.rps.toFixed(0).padStart(7)} req/s, ` +
        `p50 ${(f.p50_us / 1000).toFixed(2)} ms, p99 ${(f.p99_us / 1000).toFixed(2)} ms, ` +
        `CPU ${f.cpuUsPerRequest.toFixed(1)} µs/request${split}, non-2xx ${f.non2xx}, socket errors ${f.errors}`);
    }
    const ratio = median(run.rtforge.map((x, i) => x.rps / run.nginx[i].rps));
    summary.push({ route: run.route.path, ratio, ...fig });
    const goal = run.route.goal ? ` (goal ≥ ${GOAL}: ${ratio >= GOAL && fig.rtforge.non2xx === 0 ? 'met' :
      fig.rtforge.non2xx ? `not met: ${fig.rtforge.non2xx} answers were not 2xx` : 'not met'})` : ' (context: the front alone)';
    console.log(`ratio rtforge/nginx GET ${run.route.path}: ${ratio.toFixed(3)}${goal}`);
  }
  const file = writeResults('api', { rounds, seconds, connections: CONNECTIONS, tool: tool.name,
    bodyBytes: Object.fromEntries(ROUTES.map((r) => [r.path, bodies[r.file].length])), summary, runs });
  console.log(`raw figures: ${file}`);
}

await main();
process.exit(0);
