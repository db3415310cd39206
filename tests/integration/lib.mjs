// Helpers for the integration tests: start the real daemon, talk to its
// API, read its SSE streams, and check the processes it leaves behind.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import http from 'node:http';
import path from 'node:path';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// --- a tiny sequential test runner that ends with "N passed, N failed" ---
const tests = [];
export function test(name, fn) { tests.push({ name, fn }); }
export async function runTests(label) {
  let passed = 0, failed = 0;
  for (const t of tests) {
    const started = Date.now();
    try {
      await t.fn();
      passed++;
      console.log(`ok   [${label}] ${t.name} (${Date.now() - started} ms)`);
    } catch (e) {
      failed++;
      console.log(`FAIL [${label}] ${t.name}: ${e && e.stack || e}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed;
}

export function assert(cond, msg) {
  if (!cond) throw new Error(`assertion failed: ${msg}`);
}
export function assertEq(a, b, msg) {
  if (a !== b) throw new Error(`${msg}: expected ${JSON.stringify(b)}, got ${JSON.stringify(a)}`);
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

// --- HTTP ---
export function request(port, method, urlPath, { body, headers = {}, raw } = {}) {
  return new Promise((resolve, reject) => {
    const data = raw !== undefined ? raw : body !== undefined ? JSON.stringify(body) : undefined;
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers: {
      ...(data !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } : {}),
      ...headers,
    }, timeout: 15000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath} timed out`)));
    req.on('error', reject);
    if (data !== undefined) req.write(data);
    req.end();
  });
}

// Reads an SSE stream. Resolves with {events, headers, ended} when the
// server closes it, or when stopAfter(events) says so (then it aborts).
export function readSse(port, urlPath, { lastEventId, stopAfter, timeoutMs = 300000 } = {}) {
  return new Promise((resolve, reject) => {
    const events = [];
    let buf = '', done = false, headers = null;
    const finish = (ended) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve({ events, headers, ended });
    };
    const timer = setTimeout(() => { if (!done) { done = true; req.destroy(); reject(new Error(`SSE ${urlPath} timed out after ${events.length} events`)); } }, timeoutMs);
    const req = http.get({ host: '127.0.0.1', port, path: urlPath,
      headers: lastEventId !== undefined ? { 'Last-Event-ID': String(lastEventId) } : {} }, (res) => {
      headers = res.headers;
      if (res.statusCode !== 200) {
        let t = '';
        res.on('data', (c) => { t += c; });
        res.on('end', () => { done = true; clearTimeout(timer); resolve({ status: res.statusCode, text: t, events, headers }); });
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        buf += chunk;
        let idx;
        while ((idx = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, idx);
          buf = buf.slice(idx + 2);
          const ev = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const c = line.indexOf(': ');
            if (c < 0) continue;
            const k = line.slice(0, c), v = line.slice(c + 2);
            if (k === 'id') ev.id = Number(v);
            else if (k === 'event') ev.event = v;
            else if (k === 'data') ev.data = JSON.parse(v);
          }
          if (ev.id === undefined) continue; // keep-alive comment
          events.push(ev);
          if (stopAfter && stopAfter(events)) return finish(false);
        }
      });
      res.on('end', () => finish(true));
      res.on('error', () => finish(false));
    });
    req.on('error', (e) => { if (!done) { done = true; clearTimeout(timer); reject(e); } });
  });
}

// --- the daemon ---
export class Daemon {
  constructor({ root, state, source, user, port, logFile, extraArgs = [], binDir = 'bin-asan' }) {
    Object.assign(this, { root, state, source, user, port, logFile, extraArgs, binDir });
  }

  async start() {
    const args = [path.join(this.root, this.binDir, 'rtforged'), '--dev',
      '--listen', `127.0.0.1:${this.port}`, '--state', this.state, '--source', this.source,
      ...this.extraArgs];
    let cmd = args[0], argv = args.slice(1);
    if (this.user) {
      cmd = 'setpriv';
      argv = ['--reuid', this.user, '--regid', this.user, '--init-groups', '--', ...args];
    }
    const log = fs.openSync(this.logFile, 'a');
    this.proc = spawn(cmd, argv, { stdio: ['ignore', log, log], env: {
      PATH: '/usr/local/bin:/usr/bin:/bin',
      ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=0',
      UBSAN_OPTIONS: 'print_stacktrace=1',
    } });
    fs.closeSync(log);
    this.exited = new Promise((r) => this.proc.on('exit', (code, sig) => r({ code, sig })));
    await this.waitHealthy(15000);
  }

  async health() {
    try {
      const r = await request(this.port, 'GET', '/healthz');
      return r.status === 200 ? r.json : null;
    } catch { return null; }
  }

  async waitHealthy(ms) {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const h = await this.health();
      if (h && h.roles.build.state === 'up' && h.roles.build.status &&
          h.roles.sign.state === 'up' && h.roles.sign.status) return h;
      await sleep(50);
    }
    throw new Error(`daemon not healthy within ${ms} ms; log:\n${this.log().slice(-3000)}`);
  }

  log() { try { return fs.readFileSync(this.logFile, 'utf8'); } catch { return ''; } }

  async stop() {
    if (!this.proc || this.proc.exitCode !== null || this.proc.signalCode) return;
    this.proc.kill('SIGTERM');
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 15000);
    await this.exited;
    clearTimeout(t);
  }
}

// The roles' pids, from /proc: children of the supervisor.
export function childrenOf(pid) {
  const out = [];
  for (const p of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === pid) out.push(Number(p));
    } catch { /* gone */ }
  }
  return out;
}

// Build processes still running in the given workspace: cargo, rustc and
// build scripts all run with their cwd inside it.
export function buildProcessesIn(dir) {
  const found = [];
  for (const p of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const cwd = fs.readlinkSync(`/proc/${p}/cwd`);
      const comm = fs.readFileSync(`/proc/${p}/comm`, 'utf8').trim();
      if (cwd.startsWith(dir) && /cargo|rustc|build.script|build-script/.test(comm)) found.push(`${p}:${comm}`);
    } catch { /* gone or not ours */ }
  }
  return found;
}

export function b2sum256(file) {
  return '0x' + execFileSync('b2sum', ['-l', '256', file], { encoding: 'utf8' }).split(' ')[0];
}
