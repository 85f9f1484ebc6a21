// SPDX-License-Identifier: GPL-2.0-only
/* Disco key generation, hex form and key files (tools/lib/keyfile.c). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "kselftest_harness.h"

#include "keyfile.h"

FIXTURE(kf) {
	char dir[32];
	char path[64];
};

FIXTURE_SETUP(kf)
{
	strcpy(self->dir, "/tmp/keyfile_test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/key", self->dir);
}

FIXTURE_TEARDOWN(kf)
{
	unlink(self->path);
	rmdir(self->dir);
}

static void write_file(const char *path, const void *data, size_t len,
		       mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		abort();
	fchmod(fd, mode);
	close(fd);
}

TEST(generate_and_public)
{
	uint8_t priv[32], pub[32], pub2[32], priv2[32], pub3[32];

	ASSERT_EQ(0, prl_key_generate(priv, pub));
	EXPECT_EQ(0, priv[0] & 7);		/* clamped */
	EXPECT_EQ(0x40, priv[31] & 0xc0);
	ASSERT_EQ(0, prl_key_public(priv, pub2));
	EXPECT_EQ(0, memcmp(pub, pub2, 32));
	ASSERT_EQ(0, crypto_scalarmult_base(pub3, priv));
	EXPECT_EQ(0, memcmp(pub, pub3, 32));
	ASSERT_EQ(0, prl_key_generate(priv2, pub2));
	EXPECT_NE(0, memcmp(priv, priv2, 32));
	EXPECT_NE(0, memcmp(pub, pub2, 32));
}

TEST(hex_forms)
{
	uint8_t k[32], k2[32];
	char hex[65], buf[128];

	for (int i = 0; i < 32; i++)
		k[i] = (uint8_t)(i * 7 + 1);
	prl_key_to_hex(k, hex);
	EXPECT_EQ(64u, strlen(hex));
	EXPECT_EQ(0, strncmp(hex, "01080f16", 8));
	ASSERT_EQ(0, prl_key_from_hex(hex, k2));
	EXPECT_EQ(0, memcmp(k, k2, 32));
	snprintf(buf, sizeof(buf), "  discokey:%s\n", hex);
	ASSERT_EQ(0, prl_key_from_hex(buf, k2));
	EXPECT_EQ(0, memcmp(k, k2, 32));
	for (char *p = buf; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	EXPECT_EQ(-1, prl_key_from_hex(buf, k2));	/* DISCOKEY: */
	EXPECT_EQ(0, prl_key_from_hex(hex, k2));
	hex[63] = '\0';
	EXPECT_EQ(-1, prl_key_from_hex(hex, k2));
	hex[63] = 'g';
	EXPECT_EQ(-1, prl_key_from_hex(hex, k2));
	snprintf(buf, sizeof(buf), "%064d0", 0);
	EXPECT_EQ(-1, prl_key_from_hex(buf, k2));	/* 65 digits */
	snprintf(buf, sizeof(buf), "%064d x", 0);
	EXPECT_EQ(-1, prl_key_from_hex(buf, k2));
	EXPECT_EQ(-1, prl_key_from_hex("", k2));
}

TEST_F(kf, save_load_mode)
{
	uint8_t priv[32], pub[32], back[32];
	struct stat st;
	char buf[80];
	int fd;

	ASSERT_EQ(0, prl_key_generate(priv, pub));
	ASSERT_EQ(0, prl_key_save(self->path, priv));
	ASSERT_EQ(0, stat(self->path, &st));
	EXPECT_EQ(0600, st.st_mode & 0777);
	EXPECT_EQ(65, st.st_size);	/* 64 hex + newline */
	fd = open(self->path, O_RDONLY);
	ASSERT_EQ(65, read(fd, buf, sizeof(buf)));
	close(fd);
	EXPECT_EQ('\n', buf[64]);
	ASSERT_EQ(0, prl_key_load(self->path, back));
	EXPECT_EQ(0, memcmp(priv, back, 32));
	/* never overwrites */
	EXPECT_EQ(-1, prl_key_save(self->path, pub));
	EXPECT_EQ(EEXIST, errno);
	ASSERT_EQ(0, prl_key_load(self->path, back));
	EXPECT_EQ(0, memcmp(priv, back, 32));
	/* readable by others: loads, but says so */
	chmod(self->path, 0644);
	EXPECT_EQ(1, prl_key_load(self->path, back));
	EXPECT_EQ(0, memcmp(priv, back, 32));
}

TEST_F(kf, load_or_create)
{
	uint8_t priv[32], again[32];
	bool created;
	struct stat st;

	ASSERT_EQ(0, prl_key_load_or_create(self->path, priv, &created));
	EXPECT_TRUE(created);
	ASSERT_EQ(0, stat(self->path, &st));
	EXPECT_EQ(0600, st.st_mode & 0777);
	ASSERT_EQ(0, prl_key_load_or_create(self->path, again, &created));
	EXPECT_FALSE(created);
	EXPECT_EQ(0, memcmp(priv, again, 32));
}

TEST_F(kf, raw_and_malformed)
{
	uint8_t raw[32], back[32];
	char hex[65];

	for (int i = 0; i < 32; i++)
		raw[i] = (uint8_t)(255 - i);
	raw[5] = 0;	/* raw keys may contain NUL */
	write_file(self->path, raw, 32, 0600);
	ASSERT_EQ(0, prl_key_load(self->path, back));
	EXPECT_EQ(0, memcmp(raw, back, 32));

	prl_key_to_hex(raw, hex);
	write_file(self->path, hex, 64, 0600);	/* no newline: fine */
	ASSERT_EQ(0, prl_key_load(self->path, back));
	EXPECT_EQ(0, memcmp(raw, back, 32));

	write_file(self->path, hex, 63, 0600);
	EXPECT_EQ(-1, prl_key_load(self->path, back));
	EXPECT_EQ(EINVAL, errno);
	write_file(self->path, raw, 31, 0600);
	EXPECT_EQ(-1, prl_key_load(self->path, back));
	EXPECT_EQ(EINVAL, errno);
	write_file(self->path, "", 0, 0600);
	EXPECT_EQ(-1, prl_key_load(self->path, back));
	unlink(self->path);
	EXPECT_EQ(-1, prl_key_load(self->path, back));
	EXPECT_EQ(ENOENT, errno);
}

TEST_HARNESS_MAIN
