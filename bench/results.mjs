// Raw figures of a benchmark run go to bench/results/<name>-<time>.json
// (not committed: see bench/results/.gitignore), with what machine and
// which commit they describe, so a run can be compared with a later one.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function commit() {
  try {
    return execFileSync('git', ['-C', repo, 'rev-parse', 'HEAD'], { encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch { return null; }
}

export function writeResults(name, figures) {
  const dir = path.join(repo, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const at = new Date();
  const file = path.join(dir, `${name}-${at.toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify({ benchmark: name, at: at.toISOString(), commit: commit(),
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
      kernel: os.release(), loadavg: os.loadavg() }, ...figures }, null, 2) + '\n');
  return path.relative(repo, file);
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
