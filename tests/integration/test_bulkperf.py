"""tor-bulkperf against a real tor onion service in the private network.

hs0's HiddenServicePort 80 points at 127.0.0.1:<hs_target>, where these
tests run `tor-bulkperf serve`; the client is client0's SocksPort (real tor).

- bulk --streams 8 --circuits 4 --duration 30s --verify sequence passes;
- against a sender that corrupts one byte (serve --corrupt-at, a test
  fixture) it fails, exit status 3, naming the offset;
- transfer writes .tpf lines in the Torperf format as CollecTor publishes
  it (checked field by field below) and JSON with the same numbers;
- the errors a user meets are plain (unreachable proxy, malformed target,
  tor's SOCKS refusal);
- runs accumulate in SQLite and `report` / scripts/plot-bulkperf use them.

About 75 s on top of the shared network's start.
"""

import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import time
import unittest

import testnet

BULKPERF = os.path.join(testnet.REPO, "src", "tools", "bulkperf", "tor-bulkperf")
PLOT = os.path.join(testnet.REPO, "scripts", "plot-bulkperf")

net = None


def setUpModule():
    global net
    if not os.access(BULKPERF, os.X_OK):
        raise unittest.SkipTest("%s is not built (run make)" % BULKPERF)
    net = testnet.session()


