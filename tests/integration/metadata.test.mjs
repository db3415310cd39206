// rtforge's metadata decoder and value codec (common/metadata*.c,
// common/scale_value*.c, through bin-asan/tool_metadata) against
// @polkadot/api on the real test chain (chain.mjs: chopsticks running the
// Rococo 9140 genesis): every pallet, call, event, error, constant and
// storage name and index; call encoding; and the System.Events of real
// blocks (a transfer, a remark, a sudo call that fails) decoded by both.
// Usage: node metadata.test.mjs --root STAGE --label NAME [--user USER]
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, decodeAddress } from '@polkadot/util-crypto';
import { stringCamelCase, u8aToHex } from '@polkadot/util';
import { test, runTests, assert, assertEq } from './lib.mjs';
import { startTestChain, rpc, BOB } from './chain.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc, []));
const root = args.root;
const label = args.label || 'run';
const user = args.user || null;
const toolBin = path.join(root, 'bin-asan/tool_metadata');
const EVENTS_KEY = '0x26aa394eea5630e07c48ae0c9558cef780d41e5e16056765bc8461851072c9d7';

let chain = null;
let api = null;
let mdFile = null;
const blocks = [];	// { what, hash } of the blocks this test produced

function tool(...argv) {
  let cmd = toolBin, list = argv;
  if (user) {
    cmd = 'setpriv';
    list = ['--reuid', user, '--regid', user, '--init-groups', '--', toolBin, ...argv];
  }
  return new Promise((resolve) => {
    execFile(cmd, list, { timeout: 60000, maxBuffer: 64 << 20, env: {
      PATH: '/usr/local/bin:/usr/bin:/bin', ASAN_OPTIONS: 'detect_leaks=1',
    } }, (err, stdout, stderr) => resolve({
      code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr,
    }));
  });
}

async function toolJson(...argv) {
  const r = await tool(...argv);
  assertEq(r.code, 0, `tool_metadata ${argv.slice(0, 2).join(' ')} exit code (stderr: ${r.stderr})`);
  return JSON.parse(r.stdout);
}

function writeShared(name, text) {
  const file = path.join(root, `${name}-${label}`);
  fs.writeFileSync(file, text);
  fs.chmodSync(file, 0o644);
  return file;
}

