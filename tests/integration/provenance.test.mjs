// Provenance of the source tree (issue #4): at the start of every build the
// build worker asks git, inside the build jail, whether tracked files have
// uncommitted changes, says so in the build's log, and records it as
// git_dirty beside the artifact. The failing fixture is used because it
// fails in seconds; its log still carries the source line.
// Usage: node provenance.test.mjs --root STAGE --label NAME [--user USER]
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { test, runTests, assert, assertEq, freePort, request, readSse, Daemon } from './lib.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc, []));
const root = args.root;
const label = args.label || 'run';
const user = args.user || null;

const git = (cwd, ...a) => execFileSync('git', ['-c', 'user.name=rtforge test', '-c', 'user.email=test@localhost',
  '-c', 'init.defaultBranch=main', ...a], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function gitWorkspace() {
  const ws = path.join(root, 'git-workspace');
  fs.cpSync(path.join(root, 'tests/fixtures/failing-workspace'), ws, { recursive: true });
  git(ws, 'init', '-q');
  git(ws, 'add', '-A');
  git(ws, 'commit', '-q', '-m', 'fixture');
  execFileSync('chmod', ['-R', 'a+rX', ws]);
  return ws;
}

// One build, followed to its end; the "source:" line of its log.
async function sourceLine(d) {
  const r = await request(d.port, 'POST', '/api/build/runtime', { body: {} });
  assertEq(r.status, 202, `build accepted (${r.text})`);
  const s = await readSse(d.port, r.json.sse_endpoint, { timeoutMs: 120000 });
  const end = s.events.at(-1);
  assert(end && (end.event === 'error' || end.event === 'complete'), `the build ended: ${JSON.stringify(end)}`);
  const lines = s.events.filter((e) => e.event === 'log' && /^source: /.test(e.data.message || ''));
  assertEq(lines.length, 1, `one source line in the log (${lines.map((e) => e.data.message)})`);
  const cargo = s.events.findIndex((e) => e.event === 'log' && /^\$ /.test(e.data.message || ''));
  assert(cargo < 0 || s.events.indexOf(lines[0]) < cargo, 'the source line comes before cargo runs');
  return lines[0].data;
}

async function withDaemon(name, source, fn) {
  const state = path.join(root, `state-provenance-${name}`);
  fs.mkdirSync(state, { recursive: true });
  if (user) execFileSync('chown', [`${user}:${user}`, state]);
  const d = new Daemon({ root, state, source, user, port: await freePort(),
    logFile: path.join(root, `daemon-provenance-${name}.log`) });
  await d.start();
  try {
    await fn(d);
  } finally {
    await d.stop();
  }
}

let ws = null;

test('a committed git tree: "no uncommitted changes" (git_dirty false), asked before cargo runs', async () => {
  ws = gitWorkspace();
  await withDaemon('clean', ws, async (d) => {
    const line = await sourceLine(d);
    assertEq(line.level, 'info', 'level');
    assert(/no uncommitted changes to tracked files \(git_dirty false\)/.test(line.message), line.message);
  });
});

test('a tracked file changed after the commit: a warning (git_dirty true); an untracked file alone does not count', async () => {
  if (!ws) ws = gitWorkspace();
  fs.writeFileSync(path.join(ws, 'untracked-note.txt'), 'not part of the build\n');
  fs.chmodSync(path.join(ws, 'untracked-note.txt'), 0o644);
  await withDaemon('untracked', ws, async (d) => {
    const line = await sourceLine(d);
    assert(/git_dirty false/.test(line.message), `untracked only: ${line.message}`);
  });
  fs.appendFileSync(path.join(ws, 'Cargo.toml'), '\n# changed after the commit\n');
  await withDaemon('dirty', ws, async (d) => {
    const line = await sourceLine(d);
    assertEq(line.level, 'warning', 'level');
    assert(/uncommitted changes to tracked files \(git_dirty true\)/.test(line.message), line.message);
  });
  git(ws, 'add', 'Cargo.toml');
  await withDaemon('staged', ws, async (d) => {
    const line = await sourceLine(d);
    assert(/git_dirty true/.test(line.message), `staged but not committed is dirty too: ${line.message}`);
  });
});

test('not a git tree: unknown (git_dirty null), with git\'s reason', async () => {
  await withDaemon('nogit', path.join(root, 'tests/fixtures/failing-workspace'), async (d) => {
    const line = await sourceLine(d);
    assertEq(line.level, 'info', 'level');
    assert(/unknown \(git_dirty null\): .*not a git repository/i.test(line.message), line.message);
  });
});

test('a built artifact records git_commit and git_dirty in its provenance (root pass: a real build)', async () => {
  if (user) {
    console.log(`skip [${label}] provenance of a real build: runs once, in the root pass (a clean build takes a minute)`);
    return;
  }
  // Beside the demo workspace, so its build script finds the chain spec
  // at the same relative path.
  const demo = path.join(root, 'tests/git-demo-workspace');
  fs.cpSync(path.join(root, 'tests/demo-workspace'), demo, { recursive: true,
    filter: (src) => !src.split(path.sep).includes('target') });
  git(demo, 'init', '-q');
  git(demo, 'add', '-A');
  git(demo, 'commit', '-q', '-m', 'demo');
  const head = git(demo, 'rev-parse', 'HEAD').trim();
  execFileSync('chmod', ['-R', 'a+rX', demo]);
  await withDaemon('artifact', demo, async (d) => {
    const r = await request(d.port, 'POST', '/api/build/runtime', { body: {} });
    assertEq(r.status, 202, `build accepted (${r.text})`);
    const s = await readSse(d.port, r.json.sse_endpoint, { timeoutMs: 600000 });
    assertEq(s.events.at(-1).event, 'complete', `the build completes: ${JSON.stringify(s.events.at(-1))}`);
    const art = (await request(d.port, 'GET', '/api/build/artifacts')).json.runtime_wasm;
    const p = art && art.provenance;
    assert(p, `the artifact has a provenance: ${JSON.stringify(art)}`);
    assertEq(p.git_commit, head, 'git_commit is the tree\'s HEAD');
    assertEq(p.git_dirty, false, 'git_dirty: the tree was committed');
  });
});

runTests(label).then((failed) => { process.exitCode = failed ? 1 : 0; });
