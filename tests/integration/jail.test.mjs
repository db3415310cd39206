// Jail tests: the real daemon builds tests/fixtures/hostile-workspace, one
// attack per daemon (--runtime-package hostile-<name>), and after each
// attack the benign hostile-none (built as the "node" package) on the same
// daemon and state dir.
//
// For each attack: the attempt fails (a "HOSTILE <name>: blocked" line, no
// "ESCAPED") or a limit stops the build and the job's error names it; the
// daemon keeps serving; the host is unharmed (no file written outside, no
// process left, the host's sockets saw nothing); the next normal build
// succeeds. Policy: every job's log says what the jail applied, and the
// benign build reports from inside the jail what it really got. A kernel
// that lacks a feature is reported as "skipped: <what> because <why>"; where
// the feature exists, a build that did not use it fails.
//
// Usage: node jail.test.mjs --root STAGE --label NAME [--user USER]
import fs from 'node:fs';
import net from 'node:net';
import dgram from 'node:dgram';
import path from 'node:path';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { test, runTests, assert, assertEq, sleep, freePort, request, readSse,
  buildProcessesIn } from './lib.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc, []));
const root = args.root;
const label = args.label || 'run';
const user = args.user || null;
const buildUser = user || 'rtforge-build';
const workspace = path.join(root, 'tests/fixtures/hostile-workspace');
const state = path.join(root, 'state-jail');
const runTag = `${label}-${process.pid}-${Date.now().toString(36)}`;
// Outside every path the build may read or write (and outside /tmp):
// stand-ins for the sign worker's key and a user's home, and the files that
// tell hostile-ptrace its targets (allowed as build.extra_read_path).
const outside = `/var/tmp/rtforge-jail-${runTag}`;
const keyFile = path.join(outside, 'sign/sign.key');
const stateKeyFile = path.join(state, 'sign/sign.key');
const homeDir = path.join(outside, 'home');
const targetsDir = path.join(outside, 'targets');
const SLEEP_MARKER = '987654';
const KEY_TEXT = 'SECRET-SIGNING-KEY 0x5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e';
const daemonLogs = [];
let features;

// Every build in this file runs with these limits unless an attack says
// otherwise; hostile-none must build under each of them.
const BASE_LIMITS = { timeout_seconds: 120, memory_limit_mb: 1024, pids_max: 256, log_cap_mb: 4 };
const FILE_SIZE_MAX_MB = 4096;	/* the default, not overridden */

// ---------------------------------------------------------------- helpers

// Collects every failed check of one test, so that one report lists all.
class Checks {
  constructor() { this.fails = []; }
  ok(cond, msg) { if (!cond) this.fails.push(msg); return cond; }
  done() {
    if (this.fails.length)
      throw new Error(`${this.fails.length} check(s) failed:\n    - ${this.fails.join('\n    - ')}`);
  }
}

// The daemon with -f OVERLAY and --runtime-package: Daemon in lib.mjs has
// no way to pass those.
class JailDaemon {
  constructor(name, pkg, overlayFn) {
    Object.assign(this, { name, pkg, overlayFn });
    this.logFile = path.join(root, `daemon-jail-${name}.log`);
    this.overlayFile = path.join(root, `jail-overlay-${name}.json`);
  }

  async start() {
    this.port = await freePort();
    this.overlay = this.overlayFn(this.port);
    fs.writeFileSync(this.overlayFile, JSON.stringify(this.overlay, null, 2) + '\n');
    fs.chmodSync(this.overlayFile, 0o644);
    const argv = [path.join(root, 'bin-asan/rtforged'), '--dev', '-f', this.overlayFile,
      '--listen', `127.0.0.1:${this.port}`, '--state', state, '--source', workspace,
      '--runtime-package', this.pkg, '--node-package', 'hostile-none'];
    let cmd = argv[0], rest = argv.slice(1);
    if (user) {
      cmd = 'setpriv';
      rest = ['--reuid', user, '--regid', user, '--init-groups', '--', ...argv];
    }
    daemonLogs.push(this.logFile);
    const log = fs.openSync(this.logFile, 'a');
    this.proc = spawn(cmd, rest, { stdio: ['ignore', log, log], env: {
      PATH: '/usr/local/bin:/usr/bin:/bin',
      ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=0',
      UBSAN_OPTIONS: 'print_stacktrace=1',
    } });
    fs.closeSync(log);
    this.exited = new Promise((r) => this.proc.on('exit', (code, sig) => r({ code, sig })));
    this.healthz = await this.waitHealthy(20000);
  }

  async health() {
    try {
      const r = await request(this.port, 'GET', '/healthz');
      return r.status === 200 ? r.json : null;
    } catch { return null; }
  }

  async waitHealthy(ms) {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (this.proc.exitCode !== null || this.proc.signalCode)
        break;
      const h = await this.health();
      if (h && h.roles.build.state === 'up' && h.roles.build.status &&
          h.roles.sign.state === 'up' && h.roles.sign.status) return h;
      await sleep(50);
    }
    throw new Error(`daemon (${this.name}) not healthy within ${ms} ms; log:\n${this.log().slice(-3000)}`);
  }

  log() { try { return fs.readFileSync(this.logFile, 'utf8'); } catch { return ''; } }

  async stop() {
    if (!this.proc || this.proc.exitCode !== null || this.proc.signalCode) return;
    this.proc.kill('SIGTERM');
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 15000);
    await this.exited;
    clearTimeout(t);
  }
}

