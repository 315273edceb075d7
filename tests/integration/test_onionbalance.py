"""onionbalance 0.2.2 (Debian) with our daemon as its tor: it reads the
consensus and microdescriptors over our control port, fetches the
instances' descriptors with HSFETCH, posts the master descriptor with
HSPOST, and a real tor client reaches the master address (served by a real
tor instance that knows the master key through ob_config)."""

import os
import re
import signal
import subprocess
import time
import unittest

import testnet

net = None
FRONT = "obfront"
INSTANCE = "obinst0"
OB = "/usr/sbin/onionbalance"


def setUpModule():
    global net
    if not os.path.exists(OB):
        raise unittest.SkipTest("onionbalance is not installed (scripts/install-deps)")
    if not os.path.exists(testnet.OUR_TOR):
        raise unittest.SkipTest("src/app/tor is not built")
    net = testnet.session()


def master_key(path):
    """A fresh master identity in onionbalance's own PEM format; returns its
    onion address (python3-cryptography, independent of our code)."""
    import base64
    import hashlib
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519
    key = ed25519.Ed25519PrivateKey.generate()
    with open(path, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    pub = key.public_key().public_bytes(serialization.Encoding.Raw,
                                        serialization.PublicFormat.Raw)
    check = hashlib.sha3_256(b".onion checksum" + pub + b"\x03").digest()[:2]
    return base64.b32encode(pub + check + b"\x03").decode().lower()


class OnionBalanceTest(unittest.TestCase):

    def test_master_address_reached_through_our_frontend(self):
        workdir = os.path.join(os.path.dirname(net.datadir("client0")), "onionbalance")
        os.makedirs(workdir, exist_ok=True)
        master = master_key(os.path.join(workdir, "master.key"))
        # A real tor instance that accepts introductions for the master.
        n = net.add_node("hs", name=INSTANCE, binary="real", start=False,
                         extra_torrc="HiddenServiceOnionBalanceInstance 1\n")
        hsdir = os.path.join(n["datadir"], "hs")
        os.makedirs(hsdir, mode=0o700, exist_ok=True)
        os.chmod(hsdir, 0o700)
        with open(os.path.join(hsdir, "ob_config"), "w") as f:
            f.write("MasterOnionAddress %s.onion\n" % master)
        net._launch(n)
        net.save()
        net.wait(120, names=[INSTANCE], stop_on_failure=False)
        instance = net.onion(INSTANCE)[:-len(".onion")]
        # Our daemon as onionbalance's tor.
        net.add("client", name=FRONT, binary="ours", timeout=120)
        config = os.path.join(workdir, "config.yaml")
        with open(config, "w") as f:
            f.write("services:\n- key: master.key\n  instances:\n"
                    "  - address: %s.onion\n    name: inst0\n" % instance)
        log = open(os.path.join(workdir, "onionbalance.log"), "w")
        ob = subprocess.Popen([OB, "-v", "info", "--is-testnet", "-c", config,
                               "-i", "127.0.0.1", "-p", str(net.control_port(FRONT)),
                               "-s", os.path.join(workdir, "no-such-socket")],
                              stdout=log, stderr=subprocess.STDOUT, cwd=workdir,
                              start_new_session=True)
        try:
            text = ""
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline and ob.poll() is None:
                time.sleep(2)
                with open(log.name, errors="replace") as f:
                    text = f.read()
                if re.search(r"Uploading (first|second) descriptor for", text) and \
                        "Traceback" not in text:
                    break
            self.assertIsNone(ob.poll(), "onionbalance exited:\n" + text[-3000:])
            self.assertNotIn("Traceback", text, text[-3000:])
            self.assertRegex(text, r"Uploading (first|second) descriptor for")
            # A real tor client reaches the service at the master address.
            payload = os.urandom(3000)
            with testnet.EchoServer(port=net.hs_target_port(INSTANCE)):
                def roundtrip():
                    s = testnet.socks_connect(net.socks_port("client0"), master + ".onion",
                                              80, timeout=60)
                    try:
                        return testnet.echo_roundtrip(s, payload, timeout=30)
                    finally:
                        s.close()
                got = testnet.retry(roundtrip, timeout=240, interval=5,
                                    what="echo through the master address")
            self.assertEqual(got, payload)
        finally:
            if ob.poll() is None:
                os.killpg(ob.pid, signal.SIGTERM)
                try:
                    ob.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(ob.pid, signal.SIGKILL)
                    ob.wait()
            log.close()
            # Leave the shared network as we found it.
            net.forget_node(FRONT)
            net.forget_node(INSTANCE)


if __name__ == "__main__":
    unittest.main()
