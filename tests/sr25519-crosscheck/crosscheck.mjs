// Cross-checks rtforge's sr25519 and ed25519 (worker-sign/sr25519.c,
// ed25519.c, suri.c) against @polkadot/keyring and @polkadot/util-crypto,
// which the repository's node_modules already holds. @polkadot/util-crypto
// 14 signs and verifies sr25519 with @scure/sr25519 (JavaScript); as a
// second, independent oracle, @polkadot/wasm-crypto runs Rust schnorrkel
// compiled to WebAssembly, and checks keys and signatures too.
//
// Usage: node tests/sr25519-crosscheck/crosscheck.mjs SR25519_TOOL
//   SR25519_TOOL  the test-only driver built from tests/unit/sr25519_tool.c
//
// Checks, for both schemes:
//   * public keys from fixed and from fresh random secret URIs match
//     Keyring.addFromUri (hard and, for sr25519, soft junctions; numbers,
//     long junctions, passwords, hex seeds);
//   * our (fresh, randomised for sr25519) signatures verify in polkadot-js,
//     theirs verify with our code;
//   * tampered messages, signatures and keys are rejected both ways.
// Prints "N passed, N failed" and exits non-zero on any failure.

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, ed25519Verify, sr25519Verify } from '@polkadot/util-crypto';
import * as schnorrkel from '@polkadot/wasm-crypto';

const [toolArg] = process.argv.slice(2);
if (!toolArg) {
  console.error('usage: node crosscheck.mjs SR25519_TOOL');
  process.exit(2);
}
const toolPath = resolve(toolArg);

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

function tool(...args) {
  try {
    return { status: 0, stdout: execFileSync(toolPath, args, { encoding: 'utf8' }).trim() };
  } catch (err) {
    if (err.status === 1) return { status: 1, stdout: '' };
    throw err;
  }
}

const ourPublic = (type, suri) => tool('public', type, suri).stdout;
const ourSign = (type, suri, msg) => Buffer.from(tool('sign', type, suri, hex(msg)).stdout, 'hex');
const ourVerify = (type, pk, msg, sig) => tool('verify', type, hex(pk), hex(msg), hex(sig)).status === 0;
// A tampered R may not decode at all; polkadot-js throws then, which is
// a rejection too.
function theirVerify(type, msg, sig, pk) {
  try {
    return (type === 'sr25519' ? sr25519Verify : ed25519Verify)(msg, sig, pk);
  } catch {
    return false;
  }
}

function flipped(buf, offset, mask = 0x01) {
  const copy = Buffer.from(buf);
  copy[offset] ^= mask;
  return copy;
}

const OTHER = 'cat forget teach wink roast alter dash avoid vendor bulb maple person';

function randomSuri(type) {
  const junctions = [];
  const n = 1 + (randomBytes(1)[0] % 4);
  for (let i = 0; i < n; i++) {
    const soft = type === 'sr25519' && randomBytes(1)[0] % 3 === 0;
    const kind = randomBytes(1)[0] % 3;
    const text = kind === 0 ? String(randomBytes(4).readUInt32LE())
      : kind === 1 ? `j${randomBytes(4).toString('hex')}`
        : `long junction ${randomBytes(24).toString('hex')}`;
    junctions.push(`${soft ? '/' : '//'}${text}`);
  }
  return `0x${randomBytes(32).toString('hex')}${junctions.join('')}`;
}

function fixedSuris(type) {
  const suris = ['//Alice', '//Bob', '//Alice//stash', '//Charlie//1//2',
    `${OTHER}`, `${OTHER}///a password`, `${OTHER}//polkadot//0///pw/with/slashes`,
    '///dev password'];
  if (type === 'sr25519') suris.push('//Alice/stash', `${OTHER}/soft//hard/7`);
  return suris;
}

const MESSAGES = [
  Buffer.alloc(0),
  Buffer.from('a'),
  randomBytes(32),
  randomBytes(167),
  Buffer.from('rtforge: sr25519 cross-check between polkadot-js and our C code'),
  randomBytes(3000),
];

await cryptoWaitReady();

