"""Our daemon as an onion service client in a network of real tor: through
its SocksPort it pulls bytes, byte-exact, from a real tor onion service
(hs0's HiddenServicePort 80, to a local echo server) and from our own bulk
onion service (HiddenServiceBulkSource Pattern=sequence Bytes=...); a
second stream reuses the rendezvous circuit, another isolation key gets its
own; a restarted service (stale descriptor: intro points NACK) is reached
after a fresh descriptor fetch. SOCKS5 errors as tor's, in bounded time: F0
for an unknown address, F6 for a bad one, F4 for a real tor service with
client authorization, F2 for a stopped service; SOCKS4a gets a plain
rejection. The HSDirs, intro points and
rendezvous points are real tor, and none of them warns about us."""

import base64
import hashlib
import os
import re
import socket
import struct
import time
import unittest

import testnet

net = None
CLIENT = "ourhsclient0"
SERVICE = "ourbulkhs0"
BULK_BYTES = 3 << 20
EXTRA_HS = ("HiddenServiceBulkSource 9000 Pattern=sequence Bytes=%d\n" % BULK_BYTES +
            "HiddenServiceBulkSource 9001 Pattern=sequence\n")
BULKPERF = os.path.join(testnet.REPO, "src", "tools", "bulkperf", "tor-bulkperf")
t0 = None


def setUpModule():
    global net, t0
    net = testnet.session()
    if not os.path.exists(testnet.OUR_TOR):
        raise unittest.SkipTest("src/app/tor is not built")
    t0 = time.time()
    net.add("client", name=CLIENT, binary="ours", timeout=120)
    net.add("hs", name=SERVICE, binary="ours", extra_torrc=EXTRA_HS, timeout=120)


def our_onion():
    with open(os.path.join(net.datadir(SERVICE), "hs", "hostname")) as f:
        return f.read().strip()


def sequence(n):
    """The first n bytes of the bulk source's sequence pattern: 64-bit
    big-endian counters 0, 1, 2, ..."""
    words = (n + 7) // 8
    return b"".join(struct.pack(">Q", i) for i in range(words))[:n]


def recv_all(s, timeout=120):
    s.settimeout(timeout)
    got = bytearray()
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return bytes(got)
        got += chunk


def socks5_reply_code(host, port, timeout=150):
    """The REP byte our SocksPort answers a CONNECT to host:port with."""
    s = socket.create_connection(("127.0.0.1", net.socks_port(CLIENT)), timeout=timeout)
    try:
        s.sendall(b"\x05\x01\x00")
        assert s.recv(2) == b"\x05\x00"
        h = host.encode()
        s.sendall(b"\x05\x01\x00\x03" + bytes([len(h)]) + h + port.to_bytes(2, "big"))
        head = s.recv(10)
        return head[1] if len(head) >= 2 else None
    finally:
        s.close()


def socks5_connect_auth(host, port, user, password, timeout=150):
    """A SOCKS5 CONNECT with username/password (IsolateSOCKSAuth)."""
    s = socket.create_connection(("127.0.0.1", net.socks_port(CLIENT)), timeout=timeout)
    s.sendall(b"\x05\x01\x02")
    if s.recv(2) != b"\x05\x02":
        raise ConnectionError("no username/password method")
    s.sendall(b"\x01" + bytes([len(user)]) + user + bytes([len(password)]) + password)
    if s.recv(2) != b"\x01\x00":
        raise ConnectionError("authentication refused")
    h = host.encode()
    s.sendall(b"\x05\x01\x00\x03" + bytes([len(h)]) + h + port.to_bytes(2, "big"))
    head = testnet._recv_exact(s, 10)
    if head[1] != 0:
        s.close()
        raise testnet.SocksError(head[1], "onion")
    return s


def joined_count(onion):
    return len(re.findall(r"Rendezvous circuit \d+ joined with %s" % onion,
                          net.log_text(CLIENT, "info")))


def onion_of_key(pk):
    """The v3 address of a 32-byte Ed25519 key (rend-spec-v3 6)."""
    check = hashlib.sha3_256(b".onion checksum" + pk + b"\x03").digest()[:2]
    return base64.b32encode(pk + check + b"\x03").decode().lower() + ".onion"


