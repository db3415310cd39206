// Benchmark (issue #5): time to sign and verify a 32-byte payload with
// rtforge's own signers (bin/bench_sign, built from bench/sign_bench.c like
// the sign worker), against independent implementations measured in turns
// in the same run, because this machine is shared and noisy:
//   SPHINCS+-SHAKE-256f-simple  PQClean (npm pqclean@0.8.1): its
//                               WebAssembly backend, and its native
//                               addon (-O3 C) where npm built it
//   sr25519                     schnorrkel (Rust) in @polkadot/wasm-crypto,
//                               and @polkadot/util-crypto's sr25519Sign
//                               (JavaScript, @scure/sr25519)
//   ed25519                     @polkadot/util-crypto (its WebAssembly)
// Each round takes the median time per operation of each implementation,
// and their ratio; the table shows the medians over the rounds. Key
// generation is outside every timed loop. bench_sign verifies each of its
// own signatures, and here the last one of each scheme must also verify
// with the independent implementation, or the run fails.
//
// Usage: node bench/sign.mjs [ROUNDS [SPHINCS_ITERATIONS [FAST_ITERATIONS]]]
// (defaults 5, 5, 200: about 20 s). Run through `make bench-sign`.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import * as schnorrkel from '@polkadot/wasm-crypto';
import {
  cryptoWaitReady, ed25519PairFromSeed, ed25519Sign, ed25519Verify,
  sr25519PairFromSeed, sr25519Sign, sr25519Verify,
} from '@polkadot/util-crypto';

// A failed check is the result, not a crash: say it in one line.
process.on('uncaughtException', (err) => {
  console.error(`bench/sign.mjs: ${err.message}`);
  process.exit(1);
});

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const SPHINCS = 'sphincs-shake-256f-simple';
const PAYLOAD_LEN = 32;

function count(arg, fallback, what) {
  if (arg === undefined || arg === '') return fallback;
  const n = Number(arg);
  if (!Number.isInteger(n) || n < 1 || n > 100000) {
    console.error(`bench/sign.mjs: ${what} "${arg}": need a whole number from 1 to 100000`);
    process.exit(2);
  }
  return n;
}

const rounds = count(process.argv[2], 5, 'ROUNDS');
const sphincsIterations = count(process.argv[3], 5, 'SPHINCS_ITERATIONS');
const fastIterations = count(process.argv[4], 200, 'FAST_ITERATIONS');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// Median µs of n calls of fn(); fn's result must pass ok().
function time(n, fn, ok, what) {
  const us = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    const r = fn();
    us.push(Number(process.hrtime.bigint() - t0) / 1e3);
    if (!ok(r)) throw new Error(`${what}: a result failed its check (iteration ${i})`);
  }
  return median(us);
}

// Sign then verify n times, each timed; every signature must verify.
function signVerify(n, sign, verify, what) {
  let sig;
  const signUs = time(n, () => (sig = sign()), (s) => s && s.length > 0, `${what} sign`);
  const verifyUs = time(n, () => verify(sig), (v) => v === true, `${what} verify`);
  return { sign: signUs, verify: verifyUs };
}

// --- the baselines, with keys made once, before any timing ---

function pqcleanBaseline(name, Sign) {
  const pqc = new Sign(SPHINCS);
  const { publicKey, privateKey } = pqc.keypair();
  return {
    name, pqc,
    run(msg, n) {
      return signVerify(n, () => pqc.sign(privateKey, msg),
        (sig) => pqc.verify(publicKey, msg, sig), name);
    },
  };
}

// The WebAssembly backend is the one every machine has; the native addon
// exists only where npm ran the package's install script.
function pqcleanBaselines() {
  const list = [pqcleanBaseline('PQClean wasm', require('pqclean/wasm').Sign)];
  try {
    list.push(pqcleanBaseline('PQClean native',
      require('pqclean/build/Release/node_pqclean.node').Sign));
  } catch {
    console.log('(PQClean native addon not built here: its WebAssembly backend only)');
  }
  return list;
}

function polkadotBaselines() {
  const seed = randomBytes(32);
  const ed = ed25519PairFromSeed(seed);
  const sr = sr25519PairFromSeed(seed);
  const kp = schnorrkel.sr25519KeypairFromSeed(seed);
  const srSecret = kp.slice(0, 64);
  const srPublic = kp.slice(64);
  return {
    sr25519: [
      { name: 'schnorrkel wasm', run: (msg, n) => signVerify(n,
        () => schnorrkel.sr25519Sign(srPublic, srSecret, msg),
        (sig) => schnorrkel.sr25519Verify(sig, msg, srPublic), 'schnorrkel') },
      { name: 'util-crypto js', run: (msg, n) => signVerify(n,
        () => sr25519Sign(msg, sr), (sig) => sr25519Verify(msg, sig, sr.publicKey),
        'util-crypto sr25519') },
    ],
    ed25519: [
      { name: 'util-crypto wasm', run: (msg, n) => signVerify(n,
        () => ed25519Sign(msg, ed), (sig) => ed25519Verify(msg, sig, ed.publicKey),
        'util-crypto ed25519') },
    ],
  };
}

// --- rtforge, in its own process ---