// Compares rtforge's JSON (scale_value.h's shape) with polkadot-js's
// toJSON() of the same value. The two differ only in spelling: names in
// camelCase there, accounts in SS58, big numbers in hex, Option unwrapped,
// unit variants as {name: null} in some places, named fields as arrays in
// event data. Returns null when equal, else where they differ.
function differs(mine, theirs, where = '') {
  if (mine === null || mine === 'None') {
    if (theirs === null || (Array.isArray(theirs) && theirs.length === 0)) return null;
  }
  if (typeof mine === 'string') {
    if (typeof theirs === 'string') {
      if (mine.toLowerCase() === theirs.toLowerCase()) return null;
      if (/^0x[0-9a-f]{64}$/.test(mine) && !theirs.startsWith('0x')) {
        try { return u8aToHex(decodeAddress(theirs)) === mine ? null : `${where}: ${mine} vs ${theirs}`; } catch { /* not an address */ }
      }
      try { if (BigInt(mine) === BigInt(theirs)) return null; } catch { /* not numbers */ }
      return `${where}: ${JSON.stringify(mine)} vs ${JSON.stringify(theirs)}`;
    }
    if (typeof theirs === 'number') {
      try { return BigInt(mine) === BigInt(theirs) ? null : `${where}: ${mine} vs ${theirs}`; } catch { return `${where}: ${mine} vs ${theirs}`; }
    }
    // A unit variant: "Finalization" vs {finalization: null}.
    if (theirs && typeof theirs === 'object' && !Array.isArray(theirs)) {
      const keys = Object.keys(theirs);
      if (keys.length === 1 && keys[0] === stringCamelCase(mine) && theirs[keys[0]] === null) return null;
    }
    return `${where}: ${JSON.stringify(mine)} vs ${JSON.stringify(theirs)}`;
  }
  if (typeof mine === 'number' || typeof mine === 'boolean') {
    if (typeof theirs === 'string' && typeof mine === 'number') {
      try { if (BigInt(mine) === BigInt(theirs)) return null; } catch { /* fall through */ }
    }
    return mine === theirs ? null : `${where}: ${mine} vs ${JSON.stringify(theirs)}`;
  }
  if (Array.isArray(mine)) {
    if (!Array.isArray(theirs) || theirs.length !== mine.length) {
      return `${where}: ${JSON.stringify(mine).slice(0, 200)} vs ${JSON.stringify(theirs).slice(0, 200)}`;
    }
    for (let i = 0; i < mine.length; i++) {
      const d = differs(mine[i], theirs[i], `${where}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (mine && typeof mine === 'object') {
    const keys = Object.keys(mine);
    // Option: {Some: v} vs v.
    if (keys.length === 1 && keys[0] === 'Some') return differs(mine.Some, theirs, `${where}.Some`);
    if (Array.isArray(theirs)) return differs(Object.values(mine), theirs, where);
    if (!theirs || typeof theirs !== 'object') return `${where}: ${JSON.stringify(mine).slice(0, 200)} vs ${JSON.stringify(theirs)}`;
    const theirKeys = Object.keys(theirs);
    if (theirKeys.length !== keys.length) return `${where}: keys ${keys} vs ${theirKeys}`;
    for (const k of keys) {
      const tk = theirKeys.find((x) => x === k || x === stringCamelCase(k));
      if (tk === undefined) return `${where}: no ${k} in ${theirKeys}`;
      const d = differs(mine[k], theirs[tk], `${where}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return `${where}: ${JSON.stringify(mine)} vs ${JSON.stringify(theirs)}`;
}

function variantNames(lookup, typeOption) {
  if (typeOption.isNone) return [];
  return lookup.getSiType(typeOption.unwrap().type).def.asVariant.variants
    .map((v) => ({ name: v.name.toString(), index: v.index.toNumber() }));
}

test('start the test chain and @polkadot/api on it', async () => {
  chain = await startTestChain({ mode: 'Instant', logFile: path.join(root, `chain-metadata-${label}.log`) });
  await cryptoWaitReady();
  api = await ApiPromise.create({ provider: new WsProvider(chain.wsUrl), noInitWarn: true });
  const hex = await rpc(chain.url, 'state_getMetadata', []);
  mdFile = writeShared('metadata.hex', hex);
});

test('every pallet, call, event, error, constant and storage entry matches @polkadot/api', async () => {
  const mine = await toolJson('summary', mdFile);
  const meta = api.runtimeMetadata;
  assertEq(mine.version, meta.version, 'metadata version');
  assertEq(mine.version, 14, 'Rococo 9140 serves V14');
  const latest = meta.asLatest;
  const lookup = api.registry.lookup;
  assertEq(mine.pallets.length, latest.pallets.length, 'pallet count');
  let calls = 0;
  latest.pallets.forEach((p, i) => {
    const m = mine.pallets[i];
    const name = p.name.toString();
    assertEq(m.name, name, `pallet ${i} name`);
    assertEq(m.index, p.index.toNumber(), `${name} index`);
    for (const [kind, opt] of [['calls', p.calls], ['events', p.events], ['errors', p.errors]]) {
      assertEq(JSON.stringify(m[kind]), JSON.stringify(variantNames(lookup, opt)), `${name} ${kind}`);
    }
    calls += m.calls.length;
    assertEq(JSON.stringify(m.constants), JSON.stringify(p.constants.map((c) => c.name.toString())), `${name} constants`);
    const storage = p.storage.isSome ? p.storage.unwrap().items.map((s) => s.name.toString()) : [];
    assertEq(JSON.stringify(m.storage), JSON.stringify(storage), `${name} storage`);
  });
  assert(calls > 100, `${calls} calls compared`);
  // api.tx agrees on every call index as well.
  for (const m of mine.pallets) {
    for (const c of m.calls) {
      const fn = api.tx[stringCamelCase(m.name)]?.[stringCamelCase(c.name)];
      assert(fn, `api.tx has ${m.name}.${c.name}`);
      assertEq(fn.callIndex[0], m.index, `${m.name}.${c.name} pallet index`);
      assertEq(fn.callIndex[1], c.index, `${m.name}.${c.name} call index`);
    }
  }
  assertEq(mine.extrinsic.version, latest.extrinsic.versions ? Number(latest.extrinsic.versions[0]) : latest.extrinsic.version.toNumber(), 'extrinsic version');
  const exts = (latest.extrinsic.transactionExtensions || latest.extrinsic.signedExtensions).map((e) => e.identifier.toString());
  assertEq(JSON.stringify(mine.extrinsic.signed_extensions), JSON.stringify(exts), 'signed extensions');
  assert(!exts.includes('CheckMetadataHash'), 'Rococo 9140 has no CheckMetadataHash');
});

test('the OpaqueMetadata from state_call Metadata_metadata decodes the same', async () => {
  const opaque = await rpc(chain.url, 'state_call', ['Metadata_metadata', '0x']);
  const file = writeShared('metadata-opaque.hex', opaque);
  const a = await toolJson('summary', mdFile);
  const b = await toolJson('summary', file);
  assertEq(JSON.stringify(b), JSON.stringify(a), 'same summary');
});

test('constants decode as @polkadot/api decodes them', async () => {
  for (const [p, c] of [['System', 'BlockLength'], ['System', 'BlockWeights'], ['System', 'Version'],
    ['Balances', 'ExistentialDeposit'], ['System', 'SS58Prefix']]) {
    const mine = await toolJson('constant', mdFile, p, c);
    const theirs = api.consts[stringCamelCase(p)][stringCamelCase(c)].toJSON();
    const d = differs(mine, theirs, `${p}.${c}`);
    assert(!d, d);
  }
});

test('calls encode byte for byte as @polkadot/api encodes them', async () => {
  const cases = [
    ['System', 'remark', { remark: '0x1234' }, api.tx.system.remark('0x1234')],
    ['Balances', 'transfer', { dest: { Id: BOB }, value: '12345' }, api.tx.balances.transfer(BOB, 12345n)],
    // Weight is a bare u64 on Rococo 9140: the same code builds it from
    // the registry (newer runtimes take {ref_time, proof_size}).
    ['Sudo', 'sudo_unchecked_weight', { call: { System: { set_code: { code: '0x0061736d' } } }, weight: 0 },
      api.tx.sudo.sudoUncheckedWeight(api.tx.system.setCode('0x0061736d'), 0)],
    ['Sudo', 'sudo_unchecked_weight', { call: api.tx.system.setCodeWithoutChecks('0x00').method.toHex(), weight: '0' },
      api.tx.sudo.sudoUncheckedWeight(api.tx.system.setCodeWithoutChecks('0x00'), 0)],
  ];
  for (const [p, c, a, tx] of cases) {
    const mine = await toolJson('encode-call', mdFile, p, c, JSON.stringify(a));
    assertEq(mine, tx.method.toHex(), `${p}.${c}`);
  }
  const r = await tool('encode-call', mdFile, 'Sudo', 'sudo_unchecked_weight',
    JSON.stringify({ call: { System: { remark: { remark: '0x' } } }, weight: { ref_time: 0, proof_size: 0 } }));
  assert(r.code === 1 && /weight/.test(r.stderr), `a V2 weight is refused on 9140: ${r.stderr}`);
});

// Nonces are counted here: right after a block, chopsticks may still
// report the old next index, which makes the next transaction stale.
let nextNonce = null;
async function submit(what, tx, signer) {
  if (nextNonce === null) nextNonce = (await api.query.system.account(signer.address)).nonce.toNumber();
  const nonce = nextNonce++;
  const hash = await new Promise((resolve, reject) => {
    let unsub = null;
    const timer = setTimeout(() => reject(new Error(`${what}: not in a block within 60 s`)), 60000);
    tx.signAndSend(signer, { nonce }, (res) => {
      if (res.status.isInBlock) {
        clearTimeout(timer);
        if (unsub) unsub();
        resolve(res.status.asInBlock.toHex());
      }
    }).then((u) => { unsub = u; }, reject);
  });
  blocks.push({ what, hash });
  return hash;
}

test('real blocks: a transfer, a remark and a failing sudo call', async () => {
  const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
  await submit('transfer', api.tx.balances.transfer(BOB, 123456789n), alice);
  await submit('remark', api.tx.system.remark('0x72746667'), alice);
  // set_code with bytes that are no runtime: the extrinsic succeeds, the
  // sudo call inside it fails (Sudid(Err(Module …))).
  await submit('sudo', api.tx.sudo.sudoUncheckedWeight(api.tx.system.setCode('0x0061736d01000000'), 0), alice);
  assertEq(blocks.length, 3, 'three blocks');
});

test('System.Events of those blocks decode as @polkadot/api decodes them', async () => {
  const seen = new Set();
  for (const { what, hash } of blocks) {
    const raw = await rpc(chain.url, 'state_getStorage', [EVENTS_KEY, hash]);
    const mine = await toolJson('events', mdFile, raw);
    const theirs = await api.query.system.events.at(hash);
    assertEq(mine.length, theirs.length, `${what}: event count`);
    theirs.forEach((rec, i) => {
      const m = mine[i];
      const name = `${rec.event.section}.${rec.event.method}`;
      assertEq(m.event, name, `${what}: event ${i}`);
      seen.add(name);
      let d = differs(m.phase, rec.phase.toJSON(), `${what}[${i}].phase`);
      assert(!d, d);
      d = differs(m.fields, rec.event.data.toJSON(), `${what}[${i}] ${name}`);
      assert(!d, d);
      d = differs(m.topics, rec.topics.toJSON(), `${what}[${i}].topics`);
      assert(!d, d);
    });
  }
  for (const n of ['balances.Transfer', 'balances.Withdraw', 'system.ExtrinsicSuccess', 'sudo.Sudid']) {
    assert(seen.has(n), `saw ${n}: ${[...seen]}`);
  }
});

test('the failed sudo call resolves to the pallet error and docs @polkadot/api gives', async () => {
  const { hash } = blocks.find((b) => b.what === 'sudo');
  const raw = await rpc(chain.url, 'state_getStorage', [EVENTS_KEY, hash]);
  const mine = (await toolJson('events', mdFile, raw)).find((e) => e.event === 'sudo.Sudid');
  const theirs = (await api.query.system.events.at(hash)).find((r) => r.event.section === 'sudo' && r.event.method === 'Sudid');
  assert(mine && theirs, 'Sudid in both');
  const err = mine.fields.sudo_result.Err;
  assert(err && err.Module, `a module error: ${JSON.stringify(mine.fields)}`);
  const resolved = await toolJson('module-error', mdFile, JSON.stringify(err));
  const dispatchError = theirs.event.data[0].asErr;
  const meta = api.registry.findMetaError(dispatchError.asModule);
  assertEq(resolved.pallet.toLowerCase(), meta.section.toLowerCase(), 'pallet');
  assertEq(resolved.error, meta.name, 'error');
  assertEq(resolved.docs, meta.docs.join('\n'), 'docs');
  console.log(`  Sudid(Err): ${resolved.pallet}.${resolved.error}: ${resolved.docs}`);
  assert(['FailedToExtractRuntimeVersion', 'InvalidSpecName', 'SpecVersionNeedsToIncrease'].includes(resolved.error),
    `a set_code refusal: ${resolved.error}`);
});

test('the decoder refuses a truncated events value with a reason', async () => {
  const { hash } = blocks[0];
  const raw = await rpc(chain.url, 'state_getStorage', [EVENTS_KEY, hash]);
  const r = await tool('events', mdFile, raw.slice(0, raw.length - 2));
  assertEq(r.code, 1, 'exit code');
  assert(/offset \d+/.test(r.stderr), `reason: ${r.stderr}`);
});

runTests(label).then(async (failed) => {
  if (api) await api.disconnect().catch(() => {});
  if (chain) await chain.stop();
  process.exitCode = failed ? 1 : 0;
});
