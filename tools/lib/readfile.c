// SPDX-License-Identifier: GPL-2.0-only
/* A whole (small) file into memory (readfile.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "readfile.h"

int prl_read_file(const char *path, size_t max, char **buf, size_t *len)
{
	FILE *f = fopen(path, "re");
	size_t n = 0, cap = 4096, k;
	char *nb;
	int err = 0;

	*buf = NULL;
	*len = 0;
	if (!f)
		return -errno;
	for (;;) {
		nb = realloc(*buf, cap + 1);
		if (!nb) {
			err = -ENOMEM;
			break;
		}
		*buf = nb;
		k = fread(*buf + n, 1, cap - n, f);
		n += k;
		if (n < cap) {
			err = ferror(f) ? -(errno ?: EIO) : 0;	/* EISDIR */
			break;
		}
		if (cap >= max) {
			err = -EFBIG;
			break;
		}
		cap *= 2;
	}
	fclose(f);
	if (*buf)
		(*buf)[n] = '\0';
	*len = n;
	return err;
}
