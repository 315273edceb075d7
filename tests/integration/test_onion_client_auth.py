"""Client authorization (rend-spec-v3 2.5.1.2, appendix G; ClientOnionAuthDir,
ONION_CLIENT_AUTH_*) against a real tor onion service whose
authorized_clients/ names alice and bob.

Our client with alice's key in its ClientOnionAuthDir pulls bytes,
byte-exact, from the service's echo and HTTP targets. Another client of
ours, with an empty ClientOnionAuthDir, gets SOCKS5 0xF4 (missing client
authorization); after ONION_CLIENT_AUTH_ADD of a key the service does not
know, 0xF5 (wrong client authorization); after ONION_CLIENT_AUTH_ADD of
bob's key (replies as real tor's: 250 / 252), the service answers, without
a restart; Flags=Permanent writes <address>.auth_private. A real tor
client (SocksPort ExtendedErrors) does the same steps and must give the
same SOCKS codes and control replies. The HSDirs, intro and rendezvous
points are real tor, and none of them warns about us. Every SOCKS request
is bounded (the client gives up after 120 s)."""

import base64
import os
import re
import socket
import time
import unittest

import testnet

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import x25519

net = None
t0 = None
SERVICE = "authhs1"
KEYED = "ourauthclient0"      # ours, alice's key in ClientOnionAuthDir
BARE = "ourauthclient1"       # ours, empty ClientOnionAuthDir
REAL = "realauthclient0"      # real tor, empty ClientOnionAuthDir, ExtendedErrors
ADDED = []
auth_dirs = {}
real_socks = None


def keypair():
    sk = x25519.X25519PrivateKey.generate()
    raw = sk.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                           serialization.NoEncryption())
    pub = sk.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw, pub


ALICE, ALICE_PUB = keypair()
BOB, BOB_PUB = keypair()
STRANGER, _ = keypair()


def b32(b):
    return base64.b32encode(b).decode().rstrip("=")


def b64(b):
    return base64.b64encode(b).decode()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def onion():
    return net.onion(SERVICE)


def addr():
    return onion()[:-len(".onion")]


def setUpModule():
    global net, t0, real_socks
    net = testnet.session()
    if not os.path.exists(testnet.OUR_TOR):
        raise unittest.SkipTest("src/app/tor is not built")
    t0 = time.time()
    n = net.add_node("hs", name=SERVICE, binary="real", start=False)
    ADDED.append(SERVICE)
    hsdir = os.path.join(n["datadir"], "hs")
    os.makedirs(os.path.join(hsdir, "authorized_clients"), mode=0o700, exist_ok=True)
    os.chmod(hsdir, 0o700)
    for name, pub in (("alice", ALICE_PUB), ("bob", BOB_PUB)):
        with open(os.path.join(hsdir, "authorized_clients", name + ".auth"), "w") as f:
            f.write("descriptor:x25519:%s\n" % b32(pub))
    net._launch(n)
    net.save()
    for c in (KEYED, BARE, REAL):
        d = os.path.join(net.dir, "authdirs", c)
        os.makedirs(d, mode=0o700, exist_ok=True)
        os.chmod(d, 0o700)
        auth_dirs[c] = d
    with open(os.path.join(auth_dirs[KEYED], "alice.auth_private"), "w") as f:
        f.write("%s:descriptor:x25519:%s\n" % (addr(), b32(ALICE)))
    real_socks = free_port()
    for name, binary, extra in (
            (KEYED, "ours", "ClientOnionAuthDir %s\n" % auth_dirs[KEYED]),
            (BARE, "ours", "ClientOnionAuthDir %s\n" % auth_dirs[BARE]),
            (REAL, "real", "ClientOnionAuthDir %s\nSocksPort 127.0.0.1:%d ExtendedErrors\n"
             % (auth_dirs[REAL], real_socks))):
        ADDED.append(name)
        net.add("client", name=name, binary=binary, extra_torrc=extra, wait=False)
    net.wait(180, names=[SERVICE, KEYED, BARE, REAL], stop_on_failure=False)
    net.wait_for_log(SERVICE, r"upload_descriptor_to_hsdir\(\)", which="info", timeout=120)


def tearDownModule():
    if net is None:
        return
    for name in ADDED:
        try:
            net.forget_node(name)
        except Exception:
            pass
    net.save()


def control(name, *commands, timeout=20):
    """Raw control lines (net.control wants every reply to be 250): the
    list of replies, each the list of its lines with codes."""
    n = net.node(name)
    with open(os.path.join(n["datadir"], "control_auth_cookie"), "rb") as f:
        cookie = f.read()
    s = socket.create_connection(("127.0.0.1", n["ports"]["control"]), timeout=timeout)
    f = s.makefile("rwb")
    try:
        out = []
        for cmd in ["AUTHENTICATE " + cookie.hex()] + list(commands):
            f.write(cmd.encode() + b"\r\n")
            f.flush()
            out.append(testnet._read_control_reply(f))
        return out[1:]
    finally:
        f.close()
        s.close()


