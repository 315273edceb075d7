#!/usr/bin/python3
"""Record what real tor answers on its control port, byte for byte.

Starts a private network of real tor with the project's harness
(tests/integration/testnet.py: 3 authorities, 3 relays, client0, hs0, plus
client1 which has HashedControlPassword as well as CookieAuthentication),
talks to the control ports over raw TCP sockets and writes one transcript
per exchange into OUTDIR (default tests/vectors/control/real_tor):

    tests/tools/control_capture_real_tor.py [--out DIR] [--only SUBSTR ...]

Transcript format (see OUTDIR/README.md): one line per wire line, LF
terminated; on the wire every line ends in CRLF.
    C: <bytes the controller sent, without CRLF>
    S: <bytes tor sent, without CRLF>
    R: <hex of bytes sent that are not CRLF-framed lines>
    !  EOF | RST | TIMEOUT <s> | NOCRLF      (connection events, see README)
    #  comment (ignored)

Every wait is bounded; the network is stopped at the end (also on errors
and signals, by testnet's handlers).
"""

import argparse
import datetime
import hashlib
import hmac
import os
import re
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))
import testnet  # noqa: E402

TOR = os.environ.get("TESTNET_TOR", "/usr/bin/tor")
PASSWORD = "testpw"
OUT_DEFAULT = os.path.join(REPO, "tests", "vectors", "control", "real_tor")

SC_SERVER_KEY = b"Tor safe cookie authentication server-to-controller hash"
SC_CLIENT_KEY = b"Tor safe cookie authentication controller-to-server hash"

# --------------------------------------------------------------------------
# A raw control connection that records every line in wire order.


class Wire:
    def __init__(self, port, timeout=10):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""
        self.closed = None          # None, "EOF" or "RST"
        self.log = []               # (kind, bytes): C, S, !, #
        self.in_data = False        # inside a NNN+ data block
        self.in_event = False       # inside a multi-line 650 event

    def close(self):
        try:
            self.s.close()
        except OSError:
            pass

    def note(self, text):
        self.log.append(("#", text.encode()))

    def send_raw(self, data, record=True):
        """Send bytes; record each CRLF-terminated line as C:."""
        if record:
            if data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b""):
                for p in data[:-2].split(b"\r\n"):
                    self.log.append(("C", p))
            else:
                # not CRLF-framed (e.g. an LF-only line): the bytes in hex
                self.log.append(("R", data.hex().encode()))
        try:
            self.s.sendall(data)
        except OSError as e:
            self.log.append(("!", ("SEND-ERROR %s" % e.__class__.__name__).encode()))

    def send(self, line):
        if isinstance(line, str):
            line = line.encode()
        self.send_raw(line + b"\r\n")

    def _fill(self, deadline):
        if self.closed:
            return False
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        self.s.settimeout(left)
        try:
            d = self.s.recv(65536)
        except socket.timeout:
            return False
        except ConnectionResetError:
            self._closed("RST")
            return False
        except OSError:
            self._closed("RST")
            return False
        if not d:
            self._closed("EOF")
            return False
        self.buf += d
        return True

    def _closed(self, how):
        if self.buf:
            self.log.append(("S", self.buf))
            self.log.append(("!", b"NOCRLF"))
            self.buf = b""
        self.closed = how
        self.log.append(("!", how.encode()))

    def readline(self, deadline):
        """Next line (bytes without CRLF), recorded as S:; None on timeout or
        close."""
        while b"\r\n" not in self.buf:
            if not self._fill(deadline):
                return None
        line, self.buf = self.buf.split(b"\r\n", 1)
        self.log.append(("S", line))
        return line

    def _classify(self, line):
        """Track data blocks and events; returns 'final' for the last line
        of a command reply, 'event-end' for the last line of an event, else
        None."""
        if self.in_data:
            if line == b".":
                self.in_data = False
            return None
        code, sep = line[:3], line[3:4]
        if sep == b"+":
            self.in_data = True
        if code == b"650":
            if sep == b" ":
                self.in_event = False
                return "event-end"
            self.in_event = True
            return None
        if sep == b" ":
            return "final"
        return None

    def reply(self, timeout=10, keep=None):
        """Read until the final line of one command reply (events in between
        are recorded too).  keep=(head, tail) truncates the recorded reply.
        Returns the reply lines or None (timeout/close)."""
        start = len(self.log)
        deadline = time.monotonic() + timeout
        got = []
        while True:
            line = self.readline(deadline)
            if line is None:
                if not self.closed:
                    self.log.append(("!", ("TIMEOUT %g" % timeout).encode()))
                break
            got.append(line)
            if self._classify(line) == "final":
                break
        if keep:
            self._truncate(start, keep)
        return got if got and got[-1][3:4] == b" " else None

    def _truncate(self, start, keep):
        head, tail = keep
        seg = self.log[start:]
        s_idx = [i for i, (k, _) in enumerate(seg) if k == "S"]
        if len(s_idx) <= head + tail + 1:
            return
        drop = set(s_idx[head:len(s_idx) - tail])
        out, omitted, placed = [], len(drop), False
        for i, e in enumerate(seg):
            if i in drop:
                if not placed:
                    out.append(("#", ("... %d lines omitted ..." % omitted).encode()))
                    placed = True
                continue
            out.append(e)
        self.log[start:] = out

    def cmd(self, line, timeout=10, keep=None):
        self.send(line)
        return self.reply(timeout, keep)

    def collect(self, seconds, stop=None):
        """Record everything for `seconds`, or until stop(events) is true
        after a complete event; returns the complete events (lists of
        lines)."""
        deadline = time.monotonic() + seconds
        events, cur = [], []
        while time.monotonic() < deadline:
            line = self.readline(deadline)
            if line is None:
                break
            cur.append(line)
            if self._classify(line) in ("event-end", "final"):
                events.append(cur)
                cur = []
                if stop and stop(events):
                    break
        return events

    def peek_closed(self, seconds=1.0):
        """Does tor close the connection by itself (without more input)?
        Records "! EOF"/"! RST" if so (and any unexpected line), else
        nothing."""
        deadline = time.monotonic() + seconds
        while not self.closed and self.readline(deadline) is not None:
            pass

    def wait_closed(self, seconds=3):
        """After a command that may close: does tor close within seconds?"""
        deadline = time.monotonic() + seconds
        while not self.closed and time.monotonic() < deadline:
            line = self.readline(deadline)
            if line is None:
                break
        if not self.closed:
            self.log.append(("!", ("TIMEOUT %g" % seconds).encode()))

