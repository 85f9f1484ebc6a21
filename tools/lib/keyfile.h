/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Disco (Curve25519) keys: generation, hex form and key files.
 *
 * Key file format: the 32-byte private key as 64 lowercase hex characters
 * followed by a newline, mode 0600. For convenience the loader also
 * accepts uppercase hex, surrounding whitespace, and a file of exactly 32
 * raw bytes. See Documentation/protocol.md.
 */
#ifndef PRL_KEYFILE_H
#define PRL_KEYFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "disco.h"

#define PRL_KEY_HEX_LEN	(2 * PRL_KEY_LEN)

/* Random private key, clamped as X25519 does, and its public key. */
int prl_key_generate(uint8_t priv[PRL_KEY_LEN], uint8_t pub[PRL_KEY_LEN]);

/* Public key of @priv. Return: 0 or -1. */
int prl_key_public(const uint8_t priv[PRL_KEY_LEN], uint8_t pub[PRL_KEY_LEN]);

/*
 * Parse exactly 64 hex digits, optionally surrounded by whitespace and
 * optionally prefixed with "discokey:" (Tailscale's text form of a disco
 * public key). Return: 0 or -1.
 */
int prl_key_from_hex(const char *s, uint8_t key[PRL_KEY_LEN]);

/* Write 64 lowercase hex digits and a NUL. Return: @out. */
char *prl_key_to_hex(const uint8_t key[PRL_KEY_LEN], char out[PRL_KEY_HEX_LEN + 1]);

/*
 * prl_key_load() - read a private key file.
 * Return: 0 ok, 1 ok but the file is readable by group or others,
 * -1 on error (errno set; EINVAL for a malformed file).
 */
int prl_key_load(const char *path, uint8_t priv[PRL_KEY_LEN]);

/*
 * prl_key_save() - create @path (must not exist) with mode 0600 holding
 * @priv in hex. Return: 0 or -1 (errno set).
 */
int prl_key_save(const char *path, const uint8_t priv[PRL_KEY_LEN]);

/*
 * prl_key_load_or_create() - load @path, or generate a key and create it.
 * @created is set when a new key was written. Return: as prl_key_load().
 */
int prl_key_load_or_create(const char *path, uint8_t priv[PRL_KEY_LEN],
			  bool *created);

/* Wipe @p (@len bytes: it held keys), then free it. NULL is ignored. */
void prl_free_secret(void *p, size_t len);

#endif /* PRL_KEYFILE_H */
