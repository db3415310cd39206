// The runtime upgrade when things go wrong, against real test chains:
// runtimes the chain must not take are refused before anything is signed
// (checked with the chain's own pool and blocks), a node that is down, a
// signer that is not the Sudo key, an ed25519 Sudo key end to end, a
// set_code the chain refuses after inclusion (Sudid(Err)), and the sign
// worker killed between submission and inclusion.
// Usage: node upgrade-faults.test.mjs --root STAGE --label NAME [--user U]
//
// The runtimes are made at test time from the test chain's genesis code
// (never committed), the way the demo workspace's build.rs makes its
// runtime: decompressed, given a runtime_version section, compressed again,
// then uploaded through POST /api/upgrade/upload. The compiled-in version
// is changed to match (see withCompiledVersion), so that the chain keeps
// accepting signatures after an upgrade lands.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ApiPromise, HttpProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { blake2AsHex, cryptoWaitReady, encodeAddress } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';
import { test, runTests, assert, assertEq, freePort, request, readSse, sleep, Daemon } from './lib.mjs';
import { startTestChain, rpc, genesisSpec, ALICE, BOB } from './chain.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc, []));
const root = args.root;
const label = args.label || 'run';
const user = args.user || null;
const ALICE_SS58 = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const MIB = 1024 * 1024;
const PREFIX = Buffer.from('52bc537646db8e05', 'hex');
const CODE_KEY = '0x3a636f6465';

// --- making runtimes ---
function leb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return Buffer.from(out);
}
function readLeb(buf, pos) {
  let n = 0, shift = 0, b;
  do {
    b = buf[pos++];
    n += (b & 0x7f) * 2 ** shift;
    shift += 7;
  } while (b & 0x80);
  return [n, pos];
}
function compact(n) { return Buffer.from([n << 2]); } // n < 64
function scaleStr(s) { return Buffer.concat([compact(Buffer.byteLength(s)), Buffer.from(s)]); }
function u32(n) { const b = Buffer.alloc(4); b.writeUInt32LE(n); return b; }
function runtimeVersion(specName, specVersion) {
  return Buffer.concat([scaleStr(specName), scaleStr('parity-rococo-v2.0'), u32(0), u32(specVersion),
    u32(0), compact(0), u32(0), Buffer.from([0])]);
}
function customSection(name, payload) {
  const body = Buffer.concat([leb(Buffer.byteLength(name)), Buffer.from(name), payload]);
  return Buffer.concat([Buffer.from([0]), leb(body.length), body]);
}
const zstd = (buf, ...flags) => execFileSync('zstd', ['-q', '-c', ...flags], { input: buf, maxBuffer: 128 * MIB });

let plainGenesis = null;
function genesisWasm() {
  if (plainGenesis) return plainGenesis;
  const spec = JSON.parse(fs.readFileSync(genesisSpec, 'utf8'));
  const code = Buffer.from(spec.genesis.raw.top[CODE_KEY].slice(2), 'hex');
  assertEq(code.subarray(0, 8).toString('hex'), PREFIX.toString('hex'), 'the genesis code is compressed');
  plainGenesis = zstd(code.subarray(8), '-d');
  assertEq(plainGenesis.subarray(0, 4).toString('hex'), '0061736d', 'the genesis code is wasm');
  return plainGenesis;
}

// Walks the module's sections: [{id, body, size}].
function sections(wasm) {
  const out = [];
  let pos = 8;
  while (pos < wasm.length) {
    const [size, body] = readLeb(wasm, pos + 1);
    out.push({ id: wasm[pos], body, size });
    pos = body + size;
  }
  return out;
}

// The module with every byte of its code section's body (function count
// and bodies) overwritten: its sections still walk, but no wasm engine can
// compile it, so nothing can run Core_version in it.
function withBrokenCode(wasm) {
  const code = sections(wasm).find((s) => s.id === 10);
  assert(code, 'the genesis wasm has a code section');
  const out = Buffer.from(wasm);
  out.fill(0xff, code.body, code.body + code.size);
  return out;
}

