#!/usr/bin/python3
"""Reference relay cell crypto for a 3-hop circuit, written from tor-spec
5.5 and 6.1 with python3-cryptography's AES-128-CTR (IV zero) and hashlib's
running SHA-1, to produce known-answer vectors for our C implementation.

    /usr/bin/python3 tests/vectors/gen/gen_relaycrypto.py \
        tests/vectors/relaycrypto/circuit3.txt

Each hop's key material (Df 20 | Db 20 | Kf 16 | Kb 16) is derived from a
fixed label with SHA-256. The file's first record holds the three keys;
every further record is one cell, in the order the cells are processed:

  dir      00 = forward (client to hop), 01 = backward (hop to client)
  hop      the hop (0 = first) the cell is for / comes from
  plain    the 509-byte relay payload before sealing (recognized 0,
           digest 0)
  sealed   the same with recognized 0 and the 4-byte digest set
  wire     forward: as the client sends it to hop 0;
           backward: as it reaches the client from hop 0
  digest   the full 20-byte running digest of that hop and direction after
           the cell (what an authenticated SENDME would carry)
"""

import hashlib
import struct
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAYLOAD_LEN = 509


def det(label, n):
    out = b''
    i = 0
    while len(out) < n:
        out += hashlib.sha256(b'%s/%d' % (label.encode(), i)).digest()
        i += 1
    return out[:n]


class Direction:
    """One direction of one hop: a running digest seeded with the digest
    key, and an AES-128-CTR keystream starting at counter zero."""

    def __init__(self, seed, key):
        self.digest = hashlib.sha1(seed)
        self.ctr = Cipher(algorithms.AES(key),
                          modes.CTR(b'\0' * 16)).encryptor()

    def crypt(self, payload):
        return self.ctr.update(payload)

    def seal(self, payload):
        """recognized = 0; digest field = first 4 bytes of the running
        digest over the payload with the digest field zero."""
        p = bytearray(payload)
        p[1:3] = b'\0\0'
        p[5:9] = b'\0\0\0\0'
        self.digest.update(bytes(p))
        full = self.digest.copy().digest()
        p[5:9] = full[:4]
        return bytes(p), full


class Hop:
    def __init__(self, km):
        self.fwd = Direction(km[0:20], km[40:56])
        self.back = Direction(km[20:40], km[56:72])


def relay_cell(cmd, stream_id, data, pad_label):
    """Relay header (command, recognized 0, stream id, digest 0, length),
    data, then padding: four zeros and fixed pseudo-random bytes."""
    body = struct.pack('>BHHIH', cmd, 0, stream_id, 0, len(data)) + data
    pad = PAYLOAD_LEN - len(body)
    zeros = min(4, pad)
    return body + b'\0' * zeros + det(pad_label, pad - zeros)


def main():
    out_path = sys.argv[1]
    keys = [det('relaycrypto/hop%d' % i, 72) for i in range(3)]
    hops = [Hop(k) for k in keys]
    # (direction, hop, command, stream id, data)
    plan = [
        (0, 2, 1, 0x1234, b'example.com:80\0\0\0\0\0'),   # BEGIN to exit
        (1, 2, 4, 0x1234, bytes([93, 184, 216, 34, 0, 0, 1, 44])),  # CONNECTED
        (0, 0, 10, 0, b''),                              # DROP to hop 0
        (0, 2, 2, 0x1234, det('data/1', 498)),            # full DATA
        (1, 1, 9, 0, b'\x07'),                           # TRUNCATED from hop 1
        (1, 0, 10, 0, b''),                              # DROP from hop 0
        (1, 2, 2, 0x1234, det('data/2', 200)),            # DATA from exit
        (0, 1, 5, 0, bytes([1, 0, 20]) + det('sendme', 20)),  # SENDME v1
        (1, 2, 3, 0x1234, b'\x06'),                      # END DONE
        (0, 2, 2, 0x1234, b'GET / HTTP/1.0\r\n\r\n'),
    ]
    recs = [[('hop%d_keys' % i, k) for i, k in enumerate(keys)]]
    for n, (d, h, cmd, sid, data) in enumerate(plan):
        plain = relay_cell(cmd, sid, data, 'pad/%d' % n)
        if d == 0:
            sealed, full = hops[h].fwd.seal(plain)
            wire = sealed
            for i in range(h, -1, -1):
                wire = hops[i].fwd.crypt(wire)
        else:
            sealed, full = hops[h].back.seal(plain)
            wire = sealed
            for i in range(h, -1, -1):
                wire = hops[i].back.crypt(wire)
        recs.append([('dir', bytes([d])), ('hop', bytes([h])),
                     ('plain', plain), ('sealed', sealed), ('wire', wire),
                     ('digest', full)])
    with open(out_path, 'w') as f:
        f.write('# 3-hop relay crypto vectors from '
                'tests/vectors/gen/gen_relaycrypto.py\n'
                '# (reference written from tor-spec 5.5 / 6.1 with '
                'python3-cryptography and hashlib)\n')
        for r in recs:
            f.write('\n')
            for k, v in r:
                f.write('%s = %s\n' % (k, v.hex()))


if __name__ == '__main__':
    main()
