/* SPDX-License-Identifier: MIT */
/*
 * From an AppArmor profile to a Landlock plan.  Landlock binds rights to
 * existing inodes and everything beneath a directory; it has no globs, no
 * deny and no owner condition.  So: globs are expanded against the file
 * system (or widened to the directory they live in), deny rules take rights
 * away from the paths they match, and everything that cannot be enforced
 * exactly is written down as a note for --explain.
 */
#include "lsec/landlock.h"

#include <elf.h>
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lsec/cleanup.h"
#include "lsec/util.h"

#define EXPAND_MAX 256   /* paths one glob may expand to before widening */
#define ALTS_MAX 4096    /* {a,b} alternatives of one rule */

struct planner {
	struct lsec_ll_plan *plan;
	const struct lsec_aa_rule *rule; /* being expanded */
	struct lsec_err *e;
	int oom;
	unsigned granted; /* grants so far, to tell whether a rule matched anything */
};

static void strv_freep(char ***v) { lsec_aa_strv_free(*v); }

static void note(struct planner *pl, const struct lsec_aa_rule *r,
		 const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void note(struct planner *pl, const struct lsec_aa_rule *r,
		 const char *fmt, ...)
{
	struct lsec_ll_plan *p = pl->plan;
	struct lsec_ll_note *v, *n;
	va_list ap;

	v = realloc(p->notes, (p->nnotes + 1) * sizeof(*v));
	if (!v) {
		pl->oom = 1;
		return;
	}
	p->notes = v;
	n = &v[p->nnotes];
	memset(n, 0, sizeof(*n));
	if (r) {
		if (asprintf(&n->where, "%s:%u", r->file, r->line) < 0)
			n->where = NULL;
		n->rule = strdup(r->text);
	} else {
		n->where = strdup("");
		n->rule = strdup("");
	}
	va_start(ap, fmt);
	if (vasprintf(&n->what, fmt, ap) < 0)
		n->what = NULL;
	va_end(ap);
	for (size_t i = 0; n->where && n->rule && n->what && i < p->nnotes; i++)
		if (streq(v[i].where, n->where) && streq(v[i].rule, n->rule) &&
		    streq(v[i].what, n->what)) {
			free(n->where);
			free(n->rule);
			free(n->what);
			return;
		}
	if (!n->where || !n->rule || !n->what) {
		free(n->where);
		free(n->rule);
		free(n->what);
		pl->oom = 1;
		return;
	}
	p->nnotes++;
}

static void grant_access(struct planner *pl, const char *path, bool dir,
			 uint64_t access)
{
	struct lsec_ll_plan *p = pl->plan;
	struct lsec_ll_rule *v;
	size_t i;

	access &= p->handled_fs;
	if (!dir)
		access &= LSEC_LL_FILE_RIGHTS;
	if (!access)
		return;
	pl->granted++;
	for (i = 0; i < p->nrules; i++)
		if (streq(p->rules[i].path, path) && p->rules[i].dir == dir) {
			p->rules[i].access |= access;
			return;
		}
	v = realloc(p->rules, (p->nrules + 1) * sizeof(*v));
	if (!v) {
		pl->oom = 1;
		return;
	}
	p->rules = v;
	v[p->nrules].path = strdup(path);
	v[p->nrules].access = access;
	v[p->nrules].dir = dir;
	if (!v[p->nrules].path) {
		pl->oom = 1;
		return;
	}
	p->nrules++;
}

/* A rule for everything beneath dir (dir true) or for one file. */
static void grant(struct planner *pl, const char *path, bool dir, unsigned perms)
{
	grant_access(pl, path, dir, lsec_landlock_access(perms, dir));
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static char *join(const char *dir, const char *name)
{
	char *s;

	if (asprintf(&s, "%s%s%s", dir, streq(dir, "/") ? "" : "/", name) < 0)
		return NULL;
	return s;
}

#define CREATE_PERMS (LSEC_AA_W | LSEC_AA_A | LSEC_AA_L)

/* Where files are not created by programs: never widen a rule to these. */
static bool pseudo_fs(const char *dir)
{
	static const char *const roots[] = { "/dev", "/proc", "/sys" };
	size_t i, n;

	for (i = 0; i < ELEMENTSOF(roots); i++) {
		n = strlen(roots[i]);
		if (strncmp(dir, roots[i], n) == 0 && (dir[n] == '\0' || dir[n] == '/'))
			return true;
	}
	return false;
}

/* The end of a walk: path is what the pattern names. */
static void bind_target(struct planner *pl, const char *path, unsigned perms,
			bool literal)
{
	const struct lsec_aa_rule *r = pl->rule;
	struct stat st;

	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			/* "/dir/ r" names the directory, not its contents: listing */
			if (perms & (LSEC_AA_R | LSEC_AA_M))
				grant_access(pl, path, true, LSEC_LL_READ_DIR);
			return;
		}
		grant(pl, path, false, perms);
		return;
	}
	if (literal && (perms & CREATE_PERMS)) {
		_cleanup_free_ char *parent = strdup(path);
		char *slash = parent ? strrchr(parent, '/') : NULL;

		if (!slash)
			return;
		if (slash == parent)
			slash[1] = '\0';
		else
			*slash = '\0';
		if (!is_dir(parent))
			return;
		if (pseudo_fs(parent)) {
			note(pl, r, "%s does not exist and %s is a kernel file system: left out",
			     path, parent);
			return;
		}
		grant(pl, parent, true, perms & (CREATE_PERMS | LSEC_AA_R));
		note(pl, r,
		     "%s does not exist yet: Landlock can only grant its creation "
		     "through the directory, so the program may create and write any "
		     "file beneath %s",
		     path, parent);
	}
}