// The module with its compiled-in version changed too: Rust inlines
// VERSION, so 9140 is in the data section once (the static RuntimeVersion:
// spec_name "rococo" (6 bytes) and impl_name "parity-rococo-v2.0" (18) as
// 16-byte strings, then spec_version) and in the code as `i32.const 9140`
// (41 b4 c7 00: nine times, stored into a RuntimeVersion or compared with
// the last upgrade's version) and `i64.const 9140` (42 b4 c7 00: once,
// apparently spec_version and impl_version stored as one u64; without this
// one the upgraded chain still checks signatures against 9140). Any version from 9088 to 9215 encodes in
// the same four bytes. Core_version and CheckSpecVersion then agree with the
// runtime_version section, so the chain keeps accepting signatures after
// the upgrade, as it would with a real new runtime.
const GENESIS_SPEC = 9140;
const CONST_OP = (v, op = 0x41) => Buffer.from([op, 0x80 | (v & 0x7f), 0x80 | ((v >> 7) & 0x7f), 0]);
function withCompiledVersion(wasm, specVersion) {
  assert(specVersion >= 9088 && specVersion <= 9215 && CONST_OP(specVersion)[2] === 0xc7,
    `spec_version ${specVersion} encodes like 9140`);
  const out = Buffer.from(wasm);
  const all = sections(wasm);
  const data = all.find((s) => s.id === 11);
  const code = all.find((s) => s.id === 10);
  assert(data && code, 'the genesis wasm has data and code sections');
  const patch = (section, needle, value, expect, what) => {
    const found = [];
    for (let at = wasm.indexOf(needle, section.body); at >= 0 && at < section.body + section.size;
      at = wasm.indexOf(needle, at + 1)) found.push(at);
    assertEq(found.length, expect, `${what}: occurrences of ${GENESIS_SPEC}`);
    for (const at of found) value.copy(out, at);
    return found;
  };
  const [p] = patch(data, u32(GENESIS_SPEC), u32(specVersion), 1, 'data section');
  assert(wasm.readUInt32LE(p - 28) === 6 && wasm.readUInt32LE(p - 12) === 18,
    'it follows the two version strings (rococo, parity-rococo-v2.0)');
  patch(code, CONST_OP(GENESIS_SPEC), CONST_OP(specVersion), 9, 'code section, i32.const');
  patch(code, CONST_OP(GENESIS_SPEC, 0x42), CONST_OP(specVersion, 0x42), 1, 'code section, i64.const');
  return out;
}

// A compressed runtime: the genesis module, its compiled-in version and a
// runtime_version section saying specVersion (or, with brokenCode, a module
// that cannot be compiled behind a valid runtime_version section).
function makeRuntime({ specName = 'rococo', specVersion, brokenCode = false }) {
  const wasm = brokenCode ? withBrokenCode(genesisWasm()) : withCompiledVersion(genesisWasm(), specVersion);
  const plain = Buffer.concat([wasm, customSection('runtime_version', runtimeVersion(specName, specVersion))]);
  return Buffer.concat([PREFIX, zstd(plain, '-3')]);
}

// --- the daemon, its chain, and their files ---
async function waitFor(what, fn, ms, stepMs = 200) {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(stepMs);
  }
}

// One chain and one daemon on it, each with its own state directory.
async function startPair(name, chainOptions, { extraArgs = [] } = {}) {
  const state = path.join(root, `state-faults-${name}`);
  fs.mkdirSync(state, { recursive: true });
  if (user) execFileSync('chown', [`${user}:${user}`, state]);
  const chain = await startTestChain({ ...chainOptions, logFile: path.join(root, `chain-faults-${name}.log`) });
  const d = new Daemon({ root, state, user, port: await freePort(),
    source: path.join(root, 'tests/demo-workspace'),
    logFile: path.join(root, `daemon-faults-${name}.log`),
    extraArgs: [...extraArgs, '--node', chain.url] });
  try {
    await d.start();
  } catch (e) {
    await chain.stop();
    throw e;
  }
  const pair = { name, state, chain, d };
  pair.stop = async () => { await d.stop(); await chain.stop(); };
  return pair;
}

function upload(d, bytes, name) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: d.port, method: 'POST',
      path: `/api/upgrade/upload?name=${encodeURIComponent(name)}`,
      headers: { 'Content-Type': 'application/wasm', 'Content-Length': bytes.length },
      timeout: 120000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, text, json });
      });
    });
    req.on('timeout', () => req.destroy(new Error('upload timed out')));
    req.on('error', reject);
    req.end(bytes);
  });
}

