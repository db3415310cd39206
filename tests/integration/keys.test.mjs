// Key files against @polkadot/keyring: keystores that keyring itself wrote
// (pair.toJson(password)) load in rtforge's C code (bin-asan/tool_keys,
// from tests/tools/keys.c) with the same public key; wrong passwords, loose
// permissions and corrupted files are refused clearly and without a crash;
// signatures cross-verify both ways, for sr25519 and ed25519.
// Usage: node keys.test.mjs --root STAGE --label NAME [--user USER]
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync, execFileSync } from 'node:child_process';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, signatureVerify } from '@polkadot/util-crypto';
import { u8aToHex, hexToU8a, stringToU8a } from '@polkadot/util';
import { test, runTests, assert, assertEq } from './lib.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc, []));
const root = args.root;
const label = args.label || 'run';
const user = args.user || null;
const tool = path.join(root, 'bin-asan/tool_keys');

const MNEMONIC = 'cat forget teach wink roast alter dash avoid vendor bulb maple person';
const PASSWORD = 'correct horse';
const SCHEMES = ['sr25519', 'ed25519'];

await cryptoWaitReady();
const dir = fs.mkdtempSync(path.join(root, 'keys-'));
if (user) execFileSync('chown', [`${user}:${user}`, dir]);

// A file the tool's user owns, mode 0600 unless told otherwise.
function put(name, content, mode = 0o600) {
  const file = path.join(dir, name);
  fs.rmSync(file, { force: true });
  fs.writeFileSync(file, content, { mode });
  fs.chmodSync(file, mode);
  if (user) execFileSync('chown', [`${user}:${user}`, file]);
  return file;
}

// Runs tool_keys as the test's user; returns {code, signal, out, err}.
function runTool(...argv) {
  const cmd = user ? 'setpriv' : tool;
  const full = user ? ['--reuid', user, '--regid', user, '--init-groups', '--', tool, ...argv] : argv;
  const r = spawnSync(cmd, full, { encoding: 'utf8', timeout: 120000,
    env: { PATH: '/usr/bin:/bin', UBSAN_OPTIONS: 'print_stacktrace=1' } });
  return { code: r.status, signal: r.signal, out: (r.stdout || '').trim(), err: (r.stderr || '').trim() };
}

// A refusal: exit 1, one clear line, no sanitizer report, no signal.
function assertRefused(r, pattern, what) {
  assert(r.signal === null, `${what}: killed by ${r.signal}: ${r.err}`);
  assertEq(r.code, 1, `${what}: exit code (stderr: ${r.err})`);
  assert(!/Sanitizer|runtime error/.test(r.err), `${what}: sanitizer report: ${r.err}`);
  assert(pattern.test(r.err), `${what}: "${r.err}" does not match ${pattern}`);
  assert(!r.err.includes(PASSWORD), `${what}: the error quotes the password`);
}

const pairs = {};
for (const type of SCHEMES) {
  const pair = new Keyring({ type }).addFromUri(MNEMONIC);
  pairs[type] = { pair, json: JSON.stringify(pair.toJson(PASSWORD)) };
}
const pwFile = put('password', PASSWORD + '\n');