static void walk(struct planner *pl, const char *dir, char **comps, size_t n,
		 bool trailing, unsigned perms, const char *pattern, int *budget);

/* Widen to dir: everything beneath it gets the rule's rights. */
static void widen(struct planner *pl, const char *dir, const char *pattern,
		  unsigned perms, const char *why)
{
	(void)pattern;
	grant(pl, dir, true, perms);
	note(pl, pl->rule, "%s, so the rights are granted on everything beneath %s",
	     why, dir);
}

static void walk(struct planner *pl, const char *dir, char **comps, size_t n,
		 bool trailing, unsigned perms, const char *pattern, int *budget)
{
	_cleanup_free_ char *next = NULL;
	const char *c;

	if (n == 0) {
		bind_target(pl, dir, perms, true);
		return;
	}
	c = comps[0];
	if (!lsec_aa_pattern_has_glob(c)) {
		_cleanup_free_ char *lit = lsec_aa_pattern_unescape(c);

		if (!lit || !(next = join(dir, lit))) {
			pl->oom = 1;
			return;
		}
		if (n == 1) {
			bind_target(pl, next, perms, true);
			return;
		}
		if (is_dir(next))
			walk(pl, next, comps + 1, n - 1, trailing, perms, pattern, budget);
		return;
	}
	if (strstr(c, "**")) {
		/* dir followed by a lone double star is exactly "everything beneath dir" */
		if (n == 1 && streq(c, "**"))
			grant(pl, dir, true, perms);
		else
			widen(pl, dir, pattern, perms,
			      "'**' followed by more pattern cannot be expressed");
		return;
	}
	if (streq(dir, "/proc") || strncmp(dir, "/proc/", 6) == 0) {
		widen(pl, dir, pattern, perms,
		      "per-process /proc entries of the program do not exist yet");
		return;
	}
	if (n == 1 && (perms & CREATE_PERMS)) {
		widen(pl, dir, pattern, perms,
		      "files matching the glob may be created later");
		return;
	}
	{
		_cleanup_(strv_freep) char **names = NULL;
		size_t nn = 0, i;
		struct dirent *de;
		DIR *d = opendir(dir);

		if (!d)
			return;
		while ((de = readdir(d))) {
			char **v;

			if (streq(de->d_name, ".") || streq(de->d_name, ".."))
				continue;
			if (!lsec_aa_glob_match(c, de->d_name))
				continue;
			if (nn >= EXPAND_MAX || --*budget < 0) {
				closedir(d);
				widen(pl, dir, pattern, perms,
				      "the glob matches too many paths");
				return;
			}
			v = realloc(names, (nn + 2) * sizeof(*v));
			if (!v || !(v[nn] = strdup(de->d_name))) {
				if (v)
					names = v;
				closedir(d);
				pl->oom = 1;
				return;
			}
			names = v;
			names[++nn] = NULL;
		}
		closedir(d);
		for (i = 0; i < nn; i++) {
			_cleanup_free_ char *p = join(dir, names[i]);

			if (!p) {
				pl->oom = 1;
				return;
			}
			if (n == 1) {
				if (!trailing || is_dir(p))
					bind_target(pl, p, perms, false);
			} else if (is_dir(p))
				walk(pl, p, comps + 1, n - 1, trailing, perms, pattern,
				     budget);
		}
	}
}

