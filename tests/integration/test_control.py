"""Our daemon's control port in a network of real tor, driven by stem 1.8.1
(Debian's python3-stem), the library onionbalance, nyx, onionprobe and
OnionPerf use: TCP and unix socket, NULL/cookie/safecookie/password
authentication, version and bootstrap status, GETINFO directory documents,
GETCONF/SETCONF, and CIRC, STREAM, BW and HS_DESC events parsed by stem
(none malformed)."""

import os
import queue
import re
import subprocess
import time
import unittest

import testnet

try:
    import stem
    import stem.connection
    import stem.control
    import stem.response.events
    import stem.version
    from stem.control import EventType
except ImportError:  # pragma: no cover
    stem = None

net = None
AUTHED = "ctl0"       # cookie + password + unix socket
OPEN = "ctl1"         # no authentication configured (NULL)
HS = "ctlhs0"         # our onion service, with its control port watched
PASSWORD = "ctl test password"


def hashed(pw):
    r = subprocess.run([testnet.OUR_TOR, "--quiet", "--hash-password", pw],
                       capture_output=True, text=True, timeout=30, check=True)
    return r.stdout.strip().splitlines()[-1]


def setUpModule():
    global net
    if stem is None:
        raise unittest.SkipTest("python3-stem is not installed")
    if not os.path.exists(testnet.OUR_TOR):
        raise unittest.SkipTest("src/app/tor is not built")
    net = testnet.session()
    net.add("client", name=AUTHED, binary="ours", timeout=120,
            extra_torrc="ControlSocket {datadir}/control\n"
                        "HashedControlPassword %s\n" % hashed(PASSWORD))
    net.add("client", name=OPEN, binary="ours", timeout=120,
            extra_torrc="CookieAuthentication 0\n")


def net_pid(c):
    """The pid GETINFO should report: the one in the node's pid file."""
    for name in (AUTHED, OPEN):
        if c.get_socket().port == net.control_port(name):
            with open(os.path.join(net.datadir(name), "pid")) as f:
                return int(f.read())
    return -1


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tcp(name):
    return stem.control.Controller.from_port(port=net.control_port(name))


def cookie_path(name):
    return os.path.join(net.datadir(name), "control_auth_cookie")


class AuthTest(unittest.TestCase):

    def test_protocolinfo(self):
        with tcp(AUTHED) as c:
            pi = stem.connection.get_protocolinfo(c)
            self.assertEqual(pi.auth_methods, (stem.connection.AuthMethod.COOKIE,
                                               stem.connection.AuthMethod.SAFECOOKIE,
                                               stem.connection.AuthMethod.PASSWORD))
            self.assertEqual(pi.cookie_path, cookie_path(AUTHED))
            self.assertGreaterEqual(pi.tor_version, stem.version.Version("0.4.8.0"))

    def test_cookie(self):
        with tcp(AUTHED) as c:
            stem.connection.authenticate_cookie(c, cookie_path(AUTHED))
            # Only an authenticated connection gets an answer (else 514).
            self.assertTrue(c.get_info("version").startswith("0.4.8.0-bulk-"))

    def test_safecookie(self):
        with tcp(AUTHED) as c:
            stem.connection.authenticate_safecookie(c, cookie_path(AUTHED))
            self.assertEqual(c.get_info("process/pid"), str(net_pid(c)))

    def test_password(self):
        with tcp(AUTHED) as c:
            stem.connection.authenticate_password(c, PASSWORD)
            self.assertEqual(c.get_info("process/pid"), str(net_pid(c)))

    def test_wrong_password_closes(self):
        with tcp(AUTHED) as c:
            with self.assertRaises(stem.connection.IncorrectPassword):
                stem.connection.authenticate_password(c, "not it")
        with tcp(AUTHED) as c:   # and the daemon keeps serving others
            c.authenticate(password=PASSWORD)

    def test_null(self):
        with tcp(OPEN) as c:
            pi = stem.connection.get_protocolinfo(c)
            self.assertEqual(pi.auth_methods, (stem.connection.AuthMethod.NONE,))
            stem.connection.authenticate_none(c)
            self.assertEqual(c.get_info("process/pid"), str(net_pid(c)))

    def test_unix_socket(self):
        path = os.path.join(net.datadir(AUTHED), "control")
        with stem.control.Controller.from_socket_file(path) as c:
            c.authenticate()   # stem picks SAFECOOKIE
            self.assertEqual(c.get_info("net/listeners/control").count('"'), 4)