function overlayFor(pkg, { limits = {}, env = {}, extra = {} } = {}) {
  return (port) => ({
    build: {
      // Each hostile build script leaves a minimal WASM module at the
      // default runtime path; hostile-none, built as the "node", is a
      // library whose rlib stands in for the node binary.
      node_artifact: 'release/libhostile_none.rlib',
      ...BASE_LIMITS, ...limits, ...extra,
      env: typeof env === 'function' ? env(port) : env,
    },
  });
}

// Starts a build, reads its stream to the end (running during(jobId) beside
// it), and returns the events, the job record and the log text.
async function runBuild(d, kind, { during, timeoutMs = 240000 } = {}) {
  const r = await request(d.port, 'POST', `/api/build/${kind}`, { body: {} });
  assertEq(r.status, 202, `POST /api/build/${kind}: ${r.text}`);
  const id = r.json.job_id;
  const started = Date.now();
  let finished = false;
  const beside = during ? during(id, () => finished) : null;
  let s;
  try {
    s = await readSse(d.port, r.json.sse_endpoint, { timeoutMs });
  } finally {
    finished = true;
  }
  const duringResult = beside ? await beside : undefined;
  // The record may trail the stream's last event by a moment.
  let job;
  for (const until = Date.now() + 15000; ;) {
    job = (await request(d.port, 'GET', `/api/build/jobs/${id}`)).json;
    if (!job || !['queued', 'running'].includes(job.status) || Date.now() > until) break;
    await sleep(50);
  }
  const lines = s.events.filter((e) => e.event === 'log').map((e) => e.data.message);
  return { id, events: s.events, last: s.events.at(-1), job, lines, log: lines.join('\n'),
    eventsFile: path.join(state, 'jobs', `${id}.events`), ms: Date.now() - started, during: duringResult };
}

const hostileLines = (b, name) => b.lines.filter((l) => l.includes(`HOSTILE ${name}: `));
const escapedLines = (b) => b.lines.filter((l) => /HOSTILE [a-z-]+: ESCAPED: /.test(l));
const lineMatching = (b, re) => b.lines.find((l) => re.test(l));
const reEscape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

// Processes whose command line holds the daemon fixture's marker.
function markerProcesses() {
  const found = [];
  for (const p of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(p) || Number(p) === process.pid) continue;
    try {
      const argv = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
      if (argv.includes(SLEEP_MARKER)) found.push(`${p}:${argv.join(' ').trim()}`);
    } catch { /* gone */ }
  }
  return found;
}

const leftovers = () => [...buildProcessesIn(workspace), ...markerProcesses()];

// Waits up to ms for the build's processes to be gone; returns what is left.
async function waitNoLeftovers(ms) {
  const until = Date.now() + ms;
  for (;;) {
    const left = leftovers();
    if (left.length === 0 || Date.now() > until) return left;
    await sleep(100);
  }
}

// Ends what a failed containment left behind: only those pids.
function killLeftovers(list) {
  for (const entry of list) {
    const pid = Number(entry.split(':')[0]);
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  }
}

