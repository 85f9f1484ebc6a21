/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A tiny streaming JSON writer. Output is compact; a newline follows every
 * complete top-level value, so a sequence of values is valid JSON Lines.
 *
 *	struct pr_json j;
 *
 *	pr_json_init(&j, stdout);
 *	pr_json_obj_begin(&j);
 *	pr_json_kv_u64(&j, "vni", 7);
 *	pr_json_key(&j, "endpoints");
 *	pr_json_arr_begin(&j);
 *	...
 *	pr_json_arr_end(&j);
 *	pr_json_obj_end(&j);		-> {"vni":7,"endpoints":[...]}\n
 *
 * Strings are escaped per RFC 8259; bytes that are not valid UTF-8 are
 * written as \ufffd so the output always parses.
 */
#ifndef PR_JSON_H
#define PR_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define PR_JSON_MAX_DEPTH 32

struct pr_json {
	FILE *f;
	int depth;
	bool need_comma[PR_JSON_MAX_DEPTH + 1];
	bool after_key;
};

void pr_json_init(struct pr_json *j, FILE *f);

void pr_json_obj_begin(struct pr_json *j);
void pr_json_obj_end(struct pr_json *j);
void pr_json_arr_begin(struct pr_json *j);
void pr_json_arr_end(struct pr_json *j);

/* Object member name; the next value call writes its value. */
void pr_json_key(struct pr_json *j, const char *key);

void pr_json_str(struct pr_json *j, const char *s);	/* NULL -> null */
void pr_json_strn(struct pr_json *j, const char *s, size_t len);
void pr_json_u64(struct pr_json *j, uint64_t v);
void pr_json_i64(struct pr_json *j, int64_t v);
void pr_json_bool(struct pr_json *j, bool v);
void pr_json_null(struct pr_json *j);

/* key + value shorthands */
void pr_json_kv_str(struct pr_json *j, const char *key, const char *s);
void pr_json_kv_u64(struct pr_json *j, const char *key, uint64_t v);
void pr_json_kv_i64(struct pr_json *j, const char *key, int64_t v);
void pr_json_kv_bool(struct pr_json *j, const char *key, bool v);
void pr_json_kv_null(struct pr_json *j, const char *key);

/* Write @s escaped as a JSON string literal (with quotes) to @f. */
void pr_json_write_string(FILE *f, const char *s, size_t len);

#endif /* PR_JSON_H */