# --------------------------------------------------------------------------


class Capture:
    def __init__(self, net, out, only):
        self.net = net
        self.out = out
        self.only = only
        self.written = []

    def want(self, name):
        return not self.only or any(o in name for o in self.only)

    def cookie(self, node):
        with open(os.path.join(self.net.datadir(node), "control_auth_cookie"), "rb") as f:
            return f.read()

    def wire(self, node):
        return Wire(self.net.control_port(node))

    def auth(self, w, node):
        r = w.cmd("AUTHENTICATE " + self.cookie(node).hex())
        if not r or r[-1] != b"250 OK":
            raise RuntimeError("auth failed on %s: %r" % (node, r))

    def write(self, name, w, node, comment=""):
        path = os.path.join(self.out, name + ".txt")
        with open(path, "wb") as f:
            f.write(b"# " + name.encode() + b" (node " + node.encode() + b")\n")
            for c in comment.strip("\n").split("\n") if comment else []:
                f.write(b"# " + c.encode() + b"\n")
            for kind, data in w.log:
                if kind == "#":
                    f.write(b"# " + data + b"\n")
                elif kind == "!":
                    f.write(b"! " + data + b"\n")
                else:
                    f.write(kind.encode() + b": " + data + b"\n")
        self.written.append(name)
        print("  wrote %s (%d lines)" % (name, len(w.log)), flush=True)

    def simple(self, name, node, commands, authed=True, comment="", timeout=10,
               keep=None, after_close=None, peek=False):
        """Fresh connection; optional auth; each command and its reply;
        after_close: wait that long for the server to close at the end."""
        if not self.want(name):
            return None
        w = self.wire(node)
        try:
            if authed:
                self.auth(w, node)
            for c in commands:
                if w.closed:
                    w.note("not sent (connection closed): %r" % c)
                    continue
                if isinstance(c, bytes):
                    w.send_raw(c)
                    w.reply(timeout, keep)
                else:
                    w.cmd(c, timeout, keep)
                if peek:
                    w.peek_closed(1.0)
            if after_close and not w.closed:
                w.wait_closed(after_close)
            self.write(name, w, node, comment)
        finally:
            w.close()
        return w


def safecookie(cap, node, nonce_hex, good):
    w = cap.wire(node)
    cookie = cap.cookie(node)
    r = w.cmd("AUTHCHALLENGE SAFECOOKIE " + nonce_hex)
    comment = ""
    m = re.match(rb"250 AUTHCHALLENGE SERVERHASH=([0-9A-F]{64}) SERVERNONCE=([0-9A-F]{64})$",
                 r[-1] if r else b"")
    if m:
        cn = bytes.fromhex(nonce_hex)
        sn = bytes.fromhex(m.group(2).decode())
        sh = hmac.new(SC_SERVER_KEY, cookie + cn + sn, hashlib.sha256).hexdigest().upper()
        comment = "SERVERHASH verified against the cookie: %s" % (sh == m.group(1).decode())
        ch = hmac.new(SC_CLIENT_KEY, cookie + cn + sn, hashlib.sha256).hexdigest()
        w.cmd("AUTHENTICATE " + (ch if good else "00" * 32))
        w.peek_closed(1.0)
    else:
        comment = "AUTHCHALLENGE reply did not parse"
    if not w.closed:
        w.cmd("GETINFO version")
    if not w.closed:
        w.wait_closed(2)
    w.close()
    return w, comment


def send_bulk(w, total):
    """Send total 'x' bytes in 64 KB chunks; stop at the first error (tor
    may close).  Returns how many were sent."""
    sent, chunk = 0, b"x" * 65536
    w.s.settimeout(10)
    while sent < total:
        try:
            w.s.sendall(chunk)
        except OSError as e:
            w.note("send failed after %d bytes: %s" % (sent, e.__class__.__name__))
            break
        sent += len(chunk)
    return sent


def hash_password(pw):
    out = subprocess.run([TOR, "--quiet", "--hash-password", pw], capture_output=True,
                         timeout=60, check=True).stdout.decode()
    return [l for l in out.split() if l.startswith("16:")][-1]


