// `make run`'s local test chain: chopsticks on the Rococo genesis (see
// tests/integration/chain.mjs), Sudo.Key //Alice, //Alice and //Bob funded,
// a block per transaction. Prints the chain's URL on one line once it
// listens, then stays in the foreground until SIGTERM/SIGINT/SIGHUP.
// Usage: node tests/dev-chain.mjs [--port N] [--log FILE] [--mode Instant|Manual]
import { startTestChain } from './integration/chain.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc, []));
const port = args.port ? Number(args.port) : 9944;
const mode = args.mode || 'Instant';

let chain;
try {
  chain = await startTestChain({ mode, port, logFile: args.log });
} catch (e) {
  console.error(`dev-chain: ${e.message}`);
  process.exit(1);
}
console.log(chain.url);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await chain.stop();
  process.exit(0);
};
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(sig, stop);
// If whoever started us dies without stopping us (kill -9 of make run),
// do not leave a chain behind.
const parent = process.ppid;
setInterval(() => { if (process.ppid !== parent) stop(); }, 1000).unref();
chain.exited.then(({ code, signal }) => {
  if (stopping) return;
  console.error(`dev-chain: chopsticks exited on its own (code ${code}, signal ${signal})` +
    (args.log ? `; see ${args.log}` : ''));
  process.exit(1);
});
