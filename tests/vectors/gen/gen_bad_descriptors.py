#!/usr/bin/python3
"""Malicious (and a few valid) v3 onion service descriptors for the client's
descriptor parser (src/feature/hs/hs_desc_parse.c), built from the spec
text with python3 and python3-cryptography only.

    /usr/bin/python3 tests/vectors/gen/gen_bad_descriptors.py tests/vectors/hs_bad_desc

Every descriptor is for one fixed onion service (Ed25519 identity seed
0x07 * 32, the key of tests/fuzz/fuzz_hs_descriptor.c) at one fixed time,
NOW = 1763700000 (2025-11-21 04:40 UTC, time period 20412 of 1440 minutes):
the descriptor-signing-key cert is signed by the identity key blinded for
that period (rend-spec-v3 appendix A.2, computed here with our own
Python Ed25519 arithmetic and checked against python3-cryptography), both
layers are encrypted and MACed with the right subcredential (2.5.3), and
the outer document is signed by the descriptor signing key -- so the
parser reaches the content, and each file is malicious in one way only.

Writes, for each case NAME:
  NAME.desc    a whole descriptor (outer document), or
  NAME.middle  the plaintext of the superencrypted layer, or
  NAME.inner   the plaintext of the encrypted layer
(the last two where the content cannot fit in the 50000 bytes a whole
descriptor may have: they go straight to the layer parsers), plus
  cases.txt    "NAME LAYER EXPECT  description" per case (EXPECT is accept
               or reject: the verdict rend-spec-v3 calls for),
  control.txt  what the valid control descriptor holds (vector format of
               tests/vectors: records of "name = hex").

Everything is deterministic (fixed seeds, salts, ephemeral keys; Ed25519
is deterministic), so running this again gives the same bytes.

    gen_bad_descriptors.py --now T --period-length MIN --rotation-offset MIN
                           [--revision N] OUTDIR

makes the same cases for another clock (a private network's: its time
periods, certificates valid from T on, revision counter N), for
tests/integration/test_hs_bad_desc.py to post to real tor HSDirs; that
output is not committed anywhere."""

import base64
import hashlib
import os
import struct
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519 as c_ed
from cryptography.hazmat.primitives.asymmetric import x25519 as c_x
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

NOW = 1763700000
PERIOD_LENGTH = 1440            # minutes
ROTATION_OFFSET = 720           # minutes
CERT_LIFETIME = 54 * 3600       # seconds, as real tor signs
MAX_DESC_LEN = 50000
PADDING = 10000
TYPE_DESC_SIGNING, TYPE_INTRO_AUTH, TYPE_INTRO_ENC = 0x08, 0x09, 0x0B


def det(label, n=32):
    """n bytes named by label (SHA-256 in counter mode)."""
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(b"hs-bad-desc/%s/%d" % (label.encode(), i)).digest()
        i += 1
    return out[:n]


def i8(v):
    return struct.pack(">Q", v)


# ---------------------------------------------------------------------
# Ed25519 group arithmetic (RFC 8032 section 5.1), for the blinded key,
# which python3-cryptography cannot sign with.

P = 2 ** 255 - 19
L = 2 ** 252 + 27742317777372353535851937790883648493
D = (-121665 * pow(121666, P - 2, P)) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)


def pt_add(a, b):
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    aa = (y1 - x1) * (y2 - x2) % P
    bb = (y1 + x1) * (y2 + x2) % P
    cc = 2 * t1 * t2 * D % P
    dd = 2 * z1 * z2 % P
    e, f, g, h = bb - aa, dd - cc, dd + cc, bb + aa
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def pt_mul(pt, n):
    acc = (0, 1, 1, 0)
    while n:
        if n & 1:
            acc = pt_add(acc, pt)
        pt = pt_add(pt, pt)
        n >>= 1
    return acc


def pt_encode(pt):
    x, y, z, _ = pt
    zi = pow(z, P - 2, P)
    x, y = x * zi % P, y * zi % P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def pt_decode(b):
    y = int.from_bytes(b, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    assert y < P
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P) % P
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P:
        x = x * SQRT_M1 % P
    assert (x * x - x2) % P == 0
    if x & 1 != sign:
        x = P - x
    return (x, y, 1, x * y % P)


BASE = pt_decode((4 * pow(5, P - 2, P) % P).to_bytes(32, "little"))
BASEPOINT_STR = (b"(15112221349535400772501151409588531511454012693041857206046113283949847762202, "
                 b"46316835694926478169428394003475163141307993866256225615783033603165251855960)")


def clamp(h):
    h = bytearray(h)
    h[0] &= 248
    h[31] &= 63
    h[31] |= 64
    return int.from_bytes(h, "little")


