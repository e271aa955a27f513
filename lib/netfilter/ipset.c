/* SPDX-License-Identifier: MIT */
/*
 * Named blocklists for the legacy backend: two ipsets per list,
 * lsec-NAME-4 and lsec-NAME-6 (hash:net: addresses and CIDRs alike, adding
 * or removing one costs the same at any size; per-entry timeouts), driven
 * through libipset's own command parser in restore mode (one netlink batch
 * per command), and one rule per set in lsec's chain LSEC-BLOCKLIST (filter
 * table, jumped to from the top of INPUT and FORWARD) written with libiptc:
 *
 *   -A LSEC-BLOCKLIST -m set --match-set lsec-NAME-4 src
 *      -m comment --comment "lsec-blocklist NAME" -j DROP
 *
 * The set match is revision 4, what iptables 1.8 writes, so iptables-save
 * shows and restores it.  A refresh (--replace) fills a temporary set and
 * swaps it in: the old list stays in force until the new one is complete.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libipset/ipset.h>
#include <libipset/types.h>

#include "ipset_int.h"

#include "lsec/cleanup.h"
#include "bl_int.h"
#include "lsec/nft.h"
#include "lsec/util.h"

#define MAXELEM "4194304"

/* ---- libipset, captured ---- */

struct ips {
	struct ipset *ipset;
	char err[512];
	char *out;
	size_t outlen;
	FILE *outf;
};

static int ips_custom_error(struct ipset *ipset, void *p, int status,
			    const char *msg, ...)
	__attribute__((format(printf, 4, 5)));
static int ips_custom_error(struct ipset *ipset, void *p, int status,
			    const char *msg, ...)
{
	struct ips *s = p;
	va_list ap;

	va_start(ap, msg);
	vsnprintf(s->err, sizeof(s->err), msg, ap);
	va_end(ap);
	return -1;
}

static int ips_standard_error(struct ipset *ipset, void *p)
{
	struct ips *s = p;
	struct ipset_session *session = ipset_session(ipset);
	enum ipset_err_type t = ipset_session_report_type(session);
	const char *m = ipset_session_report_msg(session);

	if (t == IPSET_ERROR && m)
		snprintf(s->err, sizeof(s->err), "%s", m);
	ipset_session_report_reset(session);
	return t == IPSET_ERROR ? -1 : 0;
}

static int ips_print(struct ipset_session *session, void *p, const char *fmt,
		     ...) __attribute__((format(printf, 3, 4)));
static int ips_print(struct ipset_session *session, void *p, const char *fmt,
		     ...)
{
	struct ips *s = p;
	va_list ap;
	int r;

	if (!s->outf)
		return 0;
	va_start(ap, fmt);
	r = vfprintf(s->outf, fmt, ap);
	va_end(ap);
	return r;
}

static int ips_open(struct ips *s, struct lsec_err *e)
{
	memset(s, 0, sizeof(*s));
	ipset_load_types();
	return 0;
}

/* A fresh libipset session per command: after a failed command a session
 * is left in a state where the next ones misbehave. */
static int ips_begin(struct ips *s)
{
	if (s->outf)
		fclose(s->outf);
	free(s->out);
	s->out = NULL;
	s->outf = open_memstream(&s->out, &s->outlen);
	s->err[0] = '\0';
	s->ipset = ipset_init();
	if (!s->ipset || !s->outf)
		return -ENOMEM;
	ipset_custom_printf(s->ipset, ips_custom_error, ips_standard_error,
			    ips_print, s);
	return 0;
}

static void ips_end(struct ips *s)
{
	if (s->ipset)
		ipset_fini(s->ipset);
	s->ipset = NULL;
	if (s->outf)
		fflush(s->outf);
}

static void ips_close(struct ips *s)
{
	ips_end(s);
	if (s->outf)
		fclose(s->outf);
	free(s->out);
	s->outf = NULL;
	s->out = NULL;
}

static int ips_errno(const char *msg)
{
	if (strstr(msg, "not permitted") || strstr(msg, "Permission"))
		return EPERM;
	if (strstr(msg, "does not exist"))
		return ENOENT;
	if (strstr(msg, "not supported") || strstr(msg, "Kernel error"))
		return EOPNOTSUPP;
	return EIO;
}

/* Run ipset commands (restore syntax, one a line) as one batch; *out gets
 * what they print (valid until ips_close). */
static int ips_run(struct ips *s, const char *text, const char **out,
		   struct lsec_err *e)
{
	_cleanup_fclose_ FILE *in = fmemopen((void *)text, strlen(text), "r");
	int r;

