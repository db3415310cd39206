// The Debian package, for real, on this machine: built with
// dpkg-buildpackage (packaging/build-deb.sh, what `make deb` runs), lintian,
// installed with dpkg -i, checked (users, directories, owners, modes, the
// unit, the man pages, `rtforged -n` on the installed config), then purged,
// leaving the machine as it was. Root run only.
// Usage: node deb.test.mjs --root STAGE --label NAME [--user USER]
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test, runTests, assert, assertEq } from './lib.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc, []));
const root = args.root;
const label = `${args.label || 'run'} deb`;
const user = args.user || null;
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ROLE_USERS = ['rtforge-web', 'rtforge-build', 'rtforge-sign'];
// What the package creates outside its file list (tmpfiles.d) and keeps on
// purge on purpose: the test removes it afterwards when it was not there.
const STATE_DIRS = ['/var/lib/rtforge', '/var/lib/rtforge-sign'];
const MAN_PAGES = ['man8/rtforged.8.gz', 'man8/rtforge-build.8.gz', 'man8/rtforge-sign.8.gz', 'man5/rtforge.json.5.gz'];
const env = { ...process.env, LC_ALL: 'C.UTF-8', DEBIAN_FRONTEND: 'noninteractive' };

const run = (cmd, argv, opts = {}) => spawnSync(cmd, argv, { encoding: 'utf8', env, maxBuffer: 64 << 20, ...opts });
const exists = (p) => { try { fs.lstatSync(p); return true; } catch { return false; } };
const which = (cmd) => run('sh', ['-c', `command -v ${cmd}`]).stdout.trim() || null;
const getent = (db, name) => {
  const r = run('getent', [db, name]);
  return r.status === 0 ? r.stdout.trim().split(':') : null;
};

let deb, changes, installed = false;
const before = {};