class InfoTest(unittest.TestCase):

    def test_version_and_bootstrap(self):
        with tcp(AUTHED) as c:
            c.authenticate()
            self.assertGreaterEqual(c.get_version(), stem.version.Version("0.4.8"))
            phase = c.get_info("status/bootstrap-phase")
            self.assertIn("PROGRESS=100", phase)
            self.assertIn('TAG=done SUMMARY="Done"', phase)
            self.assertEqual(c.get_info("status/circuit-established"), "1")
            self.assertEqual(c.get_info("status/enough-dir-info"), "1")
            socks = c.get_listeners(stem.control.Listener.SOCKS)
            self.assertEqual(socks, [("127.0.0.1", net.socks_port(AUTHED))])

    def test_directory_documents(self):
        """What onionbalance reads to build its HSDir ring: the consensus and
        every microdescriptor, verbatim (their SHA-256 matches the m lines)."""
        import base64
        import hashlib
        with tcp(AUTHED) as c:
            c.authenticate()
            cons = c.get_info("dir/status-vote/current/consensus-microdesc")
            self.assertTrue(cons.startswith("network-status-version 3 microdesc"))
            mds = c.get_info("md/all")
            digests = set()
            for body in re.split(r"(?m)^(?=onion-key\n)", mds + "\n"):
                if body.strip():
                    d = hashlib.sha256(body.encode()).digest()
                    digests.add(base64.b64encode(d).decode().rstrip("="))
            listed = set(re.findall(r"(?m)^m (\S+)$", cons))
            self.assertTrue(listed)
            self.assertTrue(listed <= digests, "md/all misses %s" % (listed - digests))
            self.assertEqual(len(list(c.get_microdescriptors())), len(listed))

    def test_getconf_setconf(self):
        with tcp(AUTHED) as c:
            c.authenticate()
            self.assertEqual(c.get_conf("SocksPort"), "127.0.0.1:%d" % net.socks_port(AUTHED))
            self.assertEqual(c.get_conf("HiddenServiceSingleHopMode"), "0")
            c.set_conf("HeartbeatPeriod", "2 hours")
            self.assertEqual(c.get_conf("HeartbeatPeriod"), "7200")
            c.reset_conf("HeartbeatPeriod")
            self.assertEqual(c.get_conf("HeartbeatPeriod"), "21600")
            with self.assertRaises(stem.InvalidRequest):
                c.set_conf("SocksPort", "9")      # not while running: 553
            with self.assertRaises(stem.InvalidArguments):
                c.get_conf("NoSuchOption")
            c.signal(stem.Signal.NEWNYM)
            c.signal(stem.Signal.ACTIVE)


