"""Our daemon as an onion service in a network of real tor, reached by a
real tor client: HiddenServiceBulkSource streams (sequence pattern checked
byte by byte, Bytes= ending with DONE), an ordinary HiddenServicePort to a
local TCP server, and the bulk sink; the real relays, HSDirs and the client
have no complaint about it."""

import os
import signal
import stat
import subprocess
import time
import unittest

import testnet

net = None
OURS = "ourhs0"
BULKPERF = os.path.join(testnet.REPO, "src", "tools", "bulkperf", "tor-bulkperf")
EXTRA = ("HiddenServiceBulkSource 9000 Pattern=sequence\n"
         "HiddenServiceBulkSource 9001 Bytes=1 MB\n"
         "HiddenServiceBulkSink 9002\n")


def setUpModule():
    global net
    net = testnet.session()
    if not os.path.exists(testnet.OUR_TOR):
        raise unittest.SkipTest("src/app/tor is not built")
    net.add("hs", name=OURS, binary="ours", extra_torrc=EXTRA, timeout=120)


def onion():
    with open(os.path.join(net.datadir(OURS), "hs", "hostname")) as f:
        return f.read().strip()


def connect(port, timeout=60):
    """A SOCKS connection through the real tor client to our service."""
    return testnet.retry(lambda: testnet.socks_connect(net.socks_port("client0"), onion(), port,
                                                       timeout=timeout),
                         timeout=150, interval=3, what="connect to %s:%d" % (onion(), port))


class OnionServiceTest(unittest.TestCase):

    def test_1_keys_and_hostname(self):
        d = os.path.join(net.datadir(OURS), "hs")
        self.assertEqual(stat.S_IMODE(os.stat(d).st_mode), 0o700)
        for name in ("hs_ed25519_secret_key", "hs_ed25519_public_key"):
            self.assertEqual(stat.S_IMODE(os.stat(os.path.join(d, name)).st_mode), 0o600)
        self.assertRegex(onion(), r"^[a-z2-7]{56}\.onion$")

    @unittest.skipUnless(os.path.exists(BULKPERF), "tor-bulkperf is not built")
    def test_2_bulk_source_sequence_verified(self):
        connect(9000).close()   # the descriptor is published and reachable
        r = subprocess.run([BULKPERF, "bulk", "--socks", "127.0.0.1:%d" % net.socks_port("client0"),
                            "--target", "%s:9000" % onion(), "--streams", "4", "--circuits", "2",
                            "--duration", "10s", "--verify", "sequence"],
                           capture_output=True, text=True, timeout=180)
        self.assertEqual(r.returncode, 0, r.stdout[-2000:] + r.stderr[-2000:])
        self.assertIn("verify sequence:", r.stdout)
        self.assertIn("ok", r.stdout.split("verify sequence:")[1].split("\n")[0])

    def test_3_bytes_limit_ends_with_done(self):
        s = connect(9001)
        got = 0
        zero = True
        s.settimeout(60)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += len(chunk)
            zero = zero and not any(chunk)
        s.close()
        self.assertEqual(got, 1 << 20)
        self.assertTrue(zero)

    def test_4_hidden_service_port_to_tcp(self):
        payload = os.urandom(100000)
        with testnet.EchoServer(port=net.hs_target_port(OURS)):
            s = connect(80)
            try:
                got = testnet.echo_roundtrip(s, payload, timeout=60)
            finally:
                s.close()
        self.assertEqual(got, payload)

    def test_5_bulk_sink_counts_bytes(self):
        s = connect(9002)
        s.sendall(b"\0" * 500000)
        time.sleep(2)
        s.close()
        os.kill(net.node(OURS)["pid"], signal.SIGUSR1)
        m = net.wait_for_log(OURS, r"Onion service \S+: (\d+) stream\(s\) served, (\d+) bytes sent, "
                             r"(\d+) bytes received", timeout=20)
        self.assertGreaterEqual(int(m.group(3)), 500000)

    def test_6_no_complaints_about_us(self):
        complaints = net.complaints_about(OURS)
        self.assertEqual(complaints, [], net.format_warnings(complaints))


if __name__ == "__main__":
    unittest.main()
