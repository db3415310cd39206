// Benchmark (issue #9, 5): footprint. rtforge's release binaries in bin/
// (rtforged --dev, a fresh state each time) against nginx (one worker,
// serving one static file) as the baseline, started in turns, in one run:
//
//   start to READY   from the spawn to the supervisor's READY=1 on a
//                    NOTIFY_SOCKET datagram socket made here (the way
//                    systemd listens; goal ≤ 100 ms). nginx does not speak
//                    the notify protocol, so it has no such figure.
//   start to serving from the spawn to the first 200 answer: rtforge's
//                    GET /healthz with the build and sign workers up,
//                    nginx's GET of its file; both polled every ~1 ms the
//                    same way. This is the like-for-like start figure.
//   idle memory      a second after serving: VmRSS summed over every
//                    process of the service (rtforge: the supervisor and
//                    its front, build worker and sign worker; nginx: master
//                    and worker), goal ≤ 16 MB for rtforge; and PSS, which
//                    counts pages the processes share (libc, libevent) once.
//
// Spawn times come from Node's hrtime and the READY time from a python3
// listener's time.monotonic_ns(): both are CLOCK_MONOTONIC. Medians over
// the rounds; ratios nginx/rtforge (above 1: rtforge is ahead). Raw
// figures: bench/results/footprint-*.json.
//
// Usage: node bench/footprint.mjs [ROUNDS]   (default 5, about 30 s)
// Run through `make bench-footprint`, which builds bin/ first.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

import { freePort, sleep } from '../tests/integration/lib.mjs';
import { childrenOf, commOf, pssKb, vmRssKb } from './procfs.mjs';
import { median, writeResults } from './results.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const GOAL_RSS_MB = 16;
const GOAL_READY_MS = 100;
const IDLE_MS = 1000;
const START_TIMEOUT_MS = 15000;

function fail(message) {
  console.error(`bench/footprint.mjs: ${message}`);
  process.exit(1);
}
process.on('uncaughtException', (e) => fail(e.message));
process.on('unhandledRejection', (e) => fail(e && e.message || e));

const arg = process.argv[2];
const rounds = arg === undefined || arg === '' ? 5 : Number(arg);
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 100) {
  console.error(`bench/footprint.mjs: ROUNDS "${arg}": need a whole number from 1 to 100`);
  process.exit(2);
}

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

const hr = () => process.hrtime.bigint();
const msSince = (t0, t = hr()) => Number(t - t0) / 1e6;
const mb = (kb) => kb * 1024 / 1e6;

// --- the notify socket: one python3 process for the whole run ---
const LISTENER = `
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("listening", flush=True)
while True:
    data = s.recv(4096)
    print(time.monotonic_ns(), data.decode(errors="replace").replace("\\n", "|"), flush=True)
`;

async function startListener() {
  const sock = path.join(work, 'notify.sock');
  const child = spawn('python3', ['-c', LISTENER, sock], { stdio: ['ignore', 'pipe', 'inherit'] });
  running.add(child);
  const waiters = [];
  const lines = readline.createInterface({ input: child.stdout });
  let listening;
  const ready = new Promise((resolve) => { listening = resolve; });
  lines.on('line', (line) => {
    if (line === 'listening') return listening();
    const sp = line.indexOf(' ');
    const msg = { at: BigInt(line.slice(0, sp)), text: line.slice(sp + 1) };
    for (const w of waiters.splice(0)) w(msg);
  });
  child.on('exit', (code) => { if (code !== null) fail(`the notify listener exited with ${code}`); });
  await ready;
  // The supervisor sends as root or as itself; either may write.
  fs.chmodSync(sock, 0o777);
  return { sock, child, next: () => new Promise((resolve) => waiters.push(resolve)) };
}

// --- polling for the first answer ---
function tryGet(port, urlPath) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false, timeout: 2000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', () => resolve(null));
    req.on('timeout', () => req.destroy());
  });
}

async function firstAnswer(port, urlPath, ok, proc) {
  const until = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < until) {
    if (proc.exitCode !== null) return null;
    const r = await tryGet(port, urlPath);
    if (r && ok(r)) return hr();
    await sleep(1);
  }
  return null;
}

const rolesUp = (r) => {
  if (r.status !== 200) return false;
  try {
    const h = JSON.parse(r.text);
    return h.roles.build.state === 'up' && h.roles.build.status && h.roles.sign.state === 'up' && h.roles.sign.status;
  } catch { return false; }
};

