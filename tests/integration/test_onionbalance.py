"""onionbalance 0.2.2 (Debian) with our daemon as its tor: it reads the
consensus and microdescriptors over our control port, fetches the
instances' descriptors with HSFETCH, posts the master descriptor with
HSPOST, and a real tor client reaches the master address (served by a real
tor instance that knows the master key through ob_config).

And our daemon as the instances: onionbalance with a real tor as its tor
fronts three of our onion services (HiddenServiceOnionBalanceInstance 1,
ob_config); a real tor client pulls from the master address on isolated
circuits, every byte checked, until each instance has served some.

And our built-in frontend (HiddenServiceOnionBalanceFrontend 1): one torrc,
no onionbalance, fronts two of our instances and a real tor instance; the
same pulls reach all three."""

import hashlib
import os
import re
import signal
import subprocess
import threading
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


def tor_master_dir(path):
    """A HiddenServiceDir holding a fresh identity in tor's key file format
    (python3-cryptography and hashlib, independent of our code); returns
    its onion address without ".onion"."""
    import base64
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519
    os.makedirs(path, mode=0o700, exist_ok=True)
    os.chmod(path, 0o700)
    seed = os.urandom(32)
    h = bytearray(hashlib.sha512(seed).digest())
    h[0] &= 248
    h[31] &= 127
    h[31] |= 64
    pub = ed25519.Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    with open(os.path.join(path, "hs_ed25519_secret_key"), "wb") as f:
        f.write(b"== ed25519v1-secret: type0 ==\0\0\0" + bytes(h))
    with open(os.path.join(path, "hs_ed25519_public_key"), "wb") as f:
        f.write(b"== ed25519v1-public: type0 ==\0\0\0" + pub)
    check = hashlib.sha3_256(b".onion checksum" + pub + b"\x03").digest()[:2]
    return base64.b32encode(pub + check + b"\x03").decode().lower()


def add_instance(name, binary, master):
    n = net.add_node("hs", name=name, binary=binary, start=False,
                     extra_torrc="HiddenServiceOnionBalanceInstance 1\n")
    hsdir = os.path.join(n["datadir"], "hs")
    os.makedirs(hsdir, mode=0o700, exist_ok=True)
    os.chmod(hsdir, 0o700)
    with open(os.path.join(hsdir, "ob_config"), "w") as f:
        f.write("MasterOnionAddress %s.onion\n" % master)
    net._launch(n)
    net.save()


