// rtforge's extrinsic builder (worker-sign/extrinsic*.c, through
// bin-asan/tool_extrinsic, keys loaded into custody by keyfile.c) against
// the real test chain (chain.mjs: chopsticks running the Rococo 9140
// genesis with real signature checks): System.remark extrinsics signed by
// //Alice with sr25519 (immortal and mortal) and with ed25519 are accepted,
// land in a block, succeed, and @polkadot/api decodes them with the right
// signer and call; a tampered signature is refused by the node.
// Usage: node extrinsic.test.mjs --root STAGE --label NAME [--user USER]
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { cryptoWaitReady, encodeAddress } from '@polkadot/util-crypto';
import { stringToHex } from '@polkadot/util';
import { test, runTests, assert, assertEq, sleep } from './lib.mjs';
import { startTestChain, rpc, ALICE, BOB } from './chain.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc, []));
const root = args.root;
const label = args.label || 'run';
const user = args.user || null;
const toolBin = path.join(root, 'bin-asan/tool_extrinsic');

// ed25519 //Alice (the dev phrase, hard-derived by "Alice"), funded at
// chain start so it can pay its fee.
const ALICE_ED25519 = '0x88dc3417d5058ec4b4503e0c12ea1a0a89be200fe98922423d4334014fa6b0ee';

let chain = null;
let api = null;
let mdFile = null;
let genesis = null;
let version = null;
const nonces = new Map();	// account -> next nonce, counted here

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

// Right after a block chopsticks may still report the old next index, so
// the first nonce comes from the chain and later ones are counted.
async function nextNonce(account) {
  if (!nonces.has(account)) {
    nonces.set(account, Number(await rpc(chain.url, 'system_accountNextIndex',
      [encodeAddress(account, 42)])));
  }
  const n = nonces.get(account);
  nonces.set(account, n + 1);
  return n;
}

async function signRemark(scheme, account, remark, mortal) {
  const nonce = await nextNonce(account);
  const argv = ['sign-remark', mdFile, scheme, '//Alice', genesis,
    String(version.specVersion), String(version.transactionVersion),
    String(nonce), remark];
  if (mortal) argv.push('64', String(mortal.number), mortal.hash);
  const r = await tool(...argv);
  assertEq(r.code, 0, `tool_extrinsic ${scheme} exit code (stderr: ${r.stderr})`);
  const [xt, hash] = r.stdout.trim().split('\n');
  assert(/^0x[0-9a-f]+$/.test(xt) && /^0x[0-9a-f]{64}$/.test(hash), `output: ${r.stdout}`);
  return { xt, hash, nonce };
}

// Instant mode builds a block per transaction: wait for the best block
// to hold ours. Returns { hash, index } (index in the block).
async function waitForBlock(xt, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const best = await rpc(chain.url, 'chain_getBlockHash', []);
    const block = await rpc(chain.url, 'chain_getBlock', [best]);
    const index = block.block.extrinsics.indexOf(xt);
    if (index >= 0) return { hash: best, index };
    await sleep(100);
  }
  throw new Error(`extrinsic not in a block within ${timeoutMs / 1000} s`);
}

async function submitAndCheck(what, signed, account, remark) {
  const before = Number((await rpc(chain.url, 'chain_getHeader', [])).number);
  const txHash = await rpc(chain.url, 'author_submitExtrinsic', [signed.xt]);
  assertEq(txHash, signed.hash, `${what}: the node's transaction hash is ours`);
  const { hash, index } = await waitForBlock(signed.xt);
  const header = await rpc(chain.url, 'chain_getHeader', [hash]);
  assert(Number(header.number) > before, `${what}: in a new block`);

  // @polkadot/api decodes it: signer, nonce, call and its bytes.
  const block = await api.rpc.chain.getBlock(hash);
  const ex = block.block.extrinsics[index];
  assert(ex.isSigned, `${what}: signed`);
  assertEq(ex.signer.toString(), encodeAddress(account, 42), `${what}: signer`);
  assertEq(ex.nonce.toNumber(), signed.nonce, `${what}: nonce`);
  assertEq(ex.method.section, 'system', `${what}: section`);
  assertEq(ex.method.method, 'remark', `${what}: method`);
  assertEq(ex.method.args[0].toHex(), remark, `${what}: remark bytes`);
  assertEq(ex.hash.toHex(), signed.hash, `${what}: @polkadot/api's hash`);

  // ... and it succeeded.
  const events = await (await api.at(hash)).query.system.events();
  const mine = events.filter((e) => e.phase.isApplyExtrinsic &&
    e.phase.asApplyExtrinsic.toNumber() === index);
  const names = mine.map((e) => `${e.event.section}.${e.event.method}`);
  assert(names.includes('system.ExtrinsicSuccess'), `${what}: events ${names.join(', ')}`);
  assert(!names.includes('system.ExtrinsicFailed'), `${what}: not failed`);
  return { hash, ex };
}

