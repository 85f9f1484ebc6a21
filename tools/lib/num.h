/* SPDX-License-Identifier: GPL-2.0-only */
/* Strict number and keyword parsing for command lines and config files. */
#ifndef PRL_NUM_H
#define PRL_NUM_H

#include <stdint.h>

/*
 * Parse an unsigned integer: decimal ("123") or hex with a 0x prefix
 * ("0x7b"). No sign, no whitespace, no trailing garbage, no octal.
 * Returns 0, -EINVAL (syntax) or -ERANGE (outside [min, max]).
 */
int prl_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
int prl_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);

/*
 * The index of @s in @words (@n entries, NULL ones skipped), or -EINVAL:
 * a keyword value such as "vni|idle|bytes" into its enum.
 */
int prl_parse_keyword(const char *s, const char *const *words, unsigned int n);
/* The same over a whole array of words. */
#define PRL_PARSE_KEYWORD(s, words) \
	prl_parse_keyword(s, words, sizeof(words) / sizeof((words)[0]))

#endif /* PRL_NUM_H */
