#!/usr/bin/python3
"""Known answers for onion service client authorization (rend-spec-v3
2.5.1.2, 2.5.2.1, appendix G) from code independent of ours: Python's
hashlib (SHAKE-256, SHA3-256), python3-cryptography (X25519, AES-256-CTR)
and stem 1.8.1 (the outer descriptor layer and the inner layer's syntax),
written from the spec text.

    /usr/bin/python3 tests/vectors/gen/gen_hs_auth.py tests/vectors/hs

writes hs_client_auth.txt (format of tests/vectors/*.txt): per record a
client's x25519 secret key, a descriptor's ephemeral key pair, a
subcredential, and what the client computes:
    SECRET_SEED = X25519(client_sk, ephemeral_pk)
    KEYS = SHAKE-256(subcredential | SECRET_SEED)[0..40)
         = CLIENT-ID (8) | COOKIE-KEY (32)
    encrypted_cookie = AES-256-CTR(COOKIE-KEY, iv) XOR descriptor_cookie
(real tor 0.4.9's descriptor cookie has 16 bytes, where the spec says 32:
the records alternate),
and the inner-layer keys with the cookie:
    SHAKE-256(blinded_pk | cookie | subcredential | INT_8(rev) | salt |
              "hsdir-encrypted-data")[0..80).
Inputs come from fixed labels: the output is reproducible.

    /usr/bin/python3 tests/vectors/gen/gen_hs_auth.py --capture OUTDIR

starts a private network of real tor (scripts/testnet: 3 authorities, 5
relays, client0), adds a real tor onion service authhs0 whose
authorized_clients/ holds alice.auth and bob.auth (keys from fixed labels),
and records in OUTDIR: desc.txt (the descriptor client0 fetched with
HSFETCH, from HS_DESC_CONTENT), hostname, and control.txt (what real
tor's control port answered: ONION_CLIENT_AUTH_ADD after a SOCKS request
that failed for want of the key, VIEW, REMOVE).

    /usr/bin/python3 tests/vectors/gen/gen_hs_auth.py --control OUTFILE

runs real tor (/usr/bin/tor, DisableNetwork 1, a ClientOnionAuthDir, a
ControlPort without authentication) and records, in the format of
tests/vectors/control/real_tor/ (C:/S: lines, F: for the files the
directory holds after a command), what it answers to ONION_CLIENT_AUTH_ADD,
_VIEW and _REMOVE with good and bad arguments (addresses and keys from
fixed labels) -- tests/vectors/control/real_tor/onion_client_auth.txt.

    /usr/bin/python3 tests/vectors/gen/gen_hs_auth.py --describe DIR OUTFILE

decrypts DIR/desc.txt as alice, as bob and as a stranger with the code
here and writes what the unit tests expect (tests/vectors/hs/
realtor_auth_desc.txt)."""

import base64
import hashlib
import os
import socket
import struct
import sys
import time

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import x25519
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))

CLIENTS = ("alice", "bob")


def det(label, n=32):
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(b"%s/%d" % (label.encode(), i)).digest()
        i += 1
    return out[:n]


def x_pub(sk):
    k = x25519.X25519PrivateKey.from_private_bytes(sk)
    return k.public_key().public_bytes(serialization.Encoding.Raw,
                                       serialization.PublicFormat.Raw)


def x_dh(sk, pk):
    k = x25519.X25519PrivateKey.from_private_bytes(sk)
    return k.exchange(x25519.X25519PublicKey.from_public_bytes(pk))


def aes_ctr(key, iv, data):
    c = Cipher(algorithms.AES(key), modes.CTR(iv)).encryptor()
    return c.update(data) + c.finalize()


def client_keys(subcred, client_sk, eph_pk):
    seed = x_dh(client_sk, eph_pk)
    keys = hashlib.shake_256(subcred + seed).digest(40)
    return seed, keys[:8], keys[8:]


def client_sk_of(name):
    return det("hs-client-auth/" + name)


def b64d(s):
    return base64.b64decode(s + "=" * (-len(s) % 4))


def b32(b):
    return base64.b32encode(b).decode().rstrip("=")


