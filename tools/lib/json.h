/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A tiny streaming JSON writer. Output is compact; a newline follows every
 * complete top-level value, so a sequence of values is valid JSON Lines.
 *
 *	struct prl_json j;
 *
 *	prl_json_init(&j, stdout);
 *	prl_json_obj_begin(&j);
 *	prl_json_kv_u64(&j, "vni", 7);
 *	prl_json_key(&j, "endpoints");
 *	prl_json_arr_begin(&j);
 *	...
 *	prl_json_arr_end(&j);
 *	prl_json_obj_end(&j);		-> {"vni":7,"endpoints":[...]}\n
 *
 * Strings are escaped per RFC 8259; bytes that are not valid UTF-8 are
 * written as \ufffd so the output always parses.
 */
#ifndef PRL_JSON_H
#define PRL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define PRL_JSON_MAX_DEPTH 32

struct prl_json {
	FILE *f;
	int depth;
	bool need_comma[PRL_JSON_MAX_DEPTH + 1];
	bool after_key;
};

void prl_json_init(struct prl_json *j, FILE *f);

void prl_json_obj_begin(struct prl_json *j);
void prl_json_obj_end(struct prl_json *j);
void prl_json_arr_begin(struct prl_json *j);
void prl_json_arr_end(struct prl_json *j);

/* Object member name; the next value call writes its value. */
void prl_json_key(struct prl_json *j, const char *key);

void prl_json_str(struct prl_json *j, const char *s);	/* NULL -> null */
void prl_json_strn(struct prl_json *j, const char *s, size_t len);
void prl_json_u64(struct prl_json *j, uint64_t v);
void prl_json_i64(struct prl_json *j, int64_t v);
void prl_json_bool(struct prl_json *j, bool v);
void prl_json_null(struct prl_json *j);

/* key + value shorthands */
void prl_json_kv_str(struct prl_json *j, const char *key, const char *s);
void prl_json_kv_u64(struct prl_json *j, const char *key, uint64_t v);
void prl_json_kv_i64(struct prl_json *j, const char *key, int64_t v);
void prl_json_kv_bool(struct prl_json *j, const char *key, bool v);
void prl_json_kv_null(struct prl_json *j, const char *key);

/* Write @s escaped as a JSON string literal (with quotes) to @f. */
void prl_json_write_string(FILE *f, const char *s, size_t len);

#endif /* PRL_JSON_H */
