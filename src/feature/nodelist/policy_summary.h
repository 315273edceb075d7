/* Exit policy summaries as microdescriptors carry them (dir-spec "p"):
 * "accept 80,443,1000-2000" or "reject 1-1024,6667". A summary says which
 * ports a relay exits to for most addresses. */
#ifndef TOR_FEATURE_NODELIST_POLICY_SUMMARY_H
#define TOR_FEATURE_NODELIST_POLICY_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

#define POLICY_SUMMARY_MAX_RANGES 64

typedef struct policy_summary_t {
  int is_accept;              /* 1: the ranges are accepted; 0: rejected */
  uint8_t n_ranges;
  struct { uint16_t lo, hi; } ranges[POLICY_SUMMARY_MAX_RANGES];
} policy_summary_t;

/* Parses "accept PORTLIST" or "reject PORTLIST" of len bytes. Returns 0, or
 * -1 on a malformed summary (the result is then "reject 1-65535"). A
 * summary with more ranges than fit keeps the first ones, which for an
 * accept list only under-approximates (never lets us use an exit wrongly);
 * for a reject list it is refused as malformed. */
int policy_summary_parse(const char *s, size_t len, policy_summary_t *out);
/* The "reject 1-65535" summary, for relays that don't say. */
void policy_summary_reject_all(policy_summary_t *out);
/* Whether a connection to port (1..65535) is allowed. */
int policy_summary_allows_port(const policy_summary_t *p, uint16_t port);
/* Whether the summary allows at least one port. */
int policy_summary_allows_any(const policy_summary_t *p);

#endif
