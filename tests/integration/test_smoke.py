"""Smoke tests of the private network, real tor only: the baselines our
daemon's roles will be held to."""

import os
import subprocess
import time
import unittest

import testnet

net = None


def setUpModule():
    global net
    net = testnet.session()


class SmokeTest(unittest.TestCase):

    def test_network_up(self):
        ok, why = net.readiness()
        self.assertTrue(ok, "; ".join(why))
        flags = net.consensus_flags()
        for name in net.names("relay"):
            self.assertTrue(set(testnet.core.RELAY_FLAGS) <= flags[net.fingerprint(name)],
                            "%s: %s" % (name, flags.get(net.fingerprint(name))))
        for name in net.names():
            self.assertTrue(net.alive(name), name)
        self.assertTrue(net.onion("hs0").endswith(".onion"))
        # the control port answers and agrees about bootstrap
        self.assertIn("PROGRESS=100", net.getinfo("client0", "status/bootstrap-phase"))

    def test_exit_fetch(self):
        """A real tor client fetches a page from a local HTTP server
        through an exit relay."""
        token = os.urandom(8).hex().encode()
        with testnet.HTTPServer(b"smoke " + token + b"\n") as web:
            body = testnet.retry(
                lambda: testnet.http_get(net.socks_port("client0"), "127.0.0.1", web.port,
                                         timeout=30),
                timeout=90, what="HTTP GET through client0")
        self.assertEqual(body, b"smoke " + token + b"\n")

    def test_onion_service(self):
        """A real tor onion service (HiddenServicePort to a local TCP
        server) is reachable through a real tor client."""
        onion = net.onion("hs0")
        payload = b"onion " + os.urandom(8).hex().encode() + b"\n"

        def roundtrip():
            s = testnet.socks_connect(net.socks_port("client0"), onion, 80, timeout=60)
            try:
                got = testnet.echo_roundtrip(s, payload, timeout=30)
            finally:
                s.close()
            if got != payload:
                raise ConnectionError("echo returned %r" % got)
            return got

        with testnet.EchoServer(port=net.hs_target_port("hs0")):
            got = testnet.retry(roundtrip, timeout=150, interval=3,
                                what="echo through %s" % onion)
        self.assertEqual(got, payload)

    def test_warnings_collector(self):
        """Real tor's warnings are collected; none are unexpected."""
        all_ws = net.warnings(include_benign=True)
        self.assertTrue(all_ws, "real tor always warns about TestingTorNetwork")
        self.assertTrue(all(w["node"] in net.names() for w in all_ws))
        self.assertEqual(net.warnings(about="no-such-peer-string"), [])
        ws = net.warnings()
        if ws:
            # not fatal: the pure-real baseline is recorded for triage
            print("\nunexpected real tor warnings:\n" + net.format_warnings(ws))
        # the CLI agrees (scripts/testnet-warnings)
        out = subprocess.run([os.path.join(testnet.REPO, "scripts", "testnet-warnings"),
                              "--dir", net.dir, "--json"], capture_output=True, timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr)

    def test_second_network(self):
        """A second network started while the first is up also comes up,
        on other ports, and leaves no process behind when stopped."""
        t0 = time.time()
        with testnet.start(authorities=3, relays=3, clients=1, onion_services=0) as two:
            took = time.time() - t0
            print("\nsecond network ready in %.1f s" % took)
            mine = {p for n in net.nodes for p in n["ports"].values()}
            theirs = {p for n in two.nodes for p in n["ports"].values()}
            self.assertFalse(mine & theirs)
            self.assertTrue(net.readiness()[0])
            with testnet.HTTPServer(b"two\n") as web:
                body = testnet.retry(
                    lambda: testnet.http_get(two.socks_port("client0"), "127.0.0.1",
                                             web.port, timeout=30),
                    timeout=90, what="HTTP GET through the second network")
            self.assertEqual(body, b"two\n")
            d = two.dir
        self.assertEqual(testnet.core.stray_processes(d), [])
        r = subprocess.run(["pgrep", "-f", d], capture_output=True)
        self.assertNotEqual(r.returncode, 0, r.stdout)
        import shutil
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
