"""HSFETCH and HSPOST through our daemon's control port, with stem 1.8.1
(the calls onionbalance makes): stem's get_hidden_service_descriptor() of
real tor hs0's address returns a v3 descriptor stem parses, with HS_DESC
events that stem parses (none malformed); a non-existent address gives
FAILED REASON=NOT_FOUND and DescriptorUnavailable; a descriptor fetched
from hs0 and posted again with +HSPOST gets 250 OK and one UPLOADED or
FAILED per HSDir (HSDirs may keep or refuse a same-revision copy: the test
checks the protocol, not the HSDirs' choice); and the error replies are
real tor's (tests/vectors/control/real_tor)."""

import logging
import os
import queue
import time
import unittest

import testnet

try:
    import stem
    import stem.control
    import stem.descriptor.hidden_service
    from stem.control import EventType
except ImportError:  # pragma: no cover
    stem = None

net = None
CTL = "ctlhsc0"


def fresh_address():
    """The v3 address (rend-spec-v3 6) of a new random key: nobody runs it."""
    import base64
    import hashlib
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    pk = Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    check = hashlib.sha3_256(b".onion checksum" + pk + b"\x03").digest()[:2]
    return base64.b32encode(pk + check + b"\x03").decode().lower()


NOBODY = fresh_address()


def setUpModule():
    global net
    if stem is None:
        raise unittest.SkipTest("python3-stem is not installed")
    if not os.path.exists(testnet.OUR_TOR):
        raise unittest.SkipTest("src/app/tor is not built")
    net = testnet.session()
    net.add("client", name=CTL, binary="ours", timeout=120)


def controller():
    c = stem.control.Controller.from_port(port=net.control_port(CTL))
    c.authenticate()
    return c


def hs0_address():
    a = net.onion("hs0")
    return a[:-len(".onion")] if a.endswith(".onion") else a


def fetch_until_found(addr, timeout=240):
    """stem's get_hidden_service_descriptor, retried while hs0's descriptor
    may not have reached its HSDirs yet. Returns (desc, events, malformed)."""
    deadline = time.monotonic() + timeout
    while True:
        with controller() as c:
            lis = Listen(c)
            try:
                desc = c.get_hidden_service_descriptor(addr, timeout=90)
                evs = lis.drain(lambda g: any(e.action == "RECEIVED" for e in g), 5)
                return desc, evs, lis.malformed
            except (stem.DescriptorUnavailable, stem.Timeout):
                if time.monotonic() > deadline:
                    raise
        time.sleep(5)


def reply(msg):
    """(code, text) of a one-line reply."""
    code, _, text = msg.content()[-1]
    return code, text


class _MalformedLog(logging.Handler):
    def __init__(self, sink):
        super().__init__(logging.ERROR)
        self.sink = sink

    def emit(self, record):
        msg = record.getMessage()
        if "malformed event" in msg:
            self.sink.append(msg)


class Listen:
    """Collects HS_DESC events and malformed events on a controller."""

    def __init__(self, c):
        self.events, self.malformed = queue.Queue(), []
        self.c = c
        c.add_event_listener(self.events.put, EventType.HS_DESC)
        # stem 1.8.1 would send SETEVENTS for its MALFORMED_EVENTS
        # pseudo-event; it logs each malformed event instead: watch that.
        self.handler = _MalformedLog(self.malformed)
        logging.getLogger("stem").addHandler(self.handler)

    def drain(self, until, timeout):
        got = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                got.append(self.events.get(timeout=0.5))
            except queue.Empty:
                pass
            if until(got):
                break
        return got


