"""A malicious onion service descriptor on real tor HSDirs (issue 12):
tests/vectors/gen/gen_bad_descriptors.py makes its cases for this network's
clock (8-minute time periods, 4-minute offset, certificates from now on),
real tor (client0) uploads one with +HSPOST -- the HSDirs take it, its
outer layer being valid -- and our client, asked through its SocksPort for
the service, fetches it, refuses it with one log line naming what is wrong
and answers F1 (descriptor invalid) in bounded time."""

import base64
import calendar
import hashlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import unittest

import testnet

net = None
CLIENT = "ourbadclient0"
GEN = os.path.join(testnet.REPO, "tests", "vectors", "gen", "gen_bad_descriptors.py")
PERIOD_MIN, OFFSET_MIN = 8, 4    # a testing network's: 24 and 12 votes of 20 s


def onion_of_key(pk):
    """The v3 address of a 32-byte Ed25519 key (rend-spec-v3 6)."""
    check = hashlib.sha3_256(b".onion checksum" + pk + b"\x03").digest()[:2]
    return base64.b32encode(pk + check + b"\x03").decode().lower() + ".onion"


def setUpModule():
    global net
    if not os.path.exists(testnet.OUR_TOR):
        raise unittest.SkipTest("src/app/tor is not built")
    net = testnet.session()
    net.add("client", name=CLIENT, binary="ours", timeout=120)


def socks5_reply_code(host, port, timeout=150):
    s = socket.create_connection(("127.0.0.1", net.socks_port(CLIENT)), timeout=timeout)
    try:
        s.sendall(b"\x05\x01\x00")
        assert s.recv(2) == b"\x05\x00"
        h = host.encode()
        s.sendall(b"\x05\x01\x00\x03" + bytes([len(h)]) + h + port.to_bytes(2, "big"))
        head = s.recv(10)
        return head[1] if len(head) >= 2 else None
    finally:
        s.close()


def consensus_period():
    """(time period, seconds left in it) of client0's consensus."""
    va = net.getinfo("client0", "consensus/valid-after")
    t = calendar.timegm(time.strptime(va.strip(), "%Y-%m-%d %H:%M:%S"))
    tp = (t // 60 - OFFSET_MIN) // PERIOD_MIN
    return tp, ((tp + 1) * PERIOD_MIN + OFFSET_MIN) * 60 - t


class BadDescriptorTest(unittest.TestCase):

    def test_rejected_with_log_line(self):
        # not at the end of a time period: the HSDirs and our client must
        # agree on it from the upload to the fetch
        tp, left = consensus_period()
        if left < 150:
            time.sleep(left + 30)
            tp, left = consensus_period()
        now = (tp * PERIOD_MIN + OFFSET_MIN) * 60 + 60    # in period tp
        with tempfile.TemporaryDirectory() as d:
            subprocess.run([sys.executable, GEN, "--now", str(now),
                            "--period-length", str(PERIOD_MIN),
                            "--rotation-offset", str(OFFSET_MIN),
                            "--revision", str(int(time.time())), d], check=True)
            with open(os.path.join(d, "ips-21.desc"), "rb") as f:
                text = f.read().decode()
            with open(os.path.join(d, "control.txt")) as f:
                pk = re.search(r"identity_pk = ([0-9a-f]{64})", f.read()).group(1)
        onion = onion_of_key(bytes.fromhex(pk))
        # (no line of a descriptor starts with "."; real tor 0.4.9 does not
        # answer a "+HSPOST" without arguments, so name the address)
        net.control("client0", "+HSPOST HSADDRESS=%s\r\n" % onion[:-len(".onion")] +
                    text.replace("\n", "\r\n") + "\r\n.")

        def code():
            c = socks5_reply_code(onion, 80)
            if c == 0xF0:   # not on the HSDirs yet
                raise ConnectionError("descriptor not found yet")
            return c
        t = time.monotonic()
        self.assertEqual(testnet.retry(code, timeout=150, interval=5, what="F1"), 0xF1)
        self.assertLess(time.monotonic() - t, 155)
        m = net.wait_for_log(CLIENT, r"Rejected the descriptor of %s: ([^\n]*)" %
                             re.escape(onion), which="info", timeout=10)
        self.assertEqual(m.group(1), "too many introduction points (more than 20).")
        # ProtocolWarnings 1 (the testnet's torrc): the line is a warning
        self.assertIn("[warn] Rejected the descriptor of %s" % onion, net.log_text(CLIENT))


if __name__ == "__main__":
    unittest.main()
