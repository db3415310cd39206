// The sign worker through the real daemon: GET /api/signer (the --dev key,
// no secret), GET /api/chain against the real test chain (checked with
// @polkadot/api), the node being down (a clear 502, fast), artifacts with
// the chain's runtime, and the upgrade API's refusals before anything is
// signed. Usage: node signapi.test.mjs --root STAGE --label NAME [--user U]
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ApiPromise, HttpProvider } from '@polkadot/api';
import { cryptoWaitReady, ed25519PairFromSeed } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';
import { test, runTests, assert, assertEq, freePort, request, Daemon } from './lib.mjs';
import { startTestChain } from './chain.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc, []));
const root = args.root;
const label = args.label || 'run';
const user = args.user || null;
const ALICE_SS58 = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const ALICE_HEX = '0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d';
const ZERO_HASH = '0x' + '0'.repeat(64);

let chain = null;
let api = null;
let d = null;

async function startDaemon(name, nodeUrl) {
  return startDaemonWith(name, nodeUrl, []);
}

async function startDaemonWith(name, nodeUrl, more) {
  const state = path.join(root, `state-${name}`);
  fs.mkdirSync(state, { recursive: true });
  if (user) execFileSync('chown', [`${user}:${user}`, state]);
  const daemon = new Daemon({ root, state, user, port: await freePort(),
    source: path.join(root, 'tests/fixtures/failing-workspace'),
    logFile: path.join(root, `daemon-${name}.log`), extraArgs: ['--node', nodeUrl, ...more] });
  await daemon.start();
  return daemon;
}

test('GET /api/signer shows the --dev key //Alice and no secret', async () => {
  const r = await request(d.port, 'GET', '/api/signer');
  assertEq(r.status, 200, 'status');
  assertEq(r.json.keys.length, 1, 'one key');
  const k = r.json.keys[0];
  assertEq(k.ss58, ALICE_SS58, 'ss58 address');
  assertEq(k.scheme, 'sr25519', 'scheme');
  assertEq(k.public_key, ALICE_HEX, 'public key');
  assertEq(r.json.account_index, 0, 'account_index');
  // //Alice's mini-secret is public, but nothing secret-shaped may leak.
  assert(!/secret|seed|suri|phrase/i.test(r.text), `no secret field: ${r.text}`);
});

test('GET /api/chain matches @polkadot/api on the same chain', async () => {
  const r = await request(d.port, 'GET', '/api/chain');
  assertEq(r.status, 200, `status (${r.text})`);
  const c = r.json;
  assertEq(c.genesis_hash, api.genesisHash.toHex(), 'genesis hash');
  const version = await api.rpc.state.getRuntimeVersion();
  assertEq(c.runtime.spec_name, version.specName.toString(), 'spec_name');
  assertEq(c.runtime.spec_version, version.specVersion.toNumber(), 'spec_version');
  assertEq(c.metadata_version, 14, 'metadata version');
  assertEq(c.has_sudo, true, 'has Sudo');
  assertEq(c.sudo_key, (await api.query.sudo.key()).unwrap().toHex(), 'sudo key');
  assertEq(c.sudo_key_ss58, ALICE_SS58, 'sudo key as ss58');
  const blockLength = api.consts.system.blockLength.max.normal.toNumber();
  assertEq(c.max_block_length, blockLength, 'max block length (normal)');
  assertEq(c.ss58_prefix, api.consts.system.ss58Prefix.toNumber(), 'ss58 prefix');
  const best = (await api.rpc.chain.getHeader()).number.toNumber();
  assert(c.best.number >= 0 && c.best.number <= best, `best ${c.best.number} vs ${best}`);
  assert(/^0x[0-9a-f]{64}$/.test(c.finalized.hash), 'finalized hash');
});

test('artifacts carry the chain runtime they are judged against', async () => {
  const r = await request(d.port, 'GET', '/api/build/artifacts');
  assertEq(r.status, 200, 'status');
  assertEq(r.json.chain.spec_name, 'rococo', 'chain spec_name');
  assertEq(r.json.chain.spec_version, 9140, 'chain spec_version');
  assert(Array.isArray(r.json.history), 'history');
});

test('upgrade requests that name no known artifact are refused before signing', async () => {
  const cases = [
    [{ wasm_path: '../../../etc/passwd', expected_hash: ZERO_HASH }, 422, 'artifact_known'],
    [{ wasm_path: 'artifacts/0x00/x.wasm', expected_hash: ZERO_HASH }, 422, 'artifact_known'],
    [{ artifact: ZERO_HASH, expected_hash: ZERO_HASH }, 422, 'artifact_known'],
    [{ artifact: ZERO_HASH }, 400, null],
    [{ artifact: ZERO_HASH, expected_hash: '0x12' }, 400, null],
    [{ artifact: ZERO_HASH, wasm_path: 'a', expected_hash: ZERO_HASH }, 400, null],
    [{ artifact: ZERO_HASH, expected_hash: ZERO_HASH, upgrade_type: 'yolo' }, 400, null],
    [{ artifact: ZERO_HASH, expected_hash: ZERO_HASH, mortal_period: 3 }, 400, null],
    [{ artifact: ZERO_HASH, expected_hash: ZERO_HASH, key: 'x' }, 400, null],
  ];
  for (const [body, status, check] of cases) {
    const r = await request(d.port, 'POST', '/api/upgrade/submit', { body });
    assertEq(r.status, status, `${JSON.stringify(body)}: ${r.text}`);
    assert(typeof r.json.error === 'string' && r.json.error.length > 10, 'says why');
    if (check) assertEq(r.json.check, check, 'names the check');
  }
  const list = await request(d.port, 'GET', '/api/upgrade');
  assertEq(list.status, 200, 'upgrade list');
  assertEq(list.json.upgrades.length, 0, 'nothing was recorded');
  const none = await request(d.port, 'GET', '/api/upgrade/7');
  assertEq(none.status, 404, 'unknown upgrade');
  const stream = await request(d.port, 'GET', '/api/upgrade/status/7');
  assertEq(stream.status, 404, 'unknown upgrade stream');
});