	if (!in || ips_begin(s) < 0) {
		ips_end(s);
		return lsec_err_set(e, ENOMEM, "out of memory");
	}
	r = ipset_parse_stream(s->ipset, in);
	ips_end(s);
	if (r != 0) {
		char *nl;

		if ((nl = strchr(s->err, '\n')))
			*nl = '\0';
		return lsec_err_set(e, ips_errno(s->err), "ipset: %s",
				    s->err[0] ? s->err : "command failed");
	}
	if (out)
		*out = s->out ? s->out : "";
	return 0;
}

/* One command, alone (not batched): 0, or -ENOENT/-errno. */
static int ips_one(struct ips *s, const char *cmd, const char **out)
{
	char line[256];
	int r;

	snprintf(line, sizeof(line), "%s", cmd);
	if (ips_begin(s) < 0) {
		ips_end(s);
		return -ENOMEM;
	}
	r = ipset_parse_line(s->ipset, line);
	ips_end(s);
	if (out)
		*out = s->out ? s->out : "";
	return r == 0 ? 0 : -ips_errno(s->err);
}

int lsec_ipset_run(const char *text, struct lsec_err *e)
{
	struct ips s;
	int r = ips_open(&s, e);

	if (r >= 0)
		r = ips_run(&s, text, NULL, e);
	ips_close(&s);
	return r;
}

#define set_name lsec_ipset_name

/* ---- the lists ---- */

/* Does the list exist; its default timeout. */
static int list_info(struct ips *s, const char *name, bool *exists,
		     uint64_t *timeout_ms)
{
	char cmd[128], sname[LSEC_IPSET_NAMELEN];
	const char *out = NULL, *t;
	int r;

	set_name(name, 0, sname, sizeof(sname));
	snprintf(cmd, sizeof(cmd), "list %s -terse", sname);
	r = ips_one(s, cmd, &out);
	*exists = r == 0;
	*timeout_ms = 0;
	if (r == -ENOENT || (r < 0 && strstr(s->err, "does not exist"))) {
		*exists = false;
		return 0;
	}
	if (r < 0)
		return r;
	if ((t = strstr(out, " timeout ")))
		*timeout_ms = strtoull(t + 9, NULL, 10) * 1000;
	return 0;
}

static int read_entry(const struct lsec_ipset_entry *in, void *userdata)
{
	struct lsec_bl_entry en = { .p = in->p, .expires_ms = in->timeout_ms };

	return lsec_bl_entry_add(userdata, &en) < 0 ? -ENOMEM : 0;
}

/* Both sets' entries, over netlink (libipset's listing is text). */
static int read_entries(struct ips *s, const char *name, struct lsec_bl *l,
			struct lsec_err *e)
{
	int v6, r;

	for (v6 = 0; v6 < 2; v6++) {
		char sname[LSEC_IPSET_NAMELEN];

		set_name(name, v6, sname, sizeof(sname));
		r = lsec_ipset_read(sname, v6, read_entry, l);
		if (r == -ENOENT)
			continue;
		if (r < 0)
			return lsec_err_set(e, -r, "ipset: list %s: %s", sname,
					    strerror(-r));
	}
	return 0;
}

static void put_create(FILE *f, const char *set, bool v6, uint64_t timeout_ms)
{
	fprintf(f, "create %s hash:net family %s timeout %llu maxelem " MAXELEM
		   " -exist\n",
		set, v6 ? "inet6" : "inet",
		(unsigned long long)((timeout_ms + 999) / 1000));
}

/* Open an ipset session on the list called name and say whether (and
 * with which default timeout) it exists.  On failure nothing stays open. */
static int open_list(struct ips *s, const char *name, bool *exists,
		     uint64_t *timeout_ms, struct lsec_err *e)
{
	int r = lsec_bl_check_name(name, e);

	if (r >= 0)
		r = ips_open(s, e);
	if (r < 0)
		return r;
	r = list_info(s, name, exists, timeout_ms);
	if (r < 0) {
		lsec_err_set(e, -r, "ipset: %s", s->err);
		ips_close(s);
	}
	return r;
}

static int ipset_create(struct lsec_nf_backend *b, const char *name,
			uint64_t timeout_ms, bool check,
			struct lsec_bl_result *res, struct lsec_err *e)
{
	_cleanup_free_ char *buf = NULL;
	struct ips s;
	uint64_t t;
	size_t len = 0;
	bool exists;
	FILE *f;
	int r, v6;

	memset(res, 0, sizeof(*res));
	r = open_list(&s, name, &exists, &t, e);
	if (r < 0)
		return r;
	res->changed = !exists;
	if (check)
		goto out;
	f = open_memstream(&buf, &len);
	if (!f) {
		r = lsec_err_set(e, ENOMEM, "out of memory");
		goto out;
	}
	for (v6 = 0; v6 < 2; v6++) {
		char sname[LSEC_IPSET_NAMELEN];

		set_name(name, v6, sname, sizeof(sname));
		put_create(f, sname, v6, timeout_ms);
	}
	fclose(f);
	r = ips_run(&s, buf, NULL, e);
	/* the rules, also when the sets were there but a rule is missing */
	for (v6 = 0; r >= 0 && v6 < 2; v6++)
		r = lsec_ipset_rule_add(v6, name, e);
out:
	ips_close(&s);
	return r < 0 ? r : 0;
}

