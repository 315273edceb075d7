#!/usr/bin/python3
"""Known answers for src/feature/hs (rend-spec-v3) from independent code:
stem 1.8.1 (blinded public keys, blinded signatures, subcredentials,
descriptor layer keys and MAC, Ed25519 certificates) and Python's hashlib
written from the spec text (the blinding factor h, the ring indices, time
periods).

    /usr/bin/python3 tests/vectors/gen/gen_hs.py tests/vectors/hs

Writes hs_keys.txt, hs_ring.txt, hs_layer.txt, hs_cert.txt in the format of
tests/vectors/*.txt (records separated by blank lines, "name = hex";
integers as 8-byte big-endian hex). Inputs come from fixed labels, so the
output is reproducible."""

import datetime
import hashlib
import os
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519 as c_ed

import stem.descriptor.hidden_service as hs
from stem.descriptor.certificate import (Ed25519CertificateV1, Ed25519Extension,
                                         ExtensionType)
from stem.util import ed25519 as s_ed

BASEPOINT = (b"(15112221349535400772501151409588531511454012693041857206046113283949847762202, "
             b"46316835694926478169428394003475163141307993866256225615783033603165251855960)")


def det(label, n=32):
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(b"%s/%d" % (label.encode(), i)).digest()
        i += 1
    return out[:n]


def i8(v):
    return v.to_bytes(8, "big")


def write(path, header, records):
    with open(path, "w") as f:
        f.write(header)
        for rec in records:
            f.write("\n")
            for k, v in rec:
                f.write("%s = %s\n" % (k, v.hex()))


def expanded(seed):
    h = bytearray(hashlib.sha512(seed).digest())
    h[0] &= 248
    h[31] &= 63
    h[31] |= 64
    return bytes(h)


def pub(seed):
    return c_ed.Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def blinding_factor(pk, tp, plen):
    return hashlib.sha3_256(b"Derive temporary signing key\0" + pk + BASEPOINT +
                            b"key-blind" + i8(tp) + i8(plen)).digest()


def blinded_secret(esk, h):
    mult = 2 ** (s_ed.b - 2) + sum(2 ** i * s_ed.bit(h, i) for i in range(3, s_ed.b - 2))
    s = (s_ed.decodeint(esk[:32]) * mult) % s_ed.l
    return s_ed.encodeint(s) + hashlib.sha512(
        b"Derive temporary signing key hash input" + esk[32:]).digest()[:32]


def time_period(t, plen_min, offset_min):
    return (t // 60 - offset_min) // plen_min


def keys_records():
    recs = []
    # hs_real_tor is the HiddenServiceDir real tor made: use its key too.
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "hs_real_tor", "hs_ed25519_secret_key"), "rb") as f:
        real_esk = f.read()[32:]
    inputs = [(expanded(det("hs-id-%d" % i)), pub(det("hs-id-%d" % i))) for i in range(2)]
    inputs.append((real_esk, s_ed.encodepoint(s_ed.scalarmult(
        s_ed.B, s_ed.decodeint(real_esk[:32])))))
    # (unix time, period length, rotation offset in minutes)
    times = [(1460546101, 1440, 720), (1763700000, 1440, 720),
             (1795317851, 8, 4), (1795318200, 8, 4)]
    for n, (esk, pk) in enumerate(inputs):
        for t, plen, off in times:
            tp = time_period(t, plen, off)
            h = blinding_factor(pk, tp, plen)
            bpk = hs._blinded_pubkey(pk, h)
            besk = blinded_secret(esk, h)
            msg = det("blind-msg-%d-%d" % (n, tp), 40)
            # stem's blinded signature needs the seed; for the real key we
            # sign with the blinded expanded key ourselves (RFC 8032 math).
            if n < 2:
                sig = hs._blinded_sign(msg, c_ed.Ed25519PrivateKey.from_private_bytes(
                    det("hs-id-%d" % n)), bpk, h)
            else:
                a = s_ed.decodeint(besk[:32])
                r = s_ed.Hint(besk[32:] + msg)
                R = s_ed.encodepoint(s_ed.scalarmult(s_ed.B, r))
                sig = R + s_ed.encodeint((r + s_ed.Hint(R + bpk + msg) * a) % s_ed.l)
            c_ed.Ed25519PublicKey.from_public_bytes(bpk).verify(sig, msg)
            recs.append([("identity_esk", esk), ("identity_pk", pk), ("time", i8(t)),
                         ("period_length", i8(plen)), ("rotation_offset", i8(off * 60)),
                         ("tp", i8(tp)),
                         ("tp_start", i8(tp * plen * 60 + off * 60)),
                         ("h", h), ("blinded_pk", bpk), ("blinded_esk", besk),
                         ("credential", hashlib.sha3_256(b"credential" + pk).digest()),
                         ("subcredential", hs.HiddenServiceDescriptorV3._subcredential(pk, bpk)),
                         ("msg", msg), ("sig", sig)])
    return recs