class ExpandedKey:
    """An Ed25519 key given as (scalar a, hash prefix RH): signs as RFC 8032
    does with them; for the blinded key (a' = h a mod l, RH')."""

    def __init__(self, a, prefix):
        self.a, self.prefix = a, prefix
        self.pk = pt_encode(pt_mul(BASE, a))

    @classmethod
    def from_seed(cls, seed):
        h = hashlib.sha512(seed).digest()
        return cls(clamp(h[:32]), h[32:])

    def sign(self, msg):
        r = int.from_bytes(hashlib.sha512(self.prefix + msg).digest(), "little") % L
        big_r = pt_encode(pt_mul(BASE, r))
        k = int.from_bytes(hashlib.sha512(big_r + self.pk + msg).digest(), "little") % L
        sig = big_r + ((r + k * self.a) % L).to_bytes(32, "little")
        c_ed.Ed25519PublicKey.from_public_bytes(self.pk).verify(sig, msg)
        return sig

    def blind(self, tp, plen):
        h = hashlib.sha3_256(b"Derive temporary signing key\0" + self.pk + BASEPOINT_STR +
                             b"key-blind" + i8(tp) + i8(plen)).digest()
        hc = clamp(h)
        blinded = ExpandedKey(hc * self.a % L, hashlib.sha512(
            b"Derive temporary signing key hash input" + self.prefix).digest()[:32])
        # A' = h A as well as (h a) B
        assert blinded.pk == pt_encode(pt_mul(pt_decode(self.pk), hc))
        return blinded


class SeedKey:
    """An ordinary Ed25519 key: python3-cryptography signs."""

    def __init__(self, seed):
        self.priv = c_ed.Ed25519PrivateKey.from_private_bytes(seed)
        self.pk = self.priv.public_key().public_bytes(serialization.Encoding.Raw,
                                                      serialization.PublicFormat.Raw)
        # our arithmetic agrees with the library's
        mine = ExpandedKey.from_seed(seed)
        assert mine.pk == self.pk and mine.sign(b"check") == self.priv.sign(b"check")

    def sign(self, msg):
        return self.priv.sign(msg)


def x25519_pub(priv):
    return c_x.X25519PrivateKey.from_private_bytes(priv).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def x25519_to_ed25519(u_bytes, signbit=0):
    """The Edwards point of Montgomery u: y = (u - 1) / (u + 1)."""
    u = int.from_bytes(u_bytes, "little") & ((1 << 255) - 1)
    y = (u - 1) * pow(u + 1, P - 2, P) % P
    return (y | (signbit << 255)).to_bytes(32, "little")


# ---------------------------------------------------------------------
# Certificates (cert-spec 2.1)

def cert(ctype, key, signer, expires_hours, ext_key="signer", extra_exts=(), sign_with=None,
         version=1, truncate=None):
    """A certificate of ctype for key, signed by signer (or sign_with), with
    the signed-with-key extension naming ext_key ("signer": the signer's
    key; None: no extension) and extra (type, flags, data) extensions."""
    exts = []
    if ext_key == "signer":
        ext_key = signer.pk
    if ext_key is not None:
        exts.append((4, 0, ext_key))
    exts += list(extra_exts)
    body = struct.pack(">BBIB", version, ctype, expires_hours, 1) + key + bytes([len(exts)])
    for etype, eflags, data in exts:
        body += struct.pack(">HBB", len(data), etype, eflags) + data
    out = body + (sign_with or signer).sign(body)
    return out[:truncate] if truncate else out


def cert_expiry(now=None):
    return ((NOW if now is None else now) + CERT_LIFETIME + 3599) // 3600


# ---------------------------------------------------------------------
# Encoding helpers

def b64(data, pad=True):
    s = base64.b64encode(data).decode()
    return s if pad else s.rstrip("=")


def pem(tag, data):
    s = b64(data)
    lines = [s[i:i + 64] for i in range(0, len(s), 64)]
    return "-----BEGIN %s-----\n%s\n-----END %s-----" % (tag, "\n".join(lines), tag)


def layer_encrypt(constant, plaintext, salt, blinded_pk, subcred, rev, pad):
    if pad:
        plaintext += b"\0" * (-len(plaintext) % PADDING)
    keys = hashlib.shake_256(blinded_pk + subcred + i8(rev) + salt + constant).digest(80)
    enc = Cipher(algorithms.AES(keys[:32]), modes.CTR(keys[32:48])).encryptor()
    ct = enc.update(plaintext) + enc.finalize()
    mac = hashlib.sha3_256(i8(32) + keys[48:80] + i8(16) + salt + ct).digest()
    return salt + ct + mac


# ---------------------------------------------------------------------
# The service and its intro points

IDENTITY = ExpandedKey.from_seed(b"\x07" * 32)
REVISION = 42


