// The real test chain (chain.mjs) and the sign worker's node client
// (worker-sign/rpc_client.c, chain_status.c, through bin-asan/tool_rpc)
// against it, with @polkadot/api as the independent client.
// Usage: node chain.test.mjs --root STAGE --label NAME [--user USER]
// With --user, tool_rpc runs as that user (the chain itself is test
// infrastructure and runs as whoever runs the tests).
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { blake2AsHex, cryptoWaitReady, xxhashAsHex } from '@polkadot/util-crypto';
import { hexToU8a } from '@polkadot/util';
// freePort() binds, reads and closes: a port that refuses connections.
import { test, runTests, assert, assertEq, freePort } from './lib.mjs';
import { startTestChain, rpc, ALICE, BOB, FUNDED_BALANCE } from './chain.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc, []));
const root = args.root;
const label = args.label || 'run';
const user = args.user || null;
const toolBin = path.join(root, 'bin-asan/tool_rpc');

let chain = null;
let api = null;

// Runs tool_rpc (as --user when given); resolves {code, stdout, stderr}.
function tool(...argv) {
  let cmd = toolBin, list = argv;
  if (user) {
    cmd = 'setpriv';
    list = ['--reuid', user, '--regid', user, '--init-groups', '--', toolBin, ...argv];
  }
  return new Promise((resolve) => {
    execFile(cmd, list, { timeout: 60000, env: {
      PATH: '/usr/local/bin:/usr/bin:/bin', ASAN_OPTIONS: 'detect_leaks=1',
    } }, (err, stdout, stderr) => resolve({
      code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr,
    }));
  });
}

async function toolJson(...argv) {
  const r = await tool(...argv);
  assertEq(r.code, 0, `tool_rpc ${argv.join(' ')} exit code (stderr: ${r.stderr})`);
  return JSON.parse(r.stdout);
}

