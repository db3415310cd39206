// Benchmark (issue #6): a runtime upgrade, from the request until the
// extrinsic is sent (the node answered author_submitExtrinsic), by rtforge
// and by @polkadot/api, in turns, in one run, against the same kind of
// chain: a fresh chopsticks chain (tests/integration/chain.mjs, Rococo 9140
// genesis, Instant mode) for every single upgrade, so each one is accepted
// and none runs on a chain an earlier one changed.
//
//   rtforge        the release binaries in bin/ (rtforged --dev, one fresh
//                  daemon per upgrade, so the sign worker's peak RSS is that
//                  of one upgrade): POST /api/upgrade/submit {artifact,
//                  expected_hash, upgrade_type: "sudo"} until the SSE step
//                  "submitted" arrives. rtforge reads the metadata, checks
//                  everything it checks (fee, balance, the chain's own
//                  validate_transaction), signs and submits in that time.
//   @polkadot/api  a child node process per upgrade: ApiPromise over
//                  WsProvider (its metadata fetch included), keyring //Alice
//                  sr25519, sudo.sudoUncheckedWeight(system.setCode(code), 0),
//                  signAsync, then rpc.author.submitExtrinsic until it
//                  returns. Loading the modules is timed apart (the daemon's
//                  start is not timed either).
//
// Runtimes, made at run time from the chain's genesis code (bench/
// wasm-version.mjs), each announcing spec_version 9141 in a runtime_version
// custom section: the plain wasm (~3.6 MB) and Substrate's compressed form
// (~0.9 MB, byte for byte what tests/demo-workspace's build makes). rtforge
// gets them through POST /api/upgrade/upload, as stored artifacts.
//
// Footprint: VmHWM of the rtforge-sign process (a child of the rtforged
// supervisor; GET /healthz → roles.sign.status.pid) when "submitted"
// arrives, against the VmHWM of the @polkadot/api process after its submit.
// CPU in the timed window, to tell the client's own work from waiting on
// the chain: the sign worker's (schedstat) or the child's (cpuUsage), and
// the chopsticks process's (/proc/<pid>/stat, 10 ms ticks).
// Every upgrade must land (rtforge: complete with System.CodeUpdated;
// @polkadot/api: the chain then reports spec 9141), or the run fails.
//
// Usage: node bench/upgrade.mjs [ROUNDS]   (default: up to 6 rounds within
//        2.5 minutes, about 2 minutes on a quiet machine)
//        node bench/upgrade.mjs --trace    (one rtforge upgrade per
//        runtime through a logging JSON-RPC proxy: where its time goes)
// Run through `make bench-upgrade`, which builds bin/ first.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Daemon, b2sum256, freePort, readSse, request, sleep } from '../tests/integration/lib.mjs';
import { genesisSpec, rpc, startTestChain } from '../tests/integration/chain.mjs';
import { compressRuntime, readGenesisCode, toPlainWasm, withSpecVersion } from './wasm-version.mjs';

const self = fileURLToPath(import.meta.url);
const repo = path.resolve(path.dirname(self), '..');
const SPEC_VERSION = 9141;
const UPGRADE_TIMEOUT_MS = 120000;
const LANDED_TIMEOUT_MS = 30000;
const GOAL_SPEED = 10;