// Every process of the service: the one spawned and its descendants.
function tree(pid) {
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...childrenOf(out[i]));
  return out;
}

// rtforge's roles by name: the front is rtforged run again with a role flag.
const ROLE_NAMES = { 'rtforge-build': 'build worker', 'rtforge-sign': 'sign worker', rtforged: 'front' };
function roleName(pid, root) {
  const comm = commOf(pid);
  if (pid === root) return comm === 'rtforged' ? 'supervisor' : `${comm} master`;
  return ROLE_NAMES[comm] || (comm === 'nginx' ? 'nginx worker' : comm);
}

function memory(pid) {
  const procs = tree(pid).map((p) => ({ pid: p, comm: roleName(p, pid), rssKb: vmRssKb(p), pssKb: pssKb(p) }));
  return { procs, rssKb: procs.reduce((a, p) => a + p.rssKb, 0), pssKb: procs.reduce((a, p) => a + p.pssKb, 0) };
}

async function stop(proc, signal) {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill(signal);
  const t = setTimeout(() => proc.kill('SIGKILL'), 10000);
  await exited;
  clearTimeout(t);
  running.delete(proc);
}

// --- rtforge ---
let stateCount = 0;
async function measureRtforge(listener) {
  const state = path.join(work, `state-${++stateCount}`);
  fs.mkdirSync(state);
  const port = await freePort();
  const log = fs.openSync(path.join(work, 'rtforged.log'), 'a');
  const readyMsg = listener.next();
  const t0 = hr();
  const proc = spawn(path.join(repo, 'bin/rtforged'), ['--dev', '--listen', `127.0.0.1:${port}`,
    '--state', state, '--source', path.join(repo, 'tests/demo-workspace')],
  { stdio: ['ignore', log, log], env: { PATH: '/usr/local/bin:/usr/bin:/bin', NOTIFY_SOCKET: listener.sock } });
  fs.closeSync(log);
  running.add(proc);
  const serving = await firstAnswer(port, '/healthz', rolesUp, proc);
  if (serving === null)
    fail(`rtforged did not serve /healthz with its workers up within ${START_TIMEOUT_MS / 1000} s ` +
      `(exit ${proc.exitCode}); log:\n${fs.readFileSync(path.join(work, 'rtforged.log'), 'utf8').slice(-2000)}`);
  const ready = await Promise.race([readyMsg, sleep(5000).then(() => null)]);
  if (!ready || !ready.text.startsWith('READY=1'))
    fail(`no READY=1 on NOTIFY_SOCKET (first message: ${ready ? ready.text : 'none within 5 s'})`);
  await sleep(IDLE_MS);
  const mem = memory(proc.pid);
  await stop(proc, 'SIGTERM');
  return { readyMs: msSince(t0, ready.at), servingMs: msSince(t0, serving), ...mem };
}

// --- nginx ---
async function measureNginx() {
  const port = await freePort();
  const conf = path.join(work, 'nginx.conf');
  const tmp = path.join(work, 'nginx-tmp');
  fs.mkdirSync(tmp, { recursive: true });
  const file = path.join(work, 'index.json');
  fs.writeFileSync(file, '{"status":"ok"}\n', { mode: 0o644 });
  fs.writeFileSync(conf, `worker_processes 1;
daemon off;
pid ${path.join(work, 'nginx.pid')};
error_log ${path.join(work, 'nginx-error.log')} warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${tmp}/body;
  proxy_temp_path ${tmp}/proxy;
  fastcgi_temp_path ${tmp}/fastcgi;
  uwsgi_temp_path ${tmp}/uwsgi;
  scgi_temp_path ${tmp}/scgi;
  server {
    listen 127.0.0.1:${port};
    location = /healthz { default_type application/json; alias ${file}; }
  }
}
`);
  const t0 = hr();
  const proc = spawn('nginx', ['-p', work, '-e', path.join(work, 'nginx-error.log'), '-c', conf],
    { stdio: 'ignore' });
  running.add(proc);
  const serving = await firstAnswer(port, '/healthz', (r) => r.status === 200, proc);
  if (serving === null) {
    let log = '';
    try { log = fs.readFileSync(path.join(work, 'nginx-error.log'), 'utf8'); } catch { /* none */ }
    fail(`nginx did not serve within ${START_TIMEOUT_MS / 1000} s (exit ${proc.exitCode}): ${log.slice(-1500)}`);
  }
  await sleep(IDLE_MS);
  const mem = memory(proc.pid);
  await stop(proc, 'SIGQUIT');
  return { servingMs: msSince(t0, serving), ...mem };
}