class HsFetchTest(unittest.TestCase):

    def test_fetch_hs0(self):
        addr = hs0_address()
        net.wait_for_log("hs0", r"upload_descriptor_to_hsdir\(\)", which="info", timeout=120)

        desc, evs, malformed = fetch_until_found(addr)
        # stem 1.8.1's HS_DESC_CONTENT parser makes a V2 object of any
        # descriptor (it does so with real tor too); the text must parse as v3.
        self.assertIsNotNone(desc)
        v3 = stem.descriptor.hidden_service.HiddenServiceDescriptorV3(
            str(desc).encode(), validate=True)
        self.assertEqual(v3.version, 3)
        self.assertGreater(v3.revision_counter, 0)
        self.assertEqual(malformed, [])
        req = [e for e in evs if e.action == "REQUESTED"]
        rec = [e for e in evs if e.action == "RECEIVED"]
        self.assertTrue(req and rec, [str(e) for e in evs])
        for e in req + rec:
            self.assertEqual(e.address, addr)
            self.assertRegex(e.directory_fingerprint, r"^[0-9A-F]{40}$")
            self.assertEqual(len(e.descriptor_id), 43)
        self.assertRegex(str(req[0]), r"HSDIR_INDEX=[0-9A-F]{64}$")
        # GETINFO hs/client/desc/id/ gives the same text.
        with controller() as c:
            cached = c.get_info("hs/client/desc/id/%s" % addr)
            self.assertTrue(cached.startswith("hs-descriptor 3\n"))
            with self.assertRaises(stem.OperationFailed) as cm:
                c.get_info("hs/client/desc/id/nosuch")
            self.assertEqual(cm.exception.code, "551")

    def test_fetch_nobody(self):
        with controller() as c:
            lis = Listen(c)
            with self.assertRaises(stem.DescriptorUnavailable):
                c.get_hidden_service_descriptor(NOBODY, timeout=120)
            evs = lis.drain(lambda g: any(e.action == "FAILED" for e in g), 5)
            failed = [e for e in evs if e.action == "FAILED"]
            self.assertTrue(failed)
            self.assertEqual(failed[0].reason, stem.HSDescReason.NOT_FOUND)
            self.assertEqual(lis.malformed, [])
            with self.assertRaises(stem.OperationFailed) as cm:
                c.get_info("hs/client/desc/id/%s" % NOBODY)
            self.assertEqual(str(cm.exception.message), "Not found in cache")

    def test_errors_as_real_tor(self):
        with controller() as c:
            r = c.msg("HSFETCH nosuchaddress")
            self.assertEqual(reply(r), ("513", 'Invalid argument "nosuchaddress"'))
            r = c.msg("HSFETCH")
            self.assertEqual(reply(r), ("512", "Bad arguments to HSFETCH: Need at least 1 argument(s)"))
            r = c.msg("HSFETCH %s SERVER=nosuch" % NOBODY)
            self.assertEqual(reply(r), ("552", 'Server "nosuch" not found'))
            r = c.msg("HSPOST HSADDRESS=nosuch\nthis is not a descriptor")
            self.assertEqual(reply(r), ("512", "Malformed onion address"))
            r = c.msg("HSPOST HSADDRESS=%s\nthis is not a descriptor" % NOBODY)
            self.assertEqual(reply(r), ("554", "Invalid descriptor"))
            # real tor says nothing here; we answer (stem would wait forever)
            r = c.msg("HSPOST\nthis is not a descriptor")
            self.assertEqual(reply(r), ("554", "Invalid descriptor"))
            self.assertTrue(c.get_info("version"))


class HsPostTest(unittest.TestCase):

    def test_repost_hs0(self):
        addr = hs0_address()
        net.wait_for_log("hs0", r"upload_descriptor_to_hsdir\(\)", which="info", timeout=120)

        desc = fetch_until_found(addr)[0]
        with controller() as c:
            text = c.get_info("hs/client/desc/id/%s" % addr)   # verbatim
        servers = [net.fingerprint(n) for n in ("relay0", "relay1")]
        with controller() as c:
            lis = Listen(c)
            # as onionbalance sends it (stem adds the "+" and the ".")
            r = c.msg("HSPOST %s HSADDRESS=%s\n%s" %
                      (" ".join("SERVER=%s" % s for s in servers), addr, text))
            self.assertEqual(reply(r), ("250", "OK"))
            # (events of other controllers' fetches may be mixed in: only
            # those naming hs0 count)
            mine = lambda g: [e for e in g if e.address == addr]  # noqa: E731
            evs = lis.drain(lambda g: len([e for e in mine(g) if e.action in
                                           ("UPLOADED", "FAILED")]) >= len(servers), 120)
            evs = mine(evs)
            done = [e for e in evs if e.action in ("UPLOADED", "FAILED")]
            self.assertEqual(sorted(e.directory_fingerprint for e in done), sorted(servers),
                             [str(e) for e in evs])
            for e in done:
                self.assertEqual(e.address, addr)
                if e.action == "FAILED":
                    self.assertEqual(e.reason, stem.HSDescReason.UPLOAD_REJECTED)
            up = [e for e in evs if e.action == "UPLOAD"]
            self.assertEqual(len(up), len(servers))
            self.assertEqual(lis.malformed, [])
            # without SERVER: the responsible HSDirs, address UNKNOWN
            while not lis.events.empty():
                lis.events.get()
            r = c.msg("HSPOST \n%s" % text)
            self.assertEqual(reply(r), ("250", "OK"))
            # (stem keeps HS_DESC's "UNKNOWN" address as the string)
            unknown = lambda g: [e for e in g if e.address == "UNKNOWN"]  # noqa: E731
            evs = lis.drain(lambda g: unknown(g) and len([e for e in unknown(g) if e.action in (
                "UPLOADED", "FAILED")]) >= len([e for e in unknown(g) if e.action == "UPLOAD"]),
                120)
            evs = unknown(evs)
            up = [e for e in evs if e.action == "UPLOAD"]
            self.assertTrue(up)
            self.assertEqual(len([e for e in evs if e.action in ("UPLOADED", "FAILED")]),
                             len(up))
            for e in evs:
                self.assertIn(e.action, ("UPLOAD", "UPLOADED", "FAILED"))
            self.assertEqual(lis.malformed, [])


if __name__ == "__main__":
    unittest.main()
