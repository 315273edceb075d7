"""Our daemon as a client in a network of real tor: it bootstraps to 100%,
curl fetches a page through its SocksPort, large transfers arrive exact on
one stream and on isolated circuits, a restart comes up from its cached
files, and the real tor relays and authorities have no complaint about it."""

import hashlib
import os
import re
import shutil
import socket
import subprocess
import threading
import time
import unittest

import testnet

net = None
OURS = "ourclient0"


def setUpModule():
    global net
    net = testnet.session()
    if not os.path.exists(testnet.OUR_TOR):
        raise unittest.SkipTest("src/app/tor is not built")
    net.add("client", name=OURS, binary="ours", timeout=120)


def cached_fresh_until(datadir):
    """fresh-until of the consensus cached in datadir, as a Unix time."""
    import calendar
    with open(os.path.join(datadir, "cached-microdesc-consensus")) as f:
        m = re.search(r"^fresh-until (\S+ \S+)$", f.read(), re.M)
    return calendar.timegm(time.strptime(m.group(1), "%Y-%m-%d %H:%M:%S"))


def fetch(port, host, web_port, path="/", auth=None, timeout=120):
    """HTTP GET through our SocksPort with curl (as a user would)."""
    cmd = ["curl", "-s", "--max-time", str(timeout), "--socks5-hostname",
           "127.0.0.1:%d" % port, "http://%s:%d%s" % (host, web_port, path)]
    if auth:
        cmd[1:1] = ["--proxy-user", auth]
    r = subprocess.run(cmd, capture_output=True, timeout=timeout + 10)
    if r.returncode != 0:
        raise ConnectionError("curl exited %d: %s" % (r.returncode, r.stderr[-500:]))
    return r.stdout


class ClientTest(unittest.TestCase):

    def test_bootstrap_lines_in_tor_order(self):
        text = net.log_text(OURS)
        pcts = [int(m) for m in re.findall(r"Bootstrapped (\d+)%", text)]
        self.assertEqual(pcts[-1], 100)
        self.assertEqual(pcts, sorted(pcts))
        self.assertIn("Bootstrapped 100% (done): Done", text)

    @unittest.skipUnless(shutil.which("curl"), "curl is not installed")
    def test_curl_through_socks_port(self):
        token = os.urandom(8).hex().encode()
        with testnet.HTTPServer(b"ours " + token + b"\n") as web:
            body = testnet.retry(lambda: fetch(net.socks_port(OURS), "127.0.0.1", web.port),
                                 timeout=90, what="curl through our SocksPort")
        self.assertEqual(body, b"ours " + token + b"\n")

    def test_large_transfers_arrive_exact(self):
        """200 MB on one stream, then 4 streams on 4 isolated circuits
        (different SOCKS credentials) at once: every byte exact, no stall.
        Each goes over a conflux set (proposal 329) that the real exit
        linked, and the exit sent over both legs (it switched)."""
        big = os.urandom(1 << 20) * 200            # 200 MiB
        want = hashlib.sha256(big).hexdigest()
        with testnet.HTTPServer(big) as web:
            body = fetch(net.socks_port(OURS), "127.0.0.1", web.port, timeout=300)
            self.assertEqual(len(body), len(big))
            self.assertEqual(hashlib.sha256(body).hexdigest(), want)
            del body
            results = [None] * 4

            def one(i):
                try:
                    results[i] = fetch(net.socks_port(OURS), "127.0.0.1", web.port,
                                       auth="user%d:pw%d" % (i, i), timeout=300)
                except Exception as e:  # reported below
                    results[i] = e
            threads = [threading.Thread(target=one, args=(i,)) for i in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(330)
        for i, r in enumerate(results):
            self.assertIsInstance(r, bytes, "stream %d: %r" % (i, r))
            self.assertEqual(hashlib.sha256(r).hexdigest(), want, "stream %d" % i)
        # Different credentials must have used different circuits.
        info = net.log_text(OURS, "info")
        self.assertGreaterEqual(len(re.findall(r"Circuit \d+ built \(3 hops\)", info)), 4)
        self.assertGreaterEqual(len(re.findall(r"Conflux set \d+ linked with 2 legs", info)), 4)
        self.assertRegex(info, r"Conflux set \d+: the exit switched to circuit")
        linked_at_exits = sum(
            net.log_text(n, "info").count("Successfully linked a conflux relay set")
            for n in net.names("relay"))
        self.assertGreaterEqual(linked_at_exits, 4)

    def test_socks_resolve_answers_as_real_tor(self):
        """SOCKS5 RESOLVE (tor's 0xF0): an address literal answered locally,
        a name the exits cannot resolve refused, byte for byte as the real
        tor client answers."""
        def resolve(port, host):
            s = socket.create_connection(("127.0.0.1", port), timeout=60)
            try:
                s.sendall(b"\x05\x01\x00")
                self.assertEqual(s.recv(2), b"\x05\x00")
                s.sendall(b"\x05\xf0\x00\x03" + bytes([len(host)]) + host + b"\x00\x00")
                return s.recv(64)
            finally:
                s.close()
        for host in (b"127.0.0.5", b"no-such-name.invalid"):
            ours = resolve(net.socks_port(OURS), host)
            real = resolve(net.socks_port("client0"), host)
            self.assertEqual(ours, real, host)

    def test_warnings_about_us(self):
        complaints = net.complaints_about(OURS)
        self.assertEqual(complaints, [], net.format_warnings(complaints))

    def test_zz_restart_from_cache(self):
        """Restarted, it reaches 100% from its cached files without fetching
        a new consensus while the cached one is live."""
        node = net.node(OURS)
        info_before = len(net.log_text(OURS, "info"))
        net.remove_node(OURS)          # stops it; it stays in the network
        fresh_until = cached_fresh_until(node["datadir"])
        restarted_at = time.time()
        net._launch(net.node(OURS))
        net.save()
        net.wait_for_log(OURS, r"Loaded the cached consensus", timeout=60)
        net.wait(60, names=[OURS], stop_on_failure=False)
        new_info = net.log_text(OURS, "info")[info_before:]
        start = new_info.find("Loaded the cached consensus")
        done = new_info.find("Bootstrapped 100%")
        self.assertGreaterEqual(start, 0)
        self.assertGreater(done, start)
        # A consensus past its fresh-until is refreshed at once, as tor does
        # (the testing network's consensus is fresh for one 20 s interval
        # only); a fresh one must not be fetched again before 100%.
        if restarted_at < fresh_until:
            self.assertNotIn("GET /tor/status-vote/current/consensus-microdesc",
                             new_info[:done], "fetched a fresh consensus again before 100%")
        self.assertNotIn("GET /tor/micro/d/", new_info[:done],
                         "fetched microdescriptors it had cached")
        self.assertTrue(os.path.exists(os.path.join(node["datadir"], "cached-microdesc-consensus")))


if __name__ == "__main__":
    unittest.main()