// Uploads a runtime and returns the stored artifact (hash, path, runtime).
async function stored(pair, opts) {
  const bytes = makeRuntime(opts);
  const name = `${opts.specName || 'rococo'}-${opts.specVersion}${opts.brokenCode ? '-broken' : ''}.compact.compressed.wasm`;
  const r = await upload(pair.d, bytes, name);
  assert(r.status === 201 || r.status === 200, `upload of ${name}: ${r.status} ${r.text.slice(0, 500)}`);
  assertEq(r.json.hash, blake2AsHex(bytes, 256), `${name}: stored under its hash`);
  assertEq(r.json.runtime.spec_version, opts.specVersion, `${name}: spec_version read back`);
  return r.json;
}

const submit = (pair, body) => request(pair.d.port, 'POST', '/api/upgrade/submit', { body });
const record = async (pair, id) => (await request(pair.d.port, 'GET', `/api/upgrade/${id}`)).json;

async function chainHeight(chain) {
  return parseInt((await rpc(chain.url, 'chain_getHeader', [])).number, 16);
}

// Nothing reached the chain: no new block, nothing in the pool.
async function assertNothingSubmitted(chain, heightBefore, what) {
  assertEq(await chainHeight(chain), heightBefore, `${what}: no new block`);
  const pending = await rpc(chain.url, 'author_pendingExtrinsics', []);
  assertEq(pending.length, 0, `${what}: the pool is empty`);
}

