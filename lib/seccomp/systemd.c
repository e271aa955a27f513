/* SPDX-License-Identifier: MIT */
/*
 * The filter as a systemd unit drop-in (systemd.exec(5)):
 *   SystemCallFilter=        an allowlist when the default denies, else a
 *                            denylist ("~name[:ERRNO]")
 *   SystemCallErrorNumber=   the errno of the default (absent: kill)
 *   SystemCallArchitectures= native, plus the other ABIs the filter covers
 *   SystemCallLog=           calls the policy logs
 *   NoNewPrivileges=yes      as lsec sets no_new_privs
 * systemd filters on names only: an argument condition cannot be written,
 * and an allowlist has one errno for everything it leaves out; each such
 * loss is said in a "# note:" line.
 */
#include "lsec/seccomp.h"

#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsec/cleanup.h"
#include "lsec/util.h"

#define WRAP 76

static const char *sd_arch(uint32_t arch)
{
	switch (arch) {
	case SCMP_ARCH_X86_64: return "x86-64";
	case SCMP_ARCH_X86: return "x86";
	case SCMP_ARCH_X32: return "x32";
	case SCMP_ARCH_AARCH64: return "arm64";
	case SCMP_ARCH_ARM: return "arm";
	case SCMP_ARCH_S390X: return "s390x";
	case SCMP_ARCH_S390: return "s390";
	case SCMP_ARCH_PPC64LE: return "ppc64-le";
	case SCMP_ARCH_RISCV64: return "riscv64";
	}
	return NULL;
}

static void errno_str(int err, char *buf, size_t n)
{
	const char *en = err ? strerrorname_np(err) : NULL;

	if (en)
		snprintf(buf, n, "%s", en);
	else
		snprintf(buf, n, "%d", err);
}

/* A list of words written as KEY=w1 w2 ... over lines of at most WRAP
 * columns; systemd joins repeated list settings. */
struct line {
	FILE *out;
	const char *key, *lead; /* lead: "~" for a denylist */
	size_t col;
	unsigned words;
};

static void word(struct line *l, const char *w)
{
	size_t len = strlen(w);

	if (l->col && l->col + 1 + len > WRAP) {
		fputc('\n', l->out);
		l->col = 0;
	}
	if (!l->col)
		l->col = (size_t)fprintf(l->out, "%s=%s%s", l->key, l->lead, w);
	else
		l->col += (size_t)fprintf(l->out, " %s", w);
	l->words++;
}

static void line_end(struct line *l)
{
	if (l->col)
		fputc('\n', l->out);
	l->col = 0;
}

static bool seen_before(const struct lsec_sc_rule *v, size_t i)
{
	for (size_t k = 0; k < i; k++)
		if (streq(v[k].name, v[i].name))
			return true;
	return false;
}

static void conds_str(const struct lsec_sc_rule *r, char *buf, size_t n)
{
	size_t len = 0;
	char c[96];

	buf[0] = '\0';
	for (unsigned k = 0; k < r->ncond && len < n; k++) {
		lsec_sc_cond_str(&r->cond[k], r->name, c, sizeof(c));
		len += (size_t)snprintf(buf + len, n - len, "%s%s", k ? ":" : "", c);
	}
}

