#!/usr/bin/python3
"""Independent reference for the onion service circuit crypto and cells,
written from rend-spec-v3 (0.3 MAC, 3.1.1 ESTABLISH_INTRO, 3.2/3.3
INTRODUCE1/2, 3.3.2 NTOR-WITH-EXTRA-DATA, 4.2 RENDEZVOUS1, 4.2.1 key
expansion, 5 end-to-end encryption) and tor-spec 6.1 (relay cell digests),
with python3-cryptography (X25519, Ed25519, AES-256-CTR) and hashlib
(sha3_256, shake_256). Known behaviour of the running tor that the spec
text leaves out or words differently (checked against tor's own source):
  - the INTRODUCE1 MAC covers the whole cell from LEGACY_KEY_ID to the end
    of ENCRYPTED_DATA (the spec says "from AUTH_KEY");
  - the plaintext is zero-padded so the cell is at least 246 bytes;
  - ESTABLISH_INTRO's HANDSHAKE_AUTH is MAC(KH, cell so far) with the
    20-byte KH.

    /usr/bin/python3 tests/vectors/gen/gen_hs_cells.py tests/vectors/hs_cells

writes hs_ntor.txt, introduce.txt, establish_intro.txt and e2e.txt there.
All keys are derived from fixed labels; the files are deterministic.
"""

import hashlib
import os
import struct
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import \
    Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import (
    X25519PrivateKey, X25519PublicKey)
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives import serialization

PROTOID = b'tor-hs-ntor-curve25519-sha3-256-1'
T_HSENC = PROTOID + b':hs_key_extract'
T_HSVERIFY = PROTOID + b':hs_verify'
T_HSMAC = PROTOID + b':hs_mac'
M_HSEXPAND = PROTOID + b':hs_key_expand'
RAW = serialization.Encoding.Raw
PUB_RAW = serialization.PublicFormat.Raw
PAYLOAD_LEN = 509
INTRODUCE1_MIN = 246


def det(label, n):
    out = b''
    i = 0
    while len(out) < n:
        out += hashlib.sha256(b'%s/%d' % (label.encode(), i)).digest()
        i += 1
    return out[:n]


def mac(key, msg):
    """rend-spec-v3 0.3: MAC(k, m) = H(k_len | k | m), k_len = htonll."""
    return hashlib.sha3_256(struct.pack('>Q', len(key)) + key + msg).digest()


def kdf(data, n):
    return hashlib.shake_256(data).digest(n)


def x25519_pub(sk):
    return X25519PrivateKey.from_private_bytes(sk).public_key() \
        .public_bytes(RAW, PUB_RAW)


def dh(sk, pk):
    return X25519PrivateKey.from_private_bytes(sk).exchange(
        X25519PublicKey.from_public_bytes(pk))


def ed_pub(seed):
    return Ed25519PrivateKey.from_private_bytes(seed).public_key() \
        .public_bytes(RAW, PUB_RAW)


def ed_sign(seed, msg):
    return Ed25519PrivateKey.from_private_bytes(seed).sign(msg)


def aes256ctr(key, data):
    return Cipher(algorithms.AES(key), modes.CTR(b'\0' * 16)) \
        .encryptor().update(data)


def intro_keys(exp, auth_key, X, B, subcred):
    """3.3.2: hs_keys = KDF(intro_secret_hs_input | t_hsenc | info, 64)."""
    secret = exp + auth_key + X + B + PROTOID
    info = M_HSEXPAND + subcred
    k = kdf(secret + T_HSENC + info, 64)
    return k[:32], k[32:]


def rend(exp_xy, exp_xb, auth_key, B, X, Y):
    """3.3.2 / 4.2 / 4.2.1: returns NTOR_KEY_SEED, AUTH, K (128 bytes)."""
    secret = exp_xy + exp_xb + auth_key + B + X + Y + PROTOID
    seed = mac(secret, T_HSENC)
    verify = mac(secret, T_HSVERIFY)
    auth_input = verify + auth_key + B + Y + X + PROTOID + b'Server'
    auth = mac(auth_input, T_HSMAC)
    keys = kdf(seed + M_HSEXPAND, 32 * 2 + 32 * 2)
    return seed, auth, keys


def ext(t, body):
    return bytes([t, len(body)]) + body


def lspec(t, body):
    return bytes([t, len(body)]) + body


