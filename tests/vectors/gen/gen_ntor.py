#!/usr/bin/python3
"""Reference ntor handshake (tor-spec section 5.1.4, KDF-RFC5869 of 5.2.2),
written from the spec text with python3-cryptography's X25519 and Python's
hmac module, to produce known-answer vectors for our C implementation.

    /usr/bin/python3 tests/vectors/gen/gen_ntor.py tests/vectors/ntor/ntor.txt

Secret keys are derived from fixed labels with SHA-256, so the output is
reproducible. Each record holds the inputs (ID, b, x, y), the client's
onionskin (ID | B | X), the server's reply (Y | AUTH), KEY_SEED and 92 bytes
of key material (Df 20 | Db 20 | Kf 16 | Kb 16 | KH 20)."""

import hashlib
import hmac
import sys

from cryptography.hazmat.primitives.asymmetric.x25519 import (
    X25519PrivateKey, X25519PublicKey)
from cryptography.hazmat.primitives import serialization

PROTOID = b"ntor-curve25519-sha256-1"
T_MAC = PROTOID + b":mac"
T_KEY = PROTOID + b":key_extract"
T_VERIFY = PROTOID + b":verify"
M_EXPAND = PROTOID + b":key_expand"


def det(label, n=32):
    out = b''
    i = 0
    while len(out) < n:
        out += hashlib.sha256(b'%s/%d' % (label.encode(), i)).digest()
        i += 1
    return out[:n]


def H(x, t):
    """H(x,t): HMAC-SHA256 with message x and key t."""
    return hmac.new(t, x, hashlib.sha256).digest()


def raw_pub(priv):
    return priv.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def priv(sk):
    return X25519PrivateKey.from_private_bytes(sk)


def EXP(sk, pk):
    return priv(sk).exchange(X25519PublicKey.from_public_bytes(pk))


def kdf_rfc5869(key_seed, n):
    """K_1 = H(m_expand | INT8(1), KEY_SEED),
    K_(i+1) = H(K_i | m_expand | INT8(i+1), KEY_SEED)."""
    out = b''
    prev = b''
    i = 1
    while len(out) < n:
        prev = H(prev + M_EXPAND + bytes([i]), key_seed)
        out += prev
        i += 1
    return out[:n]


def server_side(node_id, b, B, X, y):
    Y = raw_pub(priv(y))
    secret_input = EXP(y, X) + EXP(b, X) + node_id + B + X + Y + PROTOID
    key_seed = H(secret_input, T_KEY)
    verify = H(secret_input, T_VERIFY)
    auth_input = verify + node_id + B + Y + X + PROTOID + b"Server"
    return Y + H(auth_input, T_MAC), key_seed


def client_side(node_id, B, x, reply):
    X = raw_pub(priv(x))
    Y, auth = reply[:32], reply[32:]
    secret_input = EXP(x, Y) + EXP(x, B) + node_id + B + X + Y + PROTOID
    key_seed = H(secret_input, T_KEY)
    verify = H(secret_input, T_VERIFY)
    auth_input = verify + node_id + B + Y + X + PROTOID + b"Server"
    if not hmac.compare_digest(auth, H(auth_input, T_MAC)):
        raise ValueError("AUTH mismatch")
    return key_seed


def main():
    out_path = sys.argv[1]
    recs = []
    for n in range(3):
        node_id = det('ntor/%d/id' % n, 20)
        b = det('ntor/%d/b' % n)
        x = det('ntor/%d/x' % n)
        y = det('ntor/%d/y' % n)
        B = raw_pub(priv(b))
        X = raw_pub(priv(x))
        onionskin = node_id + B + X
        reply, seed_s = server_side(node_id, b, B, X, y)
        seed_c = client_side(node_id, B, x, reply)
        assert seed_c == seed_s
        # Cross-check the spec's K_i construction against RFC 5869 HKDF
        # (salt = t_key, IKM = secret_input, info = m_expand).
        from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand
        from cryptography.hazmat.primitives import hashes
        km = kdf_rfc5869(seed_s, 92)
        assert km == HKDFExpand(hashes.SHA256(), 92, M_EXPAND).derive(seed_s)
        recs.append([
            ('node_id', node_id), ('b', b), ('B', B), ('x', x), ('X', X),
            ('y', y), ('onionskin', onionskin), ('reply', reply),
            ('key_seed', seed_s), ('keys', km),
            ('keys_long', kdf_rfc5869(seed_s, 200)),
        ])
    with open(out_path, 'w') as f:
        f.write('# ntor handshake vectors from tests/vectors/gen/gen_ntor.py\n'
                '# (reference written from tor-spec 5.1.4 / 5.2.2 with '
                'python3-cryptography)\n')
        for r in recs:
            f.write('\n')
            for k, v in r:
                f.write('%s = %s\n' % (k, v.hex()))


if __name__ == '__main__':
    main()