test('make deb: dpkg-buildpackage builds the package', async () => {
  const out = path.join(root, 'deb-out');
  fs.mkdirSync(out, { recursive: true });
  const t0 = Date.now();
  const r = run(path.join(repo, 'packaging/build-deb.sh'), [out], { env: { ...env, RTFORGE_DEB_NO_LINTIAN: '1' } });
  assertEq(r.status, 0, `build-deb.sh failed:\n${r.stdout}\n${r.stderr.slice(-4000)}`);
  deb = r.stdout.trim().split('\n').pop();
  assert(/\/rtforge_[^/]+_[a-z0-9]+\.deb$/.test(deb) && fs.existsSync(deb), `a .deb: ${deb}`);
  changes = deb.replace(/\.deb$/, '.changes');
  assert(fs.existsSync(changes), `a .changes beside it: ${changes}`);
  const field = (f) => run('dpkg-deb', ['-f', deb, f]).stdout.trim();
  const version = /#define RTFORGE_VERSION "([^"]+)"/.exec(fs.readFileSync(path.join(repo, 'daemon/main.c'), 'utf8'))[1];
  assertEq(field('Package'), 'rtforge', 'Package');
  assert(field('Version').startsWith(`${version}-`), `Version ${field('Version')} is rtforged's ${version}`);
  for (const lib of ['libevent', 'libjansson', 'libsodium', 'libzstd', 'libseccomp', 'libcap'])
    assert(field('Depends').includes(lib), `Depends names ${lib} (dpkg-shlibdeps): ${field('Depends')}`);
  console.log(`     built ${path.basename(deb)} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
});

test('lintian: no errors and no warnings (overrides printed with their reasons)', async () => {
  assert(changes, 'needs the build above');
  const r = run('lintian', ['--display-info', '--show-overrides', changes]);
  const tags = (r.stdout + r.stderr).split('\n').filter((l) => /^[EWIPO]: /.test(l));
  const bad = tags.filter((l) => /^[EW]: /.test(l));
  for (const l of tags) console.log(`     lintian ${l}`);
  assertEq(bad.length, 0, `lintian errors/warnings:\n${bad.join('\n')}`);
  assert(r.status === 0, `lintian exit ${r.status}: ${r.stderr.slice(-500)}`);
});

test('dpkg -i installs it; postinst creates the users and the directories', async () => {
  assert(deb, 'needs the build above');
  snapshot(); // the package's paths, the state dirs and the users, as they are now
  const r = run('dpkg', ['-i', deb]);
  installed = true;
  assertEq(r.status, 0, `dpkg -i:\n${r.stdout}\n${r.stderr}`);
  const s = run('dpkg-query', ['-W', '-f=${Status}', 'rtforge']).stdout;
  assertEq(s, 'install ok installed', 'dpkg status');
  const ids = {};
  for (const u of ROLE_USERS) {
    const pw = getent('passwd', u);
    assert(pw, `user ${u} exists`);
    assertEq(pw[6], '/usr/sbin/nologin', `${u} cannot log in`);
    assert(Number(pw[2]) > 0 && Number(pw[2]) < 1000, `${u} is a system user (uid ${pw[2]})`);
    ids[u] = Number(pw[2]);
    const gr = getent('group', u);
    assert(gr, `group ${u} exists`);
    ids[`group:${u}`] = Number(gr[2]);
  }
  assertEq(new Set(ROLE_USERS.map((u) => ids[u])).size, 3, 'three distinct uids');
  for (const [dir, mode, owner, group] of [
    ['/var/lib/rtforge', 0o2751, 'rtforge-build', 'rtforge-web'],
    ['/var/lib/rtforge/upgrades', 0o2750, 'rtforge-sign', 'rtforge-web'],
    ['/var/lib/rtforge/target', 0o2750, 'rtforge-build', 'rtforge-build'],
    ['/var/lib/rtforge/cargo-home', 0o2750, 'rtforge-build', 'rtforge-build'],
    ['/var/lib/rtforge-sign', 0o700, 'rtforge-sign', 'rtforge-sign'],
  ]) {
    const st = fs.statSync(dir);
    assert(st.isDirectory(), `${dir} is a directory`);
    assertEq((st.mode & 0o7777).toString(8), mode.toString(8), `${dir} mode`);
    assertEq(st.uid, ids[owner], `${dir} owner ${owner}`);
    assertEq(st.gid, ids[`group:${group}`], `${dir} group ${group}`);
  }
  // The key directory: rtforge-sign alone, tried as each user.
  for (const u of ROLE_USERS) {
    const ls = run('setpriv', ['--reuid', u, '--regid', u, '--init-groups', '--', 'ls', '/var/lib/rtforge-sign']);
    assertEq(ls.status === 0, u === 'rtforge-sign', `${u} ${u === 'rtforge-sign' ? 'can' : 'cannot'} list the key directory`);
  }
  for (const [file, mode] of [['/usr/sbin/rtforged', 0o755], ['/usr/lib/rtforge/rtforge-build', 0o755],
    ['/usr/lib/rtforge/rtforge-sign', 0o755], ['/etc/rtforge/rtforge.json', 0o640],
    ['/lib/systemd/system/rtforge.service', 0o644], ['/usr/lib/sysusers.d/rtforge.conf', 0o644],
    ['/usr/lib/tmpfiles.d/rtforge.conf', 0o644], ['/usr/share/rtforge/nginx-rtforge.conf', 0o644],
    ['/usr/share/rtforge/web/index.html', 0o644]]) {
    const st = fs.statSync(file);
    assertEq((st.mode & 0o7777).toString(8), mode.toString(8), `${file} mode`);
    assertEq(`${st.uid}:${st.gid}`, '0:0', `${file} belongs to root`);
  }
  const conffiles = run('dpkg-query', ['-W', '-f=${Conffiles}', 'rtforge']).stdout;
  assert(conffiles.includes('/etc/rtforge/rtforge.json'), `the config is a conffile: ${conffiles}`);
});

test('rtforged -n accepts the installed config; --version is the package\'s', async () => {
  assert(installed, 'needs the install above');
  const r = run('/usr/sbin/rtforged', ['-n', '-f', '/etc/rtforge/rtforge.json']);
  assertEq(r.status, 0, `rtforged -n: ${r.stdout}${r.stderr}`);
  assert(/configuration OK/.test(r.stdout + r.stderr), `says OK: ${r.stdout}${r.stderr}`);
  const cfg = JSON.parse(fs.readFileSync('/etc/rtforge/rtforge.json', 'utf8'));
  assertEq(cfg.libexec_dir, '/usr/lib/rtforge', 'the installed config finds the workers');
  const v = run('/usr/sbin/rtforged', ['--version']);
  const version = run('dpkg-query', ['-W', '-f=${Version}', 'rtforge']).stdout.replace(/-[^-]+$/, '');
  assertEq(v.stdout.trim(), `rtforged ${version}`, '--version');
});

test('the installed unit passes systemd-analyze verify, its Documentation= man pages included', async () => {
  assert(installed, 'needs the install above');
  const sa = which('systemd-analyze');
  if (!sa) { console.log(`     skipped: systemd-analyze is not installed [${label}]`); return; }
  const v = run(sa, ['verify', '/lib/systemd/system/rtforge.service']);
  assertEq(v.status, 0, `verify: ${v.stderr}`);
  assertEq(v.stderr.trim(), '', 'verify says nothing');
});

test('the man pages are installed and render without a groff warning', async () => {
  assert(installed, 'needs the install above');
  for (const page of MAN_PAGES) {
    const file = `/usr/share/man/${page}`;
    assert(fs.existsSync(file), `${file} is installed`);
    const r = run('man', ['--warnings=w', '-l', file], { env: { ...env, MANWIDTH: '80', MAN_KEEP_FORMATTING: '' } });
    assertEq(r.status, 0, `man -l ${page}: ${r.stderr}`);
    assertEq(r.stderr.trim(), '', `man --warnings ${page} is clean`);
    assert(r.stdout.length > 1000, `${page} renders text`);
  }
  const w = run('man', ['-w', '5', 'rtforge.json']);
  assertEq(w.stdout.trim(), '/usr/share/man/man5/rtforge.json.5.gz', 'man finds rtforge.json(5)');
});

// Every key config.c accepts, read from its field tables, must be in
// rtforge.json(5): a new key without documentation fails here.
function configKeys() {
  const src = fs.readFileSync(path.join(repo, 'common/config.c'), 'utf8');
  const tables = {};
  for (const m of src.matchAll(/static const struct field (\w+)\[\] = \{([\s\S]*?)\n\};/g)) {
    const entries = [];
    for (const e of m[2].matchAll(/(?:STRING_FIELD|UINT_FIELD)\("(\w+)"|\.key = "(\w+)"(?:[^}]*?\.members = (\w+))?/g))
      entries.push({ key: e[1] || e[2], members: e[3] || null });
    tables[m[1]] = entries;
  }
  const nested = new Set(Object.values(tables).flat().map((e) => e.members).filter(Boolean));
  const tops = Object.keys(tables).filter((t) => !nested.has(t));
  assertEq(tops.length, 1, `one top-level field table in config.c (${tops})`);
  const keys = [];
  const walk = (table, prefix) => {
    for (const e of tables[table]) {
      if (e.members) walk(e.members, `${prefix}${e.key}.`);
      else keys.push(`${prefix}${e.key}`);
    }
  };
  walk(tops[0], '');
  return keys;
}

test('rtforge.json(5) documents every key config.c accepts, and the key objects\' members', async () => {
  const page = fs.readFileSync(path.join(repo, 'packaging/man/rtforge.json.5'), 'utf8');
  const keys = configKeys();
  assert(keys.length >= 40, `found the keys in config.c (${keys.length})`);
  const missing = keys.filter((k) => !new RegExp(`^\\.(?:B|BR|TQ)\\b.*\\b${k.replaceAll('.', '\\.')}\\b`, 'm').test(page));
  assertEq(missing.join(', '), '', 'keys without an entry in rtforge.json(5)');
  for (const m of ['scheme', 'file', 'password_file', 'suri']) assert(new RegExp(`^\\.B ${m}$`, 'm').test(page), `sign.keys member ${m}`);
  for (const m of ['name', 'role', 'hash']) assert(page.includes(`\\(dq${m}\\(dq`), `auth.tokens member ${m}`);
});

test('dpkg --purge removes it and leaves the machine as it was', async () => {
  assert(installed, 'needs the install above');
  const r = run('dpkg', ['--purge', 'rtforge']);
  assertEq(r.status, 0, `dpkg --purge:\n${r.stdout}\n${r.stderr}`);
  installed = false;
  const s = run('dpkg-query', ['-W', '-f=${Status}', 'rtforge']);
  assert(s.status !== 0 || !/installed/.test(s.stdout) || /not-installed/.test(s.stdout), `not installed: ${s.stdout}`);
  restoreState();
  const changed = Object.entries(before.paths).filter(([p, was]) => exists(p) !== was).map(([p, was]) => `${p} ${was ? 'gone' : 'left behind'}`);
  assertEq(changed.join('\n'), '', 'every path as before the install');
  for (const u of ROLE_USERS) assertEq(!!getent('passwd', u), before.users[u], `user ${u} as before`);
});

// --- harness ---

function snapshot() {
  const list = run('dpkg-deb', ['-c', deb]).stdout.split('\n').filter(Boolean)
    .map((l) => l.slice(l.indexOf('./') + 1).replace(/ -> .*$/, '').replace(/\/$/, '')).filter((p) => p && p !== '/');
  const extra = [...STATE_DIRS, '/etc/systemd/system/multi-user.target.wants/rtforge.service',
    '/var/lib/systemd/deb-systemd-helper-enabled/rtforge.service.dsh-also',
    '/var/lib/systemd/deb-systemd-helper-enabled/multi-user.target.wants/rtforge.service'];
  before.paths = Object.fromEntries([...list, ...extra].map((p) => [p, exists(p)]));
  before.users = Object.fromEntries(ROLE_USERS.map((u) => [u, !!getent('passwd', u)]));
  before.groups = Object.fromEntries(ROLE_USERS.map((u) => [u, !!getent('group', u)]));
}

// What purge keeps on purpose (state, keys, users) goes only if this test
// brought it.
function restoreState() {
  if (!before.paths) return;
  for (const d of STATE_DIRS) if (!before.paths[d]) fs.rmSync(d, { recursive: true, force: true });
  for (const u of ROLE_USERS) {
    if (!before.users[u] && getent('passwd', u)) run('userdel', [u]);
    if (!before.groups[u] && getent('group', u)) run('groupdel', [u]);
  }
}

async function main() {
  const skip = (why) => { console.log(`skipped: ${why} [${label}]`); console.log('0 passed, 0 failed'); };
  if (user || process.getuid() !== 0)
    return skip('the Debian package is installed on this machine only in the root run');
  for (const tool of ['dpkg-buildpackage', 'dh', 'lintian', 'dpkg-deb', 'man'])
    if (!which(tool)) return skip(`${tool} is not installed (make deps installs debhelper, dpkg-dev, lintian, man-db)`);
  const st = run('dpkg-query', ['-W', '-f=${Status}', 'rtforge']);
  if (st.status === 0 && / installed$/.test(st.stdout))
    return skip('an rtforge package is installed on this machine; the test will not replace or purge it');
  let failed = 1;
  try {
    failed = await runTests(label);
  } finally {
    if (installed) {
      run('dpkg', ['--purge', 'rtforge']);
      restoreState();
    }
  }
  process.exitCode = failed ? 1 : 0;
}

main().catch((e) => { console.log(`FAIL [${label}] harness: ${e.stack}`); console.log('0 passed, 1 failed'); process.exitCode = 1; });
