/* SPDX-License-Identifier: MIT */
/* The AppArmor profile model: permissions, names, freeing (patterns: syntax.c). */
#include "lsec/apparmor.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lsec/cleanup.h"
#include "lsec/util.h"

/* ---- permissions ------------------------------------------------------------ */

int lsec_aa_perms_parse(const char *s, unsigned *ret, char *why, size_t whylen)
{
	unsigned perms = 0, xq = 0;
	const char *p;

	if (!*s) {
		snprintf(why, whylen, "no permissions given");
		return -EINVAL;
	}
	for (p = s; *p; p++) {
		switch (*p) {
		case 'r': perms |= LSEC_AA_R; break;
		case 'w': perms |= LSEC_AA_W; break;
		case 'a': perms |= LSEC_AA_A; break;
		case 'l': perms |= LSEC_AA_L; break;
		case 'k': perms |= LSEC_AA_K; break;
		case 'm': perms |= LSEC_AA_M; break;
		case 'i': xq |= LSEC_AA_IX; break;
		case 'p': case 'P': xq |= LSEC_AA_PX; break;
		case 'c': case 'C': xq |= LSEC_AA_CX; break;
		case 'u': case 'U': xq |= LSEC_AA_UX; break;
		case 'x':
			if (!xq) {
				snprintf(why, whylen,
					 "'x' must be preceded by an exec qualifier (i, p, c or u) in '%s'",
					 s);
				return -EINVAL;
			}
			/* pix, cix, pux, cux: a transition with a fallback */
			if (xq & (LSEC_AA_PX | LSEC_AA_CX))
				xq &= ~(unsigned)(LSEC_AA_IX | LSEC_AA_UX);
			if (__builtin_popcount(xq) > 1) {
				snprintf(why, whylen,
					 "conflicting exec qualifiers in '%s'", s);
				return -EINVAL;
			}
			if (perms & LSEC_AA_X_ANY) {
				snprintf(why, whylen,
					 "conflicting exec qualifiers in '%s'", s);
				return -EINVAL;
			}
			perms |= xq;
			xq = 0;
			break;
		default:
			snprintf(why, whylen, "invalid permission '%c' in '%s'",
				 *p, s);
			return -EINVAL;
		}
	}
	if (xq) {
		snprintf(why, whylen, "exec qualifier without 'x' in '%s'", s);
		return -EINVAL;
	}
	if ((perms & LSEC_AA_W) && (perms & LSEC_AA_A)) {
		snprintf(why, whylen, "conflict 'a' and 'w' in '%s'", s);
		return -EINVAL;
	}
	*ret = perms;
	return 0;
}

void lsec_aa_perms_format(unsigned perms, char *buf, size_t len)
{
	static const struct {
		unsigned bit;
		const char *s;
	} order[] = {
		{ LSEC_AA_M, "m" }, { LSEC_AA_R, "r" }, { LSEC_AA_W, "w" },
		{ LSEC_AA_A, "a" }, { LSEC_AA_L, "l" }, { LSEC_AA_K, "k" },
		{ LSEC_AA_IX, "ix" }, { LSEC_AA_PX, "px" }, { LSEC_AA_CX, "cx" },
		{ LSEC_AA_UX, "ux" },
	};
	size_t i, n = 0;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < ELEMENTSOF(order); i++)
		if ((perms & order[i].bit) && n + strlen(order[i].s) < len)
			n += (size_t)sprintf(buf + n, "%s", order[i].s);
}

/* ---- freeing, picking ------------------------------------------------------- */

static void rule_free(struct lsec_aa_rule *r)
{
	free(r->file);
	free(r->text);
	free(r->path);
	free(r->exec_target);
	free(r->proto);
	free(r->cap);
	free(r->keyword);
}

static void profile_free(struct lsec_aa_profile *p)
{
	size_t i;

	free(p->name);
	free(p->attach);
	free(p->file);
	for (i = 0; i < p->nrules; i++)
		rule_free(&p->rules[i]);
	free(p->rules);
	for (i = 0; i < p->nchildren; i++)
		profile_free(&p->children[i]);
	free(p->children);
}

void lsec_aa_policy_free(struct lsec_aa_policy *p)
{
	size_t i, j;

	if (!p)
		return;
	free(p->file);
	free(p->abi);
	for (i = 0; i < p->nprofiles; i++)
		profile_free(&p->profiles[i]);
	free(p->profiles);
	for (i = 0; i < p->nvars; i++) {
		free(p->vars[i].name);
		for (j = 0; j < p->vars[i].nvalues; j++)
			free(p->vars[i].values[j]);
		free(p->vars[i].values);
	}
	free(p->vars);
	for (i = 0; i < p->nincludes; i++)
		free(p->includes[i]);
	free(p->includes);
	memset(p, 0, sizeof(*p));
}

const struct lsec_aa_profile *lsec_aa_policy_pick(const struct lsec_aa_policy *p,
						  const char *exe)
{
	size_t i;

	if (!p->nprofiles)
		return NULL;
	for (i = 0; exe && i < p->nprofiles; i++)
		if (p->profiles[i].attach &&
		    lsec_aa_glob_match(p->profiles[i].attach, exe))
			return &p->profiles[i];
	return &p->profiles[0];
}
