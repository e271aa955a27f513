/* SPDX-License-Identifier: MIT */
/* Choosing between the nf_tables and the legacy (libiptc) backend. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsec/cleanup.h"
#include "lsec/nft.h"
#include "lsec/util.h"
#include "nft_int.h"

const struct lsec_nf_backend_ops *lsec_nf_other(const struct lsec_nf_backend_ops *ops)
{
	return ops == &lsec_nf_nft_ops ? &lsec_nf_iptc_ops : &lsec_nf_nft_ops;
}

const struct lsec_nf_backend_ops *lsec_nf_auto(const char *ipt, bool nft_ok,
					       char *why, size_t n)
{
	const char *base = ipt ? strrchr(ipt, '/') : NULL;

	base = base ? base + 1 : ipt;
	if (base && strstr(base, "legacy")) {
		snprintf(why, n, "the system's iptables is iptables-legacy (%s)", ipt);
		return &lsec_nf_iptc_ops;
	}
	if (!nft_ok) {
		snprintf(why, n, "nf_tables is not available in this kernel");
		return &lsec_nf_iptc_ops;
	}
	if (base && strstr(base, "nft"))
		snprintf(why, n, "the system's iptables is iptables-nft (%s)", ipt);
	else if (base)
		snprintf(why, n, "iptables (%s) is neither -nft nor -legacy; "
				 "nf_tables is available", ipt);
	else
		snprintf(why, n, "no iptables installed; nf_tables is available");
	return &lsec_nf_nft_ops;
}

static bool nft_answers(void)
{
	return lsec_nft_tables(NULL, NULL) >= 0;
}

static const struct lsec_nf_backend_ops *by_name(const char *s)
{
	if (streq(s, "nft") || streq(s, "nftables") || streq(s, "nf_tables"))
		return &lsec_nf_nft_ops;
	if (streq(s, "legacy") || streq(s, "iptables-legacy"))
		return &lsec_nf_iptc_ops;
	return NULL;
}

/* "backend = nft" from the config file, "" when absent. */
static int conf_backend(const char *path, char *buf, size_t n,
			struct lsec_err *e)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char line[256];
	unsigned ln = 0;

	buf[0] = '\0';
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *k, *v, *end;

		ln++;
		if ((end = strchr(p, '#')))
			*end = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '\n')
			continue;
		k = p;
		v = strchr(p, '=');
		if (!v)
			return lsec_err_at(e, path, ln, "expected KEY = VALUE");
		*v++ = '\0';
		for (end = v + strlen(v); end > v && strchr(" \t\n", end[-1]); end--)
			;
		*end = '\0';
		while (*v == ' ' || *v == '\t')
			v++;
		for (end = k + strlen(k); end > k && strchr(" \t", end[-1]); end--)
			;
		*end = '\0';
		if (streq(k, "backend"))
			snprintf(buf, n, "%s", v);
	}
	return 0;
}

int lsec_nf_choose(const char *want, struct lsec_nf_choice *c,
		   struct lsec_err *e)
{
	const char *conf = getenv("LSEC_FW_CONF");
	char cbuf[64], path[PATH_MAX];
	const char *ipt;
	int r;

	memset(c, 0, sizeof(*c));
	if (!conf || !*conf)
		conf = "/etc/lsec/fw.conf";
	if (want && *want) {
		c->source = "option";
	} else if ((want = getenv("LSEC_FW_BACKEND")) && *want) {
		c->source = "LSEC_FW_BACKEND";
	} else {
		r = conf_backend(conf, cbuf, sizeof(cbuf), e);
		if (r < 0)
			return r;
		want = cbuf[0] ? cbuf : "auto";
		c->source = cbuf[0] ? conf : "auto";
	}
	if (!streq(want, "auto")) {
		c->ops = by_name(want);
		if (!c->ops)
			return lsec_err_input(e,
					      "invalid backend '%s' (from %s): "
					      "expected auto, nft or legacy",
					      want, c->source);
		snprintf(c->why, sizeof(c->why), "chosen by %s", c->source);
		return 0;
	}
	ipt = getenv("LSEC_IPTABLES"); /* tests: pretend iptables is this */
	if (!ipt || !*ipt)
		ipt = "/usr/sbin/iptables";
	if (!realpath(ipt, path))
		c->ops = lsec_nf_auto(NULL, nft_answers(), c->why, sizeof(c->why));
	else
		c->ops = lsec_nf_auto(path, nft_answers(), c->why, sizeof(c->why));
	return 0;
}

static int lsec_table(const char *name, uint64_t t, uint32_t f, void *userdata)
{
	bool *found = userdata;

	if (streq(name, LSEC_NFT_TABLE) || streq(name, LSEC_NFT_BLOCK_TABLE) ||
	    !strncmp(name, LSEC_NFT_BL_PREFIX, strlen(LSEC_NFT_BL_PREFIX)))
		*found = true;
	return 0;
}

/* Any of lsec's nf_tables tables?  (One netlink dump; no libnftables.) */
static bool nft_tables_present(void)
{
	bool found = false;

	return lsec_nft_tables(lsec_table, &found) < 0 || found;
}

/* Is the legacy table loaded?  (Opening it through libiptc would load it.) */
static bool legacy_loaded(void)
{
	static const char *const files[] = { "/proc/net/ip_tables_names",
					     "/proc/net/ip6_tables_names" };
	size_t i;

	for (i = 0; i < ELEMENTSOF(files); i++) {
		_cleanup_fclose_ FILE *f = fopen(files[i], "re");
		char line[64];

		while (f && fgets(line, sizeof(line), f))
			if (!strncmp(line, "filter", 6) || !strncmp(line, "nat", 3))
				return true;
	}
	return false;
}

int lsec_nf_count_rules(const struct lsec_nf_backend_ops *ops,
			struct lsec_err *e)
{
	struct lsec_nf_open_opts o = { .wait_ms = 0, .write = false };
	struct lsec_nf_backend *b = NULL;
	struct lsec_nf_ruleset rs = { 0 };
	const struct lsec_bl_ops *bl;
	struct lsec_bl *lists = NULL;
	size_t i, nl = 0;
	int r, n = 0;

	if (ops == &lsec_nf_iptc_ops && !legacy_loaded())
		return 0;
	if (ops == &lsec_nf_nft_ops && !nft_tables_present())
		return 0;
	r = ops->open(&o, &b, e);
	if (r < 0)
		return r == -EOPNOTSUPP ? (lsec_err_clear(e), 0) : r;
	r = ops->list(b, &rs, e);
	for (i = 0; r >= 0 && i < rs.n; i++)
		n += rs.v[i].k.verdict != LSEC_NF_OTHER;
	bl = lsec_bl_ops_for(ops);
	if (r >= 0 && bl && bl->list(b, NULL, false, &lists, &nl, e) >= 0)
		n += (int)nl;
	lsec_bl_free(lists, nl);
	lsec_nf_ruleset_free(&rs);
	ops->close(b);
	return r < 0 ? r : n;
}

void lsec_nf_legacy_survey(struct lsec_nf_status *st)
{
	struct lsec_err e = { 0 };
	int n;

	if (!legacy_loaded() || st->nwarnings >= LSEC_NF_MAX_WARNINGS)
		return;
	n = lsec_nf_count_rules(&lsec_nf_iptc_ops, &e);
	if (n > 0)
		lsec_nf_warn(st, "lsec rules exist in the legacy backend too (%d); "
				 "'lsec fw migrate --to nft' moves them", n);
	else
		lsec_nf_warn(st, "legacy x_tables are loaded: rules there "
				 "(iptables-legacy -S) filter every packet too");
}
