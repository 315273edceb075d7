"""An onion service whose intro points went down is still reached: our
client holds the service's descriptor (from a first pull), then two of the
service's three intro relays are killed (SIGKILL, as a crash) and the
service republishes; new streams, each on its own isolation key (so each makes a new introduction from the
cached descriptor), still pull every byte. The client's info log shows it
tried a dead intro point and went on to another. Own network (real tor
authorities and relays, our client and our bulk service), so killing
relays harms no other test."""

import os
import re
import signal
import time
import unittest

import testnet

net = None
CLIENT = "ourhsclient0"
SERVICE = "ourbulkhs0"
BYTES = 256 << 10


def setUpModule():
    global net
    if not os.path.exists(testnet.OUR_TOR):
        raise unittest.SkipTest("src/app/tor is not built")
    net = testnet.start(authorities=3, relays=9, clients=0, onion_services=0)
    net.add("hs", name=SERVICE, binary="ours", timeout=120,
            extra_torrc="HiddenServiceBulkSource 9000 Bytes=%d\n" % BYTES)
    net.add("client", name=CLIENT, binary="ours", timeout=120)


def tearDownModule():
    if net:
        net.stop()


def onion():
    with open(os.path.join(net.datadir(SERVICE), "hs", "hostname")) as f:
        return f.read().strip()


def pull(isolation):
    s = testnet.socks_connect(net.socks_port(CLIENT), onion(), 9000, timeout=120,
                              auth=(isolation, b"x"))
    got = 0
    try:
        s.settimeout(120)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return got
            got += len(chunk)
    finally:
        s.close()


def first_hops(name):
    """Nicknames of the first hop of each circuit the node has: its guards
    in use, which this test must not kill."""
    hops = set()
    for line in net.getinfo(name, "circuit-status").splitlines():
        m = re.search(r"\$[0-9A-Fa-f]{40}~(\w+)", line)
        if m:
            hops.add(m.group(1))
    return hops


class IntroDownTest(unittest.TestCase):

    def test_reached_through_another_intro_point(self):
        addr = onion()
        net.wait_for_log(SERVICE, r"Service \S+ current descriptor of revision \d+ initiated "
                                  r"upload request to", which="info", timeout=90)
        # The first pull fetches and caches the descriptor.
        got = testnet.retry(lambda: pull(b"first"), timeout=150, interval=3,
                            what="first pull from %s" % addr)
        self.assertEqual(got, BYTES)
        intros = re.findall(r"Introduction point (\w+) established for %s" % addr.split(".")[0],
                            net.log_text(SERVICE, "info"))
        self.assertGreaterEqual(len(set(intros)), 3, intros)
        # Not a guard in use (an authority may go: two of three still vote).
        keep = first_hops(CLIENT) | first_hops(SERVICE)
        victims = [n for n in dict.fromkeys(intros) if n not in keep][:2]
        if sum(v in net.names("authority") for v in victims) > 1:
            victims = victims[:1]
        self.assertTrue(victims, "every intro point is a guard in use: %s %s" % (intros, keep))
        upload = r"Service \S+ current descriptor of revision \d+ initiated upload request to"
        uploads = len(re.findall(upload, net.log_text(SERVICE, "info")))
        for name in victims:
            os.kill(net.node(name)["pid"], signal.SIGKILL)
        # The service notices (its intro circuits through the dead relays
        # close), picks new intro points and republishes; the client still
        # holds the old descriptor.
        deadline = time.monotonic() + 120
        while len(re.findall(upload, net.log_text(SERVICE, "info"))) <= uploads:
            self.assertLess(time.monotonic(), deadline, "the service did not republish")
            time.sleep(1)
        dead = re.compile(r"Intro point (%s) of %s failed" % ("|".join(victims), re.escape(addr)))
        # Each new isolation key makes a new introduction from the cached
        # descriptor, at a random intro point not yet seen failing; within
        # a few keys one of them is a dead one.
        t0 = time.monotonic()
        for i in range(10):
            got = pull(b"after-%d" % i)
            self.assertEqual(got, BYTES, "pull %d after the kill" % i)
            if dead.search(net.log_text(CLIENT, "info")):
                break
        m = dead.search(net.log_text(CLIENT, "info"))
        self.assertTrue(m, "the client never tried a dead intro point (%s)" % victims)
        print("  [intro-down] killed %s; %d pulls after, the client failed over from %s "
              "(%.1f s)" % (victims, i + 1, m.group(1), time.monotonic() - t0))

    def test_z_no_warnings_from_us(self):
        for name in (CLIENT, SERVICE):
            bad = [l for l in net.log_text(name).splitlines()
                   if re.search(r"\[(warn|err)\]", l)]
            self.assertEqual(bad, [], name)


if __name__ == "__main__":
    unittest.main()
