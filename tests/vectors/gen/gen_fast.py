#!/usr/bin/python3
"""Reference CREATE_FAST handshake (tor-spec section 5.1.5) and KDF-TOR
(section 5.2.1), written from the spec text with Python's hashlib only, to
produce known-answer vectors for our C implementation.

    /usr/bin/python3 tests/vectors/gen/gen_fast.py tests/vectors/fast/fast.txt
    /usr/bin/python3 tests/vectors/gen/gen_fast.py --seeds tests/fuzz/corpus/onion_fast

The second form writes the fuzz seeds for tests/fuzz/fuzz_onion_fast.c:
record 0's CREATED_FAST payload, the same padded to a 509-byte cell body,
one with KH's last bit flipped, and one a byte short.

X and Y come from fixed labels through SHA-256, so the output is
reproducible. Each record holds X (the CREATE_FAST payload), Y, the
CREATED_FAST payload (Y | KH), KH, and the circuit keys in the order our
relay crypto takes them (Df 20 | Db 20 | Kf 16 | Kb 16, then KH 20), plus
a longer KDF-TOR output (kdf_long, 300 bytes: counters 0..14) of X | Y,
and, to show the keys land where relay crypto expects them, one relay
cell each way on the one-hop circuit (tor-spec 6.1; AES-128-CTR with a zero
IV from python3-cryptography, running SHA-1 seeded with Df / Db): a
BEGIN_DIR from the client (fwd_plain, as sealed, and fwd_wire) and a
CONNECTED from the relay (back_plain sealed, back_wire)."""

import hashlib
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

HASH_LEN = 20
KEY_LEN = 16


def det(label, n):
    out = b''
    i = 0
    while len(out) < n:
        out += hashlib.sha256(b'%s/%d' % (label.encode(), i)).digest()
        i += 1
    return out[:n]


def kdf_tor(k0, n):
    """K = H(K0 | [00]) | H(K0 | [01]) | ..., H = SHA-1, first n bytes."""
    out = b''
    i = 0
    while len(out) < n:
        out += hashlib.sha1(k0 + bytes([i])).digest()
        i += 1
    return out[:n]


def relay_cell(command, stream_id, data):
    """A relay payload with recognized and digest zero, zero padding."""
    hdr = bytes([command]) + b'\0\0' + stream_id.to_bytes(2, 'big') + \
        b'\0\0\0\0' + len(data).to_bytes(2, 'big')
    return (hdr + data).ljust(509, b'\0')


def seal_and_encrypt(seed, key, plain):
    digest = hashlib.sha1(seed + plain).digest()
    sealed = plain[:5] + digest[:4] + plain[9:]
    enc = Cipher(algorithms.AES(key), modes.CTR(b'\0' * 16)).encryptor()
    return sealed, enc.update(sealed) + enc.finalize()


def record(n):
    x = det('fast/%d/x' % n, HASH_LEN)
    y = det('fast/%d/y' % n, HASH_LEN)
    return x, y, kdf_tor(x + y, HASH_LEN)


def write_seeds(d):
    import os
    os.makedirs(d, exist_ok=True)
    x, y, kh = record(0)
    seeds = {"reply": y + kh, "reply_cell": (y + kh).ljust(509, b'\0'),
             "reply_bad_kh": y + kh[:-1] + bytes([kh[-1] ^ 1]),
             "reply_short": (y + kh)[:-1]}
    for name, val in seeds.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(val)


def main():
    if sys.argv[1] == "--seeds":
        write_seeds(sys.argv[2])
        return
    out_path = sys.argv[1]
    lines = ["# CREATE_FAST / KDF-TOR vectors from tests/vectors/gen/gen_fast.py",
             "# (reference written from tor-spec 5.1.5 / 5.2.1 with hashlib)", ""]
    for n in range(3):
        x = det('fast/%d/x' % n, HASH_LEN)
        y = det('fast/%d/y' % n, HASH_LEN)
        k = kdf_tor(x + y, 3 * HASH_LEN + 2 * KEY_LEN)
        kh = k[:HASH_LEN]
        df = k[HASH_LEN:2 * HASH_LEN]
        db = k[2 * HASH_LEN:3 * HASH_LEN]
        kf = k[3 * HASH_LEN:3 * HASH_LEN + KEY_LEN]
        kb = k[3 * HASH_LEN + KEY_LEN:]
        assert len(kb) == KEY_LEN
        keys = df + db + kf + kb + kh
        rec = [("x", x), ("y", y), ("reply", y + kh), ("kh", kh),
               ("keys", keys), ("kdf_long", kdf_tor(x + y, 300))]
        fwd_plain, fwd_wire = seal_and_encrypt(df, kf, relay_cell(13, 1, b''))
        back_plain, back_wire = seal_and_encrypt(db, kb, relay_cell(4, 1, b''))
        rec += [("fwd_plain", fwd_plain), ("fwd_wire", fwd_wire),
                ("back_plain", back_plain), ("back_wire", back_wire)]
        for name, val in rec:
            lines.append("%s = %s" % (name, val.hex()))
        lines.append("")
    with open(out_path, "w") as f:
        f.write("\n".join(lines))


if __name__ == '__main__':
    main()
