// SPDX-License-Identifier: GPL-2.0-only
/* Minimal streaming JSON writer (see json.h). */
#include <inttypes.h>
#include <string.h>

#include "json.h"

void prl_json_init(struct prl_json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

/* Separator before a value or key at the current level. */
static void json_pre_value(struct prl_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->need_comma[j->depth])
		fputc(',', j->f);
	j->need_comma[j->depth] = true;
}

/* After a complete value: a newline at top level. */
static void json_post_value(struct prl_json *j)
{
	if (j->depth == 0) {
		fputc('\n', j->f);
		j->need_comma[0] = false;
	}
}

static void json_open(struct prl_json *j, char c)
{
	json_pre_value(j);
	fputc(c, j->f);
	if (j->depth < PRL_JSON_MAX_DEPTH)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void json_close(struct prl_json *j, char c)
{
	fputc(c, j->f);
	if (j->depth > 0)
		j->depth--;
	json_post_value(j);
}

void prl_json_obj_begin(struct prl_json *j)
{
	json_open(j, '{');
}

void prl_json_obj_end(struct prl_json *j)
{
	json_close(j, '}');
}

void prl_json_arr_begin(struct prl_json *j)
{
	json_open(j, '[');
}

void prl_json_arr_end(struct prl_json *j)
{
	json_close(j, ']');
}

/* Length of the valid UTF-8 sequence at @s (max @len bytes), 0 if invalid. */
static size_t utf8_seq_len(const unsigned char *s, size_t len)
{
	uint32_t cp;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong, surrogates, beyond U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/* The characters JSON escapes as a backslash and a letter (RFC 8259 §7). */
static const char short_escapes[] = "\"\\\b\f\n\r\t";
static const char short_escape_letters[] = "\"\\bfnrt";

void prl_json_write_string(FILE *f, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	fputc('"', f);
	while (i < len) {
		unsigned char c = s[i];
		const char *e;
		size_t n;

		e = c ? strchr(short_escapes, c) : NULL;
		if (e) {
			fputc('\\', f);
			fputc(short_escape_letters[e - short_escapes], f);
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\u%04x", c);
		} else {
			n = utf8_seq_len(s + i, len - i);
			if (n) {
				fwrite(s + i, 1, n, f);
				i += n;
				continue;
			}
			fputs("\\ufffd", f);	/* not UTF-8: one byte */
		}
		i++;
	}
	fputc('"', f);
}

void prl_json_key(struct prl_json *j, const char *key)
{
	json_pre_value(j);
	prl_json_write_string(j->f, key, strlen(key));
	fputc(':', j->f);
	j->after_key = true;
}

void prl_json_strn(struct prl_json *j, const char *s, size_t len)
{
	json_pre_value(j);
	prl_json_write_string(j->f, s, len);
	json_post_value(j);
}

void prl_json_str(struct prl_json *j, const char *s)
{
	if (!s) {
		prl_json_null(j);
		return;
	}
	prl_json_strn(j, s, strlen(s));
}

void prl_json_u64(struct prl_json *j, uint64_t v)
{
	json_pre_value(j);
	fprintf(j->f, "%" PRIu64, v);
	json_post_value(j);
}

void prl_json_i64(struct prl_json *j, int64_t v)
{
	json_pre_value(j);
	fprintf(j->f, "%" PRId64, v);
	json_post_value(j);
}

void prl_json_bool(struct prl_json *j, bool v)
{
	json_pre_value(j);
	fputs(v ? "true" : "false", j->f);
	json_post_value(j);
}

void prl_json_null(struct prl_json *j)
{
	json_pre_value(j);
	fputs("null", j->f);
	json_post_value(j);
}

void prl_json_kv_str(struct prl_json *j, const char *key, const char *s)
{
	prl_json_key(j, key);
	prl_json_str(j, s);
}

void prl_json_kv_u64(struct prl_json *j, const char *key, uint64_t v)
{
	prl_json_key(j, key);
	prl_json_u64(j, v);
}

void prl_json_kv_i64(struct prl_json *j, const char *key, int64_t v)
{
	prl_json_key(j, key);
	prl_json_i64(j, v);
}

void prl_json_kv_bool(struct prl_json *j, const char *key, bool v)
{
	prl_json_key(j, key);
	prl_json_bool(j, v);
}

void prl_json_kv_null(struct prl_json *j, const char *key)
{
	prl_json_key(j, key);
	prl_json_null(j);
}