test('a node that is down is a clear 502, quickly, and the daemon keeps serving', async () => {
  const down = await startDaemon(`signapi-down-${label}`, `http://127.0.0.1:${await freePort()}`);
  try {
    const started = Date.now();
    const r = await request(down.port, 'GET', '/api/chain');
    assertEq(r.status, 502, `status (${r.text})`);
    assert(/not reachable/.test(r.json.error) && /node_url/.test(r.json.error),
      `error says what to do: ${r.json.error}`);
    assert(Date.now() - started < 8000, 'answered within 8 s');
    const a = await request(down.port, 'GET', '/api/build/artifacts');
    assertEq(a.status, 200, 'artifacts still served');
    assert(/not reachable/.test(a.json.chain_error), `chain_error: ${a.json.chain_error}`);
    const s = await request(down.port, 'GET', '/api/signer');
    assertEq(s.status, 200, 'signer still served');
  } finally {
    await down.stop();
  }
});

// Only the root run has per-role users (the unprivileged run is one user).
const perRoleUsers = process.getuid() === 0 && !user;

function runAs(who, argv) {
  try {
    execFileSync('setpriv', ['--reuid', who, '--regid', who, '--init-groups', '--', ...argv],
      { stdio: ['ignore', 'pipe', 'pipe'], timeout: 10000 });
    return 0;
  } catch (e) { return typeof e.status === 'number' ? e.status : -1; }
}

test('a key file only the sign worker reads: loaded, and unreadable to the front and the build user', async () => {
  if (!perRoleUsers) {
    console.log(`skipped [signapi ${label}] key isolation: needs the root run, where each role has its own user`);
    return;
  }
  await cryptoWaitReady();
  const seed = new Uint8Array(32).map((_, i) => (i * 7 + 3) & 0xff);
  const dir = fs.mkdtempSync(path.join(root, 'keys-'));
  fs.chmodSync(dir, 0o755);
  const keyFile = path.join(dir, 'sudo.key');
  fs.writeFileSync(keyFile, u8aToHex(seed) + '\n', { mode: 0o600 });
  execFileSync('chown', ['rtforge-sign:rtforge-sign', keyFile]);
  const overlay = path.join(dir, 'keys.json');
  fs.writeFileSync(overlay, JSON.stringify({ sign: { keys: [{ scheme: 'ed25519', file: keyFile }] } }));
  fs.chmodSync(overlay, 0o644);
  const keyed = await startDaemonWith(`signapi-key-${label}`, chain.url, ['-f', overlay]);
  try {
    const r = await request(keyed.port, 'GET', '/api/signer');
    assertEq(r.status, 200, `signer (${r.text})`);
    assertEq(r.json.keys[0].public_key, u8aToHex(ed25519PairFromSeed(seed).publicKey), 'public key of the file');
    assert(!r.text.includes(u8aToHex(seed).slice(2)), 'the seed is not in the answer');
    const h = await keyed.health();
    const pid = h.roles.sign.status.pid;
    assertEq(h.roles.sign.status.seccomp, true, 'the sign worker runs under its seccomp filter');
    for (const who of ['rtforge-web', 'rtforge-build']) {
      assert(runAs(who, ['cat', keyFile]) !== 0, `${who} cannot read the key file`);
      assert(runAs(who, ['cat', `/proc/${pid}/environ`]) !== 0, `${who} cannot read the worker's environ`);
      assert(runAs(who, ['dd', `if=/proc/${pid}/mem`, 'bs=1', 'count=1', 'skip=4096']) !== 0,
        `${who} cannot read the worker's memory`);
    }
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    assert(/^Uid:\s+(\d+)/m.test(status), 'status readable by root');
    // Not dumpable: /proc/<pid>/ files belong to root, even for its own user.
    assertEq(fs.statSync(`/proc/${pid}/mem`).uid, 0, 'the worker is not dumpable');
    fs.chmodSync(keyFile, 0o644);
  } finally {
    await keyed.stop();
  }
  // A key file others can read is refused, with the fix.
  const loose = await startDaemonWith(`signapi-loose-${label}`, chain.url, ['-f', overlay]);
  try {
    const r = await request(loose.port, 'GET', '/api/signer');
    assertEq(r.status, 503, `signer with a loose key file (${r.text})`);
    assert(/chmod 600/.test(r.json.error), `says how to fix it: ${r.json.error}`);
  } finally {
    await loose.stop();
  }
});

async function main() {
  chain = await startTestChain({ mode: 'Instant' });
  let failed = 1;
  try {
    api = await ApiPromise.create({ provider: new HttpProvider(chain.url), noInitWarn: true });
    d = await startDaemon(`signapi-${label}`, chain.url);
    failed = await runTests(`signapi ${label}`);
  } catch (e) {
    console.log(`FAIL [signapi ${label}] setup: ${e && e.stack || e}`);
    console.log('0 passed, 1 failed');
  } finally {
    if (d) await d.stop();
    if (api) await api.disconnect();
    await chain.stop();
  }
  process.exit(failed ? 1 : 0);
}
main();
