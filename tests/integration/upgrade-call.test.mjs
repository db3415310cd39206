// rtforge's upgrade calls (worker-sign/upgrade_call.c, through
// bin-asan/tool_upgrade_call) against @polkadot/types, offline: on the
// kitchensink metadata @polkadot/types-support ships (V14 and V15) every
// call is built by both and compared byte for byte, then ours is decoded by
// @polkadot/types and its section, method and arguments checked. On Rococo
// 9140 (its metadata from the genesis runtime, run by chopsticks' wasm
// executor; no chain is started) set_code and sudo_unchecked_weight (a bare
// u64 weight there) are compared too, and authorize_upgrade and
// democracy_proposal must be refused with text naming what is missing.
// Usage: node upgrade-call.test.mjs --root STAGE --label NAME [--user USER]
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { TypeRegistry, Metadata } from '@polkadot/types';
import { decorateExtrinsics } from '@polkadot/types/metadata/decorate';
import { u8aToHex, hexToU8a, compactFromU8a } from '@polkadot/util';
import { blake2AsHex } from '@polkadot/util-crypto';
import { runTask, destroyWorker, emptyTaskHandler } from '@acala-network/chopsticks-core';
import { test, runTests, assert, assertEq } from './lib.mjs';
import { repoRoot, genesisSpec } from './chain.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc, []));
const root = args.root;
const label = args.label || 'run';
const user = args.user || null;
const toolBin = path.join(root, 'bin-asan/tool_upgrade_call');
const SUPPORT = path.join(repoRoot, 'node_modules/@polkadot/types-support/cjs/metadata');

const written = [];	// files this test wrote into the stage, removed at the end

function tool(...argv) {
  let cmd = toolBin, list = argv;
  if (user) {
    cmd = 'setpriv';
    list = ['--reuid', user, '--regid', user, '--init-groups', '--', toolBin, ...argv];
  }
  return new Promise((resolve) => {
    execFile(cmd, list, { timeout: 120000, maxBuffer: 128 << 20, env: {
      PATH: '/usr/local/bin:/usr/bin:/bin', ASAN_OPTIONS: 'detect_leaks=1',
    } }, (err, stdout, stderr) => resolve({
      code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr,
    }));
  });
}

async function ours(...argv) {
  const r = await tool(...argv);
  assertEq(r.code, 0, `tool_upgrade_call ${argv[0]} exit code (stderr: ${r.stderr.slice(0, 300)})`);
  const hex = r.stdout.trim();
  assert(/^0x[0-9a-f]+$/.test(hex), `tool_upgrade_call ${argv[0]} printed ${hex.slice(0, 80)}`);
  return hex;
}

function writeShared(name, data) {
  const file = path.join(root, `${name}-${label}`);
  fs.writeFileSync(file, data);
  fs.chmodSync(file, 0o644);
  written.push(file);
  return file;
}

// The raw blob ("meta", version, …) from any form: the V15 files hold
// Option<OpaqueMetadata>, Metadata_metadata answers OpaqueMetadata.
function rawBlob(u8) {
  const isMagic = (at) => u8[at] === 0x6d && u8[at + 1] === 0x65 && u8[at + 2] === 0x74 && u8[at + 3] === 0x61;
  if (isMagic(0)) return u8;
  for (const start of [1, 0]) {	// Option's Some byte, or none
    const [off, len] = compactFromU8a(u8.subarray(start));
    if (isMagic(start + off) && start + off + len.toNumber() === u8.length) return u8.subarray(start + off);
  }
  throw new Error('metadata: no "meta" magic where any of its forms puts it');
}

function supportHex(name) {
  const text = fs.readFileSync(path.join(SUPPORT, `${name}-hex.js`), 'utf8');
  const m = text.match(/'(0x[0-9a-f]+)'/);
  assert(m, `hex string in ${name}-hex.js`);
  return m[1];
}

// Rococo 9140's Metadata_metadata, from the genesis code, offline.
async function rococoHex() {
  const top = JSON.parse(fs.readFileSync(genesisSpec, 'utf8')).genesis.raw.top;
  const r = await runTask({
    wasm: top['0x3a636f6465'], calls: [['Metadata_metadata', []]],
    mockSignatureHost: false, allowUnresolvedImports: false, runtimeLogLevel: 0,
  }, { ...emptyTaskHandler, getStorage: async (k) => top[k] });
  assert(r.Call, `Metadata_metadata: ${JSON.stringify(r).slice(0, 300)}`);
  return r.Call.result;
}

