#!/usr/bin/python3
"""Expected values for the directory-document tests (tests/unit/test_dirparse*.c),
computed independently of our C code: stem 1.8.1 parses the documents and
python3-cryptography checks the RSA signatures (PKCS#1 v1.5 without
DigestInfo, recovered with recover_data_from_signature and compared with
hashlib's digest of the signed text).

Input: the real-tor documents in tests/vectors/dirdocs/ (see its README).
Output: tests/vectors/dirdocs/expected.txt, plus the hand-made variants
  consensus-params          the consensus with a "params" line added
  bad-consensus-truncated   cut in the middle of the last signature
  bad-consensus-sigbyte     one byte of every signature flipped
  bad-consensus-mdigest     an "m" digest changed (signed text altered)
  bad-cert-swapped          cert 0's certification replaced by cert 1's
  bad-cert-crosscert        cert 0's cross-certificate with one byte flipped
  bad-microdesc-ntor        a microdescriptor with a 31-byte ntor key

Run: /usr/bin/python3 tests/vectors/gen/gen_dirdocs.py tests/vectors/dirdocs

expected.txt: one record per line, space-separated, first word the kind:
  cons <key> <value...>
  router <hexid> <nickname> <ip> <orport> <dirport> <md-digest-hex> <bw>
         <unmeasured 0|1> <flags,comma,separated> <version...>
  dirsource <hexid> <nickname> <dirport> <orport> <vote-digest-hex>
  bw <name> <value>
  sig <alg> <identity-hex> <signing-key-digest-hex> <valid 0|1>
  cert <fingerprint> <signing-key-digest> <published> <expires> <file>
  md <file> <index> <digest-hex> <ntor-hex> <ed25519-hex> <policy|->
Times are POSIX seconds (UTC)."""

import base64
import calendar
import hashlib
import os
import re
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding

import stem.descriptor
from stem.descriptor.networkstatus import NetworkStatusDocumentV3


def b64(s):
    return base64.b64decode(s + '=' * (-len(s) % 4))


def epoch(dt):
    return calendar.timegm(dt.utctimetuple())


def pem_key(pem):
    return serialization.load_pem_public_key(pem.encode())


def der_sha1(key):
    der = key.public_bytes(serialization.Encoding.DER,
                           serialization.PublicFormat.PKCS1)
    return hashlib.sha1(der).hexdigest().upper()


def recover(key, sig):
    try:
        return key.recover_data_from_signature(sig, padding.PKCS1v15(), None)
    except Exception:
        return None


def signed_portion(raw):
    start = raw.index(b'network-status-version')
    i = raw.index(b'\ndirectory-signature ') + 1
    return raw[start:i + len(b'directory-signature ')]


def sig_objects(raw):
    """(alg, identity, skd, signature bytes) of each directory-signature."""
    out = []
    for m in re.finditer(rb'^directory-signature ([^\n]*)\n-----BEGIN SIGNATURE-----\n'
                         rb'(.*?)-----END SIGNATURE-----', raw, re.M | re.S):
        args = m.group(1).decode().split()
        if len(args) == 2:
            args = ['sha1'] + args
        out.append((args[0], args[1], args[2], base64.b64decode(m.group(2))))
    return out


def certs_by_key(certs):
    return {(c.fingerprint, der_sha1(pem_key(c.signing_key))): c for c in certs}