// ---------------------------------------------------------------------
// The @polkadot/api side, run as a child process: node upgrade.mjs
// --polkadot-js-child WS_URL CODE_FILE. Prints one JSON line on stdout.
async function polkadotJsChild(wsUrl, codeFile) {
  const loadStart = performance.now();
  const [{ ApiPromise, WsProvider }, { Keyring }] = await Promise.all([
    import('@polkadot/api'), import('@polkadot/keyring')]);
  const loadMs = performance.now() - loadStart;
  const code = fs.readFileSync(codeFile);

  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const api = await ApiPromise.create({ provider: new WsProvider(wsUrl), noInitWarn: true,
    throwOnConnect: true });
  const created = performance.now();
  const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
  // Bytes from a Uint8Array would be read as already length-prefixed:
  // hex is how a script hands polkadot-js a code blob.
  const tx = api.tx.sudo.sudoUncheckedWeight(api.tx.system.setCode(`0x${code.toString('hex')}`), 0);
  await tx.signAsync(alice);
  const signed = performance.now();
  const txHash = await api.rpc.author.submitExtrinsic(tx);
  const sent = performance.now();
  const cpu = process.cpuUsage(cpuStart);

  const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  process.stdout.write(JSON.stringify({
    ms: sent - start, loadMs, createMs: created - start, signMs: signed - created,
    submitMs: sent - signed, cpuMs: (cpu.user + cpu.system) / 1000, txHash: txHash.toHex(), hwmKb: hwm ? Number(hwm[1]) : null,
    maxRssKb: process.resourceUsage().maxRSS, xtLen: tx.encodedLength,
  }) + '\n');
  await api.disconnect();
  process.exit(0);
}

if (process.argv[2] === '--polkadot-js-child') {
  await polkadotJsChild(process.argv[3], process.argv[4]);
}

// ---------------------------------------------------------------------
// The parent: runtimes, rounds, the table.

// A failed check is the result, not a crash: say it in one line.
process.on('uncaughtException', (err) => {
  console.error(`bench/upgrade.mjs: ${err.message}`);
  process.exit(1);
});
process.on('unhandledRejection', (err) => {
  console.error(`bench/upgrade.mjs: ${err && err.message || err}`);
  process.exit(1);
});

function count(arg, fallback, what) {
  if (arg === undefined || arg === '') return fallback;
  const n = Number(arg);
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    console.error(`bench/upgrade.mjs: ${what} "${arg}": need a whole number from 1 to 1000`);
    process.exit(2);
  }
  return n;
}
const trace = process.argv[2] === '--trace';
const rounds = trace ? 0 : count(process.argv[2], 6, 'ROUNDS');
const roundsGiven = !trace && process.argv[2] !== undefined && process.argv[2] !== '';
// The default run stays within about 3 minutes: setup and chain starts
// take ~15 s besides the rounds.
const BUDGET_MS = 150000;
const MIN_ROUNDS = 2;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (t) => `${Math.round(t)}`;
const mib = (kb) => (kb / 1024).toFixed(1);
const now = () => performance.now();

// Whatever this run started is stopped when it ends, however it ends:
// chain.mjs kills its chains; daemons and children are killed here.
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
process.on('exit', cleanUp);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

function vmHwmKb(pid) {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`/proc/${pid}/status has no VmHWM`);
  return Number(m[1]);
}

// CPU time a process has used, all its threads, dead ones included
// (clock ticks of /proc/<pid>/stat).
const TICK_MS = 10;	// CLK_TCK is 100 on Linux
function processCpuMs(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * TICK_MS;
}

// The same to the nanosecond, from each live thread's schedstat: for the
// sign worker, whose whole job may take less than a few ticks.
function threadsCpuMs(pid) {
  let ns = 0;
  for (const t of fs.readdirSync(`/proc/${pid}/task`))
    ns += Number(fs.readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]);
  return ns / 1e6;
}

