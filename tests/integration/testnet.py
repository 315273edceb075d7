"""Test library over scripts/testnet: private Tor networks for integration tests.

Typical use in a test module (tests/integration/test_*.py):

    import unittest
    import testnet

    def setUpModule():
        global net
        net = testnet.session()          # one shared network per test run

    class MyTest(unittest.TestCase):
        def test_fetch(self):
            with testnet.HTTPServer(b"hello") as web:
                body = testnet.http_get(net.socks_port("client0"), "127.0.0.1", web.port)
            self.assertIn(b"hello", body)

The shared network (3 authorities, 5 exit relays, client0, hs0, all real tor
unless TESTNET_ROLE_BINARY says otherwise) is started at most once per
process and stopped at exit, on SIGTERM/SIGHUP/SIGINT (Ctrl-C), and, if this process dies
without doing so (SIGKILL), by a watchdog process and, as a last resort, by
real tor itself (__OwningControllerProcess names the watchdog).  A test that needs its own network uses `with testnet.start(...) as n:`.

Environment:
  TESTNET_DIR          directory of the shared network (default: a new /tmp/testnet-*)
  TESTNET_KEEP=1       keep the directory (logs) after the run even on success
  TESTNET_ROLE_BINARY  e.g. "hs=ours,relay2=ours" (roles or node names; real|ours|PATH)
  TESTNET_TOR, TESTNET_OUR_TOR   the binaries (default /usr/bin/tor, src/app/tor)
  TESTNET_WAIT         seconds to wait for the network (default 180)
"""

import atexit
import http.server
import importlib.machinery
import importlib.util
import os
import shutil
import signal
import socket
import socketserver
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(REPO, "scripts", "testnet")


def _load_core():
    name = "testnet_core"
    if name in sys.modules:
        return sys.modules[name]
    loader = importlib.machinery.SourceFileLoader(name, SCRIPT)
    spec = importlib.util.spec_from_loader(name, loader)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    loader.exec_module(mod)
    return mod


core = _load_core()
TestnetError = core.TestnetError
BENIGN = core.BENIGN
OUR_TOR = core.DEFAULT_OUR_TOR


