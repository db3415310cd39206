// Prints the known answers embedded in tests/unit/test_sr25519.c,
// test_ed25519.c and test_suri.c, computed by @polkadot/keyring and
// @polkadot/util-crypto (installed in the repository's node_modules).
// Run once from anywhere: node tests/sr25519-crosscheck/vectors.mjs
// The signatures are fresh each run (sr25519 signing is randomised), so
// their lines differ from the embedded ones; every signature printed
// verifies.

import { Keyring } from '@polkadot/keyring';
import { u8aToHex, stringToU8a } from '@polkadot/util';
import {
  cryptoWaitReady, mnemonicToMiniSecret, sr25519PairFromSeed, sr25519Sign,
  ed25519PairFromSeed, ed25519Sign,
} from '@polkadot/util-crypto';

await cryptoWaitReady();

const DEV = 'bottom drive obey lake curtain smoke basket hold race lonely fit walk';
const OTHER = 'cat forget teach wink roast alter dash avoid vendor bulb maple person';
const SEED = '0x' + Buffer.from('rtforge sr25519 test seed 32 by.').toString('hex');

export const SURIS = [
  '//Alice',
  '//Alice//stash',
  '//Bob',
  '//Alice/stash',
  '//1',
  '//Alice//18446744073709551615',
  '//a junction whose SCALE encoding is longer than thirty-two bytes',
  `${SEED}`,
  `${SEED}//rtforge/7`,
  `${OTHER}`,
  `${OTHER}///Tr0ub4dor&3`,
  `${OTHER}//polkadot//0///pass/with/slashes`,
  '///dev password',
];

const hex = (u8) => u8aToHex(u8).slice(2);

for (const type of ['sr25519', 'ed25519']) {
  const ring = new Keyring({ type });
  console.log(`// ${type} public keys`);
  for (const suri of SURIS) {
    if (type === 'ed25519' && /[^/]\/[^/]/.test(suri.split('///')[0])) continue;
    console.log(`{ ${JSON.stringify(suri)}, "${hex(ring.addFromUri(suri).publicKey)}" },`);
  }
}

const msg = stringToU8a('rtforge: a message signed by polkadot-js');
const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
console.log('// sr25519 signature by //Alice over', JSON.stringify(u8aToHex(msg)));
console.log(hex(alice.sign(msg)));

const dev = sr25519PairFromSeed(mnemonicToMiniSecret(DEV));
console.log('// sr25519PairFromSeed(dev mini-secret).secretKey');
console.log(hex(dev.secretKey));
console.log(hex(sr25519Sign(msg, dev)));

const edAlice = new Keyring({ type: 'ed25519' }).addFromUri('//Alice');
console.log('// ed25519 signature by //Alice (deterministic)');
console.log(hex(edAlice.sign(msg)));
const edDev = ed25519PairFromSeed(mnemonicToMiniSecret(DEV));
console.log(hex(edDev.publicKey), hex(ed25519Sign(msg, edDev)));
