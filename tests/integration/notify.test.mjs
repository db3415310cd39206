// The systemd notify protocol, spoken by the supervisor itself: READY,
// STATUS from the build worker, WATCHDOG pings and STOPPING, received on a
// real AF_UNIX datagram socket the way systemd receives them.
// Usage: node notify.test.mjs --root STAGE --label NAME [--user USER]
import fs from 'node:fs';
import path from 'node:path';
import { spawn, execFileSync } from 'node:child_process';
import { test, runTests, assert, sleep, freePort, request, readSse } from './lib.mjs';

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

test('the supervisor tells systemd READY, STATUS, WATCHDOG and STOPPING', async () => {
  const dir = fs.mkdtempSync(path.join(root, 'notify-'));
  fs.chmodSync(dir, 0o777);
  const sock = path.join(dir, 'notify.sock');
  const listener = spawn('python3', ['-c', LISTENER, sock]);
  const lines = [];
  listener.stdout.setEncoding('utf8');
  listener.stdout.on('data', (d) => lines.push(...d.split('\n').filter(Boolean)));
  const state = path.join(root, 'state-notify');
  fs.mkdirSync(state, { recursive: true });
  if (user) execFileSync('chown', [`${user}:${user}`, state]);
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

runTests(label).then((failed) => { process.exitCode = failed ? 1 : 0; });
