/* libFuzzer target: the CERTS cell and the certificates in it. The input
 * is used as a CERTS payload (parsed and verified as a client would, at a
 * fixed time and TLS digest), and as a lone Ed25519 certificate, RSA
 * cross-certificate and X.509 certificate.
 * FUZZ_EXTRA_SOURCES: src/core/or/torcert.c src/core/or/torcert_x509.c src/core/or/link_handshake_certs.c
 */
#include "orconfig.h"

#include "core/or/link_handshake_certs.h"
#include "core/or/torcert.h"
#include "core/or/torcert_x509.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const uint8_t tls_digest[32] = { 1, 2, 3 };
  const time_t now = (time_t)1795318291;
  certs_cell_t cc;
  link_peer_ids_t ids;
  ed25519_cert_t *ec;
  rsa_ed_crosscert_t xc;
  tor_x509_cert_t *xc509;
  const char *err = NULL;

  if (certs_cell_parse(&cc, data, size, &err) == 0) {
    int t;
    for (t = 1; t <= CERTS_MAX_TYPE; t++) {
      const certs_entry_t *e = &cc.by_type[t];
      if (e->body && (e->body < data || e->body + e->len > data + size))
        abort();
    }
  }
  /* The TLS digest is arbitrary, so a success would mean a forgery. */
  if (certs_cell_verify_responder(data, size, tls_digest, now, &ids,
                                  &err) == 0)
    abort();

  ec = ed25519_cert_parse(data, size, &err);
  if (ec) {
    if (ec->encoded_len != size)
      abort();
    (void)ed25519_cert_check(ec, NULL, now, &err);
    ed25519_cert_free(ec);
  }
  (void)rsa_ed_crosscert_parse(&xc, data, size, &err);
  xc509 = tor_x509_cert_decode(data, size);
  if (xc509) {
    crypto_rsa_key_t *k = tor_x509_cert_get_rsa_key(xc509);
    if (k) {
      (void)tor_x509_cert_check_signed_by(xc509, k);
      crypto_rsa_key_free(k);
    }
    (void)tor_x509_cert_check_lifetime(xc509, now);
    tor_x509_cert_free(xc509);
  }
  return 0;
}
