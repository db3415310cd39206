// The runtime upgrade end to end, against the real test chain: the demo
// runtime (spec 9141) built through the API, a dry run, refusals before
// anything is signed (checked with the chain's own pool and blocks), then
// the real upgrade with "wait": true, its SSE steps, its record, the audit
// log, and @polkadot/api reading the block: the signer is the configured
// key and the call is Sudo(System.set_code) with exactly the artifact.
// Usage: node upgrade.test.mjs --root STAGE --label NAME [--user U]
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ApiPromise, HttpProvider } from '@polkadot/api';
import { blake2AsHex } from '@polkadot/util-crypto';
import { compactToU8a, u8aConcat } from '@polkadot/util';
import { test, runTests, assert, assertEq, freePort, request, readSse, sleep, Daemon } from './lib.mjs';
import { startTestChain, rpc } from './chain.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc, []));
const root = args.root;
const label = args.label || 'run';
const user = args.user || null;
const ALICE_SS58 = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const state = path.join(root, 'state-upgrade');

let chain = null;
let d = null;
let artifact = null;	// the demo runtime built through the API

async function post(p, body) { return request(d.port, 'POST', p, { body }); }

async function waitFor(what, fn, ms) {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(200);
  }
}

async function chainHeight() {
  return parseInt((await rpc(chain.url, 'chain_getHeader', [])).number, 16);
}

// Nothing reached the chain: no new block, nothing in the pool.
async function assertNothingSubmitted(heightBefore, what) {
  assertEq(await chainHeight(), heightBefore, `${what}: no new block`);
  const pending = await rpc(chain.url, 'author_pendingExtrinsics', []);
  assertEq(pending.length, 0, `${what}: the pool is empty`);
}

