/* The onion service client's authorization credentials (rend-spec-v3
 * appendix G.1.3 and G.2.2; tor's ClientOnionAuthDir and the
 * ONION_CLIENT_AUTH_ADD / REMOVE / VIEW control commands): per onion
 * address, the X25519 secret key that opens its descriptor's inner layer
 * (hs_desc_decrypt_auth).
 *
 * "Permanent" credentials come from the *.auth_private files of the
 * directory (hs_client_auth_file.h), loaded by hs_client_auth_load_dir at
 * start and on every reload. A reload replaces every permanent credential
 * with what the files say now and keeps the ephemeral ones (added over the
 * control port), except for an address a file names. A bad file is logged
 * with its name and the reason, and skipped; the others load. The
 * directory must exist, be a directory and belong to us (tor refuses the
 * configuration otherwise: hs_client_auth_check_dir); group or world
 * access is removed (chmod 0700) with a warning, as tor does.
 *
 * hs_client_auth_add with permanent writes "<address>.auth_private"
 * (mode 0600, tor's format) into the directory, or rewrites the file the
 * credential came from; remove deletes that file. At most
 * HS_CLIENT_AUTH_MAX credentials, kept in address order. Main loop only. */
#ifndef TOR_FEATURE_HS_HS_CLIENT_AUTH_H
#define TOR_FEATURE_HS_HS_CLIENT_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "lib/crypt/onion_address.h"

#define HS_CLIENT_AUTH_MAX 1024
#define HS_CLIENT_AUTH_NAME_MAX 16      /* ClientName, as tor */
#define HS_CLIENT_AUTH_FILE_MAX 65536   /* bytes of one .auth_private file */
#define HS_CLIENT_AUTH_FILENAME_MAX 255

typedef struct hs_client_auth_cred_t {
  char addr[ONION_ADDRESS_LEN + 1];     /* lowercase, no ".onion" */
  uint8_t sk[32];                       /* X25519 secret key */
  char name[HS_CLIENT_AUTH_NAME_MAX + 1]; /* ClientName; "" if none */
  int permanent;                        /* stored in the directory */
  char file[HS_CLIENT_AUTH_FILENAME_MAX + 1]; /* permanent: its file name */
} hs_client_auth_cred_t;

/* dir exists, is a directory and is ours: 0, or -1 with the reason. */
int hs_client_auth_check_dir(const char *dir, char *err, size_t errlen);

/* Makes dir (NULL: none) the ClientOnionAuthDir and (re)loads its files.
 * Returns how many credentials the files gave, or -1 if dir cannot be
 * read (logged; the credentials stay as they were). */
int hs_client_auth_load_dir(const char *dir);

/* The credential for addr (56 characters, either case), or NULL. */
const hs_client_auth_cred_t *hs_client_auth_find(const char *addr);

typedef enum {
  HS_CLIENT_AUTH_ADDED,
  HS_CLIENT_AUTH_REPLACED,        /* addr had a credential */
  HS_CLIENT_AUTH_FULL,            /* HS_CLIENT_AUTH_MAX reached */
  HS_CLIENT_AUTH_STORE_FAILED,    /* permanent: no directory, or the write
                                     failed (logged); nothing changed */
} hs_client_auth_add_t;

/* Adds or replaces the credential of addr (56 characters, either case;
 * the caller checked it) with name (NULL or at most
 * HS_CLIENT_AUTH_NAME_MAX characters). */
hs_client_auth_add_t hs_client_auth_add(const char *addr, const uint8_t sk[32],
                                        const char *name, int permanent);
/* Forgets addr's credential (and deletes its file if permanent): 0, or -1
 * if there was none. */
int hs_client_auth_remove(const char *addr);

/* The credentials in address order: i < hs_client_auth_count(). */
size_t hs_client_auth_count(void);
const hs_client_auth_cred_t *hs_client_auth_get(size_t i);

/* Wipes and frees everything (shutdown, tests). */
void hs_client_auth_free_all(void);

#endif