// --- the run ---
async function main() {
  if (!fs.existsSync(path.join(repo, 'bin/rtforged'))) fail('bin/rtforged is missing: run make bench-footprint');
  const nginxVersion = spawnSync('nginx', ['-v'], { encoding: 'utf8' });
  if (nginxVersion.error) fail('nginx is not installed (packaging/install-deps.sh installs it)');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'rtforge-bench-footprint-'));
  // As root the roles and nginx's worker run as other users.
  fs.chmodSync(work, 0o755);
  const listener = await startListener();
  console.log(`footprint: ${rounds} rounds; rtforge bin/ --dev${process.getuid() === 0 ? ' as root (roles drop to their users)' : ''} ` +
    `vs ${nginxVersion.stderr.trim()} with 1 worker, started in turns`);
  const runs = { rtforge: [], nginx: [] };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 ? ['nginx', 'rtforge'] : ['rtforge', 'nginx'];
    for (const name of order) {
      const m = name === 'rtforge' ? await measureRtforge(listener) : await measureNginx();
      runs[name].push(m);
      console.log(`round ${round + 1} ${name.padEnd(7)}: ` +
        (m.readyMs !== undefined ? `READY ${m.readyMs.toFixed(1)} ms, ` : '') +
        `serving ${m.servingMs.toFixed(1)} ms, idle RSS ${mb(m.rssKb).toFixed(1)} MB ` +
        `(${m.procs.map((p) => `${p.comm} ${mb(p.rssKb).toFixed(1)}`).join(', ')}), PSS ${mb(m.pssKb).toFixed(1)} MB`);
    }
  }
  await stop(listener.child, 'SIGTERM');
  report(runs);
}

function report(runs) {
  const R = runs.rtforge, N = runs.nginx;
  const med = (xs, f) => median(xs.map(f));
  const fig = (xs) => ({ servingMs: med(xs, (x) => x.servingMs), rssKb: med(xs, (x) => x.rssKb),
    pssKb: med(xs, (x) => x.pssKb), processes: med(xs, (x) => x.procs.length) });
  const r = { ...fig(R), readyMs: med(R, (x) => x.readyMs) }, n = fig(N);
  // Per role: the median of each position's RSS (the roles start in a fixed order).
  const roles = R[0].procs.map((p, i) => `${p.comm} ${mb(med(R, (x) => x.procs[i]?.rssKb ?? 0)).toFixed(1)}`);
  const verdict = (ok) => (ok ? 'met' : 'not met');
  console.log('');
  console.log(`medians over ${R.length} rounds; MB = 10^6 bytes; ratios nginx/rtforge (above 1: rtforge ahead)`);
  console.log(`  idle RSS, all processes: rtforge ${mb(r.rssKb).toFixed(1)} MB in ${r.processes} (${roles.join(', ')}), ` +
    `nginx ${mb(n.rssKb).toFixed(1)} MB in ${n.processes}; ratio ${(n.rssKb / r.rssKb).toFixed(2)}× ` +
    `(goal rtforge ≤ ${GOAL_RSS_MB} MB: ${verdict(mb(r.rssKb) <= GOAL_RSS_MB)})`);
  console.log(`  idle PSS, all processes: rtforge ${mb(r.pssKb).toFixed(1)} MB, nginx ${mb(n.pssKb).toFixed(1)} MB; ` +
    `ratio ${(n.pssKb / r.pssKb).toFixed(2)}×`);
  console.log(`  start to READY=1: rtforge ${r.readyMs.toFixed(1)} ms (goal ≤ ${GOAL_READY_MS} ms: ` +
    `${verdict(r.readyMs <= GOAL_READY_MS)}); nginx does not notify`);
  console.log(`  start to serving: rtforge ${r.servingMs.toFixed(1)} ms (/healthz with both workers up), nginx ` +
    `${n.servingMs.toFixed(1)} ms (a static file); ratio ${(n.servingMs / r.servingMs).toFixed(2)}×`);
  const file = writeResults('footprint', { rounds: R.length, idleMs: IDLE_MS,
    goals: { rssMB: GOAL_RSS_MB, readyMs: GOAL_READY_MS }, summary: { rtforge: r, nginx: n }, runs });
  console.log(`raw figures: ${file}`);
}

await main();
process.exit(0);
