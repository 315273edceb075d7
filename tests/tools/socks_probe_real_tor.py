#!/usr/bin/python3
"""Sends hand-written SOCKS messages to a SocksPort and prints what came
back (hex), then <EOF>, <TIMEOUT> or <RST>. Used to learn what real tor
0.4.9.11 answers, for the expected replies in tests/unit/test_socks.c:
  scripts/testnet start --dir /tmp/tn && scripts/testnet wait --dir /tmp/tn
  tests/tools/socks_probe_real_tor.py PORT     (the client's SocksPort)
Read the client's notice.log for tor's reasons."""
import socket
import sys
import time

CASES = [
    ("http GET", [b"GET / HTTP/1.0\r\n\r\n"]),
    ("http CONNECT", [b"CONNECT example.com:443 HTTP/1.0\r\n\r\n"]),
    ("http 2 bytes", [b"GX"]),
    ("1 byte G", [b"G"]),
    ("bad version", [b"\x06\x01\x00"]),
    ("s5 offers 00+02", [b"\x05\x02\x00\x02"]),
    ("s5 offers 02", [b"\x05\x01\x02"]),
    ("s5 offers gssapi", [b"\x05\x01\x01"]),
    ("s5 zero methods", [b"\x05\x00"]),
    ("s5 bind", [b"\x05\x01\x00", b"\x05\x02\x00\x01\x7f\x00\x00\x01\x00\x50"]),
    ("s5 udp", [b"\x05\x01\x00", b"\x05\x03\x00\x01\x7f\x00\x00\x01\x00\x50"]),
    ("s5 atyp 5", [b"\x05\x01\x00", b"\x05\x01\x00\x05\x7f\x00\x00\x01\x00\x50"]),
    ("s5 NUL in host", [b"\x05\x01\x00", b"\x05\x01\x00\x03\x05ab\x00cd\x00\x50"]),
    ("s5 empty host", [b"\x05\x01\x00", b"\x05\x01\x00\x03\x00\x00\x50"]),
    ("s5 rsv 7", [b"\x05\x01\x00", b"\x05\x01\x07\x03\x0bexample.com\x00\x50"]),
    ("s5 auth after noauth", [b"\x05\x01\x00", b"\x01\x01u\x01p"]),
    ("s5 auth version 2", [b"\x05\x01\x02", b"\x02\x01u\x01p"]),
    ("s5 auth empty", [b"\x05\x01\x02", b"\x01\x00\x00"]),
    ("s5 <torS0X>0", [b"\x05\x01\x02", b"\x01\x09<torS0X>0\x01p"]),
    ("s5 <torS0X>1x", [b"\x05\x01\x02", b"\x01\x0a<torS0X>1x\x01p"]),
    ("s5 <torS0X>", [b"\x05\x01\x02", b"\x01\x08<torS0X>\x01p"]),
    ("s5 <torS0X>0abc", [b"\x05\x01\x02", b"\x01\x0c<torS0X>0abc\x01p"]),
    ("s5 <TORS0X>1", [b"\x05\x01\x02", b"\x01\x09<TORS0X>1\x01p"]),
    ("s4 bind", [b"\x04\x02\x00\x50\x7f\x00\x00\x01\x00"]),
    ("s4 port 0", [b"\x04\x01\x00\x00\x7f\x00\x00\x01\x00"]),
    ("s4 ip 0", [b"\x04\x01\x00\x50\x00\x00\x00\x00\x00"]),
    ("s4a empty host", [b"\x04\x01\x00\x50\x00\x00\x00\x01\x00\x00"]),
    ("s4 userid 512", [b"\x04\x01\x00\x50\x7f\x00\x00\x01" + b"u" * 512 + b"\x00"]),
    ("s4 userid 513", [b"\x04\x01\x00\x50\x7f\x00\x00\x01" + b"u" * 513 + b"\x00"]),
    ("s4a host 255", [b"\x04\x01\x00\x50\x00\x00\x00\x01\x00" + b"h" * 251 + b".com\x00"]),
    ("s4a host 256", [b"\x04\x01\x00\x50\x00\x00\x00\x01\x00" + b"h" * 252 + b".com\x00"]),
]


def probe(port, chunks, wait):
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(wait)
    out = b""
    try:
        for chunk in chunks:
            s.sendall(chunk)
            time.sleep(0.2)
        while True:
            d = s.recv(65536)
            if not d:
                return out.hex() + " <EOF>"
            out += d
    except socket.timeout:
        return out.hex() + " <TIMEOUT>"
    except ConnectionResetError:
        return out.hex() + " <RST>"
    finally:
        s.close()


def main():
    port = int(sys.argv[1])
    for name, chunks in CASES:
        print("%-22s %s" % (name, probe(port, chunks, 2.0)[:120]))


if __name__ == "__main__":
    main()