// @polkadot/types' view of one metadata: its registry, the decorated
// calls (tx.system.setCode …) and our tool's metadata file.
function chainOf(name, hex) {
  const registry = new TypeRegistry();
  const metadata = new Metadata(registry, rawBlob(hexToU8a(hex)));
  registry.setMetadata(metadata);
  const tx = decorateExtrinsics(registry, metadata.asLatest, metadata.version);
  return { name, registry, metadata, tx, file: writeShared(`upgrade-md-${name.replace(/\W/g, '_')}`, hex) };
}

// The zero value of a call argument's type, as @polkadot/types makes it.
function zeroArg(c, fn, index) {
  return c.registry.createType(fn.meta.args[index].type.toString());
}

function minimumDeposit(c) {
  const pallet = c.metadata.asLatest.pallets.find((p) => p.name.toString() === 'Democracy');
  const k = pallet.constants.find((x) => x.name.toString() === 'MinimumDeposit');
  return c.registry.createType(c.registry.lookup.getTypeDef(k.type).type, k.value);
}

// Ours equals theirs; on a difference says where, never the whole call.
function same(mine, theirs, what) {
  const t = theirs.toHex();
  if (mine === t) return;
  let i = 0;
  while (i < mine.length && mine[i] === t[i]) i++;
  throw new Error(`${what}: ours (${(mine.length - 2) / 2} bytes) and @polkadot/types' ` +
    `(${(t.length - 2) / 2} bytes) differ at byte ${(i - 2) >> 1}: ` +
    `ours …${mine.slice(i, i + 40)}, theirs …${t.slice(i, i + 40)}`);
}

// Decodes our bytes with @polkadot/types: the call it names and its args.
function decoded(c, hex, section, method) {
  const call = c.registry.createType('Call', hex);
  assertEq(call.section, section, `${hex.slice(0, 10)} section`);
  assertEq(call.method, method, `${hex.slice(0, 10)} method`);
  assertEq(call.toHex(), hex, 'decoded and re-encoded');
  return call;
}

const CODE = '0x' + Array.from({ length: 300 }, (_, i) => ((i * 37 + 11) & 255).toString(16).padStart(2, '0')).join('');
const HASH = blake2AsHex(hexToU8a(CODE), 256);
const chains = [];
let rococo = null;

test('the metadata: kitchensink V14 and V15 from types-support, Rococo 9140 from its genesis runtime', async () => {
  chains.push(chainOf('kitchensink-v14', supportHex('v14/substrate')));
  chains.push(chainOf('kitchensink-v15', supportHex('v15/substrate')));
  rococo = chainOf('rococo-9140', await rococoHex());
  assertEq(rococo.metadata.version, 14, 'Rococo metadata version');
  for (const c of [...chains, rococo]) {
    console.log(`  ${c.name}: V${c.metadata.version}, ${c.metadata.asLatest.pallets.length} pallets`);
  }
});

test('every upgrade type is supported on kitchensink', async () => {
  for (const c of chains) {
    for (const type of ['sudo', 'authorize_upgrade', 'democracy_proposal']) {
      const r = await tool('supported', c.file, type);
      assertEq(r.code, 0, `${c.name} ${type} (stderr: ${r.stderr})`);
      assertEq(r.stdout.trim(), 'ok', `${c.name} ${type}`);
    }
  }
});

test('System.set_code matches @polkadot/types and decodes as system.setCode', async () => {
  for (const c of [...chains, rococo]) {
    const mine = await ours('set_code', c.file, CODE);
    same(mine, c.tx.system.setCode(CODE), `${c.name} set_code`);
    const call = decoded(c, mine, 'system', 'setCode');
    assertEq(call.args[0].toHex(), CODE, `${c.name} set_code's code`);
  }
});

