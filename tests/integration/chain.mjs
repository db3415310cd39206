// A real test chain for the integration tests and `make run`: chopsticks
// running the Rococo 9140 genesis runtime (real WASM, real signature checks,
// real block building) offline, on loopback. See chain-facts.md, "A real
// test chain on this machine", for the recipe and its quirks.
//
//   const chain = await startTestChain({ mode: 'Instant' });
//   await rpc(chain.url, 'chain_getBlockHash', [0]);
//   await chain.stop();
//
// chopsticks runs as `node chopsticks.cjs` directly, so the pid we hold is
// the chain's own; it is killed when stop() is called and, as a backstop,
// when this node process exits for any reason.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './lib.mjs';

// node_modules lives in the checkout, next to tests/: find it from this
// file's own path, so a test run from anywhere (or against a staged copy of
// the binaries) uses the repository's packages.
const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');
const chopsticksCli = path.join(repoRoot,
  'node_modules/@acala-network/chopsticks/chopsticks.cjs');
export const genesisSpec = path.join(repoRoot,
  'node_modules/@substrate/connect/dist/connector/specs/rococo_v2_1.json');

// Timestamp.Now, pinned: without it block #1 sometimes fails a slot check.
const TIMESTAMP_NOW_KEY = '0xf0c365c3cf59d671eb72da0e7a4113c49f1f0515f462cdcf84e0f1d6045dfcbb';
const TIMESTAMP_NOW_VALUE = '0x00689bcc8b010000';

export const ALICE = '0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d';
export const BOB = '0x8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48';
// 10^9 ROC at 12 decimals: enough for any number of set_code fees.
export const FUNDED_BALANCE = '1000000000000000000000';

const START_TIMEOUT_MS = 60000;
const STOP_TIMEOUT_MS = 5000;

const running = new Map();	// child -> its temp dir
let exitHookInstalled = false;

// A failing test must never leave a chain behind: kill whatever is still
// running when this process exits (normally or by an uncaught error).
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [child, dir] of running) {
      try { child.kill('SIGKILL'); } catch { /* already gone */ }
      try { fs.rmSync(dir, { recursive: true, force: true }); } catch { /* best effort */ }
    }
  });
}

function writeConfig(dir, { mode, sudo, fund, port, spec }) {
  const chainSpec = JSON.parse(fs.readFileSync(spec, 'utf8'));
  chainSpec.genesis.raw.top[TIMESTAMP_NOW_KEY] = TIMESTAMP_NOW_VALUE;
  const specFile = path.join(dir, 'genesis.json');
  fs.writeFileSync(specFile, JSON.stringify(chainSpec));
  const config = {
    genesis: specFile,
    host: '127.0.0.1',
    port,
    'build-block-mode': mode,
    'mock-signature-host': false,
    'import-storage': {
      Sudo: { Key: sudo },
      System: {
        Account: fund.map((who) => [[who], {
          providers: 1,
          data: { free: FUNDED_BALANCE },
        }]),
      },
    },
  };
  const configFile = path.join(dir, 'chopsticks.json');
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
  return configFile;
}

// Starts a chain and resolves once it listens. Options:
//   mode     'Instant' (a block per transaction), 'Manual' (dev_newBlock)
//            or 'Batch';
//   sudo     the Sudo.Key account (hex or SS58; default //Alice);
//   fund     accounts to give FUNDED_BALANCE (default //Alice and //Bob);
//   logFile  where chopsticks' output goes (appended), besides memory;
//   port     the port to ask for (default: a free one; chopsticks moves to
//            the next one when it is taken, so the real one is read back
//            from its log);
//   spec     the genesis chain spec (default: @substrate/connect's Rococo).
// Resolves with { url, wsUrl, port, pid, log(), stop() }.
export async function startTestChain({ mode = 'Instant', sudo = ALICE,
  fund = [ALICE, BOB], logFile, port, spec = genesisSpec,
  timeoutMs = START_TIMEOUT_MS } = {}) {
  installExitHook();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rtforge-chain-'));
  const askPort = port || await freePort();
  const configFile = writeConfig(dir, { mode, sudo, fund, port: askPort, spec });
  // Written synchronously, so the log is complete whenever it is read.
  let logFd = logFile ? fs.openSync(logFile, 'a') : null;
  let output = '';

  const child = spawn(process.execPath, [chopsticksCli, `--config=${configFile}`], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL || 'info' },
  });
  running.set(child, dir);
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => {
    running.delete(child);
    resolve({ code, signal });
  }));

  const listening = new Promise((resolve, reject) => {
    const onData = (chunk) => {
      const text = chunk.toString('utf8');
      if (logFd !== null) fs.writeSync(logFd, text);
      // Keep the head (start-up) and a bounded tail for error messages.
      output = output.length > 200000 ? output.slice(0, 20000) +
        '\n…\n' + output.slice(-100000) + text : output + text;
      const m = /RPC listening on http:\/\/([0-9.]+):(\d+)/.exec(output);
      if (m) resolve({ host: m[1], port: Number(m[2]) });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    exited.then(({ code, signal }) => reject(new Error(
      `chopsticks exited before listening (code ${code}, signal ${signal}); ` +
      `output:\n${output.slice(-4000)}`)));
  });

  let stopped = false;
  const stop = async () => {
    if (stopped) return exited;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(force);
    }
    if (logFd !== null) { fs.closeSync(logFd); logFd = null; }
    fs.rmSync(dir, { recursive: true, force: true });
    return exited;
  };

  let timer;
  const timeout = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(
      `chopsticks did not start listening within ${timeoutMs / 1000} s; ` +
      `output:\n${output.slice(-4000)}`)), timeoutMs);
  });
  let where;
  try {
    where = await Promise.race([listening, timeout]);
  } catch (e) {
    await stop();
    throw e;
  } finally {
    clearTimeout(timer);
  }
  return {
    url: `http://${where.host}:${where.port}`,
    wsUrl: `ws://${where.host}:${where.port}`,
    port: where.port,
    pid: child.pid,
    log: () => output,
    stop,
    exited,
  };
}

// One JSON-RPC call over HTTP POST. Every request carries an id (chopsticks
// never answers one without), and an error comes back as HTTP 200 with an
// "error" object that may lack "code": both become a thrown Error.
let nextId = 1;
export async function rpc(url, method, params = [], { timeoutMs = 30000 } = {}) {
  const id = nextId++;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id, method, params }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${method}: HTTP ${res.status}: ${text.slice(0, 500)}`);
  let answer;
  try { answer = JSON.parse(text); } catch {
    throw new Error(`${method}: answer is not JSON: ${text.slice(0, 500)}`);
  }
  if (answer.id !== id) throw new Error(`${method}: answer id ${answer.id}, expected ${id}`);
  if (answer.error) {
    const e = new Error(`${method}: ${answer.error.message}` +
      (answer.error.data ? `: ${JSON.stringify(answer.error.data)}` : '') +
      (answer.error.code !== undefined ? ` (code ${answer.error.code})` : ''));
    e.rpcError = answer.error;
    throw e;
  }
  return answer.result;
}
