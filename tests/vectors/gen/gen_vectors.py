#!/usr/bin/python3
"""Produce known-answer vectors for our unit tests with independent
implementations: stem's pure-Python Ed25519 key blinding (the code stem
uses for v3 onion service descriptors) and python3-cryptography.

Run with Debian's interpreter, which sees python3-stem and
python3-cryptography:

    /usr/bin/python3 tests/vectors/gen/gen_vectors.py tests/vectors

Writes ed25519_blinding.txt and rsa1024.txt. Inputs are derived from fixed
labels with SHA-256, so the output is reproducible (except for the RSA key,
which is random; the committed file is the data the tests use).

File format: records separated by blank lines; each line "name = hex"."""

import hashlib
import os
import sys

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519 as c_ed25519
from cryptography.hazmat.primitives.asymmetric import rsa

import stem.descriptor.hidden_service as hs
from stem.util import ed25519 as s_ed


def det(label, n=32):
    out = b''
    i = 0
    while len(out) < n:
        out += hashlib.sha256(b'%s/%d' % (label.encode(), i)).digest()
        i += 1
    return out[:n]


def write_records(path, records, header):
    with open(path, 'w') as f:
        f.write(header)
        for rec in records:
            f.write('\n')
            for k, v in rec:
                f.write('%s = %s\n' % (k, v.hex()))


def expanded_secret(seed):
    # RFC 8032 5.1.5: SHA-512 of the seed, scalar half clamped.
    h = bytearray(hashlib.sha512(seed).digest())
    h[0] &= 248
    h[31] &= 63
    h[31] |= 64
    return bytes(h)


def blinded_secret(esk, h):
    # rend-spec-v3 appendix A.2, on stem's integer helpers.
    mult = 2 ** (s_ed.b - 2) + sum(2 ** i * s_ed.bit(h, i)
                                   for i in range(3, s_ed.b - 2))
    s = s_ed.decodeint(esk[:32])
    s_prime = (s * mult) % s_ed.l
    rh = hashlib.sha512(b'Derive temporary signing key hash input' +
                        esk[32:]).digest()[:32]
    return s_ed.encodeint(s_prime) + rh


def blinding_vectors():
    recs = []
    for i in range(4):
        seed = det('blind-seed-%d' % i)
        h = det('blind-param-%d' % i)
        msg = det('blind-msg-%d' % i, 17 * i + 5)
        priv = c_ed25519.Ed25519PrivateKey.from_private_bytes(seed)
        pk = priv.public_key().public_bytes(serialization.Encoding.Raw,
                                            serialization.PublicFormat.Raw)
        esk = expanded_secret(seed)
        bpk = hs._blinded_pubkey(pk, h)
        besk = blinded_secret(esk, h)
        # stem's blinded signature; it must verify under the blinded key
        # with cryptography's (OpenSSL's) verifier.
        bsig = hs._blinded_sign(msg, priv, bpk, h)
        c_ed25519.Ed25519PublicKey.from_public_bytes(bpk).verify(bsig, msg)
        # the blinded secret scalar times B is the blinded public key
        assert s_ed.encodepoint(s_ed.scalarmult(
            s_ed.B, s_ed.decodeint(besk[:32]))) == bpk
        recs.append([('seed', seed), ('esk', esk), ('pk', pk), ('h', h),
                     ('blinded_pk', bpk), ('blinded_esk', besk),
                     ('msg', msg), ('blinded_sig', bsig)])
    return recs


def rsa_vectors():
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    priv_der = key.private_bytes(serialization.Encoding.DER,
                                 serialization.PrivateFormat.TraditionalOpenSSL,
                                 serialization.NoEncryption())
    pub_der = key.public_key().public_bytes(serialization.Encoding.DER,
                                            serialization.PublicFormat.PKCS1)
    nums = key.private_numbers()
    n, d, e = nums.public_numbers.n, nums.d, nums.public_numbers.e
    recs = []
    for i, (hname, hfn) in enumerate([('sha1', hashlib.sha1),
                                      ('sha256', hashlib.sha256)]):
        msg = det('rsa-msg-%d' % i, 40)
        digest = hfn(msg).digest()
        # PKCS#1 v1.5 type 1 padding around the bare digest (no DigestInfo),
        # as in dir-spec; sig = m^d mod n.
        k = 128
        em = b'\x00\x01' + b'\xff' * (k - 3 - len(digest)) + b'\x00' + digest
        sig = pow(int.from_bytes(em, 'big'), d, n).to_bytes(k, 'big')
        assert pow(int.from_bytes(sig, 'big'), e, n).to_bytes(k, 'big') == em
        recs.append([('digest', digest), ('sig', sig)])
    head = [[('private_der', priv_der), ('public_der', pub_der),
             ('fingerprint', hashlib.sha1(pub_der).digest())]]
    return head + recs


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else '.'
    write_records(os.path.join(outdir, 'ed25519_blinding.txt'),
                  blinding_vectors(),
                  '# Ed25519 key blinding (rend-spec-v3 A.2): made by\n'
                  '# tests/vectors/gen/gen_vectors.py with stem %s\n'
                  % __import__('stem').__version__)
    write_records(os.path.join(outdir, 'rsa1024.txt'), rsa_vectors(),
                  '# RSA-1024 PKCS#1 DER, fingerprint and raw PKCS#1 v1.5\n'
                  '# signatures (no DigestInfo): made by\n'
                  '# tests/vectors/gen/gen_vectors.py with python3-cryptography\n'
                  '# and Python integers. First record: the key; then one\n'
                  '# record per signature.\n')


if __name__ == '__main__':
    main()