def consensus_records(raw, certs):
    doc = NetworkStatusDocumentV3(raw, validate=False)
    rec = []
    rec.append('cons valid_after %d' % epoch(doc.valid_after))
    rec.append('cons fresh_until %d' % epoch(doc.fresh_until))
    rec.append('cons valid_until %d' % epoch(doc.valid_until))
    rec.append('cons method %d' % doc.consensus_method)
    rec.append('cons vote_delay %d' % doc.vote_delay)
    rec.append('cons dist_delay %d' % doc.dist_delay)
    rec.append('cons n_routers %d' % len(doc.routers))
    rec.append('cons known_flags %s' % ' '.join(doc.known_flags))
    for name, attr in (('required_client_protocols', 'required_client_protocols'),
                       ('recommended_client_protocols', 'recommended_client_protocols'),
                       ('required_relay_protocols', 'required_relay_protocols'),
                       ('recommended_relay_protocols', 'recommended_relay_protocols')):
        protos = getattr(doc, attr)
        rec.append('cons %s %s' % (name, ' '.join(
            '%s=%s' % (k, ','.join(str(v) for v in vs)) for k, vs in protos.items())))
    for which in ('current', 'previous'):
        val = getattr(doc, 'shared_randomness_%s_value' % which)
        if val:
            n = getattr(doc, 'shared_randomness_%s_reveal_count' % which)
            rec.append('cons srv_%s %d %s' % (which, n, b64(val).hex()))
    rec.append('cons digest_sha256 %s' % hashlib.sha256(signed_portion(raw)).hexdigest())
    for r in sorted(doc.routers.values(), key=lambda r: r.fingerprint):
        rec.append('router %s %s %s %d %d %s %d %d %s %s' % (
            r.fingerprint, r.nickname, r.address, r.or_port, r.dir_port or 0,
            b64(r.microdescriptor_digest).hex(), r.bandwidth,
            1 if r.is_unmeasured else 0, ','.join(r.flags), r.version_line))
    for a in doc.directory_authorities:
        rec.append('dirsource %s %s %d %d %s' % (a.fingerprint, a.nickname,
                                                 a.dir_port, a.or_port, a.vote_digest))
    for k, v in sorted(doc.bandwidth_weights.items()):
        rec.append('bw %s %d' % (k, v))
    digest = {'sha256': hashlib.sha256(signed_portion(raw)).digest(),
              'sha1': hashlib.sha1(signed_portion(raw)).digest()}
    by_key = certs_by_key(certs)
    for alg, ident, skd, sig in sig_objects(raw):
        cert = by_key.get((ident, skd))
        ok = cert is not None and recover(pem_key(cert.signing_key), sig) == digest[alg]
        rec.append('sig %s %s %s %d' % (alg, ident, skd, 1 if ok else 0))
    return rec


def check_cert(cert):
    """Cross-certification and certification, checked with cryptography."""
    raw = bytes(cert.get_bytes())
    ident, signing = pem_key(cert.identity_key), pem_key(cert.signing_key)
    id_der = ident.public_bytes(serialization.Encoding.DER,
                                serialization.PublicFormat.PKCS1)
    cross = base64.b64decode(''.join(cert.crosscert.splitlines()[1:-1]))
    certif = base64.b64decode(''.join(cert.certification.splitlines()[1:-1]))
    end = raw.index(b'\ndir-key-certification\n') + len(b'\ndir-key-certification\n')
    assert recover(signing, cross) == hashlib.sha1(id_der).digest()
    assert recover(ident, certif) == hashlib.sha1(raw[:end]).digest()
    assert der_sha1(ident) == cert.fingerprint


def cert_records(path, name):
    certs = list(stem.descriptor.parse_file(path, 'dir-key-certificate-3 1.0',
                                            validate=False))
    rec = []
    for c in certs:
        check_cert(c)
        skd = der_sha1(pem_key(c.signing_key))
        rec.append('cert %s %s %d %d %s' % (c.fingerprint, skd, epoch(c.published),
                                            epoch(c.expires), name))
    return certs, rec


def md_records(path, name):
    rec = []
    mds = stem.descriptor.parse_file(path, 'microdescriptor 1.0', validate=True)
    for i, m in enumerate(mds):
        ed = m.identifiers.get('ed25519')
        policy = str(m.exit_policy) if any(l.startswith('p ') for l in
                                           str(m).splitlines()) else '-'
        rec.append('md %s %d %s %s %s %s' % (name, i, b64(m.digest()).hex(),
                                            b64(m.ntor_onion_key).hex(),
                                            b64(ed).hex() if ed else '-', policy))
    return rec


def write(dirpath, name, data):
    with open(os.path.join(dirpath, name), 'wb') as f:
        f.write(data)