/* One brace-free alternative of a file rule. */
static void expand_alt(struct planner *pl, const char *alt, unsigned perms)
{
	_cleanup_free_ char *copy = strdup(alt);
	char *comps[PATH_MAX / 2], *s, *save = NULL;
	size_t n = 0;
	bool trailing;
	int budget = EXPAND_MAX * 4;

	if (!copy) {
		pl->oom = 1;
		return;
	}
	trailing = copy[0] && copy[strlen(copy) - 1] == '/';
	for (s = strtok_r(copy, "/", &save); s && n < ELEMENTSOF(comps);
	     s = strtok_r(NULL, "/", &save))
		comps[n++] = s;
	walk(pl, "/", comps, n, trailing, perms, alt, &budget);
}

/* What a rule that matched something loses under Landlock. */
static void qualifier_notes(struct planner *pl, const struct lsec_aa_rule *r)
{
	if (r->qual & LSEC_AA_Q_OWNER)
		note(pl, r, "owner: Landlock has no owner condition; granted whoever owns the file");
	if (r->perms & (LSEC_AA_PX | LSEC_AA_CX))
		note(pl, r, "%s: Landlock cannot change to another profile on exec; "
			    "the program runs under this same ruleset (as ix)",
		     r->perms & LSEC_AA_PX ? "px" : "cx");
	if (r->perms & LSEC_AA_UX)
		note(pl, r, "ux: Landlock cannot leave a domain; the program runs "
			    "under this same ruleset (as ix)");
	if (r->perms & LSEC_AA_K)
		note(pl, r, "k: file locking is not mediated by Landlock; always allowed");
	if (r->perms & LSEC_AA_A)
		note(pl, r, "a: Landlock has no append-only right; granted write");
	if (r->perms & LSEC_AA_L)
		note(pl, r, "l: links are granted as make_reg, make_sym and refer on the "
			    "directory; link-target conditions are not enforced");
}

static void plan_file_rule(struct planner *pl, const struct lsec_aa_rule *r)
{
	_cleanup_(strv_freep) char **alts = NULL;
	unsigned before;
	int n;
	size_t i;

	pl->rule = r;
	before = pl->granted;
	n = lsec_aa_brace_expand(r->path, ALTS_MAX, &alts);
	if (n == -E2BIG) {
		/* widen to the literal prefix's directory */
		_cleanup_free_ char *prefix = strdup(r->path);
		char *p = prefix, *slash;

		if (!prefix) {
			pl->oom = 1;
			return;
		}
		for (; *p && !strchr("*?[{", *p); p++)
			if (*p == '\\' && p[1])
				p++;
		*p = '\0';
		slash = strrchr(prefix, '/');
		if (slash)
			slash[slash == prefix] = '\0';
		{
			_cleanup_free_ char *lit = lsec_aa_pattern_unescape(prefix);

			if (lit && is_dir(lit))
				widen(pl, lit, r->path, r->perms,
				      "too many {a,b} alternatives");
		}
		return;
	}
	if (n < 0) {
		pl->oom = n == -ENOMEM;
		return;
	}
	for (i = 0; alts[i]; i++)
		expand_alt(pl, alts[i], r->perms);
	if (pl->granted != before || !(r->perms & ~(unsigned)LSEC_AA_K))
		qualifier_notes(pl, r);
}

/* The literal directory above the first glob of a pattern. */
static char *literal_prefix(const char *pat)
{
	char *s = strdup(pat), *p, *lit;

	if (!s)
		return NULL;
	for (p = s; *p && !strchr("*?[{", *p); p++)
		if (*p == '\\' && p[1])
			p++;
	*p = '\0';
	lit = lsec_aa_pattern_unescape(s);
	free(s);
	return lit;
}

