#!/usr/bin/python3
"""synthnet across network namespaces: delay, loss and reordering as
configured, and nothing crosses when synthnet is not running.

Each test builds its own hosts with scripts/synthnet-topology (namespaces
named after this process's id, addresses 10.201.x.x only inside them) and
takes them down again, whatever happens. Needs root, iproute2, iputils-ping
and ethtool, and a built src/tools/synthnet/synthnet (or $SYNTHNET)."""

import json
import os
import select
import shutil
import statistics
import subprocess
import sys
import time
import unittest

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TOPOLOGY = os.path.join(TOP, "scripts", "synthnet-topology")
SYNTHNET = os.environ.get("SYNTHNET") or os.path.join(
    TOP, "src", "tools", "synthnet", "synthnet")

RECEIVER = r"""
import json, socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
s.bind((sys.argv[1], int(sys.argv[2])))
s.settimeout(0.2)
print("ready", flush=True)
seqs, arrivals, last = [], [], None
deadline = time.time() + float(sys.argv[3])
while time.time() < deadline:
    try:
        d = s.recv(2048)
    except socket.timeout:
        if last is not None and time.time() - last > 1.5:
            break
        continue
    last = time.time()
    seqs.append(int(d[:8]))
    arrivals.append(last - float(d[8:26]))
print(json.dumps({"seqs": seqs, "one_way": arrivals}), flush=True)
"""

SENDER = r"""
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
n, gap = int(sys.argv[3]), float(sys.argv[4])
for i in range(n):
    s.sendto(b"%08d%18.6f" % (i, time.time()) + b"x" * 40,
             (sys.argv[1], int(sys.argv[2])))
    time.sleep(gap)
"""


def run(args, timeout=60, check=True):
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout, text=True)
    if check and p.returncode != 0:
        raise AssertionError("%s failed (%d): %s%s" % (
            " ".join(args), p.returncode, p.stdout, p.stderr))
    return p