def ring_records():
    recs = []
    for i in range(4):
        bpk, ed, srv = det("ring-bpk-%d" % i), det("ring-ed-%d" % i), det("ring-srv-%d" % i)
        tp, plen, rep = 19000 + 37 * i, [1440, 8, 60, 1440][i], 1 + i % 2
        recs.append([("blinded_pk", bpk), ("replica", i8(rep)), ("period_length", i8(plen)),
                     ("tp", i8(tp)),
                     ("service_index", hashlib.sha3_256(b"store-at-idx" + bpk + i8(rep) +
                                                        i8(plen) + i8(tp)).digest()),
                     ("ed25519_id", ed), ("srv", srv),
                     ("relay_index", hashlib.sha3_256(b"node-idx" + ed + srv + i8(tp) +
                                                      i8(plen)).digest()),
                     ("disaster_srv", hashlib.sha3_256(b"shared-random-disaster" + i8(plen) +
                                                       i8(tp)).digest())])
    return recs


def layer_records():
    recs = []
    for i, (const, padded) in enumerate([(b"hsdir-superencrypted-data", True),
                                         (b"hsdir-encrypted-data", False),
                                         (b"hsdir-superencrypted-data", True)]):
        bpk, sub, salt = det("layer-bpk-%d" % i), det("layer-sub-%d" % i), det("layer-salt-%d" % i, 16)
        rev = [1, 0x123456789, 2 ** 64 - 1][i]
        plain = det("layer-plain-%d" % i, [50, 2264, 10000][i])
        padded_plain = plain + b"\0" * ((-len(plain)) % 10000) if padded else plain
        cipher, mac_for = hs._layer_cipher(const, rev, sub, bpk, salt)
        ct = cipher.encryptor().update(padded_plain)
        recs.append([("layer", bytes([0 if padded else 1])), ("blinded_pk", bpk),
                     ("subcredential", sub), ("revision_counter", i8(rev)), ("salt", salt),
                     ("plaintext", plain), ("blob", salt + ct + mac_for(ct))])
    return recs


def cert_records():
    recs = []
    for i, ctype in enumerate(["HS_V3_DESC_SIGNING", "HS_V3_INTRO_AUTH",
                               "HS_V3_NTOR_ENC"]):
        signer = c_ed.Ed25519PrivateKey.from_private_bytes(det("cert-signer-%d" % i))
        signer_pk = pub(det("cert-signer-%d" % i))
        key = det("cert-key-%d" % i)
        hours = 490000 + i * 1000
        exp = datetime.datetime.utcfromtimestamp(hours * 3600)
        cert = Ed25519CertificateV1(ctype, exp, 1, key,
                                    [Ed25519Extension(ExtensionType.HAS_SIGNING_KEY, None, signer_pk)],
                                    signing_key=signer)
        recs.append([("signer_esk", expanded(det("cert-signer-%d" % i))), ("signer_pk", signer_pk),
                     ("certified_key", key), ("expires", i8(hours * 3600)),
                     ("cert", cert.pack())])
    return recs


def main():
    out = sys.argv[1]
    hdr = "# Generated by tests/vectors/gen/gen_hs.py (stem 1.8.1 + hashlib); do not edit.\n"
    write(os.path.join(out, "hs_keys.txt"), hdr, keys_records())
    write(os.path.join(out, "hs_ring.txt"), hdr, ring_records())
    write(os.path.join(out, "hs_layer.txt"), hdr, layer_records())
    write(os.path.join(out, "hs_cert.txt"), hdr, cert_records())


if __name__ == "__main__":
    main()