function pidAlive(pid) {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

test('the chain starts on loopback and reports the port it really uses', async () => {
  const logFile = path.join(root, `chain-${label}.log`);
  chain = await startTestChain({ mode: 'Instant', logFile });
  assert(/^http:\/\/127\.0\.0\.1:\d+$/.test(chain.url), `url ${chain.url}`);
  assertEq(chain.wsUrl, `ws://127.0.0.1:${chain.port}`, 'ws url');
  assert(pidAlive(chain.pid), 'chopsticks runs');
  assert(fs.readFileSync(logFile, 'utf8').includes('RPC listening on'), 'log file written');
  await cryptoWaitReady();
  api = await ApiPromise.create({ provider: new WsProvider(chain.wsUrl), noInitWarn: true });
});

test('chain_getBlockHash(0) is the genesis hash', async () => {
  const hash = await rpc(chain.url, 'chain_getBlockHash', [0]);
  assertEq(hash, api.genesisHash.toHex(), 'genesis hash');
});

test('the runtime is Rococo 9140', async () => {
  const v = await rpc(chain.url, 'state_getRuntimeVersion', []);
  assertEq(v.specName, 'rococo', 'specName');
  assertEq(v.specVersion, 9140, 'specVersion');
});

test('Sudo.Key is //Alice and //Alice and //Bob are funded', async () => {
  assertEq((await api.query.sudo.key()).toHex(), ALICE, 'Sudo.Key');
  for (const who of [ALICE, BOB]) {
    const acc = await api.query.system.account(who);
    assertEq(acc.data.free.toString(), FUNDED_BALANCE, `free balance of ${who}`);
  }
});

test('rpc() turns an error object without code into an Error', async () => {
  let err = null;
  try { await rpc(chain.url, 'nope_method', []); } catch (e) { err = e; }
  assert(err && /nope_method: Method not found: nope_method$/.test(err.message), `error: ${err}`);
  assertEq(err.rpcError.code, undefined, 'chopsticks sends no code');
});

test('a transfer signed by //Alice lands in a block (Instant mode)', async () => {
  const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
  assertEq(alice.publicKey.length, 32, 'key');
  const before = (await api.query.system.account(BOB)).data.free.toBigInt();
  const headBefore = (await api.rpc.chain.getHeader()).number.toNumber();
  const tx = api.tx.balances.transfer(BOB, 12345n);
  const { blockHash, events } = await new Promise((resolve, reject) => {
    let unsub = null;
    const timer = setTimeout(() => reject(new Error('not in a block within 30 s')), 30000);
    tx.signAndSend(alice, (res) => {
      if (res.dispatchError) { clearTimeout(timer); reject(new Error(`dispatch error ${res.dispatchError}`)); }
      if (res.status.isInBlock) {
        clearTimeout(timer);
        if (unsub) unsub();
        resolve({ blockHash: res.status.asInBlock.toHex(), events: res.events });
      }
    }).then((u) => { unsub = u; }, reject);
  });
  const names = events.map((e) => `${e.event.section}.${e.event.method}`);
  assert(names.includes('balances.Transfer'), `events ${names}`);
  assert(names.includes('system.ExtrinsicSuccess'), `events ${names}`);
  const block = await api.rpc.chain.getBlock(blockHash);
  assert(block.block.extrinsics.some((x) => x.hash.toHex() === tx.hash.toHex()), 'extrinsic in the block');
  assertEq(block.block.header.number.toNumber(), headBefore + 1, 'one new block');
  const after = (await api.query.system.account(BOB)).data.free.toBigInt();
  assertEq(after - before, 12345n, 'Bob received the amount');
});

test('tool_rpc call: genesis hash, runtime version and Sudo.Key from the real chain', async () => {
  assertEq(await toolJson('call', chain.url, 'chain_getBlockHash', '[0]'), api.genesisHash.toHex(), 'genesis');
  const v = await toolJson('call', chain.url, 'state_getRuntimeVersion');
  assertEq(v.specVersion, api.runtimeVersion.specVersion.toNumber(), 'spec version');
  assertEq(v.specName, 'rococo', 'spec name');
  const sudoKey = xxhashAsHex('Sudo', 128) + xxhashAsHex('Key', 128).slice(2);
  assertEq(await toolJson('call', chain.url, 'state_getStorage', `["${sudoKey}"]`), ALICE, 'Sudo.Key');
  // An absent value is JSON null, not an error.
  assertEq(await toolJson('call', chain.url, 'state_getStorage', `["${xxhashAsHex('NoSuchPallet', 128)}"]`),
    null, 'absent storage');
});

test('tool_rpc call: the chain\'s errors and the client\'s limits, word for word', async () => {
  let r = await tool('call', chain.url, 'nope_method', '[]');
  assertEq(r.code, 1, 'exit code');
  assertEq(r.stderr.trim(), `error (remote): node ${chain.url}: nope_method failed: Method not found: nope_method`, 'no code');
  r = await tool('-c', '65536', 'call', chain.url, 'state_getMetadata');
  assertEq(r.code, 1, 'exit code');
  assertEq(r.stderr.trim(), `error (too_large): node ${chain.url}: the answer to state_getMetadata is over the 64 KiB cap`, 'cap');
  const port = await freePort();
  r = await tool('call', `http://127.0.0.1:${port}`, 'chain_getBlockHash', '[0]');
  assertEq(r.code, 1, 'exit code');
  assertEq(r.stderr.trim(), `error (unreachable): node http://127.0.0.1:${port} is not reachable (connection refused): start the node or fix node_url in the config`, 'refused');
  r = await tool('call', chain.wsUrl, 'chain_getBlockHash', '[0]');
  assertEq(r.code, 1, 'exit code');
  assert(r.stderr.includes('only http:// is supported'), `ws:// refused: ${r.stderr}`);
});

test('tool_rpc status matches @polkadot/api: genesis, runtime, best, finalized, Sudo key, metadata', async () => {
  const s = await toolJson('status', chain.url);
  assertEq(s.node_url, chain.url, 'node_url');
  assertEq(s.genesis_hash, api.genesisHash.toHex(), 'genesis');
  const rv = api.runtimeVersion;
  assertEq(s.runtime.spec_name, rv.specName.toString(), 'spec_name');
  assertEq(s.runtime.impl_name, rv.implName.toString(), 'impl_name');
  assertEq(s.runtime.spec_version, rv.specVersion.toNumber(), 'spec_version');
  assertEq(s.runtime.impl_version, rv.implVersion.toNumber(), 'impl_version');
  assertEq(s.runtime.transaction_version, rv.transactionVersion.toNumber(), 'transaction_version');
  assertEq(s.runtime.authoring_version, rv.authoringVersion.toNumber(), 'authoring_version');
  const head = await api.rpc.chain.getHeader();
  assertEq(s.best.number, head.number.toNumber(), 'best number');
  assertEq(s.best.hash, (await api.rpc.chain.getBlockHash(head.number)).toHex(), 'best hash');
  const fin = await api.rpc.chain.getFinalizedHead();
  assertEq(s.finalized.hash, fin.toHex(), 'finalized hash');
  assertEq(s.finalized.number, (await api.rpc.chain.getHeader(fin)).number.toNumber(), 'finalized number');
  assertEq(s.sudo_key, (await api.query.sudo.key()).toHex(), 'sudo key');
  const md = hexToU8a(await rpc(chain.url, 'state_getMetadata', []));
  assertEq(s.metadata_bytes, md.length, 'metadata size');
  assertEq(s.metadata_blake2b, blake2AsHex(md, 256), 'metadata bytes');
  assertEq(s.metadata_version, api.runtimeMetadata.version, 'metadata version');
  assertEq(s.metadata_version, 14, 'V14');
});

test('tool_rpc status against a node that is down says so and names the URL', async () => {
  const port = await freePort();
  const r = await tool('status', `http://127.0.0.1:${port}`);
  assertEq(r.code, 1, 'exit code');
  assertEq(r.stderr.trim(), `error (unreachable): node http://127.0.0.1:${port} is not reachable (connection refused): start the node or fix node_url in the config`, 'message');
});

test('a taken port: chopsticks moves on and the harness reads where it went', async () => {
  const second = await startTestChain({ mode: 'Manual', port: chain.port, fund: [] });
  try {
    assert(second.port !== chain.port, `second chain on ${second.port}, first on ${chain.port}`);
    assertEq(await rpc(second.url, 'chain_getBlockHash', [0]), api.genesisHash.toHex(), 'it is a chain');
  } finally {
    await second.stop();
  }
  assert(!pidAlive(second.pid), 'second chain stopped');
});

test('stop() leaves no process behind', async () => {
  await api.disconnect();
  api = null;
  const { pid } = chain;
  const exit = await chain.stop();
  chain = null;
  assert(exit.code !== null || exit.signal !== null, 'exit seen');
  assert(!pidAlive(pid), `pid ${pid} is gone`);
  assert(!fs.existsSync(`/proc/${pid}`), 'no /proc entry');
});

runTests(label).then(async (failed) => {
  if (api) await api.disconnect().catch(() => {});
  if (chain) await chain.stop();
  process.exitCode = failed ? 1 : 0;
});