function rtforge() {
  const out = execFileSync(path.join(repo, 'bin/bench_sign'),
    [String(sphincsIterations), String(fastIterations)],
    { encoding: 'utf8', maxBuffer: 16 << 20 });
  const result = JSON.parse(out);
  const byScheme = {};
  for (const s of result.schemes) byScheme[s.scheme] = s;
  return { payload: Buffer.from(result.payload, 'hex'), byScheme };
}

// bench_sign checked its own signatures; an implementation we did not
// write must accept them too.
function crossVerify(r, pqcWasm) {
  const hex = (s) => Buffer.from(s, 'hex');
  const sx = r.byScheme[SPHINCS];
  const sr = r.byScheme.sr25519;
  const ed = r.byScheme.ed25519;
  const checks = [
    [SPHINCS, pqcWasm.verify(hex(sx.public_key), r.payload, hex(sx.signature))],
    ['sr25519', schnorrkel.sr25519Verify(hex(sr.signature), r.payload, hex(sr.public_key))],
    ['ed25519', ed25519Verify(r.payload, hex(ed.signature), hex(ed.public_key))],
  ];
  for (const [scheme, ok] of checks) {
    if (!ok) throw new Error(`rtforge's ${scheme} signature is refused by the independent implementation`);
  }
}

await cryptoWaitReady();
await schnorrkel.waitReady();

const baselines = { [SPHINCS]: pqcleanBaselines(), ...polkadotBaselines() };
const label = { [SPHINCS]: 'SPHINCS+', sr25519: 'sr25519', ed25519: 'ed25519' };
const iterations = (scheme) => (scheme === SPHINCS ? sphincsIterations : fastIterations);

// One untimed pass of everything: wasm compiled, JIT warm, pages touched.
const warm = randomBytes(PAYLOAD_LEN);
crossVerify(rtforge(), baselines[SPHINCS][0].pqc);
for (const [scheme, list] of Object.entries(baselines)) {
  for (const b of list) b.run(warm, scheme === SPHINCS ? 1 : 20);
}

// samples[scheme][impl][op] = per-round medians; ratios likewise.
const samples = {};
const ratios = {};
const push = (obj, keys, v) => {
  let o = obj;
  for (const k of keys.slice(0, -1)) o = o[k] ??= {};
  (o[keys.at(-1)] ??= []).push(v);
};

console.log(`signing a ${PAYLOAD_LEN}-byte payload: ${rounds} rounds, `
  + `${sphincsIterations} SPHINCS+ and ${fastIterations} sr25519/ed25519 signatures `
  + 'per implementation per round');
const started = Date.now();
for (let round = 0; round < rounds; round++) {
  const msg = randomBytes(PAYLOAD_LEN);
  const theirs = {};
  const runBaselines = () => {
    for (const [scheme, list] of Object.entries(baselines)) {
      for (const b of list) theirs[`${scheme}/${b.name}`] = b.run(msg, iterations(scheme));
    }
  };
  // Alternate who goes first, so that neither always gets the quieter turn.
  let ours;
  if (round % 2 === 0) {
    ours = rtforge();
    runBaselines();
  } else {
    runBaselines();
    ours = rtforge();
  }
  crossVerify(ours, baselines[SPHINCS][0].pqc);
  const parts = [];
  for (const [scheme, list] of Object.entries(baselines)) {
    const o = ours.byScheme[scheme];
    for (const op of ['sign', 'verify']) push(samples, [scheme, 'rtforge', op], o[`${op}_us`]);
    for (const b of list) {
      const t = theirs[`${scheme}/${b.name}`];
      for (const op of ['sign', 'verify']) {
        push(samples, [scheme, b.name, op], t[op]);
        push(ratios, [scheme, b.name, op], o[`${op}_us`] / t[op]);
      }
    }
    const first = theirs[`${scheme}/${list[0].name}`];
    parts.push(`${label[scheme]} ${(o.sign_us / first.sign).toFixed(2)} vs ${list[0].name}`);
  }
  console.log(`round ${round + 1}: sign ratio ${parts.join(', ')}`);
}

// --- the report ---

const fmt = (us) => (us >= 1000 ? `${(us / 1000).toFixed(1)} ms` : `${us.toFixed(1)} µs`);
const rows = [['scheme', 'op', 'rtforge', 'baseline', 'baseline time', 'ratio', 'ratio range']];
const summary = [];
for (const [scheme, list] of Object.entries(baselines)) {
  for (const op of ['sign', 'verify']) {
    const ourUs = median(samples[scheme].rtforge[op]);
    for (const b of list) {
      const theirUs = median(samples[scheme][b.name][op]);
      const rs = ratios[scheme][b.name][op];
      const r = median(rs);
      rows.push([label[scheme], op, fmt(ourUs), b.name, fmt(theirUs), r.toFixed(2),
        `${Math.min(...rs).toFixed(2)}–${Math.max(...rs).toFixed(2)}`]);
      summary.push(`${label[scheme]} ${op}: rtforge ${fmt(ourUs)}, ${b.name} ${fmt(theirUs)}, `
        + `ratio rtforge/${b.name} ${r.toFixed(2)}`);
    }
  }
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
console.log('');
for (const row of rows) console.log(row.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
console.log('');
for (const line of summary) console.log(line);
console.log(`(medians over ${rounds} rounds, ratio < 1: rtforge is faster; `
  + `all rtforge signatures verified, by itself and by the baseline; ${((Date.now() - started) / 1000).toFixed(0)} s)`);