for (const type of SCHEMES) {
  test(`${type}: a keystore written by @polkadot/keyring loads with the same public key`, async () => {
    const { pair, json } = pairs[type];
    const encoding = JSON.parse(json).encoding;
    assertEq(encoding.version, '3', 'keyring writes version 3');
    assertEq(encoding.type.join(','), 'scrypt,xsalsa20-poly1305', 'keyring encrypts with scrypt');
    const file = put(`${type}.json`, json);
    const r = runTool('public', type, file, pwFile);
    assertEq(r.code, 0, `tool_keys public (stderr: ${r.err})`);
    assertEq(r.out, u8aToHex(pair.publicKey), 'public key');
    // The scheme may also come from the keystore itself... but a wrong
    // one in the config is refused.
    const other = type === 'sr25519' ? 'ed25519' : 'sr25519';
    assertRefused(runTool('public', other, file, pwFile), /holds an? \w+ key, but the config says/, 'scheme mismatch');
  });

  test(`${type}: our signatures verify in util-crypto, keyring's verify here; tampering fails both ways`, async () => {
    const { pair, json } = pairs[type];
    const file = put(`${type}.json`, json);
    const msg = stringToU8a(`rtforge ${type} cross-check`);
    const r = runTool('sign', type, file, pwFile, u8aToHex(msg));
    assertEq(r.code, 0, `tool_keys sign (stderr: ${r.err})`);
    const ours = hexToU8a(r.out);
    assertEq(ours.length, 64, 'signature length');
    const v = signatureVerify(msg, ours, pair.publicKey);
    assert(v.isValid && v.crypto === type, `util-crypto accepts ours as ${type}: ${JSON.stringify(v)}`);
    const tamperedMsg = stringToU8a(`rtforge ${type} cross-checK`);
    assert(!signatureVerify(tamperedMsg, ours, pair.publicKey).isValid, 'util-crypto rejects ours on another message');

    const theirs = pair.sign(msg);
    const pub = u8aToHex(pair.publicKey);
    assertEq(runTool('verify', type, pub, u8aToHex(msg), u8aToHex(theirs)).out, 'valid', 'we accept keyring\'s signature');
    assertEq(runTool('verify', type, pub, u8aToHex(tamperedMsg), u8aToHex(theirs)).out, 'invalid', 'we reject it on another message');
    const bad = theirs.slice();
    bad[10] ^= 1;
    assertEq(runTool('verify', type, pub, u8aToHex(msg), u8aToHex(bad)).out, 'invalid', 'we reject a tampered signature');
  });
}

test('a wrong password is refused clearly', async () => {
  const file = put('sr25519.json', pairs.sr25519.json);
  const wrong = put('wrong-password', 'correct horse battery\n');
  assertRefused(runTool('public', 'sr25519', file, wrong), /wrong password/, 'wrong password');
  assertRefused(runTool('public', 'sr25519', file), /give its password_file/, 'no password file');
});

test('loose permissions are refused, naming chmod', async () => {
  const file = put('loose.json', pairs.ed25519.json, 0o644);
  assertRefused(runTool('public', 'ed25519', file, pwFile), /mode 0644.*chmod 600/, 'key file 0644');
  const good = put('ed25519.json', pairs.ed25519.json);
  const loosePw = put('loose-password', PASSWORD, 0o640);
  assertRefused(runTool('public', 'ed25519', good, loosePw), /password file .*chmod 600/, 'password file 0640');
});

test('corrupted keystores are refused clearly, without a crash', async () => {
  const json = pairs.sr25519.json;
  const obj = JSON.parse(json);
  const cases = [];
  cases.push(['truncated', json.slice(0, Math.floor(json.length / 2)), /not valid JSON/]);
  cases.push(['bad base64', JSON.stringify({ ...obj, encoded: '!!' + obj.encoded.slice(2) }), /not valid base64/]);
  const box = Buffer.from(obj.encoded, 'base64');
  const flipped = Buffer.from(box);
  flipped[flipped.length - 20] ^= 0x01;
  cases.push(['flipped ciphertext byte', JSON.stringify({ ...obj, encoded: flipped.toString('base64') }), /does not authenticate/]);
  cases.push(['short box', JSON.stringify({ ...obj, encoded: box.subarray(0, 60).toString('base64') }), /not the length of an encrypted key/]);
  const huge = Buffer.from(box);
  huge.writeUInt32LE(1 << 30, 32);	// N = 2^30
  cases.push(['absurd scrypt N', JSON.stringify({ ...obj, encoded: huge.toString('base64') }), /beyond the limits/]);
  cases.push(['unencrypted', JSON.stringify({ ...obj, encoding: { ...obj.encoding, type: ['none'] } }), /unencrypted/]);
  cases.push(['no encoding', '{"a": [1, 2, 3]}', /no "encoding" object/]);
  for (const [what, text, pattern] of cases) {
    const file = put('corrupt.json', text);
    assertRefused(runTool('public', 'sr25519', file, pwFile), pattern, what);
  }
});

try {
  const failed = await runTests(label);
  process.exitCode = failed ? 1 : 0;
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
