// Integration tests: the real daemon, real cargo on the demo workspace.
// Usage: node daemon.test.mjs --root STAGE --label NAME [--user USER]
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { test, runTests, assert, assertEq, sleep, freePort, request, readSse,
  Daemon, buildProcessesIn, b2sum256 } from './lib.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc, []));
const root = args.root;
const label = args.label || 'run';
const user = args.user || null;
const workspace = path.join(root, 'tests/demo-workspace');
const failing = path.join(root, 'tests/fixtures/failing-workspace');

const mainState = path.join(root, 'state-main');
let d;

async function post(p, body) { return request(d.port, 'POST', p, { body }); }
async function job(id) { return (await request(d.port, 'GET', `/api/build/jobs/${id}`)).json; }

async function waitFor(what, fn, ms) {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(100);
  }
}

async function waitJobDone(id, ms = 600000) {
  return waitFor(`job ${id} to finish`, async () => {
    const j = await job(id);
    return j && !['queued', 'running'].includes(j.status) ? j : null;
  }, ms);
}

async function waitProgress(id, pct) {
  return waitFor(`job ${id} at ${pct}%`, async () => {
    const j = await job(id);
    if (j && !['queued', 'running'].includes(j.status)) throw new Error(`job ${id} ended early: ${JSON.stringify(j)}`);
    return j && j.percent >= pct ? j : null;
  }, 300000);
}

function checkContiguous(events, from, what) {
  events.forEach((e, i) => assertEq(e.id, from + i, `${what}: event ${i} id`));
}

test('the daemon starts healthy with all roles up', async () => {
  const h = await d.health();
  assertEq(h.status, 'ok', 'health status');
  for (const r of ['front', 'build', 'sign']) assertEq(h.roles[r].state, 'up', `${r} state`);
  assertEq(h.roles.sign.status.key_loaded, true, 'the sign worker holds the --dev key');
  assertEq(h.roles.sign.status.seccomp, true, 'the sign worker runs under its seccomp filter');
  if (!user) {
    // Started as root: every role runs as its own user.
    for (const [role, name] of [['front', 'rtforge-web'], ['build', 'rtforge-build'], ['sign', 'rtforge-sign']]) {
      const pid = role === 'front' ? h.roles.front.pid : h.roles[role].status.pid;
      const uid = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/^Uid:\s+(\d+)/m)[1];
      assertEq(uid, execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim(), `${role} uid`);
    }
  } else {
    assert(/uid separation between the roles is OFF/.test(d.log()), 'unprivileged start warns that uid separation is off');
  }
});

test('bad requests get clear JSON errors and change nothing', async () => {
  const before = (await request(d.port, 'GET', '/api/build/jobs')).json.jobs.length;
  const cases = [
    ['POST', '/api/build/runtime', { raw: '{"clean":' }, 400, /malformed JSON/],
    ['POST', '/api/build/runtime', { raw: '[1,2]' }, 400, /JSON object/],
    ['POST', '/api/build/runtime', { body: { clean: 'yes' } }, 400, /"clean" must be true or false/],
    ['POST', '/api/build/runtime', { body: { features: 'x' } }, 400, /features/],
    ['POST', '/api/build/runtime', { body: { features: ['a b'] } }, 400, /features\[0\]/],
    ['POST', '/api/build/runtime', { body: { cleen: true } }, 400, /unknown field "cleen"/],
    ['POST', '/api/build/node', { body: { target: 'fast' } }, 400, /"target" must be/],
    ['POST', '/api/build/node', { body: { features: [] } }, 400, /unknown field "features"/],
    ['POST', '/api/build/runtime', { body: { use_docker: true } }, 422, /container builds are not available/],
    ['POST', '/api/build/runtime', { raw: JSON.stringify({ clean: false, pad: 'x'.repeat(70000) }) }, 413, /limit/],
    ['GET', '/api/build/runtime', {}, 405, /not allowed/],
    ['PUT', '/api/build/jobs', {}, 405, /not allowed/],
    ['GET', '/api/build/jobs/999999', {}, 404, /no such job/],
    ['GET', '/api/build/status/999999', {}, 404, /no such job/],
    ['GET', '/api/build/status/abc', {}, 404, /no such job/],
    ['DELETE', '/api/build/jobs/999999', {}, 404, /no such job/],
    ['GET', '/api/nothing', {}, 404, /no such endpoint/],
    ['GET', '/../../etc/passwd', {}, 404, /no such file/],
    ['GET', '/%2e%2e/%2e%2e/etc/passwd', {}, 404, /no such file/],
  ];
  for (const [method, p, opts, status, re] of cases) {
    const r = await request(d.port, method, p, opts);
    assertEq(r.status, status, `${method} ${p} status`);
    assert(r.json && typeof r.json.error === 'string' && re.test(r.json.error),
      `${method} ${p}: error ${JSON.stringify(r.text)} should match ${re}`);
    assertEq(r.headers['content-type'], 'application/json', `${method} ${p} content type`);
  }
  const after = (await request(d.port, 'GET', '/api/build/jobs')).json.jobs.length;
  assertEq(after, before, 'no job was created by a bad request');
  assertEq((await d.health()).status, 'ok', 'still healthy');
});

