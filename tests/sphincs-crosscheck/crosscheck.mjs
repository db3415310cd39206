// Cross-checks rtforge's SPHINCS+-SHAKE-256f-simple (round 3.1) against an
// independent implementation: PQClean, through the npm package
// pqclean@0.8.1 and its WebAssembly backend. PQClean is only an oracle
// here; none of its code is compiled into rtforge.
//
// Usage: node crosscheck.mjs PQCLEAN_PACKAGE_DIR SPHINCS_TOOL [--write-vector FILE]
//   PQCLEAN_PACKAGE_DIR  e.g. /tmp/pqc/node_modules/pqclean
//   SPHINCS_TOOL         the test-only driver built from tests/unit/sphincs_tool.c
//   --write-vector FILE  also writes a PQClean-made vector for the unit test:
//                        pk (64) ‖ sk (128) ‖ signature (49,856) ‖ message (rest),
//                        a throwaway key made by PQClean for this test only
//
// Checks:
//   * keys made by PQClean give the same public key when we recompute the
//     root from the secret key's seeds (not copied from its tail);
//   * PQClean's (randomised) signatures verify with our code, and tampered
//     messages and signatures do not;
//   * our deterministic and randomised signatures verify with PQClean, and
//     tampered ones do not; our deterministic signing repeats exactly.
// Prints "N passed, N failed" and exits non-zero on any failure.

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ALGORITHM = 'sphincs-shake-256f-simple';
const SIG_BYTES = 49856;

const [pqcleanDir, toolArg, ...rest] = process.argv.slice(2);
if (!pqcleanDir || !toolArg) {
  console.error('usage: node crosscheck.mjs PQCLEAN_PACKAGE_DIR SPHINCS_TOOL [--write-vector FILE]');
  process.exit(2);
}
const toolPath = resolve(toolArg);
const vectorPath = rest[0] === '--write-vector' ? rest[1] : null;

// The package's index.js needs a file its install script writes; npm may
// not have run that script, and the WebAssembly backend works without it.
function loadPqclean(dir) {
  const require = createRequire(import.meta.url);
  const absolute = resolve(dir);
  try {
    return require(absolute);
  } catch {
    return require(join(absolute, 'wasm'));
  }
}

const { Sign } = loadPqclean(pqcleanDir);
const pqc = new Sign(ALGORITHM);
const work = mkdtempSync(join(tmpdir(), 'sphincs-crosscheck-'));
let passed = 0;
let failed = 0;

function check(ok, what) {
  if (ok) {
    passed++;
  } else {
    failed++;
    console.error(`FAIL ${what}`);
  }
}

const hex = (buf) => (buf.length === 0 ? '-' : Buffer.from(buf).toString('hex'));

// Runs the tool; returns { status, stdout } without throwing on exit 1.
function tool(...args) {
  try {
    return { status: 0, stdout: execFileSync(toolPath, args, { encoding: 'utf8' }) };
  } catch (err) {
    if (err.status === 1) return { status: 1, stdout: err.stdout };
    throw err;
  }
}

function ourVerify(pk, msg, sig) {
  const path = join(work, 'sig.bin');
  writeFileSync(path, sig);
  return tool('verify', hex(pk), hex(msg), path).status === 0;
}

function ourSign(sk, msg, optRand) {
  const path = join(work, 'our-sig.bin');
  const args = ['sign', hex(sk), hex(msg), path];
  if (optRand) args.push(hex(optRand));
  tool(...args);
  return readFileSync(path);
}

function flipped(buf, offset) {
  const copy = Buffer.from(buf);
  copy[offset] ^= 0x01;
  return copy;
}

// One offset in R, in FORS, and in the WOTS part and auth path of the
// bottom, a middle and the top hypertree layer.
const TAMPER_OFFSETS = [0, 32 + 5000, 11232 + 100, 11232 + 2144 + 10,
  11232 + 8 * 2272 + 700, 11232 + 16 * 2272 + 2200, SIG_BYTES - 1];

const MESSAGES = [
  Buffer.alloc(0),
  Buffer.from('a'),
  randomBytes(32),
  randomBytes(33),
  Buffer.from('rtforge: SPHINCS+ cross-check between PQClean and our C code'),
  randomBytes(3000),
];

try {
  const keys = [pqc.keypair(), pqc.keypair(), pqc.keypair()];

  for (const [i, { publicKey, privateKey }] of keys.entries()) {
    check(publicKey.length === 64 && privateKey.length === 128, `key ${i} sizes`);
    const ours = tool('pk-from-sk', hex(privateKey)).stdout.trim();
    check(ours === hex(publicKey), `key ${i}: pk recomputed from seeds ${ours} != ${hex(publicKey)}`);
  }

  const { publicKey: pk, privateKey: sk } = keys[0];
  const otherPk = keys[1].publicKey;

  for (const msg of MESSAGES) {
    const label = `msg of ${msg.length} bytes`;

    // Theirs, verified by us.
    const theirs = pqc.sign(sk, msg);
    check(theirs.length === SIG_BYTES, `${label}: pqclean sig size`);
    check(ourVerify(pk, msg, theirs), `${label}: pqclean sig rejected by us`);
    check(!ourVerify(pk, Buffer.concat([msg, Buffer.from([0])]), theirs),
      `${label}: pqclean sig accepted by us for a longer message`);
    check(!ourVerify(otherPk, msg, theirs), `${label}: pqclean sig accepted by us under another pk`);

    // Ours, verified by them: deterministic (the default) and randomised.
    const det = ourSign(sk, msg);
    check(det.length === SIG_BYTES, `${label}: our sig size`);
    check(pqc.verify(pk, msg, det), `${label}: our deterministic sig rejected by pqclean`);
    check(ourSign(sk, msg).equals(det), `${label}: deterministic signing not repeatable`);
    const rnd = ourSign(sk, msg, randomBytes(32));
    check(!rnd.equals(det), `${label}: randomised sig equals deterministic one`);
    check(pqc.verify(pk, msg, rnd), `${label}: our randomised sig rejected by pqclean`);
    check(!pqc.verify(pk, Buffer.concat([msg, Buffer.from([1])]), det),
      `${label}: our sig accepted by pqclean for a longer message`);
  }

  // Tampering, both ways, on one message.
  const msg = MESSAGES[4];
  const theirs = pqc.sign(sk, msg);
  const ours = ourSign(sk, msg);
  for (const offset of TAMPER_OFFSETS) {
    check(!ourVerify(pk, msg, flipped(theirs, offset)), `pqclean sig with byte ${offset} flipped accepted by us`);
    check(!pqc.verify(pk, msg, flipped(ours, offset)), `our sig with byte ${offset} flipped accepted by pqclean`);
  }

  if (vectorPath) {
    writeFileSync(vectorPath, Buffer.concat([pk, sk, theirs, msg]));
    console.log(`wrote ${vectorPath}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