class OnionClientTest(unittest.TestCase):

    def test_1_real_tor_service_echo_byte_exact(self):
        """hs0 is real tor: its port 80 goes to our echo server."""
        payload = os.urandom(200000)
        onion = net.onion("hs0")
        with testnet.EchoServer(port=net.hs_target_port("hs0")):
            def roundtrip():
                s = testnet.socks_connect(net.socks_port(CLIENT), onion, 80, timeout=150)
                try:
                    return testnet.echo_roundtrip(s, payload, timeout=60)
                finally:
                    s.close()
            got = testnet.retry(roundtrip, timeout=300, interval=5, what="echo via " + onion)
            self.assertEqual(got, payload)
            # A second stream: the joined circuit serves it at once.
            t = time.monotonic()
            got = roundtrip()
            self.assertEqual(got, payload)
            self.assertLess(time.monotonic() - t, 30)
        info = net.log_text(CLIENT, "info")
        self.assertRegex(info, r"Rendezvous circuit \d+ joined with %s" % onion)
        self.assertEqual(len(re.findall(r"Rendezvous circuit \d+ joined with %s" % onion, info)),
                         1, "the second stream should reuse the circuit")

    def test_1b_real_tor_service_http_download(self):
        """2 MB from real tor: thousands of cells, so our circuit and stream
        SENDMEs on the end-to-end hop must satisfy it."""
        page = os.urandom(2 << 20)
        with testnet.HTTPServer(page, port=net.hs_target_port("hs0")):
            body = testnet.retry(lambda: testnet.http_get(net.socks_port(CLIENT), net.onion("hs0"),
                                                          80, timeout=120),
                                 timeout=200, interval=5, what="GET from hs0")
        self.assertEqual(body, page)

    def test_2_our_bulk_service_sequence_byte_exact(self):
        onion = our_onion()
        net.wait_for_log(SERVICE, r"Service \S+ current descriptor of revision \d+ initiated "
                                  r"upload request to", which="info", timeout=120)

        def pull():
            s = testnet.socks_connect(net.socks_port(CLIENT), onion, 9000, timeout=150)
            try:
                return recv_all(s)
            finally:
                s.close()
        got = testnet.retry(pull, timeout=300, interval=5, what="pull from " + onion)
        self.assertEqual(len(got), BULK_BYTES)
        self.assertEqual(got, sequence(BULK_BYTES))

    @unittest.skipUnless(os.path.exists(BULKPERF), "tor-bulkperf is not built")
    def test_2b_bulkperf_four_streams_two_circuits(self):
        """tor-bulkperf through our SocksPort: 4 streams over 2 isolated
        circuits to our bulk service, every byte checked."""
        import subprocess
        r = subprocess.run([BULKPERF, "bulk", "--socks", "127.0.0.1:%d" % net.socks_port(CLIENT),
                            "--target", "%s:9001" % our_onion(), "--streams", "4",
                            "--circuits", "2", "--duration", "10s", "--verify", "sequence"],
                           capture_output=True, text=True, timeout=180)
        self.assertEqual(r.returncode, 0, r.stdout[-2000:] + r.stderr[-2000:])
        self.assertIn("4/4 streams over 2 circuits", r.stdout)
        self.assertIn("ok", r.stdout.split("verify sequence:")[1].split("\n")[0])

    def _pull_gib(self, onion, port):
        """tor-bulkperf transfer: 1 GiB through our SocksPort, every byte
        checked against the sequence pattern."""
        import subprocess
        r = subprocess.run([BULKPERF, "transfer", "--socks", "127.0.0.1:%d" % net.socks_port(CLIENT),
                            "--target", "%s:%d" % (onion, port), "--size", "1GiB", "--count", "1",
                            "--timeout", "900s", "--verify", "sequence"],
                           capture_output=True, text=True, timeout=960)
        self.assertEqual(r.returncode, 0, r.stdout[-2000:] + r.stderr[-2000:])

    @unittest.skipUnless(os.path.exists(BULKPERF), "tor-bulkperf is not built")
    def test_2c_one_gib_from_real_tor_service_with_congestion_control(self):
        """1 GiB byte-exact from real tor (hs0's port 80 to tor-bulkperf
        serve), and real tor runs Tor Vegas on that rendezvous circuit:
        its info log shows the congestion control updates our SENDMEs drive."""
        import subprocess
        serve = subprocess.Popen([BULKPERF, "serve", "--listen",
                                  "127.0.0.1:%d" % net.hs_target_port("hs0"),
                                  "--pattern", "sequence"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            vegas_before = net.log_text("hs0", "info").count("TOR_VEGAS")
            self._pull_gib(net.onion("hs0"), 80)
        finally:
            serve.terminate()
            serve.wait(10)
        self.assertGreater(net.log_text("hs0", "info").count("TOR_VEGAS"), vegas_before + 100)

    @unittest.skipUnless(os.path.exists(BULKPERF), "tor-bulkperf is not built")
    def test_2d_one_gib_from_our_bulk_service(self):
        self._pull_gib(our_onion(), 9001)

    def test_3_unknown_address_is_f0_in_bounded_time(self):
        """A fresh key (a valid address no service publishes): every
        responsible HSDir says 404."""
        from cryptography.hazmat.primitives.asymmetric import ed25519
        from cryptography.hazmat.primitives import serialization
        pk = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        onion = onion_of_key(pk)
        t = time.monotonic()
        self.assertEqual(socks5_reply_code(onion, 80), 0xF0)
        self.assertLess(time.monotonic() - t, 125)
        self.assertRegex(net.log_text(CLIENT, "info"),
                         r"No circuit to %s: descriptor not found" % onion)

    def test_4_bad_address_is_f6_at_once(self):
        onion = our_onion()
        bad = ("a" if onion[0] != "a" else "b") + onion[1:]   # checksum no longer matches
        t = time.monotonic()
        self.assertEqual(socks5_reply_code(bad, 80), 0xF6)
        self.assertLess(time.monotonic() - t, 5)

    def test_5_socks4a_gets_plain_rejection(self):
        onion = our_onion()
        bad = ("a" if onion[0] != "a" else "b") + onion[1:]
        s = socket.create_connection(("127.0.0.1", net.socks_port(CLIENT)), timeout=30)
        try:
            s.sendall(b"\x04\x01" + (80).to_bytes(2, "big") + b"\x00\x00\x00\x01" + b"\x00" +
                      bad.encode() + b"\x00")
            reply = s.recv(8)
        finally:
            s.close()
        self.assertEqual(reply[:2], b"\x00\x5b")

    def test_6_isolated_request_gets_its_own_circuit(self):
        """Another SOCKS username: another rendezvous circuit."""
        onion = net.onion("hs0")
        before = joined_count(onion)
        payload = os.urandom(5000)
        with testnet.EchoServer(port=net.hs_target_port("hs0")):
            def roundtrip():
                s = socks5_connect_auth(onion, 80, b"isolated", b"x")
                try:
                    return testnet.echo_roundtrip(s, payload, timeout=60)
                finally:
                    s.close()
            self.assertEqual(testnet.retry(roundtrip, timeout=200, interval=5,
                                           what="isolated echo"), payload)
        self.assertEqual(joined_count(onion), before + 1)

    def test_7_circuits_carry_tor_purposes(self):
        status = net.getinfo(CLIENT, "circuit-status")
        addr = net.onion("hs0")[:-len(".onion")]
        self.assertRegex(status, r"PURPOSE=HS_CLIENT_REND HS_STATE=HSCR_JOINED REND_QUERY=%s"
                         % addr, status)

    def test_8_restarted_service_stale_descriptor(self):
        """Our service restarts (same address, new intro points): the
        descriptor we hold names intro points that no longer know it, so
        they NACK; we fetch the descriptor again and get through."""
        onion = our_onion()
        net.remove_node(SERVICE)
        t_restart = time.time()
        net._launch(net.node(SERVICE))
        net.save()
        net.wait_for_log(SERVICE, r"Bootstrapped 100%", timeout=120)

        def pull():
            s = testnet.socks_connect(net.socks_port(CLIENT), onion, 9000, timeout=150)
            try:
                return recv_all(s)
            finally:
                s.close()
        got = testnet.retry(pull, timeout=300, interval=5, what="pull after restart")
        self.assertEqual(got, sequence(BULK_BYTES))
        info = net.log_text(CLIENT, "info")
        # The intro points NACK the descriptor we hold -- unless a new time
        # period began meanwhile (eight minutes in this network: tor's
        # period is 24 voting intervals here), so the client dropped the
        # descriptor as stale and fetched the new one before it tried.
        stale = re.search(r"Descriptor of %s is stale" % onion, info)
        if not stale:
            self.assertRegex(info, r"Intro point \S+ of %s failed \(INTRODUCE_ACK status 1\)"
                             % onion)
        # Either every intro point NACKs, or one still forwards to the old
        # service's dying circuit and the rendezvous times out: both end
        # in a fresh descriptor fetch.
        self.assertRegex(info, r"fetching its descriptor again|Descriptor of %s is stale" % onion)
        self.assertGreater(time.time(), t_restart)

    def test_8b_real_service_with_client_auth_is_f4(self):
        """Real tor with an authorized client: its descriptor's inner layer
        needs a descriptor cookie we do not have."""
        from cryptography.hazmat.primitives.asymmetric import x25519
        from cryptography.hazmat.primitives import serialization
        pub = x25519.X25519PrivateKey.generate().public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        name = "realauthhs0"
        n = net.add_node("hs", name=name, binary="real", start=False)
        auth_dir = os.path.join(n["datadir"], "hs", "authorized_clients")
        os.makedirs(auth_dir, mode=0o700, exist_ok=True)
        os.chmod(os.path.join(n["datadir"], "hs"), 0o700)
        with open(os.path.join(auth_dir, "alice.auth"), "w") as f:
            f.write("descriptor:x25519:%s\n" % base64.b32encode(pub).decode().rstrip("="))
        try:
            net._launch(n)
            net.save()
            net.wait(120, names=[name], stop_on_failure=False)
            net.wait_for_log(name, r"upload_descriptor_to_hsdir\(\)", which="info", timeout=120)
            onion = net.onion(name)

            def code():
                c = socks5_reply_code(onion, 80)
                if c == 0xF0:   # not uploaded everywhere yet
                    raise ConnectionError("descriptor not found yet")
                return c
            t = time.monotonic()
            self.assertEqual(testnet.retry(code, timeout=120, interval=5, what="F4"), 0xF4)
            self.assertLess(time.monotonic() - t, 125)
        finally:
            net.forget_node(name)
            net.save()

    def test_8c_stopped_service_is_f2(self):
        """Our service stops: its descriptor stays on the HSDirs, its intro
        points forget it and NACK; after a second descriptor fetch we give
        up with F2 (introduction failed), in bounded time."""
        onion = our_onion()
        net.remove_node(SERVICE)
        try:
            t = time.monotonic()
            self.assertEqual(socks5_reply_code(onion, 9000), 0xF2)
            self.assertLess(time.monotonic() - t, 125)
        finally:
            net._launch(net.node(SERVICE))
            net.save()
            net.wait(120, names=[SERVICE], stop_on_failure=False)

    def test_9_no_warnings_about_us(self):
        """Real tor (ProtocolWarnings 1) has nothing to say about our
        client's cells, and our client and service log no warnings."""
        complaints = net.complaints_about(CLIENT) + net.complaints_about(SERVICE)
        self.assertEqual(complaints, [], net.format_warnings(complaints))
        # Protocol warnings name circuits, not peers: every warning since
        # we joined counts, from the nodes our cells reach (authorities and
        # relays: guards, middles, HSDirs, intro and rendezvous points; hs0,
        # the service), unless the same node already logged it before we
        # joined, or it is about the node's own directory or paths:
        # vanguards-lite in a consensus this small, a consensus not ready
        # yet on a loaded machine. None of those can be ours.
        not_ours = (r"^Could not find a node that matches the configured _HSLayer2Nodes set$",
                    r"^No available nodes when trying to choose node\. Failing\.$",
                    r"^Received http status code 404 .* while fetching consensus directory\.$")
        reached = net.names("authority") + net.names("relay") + ["hs0"]
        seen = {(w["node"], w["message"]) for w in net.warnings(until=t0, include_benign=True)}
        new = [w for w in net.warnings(since=t0, nodes=reached)
               if (w["node"], w["message"]) not in seen
               and not any(re.search(rx, w["message"]) for rx in not_ours)]
        self.assertEqual(new, [], net.format_warnings(new))
        for name in (CLIENT, SERVICE):
            bad = [l for l in net.log_text(name).splitlines() if re.search(r"\[(warn|err)\]", l)]
            self.assertEqual(bad, [], name)


if __name__ == "__main__":
    unittest.main()