test('the placeholder page is served', async () => {
  const r = await request(d.port, 'GET', '/');
  assertEq(r.status, 200, 'index status');
  assert(/rtforge/i.test(r.text), 'index mentions rtforge');
});

let firstJob;
test('a clean runtime build streams to complete; front kill and SSE reconnect lose nothing', async () => {
  const r = await post('/api/build/runtime', { clean: true });
  assertEq(r.status, 202, 'accepted');
  assertEq(r.json.status, 'queued', 'queued');
  assertEq(r.json.sse_endpoint, `/api/build/status/${r.json.job_id}`, 'sse endpoint');
  firstJob = r.json.job_id;
  const sse = r.json.sse_endpoint;

  // Client A reads 15 events, drops, and resumes with Last-Event-ID.
  const part1 = await readSse(d.port, sse, { stopAfter: (ev) => ev.length >= 15 });
  assertEq(part1.headers['content-type'], 'text/event-stream', 'SSE content type');
  assertEq(part1.headers['cache-control'], 'no-cache', 'SSE cache control');
  assertEq(part1.headers['x-accel-buffering'], 'no', 'SSE X-Accel-Buffering');
  checkContiguous(part1.events, 1, 'first part');
  const resumed = readSse(d.port, sse, { lastEventId: part1.events.at(-1).id });

  // Kill the front with SIGKILL mid-build: the API is back within 2 s.
  await waitProgress(firstJob, 10);
  const frontPid = (await d.health()).roles.front.pid;
  process.kill(frontPid, 'SIGKILL');
  const killedAt = Date.now();
  await waitFor('the front to answer again', async () => {
    const h = await d.health();
    return h && h.roles.front.pid !== frontPid ? h : null;
  }, 2000);
  assert(Date.now() - killedAt <= 2000, 'front back within 2 s');
  const stillRunning = await job(firstJob);
  assertEq(stillRunning.status, 'running', 'the build goes on after the front died');

  // A's resumed stream was cut by the kill; resume again from where it got.
  const part2 = await resumed;
  const got2 = part2.events;
  const lastSeen = got2.length ? got2.at(-1).id : part1.events.at(-1).id;
  const part3 = await readSse(d.port, sse, { lastEventId: lastSeen });
  assert(part3.ended, 'stream closes after the terminal event');
  const all = [...part1.events, ...got2, ...part3.events];
  checkContiguous(all, 1, 'reconnecting client');

  // A late client gets the whole history, identical.
  const late = await readSse(d.port, sse);
  assertEq(JSON.stringify(late.events), JSON.stringify(all), 'late joiner sees the same events');

  const last = all.at(-1);
  assertEq(last.event, 'complete', 'last event');
  assertEq(last.data.status, 'success', 'complete status');
  const progress = all.filter((e) => e.event === 'progress').map((e) => e.data.percent);
  for (let i = 1; i < progress.length; i++) assert(progress[i] >= progress[i - 1], `progress monotone at ${i}: ${progress}`);
  assertEq(progress.at(-1), 100, 'progress ends at 100');
  assert(progress.filter((p) => p > 0 && p < 100).length >= 5, 'progress moves through the build');
  const logText = all.filter((e) => e.event === 'log').map((e) => e.data.message).join('\n');
  assert(/Compiling demo-macros/.test(logText), 'log names the proc-macro crate');
  assert(/Compiling demo-runtime/.test(logText), 'log names the runtime crate');

  const file = path.join(mainState, last.data.wasm_path);
  assert(/^artifacts\/[0-9a-f]{64}\/demo_runtime\.compact\.compressed\.wasm$/.test(last.data.wasm_path), `wasm_path ${last.data.wasm_path}`);
  assertEq(last.data.hash, b2sum256(file), 'complete hash is the blake2b-256 of the file');
  assertEq(last.data.size, fs.statSync(file).size, 'size');
  const head = fs.readFileSync(file).subarray(0, 8).toString('hex');
  assertEq(head, '52bc537646db8e05', 'the runtime is zstd-compressed the Substrate way');

  assertEq(last.data.runtime.spec_name, 'rococo', 'inspected spec_name');
  assertEq(last.data.runtime.spec_version, 9141, 'inspected spec_version');
  assertEq(last.data.runtime.transaction_version, 0, 'inspected transaction_version');
  assert(last.data.runtime.uncompressed_size > last.data.size, 'uncompressed size reported');
  assert(/^rustc \d+\.\d+/.test(last.data.provenance.rustc), 'provenance has rustc -vV');
  const lockSha = execFileSync('sha256sum', [path.join(workspace, 'Cargo.lock')], { encoding: 'utf8' }).split(' ')[0];
  assertEq(last.data.provenance.cargo_lock_sha256, lockSha, 'provenance has the Cargo.lock sha256');
  const arts = (await request(d.port, 'GET', '/api/build/artifacts')).json;
  assertEq(arts.runtime_wasm.hash, last.data.hash, 'artifacts lists the build');
  assertEq(arts.runtime_wasm.runtime.spec_version, 9141, 'artifacts carry the runtime version');
  assertEq(arts.runtime_wasm.job_id, firstJob, 'artifact job id');
  assertEq(arts.runtime_wasm.path, last.data.wasm_path, 'artifact path');
  const j = await job(firstJob);
  assertEq(j.status, 'success', 'job status');
  assertEq(j.percent, 100, 'job percent');
});