test('Sudo.sudo(set_code) matches and decodes with the inner call', async () => {
  for (const c of [...chains, rococo]) {
    const inner = await ours('set_code', c.file, CODE);
    const mine = await ours('sudo', c.file, inner);
    same(mine, c.tx.sudo.sudo(c.tx.system.setCode(CODE)), `${c.name} sudo`);
    const call = decoded(c, mine, 'sudo', 'sudo');
    assertEq(call.args[0].section, 'system', `${c.name} inner section`);
    assertEq(call.args[0].method, 'setCode', `${c.name} inner method`);
    assertEq(call.args[0].args[0].toHex(), CODE, `${c.name} inner code`);
  }
});

test('Sudo.sudo_unchecked_weight(set_code, 0) matches: {refTime, proofSize} on kitchensink, u64 on Rococo', async () => {
  for (const c of [...chains, rococo]) {
    const inner = await ours('set_code', c.file, CODE);
    const mine = await ours('sudo_unchecked_weight', c.file, inner);
    const fn = c.tx.sudo.sudoUncheckedWeight;
    same(mine, fn(c.tx.system.setCode(CODE), zeroArg(c, fn, 1)), `${c.name} sudo_unchecked_weight`);
    const call = decoded(c, mine, 'sudo', 'sudoUncheckedWeight');
    assertEq(call.args[0].method, 'setCode', `${c.name} inner method`);
    const weight = call.args[1].toJSON();
    if (c === rococo) {
      assertEq(weight, 0, 'Rococo weight');
      assertEq(mine.length, inner.length + 4 + 16, 'Rococo: a u64 weight is 8 bytes');
    } else {
      assertEq(JSON.stringify(weight), JSON.stringify({ refTime: 0, proofSize: 0 }), `${c.name} weight`);
      assertEq(mine.length, inner.length + 4 + 4, `${c.name}: two compact zeros`);
    }
  }
});

test('System.authorize_upgrade(hash) and apply_authorized_upgrade(code) match and decode', async () => {
  for (const c of chains) {
    const auth = await ours('authorize_upgrade', c.file, HASH);
    same(auth, c.tx.system.authorizeUpgrade(HASH), `${c.name} authorize_upgrade`);
    assertEq(decoded(c, auth, 'system', 'authorizeUpgrade').args[0].toHex(), HASH, 'code_hash');
    const apply = await ours('apply_authorized_upgrade', c.file, CODE);
    same(apply, c.tx.system.applyAuthorizedUpgrade(CODE), `${c.name} apply_authorized_upgrade`);
    assertEq(decoded(c, apply, 'system', 'applyAuthorizedUpgrade').args[0].toHex(), CODE, 'code');
  }
});

test('Preimage.note_preimage(set_code) and Democracy.propose(Lookup, MinimumDeposit) match and decode', async () => {
  for (const c of chains) {
    const inner = await ours('set_code', c.file, CODE);
    const note = await ours('note_preimage', c.file, inner);
    same(note, c.tx.preimage.notePreimage(inner), `${c.name} note_preimage`);
    assertEq(decoded(c, note, 'preimage', 'notePreimage').args[0].toHex(), inner, 'noted bytes');

    const hash = blake2AsHex(hexToU8a(inner), 256);
    const len = hexToU8a(inner).length;
    const mine = await ours('democracy_propose', c.file, hash, String(len));
    const deposit = minimumDeposit(c);
    assert(deposit.toBigInt() > 0n, `${c.name} MinimumDeposit is ${deposit}`);
    same(mine, c.tx.democracy.propose({ Lookup: { hash, len } }, deposit), `${c.name} propose`);
    const call = decoded(c, mine, 'democracy', 'propose');
    assert(call.args[0].isLookup, `${c.name} proposal is a Lookup`);
    assertEq(call.args[0].asLookup.hash_.toHex(), hash, 'Lookup hash');
    assertEq(call.args[0].asLookup.len.toNumber(), len, 'Lookup len');
    assertEq(call.args[1].toBigInt(), deposit.toBigInt(), 'value is MinimumDeposit');
  }
});

