/* SPDX-License-Identifier: GPL-2.0-only */
/* Static tables: how many elements, and the name of an enum value. */
#ifndef PRL_TABLES_H
#define PRL_TABLES_H

/* The number of elements of an array (an array, not a pointer to one). */
#define PRL_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Entry @i of the table of names @tab, "unknown" if it has none. */
#define PRL_NAME_OF(tab, i) \
	((i) < PRL_ARRAY_SIZE(tab) && (tab)[i] ? (tab)[i] : "unknown")

/*
 * const char *@fn(@type v): the name of @v in @tab, which has one for
 * every value below @max (checked when it builds), "unknown" above.
 */
#define PRL_DEFINE_NAME_FN(fn, type, tab, max)				\
	_Static_assert(PRL_ARRAY_SIZE(tab) == (max),			\
		       #tab " names every value");			\
	const char *fn(type v)						\
	{								\
		return PRL_NAME_OF(tab, (unsigned int)v);		\
	}

#endif /* PRL_TABLES_H */