def set_clock(now, period_length, rotation_offset, revision):
    """The time, time periods (minutes) and revision counter the cases are
    made for."""
    global NOW, PERIOD_LENGTH, ROTATION_OFFSET, TP, BLINDED, REVISION
    NOW, PERIOD_LENGTH, ROTATION_OFFSET, REVISION = now, period_length, rotation_offset, revision
    TP = (NOW // 60 - ROTATION_OFFSET) // PERIOD_LENGTH
    BLINDED = IDENTITY.blind(TP, PERIOD_LENGTH)


set_clock(NOW, PERIOD_LENGTH, ROTATION_OFFSET, REVISION)
SIGNING = SeedKey(det("descriptor-signing-key"))
OTHER = SeedKey(det("some-other-key"))          # signs what it should not
CREDENTIAL = hashlib.sha3_256(b"credential" + IDENTITY.pk).digest()


def subcredential(blinded_pk):
    return hashlib.sha3_256(b"subcredential" + CREDENTIAL + blinded_pk).digest()


def link_specifiers(i):
    """NSPEC, then IPv4 (type 0), legacy RSA id (2), Ed25519 id (3)."""
    specs = [(0, bytes([10, 0, 0, i + 1]) + struct.pack(">H", 9001 + i)),
             (2, det("ip%d-rsa-id" % i, 20)), (3, det("ip%d-ed-id" % i))]
    return bytes([len(specs)]) + b"".join(bytes([t, len(v)]) + v for t, v in specs)


class IntroPoint:
    def __init__(self, i):
        self.i = i
        self.link_specifiers = link_specifiers(i)
        self.onion_key = x25519_pub(det("ip%d-onion-key" % i))
        self.auth = SeedKey(det("ip%d-auth-key" % i))
        self.enc_key = x25519_pub(det("ip%d-enc-key" % i))

    def items(self, signer=SIGNING, expires=None):
        """The items of this intro point as a dict keyword -> text (in
        order); cases edit it before it is joined."""
        exp = expires or cert_expiry()
        return {
            "introduction-point": "introduction-point " + b64(self.link_specifiers),
            "onion-key": "onion-key ntor " + b64(self.onion_key),
            "auth-key": "auth-key\n" + pem("ED25519 CERT", cert(
                TYPE_INTRO_AUTH, self.auth.pk, signer, exp)),
            "enc-key": "enc-key ntor " + b64(self.enc_key),
            "enc-key-cert": "enc-key-cert\n" + pem("ED25519 CERT", cert(
                TYPE_INTRO_ENC, x25519_to_ed25519(self.enc_key), signer, exp)),
        }


IPS = [IntroPoint(i) for i in range(3)]


def inner_text(ip_items, head=("create2-formats 2", "flow-control 1-2 31")):
    lines = list(head)
    for items in ip_items:
        lines += [v for v in items.values() if v is not None]
    return "\n".join(lines) + "\n"


def auth_client_line(i):
    if i >= 300:
        # past what a whole descriptor can carry: counters, not random
        # bytes, so that git compresses the 700 kB file
        return "auth-client %s %s %s" % (b64(i.to_bytes(8, "big"), False),
                                         b64(b"\x01" * 16, False), b64(b"\x02" * 16, False))
    return "auth-client %s %s %s" % (b64(det("client-id-%d" % i, 8), False),
                                     b64(det("client-iv-%d" % i, 16), False),
                                     b64(det("client-cookie-%d" % i, 16), False))


def middle_items(encrypted_blob, n_clients=16):
    items = ["desc-auth-type x25519",
             "desc-auth-ephemeral-key " + b64(x25519_pub(det("desc-auth-ephemeral")))]
    items += [auth_client_line(i) for i in range(n_clients)]
    items.append("encrypted\n" + pem("MESSAGE", encrypted_blob))
    return items


def outer_items(superencrypted_blob, signing_cert_der, lifetime="180", rev="42"):
    return ["hs-descriptor 3",
            "descriptor-lifetime " + lifetime,
            "descriptor-signing-key-cert\n" + pem("ED25519 CERT", signing_cert_der),
            "revision-counter " + rev,
            "superencrypted\n" + pem("MESSAGE", superencrypted_blob)]


def sign_outer(items, signer=SIGNING, tail=""):
    body = "\n".join(items) + "\n"
    sig = signer.sign(b"Tor onion service descriptor sig v3" + body.encode("latin-1"))
    return body + "signature " + b64(sig, False) + tail


class Desc:
    """One descriptor, built layer by layer; the hooks edit a layer's items
    or text before it is encrypted or signed."""

    def __init__(self, name, rev=None, blinded=None, signing=SIGNING, ips=None,
                 n_clients=16, salt_tag=None):
        rev = REVISION if rev is None else rev
        blinded = blinded or BLINDED
        self.name, self.rev, self.blinded, self.signing = name, rev, blinded, signing
        self.ip_items = [ip.items(signing) for ip in (IPS if ips is None else ips)]
        self.inner_head = ["create2-formats 2", "flow-control 1-2 31"]
        self.n_clients = n_clients
        self.salt_tag = salt_tag or name
        self.signing_cert = cert(TYPE_DESC_SIGNING, signing.pk, blinded, cert_expiry())
        self.lifetime = "180"
        self.rev_text = str(rev)
        self.inner_edit = self.middle_edit = self.outer_edit = None
        self.inner_bytes_edit = self.middle_bytes_edit = self.blob_edit = None
        self.outer_signer = signing
        self.outer_tail = ""

    def inner(self):
        text = inner_text(self.ip_items, self.inner_head)
        if self.inner_edit:
            text = self.inner_edit(text)
        data = text.encode("latin-1")
        return self.inner_bytes_edit(data) if self.inner_bytes_edit else data

    def middle(self):
        blob = layer_encrypt(b"hsdir-encrypted-data", self.inner(),
                             det(self.salt_tag + "/inner-salt", 16), self.blinded.pk,
                             subcredential(self.blinded.pk), self.rev, pad=False)
        items = middle_items(blob, self.n_clients)
        if self.middle_edit:
            items = self.middle_edit(items)
        data = "\n".join(items).encode("latin-1")
        return self.middle_bytes_edit(data) if self.middle_bytes_edit else data

    def outer(self):
        blob = layer_encrypt(b"hsdir-superencrypted-data", self.middle(),
                             det(self.salt_tag + "/middle-salt", 16), self.blinded.pk,
                             subcredential(self.blinded.pk), self.rev, pad=True)
        if self.blob_edit:
            blob = self.blob_edit(blob)
        items = outer_items(blob, self.signing_cert, self.lifetime, self.rev_text)
        if self.outer_edit:
            items = self.outer_edit(items)
        return sign_outer(items, self.outer_signer, self.outer_tail).encode("latin-1")


# ---------------------------------------------------------------------
# The cases

CASES = []   # (name, layer, expect, description, bytes)


def case(name, layer, expect, what, data):
    assert expect in ("accept", "reject")
    if layer == "desc" and not name.startswith("too-long") and name not in LONG_OK:
        assert len(data) < MAX_DESC_LEN, (name, len(data))
    CASES.append((name, layer, expect, what, data))


LONG_OK = {"max-len", "superencrypted-huge"}


def desc(name, expect, what, d=None, edit=None):
    d = d or Desc(name)
    if edit:
        edit(d)
    case(name, "desc", expect, what, d.outer())


def set_attr(**kw):
    def f(d):
        for k, v in kw.items():
            setattr(d, k, v)
    return f


def replace_item(prefix, new):
    """An outer/middle item edit: the first item starting with prefix
    becomes new (None: removed)."""
    def f(items):
        out, done = [], False
        for it in items:
            if not done and it.startswith(prefix):
                done = True
                if new is not None:
                    out.append(new)
            else:
                out.append(it)
        assert done, prefix
        return out
    return f


def insert_after(prefix, new):
    def f(items):
        out = []
        for it in items:
            out.append(it)
            if it.startswith(prefix):
                out.append(new)
        return out
    return f


def ip_edit(index, key, value):
    """Set item key of intro point index (None removes it)."""
    def f(d):
        d.ip_items[index][key] = value
    return f


def cert_item(keyword, der):
    return keyword + "\n" + pem("ED25519 CERT", der)


def build_cases():
    ip = IPS[1]
    exp = cert_expiry()

    # --- valid descriptors
    desc("control", "accept", "valid: 3 intro points, tor's layout")
    desc("control-unknown-items", "accept",
         "valid: unknown items (one with an object, one with 40 arguments, one with UTF-8) "
         "in all three layers and in an intro point; rend-spec-v3 says ignore them",
         edit=lambda d: (
             setattr(d, "outer_edit", insert_after("revision-counter", "x-outer-unknown 1 2 3\n"
                                                   + pem("X OBJECT", b"\x01\x02\x03") +
                                                   "\nx-many-args " + " ".join(
                                                       str(i) for i in range(40)))),
             setattr(d, "middle_edit", insert_after("desc-auth-ephemeral-key",
                                                    "x-middle-unknown caf\xc3\xa9")),
             d.inner_head.append("x-inner-unknown a b"),
             d.ip_items[0].update({"x-ip-unknown": "x-ip-unknown 7\n" + pem("FOO", b"bar")}),
             d.ip_items[2].update({"onion-key-x": "onion-key x448 " + b64(b"y" * 56)})))
    desc("ips-0", "accept", "valid: no introduction points (rend-spec-v3 2.5.4: minimum 0)",
         Desc("ips-0", ips=[]))
    desc("ips-20", "accept", "valid: 20 introduction points, the maximum",
         Desc("ips-20", ips=[IntroPoint(i) for i in range(20)]))
    desc("revision-counter-max", "accept", "valid: revision-counter 2^64-1",
         Desc("revision-counter-max", rev=2 ** 64 - 1))
    desc("signing-cert-noncritical-ext", "accept",
         "valid: the signing-key cert has an unknown extension without the "
         "affects-validation flag (cert-spec 2.2.1: ignored)",
         edit=set_attr(signing_cert=cert(TYPE_DESC_SIGNING, SIGNING.pk, BLINDED, exp,
                                         extra_exts=[(0x77, 0, b"ignore me")])))
    desc("enc-key-cert-key-mismatch", "accept",
         "enc-key-cert certifies another key (the auth key, as stem and OnionBalance "
         "write it); tor does not compare it with enc-key, so neither may we",
         edit=ip_edit(1, "enc-key-cert", cert_item("enc-key-cert", cert(
             TYPE_INTRO_ENC, ip.auth.pk, SIGNING, exp))))
    d = Desc("auth-clients-300", n_clients=300)
    desc("auth-clients-300", "accept",
         "valid: 300 auth-client lines (2.5.1.4: any number within 50000 bytes)", d)

    # a descriptor of exactly MAX_DESC_LEN - 1 and MAX_DESC_LEN bytes
    for name, target, expect in (("max-len-minus-1", MAX_DESC_LEN - 1, "accept"),
                                 ("max-len", MAX_DESC_LEN, "reject")):
        base = len(Desc(name).outer())
        pad = target - base - len("x-padding \n")
        d = Desc(name)
        d.outer_edit = insert_after("revision-counter", "x-padding " + "p" * pad)
        data = d.outer()
        assert len(data) == target, (name, len(data))
        case(name, "desc", expect, "%d bytes (tor refuses %d and more)" % (target, MAX_DESC_LEN),
             data)

    # --- the outer document
    d = Desc("too-long")
    d.outer_edit = insert_after("revision-counter", "x-padding " + "p" * 60000)
    case("too-long", "desc", "reject", "70 kB descriptor (an unknown item of 60 kB)", d.outer())
    d = Desc("superencrypted-huge")
    d.middle_bytes_edit = lambda b: b + b"\n" + ("x-filler " + "f" * 200 + "\n").encode() * 230
    case("superencrypted-huge", "desc", "reject",
         "the superencrypted blob alone is over 50000 bytes", d.outer())
    for name, val, what in (("lifetime-29", "29", "descriptor-lifetime 29 (below 30)"),
                            ("lifetime-721", "721", "descriptor-lifetime 721 (above 720)"),
                            ("lifetime-huge", "99999999999999999999999",
                             "descriptor-lifetime of 23 digits"),
                            ("lifetime-negative", "-180", "descriptor-lifetime -180")):
        desc(name, "reject", what, edit=set_attr(lifetime=val))
    desc("revision-counter-overflow", "reject", "revision-counter 2^64",
         edit=set_attr(rev_text=str(2 ** 64)))
    desc("revision-counter-hex", "reject", "revision-counter 0x2a",
         edit=set_attr(rev_text="0x2a"))
    desc("duplicate-revision-counter", "reject", "revision-counter twice",
         edit=lambda d: setattr(d, "outer_edit", insert_after("revision-counter",
                                                              "revision-counter 43")))
    desc("duplicate-signing-key-cert", "reject", "descriptor-signing-key-cert twice",
         edit=lambda d: setattr(d, "outer_edit", insert_after(
             "descriptor-signing-key-cert", cert_item("descriptor-signing-key-cert",
                                                      d.signing_cert))))
    desc("missing-revision-counter", "reject", "no revision-counter",
         edit=lambda d: setattr(d, "outer_edit", replace_item("revision-counter", None)))
    desc("missing-superencrypted", "reject", "no superencrypted",
         edit=lambda d: setattr(d, "outer_edit", replace_item("superencrypted", None)))
    d = Desc("missing-signature")
    body = d.outer().decode("latin-1")
    case("missing-signature", "desc", "reject", "no signature line",
         body[:body.rindex("\nsignature ") + 1].encode("latin-1"))
    desc("version-4", "reject", "hs-descriptor 4",
         edit=lambda d: setattr(d, "outer_edit", replace_item("hs-descriptor", "hs-descriptor 4")))
    desc("data-after-signature", "reject", "an item after the signature",
         edit=set_attr(outer_tail="\nx-after 1"))
    desc("signing-cert-expired", "reject",
         "descriptor-signing-key-cert expired an hour before NOW",
         edit=set_attr(signing_cert=cert(TYPE_DESC_SIGNING, SIGNING.pk, BLINDED,
                                         NOW // 3600 - 1)))
    desc("signing-cert-wrong-type", "reject",
         "descriptor-signing-key-cert of type 09 (auth-key's) instead of 08",
         edit=set_attr(signing_cert=cert(TYPE_INTRO_AUTH, SIGNING.pk, BLINDED, exp)))
    desc("signing-cert-critical-ext", "reject",
         "descriptor-signing-key-cert with an unknown extension flagged affects-validation",
         edit=set_attr(signing_cert=cert(TYPE_DESC_SIGNING, SIGNING.pk, BLINDED, exp,
                                         extra_exts=[(0x77, 1, b"obey me")])))
    desc("signing-cert-no-ext", "reject",
         "descriptor-signing-key-cert without the signed-with-key extension "
         "(no blinded key)",
         edit=set_attr(signing_cert=cert(TYPE_DESC_SIGNING, SIGNING.pk, BLINDED, exp,
                                         ext_key=None)))
    desc("signing-cert-bad-signature", "reject",
         "descriptor-signing-key-cert names the blinded key but another key signed it",
         edit=set_attr(signing_cert=cert(TYPE_DESC_SIGNING, SIGNING.pk, BLINDED, exp,
                                         sign_with=OTHER)))
    desc("signing-cert-version-2", "reject", "descriptor-signing-key-cert of version 2",
         edit=set_attr(signing_cert=cert(TYPE_DESC_SIGNING, SIGNING.pk, BLINDED, exp,
                                         version=2)))
    desc("signature-wrong-key", "reject",
         "the document is signed by a key other than the certified signing key",
         edit=set_attr(outer_signer=OTHER))
    desc("superencrypted-wrong-tag", "reject", "superencrypted object tagged SIGNATURE",
         edit=lambda d: setattr(d, "outer_edit", lambda items: [
             it.replace("MESSAGE", "SIGNATURE") if it.startswith("superencrypted") else it
             for it in items]))
    desc("superencrypted-short", "reject", "a superencrypted blob of 40 bytes (salt + MAC is 48)",
         edit=set_attr(blob_edit=lambda b: b[:40]))
    desc("superencrypted-bad-mac", "reject", "one ciphertext bit flipped (document re-signed)",
         edit=set_attr(blob_edit=lambda b: b[:100] + bytes([b[100] ^ 1]) + b[101:]))
    desc("nul-after-signature", "reject", "a NUL byte and more text after the signature line",
         edit=set_attr(outer_tail="\n\0x-hidden 1"))
    desc("nul-in-outer-line", "reject", "a NUL byte inside an (unknown, signed) outer line",
         edit=lambda d: setattr(d, "outer_edit", insert_after("revision-counter", "x-nul a\0b")))
    desc("control-char-outer", "reject", "a control character (0x01) in an outer line",
         edit=lambda d: setattr(d, "outer_edit",
                                insert_after("revision-counter", "x-ctrl a\x01b")))
    desc("cr-lf-outer", "reject", "a CR before the NL of an outer line",
         edit=lambda d: setattr(d, "outer_edit",
                                insert_after("revision-counter", "x-cr 1\r")))
    desc("non-utf8-outer", "reject", "bytes 0xff 0xfe (not UTF-8) in an outer line",
         edit=lambda d: setattr(d, "outer_edit",
                                insert_after("revision-counter", "x-bin \xff\xfe")))
    desc("bad-keyword", "reject", "an item whose keyword has a character outside [A-Za-z0-9-]",
         edit=lambda d: setattr(d, "outer_edit", insert_after("revision-counter", "x_under 1")))
    d = Desc("wrong-blinded-key", blinded=ExpandedKey.from_seed(det("attacker-blinded-key")))
    desc("wrong-blinded-key", "accept",
         "well formed, but certified by a key that is not the service's blinded key "
         "(layers keyed for it): the parser accepts it; the caller must compare the "
         "blinded key (hs_dirop does)", d)

    # --- the superencrypted (middle) layer
    desc("middle-duplicate-auth-type", "reject", "desc-auth-type twice",
         edit=set_attr(middle_edit=insert_after("desc-auth-type", "desc-auth-type x25519")))
    desc("middle-missing-ephemeral-key", "reject", "no desc-auth-ephemeral-key",
         edit=set_attr(middle_edit=replace_item("desc-auth-ephemeral-key", None)))
    desc("middle-duplicate-encrypted", "reject", "encrypted twice",
         edit=set_attr(middle_edit=lambda items: items + [items[-1]]))
    desc("middle-no-auth-client", "reject", "no auth-client line (2.5.1.2: at least once)",
         Desc("middle-no-auth-client", n_clients=0))
    desc("nul-in-middle", "reject",
         "the superencrypted plaintext goes on after a NUL byte (before the padding)",
         edit=set_attr(middle_bytes_edit=lambda b: b + b"\n\0x-after-nul 1\n"))
    desc("middle-control-char", "reject", "an escape character (0x1b) in the middle layer",
         edit=set_attr(middle_edit=insert_after("desc-auth-type", "x-esc \x1b[31m")))
    ctl = Desc("auth-clients-10000", n_clients=10000)
    case("auth-clients-10000", "middle", "accept",
         "10000 auth-client lines (700 kB; a whole descriptor could not carry them)",
         ctl.middle())

    # --- the encrypted (inner) layer
    desc("ips-21", "reject", "21 introduction points (rend-spec-v3 2.5.4: at most 20)",
         Desc("ips-21", ips=[IntroPoint(i) for i in range(21)]))
    many = Desc("ips-500", ips=[IPS[0]] * 500)
    case("ips-500", "inner", "reject", "500 (identical) introduction points", many.inner())
    desc("auth-key-wrong-signer", "reject",
         "intro point 2's auth-key cert is signed by (and names) another key",
         edit=ip_edit(1, "auth-key", cert_item("auth-key", cert(
             TYPE_INTRO_AUTH, ip.auth.pk, OTHER, exp))))
    desc("auth-key-bad-signature", "reject",
         "intro point 2's auth-key cert names the signing key but another key signed it",
         edit=ip_edit(1, "auth-key", cert_item("auth-key", cert(
             TYPE_INTRO_AUTH, ip.auth.pk, SIGNING, exp, sign_with=OTHER))))
    desc("auth-key-signed-by-blinded", "reject",
         "intro point 2's auth-key cert is signed by the blinded key, not the signing key",
         edit=ip_edit(1, "auth-key", cert_item("auth-key", cert(
             TYPE_INTRO_AUTH, ip.auth.pk, BLINDED, exp))))
    desc("auth-key-wrong-type", "reject", "intro point 2's auth-key cert has type 0B",
         edit=ip_edit(1, "auth-key", cert_item("auth-key", cert(
             TYPE_INTRO_ENC, ip.auth.pk, SIGNING, exp))))
    desc("auth-key-expired", "reject", "intro point 2's auth-key cert expired before NOW",
         edit=ip_edit(1, "auth-key", cert_item("auth-key", cert(
             TYPE_INTRO_AUTH, ip.auth.pk, SIGNING, NOW // 3600 - 1))))
    desc("auth-key-critical-ext", "reject",
         "intro point 2's auth-key cert has an unknown affects-validation extension",
         edit=ip_edit(1, "auth-key", cert_item("auth-key", cert(
             TYPE_INTRO_AUTH, ip.auth.pk, SIGNING, exp, extra_exts=[(0x42, 1, b"")]))))
    desc("auth-key-no-ext", "reject",
         "intro point 2's auth-key cert lacks the signed-with-key extension",
         edit=ip_edit(1, "auth-key", cert_item("auth-key", cert(
             TYPE_INTRO_AUTH, ip.auth.pk, SIGNING, exp, ext_key=None))))
    desc("auth-key-truncated", "reject", "intro point 2's auth-key cert cut to 100 bytes",
         edit=ip_edit(1, "auth-key", cert_item("auth-key", cert(
             TYPE_INTRO_AUTH, ip.auth.pk, SIGNING, exp, truncate=100))))
    desc("auth-key-not-a-cert", "reject", "intro point 2's auth-key object is tagged MESSAGE",
         edit=ip_edit(1, "auth-key", "auth-key\n" + pem("MESSAGE", cert(
             TYPE_INTRO_AUTH, ip.auth.pk, SIGNING, exp))))
    desc("enc-key-cert-wrong-type", "reject", "intro point 2's enc-key-cert has type 09",
         edit=ip_edit(1, "enc-key-cert", cert_item("enc-key-cert", cert(
             TYPE_INTRO_AUTH, x25519_to_ed25519(ip.enc_key), SIGNING, exp))))
    desc("enc-key-cert-wrong-signer", "reject",
         "intro point 2's enc-key-cert is signed by another key",
         edit=ip_edit(1, "enc-key-cert", cert_item("enc-key-cert", cert(
             TYPE_INTRO_ENC, x25519_to_ed25519(ip.enc_key), OTHER, exp))))

    def lspec(name, what, block):
        desc(name, "reject", what, edit=ip_edit(1, "introduction-point",
                                                "introduction-point " + b64(block)))
    good = link_specifiers(1)
    lspec("linkspec-overrun", "intro point 2: the last link specifier's length runs past "
          "the block", good[:-1])
    lspec("linkspec-length-overrun", "intro point 2: a link specifier of length 200 in a "
          "60-byte block", good[:1] + bytes([2, 200]) + good[3:])
    lspec("linkspec-nspec-too-big", "intro point 2: NSPEC 5, 3 specifiers",
          bytes([5]) + good[1:])
    lspec("linkspec-nspec-too-small", "intro point 2: NSPEC 1, 3 specifiers (trailing bytes)",
          bytes([1]) + good[1:])
    lspec("linkspec-huge", "intro point 2: a 2001-byte link specifier block (8 x 250 bytes)",
          bytes([8]) + (bytes([9, 248]) + b"L" * 248) * 8)
    lspec("linkspec-empty", "intro point 2: an empty link specifier block", b"")
    desc("linkspec-bad-base64", "reject", "intro point 2: link specifiers not base64",
         edit=ip_edit(1, "introduction-point", "introduction-point AAA*AAA="))
    desc("intro-line-12k", "reject", "intro point 2: a 12 kB introduction-point argument",
         edit=ip_edit(1, "introduction-point", "introduction-point " + b64(b"\x01" * 9000)))
    huge = Desc("intro-line-1m", ips=[IPS[0]])
    huge.ip_items[0]["introduction-point"] = "introduction-point " + b64(b"\x01" * 786432)
    case("intro-line-1m", "inner", "reject", "a 1 MB introduction-point line", huge.inner())
    desc("onion-key-12k", "reject", "intro point 2: a 12 kB onion-key",
         edit=ip_edit(1, "onion-key", "onion-key ntor " + b64(b"k" * 9000)))
    big = Desc("onion-key-100k", ips=[IPS[0]])
    big.ip_items[0]["onion-key"] = "onion-key ntor " + b64(b"k" * 75000)
    case("onion-key-100k", "inner", "reject", "a 100 kB onion-key", big.inner())
    desc("onion-key-short", "reject", "intro point 2: a 31-byte ntor onion-key",
         edit=ip_edit(1, "onion-key", "onion-key ntor " + b64(ip.onion_key[:31])))
    desc("enc-key-long", "reject", "intro point 2: a 33-byte ntor enc-key",
         edit=ip_edit(1, "enc-key", "enc-key ntor " + b64(ip.enc_key + b"\0")))
    desc("onion-key-extra-type", "accept",
         "intro point 2 has an onion-key of an unknown type besides ntor (2.5.2.2: ignored)",
         edit=lambda d: d.ip_items[1].update({"onion-key-2": "onion-key x999 " + b64(b"z" * 40)}))
    desc("enc-key-unknown-type-only", "reject",
         "intro point 2's only enc-key is of an unknown type (no ntor enc-key)",
         edit=ip_edit(1, "enc-key", "enc-key x999 " + b64(ip.enc_key)))
    desc("duplicate-auth-key", "reject", "intro point 2 has auth-key twice",
         edit=lambda d: d.ip_items[1].update({"auth-key-2": d.ip_items[1]["auth-key"]}))
    desc("duplicate-onion-key", "reject", "intro point 2 has two ntor onion-keys",
         edit=lambda d: d.ip_items[1].update({"onion-key-2": d.ip_items[1]["onion-key"]}))
    for kw in ("onion-key", "auth-key", "enc-key", "enc-key-cert"):
        desc("missing-" + kw, "reject", "intro point 3 has no " + kw, edit=ip_edit(2, kw, None))
    desc("missing-create2-formats", "reject", "no create2-formats",
         edit=set_attr(inner_head=["flow-control 1-2 31"]))
    desc("create2-formats-no-ntor", "reject", "create2-formats 3 (2.5.2.2: must list ntor)",
         edit=set_attr(inner_head=["create2-formats 3", "flow-control 1-2 31"]))
    for kw, line in (("create2-formats", "create2-formats 2"),
                     ("intro-auth-required", "intro-auth-required ed25519"),
                     ("single-onion-service", "single-onion-service"),
                     ("flow-control", "flow-control 1-2 31")):
        desc("duplicate-" + kw, "reject", kw + " twice (at most once)",
             edit=set_attr(inner_head=["create2-formats 2", line, line]
                           if kw != "create2-formats" else [line, line]))
    desc("nul-in-inner", "reject",
         "the encrypted plaintext goes on after a NUL byte (a hidden intro point)",
         edit=set_attr(inner_bytes_edit=lambda b: b + b"\0" + inner_text(
             [IPS[0].items()], head=()).encode()))
    desc("inner-control-char", "reject", "a BEL (0x07) in the encrypted layer",
         edit=lambda d: d.inner_head.append("x-bell \x07"))
    desc("inner-non-utf8", "reject", "a lone continuation byte 0x80 in the encrypted layer",
         edit=lambda d: d.inner_head.append("x-bin \x80"))
    desc("inner-overlong-utf8", "reject", "an overlong UTF-8 sequence (0xc0 0xaf) in the "
         "encrypted layer", edit=lambda d: d.inner_head.append("x-bin \xc0\xaf"))


def control_record():
    rec = [("identity_pk", IDENTITY.pk), ("time", i8(NOW)), ("time_period", i8(TP)),
           ("blinded_pk", BLINDED.pk), ("signing_pk", SIGNING.pk),
           ("signing_cert_expiration", i8(cert_expiry())), ("revision_counter", i8(REVISION)),
           ("lifetime", i8(180)), ("n_intro_points", i8(len(IPS)))]
    for ip in IPS:
        rec += [("ip%d_link_specifiers" % ip.i, ip.link_specifiers),
                ("ip%d_onion_key" % ip.i, ip.onion_key),
                ("ip%d_auth_key" % ip.i, ip.auth.pk),
                ("ip%d_enc_key" % ip.i, ip.enc_key)]
    return rec


def main():
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("--now", type=int, default=NOW)
    ap.add_argument("--period-length", type=int, default=PERIOD_LENGTH)
    ap.add_argument("--rotation-offset", type=int, default=ROTATION_OFFSET)
    ap.add_argument("--revision", type=int, default=REVISION)
    ap.add_argument("outdir")
    args = ap.parse_args()
    set_clock(args.now, args.period_length, args.rotation_offset, args.revision)
    out = args.outdir
    os.makedirs(out, exist_ok=True)
    build_cases()
    names = [c[0] for c in CASES]
    assert len(names) == len(set(names))
    for name, layer, expect, what, data in CASES:
        with open(os.path.join(out, "%s.%s" % (name, layer)), "wb") as f:
            f.write(data)
    with open(os.path.join(out, "cases.txt"), "w") as f:
        f.write("# Generated by tests/vectors/gen/gen_bad_descriptors.py; do not edit.\n"
                "# NAME LAYER EXPECT DESCRIPTION (file NAME.LAYER; desc = a whole descriptor,\n"
                "# middle / inner = the plaintext of the superencrypted / encrypted layer)\n")
        for name, layer, expect, what, data in CASES:
            f.write("%s %s %s %s\n" % (name, layer, expect, what))
    with open(os.path.join(out, "control.txt"), "w") as f:
        f.write("# Generated by tests/vectors/gen/gen_bad_descriptors.py: what control.desc\n"
                "# holds (integers 8-byte big-endian); do not edit.\n\n")
        for k, v in control_record():
            f.write("%s = %s\n" % (k, v.hex()))


if __name__ == "__main__":
    main()