// @polkadot/types builds a 16 MiB call but will not decode one (its Bytes
// stop at 10 MiB), so here the bytes are compared, not decoded.
test('a 16 MiB code: set_code and sudo_unchecked_weight from a file match @polkadot/types', async () => {
  const c = chains[1];
  const code = new Uint8Array(16 << 20);
  for (let i = 0; i < code.length; i++) code[i] = (i * 7 + (i >> 12)) & 255;
  const file = writeShared('upgrade-code-16m', code);
  const mine = await ours('set_code', c.file, `@${file}`);
  // As hex: @polkadot/types reads a Uint8Array as length-prefixed.
  const theirs = c.tx.system.setCode(u8aToHex(code));
  same(mine, theirs, 'set_code of 16 MiB');
  const callFile = writeShared('upgrade-call-16m', hexToU8a(mine));
  const sudo = await ours('sudo_unchecked_weight', c.file, `@${callFile}`);
  const fn = c.tx.sudo.sudoUncheckedWeight;
  same(sudo, fn(theirs, zeroArg(c, fn, 1)), 'sudo_unchecked_weight of 16 MiB');
  const r = await tool('set_code', c.file, `@${writeShared('upgrade-code-over', new Uint8Array((16 << 20) + 1))}`);
  assertEq(r.code, 1, 'one byte over 16 MiB: exit code');
  assert(/over the 16777216-byte limit/.test(r.stderr), `reason: ${r.stderr}`);
});

test('Rococo 9140 refuses authorize_upgrade and democracy_proposal, naming what is missing', async () => {
  const f = rococo.file;
  let r = await tool('supported', f, 'sudo');
  assertEq(r.code, 0, `sudo is supported (stderr: ${r.stderr})`);
  r = await tool('supported', f, 'authorize_upgrade');
  assertEq(r.code, 1, 'authorize_upgrade: exit code');
  assert(/no System\.authorize_upgrade call/.test(r.stderr), `names the call: ${r.stderr}`);
  assert(/use upgrade_type "sudo"/.test(r.stderr), `says what to use: ${r.stderr}`);
  r = await tool('authorize_upgrade', f, HASH);
  assertEq(r.code, 1, 'authorize_upgrade call: exit code');
  assert(/System\.authorize_upgrade/.test(r.stderr), `names the call: ${r.stderr}`);
  assertEq(r.stdout, '', 'no call printed');
  r = await tool('apply_authorized_upgrade', f, CODE);
  assertEq(r.code, 1, 'apply_authorized_upgrade: exit code');
  assert(/System\.apply_authorized_upgrade/.test(r.stderr), `names the call: ${r.stderr}`);
  r = await tool('supported', f, 'democracy_proposal');
  assertEq(r.code, 1, 'democracy_proposal: exit code');
  assert(/no Preimage pallet/.test(r.stderr), `names the pallet: ${r.stderr}`);
  assert(/use upgrade_type "sudo"/.test(r.stderr), `says what to use: ${r.stderr}`);
  r = await tool('democracy_propose', f, HASH, '9');
  assertEq(r.code, 1, 'democracy_propose: exit code');
  assert(/no Democracy pallet/.test(r.stderr), `names the pallet: ${r.stderr}`);
  assertEq(rococo.tx.democracy, undefined, '@polkadot/types agrees: no democracy');
  assertEq(rococo.tx.preimage, undefined, '@polkadot/types agrees: no preimage');
  assertEq(rococo.tx.system.authorizeUpgrade, undefined, '@polkadot/types agrees: no authorizeUpgrade');
});

test('bad arguments: empty code, a call that is not one, a short hash', async () => {
  const c = chains[1];
  let r = await tool('set_code', c.file, '0x');
  assertEq(r.code, 1, 'empty code: exit code');
  assert(/the code is empty/.test(r.stderr), `reason: ${r.stderr}`);
  r = await tool('sudo', c.file, '0xffff00');
  assertEq(r.code, 1, 'not a call: exit code');
  assert(/does not decode/.test(r.stderr), `reason: ${r.stderr}`);
  r = await tool('authorize_upgrade', c.file, '0x1234');
  assertEq(r.code, 2, 'a 2-byte hash: usage exit code');
  r = await tool('supported', c.file, 'sudo_please');
  assertEq(r.code, 2, 'unknown upgrade type: exit code');
});

runTests(label).then(async (failed) => {
  await destroyWorker().catch(() => {});
  if (!failed) for (const f of written) fs.rmSync(f, { force: true });
  process.exitCode = failed ? 1 : 0;
});