def hs_ntor_records():
    recs = []
    for i in range(3):
        b = det('hsntor/b/%d' % i, 32)
        x = det('hsntor/x/%d' % i, 32)
        y = det('hsntor/y/%d' % i, 32)
        B, X, Y = x25519_pub(b), x25519_pub(x), x25519_pub(y)
        auth_key = ed_pub(det('hsntor/auth/%d' % i, 32))
        subcred = det('hsntor/subcred/%d' % i, 32)
        enc_c, mac_c = intro_keys(dh(x, B), auth_key, X, B, subcred)
        enc_s, mac_s = intro_keys(dh(b, X), auth_key, X, B, subcred)
        assert (enc_c, mac_c) == (enc_s, mac_s)
        seed, auth, keys = rend(dh(y, X), dh(b, X), auth_key, B, X, Y)
        seed2, auth2, keys2 = rend(dh(x, Y), dh(x, B), auth_key, B, X, Y)
        assert (seed, auth, keys) == (seed2, auth2, keys2)
        recs.append([('b', b), ('B', B), ('auth_key', auth_key),
                     ('subcred', subcred), ('x', x), ('X', X), ('y', y),
                     ('Y', Y), ('enc_key', enc_c), ('mac_key', mac_c),
                     ('key_seed', seed), ('auth', auth),
                     ('reply', Y + auth), ('e2e_keys', keys)])
    return recs


def build_introduce1(auth_key, B, subcred, x, cookie, onion_key, lspecs,
                     n_exts, exts, outer_exts=b'', n_outer=0):
    """3.2.1 + 3.3 + 3.3.2, padded as tor pads (whole cell >= 246)."""
    X = x25519_pub(x)
    header = (b'\0' * 20 + bytes([2]) + struct.pack('>H', 32) + auth_key +
              bytes([n_outer]) + outer_exts)
    plain = (cookie + bytes([n_exts]) + exts + bytes([1]) +
             struct.pack('>H', 32) + onion_key + lspecs)
    total = len(header) + 32 + len(plain) + 32
    if total < INTRODUCE1_MIN:
        plain += b'\0' * (INTRODUCE1_MIN - total)
    enc_key, mac_key = intro_keys(dh(x, B), auth_key, X, B, subcred)
    ct = aes256ctr(enc_key, plain)
    body = header + X + ct
    return body + mac(mac_key, body), plain, X


def introduce_records():
    recs = []
    ipv4 = lspec(0, bytes([192, 0, 2, 7]) + struct.pack('>H', 9001))
    ipv6 = lspec(1, bytes.fromhex('20010db8000000000000000000000042') +
                 struct.pack('>H', 443))
    legacy = lspec(2, det('intro/legacy', 20))
    edid = lspec(3, det('intro/edid', 32))
    unknown = lspec(0x7f, b'\x01\x02\x03')
    cases = [
        # name, lspec list, plaintext exts, outer exts
        ('plain', [ipv4, legacy, edid], [], []),
        ('cc_ipv6', [ipv4, legacy, edid, ipv6, unknown],
         [ext(1, b'')], []),
        ('outer_ext', [ipv6, legacy], [ext(0x42, b'abc'), ext(1, b'')],
         [ext(0x99, b'\x00\x01')]),
    ]
    for i, (name, ls, pexts, oexts) in enumerate(cases):
        auth_seed = det('intro/auth/%d' % i, 32)
        auth_key = ed_pub(auth_seed)
        b = det('intro/b/%d' % i, 32)
        B = x25519_pub(b)
        subcred = det('intro/subcred/%d' % i, 32)
        other_subcred = det('intro/othersubcred/%d' % i, 32)
        x = det('intro/x/%d' % i, 32)
        y = det('intro/y/%d' % i, 32)
        cookie = det('intro/cookie/%d' % i, 20)
        onion_key = x25519_pub(det('intro/onion/%d' % i, 32))
        lspecs = bytes([len(ls)]) + b''.join(ls)
        exts = b''.join(pexts)
        oext = b''.join(oexts)
        body, plain, X = build_introduce1(auth_key, B, subcred, x, cookie,
                                          onion_key, lspecs, len(pexts),
                                          exts, oext, len(oexts))
        Y = x25519_pub(y)
        seed, auth, keys = rend(dh(y, X), dh(b, X), auth_key, B, X, Y)
        rendezvous1 = cookie + Y + auth
        recs.append([('name', name.encode()), ('auth_seed', auth_seed),
                     ('auth_key', auth_key), ('b', b), ('B', B),
                     ('subcred', subcred), ('other_subcred', other_subcred),
                     ('x', x), ('X', X), ('rend_cookie', cookie),
                     ('onion_key', onion_key), ('link_specifiers', lspecs),
                     ('n_exts', bytes([len(pexts)])), ('exts', exts),
                     ('n_outer_exts', bytes([len(oexts)])),
                     ('introduce1', body), ('plaintext', plain),
                     ('y', y), ('rendezvous1', rendezvous1),
                     ('e2e_keys', keys)])
    return recs