def wait_port(port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
            return True
        except OSError:
            time.sleep(0.5)
    return False

# --------------------------------------------------------------------------


def run(net, out, only):
    cap = Capture(net, out, only)
    C, H, P = "client0", "hs0", "client1"
    onion = net.onion(H)
    onion56 = onion[:-len(".onion")] if onion.endswith(".onion") else onion

    # ---------------- before authentication (client0: cookie only)
    print("pre-auth", flush=True)
    pre = [
        ("preauth_protocolinfo", ["PROTOCOLINFO"]),
        ("preauth_protocolinfo_1", ["PROTOCOLINFO 1"]),
        ("preauth_protocolinfo_2", ["PROTOCOLINFO 2"]),
        ("preauth_protocolinfo_lowercase", ["protocolinfo 1"]),
        ("preauth_protocolinfo_twice", ["PROTOCOLINFO 1", "PROTOCOLINFO 1", "GETINFO version"]),
        ("preauth_protocolinfo_junkarg", ["PROTOCOLINFO foo"]),
        ("preauth_getinfo_version", ["GETINFO version", "PROTOCOLINFO 1"]),
        ("preauth_foobar", ["FOOBAR", "PROTOCOLINFO 1"]),
        ("preauth_setevents", ["SETEVENTS BW", "PROTOCOLINFO 1"]),
        ("preauth_quit", ["QUIT"]),
        ("preauth_empty_line", [b"\r\n", "PROTOCOLINFO 1"]),
        ("preauth_lf_only", [b"PROTOCOLINFO 1\n", "GETINFO version"]),
        ("preauth_authchallenge_foo", ["AUTHCHALLENGE FOO 00", "PROTOCOLINFO 1"]),
        ("preauth_authchallenge_badhex", ["AUTHCHALLENGE SAFECOOKIE zz", "PROTOCOLINFO 1"]),
        ("preauth_authchallenge_noarg", ["AUTHCHALLENGE", "PROTOCOLINFO 1"]),
        ("preauth_authchallenge_nononce", ["AUTHCHALLENGE SAFECOOKIE", "PROTOCOLINFO 1"]),
        ("preauth_authchallenge_quoted", ['AUTHCHALLENGE SAFECOOKIE "0123456789abcdef"', "PROTOCOLINFO 1"]),
        ("preauth_authchallenge_twice", ["AUTHCHALLENGE SAFECOOKIE " + "11" * 32,
                                         "AUTHCHALLENGE SAFECOOKIE " + "22" * 32, "PROTOCOLINFO 1"]),
        ("preauth_authchallenge_then_getinfo", ["AUTHCHALLENGE SAFECOOKIE " + "33" * 32,
                                                "GETINFO version", "PROTOCOLINFO 1"]),
        ("auth_password_on_cookie_node", ['AUTHENTICATE "wrong"', "GETINFO version"]),
        ("auth_wrong_cookie", ["AUTHENTICATE " + "00" * 32, "GETINFO version"]),
        ("auth_bad_hex", ["AUTHENTICATE zz", "GETINFO version"]),
        ("auth_short_hex", ["AUTHENTICATE 0011", "GETINFO version"]),
        ("auth_null_on_cookie_node", ["AUTHENTICATE", "GETINFO version"]),
        ("auth_unquoted_word", ["AUTHENTICATE wrong", "GETINFO version"]),
    ]
    for name, cmds in pre:
        cap.simple(name, C, cmds, authed=False, after_close=2, timeout=5, peek=True)

    if cap.want("preauth_huge_line"):
        w = cap.wire(C)
        w.send_raw(b"x" * 102400 + b"\r\n")
        w.reply(10)
        w.peek_closed(1.0)
        if not w.closed:
            w.cmd("PROTOCOLINFO 1", 5)
        if not w.closed:
            w.wait_closed(2)
        cap.write("preauth_huge_line", w, C, "a line of 102400 'x' then CRLF, before authentication")
        w.close()
    if cap.want("preauth_huge_noeol"):
        w = cap.wire(C)
        w.send_raw(b"x" * 102400, record=False)
        w.note("C: (102400 'x', no CRLF, not recorded as a C: line)")
        w.wait_closed(5)
        cap.write("preauth_huge_noeol", w, C, "102400 bytes without a line end, before authentication")
        w.close()
    for name, authed in (("preauth_huge_2mb_noeol", False), ("huge_2mb_noeol", True)):
        if cap.want(name):
            w = cap.wire(C)
            if authed:
                cap.auth(w, C)
            sent = send_bulk(w, 2 * 1024 * 1024)
            w.note("C: (%d 'x' sent in 64 KB chunks, no CRLF, not recorded as a C: line)" % sent)
            w.wait_closed(10)
            cap.write(name, w, C, "2 MB without a line end%s" % ("" if authed else ", before authentication"))
            w.close()
    if cap.want("preauth_huge_2mb_line"):
        w = cap.wire(C)
        sent = send_bulk(w, 2 * 1024 * 1024)
        try:
            w.s.sendall(b"\r\n")
        except OSError:
            pass
        w.note("C: (%d 'x' then CRLF, not recorded as a C: line)" % sent)
        w.reply(10)
        w.wait_closed(3)
        cap.write("preauth_huge_2mb_line", w, C, "before authentication: a line of 2 MB 'x' then CRLF")
        w.close()
    cap.simple("preauth_data_command", C, [b"+FOOBAR\r\nsome data\r\n.\r\n", "PROTOCOLINFO 1"],
               authed=False, after_close=2, timeout=5, peek=True)

    for name, good in (("auth_safecookie_ok", True), ("auth_safecookie_wrong_response", False)):
        if cap.want(name):
            w, comment = safecookie(cap, C, "0123456789abcdef" * 4, good)
            cap.write(name, w, C, comment)
    cap.simple("auth_cookie_ok", C, ["AUTHENTICATE " + cap.cookie(C).hex(), "GETINFO version",
                                     "AUTHENTICATE " + cap.cookie(C).hex(), "PROTOCOLINFO 1",
                                     "AUTHCHALLENGE SAFECOOKIE " + "44" * 32],
               authed=False, comment="authenticate, then AUTHENTICATE / PROTOCOLINFO / AUTHCHALLENGE again")

    # ---------------- password node client1
    print("password node", flush=True)
    if wait_port(net.control_port(P)):
        for name, cmds in [
            ("pw_protocolinfo", ["PROTOCOLINFO 1"]),
            ("pw_wrong_password", ['AUTHENTICATE "wrong"', "GETINFO version"]),
            ("pw_ok", ['AUTHENTICATE "%s"' % PASSWORD, "GETINFO version"]),
            ("pw_hex_password", ["AUTHENTICATE " + PASSWORD.encode().hex(), "GETINFO version"]),
            ("pw_cookie_ok", ["AUTHENTICATE " + cap.cookie(P).hex(), "GETINFO version"]),
            ("pw_null", ["AUTHENTICATE", "GETINFO version"]),
            ("pw_wrong_cookie", ["AUTHENTICATE " + "00" * 32, "GETINFO version"]),
        ]:
            cap.simple(name, P, cmds, authed=False, after_close=2, timeout=5, peek=True,
                       comment="client1: HashedControlPassword (password %r) and CookieAuthentication 1"
                       % PASSWORD)
    else:
        print("client1 control port never opened", file=sys.stderr)

    # ---------------- authenticated, client0
    print("authenticated", flush=True)
    A = [
        ("getinfo_version", ["GETINFO version"]),
        ("getinfo_version_lowercase_cmd", ["getinfo version"]),
        ("getinfo_multi", ["GETINFO version config-file process/pid"]),
        ("getinfo_bootstrap_phase", ["GETINFO status/bootstrap-phase"]),
        ("getinfo_circuit_established", ["GETINFO status/circuit-established"]),
        ("getinfo_enough_dir_info", ["GETINFO status/enough-dir-info"]),
        ("getinfo_listeners_socks", ["GETINFO net/listeners/socks"]),
        ("getinfo_listeners_control", ["GETINFO net/listeners/control"]),
        ("getinfo_traffic", ["GETINFO traffic/read traffic/written"]),
        ("getinfo_circuit_status", ["GETINFO circuit-status"]),
        ("getinfo_stream_status", ["GETINFO stream-status"]),
        ("getinfo_orconn_status", ["GETINFO orconn-status"]),
        ("getinfo_events_names", ["GETINFO events/names"]),
        ("getinfo_info_names", ["GETINFO info/names"]),
        ("getinfo_config_names", ["GETINFO config/names"]),
        ("getinfo_features_names", ["GETINFO features/names"]),
        ("getinfo_signal_names", ["GETINFO signal/names"]),
        ("getinfo_config_text", ["GETINFO config-text"]),
        ("getinfo_onions_current", ["GETINFO onions/current"]),
        ("getinfo_onions_detached", ["GETINFO onions/detached"]),
        ("getinfo_status_version_current", ["GETINFO status/version/current"]),
        ("getinfo_address_mappings", ["GETINFO address-mappings/all"]),
        ("getinfo_md_all", ["GETINFO md/all"]),
        ("getinfo_consensus_microdesc", ["GETINFO dir/status-vote/current/consensus-microdesc"]),
        ("getinfo_nosuchkey", ["GETINFO nosuchkey"]),
        ("getinfo_version_nosuchkey", ["GETINFO version nosuchkey"]),
        ("getinfo_noargs", ["GETINFO"]),
        ("getinfo_uppercase_key", ["GETINFO VERSION"]),
        ("getconf_ports", ["GETCONF SocksPort ControlPort DataDirectory"]),
        ("getconf_lowercase", ["GETCONF socksport"]),
        ("getconf_nickname", ["GETCONF Nickname"]),
        ("getconf_unset_contactinfo", ["GETCONF ContactInfo"]),
        ("getconf_nosuchoption", ["GETCONF NoSuchOption"]),
        ("getconf_owning_controller", ["GETCONF __OwningControllerProcess"]),
        ("getconf_hs_single_hop", ["GETCONF HiddenServiceSingleHopMode"]),
        ("getconf_noargs", ["GETCONF"]),
        ("getconf_multi_value", ["GETCONF DirAuthority"]),
        ("setconf_nosuchoption", ["SETCONF NoSuchOption=1"]),
        ("setconf_bad_value", ["SETCONF SocksPort=abc", "GETCONF SocksPort"]),
        ("setconf_resetconf", ["GETCONF MaxCircuitDirtiness", "SETCONF MaxCircuitDirtiness=1234",
                               "GETCONF MaxCircuitDirtiness", "RESETCONF MaxCircuitDirtiness",
                               "GETCONF MaxCircuitDirtiness"]),
        ("setconf_quoted", ['SETCONF MaxCircuitDirtiness="700 seconds"', "GETCONF MaxCircuitDirtiness",
                            "RESETCONF MaxCircuitDirtiness"]),
        ("setconf_noargs", ["SETCONF"]),
        ("setevents", ["SETEVENTS CIRC STREAM", "SETEVENTS FOOBAR", "SETEVENTS",
                       "SETEVENTS EXTENDED CIRC", "SETEVENTS circ stream", "SETEVENTS CIRC FOOBAR BW",
                       "SETEVENTS"]),
        ("signal_newnym", ["SIGNAL NEWNYM", "SIGNAL NEWNYM"]),
        ("signal_foo", ["SIGNAL FOO"]),
        ("signal_lowercase", ["SIGNAL newnym"]),
        ("signal_noarg", ["SIGNAL"]),
        ("signal_heartbeat", ["SIGNAL HEARTBEAT"]),
        ("signal_active", ["SIGNAL ACTIVE"]),
        ("signal_dormant_active", ["SIGNAL DORMANT", "SIGNAL ACTIVE"]),
        ("usefeature", ["USEFEATURE EXTENDED_EVENTS VERBOSE_NAMES", "USEFEATURE FOO"]),
        ("mapaddress", ["MAPADDRESS 1.2.3.4=torproject.org", "GETINFO address-mappings/control"]),
        ("mapaddress_virtual", ["MAPADDRESS 0.0.0.0=example.com", "MAPADDRESS garbage"]),
        ("closecircuit", ["CLOSECIRCUIT 999999", "CLOSECIRCUIT", "CLOSECIRCUIT abc"]),
        ("closestream", ["CLOSESTREAM 999999 1", "CLOSESTREAM 999999"]),
        ("attachstream", ["ATTACHSTREAM 999 0"]),
        ("extendcircuit_bad", ["EXTENDCIRCUIT 999999", "EXTENDCIRCUIT 0 $" + "00" * 20]),
        ("hsfetch_bad", ["HSFETCH nosuchaddress", "HSFETCH", "HSFETCH " + onion56 + " SERVER=nosuch"]),
        ("hspost_garbage", [b"+HSPOST\r\nthis is not a descriptor\r\n.\r\n", "GETINFO version"]),
        ("hspost_bad_v3", [b"+HSPOST\r\nhs-descriptor 3\r\ndescriptor-lifetime 180\r\n.\r\n", "GETINFO version"]),
        ("hspost_garbage_hsaddress", [("+HSPOST HSADDRESS=%s\r\nthis is not a descriptor\r\n.\r\n"
                                       % onion56).encode(), "GETINFO version"]),
        ("hspost_bad_hsaddress", [b"+HSPOST HSADDRESS=nosuch\r\nthis is not a descriptor\r\n.\r\n"]),
        ("add_onion_bad", ["ADD_ONION FOO:BAR Port=80", "ADD_ONION RSA1024:abc Port=80",
                           "ADD_ONION NEW:ED25519-V3", "ADD_ONION NEW:ED25519-V3 Port=0",
                           "ADD_ONION", "ADD_ONION NEW:ED25519-V3 Flags=Bogus Port=80"]),
        ("del_onion_nosuch", ["DEL_ONION nosuch", "DEL_ONION " + "a" * 56]),
        ("data_command_unknown", [b"+FOOBAR\r\nline 1\r\n..dot\r\n.\r\n", "GETINFO version"]),
        ("empty_line", [b"\r\n", "GETINFO version"]),
        ("lf_only", [b"GETINFO version\n", "GETINFO version"]),
        ("quit", ["QUIT"]),
    ]
    for name, cmds in A:
        keep = None
        if name in ("hspost_garbage", "hspost_bad_v3", "hspost_garbage_hsaddress"):
            cap.simple(name, C, cmds, timeout=20)
            continue
        if name == "getinfo_md_all":
            keep = (30, 10)
        elif name == "getinfo_consensus_microdesc":
            keep = (20, 10)
        cap.simple(name, C, cmds, after_close=2 if name == "quit" else None, keep=keep)

    if cap.want("huge_line"):
        w = cap.wire(C)
        cap.auth(w, C)
        w.send_raw(b"x" * 102400 + b"\r\n")
        w.reply(10)
        if not w.closed:
            w.cmd("GETINFO version", 5)
        cap.write("huge_line", w, C, "after AUTHENTICATE: a line of 102400 'x' then CRLF")
        w.close()

    if cap.want("huge_line_2mb"):
        w = cap.wire(C)
        cap.auth(w, C)
        sent = send_bulk(w, 2 * 1024 * 1024)
        try:
            w.s.sendall(b"\r\n")
        except OSError:
            pass
        w.note("C: (%d 'x' then CRLF, not recorded as a C: line)" % sent)
        w.reply(10)
        if not w.closed:
            w.cmd("GETINFO version", 5)
        w.wait_closed(2)
        cap.write("huge_line_2mb", w, C, "after AUTHENTICATE: a line of 2 MB 'x' then CRLF")
        w.close()

    # ---------------- hs0
    print("hs0", flush=True)
    for name, cmds in [
        ("hs0_protocolinfo", ["PROTOCOLINFO 1"]),
        ("hs0_getinfo_onions", ["GETINFO onions/current", "GETINFO onions/detached"]),
        ("hs0_getconf_hs", ["GETCONF HiddenServiceDir HiddenServicePort HiddenServiceOptions"]),
        ("hs0_getinfo_hs_descid", ["GETINFO hs/service/desc/id/" + onion56]),
    ]:
        cap.simple(name, H, cmds, authed=(name != "hs0_protocolinfo"))

    if cap.want("add_onion_new"):
        w = cap.wire(H)
        cap.auth(w, H)
        r = w.cmd("ADD_ONION NEW:ED25519-V3 Port=80")
        w.cmd("GETINFO onions/current")
        w.cmd("GETINFO onions/detached")
        # the same key again: collision
        key = [l for l in (r or []) if l.startswith(b"250-PrivateKey=")]
        if key:
            w.cmd("ADD_ONION " + key[0][len(b"250-PrivateKey="):].decode() + " Port=80")
        sid = [l for l in (r or []) if l.startswith(b"250-ServiceID=")]
        if sid:
            w.cmd("DEL_ONION " + sid[0][len(b"250-ServiceID="):].decode())
            w.cmd("GETINFO onions/current")
        cap.write("add_onion_new", w, H, "ADD_ONION NEW:ED25519-V3 Port=80; re-add with the returned key; DEL_ONION")
        w.close()

    if cap.want("add_onion_detach"):
        w = cap.wire(H)
        cap.auth(w, H)
        r = w.cmd("ADD_ONION NEW:ED25519-V3 Flags=DiscardPK,Detach Port=81,127.0.0.1:8081")
        w.cmd("GETINFO onions/detached")
        w.close()
        w2 = cap.wire(H)
        w2.log = w.log + [("#", b"--- new connection ---")]
        cap.auth(w2, H)
        w2.cmd("GETINFO onions/detached")
        sid = [l for l in (r or []) if l.startswith(b"250-ServiceID=")]
        if sid:
            s = sid[0][len(b"250-ServiceID="):].decode()
            w2.cmd("DEL_ONION " + s)
            w2.cmd("DEL_ONION " + s)
        w2.cmd("GETINFO onions/detached")
        cap.write("add_onion_detach", w2, H,
                  "detached service survives its connection; DEL_ONION from another connection, twice")
        w2.close()

    cap.simple("add_onion_variants", H, [
        "ADD_ONION NEW:BEST Port=80",
        "ADD_ONION NEW:ED25519-V3 Flags=DiscardPK Port=80 Port=443,127.0.0.1:8443",
        "ADD_ONION NEW:ED25519-V3 MaxStreams=5 Flags=MaxStreamsCloseCircuit Port=80",
        "ADD_ONION NEW:ED25519-V3 Flags=V3Auth Port=80 ClientAuthV3=" + "A" * 52,
    ], comment="services vanish when the connection closes (no Detach)")

    if cap.want("add_onion_hs_desc_events"):
        w = cap.wire(H)
        cap.auth(w, H)
        w.cmd("SETEVENTS HS_DESC")
        w.cmd("ADD_ONION NEW:ED25519-V3 Flags=DiscardPK Port=80,127.0.0.1:%d" % net.hs_target_port(H))
        t_last = [time.monotonic()]

        def done(evs):
            ups = sum(1 for e in evs if e[0].startswith(b"650 HS_DESC UPLOAD "))
            res = sum(1 for e in evs if re.match(rb"650 HS_DESC (UPLOADED|FAILED) ", e[0]))
            return ups and res >= ups
        w.collect(90, done)
        w.collect(5)          # stragglers (next descriptor)
        w.cmd("SETEVENTS")
        cap.write("add_onion_hs_desc_events", w, H,
                  "SETEVENTS HS_DESC before ADD_ONION; events until every UPLOAD got UPLOADED/FAILED (90 s max), +5 s")
        w.close()

    # ---------------- async events, client0
    print("events", flush=True)
    if cap.want("extendcircuit"):
        w = cap.wire(C)
        cap.auth(w, C)
        w.cmd("SETEVENTS CIRC")
        r = w.cmd("EXTENDCIRCUIT 0", 20)
        cid = None
        m = re.match(rb"250 EXTENDED (\d+)", r[-1] if r else b"")
        if m:
            cid = m.group(1)
            w.collect(30, lambda evs: any(re.match(rb"650 CIRC " + cid + rb" (BUILT|FAILED|CLOSED)", e[0])
                                          for e in evs))
            w.cmd("GETINFO circuit-status")
            w.cmd("CLOSECIRCUIT " + cid.decode())
            w.collect(5, lambda evs: any(re.match(rb"650 CIRC " + cid + rb" CLOSED", e[0]) for e in evs))
        w.cmd("SETEVENTS")
        cap.write("extendcircuit", w, C, "EXTENDCIRCUIT 0 while subscribed to CIRC; events until BUILT, then CLOSECIRCUIT")
        w.close()

    if cap.want("extendcircuit_path"):
        w = cap.wire(C)
        cap.auth(w, C)
        w.cmd("SETEVENTS CIRC")
        fps = ["$" + net.fingerprint(n) for n in net.names("relay")[:3]]
        r = w.cmd("EXTENDCIRCUIT 0 " + ",".join(fps) + " purpose=general", 20)
        m = re.match(rb"250 EXTENDED (\d+)", r[-1] if r else b"")
        if m:
            cid = m.group(1)
            w.collect(30, lambda evs: any(re.match(rb"650 CIRC " + cid + rb" (BUILT|FAILED|CLOSED)", e[0])
                                          for e in evs))
            w.cmd("GETINFO circuit-status")
            w.cmd("SETCIRCUITPURPOSE " + cid.decode() + " purpose=controller")
            w.cmd("CLOSECIRCUIT " + cid.decode())
            w.collect(5, lambda evs: any(re.match(rb"650 CIRC " + cid + rb" CLOSED", e[0]) for e in evs))
        w.cmd("SETEVENTS")
        cap.write("extendcircuit_path", w, C, "EXTENDCIRCUIT 0 with an explicit path of 3 relays")
        w.close()

    if cap.want("hsfetch"):
        w = cap.wire(C)
        cap.auth(w, C)
        w.cmd("SETEVENTS HS_DESC HS_DESC_CONTENT")
        w.cmd("HSFETCH " + onion56)
        w.collect(60, lambda evs: any(e[0].startswith(b"650+HS_DESC_CONTENT") for e in evs))
        w.collect(3)
        w.cmd("SETEVENTS")
        cap.write("hsfetch", w, C, "HSFETCH <hs0 address> while subscribed to HS_DESC HS_DESC_CONTENT (60 s max)")
        w.close()

    if cap.want("hsfetch_with_onion_suffix"):
        cap.simple("hsfetch_with_onion_suffix", C, ["HSFETCH " + onion56 + ".onion"])

    if cap.want("events_traffic"):
        w = cap.wire(C)
        cap.auth(w, C)
        subs = ("BW CIRC STREAM ORCONN STATUS_CLIENT STATUS_GENERAL NOTICE CIRC_BW STREAM_BW CONN_BW "
                "NETWORK_LIVENESS BUILDTIMEOUT_SET CIRC_MINOR ADDRMAP GUARD")
        w.cmd("SETEVENTS " + subs)
        res = {}

        def fetch():
            try:
                with testnet.HTTPServer(b"hello from control capture\n" * 200) as web:
                    res["body"] = testnet.retry(lambda: testnet.http_get(
                        net.socks_port(C), "127.0.0.1", web.port, timeout=20), timeout=12)
                    time.sleep(1)
                    w_sig.set()
            except Exception as e:  # noqa
                res["err"] = repr(e)
        w_sig = threading.Event()
        t = threading.Thread(target=fetch, daemon=True)
        time.sleep(0.5)
        t.start()
        w.collect(16)
        t.join(15)
        w.cmd("SIGNAL NEWNYM")       # closes dirty circuits: CIRC CLOSED events
        w.collect(2)
        w.cmd("SIGNAL HEARTBEAT")    # logs notices: NOTICE events
        w.collect(3)
        w.cmd("SETEVENTS")
        cap.write("events_traffic", w, C, "SETEVENTS " + subs + "\nan HTTP GET through SocksPort to 127.0.0.1 "
                  "during ~16 s; then SIGNAL NEWNYM, 2 s, SIGNAL HEARTBEAT, 3 s; fetch result: %s"
                  % ("ok %d bytes" % len(res["body"]) if "body" in res else res.get("err")))
        split_events(cap, w, C, "events_traffic")
        w.close()

    if cap.want("events_hs_client"):
        w = cap.wire(C)
        cap.auth(w, C)
        w.cmd("SETEVENTS CIRC STREAM HS_DESC CIRC_MINOR")
        res = {}

        def fetch():
            try:
                with testnet.HTTPServer(b"hello onion\n", port=net.hs_target_port(H)) as web:  # noqa
                    res["body"] = testnet.retry(lambda: testnet.http_get(
                        net.socks_port(C), onion, 80, timeout=30), timeout=50)
            except Exception as e:  # noqa
                res["err"] = repr(e)
        t = threading.Thread(target=fetch, daemon=True)
        t.start()
        deadline = time.monotonic() + 60
        while t.is_alive() and time.monotonic() < deadline:
            w.collect(1)
        w.collect(3)
        w.cmd("SETEVENTS")
        cap.write("events_hs_client", w, C, "SETEVENTS CIRC STREAM HS_DESC CIRC_MINOR; HTTP GET to hs0's onion; "
                  "fetch result: %s" % ("ok" if "body" in res else res.get("err")))
        split_events(cap, w, C, "events_hs_client")
        w.close()

    if cap.want("events_orconn"):
        w = cap.wire(C)
        cap.auth(w, C)
        r = w.cmd("GETINFO orconn-status") or []
        connected = b"\n".join(r)
        fresh = [n for n in net.names("relay") if net.fingerprint(n).encode() not in connected]
        w.cmd("SETEVENTS ORCONN CIRC GUARD")
        if fresh:
            others = [n for n in net.names("relay") if n != fresh[0]][:2]
            path = ",".join("$" + net.fingerprint(n) for n in [fresh[0]] + others)
            r = w.cmd("EXTENDCIRCUIT 0 " + path, 20)
            m = re.match(rb"250 EXTENDED (\d+)", r[-1] if r else b"")
            if m:
                cid = m.group(1)
                w.collect(30, lambda evs: any(re.match(rb"650 CIRC " + cid + rb" (BUILT|FAILED|CLOSED)", e[0])
                                              for e in evs))
                w.cmd("CLOSECIRCUIT " + cid.decode())
                w.collect(3)
        else:
            w.note("every relay already had an OR connection")
        w.cmd("SETEVENTS")
        cap.write("events_orconn", w, C, "EXTENDCIRCUIT through a relay client0 had no OR connection to, "
                  "subscribed to ORCONN CIRC GUARD")
        split_events(cap, w, C, "events_orconn")
        w.close()

    if cap.want("events_dormant"):
        w = cap.wire(C)
        cap.auth(w, C)
        w.cmd("SETEVENTS NOTICE STATUS_CLIENT STATUS_GENERAL NETWORK_LIVENESS CIRC")
        w.cmd("SIGNAL DORMANT")
        w.collect(3)
        w.cmd("GETINFO dormant")
        w.cmd("SIGNAL ACTIVE")
        w.collect(5)
        w.cmd("GETINFO dormant")
        w.cmd("SETEVENTS")
        cap.write("events_dormant", w, C, "SIGNAL DORMANT / ACTIVE while subscribed to NOTICE STATUS_CLIENT "
                  "STATUS_GENERAL NETWORK_LIVENESS CIRC")
        split_events(cap, w, C, "events_dormant")
        w.close()

    if cap.want("events_newconsensus"):
        w = cap.wire(C)
        cap.auth(w, C)
        w.cmd("SETEVENTS NEWCONSENSUS STATUS_CLIENT")
        w.collect(60, lambda evs: any(e[0].startswith(b"650+NEWCONSENSUS") for e in evs))
        w.collect(2)
        w.cmd("SETEVENTS")
        # truncate the data block
        lg, out, i = w.log, [], 0
        while i < len(lg):
            k, d = lg[i]
            out.append(lg[i])
            if k == "S" and d.startswith(b"650+NEWCONSENSUS"):
                j = i + 1
                while j < len(lg) and not (lg[j][0] == "S" and lg[j][1] == b"."):
                    j += 1
                body = lg[i + 1:j]
                if len(body) > 30:
                    out += body[:20] + [("#", ("... %d lines omitted ..." % (len(body) - 30)).encode())] + body[-10:]
                else:
                    out += body
                i = j
                continue
            i += 1
        w.log = out
        cap.write("events_newconsensus", w, C, "SETEVENTS NEWCONSENSUS STATUS_CLIENT, until one NEWCONSENSUS (60 s max)")
        w.close()

    return cap


def split_events(cap, w, node, base):
    """Per event type: a few examples each, distinct (type, status) first."""
    events, cur, in_data = [], [], False
    for k, d in w.log:
        if k != "S":
            continue
        if not cur and not d.startswith(b"650"):
            continue
        cur.append(d)
        if in_data:
            if d == b".":
                in_data = False
            continue
        if d[3:4] == b"+":
            in_data = True
        elif d[3:4] == b" ":
            events.append(cur)
            cur = []
    by = {}
    for e in events:
        words = e[0][4:].split(b" ")
        typ = words[0].decode(errors="replace")
        status = words[2] if typ in ("CIRC", "STREAM", "ORCONN", "CIRC_MINOR") and len(words) > 2 else \
            (words[1] if len(words) > 1 and typ in ("STATUS_CLIENT", "STATUS_GENERAL", "HS_DESC", "GUARD") else b"")
        if typ in ("STATUS_CLIENT", "STATUS_GENERAL") and len(words) > 2:
            status += b" " + words[2]
        by.setdefault(typ, {}).setdefault(status, []).append(e)
    for typ, st in sorted(by.items()):
        name = "%s_%s" % (base, typ)
        if not cap.want(base):
            continue
        ev = Wire.__new__(Wire)
        ev.log = [("#", b"examples taken from " + base.encode() + b".txt (per status at most 3)")]
        for status, lst in st.items():
            for e in lst[:3]:
                ev.log += [("S", l) for l in e]
        cap.write(name, ev, node)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=OUT_DEFAULT)
    ap.add_argument("--only", nargs="*", default=[])
    ap.add_argument("--keep", action="store_true", help="keep the network directory")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    t0 = time.time()
    print("starting network", flush=True)
    net = testnet.start(relays=3, onion_services=1, timeout=240)
    try:
        print("ready in %.0f s; dir %s" % (net.ready_after, net.dir), flush=True)
        pw = hash_password(PASSWORD)
        net.add("client", name="client1", extra_torrc="HashedControlPassword %s\n" % pw, wait=False)
        cap = run(net, a.out, a.only)
        info = {
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "version": subprocess.run([TOR, "--version"], capture_output=True, timeout=30)
            .stdout.decode().splitlines()[0],
            "files": len(cap.written), "seconds": int(time.time() - t0),
        }
        with open(os.path.join(a.out, "capture-info.txt"), "w") as f:
            for k, v in info.items():
                f.write("%s: %s\n" % (k, v))
        print(info)
    finally:
        net.stop()
        if not a.keep:
            import shutil
            shutil.rmtree(net.dir, ignore_errors=True)


if __name__ == "__main__":
    main()