class Topology:
    """synthnet-topology up on enter, down on exit."""
    count = 0

    def __init__(self, *opts):
        Topology.count += 1
        self.name = "t%d-%d" % (os.getpid(), Topology.count)
        self.opts = list(opts)
        self.hosts = {}

    def __enter__(self):
        try:
            out = run([TOPOLOGY, "up", "--name", self.name] + self.opts).stdout
        except BaseException:
            self.down()
            raise
        for line in out.splitlines():
            host, _ns, addr = line.split()
            self.hosts[host] = addr
        return self

    def __exit__(self, *exc):
        self.down()

    def down(self):
        run([TOPOLOGY, "down", "--name", self.name], check=False)

    def cmd(self, host, *command):
        return [TOPOLOGY, "exec", "--name", self.name, host, "--"] + list(command)

    def exec(self, host, *command, timeout=60, check=True):
        return run(self.cmd(host, *command), timeout=timeout, check=check)

    def ping(self, host, dst, count, interval=0.2, check=True):
        """RTTs in ms of the replies."""
        p = self.exec(host, "ping", "-n", "-c", str(count), "-i", str(interval),
                      "-W", "2", dst, check=check, timeout=count * interval + 30)
        return [float(part.split("=")[1]) for line in p.stdout.splitlines()
                for part in line.split() if part.startswith("time=")]

    def warm_up(self, src, dst):
        """Resolve ARP across the link (it may be lossy) before measuring."""
        for _ in range(10):
            if self.ping(src, dst, 1, check=False):
                return
        raise AssertionError("%s cannot reach %s at all" % (src, dst))

    def udp(self, src, dst_host, count, gap, port=5301):
        """Sends count numbered datagrams from src to dst_host; returns the
        sequence numbers in arrival order and the one-way times (s)."""
        dst = self.hosts[dst_host]
        recv = subprocess.Popen(
            self.cmd(dst_host, sys.executable, "-c", RECEIVER, dst, str(port),
                     str(count * gap + 30)),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            ready, _, _ = select.select([recv.stdout], [], [], 10)
            if not ready or recv.stdout.readline().strip() != "ready":
                raise AssertionError("receiver did not start: %s" % recv.stderr.read())
            self.exec(src, sys.executable, "-c", SENDER, dst, str(port),
                      str(count), str(gap), timeout=count * gap * 5 + 30)
            out, err = recv.communicate(timeout=count * gap + 40)
        finally:
            if recv.poll() is None:
                recv.kill()
                recv.wait()
        result = json.loads(out.strip().splitlines()[-1])
        return result["seqs"], result["one_way"]


def running(pid):
    """pid is a live process (a zombie waiting to be reaped is not)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def note(fmt, *args):
    """Measured values, for the log."""
    sys.stderr.write("  [synthnet] " + (fmt % args) + "\n")


def inversions(seqs):
    """Packets that arrive after one sent later than them."""
    n, highest = 0, -1
    for s in seqs:
        if s < highest:
            n += 1
        highest = max(highest, s)
    return n


@unittest.skipUnless(os.geteuid() == 0, "needs root (network namespaces)")
@unittest.skipUnless(shutil.which("ip"), "needs iproute2")
class SynthnetLinkTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        if not os.access(SYNTHNET, os.X_OK):
            raise AssertionError("%s is not built (make)" % SYNTHNET)
        if not shutil.which("ping"):
            raise AssertionError("ping not found (iputils-ping)")
        if not shutil.which("ethtool"):
            raise AssertionError("ethtool not found: needed to turn veth offloads off")
        os.environ["SYNTHNET"] = SYNTHNET

    def assert_gone(self, topo, pids=()):
        netns = run(["ip", "netns", "list"]).stdout
        self.assertNotIn("sn-%s-" % topo.name, netns)
        self.assertFalse(os.path.exists("/run/synthnet-topology/" + topo.name))
        for pid in pids:
            self.assertFalse(running(pid), "synthnet %d still runs" % pid)

    def test_no_engine_no_path(self):
        with Topology("--no-engine") as t:
            self.assertEqual(t.hosts, {"h1": "10.201.1.1", "h2": "10.201.1.2"})
            p = t.exec("h1", "ping", "-n", "-c", "3", "-i", "0.2", "-W", "1",
                       t.hosts["h2"], check=False)
            self.assertNotEqual(p.returncode, 0, p.stdout)
            self.assertIn("0 received", p.stdout)
        self.assert_gone(t)

    def test_delay_ping_tcp_and_teardown(self):
        # 30 ms each way: RTT 60 ms.
        with Topology("--delay", "30ms") as t:
            with open("/run/synthnet-topology/%s/link1.pid" % t.name) as f:
                pid = int(f.read())
            t.warm_up("h1", t.hosts["h2"])
            rtts = t.ping("h1", t.hosts["h2"], 10, interval=0.1)
            note("delay 30ms each way: ping RTTs %s", rtts)
            self.assertGreaterEqual(len(rtts), 9)
            self.assertGreaterEqual(min(rtts), 60.0, rtts)
            self.assertLess(statistics.median(rtts), 60.0 + 25.0, rtts)
            # A TCP handshake takes one round trip; then data crosses.
            server = subprocess.Popen(t.cmd("h2", sys.executable, "-c", r"""
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.201.1.2", 5302)); s.listen(1); s.settimeout(20)
print("ready", flush=True)
c, _ = s.accept(); n = 0
while True:
    d = c.recv(65536)
    if not d: break
    n += len(d)
print(n, flush=True)
"""), stdout=subprocess.PIPE, text=True)
            try:
                self.assertEqual(server.stdout.readline().strip(), "ready")
                out = t.exec("h1", sys.executable, "-c", r"""
import socket, time
t0 = time.time()
s = socket.create_connection(("10.201.1.2", 5302), timeout=10)
print((time.time() - t0) * 1000)
s.sendall(b"z" * 2000000)
s.close()
""").stdout
                connect_ms = float(out.split()[0])
                note("TCP connect %.1f ms", connect_ms)
                self.assertGreaterEqual(connect_ms, 60.0)
                self.assertLess(connect_ms, 60.0 + 150.0)
                received, _ = server.communicate(timeout=30)
                self.assertEqual(int(received.strip()), 2000000)
            finally:
                if server.poll() is None:
                    server.kill()
                    server.wait()
            # Fixed delay keeps order and loses nothing; one-way ~30 ms.
            seqs, one_way = t.udp("h1", "h2", 200, 0.002)
            self.assertEqual(sorted(seqs), list(range(200)))
            self.assertEqual(inversions(seqs), 0)
            note("one-way UDP delay: min %.1f ms median %.1f ms",
                 1000 * min(one_way), 1000 * statistics.median(one_way))
            self.assertGreaterEqual(min(one_way), 0.030)
            self.assertLess(statistics.median(one_way), 0.030 + 0.020)
        self.assert_gone(t, [pid])

    def test_loss_rate(self):
        # 10% loss on h1 -> h2 only; 3000 datagrams: binomial sd 0.55%.
        with Topology("--loss", "10%", "--forward-only") as t:
            t.warm_up("h1", t.hosts["h2"])
            n = 3000
            seqs, _ = t.udp("h1", "h2", n, 0.0005)
            lost = 1.0 - len(set(seqs)) / n
            note("loss 10%%: %d of %d lost (%.1f%%)", n - len(set(seqs)), n, 100 * lost)
            self.assertGreater(lost, 0.07, "loss %.3f" % lost)
            self.assertLess(lost, 0.13, "loss %.3f" % lost)

    def test_reordering(self):
        # A quarter of the packets wait for the next one to pass them.
        with Topology("--reorder", "25%", "--forward-only") as t:
            t.warm_up("h1", t.hosts["h2"])
            n = 1000
            seqs, _ = t.udp("h1", "h2", n, 0.001)
            self.assertEqual(sorted(seqs), list(range(n)))  # none lost
            inv = inversions(seqs)
            note("reorder 25%%: %d of %d arrived after a later one", inv, n)
            self.assertGreater(inv, n * 0.10, inv)
            self.assertLess(inv, n * 0.40, inv)

    def test_line_of_three_hosts(self):
        # Two synthnet links of 10 ms each way: h1 -> h3 RTT >= 40 ms.
        with Topology("--hosts", "3", "--delay", "10ms") as t:
            self.assertEqual(t.hosts["h3"], "10.201.2.2")
            t.warm_up("h1", t.hosts["h3"])
            rtts = t.ping("h1", t.hosts["h3"], 5, interval=0.1)
            self.assertGreaterEqual(len(rtts), 4)
            self.assertGreaterEqual(min(rtts), 40.0, rtts)
            self.assertLess(statistics.median(rtts), 40.0 + 25.0, rtts)
        self.assert_gone(t)


if __name__ == "__main__":
    unittest.main()