test('an upgrade of a built artifact reaches the sign worker, which refuses it plainly (no node) and stays up', async () => {
  const arts = (await request(d.port, 'GET', '/api/build/artifacts')).json;
  const a = arts.runtime_wasm;
  assert(a && a.hash, 'a runtime artifact from the build above');
  for (const body of [{ artifact: a.hash, expected_hash: a.hash }, { wasm_path: a.path, expected_hash: a.hash }]) {
    const r = await request(d.port, 'POST', '/api/upgrade/submit', { body });
    // No node runs for this daemon: the sign worker's pre-flight says so.
    assertEq(r.status, 502, `submission of a known artifact without a node (${r.text})`);
    assertEq(r.json.check, 'node', 'the check that refused');
    assert(/nothing was signed/.test(r.json.error), `says nothing was signed: ${r.json.error}`);
  }
  const h = await d.health();
  assertEq(h.roles.sign.state, 'up', 'the sign worker kept its channel');
  const s = await request(d.port, 'GET', '/api/signer');
  assertEq(s.status, 200, 'the sign worker still answers');
  assertEq((await request(d.port, 'GET', '/api/upgrade')).json.upgrades.length, 0, 'no upgrade was recorded');
});

test('builds queue one after the other, and cancel works on queued and running jobs', async () => {
  const a = (await post('/api/build/runtime', { clean: true })).json;
  const b = await post('/api/build/runtime', {});
  assertEq(b.status, 202, 'second build accepted');
  assertEq(b.json.position, 2, 'second build is second in the queue');
  assertEq((await job(b.json.job_id)).status, 'queued', 'second build waits');
  const c = (await post('/api/build/node', { target: 'release' })).json;

  const cancelQueued = await request(d.port, 'DELETE', `/api/build/jobs/${b.json.job_id}`);
  assertEq(cancelQueued.status, 200, 'cancelling a queued job');
  assertEq((await job(b.json.job_id)).status, 'cancelled', 'queued job cancelled');

  await waitProgress(a.job_id, 5);
  const stream = readSse(d.port, a.sse_endpoint);
  const treeOfA = buildProcessesIn(workspace);
  assert(treeOfA.length > 0, 'the first build has cargo running');
  const cancelRunning = await request(d.port, 'DELETE', `/api/build/jobs/${a.job_id}`);
  assertEq(cancelRunning.status, 202, 'cancelling a running job');
  const ja = await waitJobDone(a.job_id, 10000);
  assertEq(ja.status, 'cancelled', 'running job cancelled');
  const ev = (await stream).events.at(-1);
  assertEq(ev.event, 'error', 'cancelled stream ends with error');
  assertEq(ev.data.status, 'failed', 'error event carries status failed');
  // The queued node build starts right away, so look for A's own processes.
  await waitFor('the cancelled cargo tree to be gone', async () =>
    !buildProcessesIn(workspace).some((p) => treeOfA.includes(p)), 3000);

  const jc = await waitJobDone(c.job_id);
  assertEq(jc.status, 'success', `queued node build ran after the cancel: ${jc.error}`);
  assert(Date.parse(jc.started_at) >= Date.parse(ja.finished_at), 'the node build started after the first ended');
  assert(/^[0-9a-f]{64}$/.test(jc.artifact.sha256), 'node binary has a sha256');
  const bin = path.join(mainState, jc.artifact.path);
  assertEq(jc.artifact.hash, b2sum256(bin), 'node hash');
  assertEq(execFileSync('sha256sum', [bin], { encoding: 'utf8' }).split(' ')[0], jc.artifact.sha256, 'node sha256');
  const arts = (await request(d.port, 'GET', '/api/build/artifacts')).json;
  assertEq(arts.node_binary.hash, jc.artifact.hash, 'artifacts lists the node binary');
  assert(arts.history.length >= 2, 'history keeps older artifacts');

  const again = await request(d.port, 'DELETE', `/api/build/jobs/${c.job_id}`);
  assertEq(again.status, 409, 'cancelling a finished job');
  assert(/already finished/.test(again.json.error), 'says it finished');
});