class EventTest(unittest.TestCase):

    def test_circ_stream_bw(self):
        got = queue.Queue()
        with tcp(AUTHED) as c:
            c.authenticate()
            c.add_event_listener(got.put, EventType.CIRC, EventType.STREAM, EventType.BW,
                                 EventType.STREAM_BW, EventType.CIRC_BW, EventType.CONN_BW)
            c.signal(stem.Signal.NEWNYM)       # the fetch below takes a new circuit
            with testnet.HTTPServer(b"control test\n" * 1000) as web:
                body = testnet.retry(lambda: testnet.http_get(
                    net.socks_port(AUTHED), "127.0.0.1", web.port), timeout=60)
            self.assertIn(b"control test", body)
            self.assertIsInstance(c.get_streams(), list)     # stream-status parses
            self.assertTrue(c.get_circuits())                 # circuit-status too
            events = []
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    events.append(got.get(timeout=1))
                except queue.Empty:
                    pass
                kinds = {(type(e).__name__, getattr(e, "status", None)) for e in events}
                if (("StreamEvent", "CLOSED") in kinds and
                        sum(isinstance(e, stem.response.events.BandwidthEvent)
                            for e in events) >= 3):
                    break
        bw = [e for e in events if isinstance(e, stem.response.events.BandwidthEvent)]
        streams = [e for e in events if isinstance(e, stem.response.events.StreamEvent)]
        circs = [e for e in events if isinstance(e, stem.response.events.CircuitEvent)]
        self.assertGreaterEqual(len(bw), 3)
        self.assertTrue(any(e.read > 0 and e.written > 0 for e in bw))
        statuses = [e.status for e in streams]
        for s in ("NEW", "SENTCONNECT", "SUCCEEDED", "CLOSED"):
            self.assertIn(s, statuses)
        new = next(e for e in streams if e.status == "NEW")
        self.assertEqual(new.target_port, web.port)
        self.assertEqual(new.purpose, "USER")
        self.assertRegex(new.source_address, r"^127\.0\.0\.1$")
        ok = next(e for e in streams if e.status == "SUCCEEDED")
        built = [e for e in circs if e.status == "BUILT" and e.id == ok.circ_id]
        self.assertTrue(built, "no CIRC BUILT for the stream's circuit %s" % ok.circ_id)
        self.assertEqual(len(built[0].path), 3)
        # A conflux leg is built as CONFLUX_UNLINKED, as tor names it.
        self.assertIn(built[0].purpose, ("GENERAL", "CONFLUX_UNLINKED"))
        for e in circs:
            self.assertIsNotNone(e.created)
        # STREAM_BW: what the stream carried, per second, adds up.
        sbw = [e for e in events if isinstance(e, stem.response.events.StreamBwEvent)
               and e.id == ok.id]
        self.assertGreaterEqual(sum(e.read for e in sbw), len(body))
        self.assertGreater(sum(e.written for e in sbw), 0)
        # CIRC_BW in tor's units: 509 bytes per cell, of which 498 are
        # delivered body plus relay overhead; the body came on this circuit.
        cbw = [e for e in events if isinstance(e, stem.response.events.CircuitBandwidthEvent)
               and e.id == ok.circ_id]
        self.assertTrue(cbw, "no CIRC_BW for circuit %s" % ok.circ_id)
        for e in cbw:
            self.assertEqual(e.read % 509, 0)
            self.assertEqual(e.delivered_read + e.overhead_read, e.read // 509 * 498)
            self.assertEqual(e.delivered_written + e.overhead_written, e.written // 509 * 498)
            self.assertIsNotNone(e.time)
        # On a conflux set the exit sends the body over either leg: the
        # legs are the CONFLUX circuits that end at the stream's exit.
        legs = {ok.circ_id}
        if built[0].purpose.startswith("CONFLUX"):
            legs |= {e.id for e in circs if e.purpose and e.purpose.startswith("CONFLUX")
                     and e.path and e.path[-1][0] == built[0].path[-1][0]}
        set_bw = [e for e in events
                  if isinstance(e, stem.response.events.CircuitBandwidthEvent)
                  and e.id in legs]
        self.assertGreaterEqual(sum(e.delivered_read for e in set_bw), len(body))
        conn = [e for e in events
                if isinstance(e, stem.response.events.ConnectionBandwidthEvent)]
        self.assertTrue(conn)
        self.assertTrue(all(e.conn_type == "OR" for e in conn))
        self.assertGreaterEqual(sum(e.read for e in conn), len(body))

    def test_orconn_and_circ_minor(self):
        """EXTENDCIRCUIT through a relay we have no connection to: ORCONN
        LAUNCHED then CONNECTED with one ID (as real tor's capture), the
        relay in orconn-status; SETCIRCUITPURPOSE gives CIRC_MINOR
        PURPOSE_CHANGED with OLD_PURPOSE; network-liveness is up."""
        got = queue.Queue()
        with tcp(AUTHED) as c:
            c.authenticate(password=PASSWORD)
            self.assertEqual(c.get_info("network-liveness"), "up")
            status = c.get_info("orconn-status").splitlines()
            self.assertTrue(status)
            for line in status:
                self.assertRegex(line, r"^\$[0-9A-F]{40}(~\w+)? (CONNECTED|LAUNCHED)$")
            connected = {l[1:41] for l in status}
            relays = [r.fingerprint for r in c.get_network_statuses()]
            fresh = [fp for fp in relays if fp not in connected]
            self.assertTrue(fresh, "already connected to every relay: %s" % status)
            c.add_event_listener(got.put, EventType.ORCONN, EventType.CIRC_MINOR,
                                 EventType.NETWORK_LIVENESS)
            others = [fp for fp in relays if fp != fresh[0]][:2]
            cid = c.new_circuit(["$" + fp for fp in [fresh[0]] + others], await_build=True,
                                timeout=60)
            c.repurpose_circuit(cid, "controller")
            events = []
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                try:
                    events.append(got.get(timeout=1))
                except queue.Empty:
                    pass
                if any(isinstance(e, stem.response.events.CircMinorEvent) for e in events):
                    break
            orc = [e for e in events if isinstance(e, stem.response.events.ORConnEvent)
                   and e.endpoint_fingerprint == fresh[0]]
            self.assertEqual([e.status for e in orc][:2], ["LAUNCHED", "CONNECTED"],
                             [str(e) for e in events])
            self.assertEqual(orc[0].id, orc[1].id)
            self.assertTrue(orc[0].endpoint_nickname)
            self.assertIn("$%s~%s CONNECTED" % (fresh[0], orc[0].endpoint_nickname),
                          c.get_info("orconn-status").splitlines())
            minor = [e for e in events if isinstance(e, stem.response.events.CircMinorEvent)]
            self.assertEqual(minor[0].id, cid)
            self.assertEqual(minor[0].event, "PURPOSE_CHANGED")
            self.assertEqual(minor[0].purpose, "CONTROLLER")
            self.assertEqual(minor[0].old_purpose, "GENERAL")
            self.assertEqual(len(minor[0].path), 3)
            c.close_circuit(cid)

    def test_newconsensus(self):
        """NEWCONSENSUS (each consensus of the 20 s voting interval): the
        relays' status entries, parsed by stem, match GETINFO ns/all."""
        got = queue.Queue()
        with tcp(AUTHED) as c:
            c.authenticate(password=PASSWORD)
            c.add_event_listener(got.put, EventType.NEWCONSENSUS)
            ev = got.get(timeout=90)
            fps = sorted(r.fingerprint for r in ev.desc)
            self.assertTrue(fps)
            self.assertEqual(fps, sorted(r.fingerprint for r in c.get_network_statuses()))

    def test_mapaddress_and_resolve(self):
        """MAPADDRESS: a SOCKS request for the mapped address goes where the
        map says; RESOLVE: a lookup at an exit answered by ADDRMAP (parsed
        by stem)."""
        got = queue.Queue()
        with tcp(AUTHED) as c:
            c.authenticate(password=PASSWORD)
            self.assertEqual(c.map_address({"10.11.12.13": "127.0.0.1"}),
                             {"10.11.12.13": "127.0.0.1"})
            self.assertIn("10.11.12.13 127.0.0.1 NEVER",
                          c.get_info("address-mappings/control"))
            with testnet.HTTPServer(b"mapped\n") as web:
                body = testnet.retry(lambda: testnet.http_get(
                    net.socks_port(AUTHED), "10.11.12.13", web.port), timeout=60)
            self.assertIn(b"mapped", body)
            virt = c.map_address({"0.0.0.0": "example.com"})
            self.assertRegex(list(virt)[0], r"^127\.(19[2-9]|2[0-5]\d)\.")
            c.add_event_listener(got.put, EventType.ADDRMAP)
            reply = c.msg("RESOLVE localhost")
            self.assertTrue(reply.is_ok())
            ev = got.get(timeout=60)
            self.assertEqual(ev.hostname, "localhost")
            self.assertIsNotNone(ev.destination or ev.error)

    def test_extendcircuit_and_closecircuit(self):
        """stem's new_circuit (EXTENDCIRCUIT 0, then CIRC BUILT), on a path
        of our choosing too, and close_circuit (CLOSED REASON=FINISHED)."""
        with tcp(AUTHED) as c:
            c.authenticate(password=PASSWORD)
            cid = c.new_circuit(await_build=True, timeout=60)
            circ = c.get_circuit(cid)
            self.assertEqual(circ.status, "BUILT")
            self.assertEqual(len(circ.path), 3)
            relays = [r.fingerprint for r in c.get_network_statuses()][:2]
            cid2 = c.new_circuit(["$" + fp for fp in relays], purpose="controller",
                                 await_build=True, timeout=60)
            circ2 = c.get_circuit(cid2)
            self.assertEqual([fp for fp, _ in circ2.path], relays)
            self.assertEqual(circ2.purpose, "CONTROLLER")
            c.close_circuit(cid)
            c.close_circuit(cid2)
            ids = [x.id for x in c.get_circuits()]
            self.assertNotIn(cid, ids)
            with self.assertRaises(stem.InvalidArguments):
                c.close_circuit("999999")

    def test_hs_desc_uploaded_events_and_chutney_line(self):
        """Our onion service, watched from its start: HS_DESC UPLOADED for
        each HSDir (stem parses each, HSDir fields are $FP~nick), and tor's
        info line chutney waits for."""
        net.add("hs", name=HS, binary="ours", wait=False,
                extra_torrc="HiddenServiceBulkSource 9000\n")
        port = net.control_port(HS)
        c = testnet.retry(lambda: stem.control.Controller.from_port(port=port),
                          timeout=60, interval=0.2, what="our hs control port")
        got = queue.Queue()
        try:
            testnet.retry(lambda: os.path.exists(cookie_path(HS)) or None, timeout=30,
                          interval=0.2, what="cookie file")
            c.authenticate()
            c.add_event_listener(got.put, EventType.HS_DESC)
            events = []
            deadline = time.monotonic() + 150
            while time.monotonic() < deadline:
                try:
                    events.append(got.get(timeout=1))
                except queue.Empty:
                    pass
                if sum(e.action == "UPLOADED" for e in events) >= 2:
                    break
            # What was uploaded, as GETINFO hs/service/desc/id/ gives it:
            # stem parses it and decrypts it with the address.
            with open(os.path.join(net.datadir(HS), "hs", "hostname")) as f:
                onion = f.read().strip()[:-len(".onion")]
            text = c.get_info("hs/service/desc/id/" + onion)
            import stem.descriptor.hidden_service as hsd
            desc = hsd.HiddenServiceDescriptorV3(text.encode(), validate=True)
            inner = desc.decrypt(onion)
            self.assertTrue(inner.introduction_points)
            with self.assertRaises(stem.OperationFailed):    # 551 Invalid address
                c.get_info("hs/service/desc/id/" + "a" * 56)
        finally:
            c.close()
        actions = [e.action for e in events]
        # CREATED and UPLOAD may come before we subscribe (the service
        # publishes within a second of starting); ADD_ONION's test sees them.
        self.assertIn("UPLOADED", actions)
        with open(os.path.join(net.datadir(HS), "hs", "hostname")) as f:
            addr = f.read().strip()[:-len(".onion")]
        for e in events:
            self.assertEqual(e.address, addr)
            if e.action in ("UPLOAD", "UPLOADED"):
                self.assertRegex(e.directory_fingerprint, r"^[0-9A-F]{40}$")
                self.assertTrue(e.directory_nickname)
        net.wait_for_log(HS, r"Service [^\s]+ [^\s]+ descriptor of revision \d+ initiated "
                             r"upload request to", which="info", timeout=30)


class LaunchTest(unittest.TestCase):

    def test_stem_launch_tor_with_config(self):
        """What OnionPerf and onionprobe do: stem checks `tor --version`,
        feeds the torrc on standard input (-f -), waits for "Bootstrapped
        100%" on stdout, and takes ownership (the daemon exits when stem's
        control connection closes)."""
        import stem.process
        import tempfile
        d = tempfile.mkdtemp(prefix="tb-launch-", dir=os.path.dirname(net.datadir(AUTHED)))
        socks, control = free_port(), free_port()
        config = {
            "DataDirectory": d, "SocksPort": str(socks), "ControlPort": str(control),
            "CookieAuthentication": "1", "TestingTorNetwork": "1",
            "PathsNeededToBuildCircuits": "0.67", "SafeLogging": "0",
            "DirAuthority": [l.split(" ", 1)[1] for l in net.dirauthority_lines()],
            "Log": ["notice stdout", "info file %s/info.log" % d],
        }
        proc = stem.process.launch_tor_with_config(config, tor_cmd=testnet.OUR_TOR,
                                                   take_ownership=True, timeout=90)
        try:
            with stem.control.Controller.from_port(port=control) as c:
                c.authenticate()
                self.assertIn("PROGRESS=100", c.get_info("status/bootstrap-phase"))
                # stem saw itself as __OwningControllerProcess, sent
                # TAKEOWNERSHIP and reset the option.
                self.assertIsNone(c.get_conf("__OwningControllerProcess"))
            # stem took ownership on that connection: closing it ends tor.
            proc.wait(timeout=30)
            self.assertEqual(proc.returncode, 0)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


@unittest.skipUnless(os.path.exists("/usr/bin/nyx") and os.path.exists("/usr/bin/tmux"),
                     "nyx and tmux are needed (scripts/install-deps)")
class NyxTest(unittest.TestCase):

    def test_nyx_draws_bandwidth_graph(self):
        """nyx 2.1 against our daemon, in a tmux pane: the header names our
        version, the bandwidth graph is drawn, and no Python traceback."""
        session = "tbnyx%d" % os.getpid()
        err = os.path.join(net.datadir(AUTHED), "nyx.stderr")
        cmd = "nyx -i 127.0.0.1:%d 2>%s; sleep 60" % (net.control_port(AUTHED), err)
        subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "160", "-y", "50",
                        cmd], check=True, timeout=30)
        try:
            # nyx draws its panels from several threads and a screen now
            # and then comes out garbled (escape sequences interleaved, the
            # header overwritten), so each thing counts once it was seen on
            # any capture; a traceback on any capture fails.
            wanted = ("0.4.8.0-bulk", "Download (", "Upload (")
            seen, screen = set(), ""
            deadline = time.monotonic() + 45
            while time.monotonic() < deadline and len(seen) < len(wanted):
                time.sleep(1)
                screen = subprocess.run(["tmux", "capture-pane", "-t", session, "-p"],
                                        capture_output=True, text=True, timeout=10).stdout
                self.assertNotIn("Traceback", screen)
                # The titles gain "(rate, avg ...)" once the first BW
                # events have arrived.
                seen.update(w for w in wanted if w in screen)
            self.assertEqual(sorted(set(wanted) - seen), [], screen)
            with open(err, errors="replace") as f:
                self.assertNotIn("Traceback", f.read())
        finally:
            subprocess.run(["tmux", "kill-session", "-t", session], timeout=10)


