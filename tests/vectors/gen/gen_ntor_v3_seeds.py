#!/usr/bin/python3
"""Seeds for tests/fuzz/fuzz_ntor_v3.c, written from proposal 332 (A.1,
the X.2 keys) with hashlib's sha3_256/shake_256 and python3-cryptography's
X25519 and AES-256-CTR, independently of our C code. The fuzz target's
client always sends CM "hello world" with x from X.2, so every reply here
is valid for it; the onionskins are valid for its relay (b, B, ID, VER).
Before writing, it checks itself against the X.2 messages.

Usage: /usr/bin/python3 tests/vectors/gen/gen_ntor_v3_seeds.py tests/fuzz/corpus/ntor_v3
"""
import hashlib
import os
import struct
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import (
    X25519PrivateKey, X25519PublicKey)
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PROTOID = b"ntor3-curve25519-sha3_256-1"


def encap(s):
    return struct.pack(">Q", len(s)) + s


def H(s, t):
    return hashlib.sha3_256(encap(PROTOID + t) + s).digest()


def MAC(k, m, t):
    return hashlib.sha3_256(encap(PROTOID + t) + encap(k) + m).digest()


def KDF(s, t, n):
    return hashlib.shake_256(encap(PROTOID + t) + s).digest(n)


def aes(k, m):
    e = Cipher(algorithms.AES(k), modes.CTR(b"\0" * 16)).encryptor()
    return e.update(m) + e.finalize()


def pub(sk):
    return X25519PrivateKey.from_private_bytes(sk).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def dh(sk, pk):
    return X25519PrivateKey.from_private_bytes(sk).exchange(
        X25519PublicKey.from_public_bytes(pk))


h = bytes.fromhex
b = h("4051daa5921cfa2a1c27b08451324919538e79e788a81b38cbed097a5dff454a")
ID = h("9fad2af287ef942632833d21f946c6260c33fae6172b60006e86e4a6911753a2")
x = h("b825a3719147bcbe5fb1d0b0fcb9c09e51948048e2e3283d2ab7b45b5ef38b49")
y = h("4865a5b7689dafd978f529291c7171bc159be076b92186405d13220b80e2a053")
VER = b"xyzzy"
B, X, Y = pub(b), pub(x), pub(y)


def onionskin(cm):
    k1 = KDF(dh(x, B) + ID + X + B + PROTOID + encap(VER), b":kdf_phase1", 64)
    em = aes(k1[:32], cm)
    mm = MAC(k1[32:], ID + B + X + em, b":msg_mac")
    return ID + B + X + em + mm, mm


def reply(mm, sm):
    si = dh(y, X) + dh(b, X) + ID + B + X + Y + PROTOID + encap(VER)
    seed, verify = H(si, b":key_seed"), H(si, b":verify")
    es = aes(KDF(seed, b":kdf_final", 32), sm)
    auth = H(verify + ID + B + Y + X + mm + encap(es) + PROTOID + b"Server",
             b":auth_final")
    return Y + auth + es


def main():
    out = sys.argv[1]
    skin, mm = onionskin(b"hello world")
    assert skin[-32:].hex().startswith("9e044d53565f04d8")     # X.2 msg_mac
    assert reply(mm, b"Hola Mundo")[32:64].hex().startswith("2fc5f8773ca8")
    skin_cc, _ = onionskin(h("010100"))
    seeds = {
        "onionskin_vector": skin,
        "onionskin_cc_request": skin_cc,
        "reply_vector": reply(mm, b"Hola Mundo"),
        "reply_cc_response": reply(mm, h("0102011f")),
        "reply_empty": reply(mm, b""),
        "exts_cc_request": h("010100"),
        "exts_cc_response": h("0102011f"),
        "exts_empty_list": h("00"),
        "exts_mixed": h("0407026162010109020120020140"),
    }
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