// Every file and directory of the source tree, with size, mtime and mode.
function snapshot(dir) {
  const out = new Map();
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const st = fs.lstatSync(p);
      out.set(path.relative(dir, p), `${st.size}:${st.mtimeMs}:${st.mode}`);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

function snapshotDiff(a, b) {
  const diff = [];
  for (const [k, v] of b) if (!a.has(k)) diff.push(`new ${k}`); else if (a.get(k) !== v) diff.push(`changed ${k}`);
  for (const k of a.keys()) if (!b.has(k)) diff.push(`removed ${k}`);
  return diff;
}

function exists(p) { try { fs.lstatSync(p); return true; } catch { return false; } }

function procStatus(pid) {
  try { return fs.readFileSync(`/proc/${pid}/status`, 'utf8'); } catch { return null; }
}

// ------------------------------------------------------ kernel features

function say(line) { console.log(`       [${label}] ${line}`); }

// What the kernel offers the build user, found independently of rtforge.
// Each entry: null when present, or why it is absent.
function detectFeatures() {
  const f = { why: {} };
  const u = spawnSync('setpriv', ['--reuid', buildUser, '--regid', buildUser, '--init-groups', '--',
    'unshare', '--user', '--mount', '--pid', '--net', '--fork', 'true'], { encoding: 'utf8' });
  f.why.namespaces = u.status === 0 ? null :
    `unshare --user --mount --pid --net as ${buildUser} failed: ${(u.stderr || u.error || '').toString().trim()}`;
  const l = spawnSync('python3', ['-c', 'import ctypes; l = ctypes.CDLL(None, use_errno=True); ' +
    'r = l.syscall(444, None, 0, 1); print(r if r > 0 else -ctypes.get_errno())'], { encoding: 'utf8' });
  const abi = l.status === 0 ? Number(l.stdout.trim()) : NaN;
  f.landlockAbi = abi > 0 ? abi : 0;
  f.why.landlock = abi > 0 ? null : Number.isNaN(abi) ? `python3 could not probe landlock_create_ruleset (${(l.stderr || l.error || '').toString().trim()})` :
    `landlock_create_ruleset(LANDLOCK_CREATE_RULESET_VERSION) failed with errno ${-abi}`;
  f.why.landlockNet = f.landlockAbi >= 4 ? null : `Landlock ABI ${f.landlockAbi} < 4 has no TCP rules`;
  const st = fs.readFileSync('/proc/self/status', 'utf8');
  f.why.seccomp = /^Seccomp:/m.test(st) ? null : 'no Seccomp field in /proc/self/status (kernel without CONFIG_SECCOMP)';
  if (user)
    f.why.cgroup = `the daemon runs as ${user}, not root, so no cgroup is delegated (RLIMIT_DATA and RLIMIT_NPROC are the fallbacks)`;
  else
    f.why.cgroup = ['memory', 'pids', 'cpu'].every((c) => exists(`/sys/fs/cgroup/${c}/tasks`)) ? null :
      'cgroup v1 memory, pids and cpu controllers are not all mounted under /sys/fs/cgroup';
  return f;
}

// The "jail:" lines a job's log must start with, given the kernel.
function checkJailLines(c, b, what) {
  const has = (re) => b.lines.some((l) => re.test(l));
  c.ok(!has(/jail: OFF/), `${what}: the jail is OFF`);
  c.ok(has(/^jail: all capabilities dropped, no_new_privs, RLIMIT_CORE 0, RLIMIT_FSIZE \d+ MiB/),
    `${what}: no "jail: all capabilities dropped, no_new_privs" line`);
  if (features.why.namespaces === null)
    c.ok(has(/^jail: user, mount, pid and network namespaces/),
      `${what}: the kernel allows namespaces but the log has no "jail: user, mount, pid and network namespaces" line (${lineMatching(b, /namespaces/) || 'none'})`);
  if (features.why.landlock === null)
    c.ok(has(new RegExp(`^jail: Landlock ABI ${features.landlockAbi}:`)),
      `${what}: the kernel has Landlock ABI ${features.landlockAbi} but the log says ${JSON.stringify(lineMatching(b, /Landlock/) || 'nothing')}`);
  if (features.why.landlockNet === null)
    c.ok(has(/^jail: Landlock .*no TCP bind or connect/), `${what}: Landlock ABI >= 4 but no TCP rule is reported`);
  if (features.why.seccomp === null)
    c.ok(has(/^jail: seccomp denies \d+ system calls/), `${what}: no "jail: seccomp denies" line`);
  if (features.why.cgroup === null)
    c.ok(has(/^jail: cgroup v1 memory \d+ MiB \(no swap\), \d+ tasks/),
      `${what}: running as root with cgroup v1, but no "jail: cgroup v1 memory" line (${lineMatching(b, /cgroup|RLIMIT_DATA/) || 'none'})`);
  else
    c.ok(has(/^jail: memory capped per process by RLIMIT_DATA at \d+ MiB; processes capped per user by RLIMIT_NPROC at \d+/),
      `${what}: no cgroup, and no RLIMIT_DATA/RLIMIT_NPROC fallback line either`);
}

// ---------------------------------------------------------------- attacks

// Starts a daemon for hostile-<name>, builds it, checks the common
// properties and the attack's own (expect, hostChecks), then builds
// hostile-none on the same daemon and state dir.
async function attack(name, { limits, env, extra, before, during, expect, hostChecks, timeoutMs }) {
  const c = new Checks();
  const pkg = `hostile-${name}`;
  const pre = leftovers();
  assert(pre.length === 0, `build processes or markers already running before the attack: ${pre.join(', ')}`);
  const before_ = snapshot(workspace);
  const d = new JailDaemon(name, pkg, overlayFor(pkg, { limits, env, extra }));
  await d.start();
  const ctx = { d, limits: { ...BASE_LIMITS, ...limits } };
  try {
    if (before) await before(ctx);
    const b = await runBuild(d, 'runtime', { during: during && ((id, finished) => during(ctx, id, finished)), timeoutMs });
    ctx.build = b;
    say(`${name}: job ${b.id} ${b.job.status} in ${b.ms} ms${b.job.error ? `: ${b.job.error}` : ''}`);
    for (const l of hostileLines(b, name).slice(0, 24)) say(`  ${l.replace(/^warning: hostile-[a-z-]+@[\d.]+: /, '').slice(0, 300)}`);
    checkJailLines(c, b, `${name} job`);
    checkChildRuntime(c, b, `${name} job`);
    const esc = escapedLines(b);
    c.ok(esc.length === 0, `the jail let the attempt through:\n        ${esc.join('\n        ')}`);
    c.ok(b.last && ['complete', 'error'].includes(b.last.event), `the stream ends with complete or error (${b.last && b.last.event})`);
    b.events.forEach((e, i) => { if (e.id !== i + 1) c.fails.push(`event ${i} has id ${e.id}, not ${i + 1}`); });
    await expect(c, b, ctx);

    // The daemon keeps serving, every role up.
    const h = await request(d.port, 'GET', '/healthz');
    c.ok(h.status === 200 && h.json && h.json.status === 'ok' &&
      ['front', 'build', 'sign'].every((r) => h.json.roles[r].state === 'up'),
      `GET /healthz after the attack: ${h.status} ${h.text.slice(0, 300)}`);
    if (h.json && h.json.roles.build.status)
      c.ok(h.json.roles.front.pid === d.healthz.roles.front.pid &&
        h.json.roles.build.status.pid === d.healthz.roles.build.status.pid &&
        h.json.roles.sign.status && h.json.roles.sign.status.pid === d.healthz.roles.sign.status.pid,
        `a role was restarted during the attack: ${JSON.stringify(d.healthz.roles)} -> ${JSON.stringify(h.json.roles)}`);

    // The host: no process left (2 s grace), the source tree unchanged.
    const left = await waitNoLeftovers(2000);
    if (!c.ok(left.length === 0, `processes left after the build: ${left.slice(0, 10).join(', ')}${left.length > 10 ? ` and ${left.length - 10} more` : ''}`))
      killLeftovers(left);
    const diff = snapshotDiff(before_, snapshot(workspace));
    c.ok(diff.length === 0, `the source tree changed: ${diff.join(', ')}`);
    if (hostChecks) await hostChecks(c, b, ctx);

    // The next normal build succeeds.
    const n = await runBuild(d, 'node');
    c.ok(n.job.status === 'success' && n.last.event === 'complete',
      `the benign build after the attack: ${n.job.status}: ${n.job.error}`);
    c.ok(n.lines.some((l) => /HOSTILE none: ok /.test(l)), 'the benign build ran its build script');
    checkChildRuntime(c, n, `benign build after ${name}`);
    // Its /tmp file is the policy test's concern; here only clear it away.
    checkTmpMarker(null, n);
    checkJailLines(c, n, `benign build after ${name}`);
    const left2 = await waitNoLeftovers(2000);
    if (!c.ok(left2.length === 0, `processes left after the benign build: ${left2.join(', ')}`))
      killLeftovers(left2);
  } finally {
    await d.stop();
  }
  c.done();
}

// hostile-none writes a file to its /tmp: it must not be the host's.
// Without c, a file that did land is only removed.
function checkTmpMarker(c, b) {
  const m = (lineMatching(b, /HOSTILE none: ok /) || '').match(/tmp_marker=(\/tmp\/rtforge-hostile-none-[0-9a-f]+\.txt) \(ok\)/);
  if (!m || !exists(m[1])) return;
  fs.unlinkSync(m[1]);
  if (c && features.why.namespaces === null)
    c.fails.push(`${m[1]}, written to /tmp inside the build, was on the host's /tmp: /tmp is not private`);
}

// The jail's own steps run in the worker's child before exec: in a
// sanitizer build, the sanitizer runtime is still there and may fail.
function checkChildRuntime(c, b, what) {
  const l = lineMatching(b, /AddressSanitizer|runtime error:|^ERROR: Failed to mmap/);
  c.ok(!l, `${what}: the jailed child died in the sanitizer runtime before cargo ran: ${JSON.stringify(l)} (then ${JSON.stringify(b.job.error)})`);
}

const needLine = (c, b, re, what) => c.ok(b.lines.some((l) => re.test(l)),
  `${what}: no log line matches ${re}`);

function expectSuccess(c, b) {
  c.ok(b.job.status === 'success', `the build (whose attempts failed) succeeds: ${b.job.status}: ${b.job.error}`);
}

// ------------------------------------------------------------------ tests

test('policy: a benign build reports every jail layer, and sees them from inside', async () => {
  const c = new Checks();
  for (const [what, why] of Object.entries(features.why))
    if (why !== null) say(`skipped: ${what} checks because ${why}`);
  const d = new JailDaemon('policy', 'hostile-none', overlayFor('hostile-none'));
  await d.start();
  try {
    const b = await runBuild(d, 'runtime');
    c.ok(b.job.status === 'success', `hostile-none builds: ${b.job.status}: ${b.job.error}`);
    checkJailLines(c, b, 'policy job');
    checkChildRuntime(c, b, 'policy job');
    const jailLines = b.lines.filter((l) => l.startsWith('jail: '));
    for (const l of jailLines) say(`  ${l}`);
    const cmdAt = b.lines.findIndex((l) => l.startsWith('$ '));
    c.ok(cmdAt >= 0 && b.lines.slice(0, cmdAt).every((l) => l.startsWith('jail: ') || l.startsWith('source: ')) &&
      cmdAt >= 2, 'the log starts with the source\'s git state and what the jail applied, then the cargo command');
    const line = b.lines.find((l) => /HOSTILE none: ok /.test(l)) || '';
    say(`  inside: ${line.replace(/^.*HOSTILE none: /, '')}`);
    c.ok(line, 'hostile-none reported from inside the jail');
    const f = Object.fromEntries([...line.matchAll(/(\w+)=(\[[^\]]*\]|\S+)/g)].map((m) => [m[1], m[2].replace(/^\[|\]$/g, '')]));
    c.ok(f.nnp === '1', `no_new_privs inside: ${f.nnp}`);
    for (const cap of ['capeff', 'capbnd', 'capamb'])
      c.ok(/^0+$/.test(f[cap] || ''), `${cap} inside is ${f[cap]}, not empty`);
    c.ok(f.core === '0 0 bytes', `RLIMIT_CORE inside: ${f.core}`);
    const fsize = String(FILE_SIZE_MAX_MB * 1024 * 1024);
    c.ok(f.fsize === `${fsize} ${fsize} bytes`, `RLIMIT_FSIZE inside: ${f.fsize}`);
    if (features.why.seccomp === null)
      c.ok(f.seccomp === '2', `seccomp mode inside is ${f.seccomp}, not 2 (filter)`);
    if (features.why.namespaces === null) {
      const uid = execFileSync('id', ['-u', buildUser], { encoding: 'utf8' }).trim();
      c.ok(f.uid_map === `${uid} ${uid} 1`, `uid_map inside is "${f.uid_map}", not a user namespace mapping only ${uid}`);
      c.ok(Number(f.pid) < 1000, `the build script's pid inside (${f.pid}) is not from its own pid namespace`);
      c.ok(f.proc1 === 'cargo', `/proc/1 inside is "${f.proc1}": /proc is not the build's private one (cargo would be pid 1)`);
      c.ok(Number(f.visible_pids) <= 32, `the build sees ${f.visible_pids} processes in /proc: not a private /proc of its own tree`);
    }
    checkTmpMarker(c, b);
    if (features.why.cgroup === null) {
      c.ok(/:memory:\/rtforge\/job-[0-9a-f]{16}-\d+$/.test(f.memcg || ''), `memory cgroup inside: ${f.memcg}`);
      c.ok(/:pids:\/rtforge\/job-[0-9a-f]{16}-\d+$/.test(f.pidscg || ''), `pids cgroup inside: ${f.pidscg}`);
    } else {
      const data = String(BASE_LIMITS.memory_limit_mb * 1024 * 1024);
      c.ok(f.data === `${data} ${data} bytes`, `RLIMIT_DATA inside: ${f.data}`);
      c.ok(f.nproc === `${BASE_LIMITS.pids_max} ${BASE_LIMITS.pids_max} processes`, `RLIMIT_NPROC inside: ${f.nproc}`);
    }
    const h = await d.health();
    c.ok(h && h.status === 'ok', 'healthy after the build');
  } finally {
    await d.stop();
  }
  c.done();
});

