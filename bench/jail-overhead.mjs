// Benchmark: a clean build of the demo workspace, jailed and bare, in
// turns, in one run. Prints each time and the median ratio jailed/bare
// (goal: at most 1.05). Usage: node bench/jail-overhead.mjs [ROUNDS]
// Run through `make bench`, which builds bin/ first.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Daemon, freePort, request, readSse } from '../tests/integration/lib.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rounds = Number(process.argv[2] || 3);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rtforge-bench-'));
// As root the build worker runs as rtforge-build: it must reach its state.
fs.chmodSync(work, 0o755);

async function daemon(name, jail) {
  const state = path.join(work, `state-${name}`);
  fs.mkdirSync(state);
  const overlay = path.join(work, `${name}.json`);
  fs.writeFileSync(overlay, JSON.stringify({ build: { jail } }));
  const d = new Daemon({ root: repo, state, source: path.join(repo, 'tests/demo-workspace'),
    port: await freePort(), logFile: path.join(work, `${name}.log`), extraArgs: ['-f', overlay],
    binDir: 'bin' });
  await d.start();
  return d;
}

async function cleanBuildSeconds(d) {
  const started = process.hrtime.bigint();
  const r = await request(d.port, 'POST', '/api/build/runtime', { body: { clean: true } });
  const s = await readSse(d.port, r.json.sse_endpoint, { timeoutMs: 900000 });
  const last = s.events.at(-1);
  if (last.event !== 'complete') throw new Error(`build failed: ${JSON.stringify(last.data)}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

const jailed = await daemon('jailed', true);
const bare = await daemon('bare', false);
try {
  // One warm-up each, so that both start from the same page cache.
  await cleanBuildSeconds(jailed);
  await cleanBuildSeconds(bare);
  const ratios = [];
  for (let i = 0; i < rounds; i++) {
    const j = await cleanBuildSeconds(jailed);
    const b = await cleanBuildSeconds(bare);
    ratios.push(j / b);
    console.log(`round ${i + 1}: jailed ${j.toFixed(1)} s, bare ${b.toFixed(1)} s, ratio ${(j / b).toFixed(3)}`);
  }
  console.log(`median jailed/bare ratio over ${rounds} rounds: ${median(ratios).toFixed(3)} (goal <= 1.05)`);
} finally {
  await jailed.stop();
  await bare.stop();
  fs.rmSync(work, { recursive: true, force: true });
}
