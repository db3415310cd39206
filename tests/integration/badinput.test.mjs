// Bad input, table-driven: every malformed request gets its status and a
// clear JSON error, slow and idle clients are cut or ignored, and the
// daemon keeps serving throughout.
// Usage: node badinput.test.mjs --root STAGE --label NAME [--user USER]
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { test, runTests, assert, assertEq, sleep, freePort, request, Daemon } from './lib.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc, []));
const root = args.root;
const label = args.label || 'run';
const user = args.user || null;
let d;

// Sends raw bytes and returns the whole answer (status line, headers, body).
function raw(port, bytes, { waitMs = 3000 } = {}) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let text = '';
    const done = () => { sock.destroy(); resolve(text); };
    sock.setEncoding('utf8');
    sock.on('data', (c) => { text += c; });
    sock.on('end', done);
    sock.on('error', done);
    sock.on('connect', () => sock.write(bytes));
    setTimeout(done, waitMs);
  });
}

const json = (o) => ({ body: o });
const rawBody = (t) => ({ raw: t });
const hdr = (h) => ({ headers: h });

// [method, path, options, status, error pattern]
const cases = [
  ['POST', '/api/build/runtime', rawBody('{'), 400, /malformed JSON/],
  ['POST', '/api/build/runtime', rawBody('{"clean":true,}'), 400, /malformed JSON/],
  ['POST', '/api/build/runtime', rawBody('nul\u0000l'), 400, /malformed JSON/],
  ['POST', '/api/build/runtime', rawBody('"just a string"'), 400, /JSON object/],
  ['POST', '/api/build/runtime', rawBody('123'), 400, /JSON object/],
  ['POST', '/api/build/runtime', rawBody('null'), 400, /JSON object/],
  ['POST', '/api/build/runtime', rawBody('{"clean":true,"clean":false}'), 400, /malformed JSON/],
  ['POST', '/api/build/runtime', rawBody('{"a":'.repeat(3000)), 400, /malformed JSON/],
  ['POST', '/api/build/runtime', rawBody('\xff\xfe{}'), 400, /malformed JSON/],
  ['POST', '/api/build/runtime', json({ clean: 1 }), 400, /"clean" must be true or false/],
  ['POST', '/api/build/runtime', json({ clean: null }), 400, /"clean" must be true or false/],
  ['POST', '/api/build/runtime', json({ use_docker: 'no' }), 400, /"use_docker" must be true or false/],
  ['POST', '/api/build/runtime', json({ verify_reproducible: 'yes' }), 400, /"verify_reproducible"/],
  ['POST', '/api/build/runtime', json({ features: {} }), 400, /"features" must be an array/],
  ['POST', '/api/build/runtime', json({ features: [1] }), 400, /features\[0\]/],
  ['POST', '/api/build/runtime', json({ features: ['--offline'] }), 400, /features\[0\]/],
  ['POST', '/api/build/runtime', json({ features: ['a,b'] }), 400, /features\[0\]/],
  ['POST', '/api/build/runtime', json({ features: ['x'.repeat(65)] }), 400, /features\[0\]/],
  ['POST', '/api/build/runtime', json({ features: Array(33).fill('a') }), 400, /at most 32/],
  ['POST', '/api/build/runtime', json({ target: 'release' }), 400, /unknown field "target"/],
  ['POST', '/api/build/runtime', json({ '': 1 }), 400, /unknown field ""/],
  ['POST', '/api/build/runtime', json({ use_docker: true }), 422, /container builds are not available/],
  ['POST', '/api/build/node', json({ target: 'fast' }), 400, /"target" must be/],
  ['POST', '/api/build/node', json({ target: 7 }), 400, /"target" must be/],
  ['POST', '/api/build/node', json({ features: ['a'] }), 400, /unknown field "features"/],
  ['POST', '/api/build/runtime', rawBody(JSON.stringify({ pad: 'x'.repeat(65 * 1024) })), 413, /byte limit/],
  ['POST', '/api/build/node', rawBody(' '.repeat(70000)), 413, /byte limit/],
  ['GET', '/api/build/runtime', {}, 405, /method GET is not allowed here; use POST/],
  ['PUT', '/api/build/runtime', {}, 405, /not allowed/],
  ['DELETE', '/api/build/artifacts', {}, 405, /not allowed/],
  ['POST', '/api/build/jobs', {}, 405, /not allowed/],
  ['PATCH', '/api/build/jobs/1', {}, 405, /not allowed/],
  ['POST', '/healthz', {}, 405, /not allowed/],
  ['OPTIONS', '/api/build/runtime', {}, 405, /not allowed/],
  ['POST', '/', {}, 405, /not allowed/],
  ['GET', '/api/build/jobs/0', {}, 404, /no such job/],
  ['GET', '/api/build/jobs/-1', {}, 404, /no such job/],
  ['GET', '/api/build/jobs/01', {}, 404, /no such job/],
  ['GET', '/api/build/jobs/99999999999999999999', {}, 404, /no such job/],
  ['GET', '/api/build/jobs/1%00', {}, 404, /not found|no such job/],
  ['DELETE', '/api/build/jobs/abc', {}, 404, /no such job/],
  ['GET', '/api/build/status/1/extra', {}, 404, /no such job/],
  ['GET', '/api/build/status/999', hdr({ 'Last-Event-ID': 'abc' }), 404, /no such job/],
  ['GET', '/api/', {}, 404, /no such endpoint/],
  ['GET', '/api/build', {}, 404, /no such endpoint/],
  ['GET', '/../etc/passwd', {}, 404, /no such file/],
  ['GET', '/%2e%2e/%2e%2e/etc/passwd', {}, 404, /no such file/],
  ['GET', '/.git/config', {}, 404, /no such file/],
  ['GET', '/index.html/', {}, 404, /no such file/],
  ['GET', '//etc/passwd', {}, 404, /no such file/],
  ['GET', '/web/..%2f..%2fetc%2fpasswd', {}, 404, /no such file/],
  ['GET', '/' + 'a'.repeat(300), {}, 404, /no such file/],
];

