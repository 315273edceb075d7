#!/usr/bin/python3
"""Our v3 onion service descriptors against stem 1.8.1 (an independent
implementation), through tests/tools/hsdesc_tool:

  * a descriptor built by our code is parsed, signature-checked and
    decrypted by stem with the onion address, and every field is compared
    with what we put in; the layers are checked as real tor writes them
    (10000-byte padding, 16 auth-client lines, type 0B key = the
    Montgomery->Edwards map of enc-key with sign bit 0);
  * a descriptor built by stem is parsed and decrypted by our code, and
    every field is compared with stem's;
  * real tor accepts ours: on the shared private network (testnet), real
    tor uploads our descriptor with HSPOST (its HSDirs check the outer
    layer and refuse bad ones), then a real tor client fetches it, decrypts
    and parses it (HS_DESC RECEIVED, not FAILED BAD_DESC).

The first two need no network. Run: /usr/bin/python3 tests/integration/test_hs_desc.py
(or through tests/integration/run). The blinding factor is computed here
from rend-spec-v3 appendix A with hashlib; stem does the blinding."""

import base64
import hashlib
import os
import subprocess
import unittest

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

import stem.client.datatype as dt
import stem.descriptor.hidden_service as hs

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(REPO, "tests", "tools", "hsdesc_tool")
P = 2 ** 255 - 19


def det(label, n=32):
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(b"%s/%d" % (label.encode(), i)).digest()
        i += 1
    return out[:n]


def expanded(seed):
    h = bytearray(hashlib.sha512(seed).digest())
    h[0] &= 248
    h[31] &= 63
    h[31] |= 64
    return bytes(h)


def raw_pub(key):
    return key.public_key().public_bytes(serialization.Encoding.Raw,
                                         serialization.PublicFormat.Raw)


def blinding_factor(pk, tp, plen):
    # rend-spec-v3 appendix A.2
    b = (b"(15112221349535400772501151409588531511454012693041857206046113283949847762202, "
         b"46316835694926478169428394003475163141307993866256225615783033603165251855960)")
    return hashlib.sha3_256(b"Derive temporary signing key\0" + pk + b + b"key-blind" +
                            tp.to_bytes(8, "big") + plen.to_bytes(8, "big")).digest()


def mont_to_edwards(u):
    u = int.from_bytes(u, "little") & ((1 << 255) - 1)
    y = (u - 1) * pow(u + 1, P - 2, P) % P
    return y.to_bytes(32, "little")


def link_specifiers(i):
    specs = [dt.LinkByIPv4("127.0.0.%d" % (i + 1), 5000 + i),
             dt.LinkByFingerprint(det("fp%d" % i, 20)),
             dt.LinkByEd25519(det("ed%d" % i))]
    return specs, bytes([len(specs)]) + b"".join(s.pack() for s in specs)


def tool(*args, stdin=None):
    r = subprocess.run([TOOL] + list(args), input=stdin, capture_output=True)
    if r.returncode != 0:
        raise AssertionError("hsdesc_tool %s: %s" % (args[0], r.stderr.decode()))
    return r.stdout