def socks_code(port, host, vport=80, timeout=150):
    """The REP byte of a SOCKS5 CONNECT to host:vport."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(b"\x05\x01\x00")
        if s.recv(2) != b"\x05\x00":
            raise ConnectionError("no SOCKS5 no-auth method")
        h = host.encode()
        s.sendall(b"\x05\x01\x00\x03" + bytes([len(h)]) + h + vport.to_bytes(2, "big"))
        head = s.recv(10)
        return head[1] if len(head) >= 2 else None
    finally:
        s.close()


def settled_code(port):
    """The code once the descriptor is on the HSDirs (F0 before that)."""
    def once():
        c = socks_code(port, onion())
        if c == 0xF0:
            raise ConnectionError("descriptor not found yet")
        return c
    return testnet.retry(once, timeout=200, interval=5, what="SOCKS code for " + onion())


def echo(port, payload):
    def roundtrip():
        s = testnet.socks_connect(port, onion(), 80, timeout=150)
        try:
            return testnet.echo_roundtrip(s, payload, timeout=60)
        finally:
            s.close()
    return testnet.retry(roundtrip, timeout=240, interval=5, what="echo via " + onion())


class OnionClientAuthTest(unittest.TestCase):

    def test_1_key_in_auth_dir_echo_byte_exact(self):
        payload = os.urandom(300000)
        with testnet.EchoServer(port=net.hs_target_port(SERVICE)):
            self.assertEqual(echo(net.socks_port(KEYED), payload), payload)
        page = os.urandom(1 << 20)
        with testnet.HTTPServer(page, port=net.hs_target_port(SERVICE)):
            body = testnet.retry(lambda: testnet.http_get(net.socks_port(KEYED), onion(), 80,
                                                          timeout=120),
                                 timeout=200, interval=5, what="GET from " + onion())
        self.assertEqual(body, page)
        self.assertRegex(net.log_text(KEYED, "info"),
                         r"Rendezvous circuit \d+ joined with %s" % re.escape(onion()))
        view = control(KEYED, "ONION_CLIENT_AUTH_VIEW")[0]
        self.assertEqual(view, ["250-ONION_CLIENT_AUTH_VIEW",
                                "250-CLIENT %s x25519:%s Flags=Permanent" % (addr(), b64(ALICE)),
                                "250 OK"])

    def test_2_no_key_is_f4_wrong_key_is_f5_as_real_tor(self):
        for name, port in ((BARE, net.socks_port(BARE)), (REAL, real_socks)):
            t = time.monotonic()
            self.assertEqual(settled_code(port), 0xF4, name)
            # a key the service does not know
            self.assertEqual(control(name, "ONION_CLIENT_AUTH_ADD %s x25519:%s"
                                     % (addr(), b64(STRANGER)))[0], ["250 OK"], name)
            t1 = time.monotonic()
            self.assertEqual(socks_code(port, onion()), 0xF5, name)
            self.assertLess(time.monotonic() - t1, 125, name)
            self.assertLess(time.monotonic() - t, 330, name)
        self.assertRegex(net.log_text(BARE, "info"),
                         r"No circuit to %s: client authorization failed" % re.escape(onion()))

    def test_3_add_key_over_control_port_then_reach_service(self):
        """After test_2 both clients hold the stranger's key and a cached
        descriptor it does not open: bob's key replaces it and decrypts
        that descriptor (real tor: 252); then the service answers."""
        replies = {}
        for name in (REAL, BARE):
            replies[name] = control(name, "ONION_CLIENT_AUTH_ADD %s x25519:%s ClientName=bob"
                                    % (addr(), b64(BOB)), "ONION_CLIENT_AUTH_VIEW %s" % addr())
        self.assertEqual(replies[BARE], replies[REAL])
        self.assertEqual(replies[BARE][0], ["252 Registered client and decrypted desc"])
        self.assertEqual(replies[BARE][1], [
            "250-ONION_CLIENT_AUTH_VIEW " + addr(),
            "250-CLIENT %s x25519:%s ClientName=bob" % (addr(), b64(BOB)), "250 OK"])
        payload = os.urandom(100000)
        with testnet.EchoServer(port=net.hs_target_port(SERVICE)):
            self.assertEqual(echo(net.socks_port(BARE), payload), payload)
            self.assertEqual(echo(real_socks, payload), payload)

    def test_4_permanent_writes_the_file_as_real_tor(self):
        files = {}
        for name in (BARE, REAL):
            r = control(name, "ONION_CLIENT_AUTH_ADD %s x25519:%s Flags=Permanent"
                        % (addr(), b64(BOB)))[0]
            self.assertEqual(r, ["251 Client for onion existed and replaced"], name)
            path = os.path.join(auth_dirs[name], addr() + ".auth_private")
            self.assertEqual(os.stat(path).st_mode & 0o777, 0o600, name)
            with open(path) as f:
                files[name] = f.read()
        self.assertEqual(files[BARE], files[REAL])
        self.assertEqual(files[BARE], "%s:descriptor:x25519:%s" % (addr(), b32(BOB).lower()))
        for name in (BARE, REAL):
            self.assertEqual(control(name, "ONION_CLIENT_AUTH_REMOVE " + addr())[0], ["250 OK"])
            self.assertFalse(os.path.exists(os.path.join(auth_dirs[name],
                                                         addr() + ".auth_private")), name)

    def test_9_no_warnings_about_us(self):
        """Real tor (ProtocolWarnings 1) has nothing to say about our
        clients; they log no warnings themselves."""
        complaints = net.complaints_about(KEYED) + net.complaints_about(BARE)
        self.assertEqual(complaints, [], net.format_warnings(complaints))
        not_ours = (r"^Could not find a node that matches the configured _HSLayer2Nodes set$",
                    r"^No available nodes when trying to choose node\. Failing\.$",
                    r"^Received http status code 404 .* while fetching consensus directory\.$")
        reached = net.names("authority") + net.names("relay") + [SERVICE]
        seen = {(w["node"], w["message"]) for w in net.warnings(until=t0, include_benign=True)}
        new = [w for w in net.warnings(since=t0, nodes=reached)
               if (w["node"], w["message"]) not in seen
               and not any(re.search(rx, w["message"]) for rx in not_ours)]
        self.assertEqual(new, [], net.format_warnings(new))
        for name in (KEYED, BARE):
            bad = [l for l in net.log_text(name).splitlines() if re.search(r"\[(warn|err)\]", l)]
            self.assertEqual(bad, [], name)


if __name__ == "__main__":
    unittest.main()