test('hostile-net: no TCP or UDP reaches the host, nor the daemon\'s own port', async () => {
  const tcp = net.createServer();
  const connections = [];
  tcp.on('connection', (s) => { connections.push(s.remoteAddress); s.destroy(); });
  await new Promise((r) => tcp.listen(0, '127.0.0.1', r));
  const udp = dgram.createSocket('udp4');
  const datagrams = [];
  udp.on('message', (m) => datagrams.push(m.toString()));
  await new Promise((r) => udp.bind(0, '127.0.0.1', r));
  const tcpPort = tcp.address().port, udpPort = udp.address().port;
  try {
    await attack('net', {
      env: (daemonPort) => ({ HOSTILE_PORT: String(tcpPort), HOSTILE_DAEMON_PORT: String(daemonPort),
        HOSTILE_UDP_PORT: String(udpPort) }),
      expect: (c, b, { d }) => {
        expectSuccess(c, b);
        needLine(c, b, new RegExp(`HOSTILE net: blocked: tcp connect to the host listener 127\\.0\\.0\\.1:${tcpPort}: `), 'TCP to the host listener');
        needLine(c, b, new RegExp(`HOSTILE net: blocked: tcp connect to the rtforge API 127\\.0\\.0\\.1:${d.port}: `), 'TCP to the daemon');
        needLine(c, b, /HOSTILE net: (udp: sent|blocked: udp send)/, 'the UDP attempt ran');
        if (features.why.landlockNet === null)
          needLine(c, b, /HOSTILE net: blocked: tcp bind .*Permission denied/, 'Landlock ABI >= 4 refuses a TCP bind');
      },
      hostChecks: async (c) => {
        await sleep(300);
        c.ok(connections.length === 0, `the host TCP listener on ${tcpPort} was connected to ${connections.length} time(s)`);
        c.ok(datagrams.length === 0, `the host UDP socket on ${udpPort} received ${JSON.stringify(datagrams)}`);
      },
    });
  } finally {
    tcp.close();
    udp.close();
  }
});

