"""Our client bootstraps from fallback directories that it can reach only
on their ORPort, as tor's own fallbacks are: a one-hop circuit begun with
CREATE_FAST (no onion key is known before the consensus) and BEGIN_DIR
streams on it for the consensus, the certificates and the
microdescriptors. The client has the DirAuthority lines (to check the
signatures) and DirAuthorityFallbackRate 0, so with usable fallbacks it
never fetches from an authority's DirPort; the FallbackDir lines name two
real relays by ORPort only. It must reach 100%, and the real relays used
as fallbacks must log no warning while it does (ProtocolWarnings 1)."""

import os
import re
import time
import unittest

import testnet

net = None
OURS = "ourfallback0"
OURS2 = "ourfallback1"
FALLBACKS = ("relay0", "relay1")
started_at = None


def setUpModule():
    global net, started_at
    net = testnet.session()
    if not os.path.exists(testnet.OUR_TOR):
        raise unittest.SkipTest("src/app/tor is not built")
    lines = ["DirAuthorityFallbackRate 0"]
    for name in FALLBACKS:
        lines.append("FallbackDir 127.0.0.1 orport=%d id=%s"
                     % (net.or_port(name), net.fingerprint(name)))
    started_at = time.time() - 1     # log times are whole seconds
    net.add("client", name=OURS, binary="ours", timeout=150,
            extra_torrc="\n".join(lines) + "\n")


def tearDownModule():
    if net and OURS in net.names():
        net.forget_node(OURS)


def fallback_ids():
    return {net.fingerprint(n)[:16]: n for n in FALLBACKS}


class FallbackBootstrapTest(unittest.TestCase):

    def test_1_bootstrapped_in_tor_order(self):
        text = net.log_text(OURS)
        pcts = [int(m) for m in re.findall(r"Bootstrapped (\d+)%", text)]
        self.assertTrue(pcts)
        self.assertEqual(pcts, sorted(pcts))
        self.assertIn("Bootstrapped 20% (onehop_create): Establishing an encrypted "
                      "directory connection", text)
        self.assertIn("Bootstrapped 100% (done): Done", text)

    def test_2_consensus_came_over_create_fast_from_a_fallback(self):
        info = net.log_text(OURS, "info")
        ports = {net.or_port(n) for n in FALLBACKS}
        launched = [int(p) for p in re.findall(
            r"Bootstrapping from fallback directory 127\.0\.0\.1:(\d+) over its ORPort", info)]
        self.assertTrue(launched, "no one-hop circuit to a fallback")
        self.assertTrue(set(launched) <= ports, launched)
        ids = fallback_ids()
        opened = re.findall(r"Circuit \d+: hop 1 \(\$([0-9A-F]{16})\) open, CREATE_FAST\.", info)
        self.assertTrue(opened, "no CREATE_FAST hop opened")
        self.assertTrue(set(opened) <= set(ids), opened)
        got = re.findall(r"Starting GET /tor/status-vote/current/consensus-microdesc from "
                         r"\$([0-9A-F]{16}) over BEGIN_DIR\.", info)
        self.assertTrue(got, "no consensus fetch over BEGIN_DIR from a fallback")
        self.assertTrue(set(got) <= set(ids), got)
        for doc in ("/tor/keys/", "/tor/micro/d/"):
            self.assertRegex(info, r"Starting GET %s\S* from \$[0-9A-F]{16} over BEGIN_DIR\."
                             % re.escape(doc))
        self.assertRegex(info, r"Added \d+ authority certificate")
        self.assertRegex(info, r"Received \d+ new microdescriptor")

    def test_3_bootstrap_circuit_closed_when_done(self):
        """Nothing left to fetch: the one-hop circuit to the fallback goes,
        as tor does not keep it either."""
        m = re.search(r"Circuit (\d+): hop 1 \(\$[0-9A-F]{16}\) open, CREATE_FAST\.",
                      net.log_text(OURS, "info"))
        self.assertTrue(m)
        net.wait_for_log(OURS, r"Circuit %s closed: requested\." % m.group(1), timeout=30,
                         which="info")

    def test_3b_no_dirport_fetch(self):
        info = net.log_text(OURS, "info")
        dirports = re.findall(r"Starting GET \S+ from 127\.0\.0\.1:\d+\.", info)
        self.assertEqual(dirports, [])

    def test_4_socks_works(self):
        with testnet.HTTPServer(b"via fallback\n") as web:
            body = testnet.retry(lambda: testnet.http_get(net.socks_port(OURS), "127.0.0.1",
                                                          web.port),
                                 timeout=90, what="fetch through our SocksPort")
        self.assertTrue(body.endswith(b"via fallback\n"), body[-200:])

    def test_5_fallbacks_log_no_warning(self):
        ws = net.warnings(nodes=list(FALLBACKS), since=started_at)
        self.assertEqual(ws, [], net.format_warnings(ws))
        complaints = net.complaints_about(OURS)
        self.assertEqual(complaints, [], net.format_warnings(complaints))

    def test_6_no_warnings_from_us(self):
        bad = [l for l in net.log_text(OURS).splitlines() if re.search(r"\[(warn|err)\]", l)]
        self.assertEqual(bad, [])

    def test_7_dead_fallbacks_are_passed_over(self):
        """Two fallbacks whose ORPort nobody listens on and one live relay:
        a circuit to a dead one fails, the client draws again (after its
        5 s retry delay) and bootstraps from the live one (each draw picks
        a dead one with probability 2/3; the 150 s bound allows ~25)."""
        name = OURS2
        live = "relay2"
        dead = [net.alloc_port(), net.alloc_port()]
        net.save()
        lines = ["DirAuthorityFallbackRate 0"]
        for i, port in enumerate(dead):
            lines.append("FallbackDir 127.0.0.1 orport=%d id=%s" % (port, ("%02X" % (i + 1)) * 20))
        lines.append("FallbackDir 127.0.0.1 orport=%d id=%s"
                     % (net.or_port(live), net.fingerprint(live)))
        since = time.time() - 1
        try:
            net.add("client", name=name, binary="ours", timeout=150,
                    extra_torrc="\n".join(lines) + "\n")
            self.assertIn("Bootstrapped 100% (done): Done", net.log_text(name))
            info = net.log_text(name, "info")
            tried = [int(p) for p in re.findall(
                r"Bootstrapping from fallback directory 127\.0\.0\.1:(\d+) over its ORPort",
                info)]
            self.assertIn(net.or_port(live), tried)
            self.assertEqual(tried[-1], net.or_port(live), tried)
            got = re.findall(r"Starting GET /tor/status-vote/current/consensus-microdesc from "
                             r"\$([0-9A-F]{16}) over BEGIN_DIR\.", info)
            self.assertEqual(set(got), {net.fingerprint(live)[:16]})
            # every dead one tried failed its channel, and no fetch went to it
            n_dead = sum(1 for p in tried if p in dead)
            self.assertEqual(len(re.findall(r"Circuit \d+ closed: channel failed\.", info)),
                             n_dead)
            ws = net.warnings(nodes=[live], since=since)
            self.assertEqual(ws, [], net.format_warnings(ws))
            bad = [l for l in net.log_text(name).splitlines()
                   if re.search(r"\[(warn|err)\]", l)]
            self.assertEqual(bad, [])
        finally:
            if name in net.names():
                net.forget_node(name)


if __name__ == "__main__":
    unittest.main()