function auditLines(pair) {
  const file = path.join(pair.state, 'upgrades', 'audit.jsonl');
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

async function upgradeCount(pair) {
  return (await request(pair.d.port, 'GET', '/api/upgrade')).json.upgrades.length;
}

// Asserts a refusal: its status, check and reason, and that nothing was
// signed, recorded or sent.
async function assertRefused(pair, body, status, check, re, what) {
  const before = await chainHeight(pair.chain);
  const audits = auditLines(pair).length;
  const upgrades = await upgradeCount(pair);
  const r = await submit(pair, body);
  assertEq(r.status, status, `${what}: status (${r.text})`);
  assertEq(r.json.check, check, `${what}: check (${r.json.error})`);
  assert(re.test(r.json.error), `${what}: the error says why: ${r.json.error}`);
  assert(/nothing was signed/.test(r.json.error), `${what}: the error says nothing was signed: ${r.json.error}`);
  await assertNothingSubmitted(pair.chain, before, what);
  assertEq(auditLines(pair).length, audits, `${what}: nothing signed, so nothing audited`);
  assertEq(await upgradeCount(pair), upgrades, `${what}: no upgrade recorded`);
  return r;
}

async function withApi(url, fn) {
  const api = await ApiPromise.create({ provider: new HttpProvider(url), noInitWarn: true, throwOnConnect: true });
  try { return await fn(api); } finally { await api.disconnect(); }
}

// --- the tests ---
let main_ = null;	// Instant chain, Sudo //Alice sr25519, the --dev daemon

test('a lower spec_version and another spec_name are refused before signing', async () => {
  const pair = main_;
  const lower = await stored(pair, { specVersion: 9139 });
  await assertRefused(pair, { artifact: lower.hash, expected_hash: lower.hash, upgrade_type: 'sudo' },
    409, 'spec_version', /9139/, 'spec 9139 over 9140');
  const same = await stored(pair, { specVersion: 9140 });
  await assertRefused(pair, { artifact: same.hash, expected_hash: same.hash, upgrade_type: 'sudo' },
    409, 'spec_version', /9140/, 'spec 9140 over 9140');
  const other = await stored(pair, { specName: 'kusama', specVersion: 9150 });
  assertEq(other.runtime.spec_name, 'kusama', 'the upload reads the other spec_name');
  await assertRefused(pair, { artifact: other.hash, expected_hash: other.hash, upgrade_type: 'sudo' },
    409, 'spec_name', /kusama/, 'spec_name kusama over rococo');
  // The dry run refuses the same way, before any fee is asked.
  await assertRefused(pair, { artifact: other.hash, expected_hash: other.hash, dry_run: true },
    409, 'spec_name', /kusama/, 'dry run of spec_name kusama');
});

test('Sudid(Err): a version section that lies passes pre-flight, the chain refuses set_code, rtforge says failed and why', async () => {
  const pair = main_;
  const liar = await stored(pair, { specVersion: 9142, brokenCode: true });
  const before = await chainHeight(pair.chain);
  const r = await submit(pair, { artifact: liar.hash, expected_hash: liar.hash, upgrade_type: 'sudo', wait: true });
  assertEq(r.status, 200, `upgrade answer (${r.text.slice(0, 2000)})`);
  const res = r.json;
  assertEq(res.success, false, `success is false (${res.error})`);
  assert(res.events.includes('sudo.Sudid'), `Sudid in ${res.events}`);
  assert(res.events.includes('system.ExtrinsicSuccess'), `the extrinsic itself succeeded: ${res.events}`);
  assert(!res.events.includes('system.CodeUpdated'), `no CodeUpdated: ${res.events}`);
  assert(/Sudid\(Err\)/.test(res.error) && /System\.FailedToExtractRuntimeVersion/.test(res.error),
    `the error names the pallet and the error: ${res.error}`);
  assert(/^0x[0-9a-f]{64}$/.test(res.block_hash), 'block hash');
  assert(await chainHeight(pair.chain) > before, 'a block was built');

  const onChain = await rpc(pair.chain.url, 'state_getStorage', [CODE_KEY, res.block_hash]);
  assert(blake2AsHex(Buffer.from(onChain.slice(2), 'hex'), 256) !== liar.hash, ':code is not the broken runtime');
  assertEq((await rpc(pair.chain.url, 'state_getRuntimeVersion', [res.block_hash])).specVersion, 9140,
    'the chain still runs 9140');

  const rec = await record(pair, res.upgrade_id);
  assertEq(rec.status, 'failed', 'record status');
  assertEq(rec.success, false, 'record success');
  assertEq(rec.error, res.error, 'record error');
  assertEq(rec.tx_hash, res.tx_hash, 'record tx hash');
  assert(rec.dispatch_error, 'the record keeps the decoded dispatch error');
  assertEq(rec.dispatch_error.pallet, 'System', 'dispatch_error.pallet');
  assertEq(rec.dispatch_error.error, 'FailedToExtractRuntimeVersion', 'dispatch_error.error');

  const sse = await readSse(pair.d.port, `/api/upgrade/status/${res.upgrade_id}`, { timeoutMs: 10000 });
  const steps = sse.events.filter((e) => e.event === 'step').map((e) => e.data.step);
  assertEq(steps.slice(0, 4).join(','), 'checks,signed,submitted,in_block', 'steps up to inclusion');
  const last = sse.events[sse.events.length - 1];
  assertEq(last.event, 'error', 'the stream ends with error');
  assertEq(last.data.success, false, 'error says success false');
  assert(sse.ended, 'the stream ends');

  const audit = auditLines(pair).filter((l) => l.upgrade_id === res.upgrade_id);
  assertEq(audit.map((l) => l.what).join(','), 'upgrade_sign,upgrade_result', 'audit: sign, then result');
  assertEq(audit[1].result, 'failed', 'audit result');
  assertEq(audit[1].tx_hash, res.tx_hash, 'audit tx hash');
  assert(/FailedToExtractRuntimeVersion/.test(audit[1].error), `audit error: ${audit[1].error}`);
});

test('the node down: 502, check "node", nothing signed or recorded', async () => {
  const pair = main_;
  const good = await stored(pair, { specVersion: 9150 });
  await pair.chain.stop();
  const audits = auditLines(pair).length;
  const upgrades = await upgradeCount(pair);
  const started = Date.now();
  const r = await submit(pair, { artifact: good.hash, expected_hash: good.hash, upgrade_type: 'sudo', wait: true });
  assertEq(r.status, 502, `status (${r.text})`);
  assertEq(r.json.check, 'node', `check (${r.json.error})`);
  assert(/not reachable/.test(r.json.error) && /node_url/.test(r.json.error),
    `the error says the node cannot be reached and what to do: ${r.json.error}`);
  assert(/nothing was signed/.test(r.json.error), `the error says nothing was signed: ${r.json.error}`);
  assert(Date.now() - started < 15000, 'answered within 15 s');
  assertEq(auditLines(pair).length, audits, 'nothing audited');
  assertEq(await upgradeCount(pair), upgrades, 'no upgrade recorded');
  const h = await pair.d.health();
  assertEq(h && h.roles.sign.state, 'up', 'the sign worker is still up');
});

test('a signer that is not the Sudo key: 409, check "sudo_key", nothing signed', async () => {
  const pair = await startPair('bob', { mode: 'Instant', sudo: BOB });
  try {
    const good = await stored(pair, { specVersion: 9150 });
    await assertRefused(pair, { artifact: good.hash, expected_hash: good.hash, upgrade_type: 'sudo' },
      409, 'sudo_key', new RegExp(`${ALICE_SS58}.*not the chain's Sudo key ${encodeAddress(BOB, 42)}`),
      'Sudo is //Bob, the key is //Alice');
  } finally {
    await pair.stop();
  }
});

test('an ed25519 Sudo key: the upgrade lands, signed by that key', async () => {
  const ed = new Keyring({ type: 'ed25519', ss58Format: 42 }).addFromUri('//Alice');
  const edHex = u8aToHex(ed.publicKey);
  assert(edHex !== ALICE, 'the ed25519 //Alice is another account than the sr25519 one');
  const config = path.join(root, 'faults-ed25519.json');
  fs.writeFileSync(config, JSON.stringify({ sign: { keys: [{ scheme: 'ed25519', suri: '//Alice' }] } }));
  fs.chmodSync(config, 0o644);
  const pair = await startPair('ed25519', { mode: 'Instant', sudo: edHex, fund: [edHex] },
    { extraArgs: ['-f', config] });
  try {
    const signer = (await request(pair.d.port, 'GET', '/api/signer')).json;
    assertEq(signer.keys[0].public_key, edHex, `the daemon holds the ed25519 //Alice (${JSON.stringify(signer.keys)})`);
    const art = await stored(pair, { specVersion: 9150 });
    const r = await submit(pair, { artifact: art.hash, expected_hash: art.hash, upgrade_type: 'sudo', wait: true });
    assertEq(r.status, 200, `upgrade (${r.text.slice(0, 2000)})`);
    const res = r.json;
    assertEq(res.success, true, `success (${res.error})`);
    assert(res.events.includes('system.CodeUpdated'), `CodeUpdated in ${res.events}`);
    assert(res.events.includes('sudo.Sudid'), `Sudid in ${res.events}`);
    assertEq((await rpc(pair.chain.url, 'state_getRuntimeVersion', [res.block_hash])).specVersion, 9150,
      'the chain reports 9150');
    await withApi(pair.chain.url, async (api) => {
      const block = await api.rpc.chain.getBlock(res.block_hash);
      const xt = block.block.extrinsics.find((x) => x.hash.toHex() === res.tx_hash);
      assert(xt, `the block holds ${res.tx_hash}`);
      assertEq(xt.signer.toString(), ed.address, 'signed by the ed25519 key');
      const multi = xt.inner.signature.multiSignature;
      assertEq(multi.type, 'Ed25519', 'a MultiSignature::Ed25519');
      const inner = xt.method.args[0];
      assertEq(`${inner.section}.${inner.method}`, 'system.setCode', 'the inner call');
      assertEq(blake2AsHex(inner.args[0].toU8a(true), 256), art.hash, 'the call carries exactly the artifact');
    });
    const rec = await record(pair, res.upgrade_id);
    assertEq(rec.status, 'success', 'record status');
    assertEq(rec.signer.scheme, 'ed25519', 'record names the scheme');
    assertEq(rec.signer.ss58, ed.address, 'record names the key');
    const audit = auditLines(pair).filter((l) => l.upgrade_id === res.upgrade_id);
    assertEq(audit.map((l) => l.what).join(','), 'upgrade_sign,upgrade_result', 'audit: sign, then result');
    assertEq(audit[0].scheme, 'ed25519', 'audit names the scheme');
    assertEq(audit[0].signer, ed.address, 'audit names the key');
  } finally {
    await pair.stop();
  }
});

test('kill -9 of the sign worker after submission: back up, the record says unknown, a retry works', async () => {
  const pair = await startPair('crash', { mode: 'Manual' });
  try {
    const first = await stored(pair, { specVersion: 9150 });
    const second = await stored(pair, { specVersion: 9151 });
    const h0 = await chainHeight(pair.chain);
    const r = await submit(pair, { artifact: first.hash, expected_hash: first.hash, upgrade_type: 'sudo' });
    assertEq(r.status, 202, `accepted (${r.text})`);
    const id = r.json.upgrade_id;
    const sse = await readSse(pair.d.port, `/api/upgrade/status/${id}`, { timeoutMs: 60000,
      stopAfter: (evs) => evs.some((e) => e.event === 'step' && e.data.step === 'submitted') });
    const submittedStep = sse.events.find((e) => e.event === 'step' && e.data.step === 'submitted');
    assert(submittedStep, `the stream reached "submitted": ${JSON.stringify(sse.events)}`);
    const pending = await rpc(pair.chain.url, 'author_pendingExtrinsics', []);
    assertEq(pending.length, 1, 'the extrinsic waits in the pool (Manual mode: no block yet)');

    const oldPid = (await pair.d.health()).roles.sign.status.pid;
    process.kill(oldPid, 'SIGKILL');
    const killedAt = Date.now();
    await waitFor('the sign worker to come back', async () => {
      const h = await pair.d.health();
      return h && h.roles.sign.state === 'up' && h.roles.sign.status &&
        h.roles.sign.status.pid !== oldPid ? h : null;
    }, 10000, 100);
    assert(Date.now() - killedAt <= 5000, `sign worker back within 5 s (${Date.now() - killedAt} ms)`);

    const rec = await waitFor('the record to end', async () => {
      const x = await record(pair, id);
      return x && x.status !== 'running' ? x : null;
    }, 5000);
    assertEq(rec.status, 'unknown', `record status (${rec.error})`);
    assertEq(rec.success, false, 'record success');
    assertEq(rec.submitted, true, 'the record says it was submitted');
    assertEq(rec.tx_hash, submittedStep.data.tx_hash, 'the record keeps the tx hash');
    assert(/may or may not be on chain/.test(rec.error) && /check/.test(rec.error),
      `the error says to check the chain: ${rec.error}`);
    const interrupted = auditLines(pair).filter((l) => l.upgrade_id === id && l.what === 'upgrade_interrupted');
    assertEq(interrupted.length, 1, 'audit has one upgrade_interrupted line');
    assertEq(interrupted[0].status, 'unknown', 'audit status');
    const replay = await readSse(pair.d.port, `/api/upgrade/status/${id}`, { timeoutMs: 10000 });
    const last = replay.events[replay.events.length - 1];
    assertEq(last && last.event, 'error', `the stored stream ends with error: ${JSON.stringify(replay.events.map((e) => e.event))}`);
    assertEq(last.data.status, 'unknown', 'its status');

    // The operator checks the chain: the extrinsic was there, and lands.
    const blockHash = await rpc(pair.chain.url, 'dev_newBlock', [{ count: 1 }]);
    assertEq(await chainHeight(pair.chain), h0 + 1, 'one block built');
    const v = await rpc(pair.chain.url, 'state_getRuntimeVersion', [blockHash]);
    assertEq(v.specVersion, 9150, 'the interrupted upgrade landed: the chain reports 9150');
    const landed = await rpc(pair.chain.url, 'chain_getBlock', [blockHash]);
    assert(landed.block.extrinsics.some((x) => blake2AsHex(x, 256) === rec.tx_hash), 'the block holds it');

    // The runtime inside is 9150 too, not only its label.
    const core = Buffer.from((await rpc(pair.chain.url, 'state_call', ['Core_version', '0x', blockHash])).slice(2), 'hex');
    let pos = 0;
    for (let i = 0; i < 2; i++) pos += 1 + (core[pos] >> 2);	// spec_name, impl_name
    assertEq(core.readUInt32LE(pos + 4), 9150, 'Core_version of the new code');

    const retry = await submit(pair, { artifact: second.hash, expected_hash: second.hash, upgrade_type: 'sudo' });
    assertEq(retry.status, 202, `retry accepted (${retry.text})`);
    // Manual mode: the test builds the blocks rtforge waits for.
    const done = await waitFor('the retry to end', async () => {
      const x = await record(pair, retry.json.upgrade_id);
      if (x && x.status !== 'running') return x;
      if ((await rpc(pair.chain.url, 'author_pendingExtrinsics', [])).length > 0)
        await rpc(pair.chain.url, 'dev_newBlock', [{ count: 1 }]);
      return null;
    }, 60000, 300);
    assertEq(done.status, 'success', `retry status (${done.error})`);
    assert(done.events.includes('system.CodeUpdated'), `CodeUpdated in ${done.events}`);
    assertEq((await rpc(pair.chain.url, 'state_getRuntimeVersion', [done.block_hash])).specVersion, 9151,
      'the chain reports 9151');
  } finally {
    await pair.stop();
  }
});

async function main() {
  await cryptoWaitReady();
  genesisWasm();
  let failed = 1;
  try {
    main_ = await startPair('main', { mode: 'Instant' });
    failed = await runTests(`upgrade-faults ${label}`);
  } catch (e) {
    console.log(`FAIL [upgrade-faults ${label}] setup: ${e && e.stack || e}`);
    console.log('0 passed, 1 failed');
  } finally {
    if (main_) await main_.stop();
  }
  process.exit(failed ? 1 : 0);
}

main();