#define POINT_MAX 200

static int change(struct lsec_nf_backend *b, const char *name,
		  const struct lsec_inet_prefix *v, size_t n, uint64_t timeout_ms,
		  bool add, bool replace, bool check, struct lsec_bl_result *res,
		  struct lsec_err *e)
{
	struct lsec_bl cur = { 0 }, want = { 0 };
	_cleanup_free_ const struct lsec_inet_prefix **chg = NULL, **fam = NULL;
	_cleanup_free_ char *buf = NULL;
	size_t i, len = 0, nin = 0, nout = 0;
	uint64_t deft;
	struct ips s;
	bool exists, full;
	FILE *f = NULL;
	int r, v6;

	memset(res, 0, sizeof(*res));
	r = open_list(&s, name, &exists, &deft, e);
	if (r < 0)
		return r;
	if (!exists) {
		r = lsec_bl_missing(name, e);
		goto out;
	}
	r = lsec_bl_want(v, n, &want, e);
	if (r < 0)
		goto out;
	chg = calloc(want.n + 1, sizeof(*chg));
	fam = calloc(want.n + 1, sizeof(*fam));
	if (!chg || !fam) {
		r = lsec_err_set(e, ENOMEM, "out of memory");
		goto out;
	}
	full = replace || want.n > POINT_MAX;
	if (full) {
		r = read_entries(&s, name, &cur, e);
		if (r < 0)
			goto out;
		lsec_bl_sort(&cur);
	}
	f = open_memstream(&buf, &len);
	if (!f) {
		r = lsec_err_set(e, ENOMEM, "out of memory");
		goto out;
	}
	if (replace) {
		/* fill temporary sets, swap them in, destroy the old */
		for (v6 = 0; v6 < 2; v6++) {
			char sname[LSEC_IPSET_NAMELEN], tmp[LSEC_IPSET_NAMELEN + 2];

			set_name(name, v6, sname, sizeof(sname));
			snprintf(tmp, sizeof(tmp), "%s-t", sname);
			fprintf(f, "destroy %s\n", tmp);
			put_create(f, tmp, v6, deft);
			for (i = 0; i < want.n; i++) {
				char a[64];

				if ((want.v[i].p.family == 6) != v6)
					continue;
				lsec_inet_format_prefix(&want.v[i].p, a, sizeof(a));
				fprintf(f, "add %s %s", tmp, a);
				if (timeout_ms)
					fprintf(f, " timeout %llu",
						(unsigned long long)((timeout_ms + 999) / 1000));
				fputc('\n', f);
			}
			fprintf(f, "swap %s %s\ndestroy %s\n", tmp, sname, tmp);
		}
		for (i = 0; i < want.n; i++)
			nin += !lsec_bl_has(&cur, &want.v[i].p);
		for (i = 0; i < cur.n; i++)
			nout += !lsec_bl_has(&want, &cur.v[i].p);
	} else {
		for (i = 0; i < want.n; i++) {
			bool in;

			if (full) {
				in = lsec_bl_has(&cur, &want.v[i].p);
			} else {
				char cmd[128], sname[LSEC_IPSET_NAMELEN], a[64];

				set_name(name, want.v[i].p.family == 6, sname,
					 sizeof(sname));
				lsec_inet_format_prefix(&want.v[i].p, a, sizeof(a));
				/* hash:net matches a host inside a listed
				 * network: test the exact prefix length */
				snprintf(cmd, sizeof(cmd), "test %s %s%s", sname, a,
					 strchr(a, '/') ? ""
					 : want.v[i].p.family == 6 ? "/128" : "/32");
				in = ips_one(&s, cmd, NULL) == 0;
			}
			if (add && !in)
				chg[nin++] = &want.v[i].p;
			else if (!add && in)
				chg[nout++] = &want.v[i].p;
		}
	}
	fclose(f);
	f = NULL;
	res->added = nin;
	res->removed = nout;
	res->entries = full ? cur.n + nin - nout : (size_t)-1;
	res->changed = nin || nout;
	if (!res->changed || check)
		goto out;
	if (replace) {
		r = ips_run(&s, buf, NULL, e);
		goto out;
	}
	/* straight over netlink, per family; deleting, a host inside a
	 * listed network counts as present (hash:net): ignore misses */
	for (v6 = 0; r >= 0 && v6 < 2; v6++) {
		char sname[LSEC_IPSET_NAMELEN];
		size_t k, nf = 0;

		for (k = 0; k < nin + nout; k++)
			if ((chg[k]->family == 6) == v6)
				fam[nf++] = chg[k];
		if (!nf)
			continue;
		set_name(name, v6, sname, sizeof(sname));
		r = lsec_ipset_change(sname, v6, fam, NULL, nf, timeout_ms, add, true, e);
	}
out:
	ips_close(&s);
	free(cur.v);
	free(want.v);
	return r < 0 ? r : 0;
}