test('hostile-keyfile: the sign key and the job records cannot be read', async () => {
  await attack('keyfile', {
    env: { HOSTILE_KEY_FILE: keyFile, HOSTILE_KEY_FILE2: stateKeyFile },
    expect: (c, b) => {
      expectSuccess(c, b);
      needLine(c, b, new RegExp(`HOSTILE keyfile: blocked: read ${reEscape(keyFile)}: `), 'the key outside every allowed path');
      needLine(c, b, new RegExp(`HOSTILE keyfile: blocked: read ${reEscape(stateKeyFile)}: `), 'a key in the state dir');
      needLine(c, b, new RegExp(`HOSTILE keyfile: blocked: list ${reEscape(path.join(state, 'jobs'))}: `), 'the state dir\'s job records');
      // The files are readable by the build user: only Landlock refuses.
      if (features.why.landlock === null)
        needLine(c, b, new RegExp(`HOSTILE keyfile: blocked: read ${reEscape(keyFile)}: Permission denied`), 'Landlock is what refuses the key');
    },
    hostChecks: (c) => {
      c.ok(fs.readFileSync(keyFile, 'utf8') === KEY_TEXT, 'the key file is unchanged');
    },
  });
});

test('hostile-write: nothing lands outside the target dir and cargo home, not even in /tmp', async () => {
  const victim = path.join(workspace, 'hostile-write/victim.txt');
  const victimText = fs.readFileSync(victim, 'utf8');
  let tmpPath = null;
  try {
    await attack('write', {
      env: { HOSTILE_HOME: homeDir },
      expect: (c, b) => {
        expectSuccess(c, b);
        for (const [what, re] of [
          ['the source tree', /HOSTILE write: blocked: write into the source tree /],
          ['the home dir', /HOSTILE write: blocked: write into the home dir /],
          ['the state dir', /HOSTILE write: blocked: write into the state dir /],
          ['/var/tmp', /HOSTILE write: blocked: write into \/var\/tmp /],
          ['/dev/shm', /HOSTILE write: blocked: write into \/dev\/shm /],
          ['a hard link to the source tree', /HOSTILE write: blocked: (hard link |write through a hard link )/],
          ['a symlink to the source tree', /HOSTILE write: blocked: (symlink |write through a symlink )/],
          ['a rename into the source tree', /HOSTILE write: blocked: rename from OUT_DIR/],
        ]) needLine(c, b, re, `a write into ${what}`);
        // The build's TMPDIR is inside its target dir; the host's /tmp is
        // out of reach.
        const t = lineMatching(b, /HOSTILE write: tmp: (?:could not write|wrote) (\S+?)[:;]/);
        c.ok(t && /could not write/.test(t), `the write into the host's /tmp was refused: ${t}`);
        tmpPath = t && t.match(/HOSTILE write: tmp: (?:could not write|wrote) (\S+?)[:;]/)[1];
      },
      hostChecks: (c, b) => {
        const tag = tmpPath && tmpPath.match(/rtforge-hostile-escaped-([0-9a-f]+)\.txt/);
        const landed = [
          path.join(workspace, 'hostile-write/escaped.txt'),
          path.join(workspace, 'hostile-write/escaped-rename.txt'),
          path.join(homeDir, 'escaped.txt'),
          ...(tag ? [tmpPath, `/var/tmp/rtforge-hostile-escaped-${tag[1]}.txt`,
            `/dev/shm/rtforge-hostile-escaped-${tag[1]}.txt`,
            path.join(state, `rtforge-hostile-escaped-${tag[1]}.txt`)] : []),
        ].filter(exists);
        c.ok(landed.length === 0, `files written on the host: ${landed.join(', ')}`);
        c.ok(fs.readFileSync(victim, 'utf8') === victimText, 'victim.txt in the source tree is unchanged');
        for (const p of landed) try { fs.unlinkSync(p); } catch { /* gone */ }
      },
    });
  } finally {
    if (tmpPath && exists(tmpPath)) fs.unlinkSync(tmpPath);
  }
});