for (const type of ['sr25519', 'ed25519']) {
  const ring = new Keyring({ type });
  const suris = [...fixedSuris(type)];
  for (let i = 0; i < 6; i++) suris.push(randomSuri(type));

  for (const suri of suris) {
    const theirs = hex(ring.addFromUri(suri).publicKey);
    check(ourPublic(type, suri) === theirs, `${type} ${suri}: public key differs`);
  }

  const suri = suris[suris.length - 1];
  const pair = ring.addFromUri(suri);
  const otherPk = ring.addFromUri('//Dave').publicKey;
  for (const msg of MESSAGES) {
    const label = `${type}, msg of ${msg.length} bytes`;

    const ours = ourSign(type, suri, msg);
    check(ours.length === 64, `${label}: our signature size`);
    check(theirVerify(type, msg, ours, pair.publicKey), `${label}: our signature rejected by polkadot-js`);
    check(!theirVerify(type, Buffer.concat([msg, Buffer.from([0])]), ours, pair.publicKey),
      `${label}: our signature accepted by polkadot-js for a longer message`);
    check(!theirVerify(type, msg, ours, otherPk), `${label}: our signature accepted by polkadot-js under another key`);
    if (type === 'sr25519') {
      check(!ourSign(type, suri, msg).equals(ours), `${label}: sr25519 signing repeated itself`);
    } else {
      check(Buffer.from(pair.sign(msg)).equals(ours), `${label}: ed25519 signatures differ`);
    }

    const theirs = Buffer.from(pair.sign(msg));
    check(ourVerify(type, pair.publicKey, msg, theirs), `${label}: polkadot-js signature rejected by us`);
    check(!ourVerify(type, pair.publicKey, Buffer.concat([msg, Buffer.from([1])]), theirs),
      `${label}: polkadot-js signature accepted by us for a longer message`);
    check(!ourVerify(type, otherPk, msg, theirs), `${label}: polkadot-js signature accepted by us under another key`);
  }

  const msg = MESSAGES[4];
  const ours = ourSign(type, suri, msg);
  const theirs = Buffer.from(pair.sign(msg));
  for (const offset of [0, 17, 31, 32, 45, 62, 63]) {
    check(!ourVerify(type, pair.publicKey, msg, flipped(theirs, offset)),
      `${type}: polkadot-js signature with byte ${offset} flipped accepted by us`);
    check(!theirVerify(type, msg, flipped(ours, offset), pair.publicKey),
      `${type}: our signature with byte ${offset} flipped accepted by polkadot-js`);
  }
  if (type === 'sr25519') {
    // Without schnorrkel's marker bit, neither side accepts the signature.
    check(!ourVerify(type, pair.publicKey, msg, flipped(theirs, 63, 0x80)),
      'sr25519: polkadot-js signature without its marker accepted by us');
    check(!theirVerify(type, msg, flipped(ours, 63, 0x80), pair.publicKey),
      'sr25519: our signature without its marker accepted by polkadot-js');
  }
}

// Rust schnorrkel (WebAssembly): keys from seeds, a hard and a soft
// junction, and signatures both ways. Its keypair is secret ‖ public, the
// secret in polkadot-js's layout.
await schnorrkel.waitReady();
{
  const seed = randomBytes(32);
  const root = schnorrkel.sr25519KeypairFromSeed(seed);
  const rootSuri = `0x${seed.toString('hex')}`;
  check(ourPublic('sr25519', rootSuri) === hex(root.slice(64)), 'schnorrkel: public key from seed differs');

  // "//rtforge" and "/rtforge": SCALE of the text, zero-padded.
  const cc = new Uint8Array(32);
  cc[0] = 7 << 2;
  cc.set(Buffer.from('rtforge'), 1);
  const hard = schnorrkel.sr25519DeriveKeypairHard(root, cc);
  const soft = schnorrkel.sr25519DeriveKeypairSoft(root, cc);
  check(ourPublic('sr25519', `${rootSuri}//rtforge`) === hex(hard.slice(64)), 'schnorrkel: hard derivation differs');
  check(ourPublic('sr25519', `${rootSuri}/rtforge`) === hex(soft.slice(64)), 'schnorrkel: soft derivation differs');

  const pk = hard.slice(64);
  for (const msg of MESSAGES) {
    const label = `schnorrkel, msg of ${msg.length} bytes`;
    const ours = ourSign('sr25519', `${rootSuri}//rtforge`, msg);
    check(schnorrkel.sr25519Verify(ours, msg, pk), `${label}: our signature rejected by schnorrkel`);
    check(!schnorrkel.sr25519Verify(flipped(ours, 40), msg, pk), `${label}: tampered signature accepted by schnorrkel`);
    const theirs = Buffer.from(schnorrkel.sr25519Sign(pk, hard.slice(0, 64), msg));
    check(ourVerify('sr25519', pk, msg, theirs), `${label}: schnorrkel signature rejected by us`);
    check(!ourVerify('sr25519', pk, msg, flipped(theirs, 40)), `${label}: tampered schnorrkel signature accepted by us`);
  }
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