static int ipset_add(struct lsec_nf_backend *b, const char *name,
		     const struct lsec_inet_prefix *v, size_t n,
		     uint64_t timeout_ms, bool replace, bool check,
		     struct lsec_bl_result *res, struct lsec_err *e)
{
	return change(b, name, v, n, timeout_ms, true, replace, check, res, e);
}

static int ipset_del(struct lsec_nf_backend *b, const char *name,
		     const struct lsec_inet_prefix *v, size_t n, bool check,
		     struct lsec_bl_result *res, struct lsec_err *e)
{
	return change(b, name, v, n, 0, false, false, check, res, e);
}

static int ipset_list(struct lsec_nf_backend *b, const char *name,
		      bool entries, struct lsec_bl **ret, size_t *ret_n,
		      struct lsec_err *e)
{
	struct lsec_bl *v = NULL;
	const char *out = NULL, *p;
	size_t n = 0;
	struct ips s;
	int r;

	*ret = NULL;
	*ret_n = 0;
	if (name && (r = lsec_bl_check_name(name, e)) < 0)
		return r;
	r = ips_open(&s, e);
	if (r < 0)
		return r;
	r = ips_one(&s, "list -name", &out);
	if (r < 0) {
		/* no ipset support in this kernel: no lists */
		ips_close(&s);
		return name ? lsec_bl_missing(name, e) : 0;
	}
	for (p = out; r >= 0 && p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);
		struct lsec_bl *nv;

		if (l > 7 && !strncmp(p, "lsec-", 5) && !strncmp(p + l - 2, "-4", 2) &&
		    l - 7 <= LSEC_BL_NAME_MAX &&
		    (!name || (strlen(name) == l - 7 && !strncmp(p + 5, name, l - 7)))) {
			nv = realloc(v, (n + 1) * sizeof(*v));
			if (!nv) {
				r = lsec_err_set(e, ENOMEM, "out of memory");
				break;
			}
			v = nv;
			memset(&v[n], 0, sizeof(v[n]));
			memcpy(v[n].name, p + 5, l - 7);
			n++;
		}
		p = nl ? nl + 1 : NULL;
	}
	for (size_t i = 0; r >= 0 && i < n; i++) {
		bool exists;

		r = list_info(&s, v[i].name, &exists, &v[i].timeout_ms);
		if (r < 0)
			r = lsec_err_set(e, -r, "ipset: %s", s.err);
		v[i].packets = lsec_ipset_rule_packets(v[i].name);
		if (r >= 0 && entries)
			r = read_entries(&s, v[i].name, &v[i], e);
	}
	ips_close(&s);
	if (r >= 0 && name && !n)
		r = lsec_bl_missing(name, e);
	if (r < 0) {
		lsec_bl_free(v, n);
		return r;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

static int ipset_destroy(struct lsec_nf_backend *b, const char *name,
			 bool check, struct lsec_bl_result *res,
			 struct lsec_err *e)
{
	struct lsec_bl cur = { 0 };
	char cmd[256], s4[LSEC_IPSET_NAMELEN], s6[LSEC_IPSET_NAMELEN];
	struct ips s;
	uint64_t t;
	bool exists;
	int r, v6;

	memset(res, 0, sizeof(*res));
	r = open_list(&s, name, &exists, &t, e);
	if (r < 0)
		return r;
	if (!exists) {
		ips_close(&s);
		return 0;
	}
	r = read_entries(&s, name, &cur, e);
	res->removed = cur.n;
	res->changed = true;
	free(cur.v);
	/* the rules first: a set in use cannot be destroyed */
	for (v6 = 0; r >= 0 && !check && v6 < 2; v6++)
		r = lsec_ipset_rule_del(v6, name, e);
	set_name(name, 0, s4, sizeof(s4));
	set_name(name, 1, s6, sizeof(s6));
	snprintf(cmd, sizeof(cmd), "destroy %s\ndestroy %s\n", s4, s6);
	if (r >= 0 && !check)
		r = ips_run(&s, cmd, NULL, e);
	ips_close(&s);
	return r < 0 ? r : 0;
}

const struct lsec_bl_ops lsec_bl_ipset_ops = {
	.create = ipset_create,
	.add = ipset_add,
	.del = ipset_del,
	.list = ipset_list,
	.destroy = ipset_destroy,
};