class Network(core.Network):
    """A network driven from tests; adds conveniences to the core class."""

    # ---- ports and addresses
    def socks_port(self, name="client0"):
        return self.node(name)["ports"]["socks"]

    def control_port(self, name):
        return self.node(name)["ports"]["control"]

    def or_port(self, name):
        return self.node(name)["ports"]["or"]

    def dir_port(self, name):
        return self.node(name)["ports"]["dir"]

    def hs_target_port(self, name="hs0"):
        """The local port hs `name` forwards its virtual port 80 to: bind a
        server there (see TCPServer/HTTPServer(port=...))."""
        return self.node(name)["ports"]["hs_target"]

    def onion(self, name="hs0", timeout=30):
        """The .onion address of hs `name` (waits for tor to write it)."""
        deadline = time.monotonic() + timeout
        while True:
            a = self.onion_address(name)
            if a:
                return a
            if time.monotonic() > deadline:
                raise TestnetError("%s wrote no hostname in %d s" % (name, timeout))
            time.sleep(0.2)

    def fingerprint(self, name):
        return self.node(name)["fingerprint"]

    def datadir(self, name):
        return self.node(name)["datadir"]

    # ---- warnings
    def warnings(self, **kw):
        """See testnet_core.warnings: by default every non-benign [warn]/[err]
        line of real tor nodes.  Keywords: nodes, kinds, since, until,
        about, include_benign."""
        return core.warnings(self, **kw)

    def complaints_about(self, name, since=None, **kw):
        """Warnings of real tor nodes that name node `name` (nickname,
        fingerprint, its ports, onion address)."""
        return core.warnings(self, about=core.peer_identifiers(self, name),
                             since=since, **kw)

    def format_warnings(self, ws):
        return "\n".join("%s: %s" % (w["node"], w["line"]) for w in ws)

    # ---- nodes
    def add(self, role, name=None, binary="real", extra_torrc="", wait=True,
            timeout=180):
        """Add a node to the running network (binary 'real', 'ours' or a
        path), start it and, if wait, wait until it is ready (a relay in the
        consensus with its flags, a client/hs bootstrapped).  Returns its
        name."""
        n = self.add_node(role, name, binary, extra_torrc)
        if wait:
            self.wait(timeout, names=[n["name"]], stop_on_failure=False)
        return n["name"]

    def log_text(self, name, which="notice"):
        try:
            with open(self.log_path(name, which), errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def wait_for_log(self, name, pattern, timeout=60, which="notice"):
        """Wait for a regex in a node's log; returns the match."""
        import re
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(self.log_text(name, which))
            if m:
                return m
            if time.monotonic() > deadline:
                raise TestnetError("%s logged no /%s/ in %d s" % (name, pattern, timeout))
            time.sleep(0.5)

    # ---- control port (control-spec.txt; cookie authentication)
    def control(self, name, *commands, timeout=10):
        """Send control commands to a node; returns the list of replies, each
        the list of its reply lines (status codes stripped off the lines)."""
        n = self.node(name)
        with open(os.path.join(n["datadir"], "control_auth_cookie"), "rb") as f:
            cookie = f.read()
        s = socket.create_connection(("127.0.0.1", n["ports"]["control"]), timeout=timeout)
        f = s.makefile("rwb")
        try:
            replies = []
            for cmd in ["AUTHENTICATE " + cookie.hex()] + list(commands):
                f.write(cmd.encode() + b"\r\n")
                f.flush()
                reply = _read_control_reply(f)
                if not reply[0].startswith("250"):
                    raise TestnetError("%s: %r -> %s" % (name, cmd, reply))
                replies.append(reply)
            f.write(b"QUIT\r\n")
            f.flush()
            return [[l[4:] for l in r] for r in replies[1:]]
        finally:
            f.close()
            s.close()

    def getinfo(self, name, key):
        lines = self.control(name, "GETINFO " + key)[0]
        first = lines[0]
        if first.startswith(key + "="):
            val = first[len(key) + 1:]
            if len(lines) > 2 and val == "":
                return "\n".join(lines[1:-1])
            return val
        return "\n".join(lines)

    # ---- lifecycle
    def stop(self, grace=core.STOP_GRACE):
        try:
            return super().stop(grace)
        finally:
            _running.discard(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False


def _read_control_reply(f):
    lines = []
    while True:
        raw = f.readline()
        if not raw:
            raise TestnetError("control connection closed")
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        if len(line) >= 4 and line[3] == "+":
            # data reply: lines until "."
            lines.append(line)
            while True:
                d = f.readline().decode("utf-8", "replace").rstrip("\r\n")
                if d == ".":
                    break
                lines.append("    " + (d[1:] if d.startswith("..") else d))
            continue
        lines.append(line)
        if len(line) >= 4 and line[3] == " ":
            return lines


# --------------------------------------------------------------------------
# Cleanup: every network this process started is stopped on exit/signals.

_running = set()
_handlers_installed = False


def _stop_all():
    if not _running:
        return
    old = None
    if threading.current_thread() is threading.main_thread():
        old = signal.signal(signal.SIGINT, signal.SIG_IGN)  # a 2nd Ctrl-C must not cut cleanup
    try:
        # SIGTERM every node of every network first, so they stop together
        for net in list(_running):
            for n in (net.nodes if net.state else []):
                if n.get("pid") and net.alive(n["name"]):
                    try:
                        os.kill(n["pid"], signal.SIGTERM)
                    except OSError:
                        pass
        for net in list(_running):
            try:
                net.stop()
            except Exception as e:  # keep stopping the others
                print("testnet: stopping %s: %r" % (net.dir, e), file=sys.stderr)
    finally:
        if old is not None:
            signal.signal(signal.SIGINT, old)


_watchdog = None


def _watchdog_pid():
    """Pid of this process's watchdog (started on first use): it stops our
    networks if this process dies without doing so."""
    global _watchdog
    if _watchdog is None or _watchdog.poll() is not None:
        _watchdog = core.start_watchdog()
    return _watchdog.pid


def _end_watchdog():
    global _watchdog
    w, _watchdog = _watchdog, None
    if w is None:
        return
    try:
        w.stdin.close()         # EOF: it checks the networks and exits
        w.wait(timeout=30)
    except Exception:
        try:
            w.kill()
        except OSError:
            pass


def _on_signal(signum, frame):
    _stop_all()
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise SystemExit(128 + signum)


def _install_handlers():
    global _handlers_installed
    if _handlers_installed:
        return
    _handlers_installed = True
    atexit.register(_end_watchdog)     # runs after _stop_all (LIFO)
    atexit.register(_stop_all)
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(sig, _on_signal)


def start(dir=None, authorities=3, relays=5, clients=1, onion_services=1,
          role_binary=(), tor=None, our_tor=None, wait=True, timeout=180, exits=True):
    """Create, start and (if wait) wait for a network; stops it again and
    raises TestnetError on failure.  Use as a context manager or call
    .stop()."""
    _install_handlers()
    if dir is None:
        dir = tempfile.mkdtemp(prefix="testnet-", dir="/tmp")
    if isinstance(role_binary, dict):
        role_binary = ["%s=%s" % kv for kv in role_binary.items()]
    net = Network(dir)
    _running.add(net)
    try:
        net.create(authorities, relays, clients, onion_services,
                   tor or os.environ.get("TESTNET_TOR"),
                   our_tor or os.environ.get("TESTNET_OUR_TOR"),
                   role_binary, owner_pid=_watchdog_pid(), exits=exits)
        core.watchdog_register(_watchdog, net.dir)
        net.start()
        if wait:
            net.ready_after = net.wait(timeout)
    except BaseException:
        net.stop()
        raise
    return net


# --------------------------------------------------------------------------
# The session network, shared by all test modules of a run.

_session = None
_session_error = None
_session_created_dir = False


def session():
    """The shared network, started (and waited for) on first call."""
    global _session, _session_error, _session_created_dir
    if _session is not None:
        return _session
    if _session_error is not None:
        raise TestnetError("shared network failed to start earlier: %s" % _session_error)
    d = os.environ.get("TESTNET_DIR")
    if not d:
        d = tempfile.mkdtemp(prefix="testnet-", dir="/tmp")
        _session_created_dir = True
    rb = [x for x in os.environ.get("TESTNET_ROLE_BINARY", "").replace(" ", ",").split(",") if x]
    t0 = time.time()
    try:
        _session = start(d, role_binary=rb,
                         timeout=float(os.environ.get("TESTNET_WAIT", "180")))
    except BaseException as e:
        _session_error = e
        raise
    print("testnet: shared network in %s ready in %.1f s (%.1f s since start)"
          % (d, time.time() - t0, _session.ready_after), file=sys.stderr, flush=True)
    return _session


def session_started():
    return _session


def end_session(success=True):
    """Stop the shared network; delete its directory if the run succeeded
    and it was ours (unless TESTNET_KEEP).  Returns the dir if kept."""
    global _session
    net = _session
    if net is None:
        return None
    net.stop()
    _session = None
    if success and _session_created_dir and not os.environ.get("TESTNET_KEEP"):
        shutil.rmtree(net.dir, ignore_errors=True)
        return None
    return net.dir


# --------------------------------------------------------------------------
# Traffic helpers: SOCKS5 client, servers.

SOCKS5_ERRORS = {
    1: "general failure", 2: "not allowed by ruleset", 3: "network unreachable",
    4: "host unreachable", 5: "connection refused", 6: "TTL expired",
    7: "command not supported", 8: "address type not supported",
    0xF0: "onion service descriptor not found", 0xF1: "onion service descriptor invalid",
    0xF2: "onion service introduction failed", 0xF3: "onion service rendezvous failed",
    0xF4: "onion service missing client authorization",
    0xF5: "onion service wrong client authorization",
    0xF6: "onion service invalid address", 0xF7: "onion service introduction timed out",
}


class SocksError(OSError):
    def __init__(self, code, msg):
        super().__init__("SOCKS5 error %d (%s)" % (code, msg))
        self.code = code


def _recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("SOCKS proxy closed the connection")
        buf += chunk
    return buf


def socks_connect(socks_port, host, port, timeout=60, socks_host="127.0.0.1", auth=None):
    """A TCP connection to host:port through a SOCKS5 proxy (tor).  host
    may be an IPv4 address or a name (e.g. an .onion address).  auth:
    (username, password) bytes for RFC 1929 authentication, which tor
    uses as an isolation key (IsolateSOCKSAuth)."""
    s = socket.create_connection((socks_host, socks_port), timeout=timeout)
    try:
        if auth is None:
            s.sendall(b"\x05\x01\x00")
            if _recv_exact(s, 2) != b"\x05\x00":
                raise ConnectionError("SOCKS5 proxy refused no-auth")
        else:
            user, password = auth
            s.sendall(b"\x05\x01\x02")
            if _recv_exact(s, 2) != b"\x05\x02":
                raise ConnectionError("SOCKS5 proxy refused username/password")
            s.sendall(b"\x01" + bytes([len(user)]) + user + bytes([len(password)]) + password)
            if _recv_exact(s, 2) != b"\x01\x00":
                raise ConnectionError("SOCKS5 proxy refused the username/password")
        try:
            addr = b"\x01" + socket.inet_aton(host)
            if host.count(".") != 3:
                raise OSError
        except OSError:
            h = host.encode()
            addr = b"\x03" + bytes([len(h)]) + h
        s.sendall(b"\x05\x01\x00" + addr + port.to_bytes(2, "big"))
        head = _recv_exact(s, 4)
        if head[1] != 0:
            raise SocksError(head[1], SOCKS5_ERRORS.get(head[1], "unknown"))
        atyp = head[3]
        if atyp == 1:
            _recv_exact(s, 4 + 2)
        elif atyp == 4:
            _recv_exact(s, 16 + 2)
        elif atyp == 3:
            _recv_exact(s, _recv_exact(s, 1)[0] + 2)
        return s
    except BaseException:
        s.close()
        raise


def http_get(socks_port, host, port, path="/", timeout=60):
    """Body of an HTTP/1.0 GET through SOCKS; raises on non-200."""
    s = socks_connect(socks_port, host, port, timeout)
    try:
        s.sendall(("GET %s HTTP/1.0\r\nHost: %s\r\n\r\n" % (path, host)).encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    finally:
        s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    status = head.split(b"\r\n")[0]
    if b" 200 " not in status + b" ":
        raise ConnectionError("HTTP status %r" % status)
    return body


def retry(fn, timeout=60, interval=2, what="operation"):
    """Call fn() until it returns without an exception (OSError,
    TestnetError, ConnectionError) or timeout seconds passed; returns its
    value or re-raises the last error with the number of attempts."""
    deadline = time.monotonic() + timeout
    attempt = 0
    while True:
        attempt += 1
        try:
            return fn()
        except (OSError, TestnetError, ConnectionError, socket.timeout) as e:
            if time.monotonic() + interval > deadline:
                raise TestnetError("%s failed after %d attempts in %d s: %s"
                                   % (what, attempt, timeout, e)) from e
            time.sleep(interval)


class _ThreadedServer:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class HTTPServer(_ThreadedServer):
    """A local HTTP server answering every GET with `body` (bytes)."""

    def __init__(self, body=b"hello from testnet\n", port=0):
        payload = body

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *a):
                pass

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


class EchoServer(_ThreadedServer):
    """A local TCP server echoing every byte back."""

    def __init__(self, port=0):
        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                while True:
                    try:
                        d = self.request.recv(65536)
                    except OSError:
                        return
                    if not d:
                        return
                    self.request.sendall(d)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def echo_roundtrip(sock, payload, timeout=60):
    """Send payload on sock and read back as many bytes."""
    sock.settimeout(timeout)
    sock.sendall(payload)
    got = b""
    while len(got) < len(payload):
        chunk = sock.recv(65536)
        if not chunk:
            break
        got += chunk
    return got
