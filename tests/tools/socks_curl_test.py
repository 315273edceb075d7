#!/usr/bin/python3
"""End-to-end test of core/proto/proto_socks: curl (SOCKS4, SOCKS4a,
SOCKS5 with and without username/password, IPv4, IPv6, hostnames) and a
SOCKS5 client written here from RFC 1928/1929 (for tor's RESOLVE and
RESOLVE_PTR, which curl cannot send) talk to tests/tools/socksecho, which
prints what our parser understood.

Usage: tests/tools/socks_curl_test.py [BUILD_DIR]   (exit status 0 = pass)
"""
import os
import socket
import struct
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = sys.argv[1] if len(sys.argv) > 1 else TOP
SOCKSECHO = os.path.join(BUILD, "tests", "tools", "socksecho")

failures = 0


class Echo:
    def __init__(self, *flags):
        self.proc = subprocess.Popen([SOCKSECHO, *flags], stdout=subprocess.PIPE,
                                     text=True)
        first = self.proc.stdout.readline().split()
        assert first[0] == "listening", first
        self.port = int(first[1])

    def line(self):
        return self.proc.stdout.readline().strip()

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def check(name, got, want):
    global failures
    if got == want:
        print("ok   %s" % name)
    else:
        failures += 1
        print("FAIL %s\n  got:  %r\n  want: %r" % (name, got, want))


def curl(args):
    r = subprocess.run(["curl", "-s", "-S", "--max-time", "10", *args],
                       capture_output=True, text=True)
    return r.stdout.strip()


def curl_case(echo, name, args, want):
    body = curl(args)
    parsed = echo.line()
    check(name + " (parsed)", parsed, want)
    # The page socksecho served through the granted stream says the same.
    check(name + " (through the stream)", body, want)


def rfc1928_request(port, cmd, atyp, addr, dport, user=None, password=None):
    """A SOCKS5 client from RFC 1928/1929; returns the server's replies."""
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    replies = []
    if user is None:
        s.sendall(b"\x05\x01\x00")
    else:
        s.sendall(b"\x05\x01\x02")
    replies.append(s.recv(2))
    if user is not None:
        s.sendall(b"\x01" + bytes([len(user)]) + user + bytes([len(password)])
                  + password)
        replies.append(s.recv(2))
    if atyp == 3:
        a = bytes([len(addr)]) + addr
    else:
        a = addr
    s.sendall(b"\x05" + bytes([cmd]) + b"\x00" + bytes([atyp]) + a +
              struct.pack(">H", dport))
    replies.append(s.recv(10))
    s.close()
    return replies


def main():
    if not os.path.exists(SOCKSECHO):
        print("build tests/tools/socksecho first (make)")
        return 2
    echo = Echo()
    p = echo.port
    try:
        curl_case(echo, "socks5-hostname",
                  ["--socks5-hostname", "127.0.0.1:%d" % p, "http://example.com/"],
                  "version=5 cmd=0x01 atyp=3 addr=example.com port=80 auth=no user= pass=")
        curl_case(echo, "socks5 ipv4",
                  ["--socks5", "127.0.0.1:%d" % p, "http://192.0.2.1:8080/"],
                  "version=5 cmd=0x01 atyp=1 addr=192.0.2.1 port=8080 auth=no user= pass=")
        curl_case(echo, "socks5 ipv6",
                  ["--socks5", "127.0.0.1:%d" % p, "http://[2001:db8::1]:81/"],
                  "version=5 cmd=0x01 atyp=4 addr=2001:db8::1 port=81 auth=no user= pass=")
        curl_case(echo, "socks5 user/pass",
                  ["--socks5-hostname", "127.0.0.1:%d" % p, "-U", "alice:s3cret",
                   "http://example.org:8000/"],
                  "version=5 cmd=0x01 atyp=3 addr=example.org port=8000 auth=yes user=alice pass=s3cret")
        curl_case(echo, "socks4a",
                  ["--socks4a", "127.0.0.1:%d" % p, "http://example.net/"],
                  "version=4a cmd=0x01 atyp=3 addr=example.net port=80 auth=no user= pass=")
        curl_case(echo, "socks4a user id",
                  ["-x", "socks4a://bob@127.0.0.1:%d" % p, "http://example.net/"],
                  "version=4a cmd=0x01 atyp=3 addr=example.net port=80 auth=yes user=bob pass=")
        curl_case(echo, "socks4 ipv4",
                  ["--socks4", "127.0.0.1:%d" % p, "http://198.51.100.7:8443/"],
                  "version=4 cmd=0x01 atyp=1 addr=198.51.100.7 port=8443 auth=no user= pass=")

        # HTTP spoken to the SOCKS port: tor's 501 page.
        r = subprocess.run(["curl", "-s", "-i", "--max-time", "10", "-x",
                            "http://127.0.0.1:%d" % p, "http://example.com/"],
                           capture_output=True, text=True)
        check("http to socks port (status)", r.stdout.splitlines()[0],
              "HTTP/1.0 501 Tor is not an HTTP Proxy")
        check("http to socks port (parsed)", echo.line(), "error")

        # RESOLVE (0xF0) and RESOLVE_PTR (0xF1), socks-extensions section 2.
        replies = rfc1928_request(p, 0xF0, 3, b"torproject.org", 0)
        check("resolve (parsed)", echo.line(),
              "version=5 cmd=0xf0 atyp=3 addr=torproject.org port=0 auth=no user= pass=")
        check("resolve (replies)", replies,
              [b"\x05\x00", b"\x05\x00\x00\x01\x7f\x00\x00\x01\x00\x00"])
        replies = rfc1928_request(p, 0xF1, 1, bytes([10, 0, 0, 1]), 0,
                                  user=b"u", password=b"")
        check("resolve_ptr (parsed)", echo.line(),
              "version=5 cmd=0xf1 atyp=1 addr=10.0.0.1 port=0 auth=yes user=u pass=")
        check("resolve_ptr (replies)", replies,
              [b"\x05\x02", b"\x01\x00", b"\x05\x00\x00\x01\x7f\x00\x00\x01\x00\x00"])
    finally:
        echo.stop()

    # PreferSOCKSNoAuth: curl offers both methods, "no auth" wins.
    echo = Echo("--prefer-no-auth")
    try:
        curl_case(echo, "prefer-no-auth",
                  ["--socks5-hostname", "127.0.0.1:%d" % echo.port, "-U", "alice:x",
                   "http://example.com/"],
                  "version=5 cmd=0x01 atyp=3 addr=example.com port=80 auth=no user= pass=")
    finally:
        echo.stop()

    print("%s" % ("all passed" if failures == 0 else "%d failed" % failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
