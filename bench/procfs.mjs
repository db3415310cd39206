// What the benchmarks read about running processes from /proc: memory
// (VmRSS, VmHWM, PSS), CPU time, parents and children, and the open-file
// limit. Linux only, like rtforge.
import fs from 'node:fs';

function statusKb(pid, field) {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`/proc/${pid}/status has no ${field}`);
  return Number(m[1]);
}

export const vmRssKb = (pid) => statusKb(pid, 'VmRSS');
export const vmHwmKb = (pid) => statusKb(pid, 'VmHWM');

// Proportional set size: shared pages (libc, libevent) split between the
// processes that map them, so a sum over processes counts them once.
export function pssKb(pid) {
  const m = /^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
  if (!m) throw new Error(`/proc/${pid}/smaps_rollup has no Pss`);
  return Number(m[1]);
}

// CPU time of all the process's live threads, in ms, to the nanosecond
// (schedstat), so short windows are measured too.
export function cpuMs(pid) {
  let ns = 0;
  for (const t of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(fs.readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]);
    } catch { /* the thread ended */ }
  }
  return ns / 1e6;
}

function statFields(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

export const parentOf = (pid) => Number(statFields(pid)[1]);
export const commOf = (pid) => fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();

export function childrenOf(pid) {
  const out = [];
  for (const p of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (parentOf(Number(p)) === pid) out.push(Number(p));
    } catch { /* gone */ }
  }
  return out;
}

// The soft RLIMIT_NOFILE of this process.
export function openFileLimit() {
  const m = /^Max open files\s+(\d+|unlimited)/m.exec(fs.readFileSync('/proc/self/limits', 'utf8'));
  return !m || m[1] === 'unlimited' ? Infinity : Number(m[1]);
}

// Samples VmRSS of each pid every `everyMs` until stop(); returns the
// largest seen per pid (kB).
export function rssSampler(pids, everyMs = 100) {
  const max = Object.fromEntries(pids.map((p) => [p, 0]));
  const take = () => {
    for (const p of pids) {
      try { max[p] = Math.max(max[p], vmRssKb(p)); } catch { /* gone */ }
    }
  };
  take();
  const timer = setInterval(take, everyMs);
  return { stop() { clearInterval(timer); take(); return max; } };
}
