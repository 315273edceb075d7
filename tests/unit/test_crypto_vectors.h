/* Helpers for the crypto and encoding tests: load known-answer vector
 * files (tests/vectors/NAME.txt: records separated by blank lines, lines
 * "name = hex", '#' comments) and whole fixture files. Written for the
 * tests only; a failure ends the test through unittest_fail. */
#ifndef TESTS_UNIT_TEST_CRYPTO_VECTORS_H
#define TESTS_UNIT_TEST_CRYPTO_VECTORS_H

#include <stddef.h>
#include <stdint.h>

typedef struct vecfile_t vecfile_t;

/* Load tests/vectors/<relpath under the source tree>. */
vecfile_t *vecfile_load(const char *relpath);
void vecfile_free(vecfile_t *vf);
int vecfile_n_records(const vecfile_t *vf);
/* The bytes of field name in record rec; fails the test if missing. */
const uint8_t *vecfile_get(const vecfile_t *vf, int rec, const char *name,
                           size_t *len_out);

/* Whole file under the source tree, malloc'd (caller frees), plus a NUL. */
uint8_t *ut_read_srcfile(const char *relpath, size_t *len_out);

/* Parse a hex string (independent of lib/encoding) into out; returns the
 * byte count; fails the test on bad hex or overflow. */
size_t ut_unhex(uint8_t *out, size_t cap, const char *hex);

#endif
