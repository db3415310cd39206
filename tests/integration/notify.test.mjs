// The systemd notify protocol, spoken by the supervisor itself: READY,
// STATUS from the build worker, WATCHDOG pings and STOPPING, received on a
// real AF_UNIX datagram socket the way systemd receives them; and a SIGHUP
// reload that keeps SSE clients and the running build, and ends the
// streams of a token it revokes.
// Usage: node notify.test.mjs --root STAGE --label NAME [--user USER]
import fs from 'node:fs';
import path from 'node:path';
import { spawn, execFileSync } from 'node:child_process';
import http from 'node:http';
import { test, runTests, assert, assertEq, sleep, freePort, request, readSse } from './lib.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc, []));
const root = args.root;
const label = args.label || 'run';
const user = args.user || null;

// Python's socket module is the simplest AF_UNIX datagram listener here.
const LISTENER = `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("listening", flush=True)
while True:
    data = s.recv(4096)
    print(data.decode().replace("\\n", "|"), flush=True)
`;

// A fresh directory with a notify socket listened on the way systemd does,
// and a state directory the daemon's user owns.
function setUp(prefix, stateName) {
  const dir = fs.mkdtempSync(path.join(root, `${prefix}-`));
  fs.chmodSync(dir, 0o777);
  const sock = path.join(dir, 'notify.sock');
  const listener = spawn('python3', ['-c', LISTENER, sock]);
  const lines = [];
  listener.stdout.setEncoding('utf8');
  listener.stdout.on('data', (d) => lines.push(...d.split('\n').filter(Boolean)));
  const state = path.join(root, stateName);
  fs.mkdirSync(state, { recursive: true });
  if (user) execFileSync('chown', [`${user}:${user}`, state]);
  return { dir, sock, listener, lines, state };
}

test('the supervisor tells systemd READY, STATUS, WATCHDOG and STOPPING', async () => {
  const { dir, sock, listener, lines, state } = setUp('notify', 'state-notify');
  const port = await freePort();
  let daemon;
  try {
    while (!lines.includes('listening')) await sleep(20);
    fs.chmodSync(sock, 0o777);
    const bin = path.join(root, 'bin-asan/rtforged');
    const argv = ['--dev', '--listen', `127.0.0.1:${port}`, '--state', state,
      '--source', path.join(root, 'tests/fixtures/failing-workspace')];
    const env = { PATH: '/usr/local/bin:/usr/bin:/bin', NOTIFY_SOCKET: sock,
      WATCHDOG_USEC: '400000', ASAN_OPTIONS: 'detect_leaks=0' };
    daemon = user ?
      spawn('setpriv', ['--reuid', user, '--regid', user, '--init-groups', '--', bin, ...argv], { env, stdio: 'ignore' }) :
      spawn(bin, argv, { env, stdio: 'ignore' });
    const until = Date.now() + 10000;
    while (!lines.some((l) => l.startsWith('READY=1')) && Date.now() < until) await sleep(50);
    assert(lines.some((l) => l.startsWith('READY=1')), `READY=1 sent: ${lines}`);
    await sleep(700);
    assert(lines.filter((l) => l === 'WATCHDOG=1').length >= 2, `watchdog pings at half of WATCHDOG_USEC: ${lines}`);
    // The API must be up before we ask for a build.
    for (let i = 0; i < 100; i++) {
      const h = await request(port, 'GET', '/healthz').catch(() => null);
      if (h && h.json && h.json.roles.build.status) break;
      await sleep(50);
    }
    const r = await request(port, 'POST', '/api/build/runtime', { body: {} });
    await readSse(port, r.json.sse_endpoint);
    await sleep(200);
    assert(lines.some((l) => /^STATUS=building job 1 \(runtime\)/.test(l)), `STATUS while building: ${lines}`);
    assert(lines.some((l) => /^STATUS=idle; last build failed \(job 1, runtime\)/.test(l)), `STATUS after: ${lines}`);
    daemon.kill('SIGTERM');
    await new Promise((r) => daemon.on('exit', r));
    daemon = null;
    await sleep(100);
    assert(lines.includes('STOPPING=1'), `STOPPING=1 sent: ${lines}`);
  } finally {
    if (daemon) daemon.kill('SIGKILL');
    listener.kill();
  }
});

// Every wait in the reload test is bounded, so a regression fails with what
// was seen instead of hanging the suite.
async function waitFor(cond, ms, what) {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}

function hashToken(token) {
  const out = execFileSync(path.join(root, 'bin-asan/rtforged'), ['--hash-token'],
    { input: token + '\n', encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'], env: { ASAN_OPTIONS: 'detect_leaks=0' } });
  return JSON.parse(out).hash;
}

// An SSE client of a job: its events, as they come, and whether the server
// ended the stream. Never rejects (an error is recorded), so a failing
// connection fails the test's assertions instead of the process.
function follow(port, urlPath, headers) {
  const f = { events: [], ended: false, error: null };
  f.done = new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, headers }, (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (c) => {
        buf += c;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const id = /^id: (\d+)$/m.exec(block);
          const ev = /^event: (\S+)$/m.exec(block);
          if (id) f.events.push({ id: Number(id[1]), event: ev && ev[1] });
        }
      });
      res.on('end', () => { f.ended = true; resolve(); });
      res.on('error', (e) => { f.error = e; f.ended = true; resolve(); });
    });
    req.on('error', (e) => { f.error = e; f.ended = true; resolve(); });
    f.req = req;
  });
  return f;
}

