/* Tokenizer for directory documents (dir-spec section 1.2): a document is a
 * sequence of items, each a keyword line "Keyword arg arg ...\n" optionally
 * followed by one object "-----BEGIN TYPE-----\n<base64>\n-----END TYPE-----\n".
 *
 * dir_tokenize() splits a (pointer, length) buffer into tokens and checks,
 * per token, the argument count and object rule of its keyword. Each token
 * records byte offsets into the document, so that callers can hash the exact
 * signed range. Section rules (at start / at end / occurrence counts) are
 * checked separately over a token range with dir_tokens_check_section(),
 * since documents such as a consensus repeat groups of items.
 *
 * Keywords not in the rule table get id DIR_KW_UNKNOWN and are otherwise
 * accepted (dir-spec: unknown items MUST be ignored). Lines starting with
 * '@' (annotations, as in cached-microdescs) are tokens too.
 *
 * Ownership: dir_tokenize returns a new dir_tokens_t (free it with
 * dir_tokens_free). Arguments are NUL-terminated copies owned by it, and
 * objects are decoded into buffers owned by it; the document itself is not
 * retained. */
#ifndef TOR_FEATURE_DIRPARSE_DIRTOKEN_H
#define TOR_FEATURE_DIRPARSE_DIRTOKEN_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define DIR_KW_UNKNOWN (-1)
#define DIR_ARGS_ANY 0xffffu
#define DIR_COUNT_ANY 0xffffu
/* Largest decoded object we accept (keys up to 4096 bits, signatures). */
#define DIR_OBJECT_MAX_LEN 4096

typedef enum {
  DIR_OBJ_NONE = 0,     /* an object after this keyword is an error */
  DIR_OBJ_OPTIONAL,
  DIR_OBJ_REQUIRED,
} dir_obj_rule_t;

/* Where a keyword must occur within its section. */
#define DIR_AT_START (1u << 0)
#define DIR_AT_END   (1u << 1)

typedef struct dir_token_rule_t {
  const char *keyword;
  int id;                   /* caller's keyword id, >= 0 */
  unsigned min_args, max_args;  /* max DIR_ARGS_ANY: no limit */
  unsigned min_count, max_count; /* per section; max DIR_COUNT_ANY */
  dir_obj_rule_t obj;
  const char *obj_type;     /* required object type, or NULL for any */
  unsigned where;           /* DIR_AT_START / DIR_AT_END */
} dir_token_rule_t;

typedef struct dir_token_t {
  int id;                   /* rule id, or DIR_KW_UNKNOWN */
  const char *keyword;      /* NUL-terminated copy */
  size_t n_args;
  const char *const *args;  /* n_args NUL-terminated copies */
  const char *object_type;  /* NULL when the item has no object */
  const uint8_t *object;    /* decoded object body */
  size_t object_len;
  /* Byte offsets into the document: the keyword's first byte, the byte
   * after the keyword line's newline, the byte after the whole item (after
   * the object's END line, if any). */
  size_t start, line_end, end;
  unsigned line;            /* 1-based line number, for messages */
  size_t arg0_;             /* private: index of args in the argv store */
} dir_token_t;

typedef struct dir_tokens_t {
  dir_token_t *tok;
  size_t n;
  /* private storage */
  char *strbuf_;            /* keyword and argument copies */
  const char **argv_;
  uint8_t *objs_;           /* decoded objects */
} dir_tokens_t;

/* Tokenizes len bytes at doc with the given rules. Returns NULL on a
 * malformed document, with a reason (including the line) in err. */
dir_tokens_t *dir_tokenize(const char *doc, size_t len,
                           const dir_token_rule_t *rules, size_t n_rules,
                           char *err, size_t errlen);
void dir_tokens_free(dir_tokens_t *t);

/* Checks the tokens [first, end) against the section rules: counts of each
 * rule's keyword, DIR_AT_START (must be token first), DIR_AT_END (must be
 * token end-1). Returns 0, or -1 with a reason in err. */
int dir_tokens_check_section(const dir_tokens_t *t, size_t first, size_t end,
                             const dir_token_rule_t *rules, size_t n_rules,
                             char *err, size_t errlen);

/* Index of the first token in [from, end) with the given id, or end. */
size_t dir_tokens_find(const dir_tokens_t *t, size_t from, size_t end, int id);

/* Parses "YYYY-MM-DD" and "HH:MM:SS" (two arguments) as UTC. 0 or -1. */
int dir_parse_time(const char *date, const char *hms, time_t *out);
/* Formats t as "YYYY-MM-DD HH:MM:SS" (out needs 20 bytes). */
void dir_format_time(char out[20], time_t t);
/* Parses a decimal integer in [min, max] that fills the whole string. */
int dir_parse_int(const char *s, long long min, long long max,
                  long long *out);
/* Decodes 40 hex digits into 20 bytes. 0 or -1. */
int dir_parse_hex_digest(const char *s, uint8_t out[20]);
/* Decodes base64 (padded or not) that must yield exactly outlen bytes. */
int dir_parse_base64_exact(const char *s, uint8_t *out, size_t outlen);

#endif