def establish_intro_records():
    recs = []
    for i, dos in enumerate([None, (25, 200), (0, 2147483647)]):
        seed = det('estintro/auth/%d' % i, 32)
        auth_key = ed_pub(seed)
        kh = det('estintro/kh/%d' % i, 20)
        cell = bytes([2]) + struct.pack('>H', 32) + auth_key
        if dos is None:
            cell += bytes([0])
        else:
            params = (bytes([2, 1]) + struct.pack('>Q', dos[0]) +
                      bytes([2]) + struct.pack('>Q', dos[1]))
            cell += bytes([1]) + ext(1, params)
        cell += mac(kh, cell)
        sig = ed_sign(seed, b'Tor establish-intro cell v1' + cell)
        cell += struct.pack('>H', 64) + sig
        rec = [('auth_seed', seed), ('auth_key', auth_key), ('kh', kh),
               ('has_dos', bytes([dos is not None]))]
        if dos is not None:
            rec += [('rate', struct.pack('>Q', dos[0])),
                    ('burst', struct.pack('>Q', dos[1]))]
        rec.append(('cell', cell))
        recs.append(rec)
    return recs


class E2EDirection:
    """One direction of the end-to-end hop: SHA3-256 running digest seeded
    with 32 bytes, AES-256-CTR with IV zero (tor-spec 6.1, rend-spec-v3
    4.2.1 / 5)."""

    def __init__(self, seed, key):
        self.digest = hashlib.sha3_256(seed)
        self.ctr = Cipher(algorithms.AES(key),
                          modes.CTR(b'\0' * 16)).encryptor()

    def seal_and_encrypt(self, payload):
        p = bytearray(payload)
        p[1:3] = b'\0\0'
        p[5:9] = b'\0\0\0\0'
        self.digest.update(bytes(p))
        full = self.digest.copy().digest()
        p[5:9] = full[:4]
        return bytes(p), self.ctr.update(bytes(p)), full


def relay_cell(cmd, stream_id, data, pad_label):
    body = struct.pack('>BHHIH', cmd, 0, stream_id, 0, len(data)) + data
    pad = PAYLOAD_LEN - len(body)
    zeros = min(4, pad)
    return body + b'\0' * zeros + det(pad_label, pad - zeros)


def e2e_records():
    keys = det('e2e/keys', 128)
    df, db, kf, kb = keys[0:32], keys[32:64], keys[64:96], keys[96:128]
    # dir 0: client -> service (Df, Kf); dir 1: service -> client (Db, Kb)
    dirs = [E2EDirection(df, kf), E2EDirection(db, kb)]
    plan = [
        (0, 1, 1, b'example.onion:80\0'),                # BEGIN
        (1, 4, 1, b''),                                  # CONNECTED
        (0, 2, 1, b'GET / HTTP/1.0\r\n\r\n'),            # DATA
        (1, 2, 1, det('e2e/data/1', 498)),               # full DATA
        (1, 2, 1, det('e2e/data/2', 100)),
        (0, 5, 0, bytes([1, 0, 20]) + det('e2e/sendme', 20)),  # SENDME v1
        (1, 3, 1, b'\x06'),                              # END DONE
        (0, 10, 0, b''),                                 # DROP
    ]
    recs = [[('keys', keys)]]
    for n, (d, cmd, sid, data) in enumerate(plan):
        plain = relay_cell(cmd, sid, data, 'e2e/pad/%d' % n)
        sealed, wire, full = dirs[d].seal_and_encrypt(plain)
        recs.append([('dir', bytes([d])), ('plain', plain),
                     ('sealed', sealed), ('wire', wire), ('digest', full)])
    return recs


def write(path, header, recs):
    with open(path, 'w') as f:
        f.write('# %s\n# generated by tests/vectors/gen/gen_hs_cells.py '
                '(reference written from rend-spec-v3)\n' % header)
        for r in recs:
            f.write('\n')
            for k, v in r:
                f.write('%s = %s\n' % (k, v.hex()))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    write(os.path.join(out, 'hs_ntor.txt'),
          'hs-ntor: intro keys, RENDEZVOUS1 AUTH and end-to-end keys',
          hs_ntor_records())
    write(os.path.join(out, 'introduce.txt'),
          'INTRODUCE1/2 cells, their plaintext, RENDEZVOUS1 for a fixed y',
          introduce_records())
    write(os.path.join(out, 'establish_intro.txt'),
          'ESTABLISH_INTRO cells (Ed25519 signatures are deterministic)',
          establish_intro_records())
    write(os.path.join(out, 'e2e.txt'),
          'end-to-end hop: SHA3-256 digests, AES-256-CTR; dir 0 = client '
          'to service', e2e_records())


if __name__ == '__main__':
    main()