function auditLines() {
  const file = path.join(state, 'upgrades', 'audit.jsonl');
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

test('the demo runtime (spec 9141) builds through the API', async () => {
  const r = await post('/api/build/runtime', {});
  assertEq(r.status, 202, `build accepted (${r.text})`);
  const j = await waitFor('the build', async () => {
    const x = (await request(d.port, 'GET', `/api/build/jobs/${r.json.job_id}`)).json;
    return x && !['queued', 'running'].includes(x.status) ? x : null;
  }, 900000);
  assertEq(j.status, 'success', `build status (${j.error})`);
  const arts = (await request(d.port, 'GET', '/api/build/artifacts')).json;
  artifact = arts.runtime_wasm;
  assertEq(artifact.runtime.spec_version, 9141, 'artifact spec_version');
  assertEq(artifact.verdict, 'ready', `verdict (${artifact.verdict_reason})`);
});

test('a dry run checks everything, signs and sends nothing, and reports fee, weight and hashes', async () => {
  const before = await chainHeight();
  const r = await post('/api/upgrade/submit', { artifact: artifact.hash,
    expected_hash: artifact.hash, upgrade_type: 'sudo', dry_run: true });
  assertEq(r.status, 200, `dry run (${r.text})`);
  assertEq(r.json.dry_run, true, 'dry_run');
  assert(/^\d+$/.test(r.json.fee.partial_fee) && BigInt(r.json.fee.partial_fee) > 0n, `fee ${r.json.fee.partial_fee}`);
  assert(r.json.fee.weight.ref_time >= 0, 'weight');
  assert(/^0x[0-9a-f]{64}$/.test(r.json.call_hash), 'call hash');
  // srtool's proposal hash: blake2b-256 of System.set_code(code), System
  // being pallet 0 and set_code call 3 on Rococo 9140 (chain-facts.md).
  const code = fs.readFileSync(path.join(state, artifact.path));
  const proposal = blake2AsHex(u8aConcat(new Uint8Array([0, 3]), compactToU8a(code.length), code), 256);
  assertEq(r.json.proposal_hash, proposal, 'the dry run\'s proposal hash');
  assertEq(artifact.proposal_hash, proposal, 'the artifact list\'s proposal hash');
  assert(r.json.extrinsic_size > fs.statSync(path.join(state, artifact.path)).size, 'extrinsic size covers the code');
  assertEq(r.json.signer, ALICE_SS58, 'signer');
  // Rococo 9140 weighs set_code as a whole block (chain-facts.md).
  assertEq(r.json.unchecked_weight, true, `sudo_unchecked_weight chosen (${r.json.unchecked_reason})`);
  const mortal = await post('/api/upgrade/submit', { artifact: artifact.hash,
    expected_hash: artifact.hash, dry_run: true, mortal_period: 64 });
  assertEq(mortal.status, 200, `mortal dry run (${mortal.text})`);
  assertEq(mortal.json.extrinsic_size, r.json.extrinsic_size + 1, 'a mortal era takes two bytes, an immortal one');
  await assertNothingSubmitted(before, 'dry run');
  assertEq((await request(d.port, 'GET', '/api/upgrade')).json.upgrades.length, 0, 'no upgrade recorded');
});

test('refusals before signing name their check, and nothing reaches the chain', async () => {
  const before = await chainHeight();
  const other = '0x' + 'ab'.repeat(32);
  const cases = [
    [{ artifact: artifact.hash, expected_hash: other }, 422, 'expected_hash', /not the expected/],
    [{ artifact: artifact.hash, expected_hash: artifact.hash, account_index: 3 }, 422, 'account_index', /does not exist/],
    [{ artifact: artifact.hash, expected_hash: artifact.hash, use_quantum_sig: true }, 422, 'use_quantum_sig', /SPHINCS\+/],
    [{ artifact: artifact.hash, expected_hash: artifact.hash, upgrade_type: 'authorize_upgrade' }, 422, 'upgrade_type', /authorize_upgrade/],
    [{ artifact: artifact.hash, expected_hash: artifact.hash, upgrade_type: 'democracy_proposal' }, 422, 'upgrade_type', /Democracy|Preimage/],
    [{ wasm_path: '../../etc/passwd', expected_hash: artifact.hash }, 422, 'artifact_known', /not a runtime artifact/],
  ];
  for (const [body, status, check, re] of cases) {
    const r = await post('/api/upgrade/submit', body);
    assertEq(r.status, status, `${JSON.stringify(body)} status (${r.text})`);
    assertEq(r.json.check, check, `${JSON.stringify(body)} check`);
    assert(re.test(r.json.error), `${check}: ${r.json.error}`);
  }
  await assertNothingSubmitted(before, 'refusals');
  assertEq(auditLines().length, 0, 'nothing was signed, so nothing audited');
});

test('the upgrade lands: Sudid(Ok), CodeUpdated, :code is the artifact, the chain runs 9141', async () => {
  const code = fs.readFileSync(path.join(state, artifact.path));
  assertEq(blake2AsHex(code, 256), artifact.hash, 'artifact bytes hash');
  const r = await post('/api/upgrade/submit', { artifact: artifact.hash,
    expected_hash: artifact.hash, upgrade_type: 'sudo', wait: true });
  assertEq(r.status, 200, `upgrade (${r.text.slice(0, 2000)})`);
  const res = r.json;
  assertEq(res.success, true, `success (${res.error})`);
  assert(res.events.includes('sudo.Sudid'), `Sudid in ${res.events}`);
  assert(res.events.includes('system.CodeUpdated'), `CodeUpdated in ${res.events}`);
  assert(res.events.includes('system.ExtrinsicSuccess'), `ExtrinsicSuccess in ${res.events}`);
  assert(/^0x[0-9a-f]{64}$/.test(res.tx_hash) && /^0x[0-9a-f]{64}$/.test(res.block_hash), 'hashes');
  assert(res.upgrade_id > 0, 'upgrade id');

  const onChain = await rpc(chain.url, 'state_getStorage', ['0x3a636f6465', res.block_hash]);
  assertEq(blake2AsHex(Buffer.from(onChain.slice(2), 'hex'), 256), artifact.hash, ':code is the artifact');
  const version = await rpc(chain.url, 'state_getRuntimeVersion', [res.block_hash]);
  assertEq(version.specVersion, 9141, 'the chain reports 9141');

  // An independent client reads the block: who signed, what was called.
  const api = await ApiPromise.create({ provider: new HttpProvider(chain.url), noInitWarn: true,
    throwOnConnect: true });
  try {
    const block = await api.rpc.chain.getBlock(res.block_hash);
    const xt = block.block.extrinsics.find((x) => x.hash.toHex() === res.tx_hash);
    assert(xt, `the block holds ${res.tx_hash}`);
    assertEq(xt.signer.toString(), ALICE_SS58, 'signed by the configured key');
    assertEq(`${xt.method.section}.${xt.method.method}`, 'sudo.sudoUncheckedWeight', 'the outer call');
    const inner = xt.method.args[0];
    assertEq(`${inner.section}.${inner.method}`, 'system.setCode', 'the inner call');
    assertEq(blake2AsHex(inner.args[0].toU8a(true), 256), artifact.hash, 'the call carries exactly the artifact');
  } finally {
    await api.disconnect();
  }

  const rec = (await request(d.port, 'GET', `/api/upgrade/${res.upgrade_id}`)).json;
  assertEq(rec.status, 'success', 'record status');
  assertEq(rec.tx_hash, res.tx_hash, 'record tx hash');
  assertEq(rec.rollback.spec_version, 9140, 'rollback labelled with the old version');
  const rollback = fs.readFileSync(path.join(state, rec.rollback.path));
  assertEq(blake2AsHex(rollback, 256), rec.rollback.hash, 'rollback file is whole');

  const sse = await readSse(d.port, `/api/upgrade/status/${res.upgrade_id}`, { timeoutMs: 10000 });
  const steps = sse.events.filter((e) => e.event === 'step').map((e) => e.data.step);
  assertEq(steps.join(','), 'checks,signed,submitted,in_block,finalized,verified', 'steps in order');
  const last = sse.events[sse.events.length - 1];
  assertEq(last.event, 'complete', 'the stream ends with complete');
  assertEq(last.data.success, true, 'complete says success');
  assert(sse.ended, 'the stream ends');

  const audit = auditLines().filter((l) => l.upgrade_id === res.upgrade_id);
  assertEq(audit.map((l) => l.what).join(','), 'upgrade_sign,upgrade_result', 'audit: sign, then result');
  assertEq(audit[0].code_hash, artifact.hash, 'audit names the hash');
  assertEq(audit[0].signer, ALICE_SS58, 'audit names the key');
  assertEq(audit[0].who, 'dev', 'audit names who asked (--dev without tokens)');
  assertEq(audit[1].result, 'success', 'audit result');
});

test('the same runtime again is refused: the chain already runs 9141', async () => {
  const before = await chainHeight();
  const r = await post('/api/upgrade/submit', { artifact: artifact.hash, expected_hash: artifact.hash });
  assertEq(r.status, 409, `status (${r.text})`);
  assertEq(r.json.check, 'spec_version', 'check');
  await assertNothingSubmitted(before, 'same version');
});

async function main() {
  fs.mkdirSync(state, { recursive: true });
  if (user) execFileSync('chown', [`${user}:${user}`, state]);
  chain = await startTestChain({ mode: 'Instant', logFile: path.join(root, 'chain-upgrade.log') });
  d = new Daemon({ root, state, user, port: await freePort(),
    source: path.join(root, 'tests/demo-workspace'),
    logFile: path.join(root, 'daemon-upgrade.log'), extraArgs: ['--node', chain.url] });
  try {
    await d.start();
    process.exitCode = (await runTests(`upgrade (${label})`)) ? 1 : 0;
  } finally {
    await d.stop();
    await chain.stop();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