static void write_notes(const struct lsec_sc_filter *f, FILE *out, bool allowlist)
{
	char ab[32], cb[256];
	size_t i;

	for (i = 0; i < f->nmain; i++) {
		const struct lsec_sc_rule *r = &f->main[i];

		if (r->ncond && r->act.kind == LSEC_SC_ALLOW && allowlist)
			fprintf(out, "# note: %s is allowed for any arguments here; "
				     "lsec allows it only with %s\n",
				r->name, (conds_str(r, cb, sizeof(cb)), cb));
		else if (r->ncond && r->act.kind != LSEC_SC_ALLOW)
			fprintf(out, "# note: %s with %s (%s) is left out: systemd "
				     "cannot filter on arguments\n",
				r->name, (conds_str(r, cb, sizeof(cb)), cb),
				lsec_sc_action_str(&r->act, ab, sizeof(ab)));
		else if (allowlist && !r->ncond && r->act.kind >= LSEC_SC_ERRNO &&
			 !lsec_sc_action_eq(&r->act, &f->def))
			fprintf(out, "# note: %s gets the default action here, "
				     "not %s: an allowlist has one errno\n",
				r->name, lsec_sc_action_str(&r->act, ab, sizeof(ab)));
		else if (!allowlist && r->act.kind == LSEC_SC_TRAP)
			fprintf(out, "# note: %s: trap is written as kill "
				     "(systemd has no trap action)\n", r->name);
	}
	for (i = 0; i < f->nrefine; i++)
		fprintf(out, "# note: %s with %s (%s) is left out: systemd cannot "
			     "filter on arguments\n",
			f->refine[i].name,
			(conds_str(&f->refine[i], cb, sizeof(cb)), cb),
			lsec_sc_action_str(&f->refine[i].act, ab, sizeof(ab)));
	if (allowlist && f->def.kind == LSEC_SC_TRAP)
		fputs("# note: the default trap is written as kill (systemd has "
		      "no trap action)\n", out);
	if (allowlist)
		fputs("# note: systemd also allows its own @default set "
		      "(execve, exit, rt_sigreturn, ...) in an allowlist\n", out);
}

void lsec_sc_write_systemd(const struct lsec_sc_filter *f, FILE *out)
{
	bool allowlist = f->def.kind >= LSEC_SC_ERRNO;
	uint32_t arch[4];
	size_t na = lsec_sc_arches(arch, ELEMENTSOF(arch), f->native_only), i;
	struct line l = { .out = out, .key = "SystemCallFilter", .lead = "" };
	char eb[32], w[LSEC_SC_NAME_MAX + 40];
	int common_err = -1; /* denylist: one errno for every deny */

	fputs("# systemd drop-in written by lsec: save it as\n"
	      "# /etc/systemd/system/UNIT.service.d/seccomp.conf, then run "
	      "'systemctl daemon-reload'\n",
	      out);
	write_notes(f, out, allowlist);
	fputs("[Service]\n", out);
	if (f->nnp)
		fputs("NoNewPrivileges=yes\n", out);
	fputs("SystemCallArchitectures=native", out);
	for (i = 1; i < na; i++)
		if (sd_arch(arch[i]))
			fprintf(out, " %s", sd_arch(arch[i]));
	fputc('\n', out);
	if (allowlist) {
		for (i = 0; i < f->nmain; i++)
			if (f->main[i].act.kind <= LSEC_SC_LOG &&
			    !seen_before(f->main, i))
				word(&l, f->main[i].name);
		if (!l.words)
			word(&l, "@default"); /* nothing else: still an allowlist */
		line_end(&l);
		if (f->def.kind == LSEC_SC_ERRNO) {
			errno_str(f->def.err, eb, sizeof(eb));
			fprintf(out, "SystemCallErrorNumber=%s\n", eb);
		}
	} else {
		l.lead = "~";
		for (i = 0; i < f->nmain; i++) {
			const struct lsec_sc_rule *r = &f->main[i];

			if (r->ncond || r->act.kind < LSEC_SC_ERRNO)
				continue;
			if (r->act.kind != LSEC_SC_ERRNO)
				common_err = -2;
			else if (common_err == -1)
				common_err = r->act.err;
			else if (common_err != r->act.err)
				common_err = -2;
		}
		for (i = 0; i < f->nmain; i++) {
			const struct lsec_sc_rule *r = &f->main[i];

			if (r->ncond || r->act.kind < LSEC_SC_ERRNO)
				continue;
			if (r->act.kind == LSEC_SC_ERRNO && common_err < 0) {
				errno_str(r->act.err, eb, sizeof(eb));
				snprintf(w, sizeof(w), "%s:%s", r->name, eb);
			} else
				snprintf(w, sizeof(w), "%s", r->name);
			word(&l, w);
		}
		line_end(&l);
		if (common_err >= 0) {
			errno_str(common_err, eb, sizeof(eb));
			fprintf(out, "SystemCallErrorNumber=%s\n", eb);
		}
	}
	/* logged calls */
	l = (struct line){ .out = out, .key = "SystemCallLog", .lead = "" };
	for (i = 0; i < f->nmain; i++)
		if (f->main[i].act.kind == LSEC_SC_LOG && !seen_before(f->main, i))
			word(&l, f->main[i].name);
	line_end(&l);
}