function parentOf(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

function startChain() {
  return startTestChain({ mode: 'Instant' });
}

// --- rtforge ---
let logCount = 0;
async function startDaemon(chain, nodeUrl = chain.url) {
  const d = new Daemon({ root: repo, state: path.join(work, 'state'),
    source: path.join(repo, 'tests/demo-workspace'), port: await freePort(),
    logFile: path.join(work, `daemon-${++logCount}.log`), extraArgs: ['--node', nodeUrl],
    binDir: 'bin' });
  try {
    await d.start();
  } finally {
    if (d.proc) running.add(d.proc);
  }
  return d;
}

async function stopDaemon(d) {
  await d.stop();
  running.delete(d.proc);
}

function upload(d, bytes, name) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: d.port, method: 'POST',
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

// Uploads a runtime and checks that rtforge stored what was sent.
async function makeArtifact(d, rt) {
  const r = await upload(d, rt.bytes, rt.file);
  if (r.status === 404 || r.status === 501)
    throw new Error(`POST /api/upgrade/upload answered ${r.status}: uploads are not available, ` +
      'so the rtforge side is blocked (nothing to submit)');
  if (r.status !== 201 && r.status !== 200)
    throw new Error(`POST /api/upgrade/upload of ${rt.file} answered ${r.status}: ${r.text.slice(0, 500)}`);
  const a = JSON.parse(r.text);
  if (a.hash !== rt.hash)
    throw new Error(`upload of ${rt.file}: rtforge stored ${a.hash}, the bytes hash to ${rt.hash}`);
  if (a.runtime?.spec_version !== SPEC_VERSION)
    throw new Error(`upload of ${rt.file}: rtforge reads spec_version ${a.runtime?.spec_version}, ` +
      `the runtime announces ${SPEC_VERSION}`);
  return a;
}

// Times one upgrade; `landed` settles once it is complete and everything
// it used is stopped (overlapping the next chain's start, which is not
// timed).
async function measureRtforge(chain, rt) {
  const d = await startDaemon(chain);
  const health = await d.health();
  const pid = health?.roles?.sign?.status?.pid;
  if (!Number.isInteger(pid)) throw new Error(`/healthz names no sign worker pid: ${JSON.stringify(health)}`);
  const comm = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  if (comm !== 'rtforge-sign' || parentOf(pid) !== d.proc.pid)
    throw new Error(`pid ${pid} from /healthz is "${comm}", child of ${parentOf(pid)}, ` +
      `not rtforge-sign under rtforged ${d.proc.pid}`);
  const idleKb = vmHwmKb(pid);

  let submittedAt = null, submittedKb = null, signCpu = null, chainCpu = null;
  let sawSubmitted;
  const submitted = new Promise((resolve) => { sawSubmitted = resolve; });
  const signCpu0 = threadsCpuMs(pid), chainCpu0 = processCpuMs(chain.pid);
  const start = now();
  const r = await request(d.port, 'POST', '/api/upgrade/submit',
    { body: { artifact: rt.hash, expected_hash: rt.hash, upgrade_type: 'sudo' } });
  const acceptedMs = now() - start;
  if (r.status !== 202) {
    await stopDaemon(d);
    throw new Error(`rtforge ${rt.label}: POST /api/upgrade/submit answered ${r.status}: ${r.text.slice(0, 800)}`);
  }
  const stream = readSse(d.port, r.json.sse_endpoint, { timeoutMs: UPGRADE_TIMEOUT_MS, stopAfter: (evs) => {
    const e = evs.at(-1);
    if (e.event === 'step' && e.data.step === 'submitted' && submittedAt === null) {
      submittedAt = now();
      signCpu = threadsCpuMs(pid) - signCpu0;
      chainCpu = processCpuMs(chain.pid) - chainCpu0;
      submittedKb = vmHwmKb(pid);
      sawSubmitted();
    }
    return e.event === 'complete' || e.event === 'error';
  } });
  const ended = stream.then((s) => s.events.at(-1), (e) => ({ event: 'error', data: { error: e.message } }));
  const first = await Promise.race([submitted.then(() => null), ended]);
  if (first) {
    await stopDaemon(d);
    await chain.stop();
    throw new Error(`rtforge ${rt.label}: the upgrade ended before it was submitted: ${JSON.stringify(first.data).slice(0, 800)}`);
  }
  const result = { ms: submittedAt - start, acceptedMs, idleKb, hwmKb: submittedKb, cpuMs: signCpu,
    chainCpuMs: chainCpu };

  const landed = (async () => {
    const last = await ended;
    // The kernel's peak lags a little behind freed pages: never below
    // what was read at "submitted".
    result.wholeKb = Math.max(vmHwmKb(pid), submittedKb);
    await stopDaemon(d);
    await chain.stop();
    const events = last.data?.events || [];
    if (last.event !== 'complete' || last.data.success !== true || !events.includes('system.CodeUpdated'))
      throw new Error(`rtforge ${rt.label}: the upgrade did not land: ${JSON.stringify(last.data).slice(0, 800)}\n` +
        `daemon log tail:\n${d.log().slice(-2000)}`);
  })();
  return { result, landed };
}

// --- @polkadot/api ---
async function measurePolkadotJs(chain, rt) {
  // The chain is idle until the child connects.
  const chainCpu0 = processCpuMs(chain.pid);
  const child = spawn(process.execPath, [self, '--polkadot-js-child', chain.wsUrl, rt.path],
    { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let out = '', err = '';
  child.stdout.on('data', (c) => { out += c; });
  child.stderr.on('data', (c) => { err += c; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => {
    running.delete(child);
    resolve({ code, signal });
  }));
  const killer = setTimeout(() => child.kill('SIGKILL'), UPGRADE_TIMEOUT_MS);
  const line = new Promise((resolve) => {
    child.stdout.on('data', () => { if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n'))); });
  });
  const first = await Promise.race([line, exited.then(() => null)]);
  const quiet = () => err.split('\n').filter((l) => !/API\/INIT|^\s*$/.test(l)).join('\n').slice(-2000);
  if (first === null) {
    clearTimeout(killer);
    await chain.stop();
    throw new Error(`@polkadot/api ${rt.label}: the child ended before submitting:\n${quiet()}`);
  }
  const result = { ...JSON.parse(first), chainCpuMs: processCpuMs(chain.pid) - chainCpu0 };

  const landed = (async () => {
    const { code, signal } = await exited;
    clearTimeout(killer);
    try {
      if (code !== 0) throw new Error(`@polkadot/api ${rt.label}: child exited with ${code ?? signal}:\n${quiet()}`);
      const until = Date.now() + LANDED_TIMEOUT_MS;
      for (;;) {
        const v = await rpc(chain.url, 'state_getRuntimeVersion', []);
        if (v.specVersion === SPEC_VERSION) break;
        if (Date.now() > until)
          throw new Error(`@polkadot/api ${rt.label}: submitted ${result.txHash}, but the chain ` +
            `still runs spec ${v.specVersion} after ${LANDED_TIMEOUT_MS / 1000} s`);
        await sleep(100);
      }
    } finally {
      await chain.stop();
    }
  })();
  return { result, landed };
}

// --- where rtforge's time goes ---
// A loopback HTTP proxy in front of the chain logs each JSON-RPC call the
// sign worker makes (start, duration, sizes); the gaps between calls are
// the worker's own work. The proxy adds a little time to every call.
async function traceRtforge(chain, rt) {
  const lines = [];
  let t0 = null;
  const at = (t) => `${ms(t - t0).padStart(6)} ms`;
  const proxy = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const began = now();
      let what = '?';
      try {
        const j = JSON.parse(body);
        what = j.method + (j.method === 'state_call' || j.method === 'state_getStorage' ?
          ` ${String(j.params[0]).slice(0, 40)}` : '');
      } catch { /* logged as ? */ }
      try {
        const answer = await fetch(chain.url, { method: 'POST', body,
          headers: { 'Content-Type': 'application/json' } });
        const out = Buffer.from(await answer.arrayBuffer());
        if (t0 !== null)
          lines.push(`${at(began)}  ${what}: ${ms(now() - began)} ms at the chain, ` +
            `request ${body.length} B, answer ${out.length} B`);
        res.writeHead(answer.status, { 'Content-Type': 'application/json', 'Content-Length': out.length });
        res.end(out);
      } catch (e) {
        res.writeHead(502);
        res.end(String(e.message));
      }
    });
  });
  const port = await freePort();
  await new Promise((resolve) => proxy.listen(port, '127.0.0.1', resolve));
  const d = await startDaemon(chain, `http://127.0.0.1:${port}`);
  try {
    t0 = now();
    const r = await request(d.port, 'POST', '/api/upgrade/submit',
      { body: { artifact: rt.hash, expected_hash: rt.hash, upgrade_type: 'sudo' } });
    lines.push(`${at(now())}  202 (${r.status})`);
    if (r.status !== 202) throw new Error(`submit answered ${r.status}: ${r.text.slice(0, 500)}`);
    await readSse(d.port, r.json.sse_endpoint, { timeoutMs: UPGRADE_TIMEOUT_MS, stopAfter: (evs) => {
      const e = evs.at(-1);
      lines.push(`${at(now())}  SSE ${e.event}${e.data.step ? ` ${e.data.step}` : ''}`);
      return e.event !== 'step';
    } });
  } finally {
    await stopDaemon(d);
    proxy.close();
    await chain.stop();
  }
  console.log(`\nrtforge ${rt.label} ${rt.kind}: JSON-RPC calls from the request on`);
  for (const l of lines) console.log(`  ${l}`);
}

// --- the run ---
async function main() {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'rtforge-bench-upgrade-'));
  // As root the workers run as their own users: they must reach the state.
  fs.chmodSync(work, 0o755);

  const plain = withSpecVersion(toPlainWasm(readGenesisCode(genesisSpec)), SPEC_VERSION);
  const runtimes = [
    { key: 'plain', bytes: plain, file: `rococo-${SPEC_VERSION}.compact.wasm`, kind: 'uncompressed' },
    { key: 'compressed', bytes: compressRuntime(plain),
      file: `rococo-${SPEC_VERSION}.compact.compressed.wasm`, kind: 'compressed' },
  ];
  for (const rt of runtimes) {
    rt.path = path.join(work, rt.file);
    fs.writeFileSync(rt.path, rt.bytes);
    rt.hash = b2sum256(rt.path);
    rt.label = `${(rt.bytes.length / 1e6).toFixed(1)} MB`;
    rt.rtforge = [];
    rt.polkadotJs = [];
  }
  console.log(trace ? 'upgrade trace: one rtforge upgrade of each runtime, on a fresh chain' :
    `upgrade benchmark: ${rounds} rounds, each runtime by each side on a fresh chain, in turns`);
  for (const rt of runtimes)
    console.log(`  ${rt.label} ${rt.kind}: ${rt.bytes.length} bytes, spec ${SPEC_VERSION}, ${rt.hash}`);

  // The artifacts: uploaded once, into the state every daemon shares.
  let chainNext = startChain();
  const setup = await startDaemon(await chainNext);
  try {
    for (const rt of runtimes) await makeArtifact(setup, rt);
  } finally {
    await stopDaemon(setup);
  }
  if (trace) {
    for (let i = 0; i < runtimes.length; i++) {
      await traceRtforge(await chainNext, runtimes[i]);
      chainNext = i + 1 < runtimes.length ? startChain() : null;
    }
    return;
  }

  // In turns: the side that goes first changes every round. Without an
  // explicit ROUNDS, a round that would end past the time budget is not
  // started (a loaded machine gets fewer rounds, never fewer than 2).
  const began = now();
  let done = 0;
  for (let round = 0; round < rounds; round++) {
    const steps = [];
    for (const rt of runtimes) {
      const sides = ['rtforge', 'polkadotJs'];
      if (round % 2) sides.reverse();
      for (const side of sides) steps.push({ rt, side });
    }
    for (let i = 0; i < steps.length; i++) {
      const { rt, side } = steps[i];
      const chain = await chainNext;
      const m = side === 'rtforge' ? await measureRtforge(chain, rt) : await measurePolkadotJs(chain, rt);
      // The next chain starts while this upgrade finishes; neither is timed.
      chainNext = i + 1 < steps.length || round + 1 < rounds ? startChain() : null;
      await m.landed;
      rt[side].push(m.result);
      const r = m.result;
      console.log(`round ${round + 1} ${rt.label} ${side === 'rtforge' ? 'rtforge' : '@polkadot/api'}: ` +
        `${ms(r.ms)} ms, client CPU ${ms(r.cpuMs)} ms, chain CPU ${ms(r.chainCpuMs)} ms, ` +
        `peak RSS ${mib(r.hwmKb)} MiB` + (side === 'rtforge' ? ` (202 after ${ms(r.acceptedMs)} ms)` :
        ` (create ${ms(r.createMs)} + sign ${ms(r.signMs)} + submit ${ms(r.submitMs)} ms; ` +
        `module load ${ms(r.loadMs)} ms, untimed)`));
    }
    done = round + 1;
    const spent = now() - began;
    if (!roundsGiven && done >= MIN_ROUNDS && done < rounds && spent + spent / done > BUDGET_MS) {
      console.log(`stopping after ${done} rounds: another would end past the ${BUDGET_MS / 1000} s budget ` +
        '(give ROUNDS to run a fixed number)');
      if (chainNext) await (await chainNext).stop();
      break;
    }
  }
  report(runtimes, done);
}

