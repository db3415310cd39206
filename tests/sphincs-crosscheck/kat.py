#!/usr/bin/env python3
"""Known-answer checks of our SPHINCS+-SHAKE-256f-simple (round 3.1), run
through the test driver built from tests/unit/sphincs_tool.c.

1. Reproduces the NIST KAT entry count = 0 the way PQClean's
   test/crypto_sign/nistkat.c prints it, and compares its SHA-256 with the
   published `nistkat-sha256` of PQClean's META.yml for the scheme. The NIST
   AES-256-CTR DRBG, seeded with bytes 0..47, yields the entry's seed and
   33-byte message; reseeded with that seed it yields the 96-byte
   key-generation seed and then the 32-byte opt_rand of the reference's
   randomised signing.

2. Reproduces PQClean's test/crypto_sign/testvectors.c flow: 12 key pairs
   and signatures of messages of 0, 1, 2, 4, ..., 1024 bytes, all randomness
   from djb's deterministic "surf" generator (test/common/notrandombytes.c).
   Its expected hash is what PQClean's own clean implementation (the copy in
   pqclean@0.8.1's deps/, compiled outside this repository as an oracle,
   with that testvectors.c flow and notrandombytes) printed. It is NOT the
   testvectors-sha256 in META.yml (770d6804...): PQClean's code itself does
   not reproduce that value with this flow, so its CI harness must differ.

Usage: kat.py SPHINCS_TOOL   (needs python3-cryptography for the AES DRBG)
Prints the NIST DRBG outputs too: the unit test embeds them."""
import hashlib
import os
import subprocess
import sys
import tempfile

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

# Published: PQClean crypto_sign/sphincs-shake-256f-simple/META.yml.
NISTKAT_SHA256 = "f6d0825afeb4ce25943c974a0efde5659ceea927d2507b0ea1a92e092f536acd"
# Produced by PQClean's clean code on the same flow (see above).
TESTVECTORS_SHA256 = "4017d246cbca7dbf0e34e8eb1b5b205ed736e9fa547b76d1f910b0b5c4a890e7"


class NistDrbg:
    def __init__(self, entropy):
        self.key = bytes(32)
        self.v = bytes(16)
        self._update(entropy)

    def _block(self):
        self.v = ((int.from_bytes(self.v, "big") + 1) % (1 << 128)).to_bytes(16, "big")
        enc = Cipher(algorithms.AES(self.key), modes.ECB()).encryptor()
        return enc.update(self.v) + enc.finalize()

    def _update(self, provided):
        temp = b"".join(self._block() for _ in range(3))
        if provided is not None:
            temp = bytes(a ^ b for a, b in zip(temp, provided))
        self.key, self.v = temp[:32], temp[32:]

    def randombytes(self, n):
        out = b""
        while len(out) < n:
            out += self._block()
        self._update(None)
        return out[:n]


class SurfRandom:
    """PQClean's predictable test randomness: surf, one low byte per word."""
    SEED = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3,
            2, 3, 8, 4, 6, 2, 6, 4, 3, 3, 8, 3, 2, 7, 9, 5]
    MASK = 0xFFFFFFFF

    def __init__(self):
        self.counter = [0] * 12
        self.out = [0] * 8
        self.left = 0

    @staticmethod
    def _rotate(x, b):
        return ((x << b) | (x >> (32 - b))) & SurfRandom.MASK

    def _surf(self):
        seed = self.SEED
        t = [self.counter[i] ^ seed[12 + i] for i in range(12)]
        out = [seed[24 + i] for i in range(8)]
        x = t[11]
        total = 0
        for _ in range(2):
            for _ in range(16):
                total = (total + 0x9E3779B9) & self.MASK
                for i, b in enumerate([5, 7, 9, 13] * 3):
                    t[i] = (t[i] + (((x ^ seed[i]) + total) & self.MASK ^ self._rotate(x, b))) & self.MASK
                    x = t[i]
            for i in range(8):
                out[i] ^= t[i + 4]
        self.out = out

    def randombytes(self, n):
        result = bytearray()
        for _ in range(n):
            if self.left == 0:
                for i in range(4):
                    self.counter[i] = (self.counter[i] + 1) & self.MASK
                    if self.counter[i] != 0 or i == 3:
                        break
                self._surf()
                self.left = 8
            self.left -= 1
            result.append(self.out[self.left] & 0xFF)
        return bytes(result)


def tool_keypair(tool, seed):
    return subprocess.check_output([tool, "keypair", seed.hex()], text=True).split()


def tool_sign(tool, sk_hex, msg, opt_rand):
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "sig")
        subprocess.check_call([tool, "sign", sk_hex, msg.hex() or "-", path, opt_rand.hex()])
        with open(path, "rb") as f:
            return f.read()


def check(name, got, expected):
    print(f"{name}: {got}")
    print(f"{' ' * len(name)}  expected {expected}: {'MATCH' if got == expected else 'MISMATCH'}")
    return got == expected


def nist_kat(tool):
    drbg = NistDrbg(bytes(range(48)))
    kat_seed = drbg.randombytes(48)
    msg = drbg.randombytes(33)
    drbg = NistDrbg(kat_seed)
    keygen_seed = drbg.randombytes(96)
    opt_rand = drbg.randombytes(32)
    print("NIST KAT count 0: keygen seed", keygen_seed.hex())
    print("                  opt_rand   ", opt_rand.hex())
    print("                  msg        ", msg.hex())

    pk_hex, sk_hex = tool_keypair(tool, keygen_seed)
    sig = tool_sign(tool, sk_hex, msg, opt_rand)
    sm = sig + msg
    text = (f"count = 0\nseed = {kat_seed.hex().upper()}\nmlen = 33\n"
            f"msg = {msg.hex().upper()}\npk = {pk_hex.upper()}\n"
            f"sk = {sk_hex.upper()}\nsmlen = {len(sm)}\nsm = {sm.hex().upper()}\n")
    print("                  pk         ", pk_hex)
    print("                  sha256(sig)", hashlib.sha256(sig).hexdigest())
    return check("nistkat-sha256", hashlib.sha256(text.encode()).hexdigest(), NISTKAT_SHA256)


def pqclean_testvectors(tool):
    rng = SurfRandom()
    lines = []
    length = 0
    while length < 2048:
        msg = rng.randombytes(length)
        pk_hex, sk_hex = tool_keypair(tool, rng.randombytes(96))
        sig = tool_sign(tool, sk_hex, msg, rng.randombytes(32))
        lines += [pk_hex, sk_hex, (sig + msg).hex()]
        length = 1 if length == 0 else length << 1
    text = "".join(line + "\n" for line in lines)
    return check("testvectors-sha256", hashlib.sha256(text.encode()).hexdigest(), TESTVECTORS_SHA256)


def main():
    tool = sys.argv[1]
    ok = nist_kat(tool)
    ok = pqclean_testvectors(tool) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