class Serve:
    """`tor-bulkperf serve` on hs0's target port, for the with-block."""

    def __init__(self, *args):
        self.args = list(args)

    def __enter__(self):
        port = net.hs_target_port("hs0")
        self.proc = subprocess.Popen(
            [BULKPERF, "serve", "--listen", "127.0.0.1:%d" % port] + self.args,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("listening on 127.0.0.1:%d" % port):
            self.proc.kill()
            raise AssertionError("serve did not start: %r" % line)
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def run(*args, timeout=120):
    return subprocess.run([BULKPERF] + list(args), capture_output=True,
                          text=True, timeout=timeout)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# The Torperf result format as CollecTor publishes it ("Torperf and
# OnionPerf Measurement Results", @type torperf 1.1): one line per run of
# space-separated KEY=VALUE pairs; these keys are required; timestamps are
# seconds since the epoch with a fractional part; DATAPERCx for x = 10..90.
TPF_REQUIRED = ["SOURCE", "FILESIZE", "START", "SOCKET", "CONNECT", "NEGOTIATE",
                "REQUEST", "RESPONSE", "DATAREQUEST", "DATARESPONSE",
                "DATACOMPLETE", "WRITEBYTES", "READBYTES"]
TPF_TIMES = ["START", "SOCKET", "CONNECT", "NEGOTIATE", "REQUEST", "RESPONSE",
             "DATAREQUEST", "DATARESPONSE", "DATACOMPLETE"] + \
            ["DATAPERC%d" % p for p in range(10, 100, 10)]
TS = re.compile(r"^\d+\.\d{2}$")          # as published: two decimals


class BulkperfTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="bulkperf-test.")
        cls.db = os.path.join(cls.tmp, "runs.db")
        cls.onion = net.onion("hs0")
        cls.socks = "127.0.0.1:%d" % net.socks_port("client0")
        cls.target = "%s:80" % cls.onion
        # the onion service must be reachable before timing anything
        with Serve("--pattern", "sequence"):
            testnet.retry(lambda: cls._probe(), timeout=150, interval=3,
                          what="first bytes from %s" % cls.onion)

    @classmethod
    def _probe(cls):
        s = testnet.socks_connect(net.socks_port("client0"), cls.onion, 80, timeout=60)
        try:
            s.settimeout(30)
            got = b""
            while len(got) < 16:
                chunk = s.recv(16 - len(got))
                if not chunk:
                    raise ConnectionError("closed")
                got += chunk
        finally:
            s.close()
        if got != bytes(15) + b"\x01":
            raise ConnectionError("unexpected first bytes %r" % got)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_1_bulk_sequence_passes(self):
        js = os.path.join(self.tmp, "bulk.json")
        with Serve("--pattern", "sequence"):
            r = run("bulk", "--socks", self.socks, "--target", self.target,
                    "--streams", "8", "--circuits", "4", "--duration", "30s",
                    "--verify", "sequence", "--json", js, "--db", self.db,
                    timeout=200)
        print("\n" + r.stdout)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("verify sequence:", r.stdout)
        self.assertRegex(r.stdout, r"verify sequence: \d+ bytes checked, ok")
        self.assertRegex(r.stdout, r"own cost: [0-9.]+ CPU s per GB")
        d = json.load(open(js))
        self.assertEqual(d["result"], "ok")
        self.assertEqual(len(d["streams"]), 8)
        self.assertEqual(sorted({s["circuit"] for s in d["streams"]}), [0, 1, 2, 3])
        for s in d["streams"]:
            self.assertGreater(s["bytes"], 0, s)
            self.assertIsNotNone(s["ttfb"])
        self.assertGreaterEqual(len(d["intervals"]), 29)
        self.assertAlmostEqual(d["summary"]["elapsed"], 30, delta=0.5)
        self.assertGreater(d["summary"]["bytes"], 0)
        self.assertEqual(d["summary"]["verified_bytes"],
                         d["summary"]["bytes"] + d["summary"]["warmup_bytes"])
        # the four circuits really are four: tor saw distinct credentials
        # (each circuit's rate is reported separately)
        self.assertEqual(len(d["intervals"][0]["circuit_mbps"]), 4)

    def test_2_bulk_corrupt_byte_fails_naming_offset(self):
        offset = 1234567
        with Serve("--pattern", "sequence", "--corrupt-at", str(offset)):
            t0 = time.monotonic()
            r = run("bulk", "--socks", self.socks, "--target", self.target,
                    "--streams", "2", "--circuits", "1", "--duration", "30s",
                    "--verify", "sequence", "--db", self.db, timeout=200)
        print("\n" + r.stdout + r.stderr)
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertIn("verification failed", r.stderr)
        self.assertIn("byte at offset %d " % offset, r.stderr)
        self.assertIn("FAILED at offset %d" % offset, r.stdout)
        self.assertLess(time.monotonic() - t0, 60)

    def test_3_transfer_tpf_and_json(self):
        tpf = os.path.join(self.tmp, "op.tpf")
        js = os.path.join(self.tmp, "transfer.json")
        with Serve("--pattern", "sequence"):
            r = run("transfer", "--socks", self.socks, "--target", self.target,
                    "--size", "50KiB,1MiB", "--count", "2", "--every", "0s",
                    "--source", "testnet", "--verify", "sequence",
                    "--tpf", tpf, "--json", js, "--db", self.db, timeout=300)
        print("\n" + r.stdout)
        self.assertEqual(r.returncode, 0, r.stderr)
        text = open(tpf).read()
        lines = text.splitlines()
        self.assertEqual(lines[0], "@type torperf 1.1")
        self.assertEqual(len(lines), 1 + 4)
        records = []
        for line in lines[1:]:
            pairs = [p.split("=") for p in line.split(" ")]
            self.assertTrue(all(len(p) == 2 for p in pairs), line)
            keys = [k for k, _ in pairs]
            self.assertEqual(keys, sorted(keys), "keys in alphabetical order")
            self.assertEqual(len(keys), len(set(keys)))
            rec = dict(pairs)
            for k in TPF_REQUIRED:
                self.assertIn(k, rec)
            for k in TPF_TIMES:
                self.assertRegex(rec[k], TS, k)
            for k in ("FILESIZE", "READBYTES", "WRITEBYTES"):
                self.assertRegex(rec[k], r"^\d+$", k)
            self.assertEqual(rec["DIDTIMEOUT"], "0")
            self.assertEqual(rec["SOURCE"], "testnet")
            # the steps happen in Torperf's order
            seq = [float(rec[k]) for k in ["START", "SOCKET", "CONNECT", "NEGOTIATE",
                                           "REQUEST", "RESPONSE", "DATAREQUEST",
                                           "DATARESPONSE"] +
                   ["DATAPERC%d" % p for p in range(10, 100, 10)] + ["DATACOMPLETE"]]
            self.assertEqual(seq, sorted(seq))
            self.assertAlmostEqual(float(rec["START"]), time.time(), delta=600)
            self.assertGreaterEqual(int(rec["READBYTES"]), int(rec["FILESIZE"]))
            self.assertGreater(int(rec["WRITEBYTES"]), 0)   # the SOCKS request
            records.append(rec)
        self.assertEqual([int(r_["FILESIZE"]) for r_ in records],
                         [51200, 1048576, 51200, 1048576])
        # JSON: the same keys with the same numbers
        d = json.load(open(js))
        self.assertEqual(d["type"], "torperf 1.1")
        self.assertEqual(len(d["transfers"]), len(records))
        for rec, j in zip(records, d["transfers"]):
            self.assertEqual(sorted(j), sorted(rec))
            for k, v in rec.items():
                if isinstance(j[k], str):
                    self.assertEqual(j[k], v, k)
                else:
                    self.assertEqual(j[k], float(v) if "." in v else int(v), k)

    def test_4_plain_errors(self):
        # unreachable proxy
        r = run("bulk", "--socks", "127.0.0.1:%d" % free_port(), "--target",
                self.target, "--duration", "2s")
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot connect to the SOCKS proxy", r.stderr)
        self.assertIn("Connection refused", r.stderr)
        # malformed target
        r = run("bulk", "--socks", self.socks, "--target", "no-port-here")
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr.strip(), "tor-bulkperf: malformed --target "
                         "'no-port-here': expected ADDR:PORT (e.g. xyz.onion:80 "
                         "or 127.0.0.1:5000)")
        # tor refuses: the onion service has no virtual port 81
        r = run("bulk", "--socks", self.socks, "--target", "%s:81" % self.onion,
                "--duration", "2s", "--connect-timeout", "90s", timeout=150)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("SOCKS proxy refused CONNECT to %s:81: " % self.onion, r.stderr)
        self.assertRegex(r.stderr, r"\(reply 0x[0-9A-F]{2}\)")

    def test_5_report_and_plot(self):
        r = run("report", "--db", self.db)
        self.assertEqual(r.returncode, 0, r.stderr)
        print("\n" + r.stdout)
        with sqlite3.connect(self.db) as db:
            modes = [m for (m,) in db.execute("SELECT mode FROM runs ORDER BY id")]
            self.assertIn("bulk", modes)
            self.assertIn("transfer", modes)
        self.assertIn(" bulk ", r.stdout)
        self.assertIn("transfers (seconds from START)", r.stdout)
        if shutil.which("gnuplot"):
            png = os.path.join(self.tmp, "plot.png")
            p = subprocess.run([PLOT, "--db", self.db, "-o", png],
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(png, "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")


if __name__ == "__main__":
    unittest.main()
