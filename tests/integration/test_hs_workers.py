"""Every core for one address: a bulk onion service of ours with
HiddenServiceNumWorkers 3 runs in three worker processes (each an
OnionBalance instance of the address), fronted by the daemon itself. A real
tor client pulls from the address on isolated circuits, every byte checked,
until every worker has served streams; a worker killed with SIGKILL during
pulls is started again and the address keeps answering; SIGUSR1 reaches the
workers; SIGTERM ends them all with the daemon."""

import os
import re
import signal
import struct
import threading
import time
import unittest

import testnet

net = None
NAME = "hsworkers"
WORKERS = 3
PORT = 5000
SIZE = 1 << 20


def setUpModule():
    global net
    if not os.path.exists(testnet.OUR_TOR):
        raise unittest.SkipTest("src/app/tor is not built")
    net = testnet.session()


def sequence(nbytes):
    return b"".join(struct.pack(">Q", i) for i in range(nbytes // 8))


EXPECTED = sequence(SIZE)


def pull(onion, tag):
    """SIZE bytes of the sequence pattern through the real client on the
    isolation key tag; raises on a short or wrong stream."""
    s = testnet.socks_connect(net.socks_port("client0"), onion + ".onion", PORT, timeout=120,
                              auth=(tag.encode(), b"x"))
    try:
        got = bytearray()
        while True:
            b = s.recv(1 << 16)
            if not b:
                break
            got += b
    finally:
        s.close()
    if bytes(got) != EXPECTED[:len(got)]:
        raise ValueError("%s: wrong bytes in a stream of %d" % (tag, len(got)))
    if len(got) != SIZE:   # cut short: a stream that died, retried where wanted
        raise ConnectionError("%s: %d bytes of %d" % (tag, len(got), SIZE))


def worker_pids():
    """{worker index: pid} of the latest start of each worker, from the log."""
    pids = {}
    for m in re.finditer(r"started worker (\d+) \([a-z2-7]{56}\.onion\), pid (\d+)\.",
                         net.log_text(NAME)):
        pids[int(m.group(1))] = int(m.group(2))
    return pids


def worker_dirs():
    base = os.path.join(net.datadir(NAME), "onion-workers")
    return sorted(os.path.join(base, d) for d in os.listdir(base))


def streams_served():
    """{worker dir: streams served} from each worker's latest stats line."""
    out = {}
    for d in worker_dirs():
        try:
            with open(os.path.join(d, "notice.log"), errors="replace") as f:
                text = f.read()
        except FileNotFoundError:
            text = ""
        counts = re.findall(r"Onion service [a-z2-7]{56}\.onion: (\d+) stream\(s\) served", text)
        out[d] = int(counts[-1]) if counts else 0
    return out


class HsWorkersTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        net.add("hs", name=NAME, binary="ours", timeout=180,
                extra_torrc="HiddenServiceNumWorkers %d\n"
                            "HiddenServiceBulkSource %d Pattern=sequence Bytes=%d\n"
                            % (WORKERS, PORT, SIZE))
        cls.onion = net.onion(NAME)[:-len(".onion")]

    @classmethod
    def tearDownClass(cls):
        try:
            net.forget_node(NAME)
        except Exception:
            pass

    def test_1_workers_start_and_bootstrap(self):
        """Three workers, each with its own address and ob_config naming
        the master; each bootstraps; the frontend learns their intro points."""
        net.wait_for_log(NAME, r"runs in %d worker processes" % WORKERS, timeout=30)
        net.wait_for_log(NAME, r"%d of %d workers bootstrapped" % (WORKERS, WORKERS),
                         timeout=180)
        dirs = worker_dirs()
        self.assertEqual(len(dirs), WORKERS)
        addrs = set()
        for d in dirs:
            with open(os.path.join(d, "hs", "hostname")) as f:
                addrs.add(f.read().strip())
            with open(os.path.join(d, "hs", "ob_config")) as f:
                self.assertEqual(f.read(), "MasterOnionAddress %s.onion\n" % self.onion)
            self.assertEqual(os.stat(os.path.join(d, "hs")).st_mode & 0o777, 0o700)
        self.assertEqual(len(addrs), WORKERS)
        for a in addrs:
            net.wait_for_log(NAME, r"backend %s has \d+ intro point" % re.escape(a),
                             timeout=240, which="info")

    def test_2_every_worker_serves(self):
        """Pulls on isolated circuits, every byte checked, until each worker
        has served some (SIGUSR1 makes the workers log their counts)."""
        testnet.retry(lambda: pull(self.onion, "wfirst"), timeout=240, interval=5,
                      what="a pull from the workers' address")
        errors, done = [], 0

        def one(i):
            try:
                pull(self.onion, "w%d" % i)
            except Exception as e:  # reported below
                errors.append("circuit %d: %s" % (i, e))

        served = {}
        while done < 48:
            threads = [threading.Thread(target=one, args=(done + k,)) for k in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(180)
            done += 8
            os.kill(net.node(NAME)["pid"], signal.SIGUSR1)
            time.sleep(3)
            served = streams_served()
            if done >= 8 and min(served.values()) > 0:
                break
            net.control("client0", "SIGNAL NEWNYM")
            time.sleep(11)
        self.assertEqual(errors, [])
        self.assertTrue(all(served.values()), "streams per worker: %s" % served)

    def test_3_killed_worker_restarts(self):
        """SIGKILL to a worker during pulls: logged, started again with its
        keys (same address), and the address keeps answering."""
        before = worker_pids()
        self.assertEqual(sorted(before), list(range(1, WORKERS + 1)))
        results = []

        def one(i):
            try:
                pull(self.onion, "k%d" % i)
                results.append(None)
            except Exception as e:
                results.append(str(e))

        threads = [threading.Thread(target=one, args=(k,)) for k in range(6)]
        for t in threads:
            t.start()
        time.sleep(1)
        os.kill(before[1], signal.SIGKILL)
        for t in threads:
            t.join(180)
        net.wait_for_log(NAME, r"worker 1 \(pid %d\) was killed by signal 9" % before[1],
                         timeout=30)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and worker_pids()[1] == before[1]:
            time.sleep(0.5)
        after = worker_pids()
        self.assertNotEqual(after[1], before[1])
        self.assertEqual({k: v for k, v in after.items() if k != 1},
                         {k: v for k, v in before.items() if k != 1})
        self.assertTrue(alive(after[1]))
        # The address answers, through whichever workers the client reaches.
        for i in range(4):
            testnet.retry(lambda: pull(self.onion, "after%d" % i), timeout=180, interval=5,
                          what="a pull after the restart")
        complaints = net.complaints_about(NAME)
        self.assertEqual(complaints, [], net.format_warnings(complaints))

    def test_4_heartbeat_sums_workers(self):
        """SIGNAL HEARTBEAT: the daemon's heartbeat sums its workers' counts
        (fresh: it asks them with SIGUSR1 first)."""
        net.control(NAME, "SIGNAL HEARTBEAT")
        net.wait_for_log(NAME, r"Heartbeat: onion service %s\.onion has %d of %d workers "
                         r"running \(\d bootstrapped, 1 restart\), with \d+ circuits open; "
                         r"[1-9]\d* stream\(s\) served, [1-9]\d* bytes sent"
                         % (self.onion, WORKERS, WORKERS), timeout=30)

    def test_9_sigterm_ends_every_worker(self):
        """SIGTERM to the daemon: it and every worker exit."""
        pids = list(worker_pids().values())
        parent = net.node(NAME)["pid"]
        os.kill(parent, signal.SIGTERM)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(alive(p) for p in pids + [parent]):
            time.sleep(0.5)
        self.assertEqual([p for p in pids + [parent] if alive(p)], [])
        self.assertIn("Catching signal TERM", net.log_text(NAME))
        for d in worker_dirs():
            with open(os.path.join(d, "notice.log"), errors="replace") as f:
                self.assertIn("Catching signal TERM, exiting cleanly.", f.read())


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except (FileNotFoundError, IndexError):
        return False
