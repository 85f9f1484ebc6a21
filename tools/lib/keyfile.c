// SPDX-License-Identifier: GPL-2.0-only
/* Disco key generation, hex form and key files. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "keyfile.h"

int prl_key_public(const uint8_t priv[PRL_KEY_LEN], uint8_t pub[PRL_KEY_LEN])
{
	if (sodium_init() < 0)
		return -1;
	return crypto_scalarmult_base(pub, priv) == 0 ? 0 : -1;
}

int prl_key_generate(uint8_t priv[PRL_KEY_LEN], uint8_t pub[PRL_KEY_LEN])
{
	if (sodium_init() < 0)
		return -1;
	randombytes_buf(priv, PRL_KEY_LEN);
	priv[0] &= 248;
	priv[31] &= 127;
	priv[31] |= 64;
	return prl_key_public(priv, pub);
}

int prl_key_from_hex(const char *s, uint8_t key[PRL_KEY_LEN])
{
	static const char prefix[] = "discokey:";
	size_t i;

	while (isspace((unsigned char)*s))
		s++;
	if (strncmp(s, prefix, sizeof(prefix) - 1) == 0)
		s += sizeof(prefix) - 1;
	for (i = 0; i < PRL_KEY_HEX_LEN; i++)
		if (!isxdigit((unsigned char)s[i]))
			return -1;
	for (i = PRL_KEY_HEX_LEN; s[i]; i++)
		if (!isspace((unsigned char)s[i]))
			return -1;
	if (sodium_hex2bin(key, PRL_KEY_LEN, s, PRL_KEY_HEX_LEN, NULL, NULL,
			   NULL) != 0)
		return -1;
	return 0;
}

char *prl_key_to_hex(const uint8_t key[PRL_KEY_LEN], char out[PRL_KEY_HEX_LEN + 1])
{
	return sodium_bin2hex(out, PRL_KEY_HEX_LEN + 1, key, PRL_KEY_LEN);
}

int prl_key_load(const char *path, uint8_t priv[PRL_KEY_LEN])
{
	char buf[256];
	struct stat st;
	ssize_t n;
	size_t len = 0;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) == 0 && (st.st_mode & 077))
		ret = 1;
	while (len < sizeof(buf) - 1) {
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	if (len == PRL_KEY_LEN && prl_key_from_hex(buf, priv) != 0) {
		memcpy(priv, buf, PRL_KEY_LEN);	/* raw form */
	} else if (strlen(buf) != len || prl_key_from_hex(buf, priv) != 0) {
		sodium_memzero(buf, sizeof(buf));
		errno = EINVAL;
		return -1;
	}
	sodium_memzero(buf, sizeof(buf));
	return ret;
}

int prl_key_save(const char *path, const uint8_t priv[PRL_KEY_LEN])
{
	char hex[PRL_KEY_HEX_LEN + 2];
	size_t off = 0;
	ssize_t n;
	int fd, err;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	prl_key_to_hex(priv, hex);
	hex[PRL_KEY_HEX_LEN] = '\n';
	hex[PRL_KEY_HEX_LEN + 1] = '\0';
	while (off < PRL_KEY_HEX_LEN + 1) {
		n = write(fd, hex + off, PRL_KEY_HEX_LEN + 1 - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		off += (size_t)n;
	}
	if (fsync(fd) != 0)
		goto fail;
	sodium_memzero(hex, sizeof(hex));
	return close(fd);
fail:
	err = errno;
	sodium_memzero(hex, sizeof(hex));
	close(fd);
	unlink(path);
	errno = err;
	return -1;
}

int prl_key_load_or_create(const char *path, uint8_t priv[PRL_KEY_LEN],
			  bool *created)
{
	uint8_t pub[PRL_KEY_LEN];
	int ret;

	*created = false;
	ret = prl_key_load(path, priv);
	if (ret >= 0 || errno != ENOENT)
		return ret;
	if (prl_key_generate(priv, pub) != 0)
		return -1;
	if (prl_key_save(path, priv) == 0) {
		*created = true;
		return 0;
	}
	if (errno == EEXIST)	/* lost a race with another creator */
		return prl_key_load(path, priv);
	return -1;
}

void prl_free_secret(void *p, size_t len)
{
	if (!p)
		return;
	sodium_memzero(p, len);
	free(p);
}