test('kill -9 of the build worker fails the job with a reason and leaves no cargo behind', async () => {
  const r = (await post('/api/build/runtime', { clean: true })).json;
  await waitProgress(r.job_id, 5);
  assert(buildProcessesIn(workspace).length > 0, 'cargo is running');
  // A client connected live across the kill: the restarted worker's end
  // event must reach it without a reconnect.
  const live = readSse(d.port, `/api/build/status/${r.job_id}`, { timeoutMs: 20000 })
    .catch((e) => ({ failed: e }));
  await sleep(300);
  const oldPid = (await d.health()).roles.build.status.pid;
  process.kill(oldPid, 'SIGKILL');
  const killedAt = Date.now();
  await waitFor('a new build worker', async () => {
    const h = await d.health();
    return h && h.roles.build.state === 'up' && h.roles.build.status && h.roles.build.status.pid !== oldPid;
  }, 2000);
  assert(Date.now() - killedAt <= 2000, 'build worker back within 2 s');
  const j = await waitJobDone(r.job_id, 5000);
  assertEq(j.status, 'failed', 'job failed');
  assert(/build worker stopped during this build/.test(j.error), `reason given: ${j.error}`);
  await waitFor('no cargo or rustc left', async () => buildProcessesIn(workspace).length === 0, 3000);
  const s = await readSse(d.port, `/api/build/status/${r.job_id}`);
  assertEq(s.events.at(-1).event, 'error', 'its stream ends with error');
  checkContiguous(s.events, 1, 'stream after the kill');
  const l = await live;
  assert(!l.failed, `the live client got the end without reconnecting (${l.failed && l.failed.message})`);
  assertEq(JSON.stringify(l.events), JSON.stringify(s.events), 'the live client saw the whole log, end included');
});