def write(path, header, records):
    with open(path, "w") as f:
        f.write(header)
        for rec in records:
            f.write("\n")
            for k, v in rec:
                f.write("%s = %s\n" % (k, v.hex()))


# ---------------------------------------------------------------------------
# Known answers

def kat_records():
    recs = []
    for i in range(4):
        client_sk = det("kat/client/%d" % i)
        eph_sk = det("kat/ephemeral/%d" % i)
        eph_pk = x_pub(eph_sk)
        subcred = det("kat/subcred/%d" % i)
        # real tor's cookies are 16 bytes (the spec says 32): both
        cookie = det("kat/cookie/%d" % i, 16 if i % 2 == 0 else 32)
        iv = det("kat/iv/%d" % i, 16)
        seed, cid, ckey = client_keys(subcred, client_sk, eph_pk)
        # the service's side gives the same seed
        assert seed == x_dh(eph_sk, x_pub(client_sk))
        enc = aes_ctr(ckey, iv, cookie)
        blinded = det("kat/blinded/%d" % i)
        rev = 1000 + i
        salt = det("kat/salt/%d" % i, 16)
        k = hashlib.shake_256(blinded + cookie + subcred + struct.pack(">Q", rev) + salt +
                              b"hsdir-encrypted-data").digest(80)
        # the inner layer under that cookie: SALT | AES-256-CTR | SHA3-256 MAC
        plain = b"create2-formats 2\nintroduction-point AQAGfwAAAQG7\n" + bytes([i]) * (37 * i)
        ct = aes_ctr(k[:32], k[32:48], plain)
        mac = hashlib.sha3_256(struct.pack(">Q", 32) + k[48:] + struct.pack(">Q", 16) + salt +
                               ct).digest()
        recs.append([("client_sk", client_sk), ("client_pk", x_pub(client_sk)),
                     ("ephemeral_pk", eph_pk), ("subcredential", subcred),
                     ("secret_seed", seed), ("client_id", cid), ("cookie_key", ckey),
                     ("iv", iv), ("descriptor_cookie", cookie), ("encrypted_cookie", enc),
                     ("blinded_pk", blinded), ("revision_counter", struct.pack(">Q", rev)),
                     ("salt", salt), ("layer_key", k[:32]), ("layer_iv", k[32:48]),
                     ("layer_mac_key", k[48:]), ("plaintext", plain),
                     ("blob", salt + ct + mac)])
    return recs


# ---------------------------------------------------------------------------
# Decrypting a real descriptor

def inner_decrypt(blob, blinded, cookie, subcred, rev):
    salt, ct, mac = blob[:16], blob[16:-32], blob[-32:]
    k = hashlib.shake_256(blinded + cookie + subcred + struct.pack(">Q", rev) + salt +
                          b"hsdir-encrypted-data").digest(80)
    want = hashlib.sha3_256(struct.pack(">Q", 32) + k[48:] + struct.pack(">Q", 16) + salt +
                            ct).digest()
    if want != mac:
        return None
    return aes_ctr(k[:32], k[32:48], ct)