class OursToStem(unittest.TestCase):
    def test_stem_decrypts_ours(self):
        id_seed, sign_seed = det("id-seed"), det("sign-seed")
        id_priv = Ed25519PrivateKey.from_private_bytes(id_seed)
        id_pk = raw_pub(id_priv)
        address = hs.HiddenServiceDescriptorV3.address_from_identity_key(id_pk, suffix=False)
        sign_pk = raw_pub(Ed25519PrivateKey.from_private_bytes(sign_seed))
        tp, plen, rev = 20412, 1440, 123456789
        intros = []
        args = ["build", "--identity-esk", expanded(id_seed).hex(),
                "--signing-esk", expanded(sign_seed).hex(), "--tp", str(tp),
                "--period-length", str(plen), "--revision", str(rev),
                "--now", "1763700000", "--flow-control", "1-2 31"]
        for i in range(3):
            _, block = link_specifiers(i)
            onion = raw_pub(X25519PrivateKey.from_private_bytes(det("onion%d" % i)))
            auth = raw_pub(Ed25519PrivateKey.from_private_bytes(det("auth%d" % i)))
            enc = raw_pub(X25519PrivateKey.from_private_bytes(det("enc%d" % i)))
            intros.append((block, onion, auth, enc))
            args += ["--intro", ":".join(x.hex() for x in (block, onion, auth, enc))]
        text = tool(*args)
        self.assertFalse(text.endswith(b"\n"))

        # stem checks the signing-key cert (by the blinded key) and the
        # descriptor signature while parsing with validate=True.
        desc = hs.HiddenServiceDescriptorV3(text, validate=True)
        self.assertEqual(desc.version, 3)
        self.assertEqual(desc.lifetime, 180)
        self.assertEqual(desc.revision_counter, rev)
        self.assertEqual(desc.signing_cert.pack()[1], 0x08)
        self.assertEqual(desc.signing_cert.key, sign_pk)
        blinded = hs._blinded_pubkey(id_pk, blinding_factor(id_pk, tp, plen))
        self.assertEqual(desc.signing_cert.signing_key(), blinded)
        # certificates expire 54 hours after --now, rounded up to the hour
        self.assertEqual(desc.signing_cert.expiration.timestamp(),
                         -(-(1763700000 + 54 * 3600) // 3600) * 3600)

        inner = desc.decrypt(address)
        self.assertEqual(inner.formats, [2])
        self.assertEqual(len(inner.introduction_points), 3)
        for ip, (block, onion, auth, enc) in zip(inner.introduction_points, intros):
            self.assertEqual(b"".join(s.pack() for s in ip.link_specifiers), block[1:])
            self.assertEqual(base64.b64decode(ip.onion_key_raw), onion)
            self.assertEqual(base64.b64decode(ip.enc_key_raw), enc)
            self.assertEqual(ip.auth_key_cert.pack()[1], 0x09)
            self.assertEqual(ip.auth_key_cert.key, auth)
            self.assertEqual(ip.auth_key_cert.signing_key(), sign_pk)
            self.assertEqual(ip.enc_key_cert.pack()[1], 0x0B)
            self.assertEqual(ip.enc_key_cert.key, mont_to_edwards(enc))
            self.assertEqual(ip.enc_key_cert.signing_key(), sign_pk)

        # the layers as real tor writes them
        sub = hs.HiddenServiceDescriptorV3._subcredential(id_pk, blinded)
        middle = hs._decrypt_layer(desc.superencrypted, b"hsdir-superencrypted-data",
                                   rev, sub, blinded)
        self.assertEqual(len(middle) % 10000, 0)
        text_mid = middle.rstrip("\0")
        self.assertTrue(text_mid.startswith("desc-auth-type x25519\ndesc-auth-ephemeral-key "))
        self.assertEqual(text_mid.count("\nauth-client "), 16)
        self.assertTrue(text_mid.endswith("-----END MESSAGE-----"))
        outer = hs.OuterLayer(middle)
        plain = hs._decrypt_layer(outer.encrypted, b"hsdir-encrypted-data", rev, sub, blinded)
        self.assertTrue(plain.startswith("create2-formats 2\nflow-control 1-2 31\n"
                                         "introduction-point "))


class StemToOurs(unittest.TestCase):
    def test_we_decrypt_stems(self):
        id_priv = Ed25519PrivateKey.from_private_bytes(det("stem-id"))
        sign_priv = Ed25519PrivateKey.from_private_bytes(det("stem-sign"))
        id_pk = raw_pub(id_priv)
        address = hs.HiddenServiceDescriptorV3.address_from_identity_key(id_pk, suffix=False)
        h = blinding_factor(id_pk, 20000, 1440)
        intros = []
        for i in range(2):
            specs, block = link_specifiers(i)
            intros.append((block, hs.IntroductionPointV3.create_for_link_specifiers(
                specs, onion_key=X25519PrivateKey.from_private_bytes(det("so%d" % i)),
                enc_key=X25519PrivateKey.from_private_bytes(det("se%d" % i)),
                auth_key=Ed25519PrivateKey.from_private_bytes(det("sa%d" % i)),
                signing_key=sign_priv)))
        inner = hs.InnerLayer.create(introduction_points=[ip for _, ip in intros])
        text = hs.HiddenServiceDescriptorV3.content(
            inner_layer=inner, identity_key=id_priv, signing_key=sign_priv,
            revision_counter=42, blinding_nonce=h)
        out = tool("parse", address, stdin=text).decode()
        fields = [l.split(" ", 1) for l in out.splitlines()]
        get = dict(fields)
        self.assertEqual(get["revision-counter"], "42")
        self.assertEqual(get["lifetime"], "180")
        self.assertEqual(get["blinded-key"], hs._blinded_pubkey(id_pk, h).hex())
        self.assertEqual(get["signing-key"], raw_pub(sign_priv).hex())
        self.assertEqual(get["create2-ntor"], "1")
        lspecs = [v for k, v in fields if k == "intro-link-specifiers"]
        self.assertEqual(lspecs, [b.hex() for b, _ in intros])
        self.assertEqual([v for k, v in fields if k == "intro-onion-key"],
                         [base64.b64decode(ip.onion_key_raw).hex() for _, ip in intros])
        self.assertEqual([v for k, v in fields if k == "intro-enc-key"],
                         [base64.b64decode(ip.enc_key_raw).hex() for _, ip in intros])
        self.assertEqual([v for k, v in fields if k == "intro-auth-key"],
                         [ip.auth_key_cert.key.hex() for _, ip in intros])

    def test_wrong_address_fails(self):
        id_priv = Ed25519PrivateKey.from_private_bytes(det("stem-id"))
        other = raw_pub(Ed25519PrivateKey.from_private_bytes(det("other")))
        text = hs.HiddenServiceDescriptorV3.content(
            identity_key=id_priv, revision_counter=1,
            blinding_nonce=blinding_factor(raw_pub(id_priv), 1, 1440))
        addr = hs.HiddenServiceDescriptorV3.address_from_identity_key(other, suffix=False)
        r = subprocess.run([TOOL, "parse", addr], input=text, capture_output=True)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(b"bad MAC", r.stderr)


class RealTorAcceptsOurs(unittest.TestCase):
    def test_real_tor_client_fetches_ours(self):
        import calendar
        import sys
        import threading
        import time
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import testnet
        from stem.control import Controller, EventType

        net = testnet.session()
        id_seed, sign_seed = os.urandom(32), os.urandom(32)
        id_pk = raw_pub(Ed25519PrivateKey.from_private_bytes(id_seed))
        address = hs.HiddenServiceDescriptorV3.address_from_identity_key(id_pk, suffix=False)
        got = {"received": threading.Event(), "failed": [], "content": []}

        def on_event(ev):
            if ev.type == "HS_DESC_CONTENT":
                if ev.address == address and ev.descriptor:
                    got["content"].append(str(ev.descriptor))
            elif ev.address == address and ev.action == "RECEIVED":
                got["received"].set()
            elif ev.address == address and ev.action == "FAILED":
                got["failed"].append(ev.reason)

        with Controller.from_port(port=net.control_port("client0")) as c:
            c.authenticate()
            c.add_event_listener(on_event, EventType.HS_DESC, EventType.HS_DESC_CONTENT)

            def ts(key):
                return calendar.timegm(time.strptime(c.get_info(key), "%Y-%m-%d %H:%M:%S"))
            va = ts("consensus/valid-after")
            voting = ts("consensus/fresh-until") - va
            # TestingTorNetwork: periods of one SRV run, offset 12 votes
            plen, offset = 24 * voting // 60, 12 * voting // 60
            tp = (va // 60 - offset) // plen
            onion = raw_pub(X25519PrivateKey.generate())
            enc = raw_pub(X25519PrivateKey.generate())
            auth = raw_pub(Ed25519PrivateKey.generate())
            _, block = link_specifiers(0)
            ours = []
            for t in (tp, tp + 1):   # in case a period starts meanwhile
                now = int(time.time())
                text = tool("build", "--identity-esk", expanded(id_seed).hex(),
                            "--signing-esk", expanded(sign_seed).hex(), "--tp", str(t),
                            "--period-length", str(plen), "--revision", str(now),
                            "--now", str(now), "--flow-control", "1-2 31",
                            "--intro", ":".join(x.hex() for x in (block, onion, auth, enc)))
                ours.append(text.decode())
                reply = c.msg("HSPOST HSADDRESS=%s\r\n%s\r\n." % (address, text.decode()))
                self.assertTrue(reply.is_ok(), str(reply))
            deadline = time.time() + 90
            while not got["received"].is_set() and time.time() < deadline:
                time.sleep(5)   # let the uploads land, then ask
                c.msg("HSFETCH %s" % address)
                got["received"].wait(10)
            self.assertTrue(got["received"].is_set(),
                            "real tor did not receive our descriptor: %s" % got["failed"])
            self.assertNotIn("BAD_DESC", got["failed"])
            # tor sends HS_DESC RECEIVED before HS_DESC_CONTENT: wait for the latter
            deadline = time.time() + 20
            while not got["content"] and time.time() < deadline:
                time.sleep(0.2)
            self.assertTrue(got["content"], "no HS_DESC_CONTENT event after RECEIVED")
            self.assertTrue(any(t.strip() in ours for t in got["content"]),
                            "real tor returned a descriptor that is not ours")


if __name__ == "__main__":
    unittest.main(verbosity=2)