test('start the test chain and read what signing needs over RPC', async () => {
  chain = await startTestChain({ mode: 'Instant', fund: [ALICE, BOB, ALICE_ED25519],
    logFile: path.join(root, `chain-extrinsic-${label}.log`) });
  await cryptoWaitReady();
  api = await ApiPromise.create({ provider: new WsProvider(chain.wsUrl), noInitWarn: true });
  const hex = await rpc(chain.url, 'state_getMetadata', []);
  mdFile = path.join(root, `extrinsic-metadata-${label}.hex`);
  fs.writeFileSync(mdFile, hex);
  fs.chmodSync(mdFile, 0o644);
  genesis = await rpc(chain.url, 'chain_getBlockHash', [0]);
  version = await rpc(chain.url, 'state_getRuntimeVersion', []);
  assertEq(version.specVersion, 9140, 'Rococo 9140');
  assert(/^0x[0-9a-f]{64}$/.test(genesis), `genesis ${genesis}`);
});

test('a remark signed by //Alice (sr25519, immortal) lands and succeeds', async () => {
  const remark = stringToHex(`rtforge sr25519 ${label}`);
  const signed = await signRemark('sr25519', ALICE, remark, null);
  await submitAndCheck('sr25519', signed, ALICE, remark);
});

test('a mortal remark signed by //Alice (sr25519) lands and succeeds', async () => {
  const header = await rpc(chain.url, 'chain_getHeader', []);
  const number = Number(header.number);
  const hash = await rpc(chain.url, 'chain_getBlockHash', [number]);
  const remark = stringToHex(`rtforge mortal ${label}`);
  const signed = await signRemark('sr25519', ALICE, remark, { number, hash });
  const { ex } = await submitAndCheck('mortal', signed, ALICE, remark);
  assert(ex.era.isMortalEra, 'mortal era');
  assertEq(ex.era.asMortalEra.period.toNumber(), 64, 'era period');
});

test('a remark signed by ed25519 //Alice lands and succeeds', async () => {
  const remark = stringToHex(`rtforge ed25519 ${label}`);
  const signed = await signRemark('ed25519', ALICE_ED25519, remark, null);
  const { ex } = await submitAndCheck('ed25519', signed, ALICE_ED25519, remark);
  assert(ex.signature.toU8a().length === 64, 'a 64-byte signature');
});

test('a tampered signature is refused by the node and nothing is included', async () => {
  const remark = stringToHex(`rtforge tampered ${label}`);
  const signed = await signRemark('sr25519', ALICE, remark, null);
  // The signature starts after the length prefix (2 bytes), 0x84, the
  // MultiAddress (33) and the MultiSignature tag (1).
  const bytes = Buffer.from(signed.xt.slice(2), 'hex');
  assertEq(bytes[2], 0x84, 'signed v4');
  bytes[2 + 1 + 33 + 1 + 10] ^= 0x01;
  const tampered = `0x${bytes.toString('hex')}`;
  const before = await rpc(chain.url, 'chain_getBlockHash', []);
  let refused = null;
  try {
    await rpc(chain.url, 'author_submitExtrinsic', [tampered]);
  } catch (e) {
    refused = e;
  }
  assert(refused, 'the node refuses the tampered extrinsic');
  // chopsticks answers {"invalid":{"badProof":null}}; a node says "bad
  // signature" in words.
  assert(/badProof|bad signature/i.test(refused.message), `why: ${refused.message}`);
  await sleep(500);
  assertEq(await rpc(chain.url, 'chain_getBlockHash', []), before, 'no new block');
  const pending = await rpc(chain.url, 'author_pendingExtrinsics', []);
  assert(!pending.includes(tampered), 'not in the pool');
  // The untampered one still goes through: the nonce was not consumed.
  await submitAndCheck('after tamper', signed, ALICE, remark);
});

test('a refusal from the builder is a clear error, not bytes', async () => {
  const r = await tool('sign-remark', mdFile, 'sr25519', '//Alice', genesis,
    String(version.specVersion), String(version.transactionVersion), '0', '0x00', '63', '1', genesis);
  assertEq(r.code, 1, 'exit code');
  assert(/power of two/.test(r.stderr) && r.stdout === '', `stderr: ${r.stderr}`);
});

runTests(label).then(async (failed) => {
  if (api) await api.disconnect();
  if (chain) await chain.stop();
  process.exit(failed ? 1 : 0);
});
