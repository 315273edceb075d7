"""Our client's circuits, relay crypto, SENDMEs and streams against real tor
relays: tests/tools/circprobe builds a 3-hop circuit with the documents a
real tor client cached, fetches a page through an exit, and the bytes must
arrive exact. The real relays must not complain about us."""

import hashlib
import os
import subprocess
import time
import unittest

import testnet

PROBE = os.path.join(testnet.REPO, "tests", "tools", "circprobe")
net = None


def setUpModule():
    global net
    net = testnet.session()


def complaints_since(started):
    """Real tor's warnings since `started` that may be about us: our client
    never authenticates, so lines naming a real node's identity
    (RSA_ID=...) are about that node, not us."""
    fps = [net.fingerprint(n) for n in net.names() if net.node(n).get("fingerprint")]
    return [w for w in net.warnings(since=started - 1)
            if not any(fp and fp.upper() in w["message"].upper() for fp in fps)]


class CircuitTest(unittest.TestCase):

    def probe(self, target, hops=3, path="/"):
        return subprocess.run(
            [PROBE, "--datadir", net.datadir("client0"), "--target", target,
             "--request", "GET %s HTTP/1.0\r\n\r\n" % path, "--hops", str(hops),
             "--body-only", "1", "--timeout", "120"],
            capture_output=True, text=True, timeout=150)

    @unittest.skipUnless(os.path.exists(PROBE), "tests/tools/circprobe is not built")
    def test_fetch_through_three_hops(self):
        body = os.urandom(20 << 20)   # 20 MiB: many circuit and stream windows
        want = hashlib.sha256(body).hexdigest()
        started = time.time()
        with testnet.HTTPServer(body) as web:
            r = testnet.retry(lambda: self._ok(self.probe("127.0.0.1:%d" % web.port)), timeout=120,
                              what="circprobe through the testnet")
        self.assertRegex(r.stdout, r"built 3 hops")
        self.assertIn("received %d sha256 %s end DONE" % (len(body), want), r.stdout)
        complaints = complaints_since(started)
        self.assertEqual(complaints, [], net.format_warnings(complaints))

    @unittest.skipUnless(os.path.exists(PROBE), "tests/tools/circprobe is not built")
    def test_begin_dir_on_one_hop_circuit(self):
        """A one-hop circuit and BEGIN_DIR, as a client fetches directory
        documents: the relay answers with its consensus."""
        started = time.time()
        # A relay that has no consensus yet answers 404: try again.
        r = testnet.retry(lambda: self._ok(self.probe(
            "dir", hops=1, path="/tor/status-vote/current/consensus-microdesc"),
            want="start network-status-version 3 microdesc"),
            timeout=120, what="BEGIN_DIR circprobe")
        self.assertIn("end DONE", r.stdout)
        self.assertIn("start network-status-version 3 microdesc", r.stdout)
        complaints = complaints_since(started)
        self.assertEqual(complaints, [], net.format_warnings(complaints))

    def _ok(self, r, want=None):
        if r.returncode != 0 or (want and want not in r.stdout):
            raise RuntimeError("circprobe failed (%d): %s %s" % (r.returncode, r.stdout, r.stderr[-2000:]))
        return r


if __name__ == "__main__":
    unittest.main()
