// Runtimes for the upgrade benchmark, made at run time from the test
// chain's own genesis code (Rococo 9140, read from @substrate/connect's
// chain spec in node_modules; nothing fetched or committed): the code is
// decompressed, its `runtime_version` custom section replaced by one that
// announces a higher spec_version (what set_code checks), and compressed
// again where asked. tests/demo-workspace/runtime/build.rs makes the demo
// runtime the same way; this is its JavaScript twin for bench/upgrade.mjs.
//
//   const genesis = readGenesisCode(specPath);      // :code, as stored
//   const plain = withSpecVersion(toPlainWasm(genesis), 9141);
//   const packed = compressRuntime(plain);          // prefix ‖ zstd frame
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const COMPRESSED_PREFIX = Buffer.from('52bc537646db8e05', 'hex');
const WASM_HEADER = Buffer.from('0061736d01000000', 'hex');
// Substrate refuses to decompress a runtime larger than this (bomb limit).
export const MAX_WASM_SIZE = 50 * 1024 * 1024;
const CODE_KEY = '0x3a636f6465';
const VERSION_SECTION = 'runtime_version';

// Rococo 9140's own values (its Core_version reports these), so only the
// spec version differs from the genesis runtime.
export const ROCOCO_VERSION = Object.freeze({
  specName: 'rococo', implName: 'parity-rococo-v2.0', authoringVersion: 0,
  implVersion: 0, transactionVersion: 0, systemVersion: 0,
});

// genesis.raw.top[":code"] of a raw chain spec, as bytes.
export function readGenesisCode(specPath) {
  const spec = JSON.parse(fs.readFileSync(specPath, 'utf8'));
  const hex = spec?.genesis?.raw?.top?.[CODE_KEY];
  if (typeof hex !== 'string' || !/^0x([0-9a-fA-F]{2})+$/.test(hex))
    throw new Error(`${specPath}: no hex genesis.raw.top["${CODE_KEY}"] (the :code key); a raw chain spec is needed`);
  return Buffer.from(hex.slice(2), 'hex');
}

function zstd(input, flags, what) {
  try {
    return execFileSync('zstd', ['-q', '-c', ...flags], { input, maxBuffer: MAX_WASM_SIZE + 1,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(`zstd ${flags.join(' ')} (${what}) failed: ${e.code === 'ENOBUFS' ?
      `output over ${MAX_WASM_SIZE} bytes` : (e.stderr || e.message).toString().trim()}`);
  }
}

// Substrate's compressed form (prefix ‖ one zstd frame) → plain wasm;
// plain wasm is returned as it is. Either way it must start like wasm.
export function toPlainWasm(code) {
  const plain = code.subarray(0, 8).equals(COMPRESSED_PREFIX) ?
    zstd(code.subarray(8), ['-d'], 'decompressing the runtime') : code;
  if (!plain.subarray(0, 8).equals(WASM_HEADER))
    throw new Error('the runtime code is not a wasm module (no \\0asm version 1 header)');
  return plain;
}

// Substrate's compressed form of a plain wasm, checked by a round trip.
// zstd reads a file, as build.rs has it do, so the frame records the
// content size and the bytes are those of the demo runtime build.
export function compressRuntime(wasm, level = 3) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rtforge-wasm-'));
  try {
    const plainFile = path.join(dir, 'runtime.wasm');
    fs.writeFileSync(plainFile, wasm);
    const frame = zstd(undefined, [`-${level}`, plainFile], 'compressing the runtime');
    if (!zstd(frame, ['-d'], 'checking the compressed runtime').equals(wasm))
      throw new Error('zstd round trip did not give the runtime back');
    return Buffer.concat([COMPRESSED_PREFIX, frame]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// --- wasm sections ---
function readLeb(buf, pos, where) {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    if (pos.at >= buf.length) throw new Error(`${where}: LEB128 truncated at offset ${pos.at}`);
    const byte = buf[pos.at++];
    if (i === 4 && (byte & 0xf0)) throw new Error(`${where}: LEB128 overflows u32 at offset ${pos.at - 1}`);
    value += (byte & 0x7f) * 2 ** (7 * i);
    if (!(byte & 0x80)) return value;
  }
  throw new Error('unreachable');
}

function leb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return Buffer.from(out);
}

// The module without any custom section called `name`; every section's
// length is checked against the bytes that are there.
export function stripCustomSection(wasm, name) {
  if (!wasm.subarray(0, 8).equals(WASM_HEADER)) throw new Error('not a wasm module');
  const keep = [WASM_HEADER];
  const pos = { at: 8 };
  while (pos.at < wasm.length) {
    const start = pos.at;
    const id = wasm[pos.at++];
    const size = readLeb(wasm, pos, `section ${id} at offset ${start}`);
    const end = pos.at + size;
    if (end > wasm.length) throw new Error(`section ${id} at offset ${start} runs past the end`);
    if (id === 0) {
      const np = { at: pos.at };
      const nameLen = readLeb(wasm, np, `custom section name at offset ${start}`);
      if (np.at + nameLen > end) throw new Error(`custom section name at offset ${start} runs past its section`);
      if (wasm.subarray(np.at, np.at + nameLen).toString('latin1') === name) {
        pos.at = end;
        continue;
      }
    }
    keep.push(wasm.subarray(start, end));
    pos.at = end;
  }
  return Buffer.concat(keep);
}

export function customSection(name, payload) {
  const body = Buffer.concat([leb(Buffer.byteLength(name)), Buffer.from(name), payload]);
  return Buffer.concat([Buffer.from([0]), leb(body.length), body]);
}

// --- SCALE of RuntimeVersion ---
function compactLen(n) {
  if (n < 0x40) return Buffer.from([n << 2]);
  if (n < 0x4000) { const b = Buffer.alloc(2); b.writeUInt16LE((n << 2) | 1); return b; }
  throw new Error(`SCALE length ${n} is longer than this helper writes`);
}
const scaleStr = (s) => Buffer.concat([compactLen(Buffer.byteLength(s)), Buffer.from(s)]);
function u32(n) {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`${n} is not a u32`);
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

// spec_name, impl_name, authoring_version, spec_version, impl_version,
// apis (empty: nodes read them from `runtime_apis`), transaction_version,
// system_version.
export function runtimeVersion(v) {
  return Buffer.concat([scaleStr(v.specName), scaleStr(v.implName), u32(v.authoringVersion),
    u32(v.specVersion), u32(v.implVersion), compactLen(0), u32(v.transactionVersion),
    Buffer.from([v.systemVersion])]);
}

// The plain wasm announcing `specVersion` (Rococo's other values).
export function withSpecVersion(wasm, specVersion, base = ROCOCO_VERSION) {
  return Buffer.concat([stripCustomSection(wasm, VERSION_SECTION),
    customSection(VERSION_SECTION, runtimeVersion({ ...base, specVersion }))]);
}
