/* SPDX-License-Identifier: GPL-2.0-only */
/* A whole (small) file into memory: settings, grants. */
#ifndef PRL_READFILE_H
#define PRL_READFILE_H

#include <stddef.h>

/*
 * Read all of @path, at most @max bytes, into *@buf (malloc'ed and
 * NUL-terminated, its length in *@len; the caller frees it, also on
 * error). 0, -EFBIG when it is larger, or another -errno.
 */
int prl_read_file(const char *path, size_t max, char **buf, size_t *len);

#endif /* PRL_READFILE_H */