static void apply_deny(struct planner *pl, const struct lsec_aa_rule *r)
{
	struct lsec_ll_plan *p = pl->plan;
	_cleanup_(strv_freep) char **alts = NULL;
	size_t i, k;

	if (lsec_aa_brace_expand(r->path, ALTS_MAX, &alts) < 0) {
		note(pl, r, "deny: too many alternatives to check; not enforced");
		return;
	}
	for (k = 0; alts[k]; k++) {
		_cleanup_free_ char *prefix = literal_prefix(alts[k]);

		for (i = 0; i < p->nrules; i++) {
			struct lsec_ll_rule *b = &p->rules[i];
			uint64_t take = lsec_landlock_access(r->perms, b->dir);

			/* ioctl_dev goes with read or write: keep it for the other */
			if ((r->perms & (LSEC_AA_R | LSEC_AA_W)) != (LSEC_AA_R | LSEC_AA_W))
				take &= ~LSEC_LL_IOCTL_DEV;
			_cleanup_free_ char *withslash = NULL;
			size_t bl = strlen(b->path);

			if (asprintf(&withslash, "%s/", b->path) < 0) {
				pl->oom = 1;
				return;
			}
			if (lsec_aa_glob_match(alts[k], b->path) ||
			    (b->dir && lsec_aa_glob_match(alts[k], withslash))) {
				b->access &= ~take; /* left out: exact */
				continue;
			}
			if (b->dir && (b->access & take) && prefix &&
			    (streq(b->path, "/") ||
			     (strncmp(prefix, b->path, bl) == 0 && prefix[bl] == '/')))
				note(pl, r,
				     "deny inside the allowed tree %s: Landlock cannot take "
				     "rights away below a directory it allows; NOT enforced",
				     b->path);
		}
	}
}

static void plan_network(struct planner *pl, const struct lsec_aa_profile *prof)
{
	struct lsec_ll_plan *p = pl->plan;
	bool any = false;
	size_t i;
	int f, t, pass;

	/* allow rules first, then deny rules (deny always wins) */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < prof->nrules; i++) {
			const struct lsec_aa_rule *r = &prof->rules[i];
			bool deny = r->qual & LSEC_AA_Q_DENY;

			if (r->kind != LSEC_AA_RULE_NETWORK || deny != (pass == 1))
				continue;
			any = true;
			if (r->proto)
				note(pl, r, "protocol %s: filtered as socket type %s only",
				     r->proto, lsec_aa_socktype_name(r->type));
			for (f = 0; f < LSEC_LL_NFAMILIES; f++)
				for (t = 0; t < LSEC_LL_NTYPES; t++)
					if ((r->family < 0 || r->family == f) &&
					    (r->type < 0 || r->type == t))
						p->allowed[f][t] = !deny;
		}
	/* AF_UNIX is governed by unix rules, which are not mapped */
	for (t = 0; t < LSEC_LL_NTYPES; t++)
		p->allowed[AF_UNIX][t] = true;
	p->net_filter = false;
	for (f = 0; f < LSEC_LL_NFAMILIES; f++)
		for (t = 0; t < LSEC_LL_NTYPES; t++)
			if (!p->allowed[f][t])
				p->net_filter = true;
	if (!any)
		note(pl, NULL, "no network rules: socket() of every family but unix "
			       "is refused with EACCES");
	if (p->net_filter)
		note(pl, NULL, "network rules are enforced on socket()/socketpair() by "
			       "family and type (seccomp); unix sockets are always allowed, "
			       "and 32-bit (int 0x80) system calls kill the program");
}

/* PT_INTERP of an ELF file, or the #! interpreter of a script. */
static char *interpreter(const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	unsigned char buf[512];
	Elf64_Ehdr eh;
	ssize_t n;
	int i;

	if (fd < 0 || (n = pread(fd, buf, sizeof(buf), 0)) < 4)
		return NULL;
	if (buf[0] == '#' && buf[1] == '!') {
		char *s = (char *)buf + 2, *end;

		buf[n < (ssize_t)sizeof(buf) ? n : (ssize_t)sizeof(buf) - 1] = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		end = s + strcspn(s, " \t\n");
		return end > s ? strndup(s, (size_t)(end - s)) : NULL;
	}
	if (memcmp(buf, ELFMAG, SELFMAG) != 0 || buf[EI_CLASS] != ELFCLASS64 ||
	    n < (ssize_t)sizeof(eh))
		return NULL;
	memcpy(&eh, buf, sizeof(eh));
	for (i = 0; i < eh.e_phnum && i < 64; i++) {
		Elf64_Phdr ph;
		char *interp;

		if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + (uint64_t)i * eh.e_phentsize)) !=
		    (ssize_t)sizeof(ph))
			return NULL;
		if (ph.p_type != PT_INTERP || ph.p_filesz == 0 || ph.p_filesz > PATH_MAX)
			continue;
		interp = calloc(1, ph.p_filesz + 1);
		if (!interp)
			return NULL;
		if (pread(fd, interp, ph.p_filesz, (off_t)ph.p_offset) != (ssize_t)ph.p_filesz) {
			free(interp);
			return NULL;
		}
		return interp;
	}
	return NULL;
}