def flip_sig_bytes(raw):
    def flip(m):
        body = bytearray(base64.b64decode(m.group(2)))
        body[40] ^= 0x01
        enc = base64.encodebytes(bytes(body)).decode().replace('\n', '')
        lines = '\n'.join(enc[i:i + 64] for i in range(0, len(enc), 64))
        return m.group(1) + lines.encode() + b'\n-----END SIGNATURE-----'
    return re.sub(rb'(directory-signature [^\n]*\n-----BEGIN SIGNATURE-----\n)(.*?)'
                  rb'-----END SIGNATURE-----', flip, raw, flags=re.S)


def make_variants(d, cons, certs_raw, mds_raw):
    params = cons.replace(b'\nknown-flags ',
                          b'\nknown-flags ', 1)
    i = params.index(b'\ndir-source ')
    params = (params[:i] + b'\nparams CircuitPriorityHalflifeMsec=30000 '
              b'NumNTorsPerTAP=-100 bwweightscale=10000 cbttestfreq=10 '
              b'bad-param=abc' + params[i:])
    write(d, 'consensus-params', params)
    write(d, 'bad-consensus-truncated', cons[:len(cons) - 100])
    write(d, 'bad-consensus-sigbyte', flip_sig_bytes(cons))
    m = re.search(rb'\nm ([A-Za-z0-9+/]+)\n', cons)
    digest = bytearray(b64(m.group(1).decode()))
    digest[0] ^= 0x80
    new = base64.b64encode(bytes(digest)).rstrip(b'=')
    write(d, 'bad-consensus-mdigest',
          cons[:m.start(1)] + new + cons[m.end(1):])
    parts = certs_raw.split(b'dir-key-certificate-version')
    c0, c1 = b'dir-key-certificate-version' + parts[1], b'dir-key-certificate-version' + parts[2]
    tail = lambda c: c[c.index(b'dir-key-certification\n'):]
    write(d, 'bad-cert-swapped', c0[:c0.index(b'dir-key-certification\n')] + tail(c1))
    cm = re.search(rb'-----BEGIN ID SIGNATURE-----\n([A-Za-z0-9+/=\n]+?)-----END', c0)
    body = bytearray(base64.b64decode(cm.group(1)))
    body[10] ^= 0x01
    enc = base64.encodebytes(bytes(body)).decode().replace('\n', '')
    enc = '\n'.join(enc[i:i + 64] for i in range(0, len(enc), 64)) + '\n'
    write(d, 'bad-cert-crosscert', c0[:cm.start(1)] + enc.encode() + c0[cm.end(1):])
    nm = re.search(rb'ntor-onion-key ([A-Za-z0-9+/=]+)\n', mds_raw)
    short = base64.b64encode(b64(nm.group(1).decode())[:31]).rstrip(b'=')
    write(d, 'bad-microdesc-ntor', mds_raw[:nm.start(1)] + short + mds_raw[nm.end(1):])


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else 'tests/vectors/dirdocs'
    rd = lambda n: open(os.path.join(d, n), 'rb').read()
    certs, rec = cert_records(os.path.join(d, 'certs-all'), 'certs-all')
    _, rec2 = cert_records(os.path.join(d, 'cached-certs'), 'cached-certs')
    rec += rec2
    rec += consensus_records(rd('consensus-microdesc'), certs)
    rec += md_records(os.path.join(d, 'microdescs'), 'microdescs')
    rec += md_records(os.path.join(d, 'cached-microdescs'), 'cached-microdescs')
    make_variants(d, rd('consensus-microdesc'), rd('certs-all'), rd('microdescs'))
    # The params variant, as stem reads it (stem drops a whole params line
    # with a malformed entry, so it reads the line without bad-param=abc;
    # our parser skips just that entry).
    pdoc = NetworkStatusDocumentV3(rd('consensus-params').replace(b' bad-param=abc', b''),
                                   validate=False)
    for k in ('CircuitPriorityHalflifeMsec', 'NumNTorsPerTAP', 'bwweightscale',
              'cbttestfreq'):
        rec.append('param %s %d' % (k, pdoc.params[k]))
    with open(os.path.join(d, 'expected.txt'), 'w') as f:
        f.write('\n'.join(rec) + '\n')


if __name__ == '__main__':
    main()
