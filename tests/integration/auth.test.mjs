// Access control through the real daemon: every endpoint × {no token,
// wrong token, viewer, builder, upgrader}, CSRF, rate limits with
// Retry-After, session cookies (flags, expiry, logout), trusted proxies,
// the audit log, and that no plain token is stored or logged. Tokens are
// made with `rtforged --hash-token`, as an operator would.
// Usage: node auth.test.mjs --root STAGE --label NAME [--user U]
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { test, runTests, assert, assertEq, freePort, request, sleep, Daemon } from './lib.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc, []));
const root = args.root;
const label = args.label || 'run';
const user = args.user || null;
const state = path.join(root, 'state-auth');

const TOKENS = {
  viewer: 'alice.viewer-secret-0123456789abcdef',
  builder: 'bob.builder-secret-0123456789abcdef',
  upgrader: 'carol.upgrader-secret-0123456789abc',
  limited: 'dave.limited-secret-0123456789abcde',
};
const WRONG = 'alice.not-the-right-secret-012345678';
let d = null;

function hashToken(token, role) {
  const out = execFileSync(path.join(root, 'bin-asan/rtforged'), ['--hash-token'],
    { input: token + '\n', encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'], env: { ASAN_OPTIONS: 'detect_leaks=0' } });
  const entry = JSON.parse(out);
  assert(entry.hash.startsWith('$argon2id$'), `an argon2id hash: ${entry.hash}`);
  assert(!out.includes(token.split('.')[1]), 'the secret is not printed');
  return { ...entry, role };
}

const bearer = (t) => ({ Authorization: `Bearer ${t}` });

// [method, path, body, allowed status, least role]
const ENDPOINTS = [
  ['GET', '/api/build/jobs', undefined, 200, 'viewer'],
  ['GET', '/api/build/jobs/999', undefined, 404, 'viewer'],
  ['GET', '/api/build/artifacts', undefined, 200, 'viewer'],
  ['GET', '/api/build/status/999', undefined, 404, 'viewer'],
  ['GET', '/api/upgrade', undefined, 200, 'viewer'],
  ['GET', '/api/upgrade/999', undefined, 404, 'viewer'],
  ['GET', '/api/upgrade/status/999', undefined, 404, 'viewer'],
  ['GET', '/api/signer', undefined, 200, 'viewer'],
  ['GET', '/api/whoami', undefined, 200, 'viewer'],
  ['POST', '/api/build/runtime', { bogus: 1 }, 400, 'builder'],
  ['POST', '/api/build/node', { bogus: 1 }, 400, 'builder'],
  ['DELETE', '/api/build/jobs/999', undefined, 404, 'builder'],
  ['POST', '/api/upgrade/submit', { bogus: 1 }, 400, 'upgrader'],
  ['POST', '/api/upgrade/upload', 'x', 415, 'upgrader'],
];
const RANK = { none: 0, viewer: 1, builder: 2, upgrader: 3 };

test('every endpoint × {no token, wrong token, viewer, builder, upgrader}', async () => {
  for (const [method, p, body, allowed, least] of ENDPOINTS) {
    const who = [['none', null], ['wrong', WRONG], ['viewer', TOKENS.viewer],
      ['builder', TOKENS.builder], ['upgrader', TOKENS.upgrader]];
    for (const [name, token] of who) {
      const headers = token ? bearer(token) : {};
      if (p.endsWith('/upload')) headers['Content-Type'] = 'text/plain';
      const r = await request(d.port, method, p, { body, headers });
      const want = name === 'none' || name === 'wrong' ? 401 :
        RANK[name] >= RANK[least] ? allowed : 403;
      assertEq(r.status, want, `${method} ${p} as ${name} (${r.text.slice(0, 200)})`);
      if (want === 401) {
        assert(/Bearer/.test(r.headers['www-authenticate'] || ''), `${method} ${p}: WWW-Authenticate`);
        assert(r.json && r.json.error, `${method} ${p} as ${name}: a JSON error`);
      }
      if (want === 403) assert(/needs (builder|upgrader)/.test(r.json.error), `403 says what is needed: ${r.json.error}`);
    }
  }
});

test('health and the page stay open; whoami names the token and role', async () => {
  assertEq((await request(d.port, 'GET', '/healthz')).status, 200, '/healthz');
  assertEq((await request(d.port, 'GET', '/')).status, 200, 'the page');
  const w = await request(d.port, 'GET', '/api/whoami', { headers: bearer(TOKENS.builder) });
  assertEq(w.json.name, 'bob', 'name');
  assertEq(w.json.role, 'builder', 'role');
  assertEq(w.json.via, 'token', 'via');
});

test('a malformed Authorization header is 401, not a crash', async () => {
  for (const h of ['Basic Zm9vOmJhcg==', 'Bearer ', 'Bearer nodot', 'Bearer .x', 'Bearer x.', `Bearer alice.${'x'.repeat(5000)}`]) {
    const r = await request(d.port, 'GET', '/api/build/jobs', { headers: { Authorization: h } });
    assertEq(r.status, 401, `${h.slice(0, 40)}`);
  }
  assertEq((await request(d.port, 'GET', '/healthz')).status, 200, 'still serving');
});

test('sessions: login sets a strict HttpOnly cookie, CSRF is refused, logout ends it', async () => {
  const bad = await request(d.port, 'POST', '/api/login', { body: { token: WRONG } });
  assertEq(bad.status, 401, 'wrong token cannot log in');
  const r = await request(d.port, 'POST', '/api/login', { body: { token: TOKENS.upgrader } });
  assertEq(r.status, 200, `login (${r.text})`);
  const cookie = r.headers['set-cookie'][0];
  for (const flag of ['HttpOnly', 'SameSite=Strict', 'Path=/', 'Max-Age=5']) assert(cookie.includes(flag), `cookie has ${flag}: ${cookie}`);
  assert(!cookie.includes('Secure'), 'not Secure on plain loopback without a proxy');
  const session = cookie.split(';')[0];
  const ok = await request(d.port, 'GET', '/api/whoami', { headers: { Cookie: session } });
  assertEq(ok.json.via, 'session', 'the cookie authenticates');
  const foreign = await request(d.port, 'POST', '/api/upgrade/submit',
    { body: { bogus: 1 }, headers: { Cookie: session, Origin: 'https://evil.example' } });
  assertEq(foreign.status, 403, 'CSRF with a foreign Origin');
  assert(/cross-site/.test(foreign.json.error), foreign.json.error);
  const noOrigin = await request(d.port, 'DELETE', '/api/build/jobs/999', { headers: { Cookie: session } });
  assertEq(noOrigin.status, 403, 'a cookie request without Origin or Sec-Fetch-Site');
  const same = await request(d.port, 'DELETE', '/api/build/jobs/999',
    { headers: { Cookie: session, Origin: `http://127.0.0.1:${d.port}` } });
  assertEq(same.status, 404, 'the page\'s own origin passes');
  const fetchSite = await request(d.port, 'DELETE', '/api/build/jobs/999',
    { headers: { Cookie: session, 'Sec-Fetch-Site': 'same-origin' } });
  assertEq(fetchSite.status, 404, 'Sec-Fetch-Site: same-origin passes');
  const loginCsrf = await request(d.port, 'POST', '/api/login',
    { body: { token: TOKENS.viewer }, headers: { Origin: 'https://evil.example' } });
  assertEq(loginCsrf.status, 403, 'login from a foreign origin');
  const out = await request(d.port, 'POST', '/api/logout', { headers: { Cookie: session } });
  assertEq(out.status, 200, 'logout');
  assert(/Max-Age=0/.test(out.headers['set-cookie'][0]), 'logout clears the cookie');
  assertEq((await request(d.port, 'GET', '/api/whoami', { headers: { Cookie: session } })).status, 401, 'after logout');
});

test('a session expires', async () => {
  const r = await request(d.port, 'POST', '/api/login', { body: { token: TOKENS.viewer } });
  const session = r.headers['set-cookie'][0].split(';')[0];
  assertEq((await request(d.port, 'GET', '/api/whoami', { headers: { Cookie: session } })).status, 200, 'fresh');
  await sleep(6000);
  const late = await request(d.port, 'GET', '/api/whoami', { headers: { Cookie: session } });
  assertEq(late.status, 401, 'after its 5 s');
  assert(/expired/.test(late.json.error), late.json.error);
});

test('rate limits answer 429 with Retry-After', async () => {
  // builds_per_window is 2: two pass the gate, the third waits.
  for (const n of [1, 2]) {
    const ok = await request(d.port, 'POST', '/api/build/runtime', { body: { bogus: 1 }, headers: bearer(TOKENS.limited) });
    assertEq(ok.status, 400, `build request ${n} passes the gate`);
  }
  const second = await request(d.port, 'POST', '/api/build/runtime', { body: { bogus: 1 }, headers: bearer(TOKENS.limited) });
  assertEq(second.status, 429, 'the third within the window');
  assert(Number(second.headers['retry-after']) > 0, `Retry-After ${second.headers['retry-after']}`);
  // Another token has its own budget; reading is not limited.
  assertEq((await request(d.port, 'GET', '/api/build/jobs', { headers: bearer(TOKENS.limited) })).status, 200, 'reads pass');
  // Failed token checks per client: the configured 30 per minute.
  let status = 0;
  for (let i = 0; i < 40 && status !== 429; i++)
    status = (await request(d.port, 'GET', '/api/build/jobs', { headers: bearer(`alice.wrong-${i}-xxxxxxxxxxxxxxxx`) })).status;
  assertEq(status, 429, 'repeated wrong tokens are slowed down');
});

test('through a trusted proxy: X-Forwarded-For names the client, the cookie is Secure', async () => {
  const r = await request(d.port, 'POST', '/api/login', { body: { token: TOKENS.builder },
    headers: { 'X-Forwarded-For': '203.0.113.7, 127.0.0.1', 'X-Forwarded-Proto': 'https' } });
  assertEq(r.status, 200, 'login via the proxy');
  assert(r.headers['set-cookie'][0].includes('Secure'), 'Secure behind an https proxy');
  const audit = fs.readFileSync(path.join(state, 'audit', 'front.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const login = audit.filter((l) => l.path === '/api/login' && l.who === 'bob').pop();
  assertEq(login.from, '203.0.113.7', 'the forwarded client, not the proxy');
});

test('the audit log has who, when, where and what; no plain token anywhere', async () => {
  const lines = fs.readFileSync(path.join(state, 'audit', 'front.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const denied = lines.find((l) => l.path === '/api/build/runtime' && l.status === 403);
  assert(denied && denied.who === 'alice' && denied.at && denied.from, `a refused build by the viewer: ${JSON.stringify(denied)}`);
  assert(lines.some((l) => l.path === '/api/upgrade/submit' && l.who === 'carol' && l.detail === 'upgrade'), 'an upgrade request');
  assert(lines.some((l) => l.status === 429 && l.detail === 'rate limit'), 'a rate-limited request');
  const secrets = Object.values(TOKENS).map((t) => t.split('.')[1]);
  const haystacks = [d.log(), fs.readFileSync(path.join(state, 'audit', 'front.jsonl'), 'utf8'),
    fs.readFileSync(path.join(root, 'auth-config.json'), 'utf8')];
  for (const s of secrets) for (const h of haystacks) assert(!h.includes(s), 'a secret was written somewhere');
});

async function main() {
  fs.mkdirSync(state, { recursive: true });
  if (user) execFileSync('chown', [`${user}:${user}`, state]);
  const config = { auth: {
    tokens: [hashToken(TOKENS.viewer, 'viewer'), hashToken(TOKENS.builder, 'builder'),
      hashToken(TOKENS.upgrader, 'upgrader'), hashToken(TOKENS.limited, 'builder')],
    trusted_proxies: ['127.0.0.1'], session_ttl_seconds: 5,
    rate: { builds_per_window: 2, upgrades_per_window: 3, window_seconds: 300,
      login_failures_per_minute: 30, requests_per_minute: 0 },
  } };
  const cfgFile = path.join(root, 'auth-config.json');
  fs.writeFileSync(cfgFile, JSON.stringify(config));
  fs.chmodSync(cfgFile, 0o644);
  d = new Daemon({ root, state, user, port: await freePort(),
    source: path.join(root, 'tests/fixtures/failing-workspace'),
    logFile: path.join(root, 'daemon-auth.log'),
    extraArgs: ['-f', cfgFile, '--node', 'http://127.0.0.1:9'] });
  try {
    await d.start();
    process.exitCode = (await runTests(`auth (${label})`)) ? 1 : 0;
  } finally {
    await d.stop();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
