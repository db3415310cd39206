// The daemon under valgrind (issue #9, "Sanitizers and leaks"): the
// supervisor and its three roles, built without sanitizers (bin-vg/), run
// under memcheck through one full build cycle of the demo workspace, a bad
// request and a clean stop. Every process must end with no report: no
// invalid access, no uninitialised value used, no memory definitely lost.
// cargo and git are not traced (they are not ours).
//
// bin-vg is built with RTFORGE_VALGRIND_BUILD, which leaves out the seccomp
// filters (the sign worker's and the build jail's): valgrind cannot run
// under them. The test checks that both say so in their logs.
//
// It runs once, in the root pass (as the per-role users); the unprivileged
// pass prints that it skips it.
// Usage: node valgrind.test.mjs --root STAGE --label NAME [--user USER]
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { test, runTests, assert, assertEq, sleep, freePort, request, readSse, b2sum256 } from './lib.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc, []));
const root = args.root;
const label = args.label || 'run';
const user = args.user || null;

// Lines valgrind prints that are not reports about our code.
const NOT_A_REPORT = /^==\d+== (Warning: (noted but unhandled ioctl|set address range perms|client switching stacks)|$)/;

function reportsIn(dir) {
  const out = [];
  for (const f of fs.readdirSync(dir)) {
    const lines = fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean);
    const bad = lines.filter((l) => !NOT_A_REPORT.test(l));
    if (bad.length) out.push(`${f}:\n${bad.slice(0, 60).join('\n')}`);
  }
  return out;
}

async function healthy(port, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const h = await request(port, 'GET', '/healthz').catch(() => null);
    if (h && h.json && h.json.roles.build.status && h.json.roles.sign.status && h.json.roles.front.state === 'up')
      return h.json;
    await sleep(250);
  }
  return null;
}

test('the daemon under valgrind: a full build cycle, a bad request and a clean stop, with no report', async () => {
  if (user) {
    console.log(`skip [${label}] valgrind: runs once, in the root pass with the per-role users`);
    return;
  }
  const vg = spawnSync('valgrind', ['--version'], { encoding: 'utf8' });
  assert(vg.status === 0, 'valgrind is installed (make deps installs it)');
  const bin = path.join(root, 'bin-vg/rtforged');
  assert(fs.existsSync(bin), `${bin} exists (make check builds bin-vg/)`);
  const logs = path.join(root, 'valgrind-logs');
  const state = path.join(root, 'state-valgrind');
  fs.mkdirSync(logs, { recursive: true, mode: 0o777 });
  fs.chmodSync(logs, 0o777);	// each role writes its own log as its own user
  fs.mkdirSync(state, { recursive: true });
  const port = await freePort();
  const daemonLog = path.join(root, 'daemon-valgrind.log');
  const out = fs.openSync(daemonLog, 'a');
  const proc = spawn('valgrind', ['-q', '--vgdb=no', '--trace-children=yes',
    '--trace-children-skip=*/cargo,*/git,*/rustc', '--child-silent-after-fork=yes',
    '--leak-check=full', '--show-leak-kinds=definite', '--errors-for-leak-kinds=definite',
    '--track-fds=no', `--log-file=${logs}/vg.%p.log`,
    bin, '--dev', '--listen', `127.0.0.1:${port}`, '--state', state,
    '--source', path.join(root, 'tests/demo-workspace')],
  { stdio: ['ignore', out, out], env: { PATH: '/usr/local/bin:/usr/bin:/bin' } });
  fs.closeSync(out);
  const exited = new Promise((r) => proc.on('exit', (code, sig) => r({ code, sig })));
  let stopped = false;
  try {
    const h = await healthy(port, 90000);
    assert(h, `healthy under valgrind within 90 s; log:\n${fs.readFileSync(daemonLog, 'utf8').slice(-2000)}`);
    assertEq(h.roles.sign.status.seccomp, false, 'the sign worker runs without its filter in this build');
    assert(/seccomp filter not applied: this is a valgrind build/.test(fs.readFileSync(daemonLog, 'utf8')),
      'the sign worker says why its filter is off');

    const bad = await request(port, 'POST', '/api/build/runtime', { raw: '{"clean": tru' });
    assertEq(bad.status, 400, `a bad body is answered (${bad.text})`);
    const r = await request(port, 'POST', '/api/build/runtime', { body: {} });
    assertEq(r.status, 202, `build accepted (${r.text})`);
    const s = await readSse(port, r.json.sse_endpoint, { timeoutMs: 900000 });
    const end = s.events.at(-1);
    assertEq(end && end.event, 'complete', `the build completes: ${JSON.stringify(end)}`);
    const lines = s.events.filter((e) => e.event === 'log').map((e) => e.data.message);
    assert(lines.some((l) => /^jail: seccomp NOT applied \(a valgrind build/.test(l)),
      'the job log says the jail\'s filter is off in this build');
    assertEq(b2sum256(path.join(state, end.data.wasm_path)), end.data.hash, 'the artifact has the hash it is listed with');
    const arts = await request(port, 'GET', '/api/build/artifacts');
    assertEq(arts.json.runtime_wasm.hash, end.data.hash, 'the artifacts endpoint lists it');
    const job = await request(port, 'GET', `/api/build/jobs/${r.json.job_id}`);
    assertEq(job.json.status, 'success', 'the job record');

    proc.kill('SIGTERM');
    const ex = await Promise.race([exited, sleep(60000).then(() => null)]);
    assert(ex, 'it stops within 60 s of SIGTERM');
    stopped = true;
    assertEq(ex.code, 0, `the supervisor exits 0 (${JSON.stringify(ex)})`);
    const files = fs.readdirSync(logs);
    assert(files.length >= 4, `the supervisor and its three roles ran under valgrind (${files.length} logs)`);
    const reports = reportsIn(logs);
    assertEq(reports.length, 0, `valgrind reports:\n${reports.join('\n\n')}`);
  } finally {
    if (!stopped) {
      proc.kill('SIGKILL');
      spawnSync('pkill', ['-KILL', '-f', `${root}/bin-vg/`]);
    }
  }
});

runTests(label).then((failed) => { process.exitCode = failed ? 1 : 0; });