test('hostile-forkbomb: fork fails at the process cap, and every child dies with the build', async () => {
  await attack('forkbomb', {
    expect: (c, b, { limits }) => {
      const l = lineMatching(b, /HOSTILE forkbomb: blocked: fork failed after (\d+) children/);
      c.ok(l, 'fork failed before 20000 children');
      const got = l ? Number(l.match(/after (\d+) children/)[1]) : NaN;
      c.ok(got <= limits.pids_max, `the forkbomb got ${got} children past a cap of ${limits.pids_max}`);
      // Its sleeping children hold the cap until the build ends, so cargo
      // may then fail to start rustc: a build the process limit stopped,
      // which the error must say.
      if (b.job.status !== 'success')
        c.ok(/process limit of \d+ tasks reached|pids_max|RLIMIT_NPROC/.test(b.job.error || ''),
          `the build failed without naming the process limit: ${b.job.error}`);
    },
  });
});

test('hostile-memory: 4 GiB against a 512 MiB limit stops the build, naming the limit', async () => {
  await attack('memory', {
    limits: { memory_limit_mb: 512 },
    expect: (c, b) => {
      c.ok(b.job.status === 'failed', `the build is stopped: ${b.job.status}`);
      c.ok(/memory limit 512 MiB reached/.test(b.job.error || ''), `the error names the memory limit: ${b.job.error}`);
      c.ok(b.last.event === 'error' && /memory limit 512 MiB reached/.test(b.last.data.error || ''),
        `the error event names the memory limit: ${JSON.stringify(b.last.data)}`);
    },
  });
});