function report(runtimes, rounds) {
  const rows = [];
  const lines = [];
  const med = (xs, f) => median(xs.map(f));
  const range = (xs) => `${ms(Math.min(...xs.map((x) => x.ms)))}-${ms(Math.max(...xs.map((x) => x.ms)))}`;
  for (const rt of runtimes) {
    const R = rt.rtforge, P = rt.polkadotJs;
    const rMs = med(R, (x) => x.ms), pMs = med(P, (x) => x.ms);
    const rKb = med(R, (x) => x.hwmKb), pKb = med(P, (x) => x.hwmKb);
    const rCpu = med(R, (x) => x.cpuMs), pCpu = med(P, (x) => x.cpuMs);
    const paired = median(R.map((x, i) => P[i].ms / x.ms));
    rows.push([`${rt.label} ${rt.kind}`, 'rtforge', ms(rMs), range(R), ms(rCpu),
      ms(med(R, (x) => x.chainCpuMs)), mib(rKb),
      `202 after ${ms(med(R, (x) => x.acceptedMs))}; sign worker idle ${mib(med(R, (x) => x.idleKb))} MiB, ` +
      `whole upgrade ${mib(med(R, (x) => x.wholeKb))} MiB`]);
    rows.push(['', '@polkadot/api', ms(pMs), range(P), ms(pCpu), ms(med(P, (x) => x.chainCpuMs)), mib(pKb),
      `create ${ms(med(P, (x) => x.createMs))} + sign ${ms(med(P, (x) => x.signMs))} + ` +
      `submit ${ms(med(P, (x) => x.submitMs))}; module load ${ms(med(P, (x) => x.loadMs))}, untimed`]);
    const speed = pMs / rMs;
    lines.push(`upgrade ${rt.label}: rtforge ${ms(rMs)} ms, @polkadot/api ${ms(pMs)} ms, ratio Y/X = ` +
      `${speed.toFixed(2)}× (goal ≥ ${GOAL_SPEED}×: ${speed >= GOAL_SPEED ? 'met' : 'not met'}; ` +
      `median of the rounds' ratios ${paired.toFixed(2)}×)`);
    lines.push(`  client CPU ${rt.label}: rtforge-sign ${ms(rCpu)} ms, @polkadot/api process ${ms(pCpu)} ms, ` +
      `ratio ${(pCpu / rCpu).toFixed(1)}×`);
    lines.push(`  footprint ${rt.label}: rtforge-sign peak RSS ${mib(rKb)} MiB, @polkadot/api process ` +
      `${mib(pKb)} MiB, ratio ${(pKb / rKb).toFixed(1)}×`);
  }
  const head = ['runtime', 'client', 'median ms', 'range ms', 'client CPU ms', 'chain CPU ms',
    'peak RSS MiB', 'details (medians, ms)'];
  const right = new Set([2, 4, 5, 6]);
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r) => r.map((c, i) => (right.has(i) ? c.padStart(width[i]) : c.padEnd(width[i]))).join('  ').trimEnd();
  console.log('');
  console.log(`medians over ${rounds} rounds; time = from the request until the node answered ` +
    'author_submitExtrinsic; CPU = used in that time by the client process (rtforge: the sign worker) ' +
    'and by the chopsticks node');
  console.log(fmt(head));
  console.log(width.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(fmt(r));
  console.log('');
  for (const l of lines) console.log(l);
}

await main();
process.exit(0);