def pull_until_each_served(test, master, bodies, client, tag):
    """Pulls from the master address on isolated circuits, 8 at a time,
    until at least 8 were done and every instance served one (at most
    32); every body must be an instance's, byte for byte."""
    socks_port = net.socks_port(client)
    url = "http://%s.onion/" % master
    testnet.retry(lambda: curl_via(socks_port, url, "%s-first:x" % tag),
                  timeout=240, interval=5, what="a pull through the master address")
    served = {name: 0 for name in bodies}
    errors = []

    def pull(i):
        try:
            body = curl_via(socks_port, url, "%s%d:x" % (tag, i))
        except Exception as e:  # reported below
            errors.append("circuit %d: %s" % (i, e))
            return
        who = body.split(b"\n", 1)[0].decode(errors="replace")
        if who not in bodies or hashlib.sha256(body).digest() != \
                hashlib.sha256(bodies[who]).digest():
            errors.append("circuit %d: %d bytes, not an instance's body" % (i, len(body)))
            return
        served[who] += 1

    done = 0
    while done < 48 and (done < 8 or min(served.values()) == 0):
        if done:
            # The client may hold a master descriptor made before every
            # instance had published: NEWNYM purges tor's onion service
            # client cache, so the next round fetches the current one.
            net.control(client, "SIGNAL NEWNYM")
            time.sleep(11)
        threads = [threading.Thread(target=pull, args=(done + k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(150)
        done += 8
    test.assertEqual(errors, [])
    test.assertTrue(all(served.values()), "streams per instance: %s" % served)
    return served


def start_onionbalance(workdir, config, control_port):
    log = open(os.path.join(workdir, "onionbalance.log"), "w")
    ob = subprocess.Popen([OB, "-v", "info", "--is-testnet", "-c", config,
                           "-i", "127.0.0.1", "-p", str(control_port),
                           "-s", os.path.join(workdir, "no-such-socket")],
                          stdout=log, stderr=subprocess.STDOUT, cwd=workdir,
                          start_new_session=True)
    return ob, log


def wait_for_upload(ob, log, timeout=240):
    text = ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and ob.poll() is None:
        time.sleep(2)
        with open(log.name, errors="replace") as f:
            text = f.read()
        if re.search(r"Uploading (first|second) descriptor for", text) and \
                "Traceback" not in text:
            break
    return text


def stop_onionbalance(ob, log):
    if ob.poll() is None:
        os.killpg(ob.pid, signal.SIGTERM)
        try:
            ob.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(ob.pid, signal.SIGKILL)
            ob.wait()
    log.close()


def curl_via(socks_port, url, auth, timeout=90):
    r = subprocess.run(["curl", "-s", "--max-time", str(timeout), "--proxy-user", auth,
                        "--socks5-hostname", "127.0.0.1:%d" % socks_port, url],
                       capture_output=True, timeout=timeout + 10)
    if r.returncode != 0:
        raise ConnectionError("curl exited %d: %s" % (r.returncode, r.stderr[-300:]))
    return r.stdout


class OnionBalanceTest(unittest.TestCase):

    def test_our_frontend_fronts_ours_and_real(self):
        """Our built-in frontend fronts two of our instances and one real tor
        instance; a real client reaches all three at the master address."""
        workdir = os.path.join(os.path.dirname(net.datadir("client0")), "ob-frontend")
        master = tor_master_dir(os.path.join(workdir, "master"))
        names = {"obfours0": "ours", "obfours1": "ours", "obfreal0": "real"}
        front = "obfrontend"
        servers = []
        try:
            for name, binary in names.items():
                add_instance(name, binary, master)
            net.wait(180, names=list(names), stop_on_failure=False)
            bodies = {}
            for name in names:
                bodies[name] = name.encode() + b"\n" + os.urandom(1 << 20)
                servers.append(testnet.HTTPServer(bodies[name],
                                                  port=net.hs_target_port(name)).__enter__())
            # And one that never publishes: the frontend says so once and
            # fronts the others.
            absent = tor_master_dir(os.path.join(workdir, "absent"))
            backends = "".join("HiddenServiceOnionBalanceBackend %s\n" % net.onion(name)
                               for name in names)
            backends += "HiddenServiceOnionBalanceBackend %s.onion\n" % absent
            net.add("client", name=front, binary="ours", timeout=120,
                    extra_torrc="HiddenServiceDir %s\nHiddenServiceOnionBalanceFrontend 1\n%s"
                    % (os.path.join(workdir, "master"), backends))
            net.wait_for_log(front, r"OnionBalance frontend %s\.onion: fronting 4 backend"
                             % master, timeout=30)
            for name in names:
                net.wait_for_log(front, r"backend %s has \d+ intro point" %
                                 re.escape(net.onion(name)), timeout=180, which="info")
            pull_until_each_served(self, master, bodies, "client0", "front")
            self.check_master_descriptor_on_real_tor(master, names)
            net.wait_for_log(front, r"backend %s\.onion has no usable descriptor after \d+ "
                             r"tries \(no HSDir has its descriptor\); fronting the others"
                             % absent, timeout=120)
            for name in list(names) + [front]:
                complaints = net.complaints_about(name)
                self.assertEqual(complaints, [], net.format_warnings(complaints))
        finally:
            for srv in servers:
                srv.close()
            for name in list(names) + [front]:
                try:
                    net.forget_node(name)
                except Exception:
                    pass

    def check_master_descriptor_on_real_tor(self, master, names):
        """Real tor fetches the master descriptor our frontend made (HSFETCH
        on its control port, through stem), stem parses and decrypts it,
        and it lists intro points of every backend."""
        import stem.control
        import stem.descriptor.hidden_service as hsd

        def intro_keys(c, addr):
            desc = c.get_hidden_service_descriptor(addr, timeout=90)
            v3 = hsd.HiddenServiceDescriptorV3(str(desc).encode(), validate=True)
            return {ip.onion_key_raw for ip in v3.decrypt(addr).introduction_points}

        with stem.control.Controller.from_port(port=net.control_port("client0")) as c:
            c.authenticate()
            merged = intro_keys(c, master)
            self.assertTrue(0 < len(merged) <= 20, len(merged))
            for name in names:
                own = intro_keys(c, net.onion(name)[:-len(".onion")])
                self.assertTrue(own & merged, "no intro point of %s in the master "
                                "descriptor" % name)

    def test_our_instances_behind_onionbalance(self):
        """Three of our onion services as OnionBalance instances behind
        onionbalance 0.2.2 on a real tor; a real client on isolated
        circuits reaches every one of them through the master address."""
        workdir = os.path.join(os.path.dirname(net.datadir("client0")), "onionbalance-ours")
        os.makedirs(workdir, exist_ok=True)
        master = master_key(os.path.join(workdir, "master.key"))
        names = ["obours%d" % i for i in range(3)]
        front = "obrealfront"
        servers, ob, log = [], None, None
        try:
            for name in names:
                add_instance(name, "ours", master)
            net.wait(180, names=names, stop_on_failure=False)
            for name in names:
                net.wait_for_log(name, r"OnionBalance: MasterOnionAddress %s\.onion registered"
                                 % master, timeout=30)
            # Each instance serves its own body: the name, then 1 MiB.
            bodies = {}
            for name in names:
                bodies[name] = name.encode() + b"\n" + os.urandom(1 << 20)
                servers.append(testnet.HTTPServer(bodies[name],
                                                  port=net.hs_target_port(name)).__enter__())
            instances = [net.onion(name)[:-len(".onion")] for name in names]
            net.add("client", name=front, binary="real", timeout=120)
            config = os.path.join(workdir, "config.yaml")
            with open(config, "w") as f:
                f.write("services:\n- key: master.key\n  instances:\n")
                for i, inst in enumerate(instances):
                    f.write("  - address: %s.onion\n    name: inst%d\n" % (inst, i))
            ob, log = start_onionbalance(workdir, config, net.control_port(front))
            text = wait_for_upload(ob, log)
            self.assertIsNone(ob.poll(), "onionbalance exited:\n" + text[-3000:])
            self.assertNotIn("Traceback", text, text[-3000:])
            pull_until_each_served(self, master, bodies, "client0", "iso")
            for name in names:
                complaints = net.complaints_about(name)
                self.assertEqual(complaints, [], net.format_warnings(complaints))
        finally:
            if ob:
                stop_onionbalance(ob, log)
            for srv in servers:
                srv.close()
            for name in names + [front]:
                try:
                    net.forget_node(name)
                except Exception:
                    pass

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
