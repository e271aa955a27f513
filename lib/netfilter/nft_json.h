/* SPDX-License-Identifier: MIT */
/*
 * A small JSON reader for libnftables' JSON output (private to the nft
 * backend): the whole document is parsed into a tree of nodes.
 */
#ifndef LSEC_NFT_JSON_H
#define LSEC_NFT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum jv_type { JV_NULL, JV_BOOL, JV_NUM, JV_STR, JV_ARR, JV_OBJ };

struct jv {
	enum jv_type t;
	bool b;
	int64_t i;  /* JV_NUM (integers only; fractions are truncated) */
	char *s;    /* JV_STR */
	size_t n;   /* JV_ARR, JV_OBJ: members */
	struct jv *v;  /* members */
	char **k;      /* JV_OBJ: keys */
};

/* Parse text; NULL on a syntax error or out of memory. */
struct jv *lsec_jv_parse(const char *text);
void lsec_jv_free(struct jv *v);

/* Member of an object by key (NULL if v is not an object or has none). */
const struct jv *lsec_jv_get(const struct jv *v, const char *key);
/* The string of a JV_STR node, else NULL. */
const char *lsec_jv_str(const struct jv *v);
/* For an object with exactly one member: its key, and the value. */
const char *lsec_jv_only(const struct jv *v, const struct jv **val);

#endif
