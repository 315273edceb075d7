"""Our daemon as an onion service in a network of real tor, reached by a
real tor client: HiddenServiceBulkSource streams (sequence pattern checked
byte by byte, Bytes= ending with DONE), an ordinary HiddenServicePort to a
local TCP server, and the bulk sink; the real relays, HSDirs and the client
have no complaint about it."""

import os
import re
import shutil
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
         "HiddenServiceBulkSink 9002\n"
         "HiddenServiceBulkSource 9003 Pattern=sequence Bytes=1 GB\n"
         "HiddenServiceBulkSource 9004\n")


def setUpModule():
    global net
    net = testnet.session()
    if not os.path.exists(testnet.OUR_TOR):
        raise unittest.SkipTest("src/app/tor is not built")
    net.add("hs", name=OURS, binary="ours", extra_torrc=EXTRA, timeout=120)


def onion():
    with open(os.path.join(net.datadir(OURS), "hs", "hostname")) as f:
        return f.read().strip()


def connect(port, timeout=60, within=150):
    """A SOCKS connection through the real tor client to our service."""
    return testnet.retry(lambda: testnet.socks_connect(net.socks_port("client0"), onion(), port,
                                                       timeout=timeout),
                         timeout=within, interval=3, what="connect to %s:%d" % (onion(), port))


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

    def bulkperf(self, *args, timeout=400):
        r = subprocess.run([BULKPERF, *args], capture_output=True, text=True, timeout=timeout)
        return r

    @unittest.skipUnless(os.path.exists(BULKPERF), "tor-bulkperf is not built")
    def test_2b_one_gigabyte_exact_then_done(self):
        """Bytes=1 GB: exactly 1 GiB arrives, every byte checks, then the
        service ends the stream."""
        r = self.bulkperf("bulk", "--socks", "127.0.0.1:%d" % net.socks_port("client0"),
                          "--target", "%s:9003" % onion(), "--streams", "1", "--circuits", "1",
                          "--duration", "600s", "--verify", "sequence", timeout=700)
        self.assertIn("closed by the server after %d bytes" % (1 << 30), r.stderr, r.stderr[-1500:])
        self.assertIn("verify sequence: %d bytes checked, ok" % (1 << 30), r.stdout,
                      r.stdout[-1500:])

    @unittest.skipUnless(os.path.exists(BULKPERF), "tor-bulkperf is not built")
    def test_2c_four_isolated_circuits_and_no_stall(self):
        """4 streams on 4 isolated circuits check; with the zero pattern and no
        limit, 60 s of transfer has no second at zero."""
        r = self.bulkperf("bulk", "--socks", "127.0.0.1:%d" % net.socks_port("client0"),
                          "--target", "%s:9000" % onion(), "--streams", "4", "--circuits", "4",
                          "--duration", "10s", "--verify", "sequence")
        self.assertEqual(r.returncode, 0, r.stdout[-1500:] + r.stderr[-1500:])
        self.assertIn("4/4 streams over 4 circuits", r.stdout)
        r = self.bulkperf("bulk", "--socks", "127.0.0.1:%d" % net.socks_port("client0"),
                          "--target", "%s:9004" % onion(), "--streams", "1", "--circuits", "1",
                          "--duration", "60s", "--verify", "zero")
        self.assertEqual(r.returncode, 0, r.stdout[-1500:] + r.stderr[-1500:])
        self.assertIn("stalls: 0 s with no data", r.stdout)

    @unittest.skipUnless(os.path.exists(BULKPERF), "tor-bulkperf is not built")
    def test_5b_upload_100_mb_counted_exactly(self):
        def received():
            os.kill(net.node(OURS)["pid"], signal.SIGUSR1)
            time.sleep(1)
            ms = re.findall(r"Onion service \S+: \d+ stream\(s\) served, \d+ bytes sent, "
                            r"(\d+) bytes received", net.log_text(OURS))
            return int(ms[-1])
        before = received()
        r = self.bulkperf("upload", "--socks", "127.0.0.1:%d" % net.socks_port("client0"),
                          "--target", "%s:9002" % onion(), "--size", "100MiB")
        self.assertEqual(r.returncode, 0, r.stdout[-1500:] + r.stderr[-1500:])
        deadline = time.time() + 60
        while received() - before < 100 << 20 and time.time() < deadline:
            time.sleep(1)
        self.assertEqual(received() - before, 100 << 20)

    def test_4b_http_page_byte_exact(self):
        page = os.urandom(300000)
        with testnet.HTTPServer(page, port=net.hs_target_port(OURS)):
            body = testnet.retry(lambda: testnet.http_get(net.socks_port("client0"), onion(), 80,
                                                          timeout=60),
                                 timeout=120, what="GET http://%s/" % onion())
        self.assertEqual(body, page)

    def test_7_restart_keeps_address(self):
        before = onion()
        net.remove_node(OURS)
        net._launch(net.node(OURS))
        net.save()
        net.wait_for_log(OURS, r"Bootstrapped 100%", timeout=120)
        self.assertEqual(onion(), before)
        # The real client holds the old descriptor: its intro points must
        # fail and it must fetch the new one, which can take a few rounds.
        connect(9001, within=330).close()

    def test_8_stem_decrypts_what_the_real_client_fetched(self):
        """The descriptor a real tor client fetched from an HSDir, parsed and
        decrypted by python3-stem with the onion address: its intro points
        are the relays our service established."""
        connect(9001).close()
        addr = onion()[:-len(".onion")]
        desc = net.getinfo("client0", "hs/client/desc/id/" + addr)
        self.assertIn("hs-descriptor 3", desc)
        script = ("import sys, stem.descriptor.hidden_service as h\n"
                  "d = h.HiddenServiceDescriptorV3.from_str(sys.stdin.read())\n"
                  "inner = d.decrypt(sys.argv[1])\n"
                  "print('N', len(inner.introduction_points))\n"
                  "for ip in inner.introduction_points:\n"
                  "    for ls in ip.link_specifiers:\n"
                  "        if type(ls).__name__ == 'LinkByIPv4':\n"
                  "            print(ls.port)\n")
        r = subprocess.run(["/usr/bin/python3", "-c", script, onion()], input=desc,
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.split("\n")
        self.assertEqual(lines[0], "N 3", r.stdout)
        # Each intro point's IPv4 link specifier names one relay's ORPort.
        ports = set(int(x) for x in lines[1:] if x)
        built = re.findall(r"Introduction point (\S+) established", net.log_text(OURS, "info"))
        self.assertEqual(len(ports), 3)
        self.assertTrue(ports <= {net.or_port(n) for n in built}, (ports, built))

    def test_9_our_key_directory_served_by_real_tor(self):
        """A key directory made by our daemon, moved to real tor: same
        address, and the client reaches it there."""
        before = onion()
        src = os.path.join(net.datadir(OURS), "hs")
        net.remove_node(OURS)
        n = net.add_node("hs", name="realhs9", binary="real", start=False)
        dst = os.path.join(n["datadir"], "hs")
        os.makedirs(dst, mode=0o700, exist_ok=True)
        for name in ("hs_ed25519_secret_key", "hs_ed25519_public_key", "hostname"):
            shutil.copy2(os.path.join(src, name), os.path.join(dst, name))
        os.chmod(dst, 0o700)
        net._launch(n)
        net.save()
        net.wait(120, names=["realhs9"], stop_on_failure=False)
        with open(os.path.join(dst, "hostname")) as f:
            self.assertEqual(f.read().strip(), before)
        payload = os.urandom(5000)
        try:
            with testnet.EchoServer(port=net.hs_target_port("realhs9")):
                def roundtrip():
                    s = testnet.socks_connect(net.socks_port("client0"), before, 80, timeout=60)
                    try:
                        return testnet.echo_roundtrip(s, payload, timeout=30)
                    finally:
                        s.close()
                got = testnet.retry(roundtrip, timeout=240, interval=5, what="echo through real tor")
        finally:
            # Leave the shared network as we found it: our service back up.
            net.forget_node("realhs9")
            net._launch(net.node(OURS))
            net.save()
            net.wait(120, names=[OURS], stop_on_failure=False)
        self.assertEqual(got, payload)

    def test_6_no_complaints_about_us(self):
        complaints = net.complaints_about(OURS)
        self.assertEqual(complaints, [], net.format_warnings(complaints))


if __name__ == "__main__":
    unittest.main()