test('a daemon restart keeps jobs, logs and artifacts', async () => {
  const jobsBefore = (await request(d.port, 'GET', '/api/build/jobs')).json.jobs;
  const streamBefore = await readSse(d.port, `/api/build/status/${firstJob}`);
  const artsBefore = (await request(d.port, 'GET', '/api/build/artifacts')).json;
  await d.stop();
  await d.start();
  const jobsAfter = (await request(d.port, 'GET', '/api/build/jobs')).json.jobs;
  assertEq(JSON.stringify(jobsAfter.map((j) => [j.job_id, j.status])),
    JSON.stringify(jobsBefore.map((j) => [j.job_id, j.status])), 'same jobs');
  const streamAfter = await readSse(d.port, `/api/build/status/${firstJob}`);
  assertEq(JSON.stringify(streamAfter.events), JSON.stringify(streamBefore.events), 'same log');
  const mid = Math.floor(streamAfter.events.length / 2);
  const tail = await readSse(d.port, `/api/build/status/${firstJob}?last_event_id=${mid}`);
  assertEq(JSON.stringify(tail.events), JSON.stringify(streamBefore.events.slice(mid)), 'resume by query parameter');
  const artsAfter = (await request(d.port, 'GET', '/api/build/artifacts')).json;
  assertEq(JSON.stringify(artsAfter), JSON.stringify(artsBefore), 'same artifacts');
});

test('clients that never read do not hold up the others', async () => {
  const stalled = [];
  for (let i = 0; i < 20; i++) {
    const sock = net.connect(d.port, '127.0.0.1');
    await new Promise((r) => sock.on('connect', r));
    sock.pause();
    sock.write(`GET /api/build/status/${firstJob} HTTP/1.1\r\nHost: x\r\n\r\n`);
    stalled.push(sock);
  }
  try {
    const started = Date.now();
    const s = await readSse(d.port, `/api/build/status/${firstJob}`, { timeoutMs: 10000 });
    assert(s.ended && s.events.at(-1).event === 'complete', 'a reading client gets its whole stream');
    assert(Date.now() - started < 5000, 'and gets it promptly');
    assertEq((await d.health()).status, 'ok', 'the daemon stays healthy');
  } finally {
    stalled.forEach((sock) => sock.destroy());
  }
});

test('the job log starts with what the jail applied', async () => {
  const s = await readSse(d.port, `/api/build/status/${firstJob}`);
  const lines = s.events.filter((e) => e.event === 'log').map((e) => e.data.message);
  const jail = lines.filter((l) => l.startsWith('jail: '));
  assert(jail.some((l) => /namespaces/.test(l)), `namespaces reported: ${jail}`);
  assert(jail.some((l) => /Landlock ABI \d+/.test(l)), `Landlock reported: ${jail}`);
  assert(jail.some((l) => /seccomp denies/.test(l)), `seccomp reported: ${jail}`);
  assert(jail.some((l) => /capabilities dropped/.test(l)), 'capabilities reported');
  if (user) assert(jail.some((l) => /RLIMIT_DATA/.test(l)), 'the unprivileged run reports the rlimit fallback');
  else assert(jail.some((l) => /cgroup v1 memory/.test(l)), 'the root run uses delegated cgroups');
  const firstCommand = lines.findIndex((l) => l.startsWith('$ '));
  assert(lines.findIndex((l) => l.startsWith('jail: ')) < firstCommand, 'jail lines come first');
});

if (!user) {
  test('verify_reproducible builds twice from clean and reports equal hashes', async () => {
    const r = await post('/api/build/runtime', { verify_reproducible: true });
    assertEq(r.status, 202, 'accepted');
    const s = await readSse(d.port, r.json.sse_endpoint);
    const last = s.events.at(-1);
    assertEq(last.event, 'complete', `completes: ${JSON.stringify(last.data)}`);
    assertEq(last.data.reproducible, true, 'reproducible');
    assertEq(last.data.verify_hash, last.data.hash, 'both hashes equal');
    const progress = s.events.filter((e) => e.event === 'progress').map((e) => e.data.percent);
    for (let i = 1; i < progress.length; i++) assert(progress[i] >= progress[i - 1], 'progress monotone over both builds');
    const j = await job(r.json.job_id);
    assertEq(j.reproducible, true, 'job record says reproducible');
  });

  test('a build outside the jail gives the byte-identical runtime', async () => {
    const jailed = (await request(d.port, 'GET', '/api/build/artifacts')).json.runtime_wasm;
    const port = await freePort();
    const state = path.join(root, 'state-unjailed');
    prepareState(state);
    const overlay = path.join(root, 'unjailed.json');
    fs.writeFileSync(overlay, JSON.stringify({ build: { jail: false } }));
    const u = new Daemon({ root, state, source: workspace, user, port, logFile: path.join(root, 'daemon-unjailed.log'),
      extraArgs: ['-f', overlay] });
    await u.start();
    try {
      const r = await request(port, 'POST', '/api/build/runtime', { body: {} });
      const s = await readSse(port, r.json.sse_endpoint);
      const last = s.events.at(-1);
      assertEq(last.event, 'complete', 'the unjailed build completes');
      assert(s.events.some((e) => e.event === 'log' && /jail: OFF/.test(e.data.message)), 'the log says the jail was off');
      assertEq(last.data.hash, jailed.hash, 'same code hash inside and outside the jail');
      assertEq(fs.readFileSync(path.join(state, last.data.wasm_path)).compare(
        fs.readFileSync(path.join(mainState, jailed.path))), 0, 'byte-identical files');
    } finally {
      await u.stop();
    }
  });
}

