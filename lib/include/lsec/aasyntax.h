/* SPDX-License-Identifier: MIT */
/*
 * AppArmor syntax (lib/apparmor/syntax.c): paths, patterns and names, shared by the
 * profile parser (lsec/apparmor.h), the generator (lsec/aagen.h) and the
 * Landlock planner.
 */
#ifndef LSEC_AAPATTERN_H
#define LSEC_AAPATTERN_H

#include <stdbool.h>
#include <stddef.h>

/* Escape a literal path for use inside a double-quoted AppArmor path:
 * \ " * ? [ ] { } ^ @ are backslash-escaped, bytes outside 0x21..0x7e (and
 * space is kept) become \ooo.  Returns a malloc'ed string (NULL: ENOMEM). */
char *lsec_aa_escape(const char *raw);
/* Undo lsec_aa_escape for a pattern without globs/variables; NULL if the
 * pattern is not a plain literal. */
char *lsec_aa_unescape(const char *pat);

/* Expand the stock tunables (@{HOME}, @{pid}, ...) in pattern into
 * alternations lsec_aa_glob_match understands; NULL if an unknown one is used. */
char *lsec_aa_expand_vars(const char *pattern);


/* Does the pattern (AppArmor glob syntax, braces allowed) match path? */
bool lsec_aa_glob_match(const char *pattern, const char *path);
/* Does the pattern hold any unescaped glob character? */
bool lsec_aa_pattern_has_glob(const char *pattern);
/* Expand {a,b} alternatives into *ret (strv, NULL-terminated, caller frees
 * with lsec_aa_strv_free); fails with -E2BIG past max results. */
int lsec_aa_brace_expand(const char *pattern, size_t max, char ***ret);
/* Collapse "//" into "/" (outside escapes), in place. */
void lsec_aa_pattern_collapse(char *s);
/* Undo the escapes of a pattern without globs ("\*" -> "*"). */
char *lsec_aa_pattern_unescape(const char *pattern);
/* Quote and escape a literal path for profile text. */
char *lsec_aa_quote_path(const char *path);
void lsec_aa_strv_free(char **v);

/* The names AppArmor (and lsec's output) uses for address families,
 * socket types and capabilities <-> their numbers (NULL / -1: unknown). */
int lsec_aa_family_from_name(const char *name);
const char *lsec_aa_family_name(int family);
int lsec_aa_socktype_from_name(const char *name);
const char *lsec_aa_socktype_name(int type);
bool lsec_aa_capability_valid(const char *name);
/* "chown" -> CAP_CHOWN (0) ...; -1 if unknown. */
int lsec_aa_capability_number(const char *name);
const char *lsec_aa_capability_name(int cap);

#endif