test('hostile-spin: a build that spins is stopped at the timeout, naming it', async () => {
  const timeout = 12;
  await attack('spin', {
    limits: { timeout_seconds: timeout },
    expect: (c, b) => {
      c.ok(b.job.status === 'failed', `the build is stopped: ${b.job.status}`);
      c.ok(new RegExp(`build exceeded ${timeout} s`).test(b.job.error || ''), `the error says "build exceeded ${timeout} s": ${b.job.error}`);
      c.ok(b.ms < (timeout + 15) * 1000, `the build ended ${b.ms} ms after it started`);
      // cargo shows a build script's warnings only once it ends: this one
      // never does.
      c.ok(b.events.some((e) => e.event === 'progress' && /Compiled hostile-spin/.test(e.data.message)),
        'the build script was compiled (and then ran until the timeout)');
    },
  });
});

test('hostile-spam: 200 MB of output is capped at 1 MiB of log, and the daemon keeps serving', async () => {
  await attack('spam', {
    limits: { log_cap_mb: 1, timeout_seconds: 200 },
    env: { HOSTILE_SPAM_MB: '200' },
    timeoutMs: 230000,
    during: async ({ d }, id, finished) => {
      const r = { polls: 0, whileRunning: 0, bad: [], maxMs: 0, maxRssKb: 0, maxEventsBytes: 0 };
      const workerPid = d.healthz.roles.build.status.pid;
      const events = path.join(state, 'jobs', `${id}.events`);
      while (!finished()) {
        const t = Date.now();
        let h, j;
        try {
          h = await request(d.port, 'GET', '/healthz');
          j = await request(d.port, 'GET', `/api/build/jobs/${id}`);
        } catch (e) { h = { status: String(e.message) }; }
        const ms = Date.now() - t;
        r.polls++;
        r.maxMs = Math.max(r.maxMs, ms);
        if (h.status !== 200 || !j || j.status !== 200) r.bad.push(`${h.status}/${j && j.status}`);
        else if (j.json.status === 'running') r.whileRunning++;
        const rss = (procStatus(workerPid) || '').match(/^VmRSS:\s+(\d+)/m);
        if (rss) r.maxRssKb = Math.max(r.maxRssKb, Number(rss[1]));
        try { r.maxEventsBytes = Math.max(r.maxEventsBytes, fs.statSync(events).size); } catch { /* not yet */ }
        await sleep(200);
      }
      return r;
    },
    expect: (c, b) => {
      const r = b.during;
      say(`spam: ${r.polls} rounds of GET /healthz and the job (${r.whileRunning} while it ran), slowest ${r.maxMs} ms; build worker RSS up to ${r.maxRssKb} KiB`);
      expectSuccess(c, b);
      const l = lineMatching(b, /(\d+) lines \((\d+) bytes\) of build output were dropped past the log cap of 1 MiB/);
      c.ok(l, 'a log line says how much output was dropped past the log cap');
      const dropped = l ? Number(l.match(/\((\d+) bytes\)/)[1]) : 0;
      c.ok(dropped > 150 * 1024 * 1024, `the spam really ran: ${dropped} bytes dropped`);
      const size = fs.statSync(b.eventsFile).size;
      say(`spam: ${b.eventsFile} is ${size} bytes`);
      c.ok(size < 4 * 1024 * 1024, `the event log stays small: ${size} bytes`);
      c.ok(r.bad.length === 0, `GET /healthz or the job failed during the spam: ${r.bad.join(', ')}`);
      c.ok(r.whileRunning >= 3, `the daemon answered only ${r.whileRunning} rounds while the spam ran`);
      c.ok(r.maxMs < 3000, `a round of requests took ${r.maxMs} ms during the spam`);
      c.ok(r.maxRssKb < 1024 * 1024, `the build worker grew to ${r.maxRssKb} KiB during the spam`);
    },
  });
});

test('hostile-ptrace: the front and the sign worker cannot be attached, read or signalled', async () => {
  let pids;
  await attack('ptrace', {
    env: { HOSTILE_TARGET_PID: path.join(targetsDir, 'front.pid'), HOSTILE_TARGET_PID2: path.join(targetsDir, 'sign.pid') },
    extra: { extra_read_path: targetsDir },
    // The pids exist only once the daemon runs: the variables name files
    // in build.extra_read_path, written now.
    before: ({ d }) => {
      pids = { front: d.healthz.roles.front.pid, 'sign worker': d.healthz.roles.sign.status.pid };
      fs.writeFileSync(path.join(targetsDir, 'front.pid'), `${pids.front}\n`, { mode: 0o644 });
      fs.writeFileSync(path.join(targetsDir, 'sign.pid'), `${pids['sign worker']}\n`, { mode: 0o644 });
    },
    expect: (c, b) => {
      expectSuccess(c, b);
      for (const [role, pid] of Object.entries(pids)) {
        const r = `${reEscape(role)} \\(pid ${pid}\\)`;
        needLine(c, b, new RegExp(`HOSTILE ptrace: blocked: ptrace\\(PTRACE_ATTACH\\) on the ${r}: `), `ptrace of the ${role}`);
        needLine(c, b, new RegExp(`HOSTILE ptrace: blocked: open /proc/${pid}/mem of the ${reEscape(role)}: `), `/proc/${pid}/mem of the ${role}`);
        needLine(c, b, new RegExp(`HOSTILE ptrace: blocked: read /proc/${pid}/environ of the ${reEscape(role)}: `), `/proc/${pid}/environ of the ${role}`);
        needLine(c, b, new RegExp(`HOSTILE ptrace: blocked: process_vm_readv on the ${r}: `), `process_vm_readv of the ${role}`);
        needLine(c, b, new RegExp(`HOSTILE ptrace: blocked: kill\\(pid ${pid}, 0\\) on the ${reEscape(role)}: `), `kill(0) of the ${role}`);
        // In its own pid namespace the target does not even exist for the
        // build: EPERM then comes from seccomp, which must deny ptrace.
        if (features.why.seccomp === null && features.why.namespaces === null)
          needLine(c, b, new RegExp(`HOSTILE ptrace: blocked: ptrace\\(PTRACE_ATTACH\\) on the ${r}: Operation not permitted`), `seccomp denies ptrace of the ${role}`);
      }
      needLine(c, b, /HOSTILE ptrace: blocked: find rtforge processes in \/proc: none visible/, 'no rtforge process is visible in /proc');
    },
    hostChecks: (c) => {
      for (const [role, pid] of Object.entries(pids)) {
        const st = procStatus(pid);
        c.ok(st, `the ${role} (pid ${pid}) is gone`);
        if (!st) continue;
        c.ok(/^TracerPid:\s+0$/m.test(st), `the ${role} is being traced`);
        c.ok(!/^State:\s+[tT]/m.test(st), `the ${role} is stopped`);
      }
    },
  });
});