test('the failing fixture ends in an error event with the compiler message', async () => {
  const port = await freePort();
  const state = path.join(root, 'state-failing');
  prepareState(state);
  const f = new Daemon({ root, state, source: failing, user, port, logFile: path.join(root, 'daemon-failing.log') });
  await f.start();
  try {
    const r = await request(port, 'POST', '/api/build/runtime', { body: {} });
    assertEq(r.status, 202, 'accepted');
    const s = await readSse(port, r.json.sse_endpoint);
    const last = s.events.at(-1);
    assertEq(last.event, 'error', 'error event');
    assertEq(last.data.status, 'failed', 'status failed');
    assert(/mismatched types/.test(last.data.error), `compiler message in the error: ${last.data.error}`);
    assert(s.events.some((e) => e.event === 'log' && e.data.level === 'error'), 'error lines are logged at level error');
  } finally {
    await f.stop();
  }
});

test('a config with an unknown key or bad value fails -n naming the file and key', async () => {
  const file = path.join(root, 'bad.json');
  const bin = path.join(root, 'bin-asan/rtforged');
  fs.writeFileSync(file, JSON.stringify({ build: { cargoo: '/x' } }));
  let r = spawnSync(bin, ['-n', '-f', file], { encoding: 'utf8' });
  assertEq(r.status, 1, 'exit status');
  assert(r.stderr.includes(file) && r.stderr.includes('build.cargoo'), `names file and key: ${r.stderr}`);
  fs.writeFileSync(file, JSON.stringify({ listen: '127.0.0.1:99999' }));
  r = spawnSync(bin, ['-n', '-f', file], { encoding: 'utf8' });
  assertEq(r.status, 1, 'bad port refused');
  assert(r.stderr.includes('listen'), `names the key: ${r.stderr}`);
  fs.writeFileSync(file, JSON.stringify({ listen: '127.0.0.1:8080' }));
  r = spawnSync(bin, ['-n', '-f', file], { encoding: 'utf8' });
  assertEq(r.status, 0, `a good config passes: ${r.stderr}`);
  r = spawnSync(bin, ['--dev', '--listen', '0.0.0.0:8080', '-n'], { encoding: 'utf8' });
  assertEq(r.status, 1, '--dev refuses a non-loopback listen');
});

function prepareState(dir) {
  fs.mkdirSync(dir, { recursive: true });
  if (user) execFileSync('chown', [`${user}:${user}`, dir]);
}

async function main() {
  prepareState(mainState);
  d = new Daemon({ root, state: mainState, source: workspace, user, port: await freePort(),
    logFile: path.join(root, 'daemon-main.log') });
  let failed = 1;
  try {
    await d.start();
    failed = await runTests(label);
  } finally {
    await d.stop();
  }
  const log = d.log();
  if (/AddressSanitizer|runtime error:|LeakSanitizer/.test(log)) {
    console.log(`FAIL [${label}] sanitizer report in the daemon log:\n${log.slice(-4000)}`);
    console.log('0 passed, 1 failed');
    failed++;
  }
  process.exitCode = failed ? 1 : 0;
}

main().catch((e) => { console.log(`FAIL [${label}] harness: ${e.stack}`); console.log('0 passed, 1 failed'); process.exitCode = 1; });
