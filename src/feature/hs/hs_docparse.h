/* A small tokenizer for onion service descriptor text (dir-spec 1.2
 * meta-format, as v3 descriptors and their decrypted layers use it):
 *   Document = (Item | NL)+          (empty lines are skipped)
 *   Item   = KeywordLine [Object]
 *   KeywordLine = Keyword [WS Arguments] NL    (the last NL may be missing)
 *   Keyword = [A-Za-z0-9] [A-Za-z0-9-]*       WS = (SP | TAB)+
 *   Object = "-----BEGIN " Tag "-----" NL Base64 "-----END " Tag "-----" NL
 * Every line must be text: no NUL, no control character other than TAB
 * (so no CR), and bytes above 0x7F only as well-formed UTF-8 (dir-spec
 * allows printable ASCII in arguments; we let UTF-8 through in items we
 * ignore anyway).
 * Items point into the caller's buffer; nothing is copied or allocated.
 * (Local to src/feature/hs until a shared dirparse tokenizer exists.) */
#ifndef TOR_FEATURE_HS_HS_DOCPARSE_H
#define TOR_FEATURE_HS_HS_DOCPARSE_H

#include <stddef.h>

#define HS_DOC_MAX_ARGS 16

typedef struct hs_doc_item_t {
  size_t start;               /* offset of the keyword in the document */
  const char *kw;
  size_t kw_len;
  int n_args;                 /* arguments, split on spaces */
  const char *args[HS_DOC_MAX_ARGS];
  size_t arg_lens[HS_DOC_MAX_ARGS];
  const char *obj;            /* the whole object from "-----BEGIN", or NULL */
  size_t obj_len;
  const char *obj_tag;
  size_t obj_tag_len;
  int args_dropped;           /* more than HS_DOC_MAX_ARGS arguments: only
                                 the first ones are in args (callers refuse
                                 that for the items they know) */
  const char *error;          /* why hs_doc_next returned -1 (static) */
  size_t error_at;            /* ... and the offset of the offending line */
} hs_doc_item_t;

/* Read the item at *pos of doc[0..len) and advance *pos past it. Returns 1
 * for an item, 0 at the end of the document (or at a NUL that starts a
 * line: padding; *pos is left there, so the caller can check that only
 * NULs follow), -1 for a malformed item (a bad keyword or character, an
 * unterminated or mismatched object), with item->error and
 * item->error_at set. */
int hs_doc_next(const char *doc, size_t len, size_t *pos, hs_doc_item_t *item);

/* 1 if the item's keyword is kw. */
int hs_doc_kw_is(const hs_doc_item_t *item, const char *kw);
/* 1 if the item has an object with tag `tag`. */
int hs_doc_obj_is(const hs_doc_item_t *item, const char *tag);
/* The 1-based line number of offset off in doc. */
size_t hs_doc_line_of(const char *doc, size_t off);

#endif