def describe(capdir, outfile):
    import calendar
    import stem.descriptor.hidden_service as H
    text = open(os.path.join(capdir, "desc.txt")).read()
    addr = open(os.path.join(capdir, "hostname")).read().strip()
    d = H.HiddenServiceDescriptorV3(text, validate=True)
    blinded = d.signing_cert.signing_key()
    ident = H.HiddenServiceDescriptorV3.identity_key_from_address(addr)
    subcred = H.HiddenServiceDescriptorV3._subcredential(ident, blinded)
    outer = H._decrypt_layer(d.superencrypted, b"hsdir-superencrypted-data",
                             d.revision_counter, subcred, blinded)
    eph = None
    lines = []
    blob = None
    olines = outer.split("\n")
    for i, l in enumerate(olines):
        f = l.split()
        if f and f[0] == "desc-auth-ephemeral-key":
            eph = b64d(f[1])
        elif f and f[0] == "auth-client":
            lines.append((b64d(f[1]), b64d(f[2]), b64d(f[3])))
        elif f and f[0] == "encrypted":
            body = "".join(x for x in olines[i + 2:] if not x.startswith("-----END"))
            blob = base64.b64decode(body.split("-----")[0])
    assert eph and blob and lines
    exp_hours = int(calendar.timegm(d.signing_cert.expiration.timetuple()) // 3600)
    recs = []
    cookies = []
    for name in CLIENTS + ("stranger",):
        sk = client_sk_of(name)
        _, cid, ckey = client_keys(subcred, sk, eph)
        match = [x for x in lines if x[0] == cid]
        rec = [("client", name.encode()), ("client_sk", sk), ("client_id", cid),
               ("cookie_key", ckey), ("matches", bytes([len(match)]))]
        if match:
            cookie = aes_ctr(ckey, match[0][1], match[0][2])
            cookies.append(cookie)
            plain = inner_decrypt(blob, blinded, cookie, subcred, d.revision_counter)
            assert plain is not None, name
            inner = H.InnerLayer(plain.rstrip(b"\0").decode())
            rec += [("descriptor_cookie", cookie),
                    ("n_intro_points", struct.pack(">Q", len(inner.introduction_points)))]
            for j, ip in enumerate(inner.introduction_points):
                rec += [("ip%d_link_specifiers" % j,
                         bytes([len(ip.link_specifiers)]) +
                         b"".join(x.pack() for x in ip.link_specifiers)),
                        ("ip%d_onion_key" % j, base64.b64decode(ip.onion_key_raw)),
                        ("ip%d_auth_key" % j, ip.auth_key_cert.key),
                        ("ip%d_enc_key" % j, base64.b64decode(ip.enc_key_raw))]
        recs.append(rec)
    # every authorized client finds the same cookie; without it the inner
    # layer does not decrypt
    assert len(cookies) == len(CLIENTS) and len(set(cookies)) == 1
    assert inner_decrypt(blob, blinded, b"", subcred, d.revision_counter) is None
    head = [("file", b"desc.txt"), ("revision_counter", struct.pack(">Q", d.revision_counter)),
            ("blinded_pk", blinded), ("signing_cert_expiration", struct.pack(">Q", exp_hours)),
            ("ephemeral_pk", eph), ("n_auth_clients", struct.pack(">Q", len(lines))),
            ("encrypted_cookie_len", struct.pack(">Q", len(lines[0][2])))]
    write(outfile, "# A descriptor of real tor 0.4.9.11 with client authorization (alice and\n"
          "# bob), decrypted by tests/vectors/gen/gen_hs_auth.py --describe (hashlib,\n"
          "# python3-cryptography, stem): first the descriptor, then per client.\n",
          [head] + recs)


# ---------------------------------------------------------------------------
# Capture from real tor

def capture(outdir):
    sys.path.insert(0, os.path.join(REPO, "tests", "integration"))
    import testnet
    from stem.control import Controller, EventType
    os.makedirs(outdir, exist_ok=True)
    log = []
    with testnet.start(relays=5, clients=1, onion_services=0) as net:
        n = net.add_node("hs", name="authhs0", binary="real", start=False)
        hsdir = os.path.join(n["datadir"], "hs")
        os.makedirs(os.path.join(hsdir, "authorized_clients"), mode=0o700, exist_ok=True)
        os.chmod(hsdir, 0o700)
        for name in CLIENTS:
            with open(os.path.join(hsdir, "authorized_clients", name + ".auth"), "w") as f:
                f.write("descriptor:x25519:%s\n" % b32(x_pub(client_sk_of(name))))
        net._launch(n)
        net.save()
        net.wait(180, names=["authhs0"], stop_on_failure=False)
        net.wait_for_log("authhs0", r"upload_descriptor_to_hsdir\(\)", which="info", timeout=180)
        time.sleep(5)
        onion = net.onion("authhs0")
        addr = onion[:-len(".onion")]
        with open(os.path.join(outdir, "hostname"), "w") as f:
            f.write(onion + "\n")
        # A SOCKS request without the key: F4, and the descriptor is cached.
        code = None
        for _ in range(20):
            s = socket.create_connection(("127.0.0.1", net.socks_port("client0")), timeout=150)
            s.sendall(b"\x05\x01\x00")
            s.recv(2)
            h = onion.encode()
            s.sendall(b"\x05\x01\x00\x03" + bytes([len(h)]) + h + (80).to_bytes(2, "big"))
            r = s.recv(10)
            s.close()
            code = r[1] if len(r) > 1 else None
            if code != 0xF0:
                break
            time.sleep(5)
        log.append("SOCKS without key: %r" % code)
        got = []
        with Controller.from_port(port=net.control_port("client0")) as c:
            c.authenticate()

            def raw(cmd):
                r = c.msg(cmd)
                log.append("C: " + cmd.replace(base64.b64encode(client_sk_of("alice")).decode(),
                                               "<alice>"))
                for code, div, content in r.content():
                    log.append("S: %s%s%s" % (code, div, content))
            raw("ONION_CLIENT_AUTH_ADD %s x25519:%s" %
                (addr, base64.b64encode(client_sk_of("alice")).decode()))
            raw("ONION_CLIENT_AUTH_VIEW %s" % addr)
            c.add_event_listener(lambda e: got.append(e), EventType.HS_DESC_CONTENT)
            deadline = time.monotonic() + 120
            while not got and time.monotonic() < deadline:
                c.msg("HSFETCH %s" % addr)
                t = time.monotonic()
                while not got and time.monotonic() - t < 20:
                    time.sleep(0.5)
            raw("ONION_CLIENT_AUTH_REMOVE %s" % addr)
            raw("ONION_CLIENT_AUTH_VIEW")
        if not got:
            raise SystemExit("no HS_DESC_CONTENT from client0")
        with open(os.path.join(outdir, "desc.txt"), "w") as f:
            f.write(str(got[0].descriptor))
    with open(os.path.join(outdir, "control.txt"), "w") as f:
        f.write("\n".join(log) + "\n")
    print("\n".join(log))


def onion_of(pk):
    check = hashlib.sha3_256(b".onion checksum" + pk + b"\x03").digest()[:2]
    return base64.b32encode(pk + check + b"\x03").decode().lower()


def ed_pub(seed):
    from cryptography.hazmat.primitives.asymmetric import ed25519
    k = ed25519.Ed25519PrivateKey.from_private_bytes(seed)
    return k.public_key().public_bytes(serialization.Encoding.Raw,
                                       serialization.PublicFormat.Raw)


def control_transcript(outfile):
    import shutil
    import subprocess
    import tempfile
    A = onion_of(ed_pub(det("control/service/a")))
    B = onion_of(ed_pub(det("control/service/b")))
    ka = base64.b64encode(det("control/key/a")).decode()
    kb = base64.b64encode(det("control/key/b")).decode()
    cmds = [
        "ONION_CLIENT_AUTH_ADD %s x25519:%s" % (A, ka),
        "ONION_CLIENT_AUTH_ADD %s x25519:%s" % (A, kb),
        "ONION_CLIENT_AUTH_ADD %s.onion x25519:%s" % (B, ka),
        "ONION_CLIENT_AUTH_ADD %s x25519:%s" % ("a" * 56, ka),
        "ONION_CLIENT_AUTH_ADD %s ed25519:%s" % (B, ka),
        "ONION_CLIENT_AUTH_ADD %s x25519:%s" % (B, ka[:-4]),
        "ONION_CLIENT_AUTH_ADD %s x25519:!!!!" % B,
        "ONION_CLIENT_AUTH_ADD %s x25519%s" % (B, ka),
        "ONION_CLIENT_AUTH_ADD %s" % B,
        "ONION_CLIENT_AUTH_ADD",
        "ONION_CLIENT_AUTH_ADD %s x25519:%s" % (B, base64.b64encode(bytes(32)).decode()),
        "ONION_CLIENT_AUTH_ADD %s x25519:%s ClientName=bob" % (B, ka),
        "ONION_CLIENT_AUTH_ADD %s x25519:%s Flags=Bogus" % (B, ka),
        "ONION_CLIENT_AUTH_ADD %s x25519:%s Foo=bar" % (B, ka),
        "ONION_CLIENT_AUTH_ADD %s x25519:%s extra" % (B, ka),
        "ONION_CLIENT_AUTH_ADD %s x25519:%s ClientName=\"a b\"" % (B, ka),
        "ONION_CLIENT_AUTH_ADD %s X25519:%s" % (B, kb.rstrip("=")),
        "ONION_CLIENT_AUTH_ADD %s x25519:%s ClientName=carol Flags=Permanent" % (B, kb),
        "ONION_CLIENT_AUTH_VIEW",
        "ONION_CLIENT_AUTH_VIEW %s" % A,
        "ONION_CLIENT_AUTH_VIEW %s.onion" % A,
        "ONION_CLIENT_AUTH_VIEW %s" % ("a" * 56),
        "ONION_CLIENT_AUTH_VIEW %s %s" % (A, B),
        "ONION_CLIENT_AUTH_VIEW %s" % onion_of(ed_pub(det("control/service/c"))),
        "ONION_CLIENT_AUTH_REMOVE %s" % A,
        "ONION_CLIENT_AUTH_REMOVE %s" % A,
        "ONION_CLIENT_AUTH_REMOVE %s.onion" % B,
        "ONION_CLIENT_AUTH_REMOVE",
        "ONION_CLIENT_AUTH_REMOVE %s extra" % B,
        "ONION_CLIENT_AUTH_REMOVE %s" % B,
        "ONION_CLIENT_AUTH_VIEW",
        "ONION_CLIENT_AUTH_ADD %s x25519:%s flags=permanent" % (A, ka),
    ]
    d = tempfile.mkdtemp(prefix="authctl-")
    os.makedirs(d + "/auth", mode=0o700)
    os.makedirs(d + "/data", mode=0o700)
    port = 19000 + os.getpid() % 1000
    with open(d + "/torrc", "w") as f:
        f.write("DataDirectory %s/data\nDisableNetwork 1\nSocksPort 0\n"
                "ControlPort 127.0.0.1:%d\nClientOnionAuthDir %s/auth\n"
                "Log notice file %s/notice.log\n" % (d, port, d, d))
    p = subprocess.Popen(["/usr/bin/tor", "-f", d + "/torrc"], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    out = ["# onion_client_auth (real tor %s, DisableNetwork 1, ClientOnionAuthDir set; "
           "tests/vectors/gen/gen_hs_auth.py --control)" %
           subprocess.run(["/usr/bin/tor", "--version"], capture_output=True,
                          text=True).stdout.split()[2].rstrip("."),
           "# F: lines list the files of ClientOnionAuthDir after a command (name mode content)"]
    try:
        for _ in range(50):
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=5)
                break
            except OSError:
                time.sleep(0.2)
        files_before = []
        for c in ["AUTHENTICATE"] + cmds:
            s.sendall(c.encode() + b"\r\n")
            out.append("C: " + c)
            buf = b""
            # tor sometimes sends two replies to one command: wait a little
            time.sleep(0.3)
            s.setblocking(False)
            try:
                while True:
                    x = s.recv(65536)
                    if not x:
                        break
                    buf += x
            except BlockingIOError:
                pass
            s.setblocking(True)
            out += ["S: " + l for l in buf.decode().split("\r\n")[:-1]]
            files = []
            for fn in sorted(os.listdir(d + "/auth")):
                st = os.stat(d + "/auth/" + fn)
                files.append("F: %s %o %r" % (fn, st.st_mode & 0o7777,
                                              open(d + "/auth/" + fn).read()))
            if files != files_before:
                out += files or ["F: (none)"]
                files_before = files
        s.close()
    finally:
        p.terminate()
        p.wait()
        shutil.rmtree(d, ignore_errors=True)
    with open(outfile, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--control":
        control_transcript(sys.argv[2])
        return
    if len(sys.argv) == 3 and sys.argv[1] == "--capture":
        capture(sys.argv[2])
        return
    if len(sys.argv) == 4 and sys.argv[1] == "--describe":
        describe(sys.argv[2], sys.argv[3])
        return
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    write(os.path.join(sys.argv[1], "hs_client_auth.txt"),
          "# Client authorization known answers (tests/vectors/gen/gen_hs_auth.py):\n"
          "# X25519 by python3-cryptography, SHAKE-256 by hashlib, AES-256-CTR by\n"
          "# python3-cryptography; integers 8-byte big-endian.\n", kat_records())


if __name__ == "__main__":
    main()