test('hostile-daemon: a daemonized child does not outlive the build', async () => {
  await attack('daemon', {
    expect: (c, b) => {
      expectSuccess(c, b);
      c.ok(hostileLines(b, 'daemon').filter((l) => /HOSTILE daemon: spawned: /.test(l)).length === 2,
        'both daemons were started inside the build');
    },
    // The generic check already waited 2 s for every process whose command
    // line holds the marker to be gone.
  });
});

// ------------------------------------------------------------------- main

function setUp() {
  fs.rmSync(state, { recursive: true, force: true });
  fs.mkdirSync(state, { recursive: true });
  if (user) execFileSync('chown', [`${user}:${user}`, state]);
  // Job ids name the per-build cgroups (rtforge/job-<id>), shared with any
  // other rtforge on this host: start far from the ids other runs use.
  const seed = 1000000 + Math.floor(Math.random() * 8000000);
  const jobs = path.join(state, 'jobs');
  fs.mkdirSync(jobs, { mode: 0o750 });
  fs.writeFileSync(path.join(jobs, `${seed}.json`), JSON.stringify({ job_id: String(seed), kind: 'node',
    status: 'cancelled', percent: 0, message: 'seeded by jail.test.mjs', clean: false, features: [],
    target: 'release', error: 'not a real job' }) + '\n', { mode: 0o640 });
  const owner = user ? [user, user] : ['rtforge-build', 'rtforge-web'];
  execFileSync('chown', ['-R', `${owner[0]}:${owner[1]}`, jobs]);
  if (!user) fs.chmodSync(jobs, 0o2750);
  // The key stand-ins: readable by the build user, so that only the jail
  // keeps the build from them.
  for (const f of [keyFile, stateKeyFile]) {
    fs.mkdirSync(path.dirname(f), { recursive: true, mode: 0o755 });
    fs.chmodSync(path.dirname(f), 0o755);
    fs.writeFileSync(f, KEY_TEXT, { mode: 0o644 });
  }
  fs.chmodSync(outside, 0o755);
  fs.mkdirSync(homeDir, { mode: 0o777 });
  fs.chmodSync(homeDir, 0o777);
  fs.mkdirSync(targetsDir, { mode: 0o755 });
  // The source tree is writable by the build user where hostile-write
  // aims, so that only the jail stops it.
  const modes = [[path.join(workspace, 'hostile-write'), 0o777], [path.join(workspace, 'hostile-write/victim.txt'), 0o666]]
    .map(([p, m]) => { const old = fs.statSync(p).mode & 0o7777; fs.chmodSync(p, m); return [p, old]; });
  return () => {
    for (const [p, m] of modes) fs.chmodSync(p, m);
    fs.rmSync(outside, { recursive: true, force: true });
  };
}

async function main() {
  assert(root && fs.existsSync(workspace), `--root must be a stage holding ${workspace}`);
  features = detectFeatures();
  const tearDown = setUp();
  let failed = 1;
  try {
    failed = await runTests(label);
  } finally {
    killLeftovers(leftovers());
    tearDown();
  }
  for (const f of daemonLogs) {
    let log = '';
    try { log = fs.readFileSync(f, 'utf8'); } catch { /* none */ }
    if (/AddressSanitizer|runtime error:|LeakSanitizer/.test(log)) {
      console.log(`FAIL [${label}] sanitizer report in ${f}:\n${log.slice(-4000)}`);
      console.log('0 passed, 1 failed');
      failed++;
    }
  }
  process.exitCode = failed ? 1 : 0;
}

main().catch((e) => { console.log(`FAIL [${label}] harness: ${e.stack}`); console.log('0 passed, 1 failed'); process.exitCode = 1; });