static void plan_exe(struct planner *pl, const char *exe)
{
	_cleanup_free_ char *interp = NULL, *interp2 = NULL;

	pl->rule = NULL;
	grant(pl, exe, false, LSEC_AA_IX | LSEC_AA_R);
	interp = interpreter(exe);
	if (interp) {
		grant(pl, interp, false, LSEC_AA_IX | LSEC_AA_R);
		interp2 = interpreter(interp);
		if (interp2)
			grant(pl, interp2, false, LSEC_AA_IX | LSEC_AA_R);
	}
	note(pl, NULL, "%s%s%s%s%s: execute and read granted, as AppArmor attaches the "
		       "profile after the exec that enters it",
	     exe, interp ? " and its interpreter " : "", interp ? interp : "",
	     interp2 ? ", " : "", interp2 ? interp2 : "");
}

/* allow rules, then deny rules: the set the bounding set is cut down to */
static void plan_caps(struct lsec_ll_plan *p, const struct lsec_aa_profile *prof)
{
	size_t i;
	int pass;

	p->caps = 0;
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < prof->nrules; i++) {
			const struct lsec_aa_rule *r = &prof->rules[i];
			bool deny = r->qual & LSEC_AA_Q_DENY;
			uint64_t bits;

			if (r->kind != LSEC_AA_RULE_CAPABILITY || deny != (pass == 1))
				continue;
			bits = r->cap ? 1ULL << lsec_aa_capability_number(r->cap) : ~0ULL;
			if (deny)
				p->caps &= ~bits;
			else
				p->caps |= bits;
		}
}

static void plan_rules(struct planner *pl, const struct lsec_aa_profile *prof)
{
	size_t i;

	for (i = 0; i < prof->nrules; i++) {
		const struct lsec_aa_rule *r = &prof->rules[i];

		switch (r->kind) {
		case LSEC_AA_RULE_FILE:
			if (!(r->qual & LSEC_AA_Q_DENY))
				plan_file_rule(pl, r);
			break;
		case LSEC_AA_RULE_CAPABILITY:
			break;
		case LSEC_AA_RULE_OTHER:
			note(pl, r, "%s rules are not enforced by Landlock", r->keyword);
			break;
		case LSEC_AA_RULE_NETWORK:
			break;
		}
	}
	for (i = 0; i < prof->nrules; i++)
		if (prof->rules[i].kind == LSEC_AA_RULE_FILE &&
		    (prof->rules[i].qual & LSEC_AA_Q_DENY))
			apply_deny(pl, &prof->rules[i]);
}

int lsec_landlock_plan(const struct lsec_aa_profile *prof, const char *exe,
		       int abi, struct lsec_ll_plan *plan, struct lsec_err *e)
{
	struct planner pl = { .plan = plan, .e = e };
	size_t i;

	memset(plan, 0, sizeof(*plan));
	if (abi <= 0) {
		abi = lsec_landlock_abi();
		if (abi < 0)
			return lsec_err_set(e, EOPNOTSUPP,
					    "Landlock is not available in this kernel");
	}
	plan->abi = abi;
	plan->handled_fs = lsec_landlock_fs_rights(abi);
	if (prof->flags & LSEC_AA_F_COMPLAIN)
		note(&pl, NULL, "profile %s is in complain mode; Landlock has no complain "
				"mode, so it is enforced", prof->name);
	for (i = 0; i < prof->nchildren; i++)
		note(&pl, NULL, "child profile or hat %s is not used: Landlock cannot "
				"change domain on exec", prof->children[i].name);
	note(&pl, NULL, "mmap(PROT_EXEC) is not mediated: readable files may be mapped "
			"executable ('m' is granted as read)");
	plan_rules(&pl, prof);
	plan_caps(plan, prof);
	plan_network(&pl, prof);
	if (exe)
		plan_exe(&pl, exe);
	if (pl.oom) {
		lsec_landlock_plan_free(plan);
		return lsec_err_set(e, ENOMEM, "out of memory");
	}
	return 0;
}

void lsec_landlock_plan_free(struct lsec_ll_plan *plan)
{
	size_t i;

	if (!plan)
		return;
	for (i = 0; i < plan->nrules; i++)
		free(plan->rules[i].path);
	free(plan->rules);
	for (i = 0; i < plan->nnotes; i++) {
		free(plan->notes[i].where);
		free(plan->notes[i].rule);
		free(plan->notes[i].what);
	}
	free(plan->notes);
	memset(plan, 0, sizeof(*plan));
}
