"""A network without exits (every relay ExitRelay 0, as chutney's standard
onion networks): our client and our onion service both reach
"Bootstrapped 100%" (through an internal circuit, as tor does), our service
publishes, and a real tor client pulls bytes from it. Before this our
daemon stayed at 75% there and its service never published."""

import os
import re
import unittest

import testnet

net = None
OUR_CLIENT = "ourclient0"
OUR_HS = "ourhs0"


def setUpModule():
    global net
    if not os.path.exists(testnet.OUR_TOR):
        raise unittest.SkipTest("src/app/tor is not built")
    net = testnet.start(authorities=3, relays=4, clients=1, onion_services=0, exits=False)


def tearDownModule():
    if net:
        net.stop()


class ExitlessTest(unittest.TestCase):

    def test_1_no_exit_in_consensus(self):
        flags = net.consensus_flags()
        self.assertTrue(flags)
        self.assertFalse([fp for fp, f in flags.items() if "Exit" in f])

    def test_2_our_client_bootstraps(self):
        net.add("client", name=OUR_CLIENT, binary="ours", timeout=120)
        self.assertIn("Bootstrapped 100% (done): Done", net.log_text(OUR_CLIENT))

    def test_3_our_service_publishes_and_serves(self):
        net.add("hs", name=OUR_HS, binary="ours", timeout=120,
                extra_torrc="HiddenServiceBulkSource 9000 Bytes=1 MB\n")
        self.assertIn("Bootstrapped 100% (done): Done", net.log_text(OUR_HS))
        net.wait_for_log(OUR_HS, r"Service \S+ current descriptor of revision \d+ initiated "
                                 r"upload request to", which="info", timeout=60)
        with open(os.path.join(net.datadir(OUR_HS), "hs", "hostname")) as f:
            onion = f.read().strip()

        def pull():
            s = testnet.socks_connect(net.socks_port("client0"), onion, 9000, timeout=60)
            got = b""
            s.settimeout(60)
            try:
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    got += chunk
            finally:
                s.close()
            return got
        got = testnet.retry(pull, timeout=150, interval=3, what="pull from %s" % onion)
        self.assertEqual(len(got), 1 << 20)

    def test_4_no_warnings_from_us(self):
        for name in (OUR_CLIENT, OUR_HS):
            text = net.log_text(name)
            bad = [l for l in text.splitlines() if re.search(r"\[(warn|err)\]", l)]
            self.assertEqual(bad, [], name)


if __name__ == "__main__":
    unittest.main()