test(`${cases.length} malformed requests each get their status and a JSON error`, async () => {
  assert(cases.length >= 40, 'at least 40 cases');
  const before = (await request(d.port, 'GET', '/api/build/jobs')).json.jobs.length;
  for (const [method, p, opts, status, re] of cases) {
    const r = await request(d.port, method, p, opts);
    assertEq(r.status, status, `${method} ${p.slice(0, 60)} ${JSON.stringify(opts).slice(0, 80)} status`);
    assert(r.json && typeof r.json.error === 'string' && re.test(r.json.error),
      `${method} ${p.slice(0, 60)}: ${r.text.slice(0, 200)} should match ${re}`);
  }
  const after = (await request(d.port, 'GET', '/api/build/jobs')).json.jobs.length;
  assertEq(after, before, 'no malformed request created a job');
});

test('a bad Last-Event-ID on a real job is refused with 400', async () => {
  const r = await request(d.port, 'POST', '/api/build/runtime', { body: {} });
  assertEq(r.status, 202, 'a job to resume');
  for (const v of ['abc', '-1', '1.5', '01', '99999999999999999999']) {
    const s = await request(d.port, 'GET', r.json.sse_endpoint, { headers: { 'Last-Event-ID': v } });
    assertEq(s.status, 400, `Last-Event-ID ${v}`);
    assert(/decimal event id/.test(s.json.error), 'says what is expected');
  }
  const q = await request(d.port, 'GET', `${r.json.sse_endpoint}?last_event_id=x`);
  assertEq(q.status, 400, 'bad query resume point');
});

test('malformed HTTP is answered or closed, never fatal', async () => {
  const answers = await Promise.all([
    raw(d.port, 'GARBAGE\r\n\r\n'),
    raw(d.port, 'GET / HTTP/9.9\r\n\r\n'),
    raw(d.port, `GET /${'x'.repeat(20000)} HTTP/1.1\r\nHost: x\r\n\r\n`),
    raw(d.port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'y'.repeat(20000)}\r\n\r\n`),
    raw(d.port, 'POST /api/build/runtime HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n'),
    raw(d.port, 'POST /api/build/runtime HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n{}'),
    raw(d.port, 'POST /api/build/runtime HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'),
  ]);
  for (const a of answers) assert(a === '' || /^HTTP\/1\.[01] [45]\d\d/.test(a), `an error status or a close: ${a.slice(0, 80)}`);
  assertEq((await d.health()).status, 'ok', 'still serving');
});

test('slowloris headers are cut by the timeout', async () => {
  const sock = net.connect(d.port, '127.0.0.1');
  await new Promise((r) => sock.on('connect', r));
  let closed = false;
  sock.on('close', () => { closed = true; });
  sock.on('error', () => {});
  sock.write('GET / HTTP/1.1\r\nHost: x\r\n');
  const started = Date.now();
  // One header byte every 2 s, forever: the first request's 10 s deadline
  // ends it, though no gap between bytes ever reaches the idle timeout.
  while (!closed && Date.now() - started < 25000) {
    sock.write('X');
    await sleep(2000);
  }
  sock.destroy();
  assert(closed, 'the server closed the slow connection');
  assert(Date.now() - started < 15000, `within the 10 s header deadline (${Date.now() - started} ms)`);
});

test('a thousand idle connections do not block new clients', async () => {
  const idle = [];
  try {
    for (let i = 0; i < 1000; i++) {
      const s = net.connect(d.port, '127.0.0.1');
      s.on('error', () => {});
      idle.push(s);
    }
    await sleep(1000);
    const started = Date.now();
    const r = await request(d.port, 'GET', '/healthz');
    assertEq(r.status, 200, 'a new client is served');
    assert(Date.now() - started < 2000, 'promptly');
  } finally {
    idle.forEach((s) => s.destroy());
  }
  await sleep(200);
  assertEq((await request(d.port, 'GET', '/healthz')).status, 200, 'still serving after they go');
});

test('a final sanity request succeeds', async () => {
  const r = await request(d.port, 'GET', '/api/build/jobs');
  assertEq(r.status, 200, 'jobs list');
  assertEq((await d.health()).status, 'ok', 'healthy');
});

async function main() {
  const state = path.join(root, 'state-badinput');
  fs.mkdirSync(state, { recursive: true });
  if (user) execFileSync('chown', [`${user}:${user}`, state]);
  d = new Daemon({ root, state, source: path.join(root, 'tests/fixtures/failing-workspace'), user,
    port: await freePort(), logFile: path.join(root, 'daemon-badinput.log') });
  let failed = 1;
  try {
    await d.start();
    failed = await runTests(label);
  } finally {
    await d.stop();
  }
  if (/AddressSanitizer|runtime error:/.test(d.log())) {
    console.log(`FAIL [${label}] sanitizer report in the daemon log:\n${d.log().slice(-4000)}`);
    console.log('0 passed, 1 failed');
    failed++;
  }
  process.exitCode = failed ? 1 : 0;
}

main().catch((e) => { console.log(`FAIL [${label}] harness: ${e.stack}`); console.log('0 passed, 1 failed'); process.exitCode = 1; });