test('SIGHUP reloads the config (RELOADING, then READY): an SSE client and a build go on; a revoked token\'s stream ends', async () => {
  const { dir, sock, listener, lines, state } = setUp('reload', 'state-reload');
  const KEEP = 'keeper.reload-secret-0123456789abcdef';
  const OLD = 'before.reload-secret-0123456789abcdef';
  const NEW = 'after.reload-secret-0123456789abcdefg';
  const cfg = path.join(dir, 'rtforge.json');
  const write = (tokens) => {
    fs.writeFileSync(cfg, JSON.stringify({ auth: { tokens } }));
    fs.chmodSync(cfg, 0o644);
  };
  const keeper = { name: 'keeper', role: 'builder', hash: hashToken(KEEP) };
  write([keeper, { name: 'before', role: 'viewer', hash: hashToken(OLD) }]);
  const port = await freePort();
  const auth = (t) => ({ Authorization: `Bearer ${t}` });
  let daemon;
  const streams = [];
  try {
    await waitFor(() => lines.includes('listening'), 5000, 'the notify listener');
    fs.chmodSync(sock, 0o777);
    const bin = path.join(root, 'bin-asan/rtforged');
    const argv = ['--dev', '-f', cfg, '--listen', `127.0.0.1:${port}`, '--state', state,
      '--source', path.join(root, 'tests/demo-workspace')];
    const env = { PATH: '/usr/local/bin:/usr/bin:/bin', NOTIFY_SOCKET: sock, ASAN_OPTIONS: 'detect_leaks=0' };
    daemon = user ?
      spawn('setpriv', ['--reuid', user, '--regid', user, '--init-groups', '--', bin, ...argv], { env, stdio: 'ignore' }) :
      spawn(bin, argv, { env, stdio: 'ignore' });
    await waitFor(() => lines.some((l) => l.startsWith('READY=1')), 15000, 'READY=1');
    for (let i = 0; i < 100; i++) {
      const h = await request(port, 'GET', '/healthz').catch(() => null);
      if (h && h.json && h.json.roles.build.status) break;
      await sleep(50);
    }
    const r = await request(port, 'POST', '/api/build/runtime', { body: { clean: true }, headers: auth(KEEP) });
    assert(r.status === 202, `build accepted (${r.text})`);
    // Two clients of the build: one whose token stays, one whose token the
    // reload removes.
    const kept = follow(port, r.json.sse_endpoint, auth(KEEP));
    const revoked = follow(port, r.json.sse_endpoint, auth(OLD));
    streams.push(kept, revoked);
    await waitFor(() => (kept.events.length >= 3 && revoked.events.length >= 3) || kept.ended, 60000,
      `three build events on both streams (got ${kept.events.length}, ${revoked.events.length})`);
    assert(!kept.ended && !revoked.ended, `both streams open before the reload (${kept.error || revoked.error || ''})`);
    const sign = (await request(port, 'GET', '/healthz', { headers: auth(KEEP) })).json.roles.sign.status.pid;
    write([keeper, { name: 'after', role: 'builder', hash: hashToken(NEW) }]);
    const readyBefore = lines.filter((l) => l.startsWith('READY=1')).length;
    daemon.kill('SIGHUP');
    await waitFor(() => lines.filter((l) => l.startsWith('READY=1')).length > readyBefore, 10000, 'READY=1 again');
    assert(lines.some((l) => l.startsWith('RELOADING=1')), `RELOADING=1 sent: ${lines}`);
    // The new config is in force in the front: the new token works, the old does not.
    let now = null;
    for (let i = 0; i < 50; i++) {
      now = await request(port, 'GET', '/api/whoami', { headers: auth(NEW) });
      if (now.status === 200) break;
      await sleep(100);
    }
    assertEq(now.status, 200, `the new token after the reload (${now.text})`);
    assertEq((await request(port, 'GET', '/api/whoami', { headers: auth(OLD) })).status, 401, 'the removed token');
    await waitFor(() => revoked.ended, 10000, 'the revoked token\'s stream to end');
    assert(!revoked.events.some((e) => e.event === 'complete' || e.event === 'error'),
      'it was ended by the reload, not by the build');
    const seen = kept.events.length;
    await waitFor(() => kept.events.length > seen + 2 || kept.ended, 60000, 'events after the reload');
    assert(!kept.ended || kept.events.at(-1).event === 'complete', `the kept stream was not cut by the reload (${kept.error || ''})`);
    assert(kept.events.length > seen, 'events kept coming to the same client after the reload');
    kept.events.forEach((e, i) => assertEq(e.id, i + 1, 'no event missed or repeated'));
    const after = (await request(port, 'GET', '/healthz', { headers: auth(KEEP) })).json.roles.sign.status.pid;
    assertEq(after, sign, 'the sign worker was not restarted by the reload');
    const cancel = await request(port, 'DELETE', `/api/build/jobs/${r.json.job_id}`, { headers: auth(NEW) });
    assert([200, 202, 409].includes(cancel.status), `the build, still there, is cancelled (${cancel.text})`);
    await waitFor(() => kept.ended, 30000, 'the stream to end after the cancel');
  } finally {
    for (const f of streams) if (f.req) f.req.destroy();
    if (daemon) daemon.kill('SIGKILL');
    listener.kill();
  }
});

runTests(label).then((failed) => { process.exitCode = failed ? 1 : 0; });
