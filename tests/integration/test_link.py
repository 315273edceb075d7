"""The link layer against real tor relays: tests/tools/linkprobe opens a
client channel (TLS, VERSIONS, CERTS verification, AUTH_CHALLENGE,
NETINFO) to each relay and authority of the shared network and must report
the identities the relay wrote into its DataDirectory (fingerprint,
fingerprint-ed25519) and link protocol 5, then get CREATED_FAST back for a
CREATE_FAST (cells flow both ways on the open channel). The relays must
have accepted our NETINFO and must not have warned about us."""

import os
import re
import subprocess
import time
import unittest

import testnet

PROBE = os.path.join(testnet.REPO, "tests", "tools", "linkprobe")
net = None


def setUpModule():
    global net
    if not os.access(PROBE, os.X_OK):
        raise unittest.SkipTest("tests/tools/linkprobe not built (make)")
    net = testnet.session()


def probe(port, *args, timeout=60):
    return subprocess.run([PROBE, "--timeout", "30"] + list(args) +
                          ["127.0.0.1", str(port)],
                          capture_output=True, text=True, timeout=timeout)


def datadir_identities(name):
    d = net.datadir(name)
    with open(os.path.join(d, "fingerprint")) as f:
        rsa = f.read().split()[1]
    with open(os.path.join(d, "fingerprint-ed25519")) as f:
        ed = f.read().split()[1]
    return rsa, ed


def good_netinfo_count(name):
    # A client's NETINFO as the relay saw it: good, and the peer has no
    # identity (all-zero digest).
    return len(re.findall(r"Got good NETINFO cell .*Its ID digest is 0{40}",
                          net.log_text(name, "info")))


class LinkTest(unittest.TestCase):

    def test_handshake_with_every_relay(self):
        t0 = time.time()
        relays = net.names("relay") + net.names("authority")
        before = {name: good_netinfo_count(name) for name in relays}
        for name in relays:
            rsa, ed = datadir_identities(name)
            out = probe(net.or_port(name), "--rsa-id", rsa)
            self.assertEqual(out.returncode, 0, "%s: %s" % (name, out.stderr))
            got = dict(line.split(" ", 1) for line in out.stdout.splitlines())
            self.assertEqual(got["rsa-id"], rsa, name)
            self.assertEqual(got["ed25519-id"], ed, name)
            self.assertEqual(got["link-proto"], "5", name)
            circ = int(got["circuit"].split()[1], 16)
            self.assertTrue(circ & 0x80000000, "initiator bit: %x" % circ)
        time.sleep(1.5)  # let the relays log the closed connections
        for name in relays:
            self.assertGreater(good_netinfo_count(name), before[name],
                               "%s never accepted our NETINFO" % name)
        ws = net.warnings(since=t0 - 1, nodes=relays)
        self.assertEqual(ws, [], net.format_warnings(ws))

    def test_wrong_identity_refused(self):
        name = net.names("relay")[0]
        rsa, _ = datadir_identities(name)
        wrong = ("0" if rsa[0] != "0" else "1") + rsa[1:]
        out = probe(net.or_port(name), "--rsa-id", wrong)
        self.assertEqual(out.returncode, 1)
        self.assertIn("wrong relay identity", out.stderr)
        self.assertEqual(out.stdout, "")


if __name__ == "__main__":
    unittest.main()