@unittest.skipUnless(os.path.exists("/usr/bin/onionprobe"), "onionprobe is not installed")
class OnionprobeTest(unittest.TestCase):

    def test_onionprobe_reports_our_service_up(self):
        """onionprobe 1.0 fetches the descriptor of our onion service through
        our control port (stem's get_hidden_service_descriptor: HSFETCH and
        HS_DESC_CONTENT) and probes it over HTTP (through real tor's SOCKS
        port: our client does not reach onion services yet)."""
        with testnet.HTTPServer(b"probe me\n") as web:
            with tcp(AUTHED) as c:
                c.authenticate(password=PASSWORD)
                r = c.create_ephemeral_hidden_service({80: web.port}, await_publication=True,
                                                      timeout=120)
                config = os.path.join(net.datadir(AUTHED), "onionprobe.yaml")
                with open(config, "w") as f:
                    # Its --control_password option is broken in 1.0: a
                    # config file, as its users write them.
                    f.write("---\nlaunch_tor: false\nloop: false\ntor_address: 127.0.0.1\n"
                            "control_port: %d\ncontrol_password: '%s'\nsocks_port: %d\n"
                            "descriptor_timeout: 60\nhttp_connect_timeout: 60\n"
                            "log_level: debug\nendpoints:\n  ours:\n    address: '%s.onion'\n"
                            "    protocol: http\n    port: 80\n    paths:\n"
                            "      - path: /\n        pattern: probe me\n"
                            % (net.control_port(AUTHED), PASSWORD, net.socks_port("client0"),
                               r.service_id))
                try:
                    out = subprocess.run(["onionprobe", "-c", config], capture_output=True,
                                         text=True, timeout=300)
                finally:
                    c.remove_ephemeral_hidden_service(r.service_id)
        log = out.stdout + out.stderr
        self.assertNotIn("Traceback", log, log[-3000:])
        self.assertRegex(log, r"Status code is 200", log[-3000:])


