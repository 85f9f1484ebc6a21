// SPDX-License-Identifier: GPL-2.0-only
/*
 * jget - read values out of JSON on stdin, for the VM selftests (jq takes
 * ~0.5 s per start under TCG; this takes milliseconds).
 *
 *   jget PATH...   print the value at each PATH, one per line
 *   jget -c        count: elements of a single top-level array, else the
 *                  number of top-level values (JSON lines)
 *   jget -l        list: each element of a top-level array (or each
 *                  top-level value) as one compact line
 *
 * PATH is jq-like: .a.b, .a[0].c, [1].x; "." is the whole value. The
 * input may hold several top-level values; PATH then applies to the first
 * unless it starts with [N], which picks the N-th top-level value (or
 * element, for a single top-level array). Strings print raw, objects and
 * arrays compactly, an absent path as "missing".
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct span {
	const char *p;
	size_t n;
};

static const char *skip_ws(const char *p)
{
	while (*p && isspace((unsigned char)*p))
		p++;
	return p;
}

/* Return the end of the JSON value starting at @p, or NULL if malformed. */
static const char *value_end(const char *p)
{
	int depth = 0;
	bool in_str = false;

	p = skip_ws(p);
	if (*p != '{' && *p != '[' && *p != '"') {
		/* number, true, false, null */
		const char *s = p;

		while (*p && !isspace((unsigned char)*p) && *p != ',' &&
		       *p != '}' && *p != ']')
			p++;
		return p > s ? p : NULL;
	}
	for (; *p; p++) {
		if (in_str) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '"') {
				in_str = false;
				if (depth == 0)
					return p + 1;
			}
			continue;
		}
		if (*p == '"')
			in_str = true;
		else if (*p == '{' || *p == '[')
			depth++;
		else if (*p == '}' || *p == ']') {
			if (--depth == 0)
				return p + 1;
			if (depth < 0)
				return NULL;
		}
	}
	return NULL;
}

/* Find member @key (length @klen) of the object at @p. */
static bool object_get(const char *p, const char *key, size_t klen,
		       struct span *out)
{
	p = skip_ws(p);
	if (*p != '{')
		return false;
	p = skip_ws(p + 1);
	while (*p == '"') {
		const char *k = p + 1, *ke = value_end(p), *v, *ve;

		if (!ke)
			return false;
		p = skip_ws(ke);
		if (*p != ':')
			return false;
		v = skip_ws(p + 1);
		ve = value_end(v);
		if (!ve)
			return false;
		if ((size_t)(ke - 1 - k) == klen && !strncmp(k, key, klen)) {
			out->p = v;
			out->n = (size_t)(ve - v);
			return true;
		}
		p = skip_ws(ve);
		if (*p == ',')
			p = skip_ws(p + 1);
	}
	return false;
}

/* Element @idx of the array at @p. */
static bool array_get(const char *p, long idx, struct span *out)
{
	long i = 0;

	p = skip_ws(p);
	if (*p != '[')
		return false;
	p = skip_ws(p + 1);
	while (*p && *p != ']') {
		const char *e = value_end(p);

		if (!e)
			return false;
		if (i++ == idx) {
			out->p = p;
			out->n = (size_t)(e - p);
			return true;
		}
		p = skip_ws(e);
		if (*p == ',')
			p = skip_ws(p + 1);
	}
	return false;
}

/* The top-level "items": a single array's elements, else the values. */
static long items(const char *doc, struct span *out, long max)
{
	const char *p = skip_ws(doc), *e = value_end(p);
	long n = 0;

	if (e && *p == '[' && !*skip_ws(e)) {
		struct span s;

		while (n < max && array_get(p, n, &s))
			out[n++] = s;
		return n;
	}
	while (*p && n < max) {
		e = value_end(p);
		if (!e)
			break;
		out[n].p = p;
		out[n].n = (size_t)(e - p);
		n++;
		p = skip_ws(e);
	}
	return n;
}

static bool lookup(const char *doc, const char *path, struct span *out)
{
	struct span cur;
	const char *p = path;

	cur.p = skip_ws(doc);
	if (!value_end(cur.p))
		return false;
	cur.n = (size_t)(value_end(cur.p) - cur.p);
	if (*p == '[') {
		struct span all[4096];
		long n = items(doc, all, 4096), idx = strtol(p + 1, NULL, 10);

		if (idx < 0 || idx >= n)
			return false;
		cur = all[idx];
		p = strchr(p, ']');
		if (!p)
			return false;
		p++;
	}
	while (*p) {
		if (*p == '.' && p[1] == '\0')
			break;
		if (*p == '.') {
			size_t k = strcspn(p + 1, ".[");

			if (!object_get(cur.p, p + 1, k, &cur))
				return false;
			p += 1 + k;
		} else if (*p == '[') {
			char *end;
			long idx = strtol(p + 1, &end, 10);

			if (*end != ']' || !array_get(cur.p, idx, &cur))
				return false;
			p = end + 1;
		} else {
			return false;
		}
	}
	*out = cur;
	return true;
}

/* Print a value: strings raw (common escapes decoded), the rest compact. */
static void print_value(struct span v)
{
	const char *p = v.p, *end = v.p + v.n;
	bool in_str = false;

	if (*p == '"') {
		for (p++; p < end - 1; p++) {
			if (*p == '\\' && p + 1 < end - 1) {
				p++;
				putchar(*p == 'n' ? '\n' : *p == 't' ? '\t' : *p);
			} else {
				putchar(*p);
			}
		}
		putchar('\n');
		return;
	}
	for (; p < end; p++) {
		if (in_str) {
			putchar(*p);
			if (*p == '\\' && p + 1 < end)
				putchar(*++p);
			else if (*p == '"')
				in_str = false;
			continue;
		}
		if (*p == '"')
			in_str = true;
		if (!isspace((unsigned char)*p))
			putchar(*p);
	}
	putchar('\n');
}

static char *read_all(FILE *f)
{
	size_t cap = 65536, n = 0, r;
	char *buf = malloc(cap + 1);

	if (!buf)
		return NULL;
	while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) {
			char *nb = realloc(buf, cap * 2 + 1);

			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
	}
	buf[n] = '\0';
	return buf;
}

int main(int argc, char **argv)
{
	static struct span all[65536];
	char *doc;
	long n, i;
	int a, ret = 0;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fprintf(argc < 2 ? stderr : stdout,
			"Usage: jget PATH... | jget -c | jget -l  (JSON on stdin)\n"
			"  PATH   .a.b[0].c or [N].a: print the value (\"missing\" if absent)\n"
			"  -c     count top-level items (array elements or JSON lines)\n"
			"  -l     print each top-level item as one compact line\n");
		return argc < 2 ? 2 : 0;
	}
	doc = read_all(stdin);
	if (!doc) {
		fprintf(stderr, "jget: out of memory\n");
		return 1;
	}
	if (!strcmp(argv[1], "-c") || !strcmp(argv[1], "-l")) {
		n = items(doc, all, 65536);
		if (argv[1][1] == 'c')
			printf("%ld\n", n);
		else
			for (i = 0; i < n; i++)
				print_value(all[i]);
		free(doc);
		return 0;
	}
	for (a = 1; a < argc; a++) {
		struct span v;

		if (lookup(doc, argv[a], &v)) {
			print_value(v);
		} else {
			printf("missing\n");
			ret = 1;
		}
	}
	free(doc);
	return ret;
}