class AddOnionTest(unittest.TestCase):

    def test_ephemeral_bulk_service(self):
        """stem makes a bulk onion service on our daemon with no torrc
        (ADD_ONION, await_publication waits for HS_DESC UPLOADED), and a
        real tor client pulls the sequence pattern from it."""
        import struct
        got = queue.Queue()
        with tcp(AUTHED) as c:
            c.authenticate(password=PASSWORD)
            c.add_event_listener(got.put, EventType.HS_DESC)
            r = c.create_ephemeral_hidden_service(
                {9000: "bulk:pattern=sequence,bytes=1MB", 9001: "bulk-sink"},
                await_publication=True, timeout=120)
            self.assertRegex(r.service_id, r"^[a-z2-7]{56}$")
            self.assertEqual(r.private_key_type, "ED25519-V3")
            self.assertEqual(c.get_info("onions/current"), r.service_id)
            events = []
            while not got.empty():
                events.append(got.get())
            actions = [e.action for e in events if e.address == r.service_id]
            for a in ("CREATED", "UPLOAD", "UPLOADED"):
                self.assertIn(a, actions)
            for e in events:
                if e.action in ("UPLOAD", "UPLOADED"):
                    self.assertRegex(e.directory_fingerprint, r"^[0-9A-F]{40}$")
            sock = testnet.retry(lambda: testnet.socks_connect(
                net.socks_port("client0"), r.service_id + ".onion", 9000, timeout=60),
                timeout=150, interval=3, what="connect to the ephemeral service")
            data = b""
            sock.settimeout(60)
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
            sock.close()
            self.assertEqual(len(data), 1 << 20)     # Bytes=1MB, then END DONE
            want = b"".join(struct.pack(">Q", i) for i in range(len(data) // 8))
            self.assertEqual(data, want)
            # The same key again is a collision; DEL_ONION removes it.
            with self.assertRaises(stem.ProtocolError):
                c.create_ephemeral_hidden_service({80: 80}, key_type="ED25519-V3",
                                                  key_content=r.private_key)
            c.remove_ephemeral_hidden_service(r.service_id)
            self.assertEqual(c.get_info("onions/current"), "")
            self.assertFalse(c.remove_ephemeral_hidden_service(r.service_id))

    def test_detached_outlives_its_connection(self):
        with tcp(AUTHED) as c:
            c.authenticate(password=PASSWORD)
            r = c.create_ephemeral_hidden_service({80: 8080}, detached=True,
                                                  key_content="ED25519-V3")
        with tcp(AUTHED) as c:
            c.authenticate(password=PASSWORD)
            self.assertIn(r.service_id, c.get_info("onions/detached").split())
            c.remove_ephemeral_hidden_service(r.service_id)
            self.assertNotIn(r.service_id, c.get_info("onions/detached").split())


if __name__ == "__main__":
    unittest.main()
