/* SPDX-License-Identifier: MIT */
/*
 * From a trace to a profile model: what the stock abstractions already
 * grant is left to them (and the abstraction included), literal paths
 * become patterns (tunables, name heuristics), many files read in one
 * directory become dir/STAR, and everything is sorted so the same run gives
 * the same bytes.
 */
#include "lsec/aagen.h"

#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <sys/stat.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lsec/cleanup.h"
#include "lsec/util.h"

/* qsort that accepts an empty (NULL) array */
static void sort_n(void *base, size_t n, size_t size,
		   int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

static inline void lsec_closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

/* ---- string builder ------------------------------------------------------- */

struct sb {
	char *s;
	size_t n, cap;
	bool oom;
};

static void sb_addn(struct sb *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t c = (b->n + n + 1) * 2;
		char *ns = realloc(b->s, c);

		if (!ns) {
			b->oom = true;
			return;
		}
		b->s = ns;
		b->cap = c;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void sb_add(struct sb *b, const char *s)
{
	sb_addn(b, s, strlen(s));
}

static void sb_lit(struct sb *b, const char *s, size_t n)
{
	_cleanup_free_ char *tmp = strndup(s, n), *esc = NULL;

	if (!tmp || !(esc = lsec_aa_escape(tmp))) {
		b->oom = true;
		return;
	}
	sb_add(b, esc);
}

static char *sb_take(struct sb *b)
{
	if (b->oom) {
		free(b->s);
		return NULL;
	}
	if (!b->s)
		return strdup("");
	return b->s;
}

/* ---- name heuristics ------------------------------------------------------ */

static bool all_digits(const char *s, size_t n)
{
	size_t i;

	if (!n)
		return false;
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* "libfoo.so.1.2.3" -> length of "libfoo.so" (0: not versioned). */
static size_t so_version_base(const char *s, size_t n)
{
	size_t i = n;

	while (i > 0) {
		size_t j = i;

		while (j > 0 && isdigit((unsigned char)s[j - 1]))
			j--;
		if (j == i || j == 0 || s[j - 1] != '.')
			return 0;
		i = j - 1;
		if (i >= 3 && strncmp(s + i - 3, ".so", 3) == 0)
			return i;
	}
	return 0;
}

static bool is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* Is the decimal token the pid of a traced process? */
static bool traced_pid(const char *s, size_t n, const struct lsec_aagen_pids *pids)
{
	size_t lo = 0, hi;
	long v = 0;

	if (!pids || !pids->n || n > 9 || !all_digits(s, n) || s[0] == '0')
		return false;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	for (hi = pids->n; lo < hi;) { /* sorted */
		size_t mid = (lo + hi) / 2;

		if (pids->v[mid] == v)
			return true;
		if (pids->v[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* A token that looks generated: mktemp's XXXXXX, a hash, a uuid part, the
 * pid of a traced process. */
static bool random_token(const char *s, size_t n, bool tmpdir,
			 const struct lsec_aagen_pids *pids)
{
	size_t i, digits = 0, upper = 0, lower = 0;

	if (n >= 6 && all_digits(s, n))
		return true;
	if (n >= 16 && is_hex(s, n))
		return true;
	if (traced_pid(s, n, pids))
		return true;
	if (!tmpdir || n < 6)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isdigit(c))
			digits++;
		else if (isupper(c))
			upper++;
		else if (islower(c))
			lower++;
		else if (c != '_')
			return false;
	}
	return (digits && (upper || lower)) || (upper && lower);
}

/* One file name: heuristics applied, escaped. */
static void name_pattern(struct sb *b, const char *s, size_t n, bool tmpdir,
			 const struct lsec_aagen_pids *pids)
{
	size_t base = so_version_base(s, n), i = 0;
	bool star = false;

	if (base) {
		sb_lit(b, s, base);
		sb_add(b, "*");
		return;
	}
	/* tokens separated by . _ - (in temporary directories . and - only:
	 * Python's tempfile names hold '_') */
	while (i < n) {
		size_t j = i;

		while (j < n && (isalnum((unsigned char)s[j]) || (tmpdir && s[j] == '_')))
			j++;
		if (j > i && random_token(s + i, j - i, tmpdir, pids)) {
			/* mktemp/tempfile's "tmpXXXXXX": keep the prefix */
			if (!star && tmpdir && j - i > 3 && strncmp(s + i, "tmp", 3) == 0)
				sb_add(b, "tmp");
			if (!star)
				sb_add(b, "*");
			star = true;
		} else if (j > i) {
			sb_lit(b, s + i, j - i);
			star = false;
		}
		if (j < n) {
			sb_lit(b, s + j, 1);
			star = false;
			j++;
		}
		i = j;
	}
}

static bool has_prefix(const char *s, const char *p, const char **rest)
{
	size_t n = strlen(p);

	if (strncmp(s, p, n) != 0)
		return false;
	*rest = s + n;
	return true;
}

char *lsec_aagen_pattern(const char *raw, bool no_glob)
{
	return lsec_aagen_pattern_pids(raw, no_glob, NULL);
}

char *lsec_aagen_pattern_pids(const char *raw, bool no_glob,
			      const struct lsec_aagen_pids *pids)
{
	struct sb b = { 0 };
	const char *rest = raw, *p;
	bool tmpdir = false;

	if (has_prefix(raw, "/proc/", &p)) {
		size_t n = strcspn(p, "/");

		if (all_digits(p, n)) {
			sb_add(&b, "@{PROC}/@{pid}");
			rest = p + n;
			if (has_prefix(rest, "/task/", &p) &&
			    all_digits(p, strcspn(p, "/"))) {
				sb_add(&b, "/task/@{tid}");
				rest = p + strcspn(p, "/");
			}
		} else {
			sb_add(&b, "@{PROC}");
			rest = raw + 5;
		}
	} else if (has_prefix(raw, "/sys/", &p) || streq(raw, "/sys")) {
		sb_add(&b, "@{sys}");
		rest = raw + 4;
	} else if (has_prefix(raw, "/run/", &p) || streq(raw, "/run")) {
		sb_add(&b, "@{run}");
		rest = raw + 4;
	} else if (has_prefix(raw, "/var/run/", &p)) {
		sb_add(&b, "@{run}");
		rest = raw + 8;
	} else if (has_prefix(raw, "/root/", &p)) {
		sb_add(&b, "@{HOME}");
		rest = raw + 5;
	} else if (has_prefix(raw, "/home/", &p) && strchr(p, '/') &&
		   strcspn(p, "/") > 0) {
		sb_add(&b, "@{HOME}");
		rest = p + strcspn(p, "/");
	}
	tmpdir = strncmp(raw, "/tmp/", 5) == 0 || strncmp(raw, "/var/tmp/", 9) == 0 ||
		 strncmp(raw, "/dev/shm/", 9) == 0 || strncmp(raw, "/run/user/", 10) == 0;
	while (*rest) {
		size_t n;

		if (*rest == '/') {
			sb_add(&b, "/");
			rest++;
			continue;
		}
		n = strcspn(rest, "/");
		if (no_glob)
			sb_lit(&b, rest, n);
		else
			name_pattern(&b, rest, n, tmpdir, pids);
		rest += n;
	}
	return sb_take(&b);
}

/* ---- stock abstractions ------------------------------------------------------ */

struct arule {
	char *pat; /* variables expanded */
	size_t prefix; /* literal prefix length */
	uint32_t perms;
	bool owner;
};

struct abstraction {
	const char *name;
	struct arule *rules;
	size_t nrules;
	bool loaded, used;
};

/* The stock abstractions lsec considers, base first. */
static const char *const abstraction_names[] = {
	"base", "bash", "consoles", "fonts", "nameservice", "openssl",
	"perl", "python", "ruby", "ssl_certs", "user-tmp",
};

static uint32_t parse_perms(const char *s)
{
	uint32_t p = 0;

	for (; *s; s++) {
		switch (*s) {
		case 'r': p |= LSEC_PERM_R; break;
		case 'w': p |= LSEC_PERM_W | LSEC_PERM_A; break;
		case 'a': p |= LSEC_PERM_A; break;
		case 'l': p |= LSEC_PERM_L; break;
		case 'k': p |= LSEC_PERM_K; break;
		case 'm': p |= LSEC_PERM_M; break;
		case 'x':
			if (s[-1] == 'i')
				p |= LSEC_PERM_X;
			break;
		case 'i': case 'p': case 'c': case 'u': case 'P': case 'C':
		case 'U':
			break;
		default:
			return 0;
		}
	}
	return p;
}

static size_t literal_prefix(const char *p)
{
	size_t n = 0;

	while (p[n] && !strchr("*?[{\\", p[n]))
		n++;
	return n;
}

static void add_arule(struct abstraction *a, const char *path, uint32_t perms,
		      bool owner)
{
	char *exp = lsec_aa_expand_vars(path);
	struct arule *n;

	if (!exp)
		return;
	n = realloc(a->rules, (a->nrules + 1) * sizeof(*n));
	if (!n) {
		free(exp);
		return;
	}
	a->rules = n;
	n[a->nrules++] = (struct arule){ exp, literal_prefix(exp), perms, owner };
}

/* A statement of an abstraction file: keep the plain file rules. */
static void abs_statement(struct abstraction *a, char *st)
{
	char *tok[8], *save = NULL, *w;
	int n = 0, i = 0;
	bool owner = false;
	uint32_t perms;

	for (w = strtok_r(st, " \t\n", &save); w && n < 8; w = strtok_r(NULL, " \t\n", &save))
		tok[n++] = w;
	while (i < n && (streq(tok[i], "owner") || streq(tok[i], "allow") ||
			 streq(tok[i], "audit"))) {
		owner = owner || streq(tok[i], "owner");
		i++;
	}
	if (n - i != 2 || streq(tok[0], "deny"))
		return;
	if (tok[i][0] != '/' && tok[i][0] != '@')
		return;
	perms = parse_perms(tok[i + 1]);
	if (perms)
		add_arule(a, tok[i], perms, owner);
}

static void abs_load_file(struct abstraction *a, const char *dir,
			  const char *rel, int level)
{
	_cleanup_free_ char *path = NULL, *buf = NULL;
	_cleanup_fclose_ FILE *f = NULL;
	char line[4096];
	size_t n = 0, cap = 0;
	int depth = 0;

	if (level > 8 || asprintf(&path, "%s/%s", dir, rel) < 0)
		return;
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *c;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#' || *p == '\n' || !*p)
			continue;
		if (strncmp(p, "include", 7) == 0) {
			char *lt = strchr(p, '<'), *gt = lt ? strchr(lt, '>') : NULL;

			if (lt && gt) {
				*gt = '\0';
				abs_load_file(a, dir, lt + 1, level + 1);
			}
			continue;
		}
		/* accumulate up to the ',' ending the statement (not one
		 * inside a {a,b} alternation) */
		for (c = p; *c; c++) {
			if (*c == '{')
				depth++;
			else if (*c == '}' && depth > 0)
				depth--;
			else if (*c == ',' && depth == 0) {
				char *nb;

				if (n + (size_t)(c - p) + 1 > cap) {
					cap = (n + (size_t)(c - p) + 1) * 2;
					nb = realloc(buf, cap);
					if (!nb)
						return;
					buf = nb;
				}
				memcpy(buf + n, p, (size_t)(c - p));
				buf[n + (size_t)(c - p)] = '\0';
				if (!strchr(buf, '"') && !strchr(buf, '('))
					abs_statement(a, buf);
				n = 0;
				p = c + 1;
			}
		}
		/* leftover (multi-line statement) */
		{
			size_t k = strlen(p);
			char *nb;

			if (n + k + 2 > cap) {
				cap = (n + k + 2) * 2;
				nb = realloc(buf, cap);
				if (!nb)
					return;
				buf = nb;
			}
			memcpy(buf + n, p, k);
			n += k;
			buf[n] = '\0';
			if (strspn(buf, " \t\n") == n)
				n = 0;
		}
	}
}

static uint32_t abs_grant(const struct abstraction *a, const char *path, bool owned)
{
	uint32_t g = 0;
	size_t i;

	for (i = 0; i < a->nrules; i++) {
		const struct arule *r = &a->rules[i];

		if ((r->owner && !owned) || (g | r->perms) == g)
			continue;
		if (strncmp(r->pat, path, r->prefix) != 0)
			continue;
		if (lsec_aa_glob_match(r->pat, path))
			g |= r->perms;
	}
	return g;
}

static void abs_free(struct abstraction *a, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < a[i].nrules; j++)
			free(a[i].rules[j].pat);
		free(a[i].rules);
	}
}

/* ---- model ----------------------------------------------------------------- */

struct entry {
	char *raw;      /* literal path, '/' appended for directories */
	char *pat;
	uint32_t perms;
	bool owner;
	bool drop;
};

static bool is_dir_pat(const char *p)
{
	size_t n = strlen(p);

	return n > 0 && p[n - 1] == '/';
}

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->pat, y->pat);

	return c ? c : strcmp(x->raw, y->raw);
}

static bool owner_ok(const struct lsec_trace_file *f)
{
	if (!(f->flags & LSEC_TF_OWNED))
		return false;
	if (!(f->flags & LSEC_TF_ROOTUID) || (f->flags & LSEC_TF_CREATED))
		return true;
	/* root owns most of the system: only where "mine" means something */
	return strncmp(f->path, "/proc/", 6) == 0 || strncmp(f->path, "/tmp/", 5) == 0 ||
	       strncmp(f->path, "/var/tmp/", 9) == 0 || strncmp(f->path, "/root/", 6) == 0 ||
	       strncmp(f->path, "/dev/shm/", 9) == 0;
}

static char *sanitize_name(const char *path)
{
	const char *b = strrchr(path, '/');
	char *n = strdup(b && b[1] ? b + 1 : path), *p;

	if (!n)
		return NULL;
	for (p = n; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._-+", *p))
			*p = '_';
	if (!*n || *n == '.' || *n == '-') {
		char *m = NULL;

		if (asprintf(&m, "p%s", n) < 0)
			m = NULL;
		free(n);
		return m;
	}
	return n;
}

/* A profile under construction: entries, sockets, caps. */
struct pbuild {
	struct entry *e;
	size_t n, cap;
	char **net;
	size_t nnet;
	uint64_t caps;
	int err;
};

static void pb_add(struct pbuild *pb, const struct lsec_trace_file *f,
		   uint32_t perms)
{
	struct entry *ne;
	size_t len = strlen(f->path);
	bool dir = (f->flags & LSEC_TF_DIR) && !(perms & LSEC_PERM_X);

	if (pb->n == pb->cap) {
		pb->cap = pb->cap ? pb->cap * 2 : 64;
		ne = realloc(pb->e, pb->cap * sizeof(*ne));
		if (!ne) {
			pb->err = -ENOMEM;
			return;
		}
		pb->e = ne;
	}
	ne = &pb->e[pb->n];
	memset(ne, 0, sizeof(*ne));
	ne->raw = malloc(len + 2);
	if (!ne->raw) {
		pb->err = -ENOMEM;
		return;
	}
	memcpy(ne->raw, f->path, len + 1);
	if (dir && (len == 0 || f->path[len - 1] != '/'))
		strcpy(ne->raw + len, "/");
	ne->perms = perms;
	ne->owner = owner_ok(f);
	pb->n++;
}

/* A DIR/STARSTAR entry (pattern made now: tunables apply to DIR). */
static int add_tree_entry(struct pbuild *pb, const char *dir, uint32_t perms,
			  bool owner, const struct lsec_aagen_opts *o)
{
	_cleanup_free_ char *dpat = lsec_aagen_pattern_pids(dir, true, &o->pids);
	struct entry *ne;

	if (!dpat)
		return -ENOMEM;
	if (pb->n == pb->cap) {
		pb->cap = pb->cap ? pb->cap * 2 : 64;
		ne = realloc(pb->e, pb->cap * sizeof(*ne));
		if (!ne)
			return -ENOMEM;
		pb->e = ne;
	}
	ne = &pb->e[pb->n];
	memset(ne, 0, sizeof(*ne));
	if (asprintf(&ne->raw, "%s/**", dir) < 0 ||
	    asprintf(&ne->pat, "%s/**", dpat) < 0)
		return -ENOMEM;
	ne->perms = perms;
	ne->owner = owner;
	pb->n++;
	return 0;
}

static void pb_net(struct pbuild *pb, const struct lsec_trace_sock *s)
{
	const char *fam = lsec_aa_family_name(s->family);
	const char *type = lsec_aa_socktype_name(s->type);
	char buf[64], **nn;
	size_t i;

	if (!fam)
		return;
	snprintf(buf, sizeof(buf), "%s%s%s", fam, type ? " " : "", type ? type : "");
	for (i = 0; i < pb->nnet; i++)
		if (streq(pb->net[i], buf))
			return;
	nn = realloc(pb->net, (pb->nnet + 1) * sizeof(*nn));
	if (!nn || !(nn[pb->nnet] = strdup(buf))) {
		if (nn)
			pb->net = nn;
		pb->err = -ENOMEM;
		return;
	}
	pb->net = nn;
	pb->nnet++;
}

static void pb_free(struct pbuild *pb)
{
	size_t i;

	for (i = 0; i < pb->n; i++) {
		free(pb->e[i].raw);
		free(pb->e[i].pat);
	}
	free(pb->e);
	for (i = 0; i < pb->nnet; i++)
		free(pb->net[i]);
	free(pb->net);
}

static int strp_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* ---- whole trees -------------------------------------------------------------- */

struct tree_scan {
	const struct pbuild *pb;
	const uint32_t *idx; /* hash of raw paths -> entry index + 1 */
	size_t size;
	size_t files, budget;
	bool subdir;
};

static long raw_find(const struct tree_scan *ts, const char *raw)
{
	size_t k;

	for (k = str_hash(raw) & (ts->size - 1); ts->idx[k];
	     k = (k + 1) & (ts->size - 1))
		if (strcmp(ts->pb->e[ts->idx[k] - 1].raw, raw) == 0)
			return (long)ts->idx[k] - 1;
	return -1;
}

/* Was everything below dir used (and nothing executed there)? */
static bool tree_complete(struct tree_scan *ts, char *dir, size_t len, int depth)
{
	_cleanup_(lsec_closedirp) DIR *d = opendir(dir);
	struct dirent *de;

	if (!d || depth > 32)
		return false;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		unsigned type = de->d_type;
		bool ok;
		long e;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (++ts->files > ts->budget || len + 1 + n >= PATH_MAX)
			return false;
		/* dir is a PATH_MAX buffer: append the name, restore after */
		dir[len] = '/';
		memcpy(dir + len + 1, de->d_name, n + 1);
		if (type == DT_UNKNOWN) {
			struct stat st;

			type = lstat(dir, &st) < 0 ? DT_UNKNOWN
			       : S_ISDIR(st.st_mode) ? DT_DIR
			       : S_ISLNK(st.st_mode) ? DT_LNK
						     : DT_REG;
		}
		if (type == DT_DIR) {
			ts->subdir = true;
			ok = tree_complete(ts, dir, len + 1 + n, depth + 1);
		} else if (type == DT_LNK) {
			/* a symlink's own name grants nothing (access through
			 * it is checked at its target) */
			ok = true;
		} else {
			/* anything else must have been used, not executed */
			e = raw_find(ts, dir);
			ok = e >= 0 && !(ts->pb->e[e].perms & LSEC_PERM_X);
		}
		dir[len] = '\0';
		if (!ok)
			return false;
	}
	return true;
}

/*
 * A directory whose every file (in every subdirectory) was used becomes one
 * DIR/STARSTAR rule: exactly what the program did, as the tree stands.  The
 * outermost such directory wins.  Needs glob_threshold files at least and a
 * subdirectory (one level is DIR/STAR's business).
 */
static int collapse_trees(struct pbuild *pb, const struct lsec_aagen_opts *o)
{
	struct tree_scan ts = { .pb = pb };
	_cleanup_free_ uint32_t *idx = NULL;
	char **done = NULL;
	size_t i, k, ndone = 0, n0 = pb->n;
	int r = 0;

	for (ts.size = 64; ts.size < pb->n * 2 + 2; ts.size *= 2)
		;
	idx = calloc(ts.size, sizeof(*idx));
	if (!idx)
		return -ENOMEM;
	for (i = 0; i < pb->n; i++) {
		for (k = str_hash(pb->e[i].raw) & (ts.size - 1); idx[k];
		     k = (k + 1) & (ts.size - 1))
			;
		idx[k] = (uint32_t)i + 1;
	}
	ts.idx = idx;
	for (i = 0; i < n0; i++) {
		char dir[PATH_MAX];
		const char *raw = pb->e[i].raw;
		size_t len;

		if (pb->e[i].drop || (pb->e[i].perms & LSEC_PERM_X) || raw[0] != '/')
			continue;
		/* kernel file systems: what is there changes with the machine */
		if (!strncmp(raw, "/proc/", 6) || !strncmp(raw, "/sys/", 5) ||
		    !strncmp(raw, "/dev/", 5))
			continue;
		/* each ancestor, outermost first (not "/" itself) */
		for (len = strcspn(raw + 1, "/") + 1; raw[len]; len += strcspn(raw + len + 1, "/") + 1) {
			bool seen = false;
			size_t m, cnt = 0;
			uint32_t perms = 0;
			bool owner = true;

			if (len >= sizeof(dir))
				break;
			memcpy(dir, raw, len);
			dir[len] = '\0';
			for (m = 0; m < ndone && !seen; m++)
				seen = strcmp(done[m] + 1, dir) == 0;
			if (seen && done[m - 1][0] == '+')
				break; /* collapsed: the entry is gone already */
			if (seen)
				continue; /* known incomplete: look deeper */
			{
				char **nd = realloc(done, (ndone + 1) * sizeof(*nd));

				if (!nd || asprintf(&nd[ndone], "-%s", dir) < 0) {
					free(nd ? nd : done);
					return -ENOMEM;
				}
				done = nd;
				ndone++;
			}
			ts.files = 0;
			ts.budget = 20000;
			ts.subdir = false;
			if (!tree_complete(&ts, dir, len, 0) || !ts.subdir)
				continue;
			/* collapse: everything below dir (plain files, listings) */
			for (m = 0; m < pb->n; m++) {
				struct entry *x = &pb->e[m];

				if (x->drop || (x->perms & LSEC_PERM_X) ||
				    strncmp(x->raw, dir, len) != 0 || x->raw[len] != '/')
					continue;
				cnt++;
				perms |= x->perms;
				owner = owner && x->owner;
				x->drop = true;
			}
			if (cnt < o->glob_threshold) {
				for (m = 0; m < pb->n; m++) /* undo */
					if (strncmp(pb->e[m].raw, dir, len) == 0 &&
					    pb->e[m].raw[len] == '/' &&
					    !(pb->e[m].perms & LSEC_PERM_X))
						pb->e[m].drop = false;
				continue;
			}
			r = add_tree_entry(pb, dir, perms, owner, o);
			if (r < 0)
				goto out;
			done[ndone - 1][0] = '+';
			break;
		}
	}
out:
	for (i = 0; i < ndone; i++)
		free(done[i]);
	free(done);
	return r;
}

/* Turn a build into a profile: abstractions, patterns, globbing, sort. */
static int pb_finish(struct pbuild *pb, struct abstraction *abs, size_t nabs,
		     const struct lsec_aagen_opts *o, char exec_mode,
		     struct lsec_aa_profile *p)
{
	size_t i, j, k;
	int err;

	if (pb->err)
		return pb->err;
	/* 1. whole trees read -> dir/STARSTAR (first: then an abstraction
	 * is not pulled in for a file the tree rule grants anyway) */
	if (!o->no_glob && o->glob_threshold > 0) {
		err = collapse_trees(pb, o);
		if (err < 0)
			return err;
	}
	/* 2. what the stock abstractions grant */
	p->includes = calloc(nabs + 1, sizeof(char *));
	if (!p->includes)
		return -ENOMEM;
	for (k = 0; k < nabs; k++)
		abs[k].used = k == 0;
	if (!o->no_abstractions) {
		uint32_t *grant = calloc(pb->n * nabs + 1, sizeof(*grant));

		if (!grant)
			return -ENOMEM;
		for (i = 0; i < pb->n; i++) {
			uint32_t want = pb->e[i].perms;

			if (pb->e[i].drop)
				continue; /* under a tree rule */
			for (k = 0; k < nabs; k++) {
				grant[i * nabs + k] =
					abs_grant(&abs[k], pb->e[i].raw, pb->e[i].owner);
				if (k == 0 && (grant[i * nabs] & want) == want)
					break;
				if (k > 0 && (grant[i * nabs + k] & want) == want)
					abs[k].used = true;
			}
		}
		for (i = 0; i < pb->n; i++) {
			uint32_t g = 0;

			for (k = 0; k < nabs; k++)
				if (abs[k].used)
					g |= grant[i * nabs + k];
			if ((g & pb->e[i].perms) == pb->e[i].perms)
				pb->e[i].drop = true;
		}
		free(grant);
	}
	for (k = 0; k < nabs; k++)
		if (abs[k].used && asprintf(&p->includes[p->nincludes++],
					    "abstractions/%s", abs[k].name) < 0)
			return -ENOMEM;
	/* 3. patterns */
	for (i = 0; i < pb->n; i++) {
		if (pb->e[i].pat)
			continue; /* a tree rule has its own */
		pb->e[i].pat = lsec_aagen_pattern_pids(pb->e[i].raw, o->no_glob, &o->pids);
		if (!pb->e[i].pat)
			return -ENOMEM;
	}
	/* 4. many plain files in one directory -> dir/STAR */
	sort_n(pb->e, pb->n, sizeof(*pb->e), entry_cmp);
	if (!o->no_glob && o->glob_threshold > 0) {
		for (i = 0; i < pb->n; i = j) {
			const char *slash = strrchr(pb->e[i].pat, '/');
			size_t plen = slash ? (size_t)(slash - pb->e[i].pat) + 1 : 0, cnt = 0;
			uint32_t perms = 0;
			bool owner = true;

			for (j = i; j < pb->n; j++) {
				const struct entry *x = &pb->e[j];

				if (strncmp(x->pat, pb->e[i].pat, plen) != 0 ||
				    strchr(x->pat + plen, '/'))
					break;
				if (x->drop || (x->perms & LSEC_PERM_X) || is_dir_pat(x->pat))
					continue;
				cnt++;
				perms |= x->perms;
				owner = owner && x->owner;
			}
			if (!plen || cnt < o->glob_threshold)
				continue;
			{
				struct entry *keep = NULL;
				size_t m;

				for (m = i; m < j; m++) {
					struct entry *x = &pb->e[m];

					if (x->drop || (x->perms & LSEC_PERM_X) || is_dir_pat(x->pat))
						continue;
					if (!keep) {
						char *np = malloc(plen + 2);

						if (!np)
							return -ENOMEM;
						memcpy(np, x->pat, plen);
						strcpy(np + plen, "*");
						free(x->pat);
						x->pat = np;
						x->perms = perms;
						x->owner = owner;
						keep = x;
					} else {
						x->drop = true;
					}
				}
			}
		}
	}
	/* 5. rules: merge equal patterns, sorted */
	sort_n(pb->e, pb->n, sizeof(*pb->e), entry_cmp);
	p->rules = calloc(pb->n + 1, sizeof(*p->rules));
	if (!p->rules)
		return -ENOMEM;
	for (i = 0; i < pb->n; i++) {
		struct entry *x = &pb->e[i];
		struct lsec_aa_rule *r;

		if (x->drop || !x->perms)
			continue;
		r = p->nrules ? &p->rules[p->nrules - 1] : NULL;
		if (r && streq(r->path, x->pat)) {
			r->perms |= x->perms;
			r->owner = r->owner && x->owner;
			continue;
		}
		r = &p->rules[p->nrules++];
		r->path = TAKE_PTR(x->pat);
		r->perms = x->perms;
		r->owner = x->owner;
		r->exec = (x->perms & LSEC_PERM_X) ? exec_mode : 0;
	}
	/* "owner" was decided per file; a merged rule is owner only if all were */
	p->net = TAKE_PTR(pb->net);
	p->nnet = pb->nnet;
	pb->nnet = 0;
	sort_n(p->net, p->nnet, sizeof(char *), strp_cmp);
	p->caps = pb->caps;
	return 0;
}

int lsec_aagen_from_trace(const struct lsec_trace *t, const char *main_exe,
			  const struct lsec_aagen_opts *o, struct lsec_aa_doc *doc,
			  struct lsec_err *e)
{
	struct abstraction abs[ELEMENTSOF(abstraction_names)];
	const char *dir = o->apparmor_dir ? o->apparmor_dir : "/etc/apparmor.d";
	char mode = o->exec_mode ? o->exec_mode : 'i';
	size_t nabs = o->no_abstractions ? 1 : ELEMENTSOF(abstraction_names);
	struct pbuild *pbs = NULL;
	size_t i, j, nprof;
	int mainidx = -1, r = 0;
	int *prof_of = NULL;
	struct lsec_aagen_opts oo = *o;

	/* names holding a traced process's pid are per-process names */
	oo.pids.v = t->pids;
	oo.pids.n = t->npids;
	o = &oo;

	memset(abs, 0, sizeof(abs));
	for (i = 0; i < nabs; i++) {
		char rel[64];

		abs[i].name = abstraction_names[i];
		snprintf(rel, sizeof(rel), "abstractions/%s", abs[i].name);
		abs_load_file(&abs[i], dir, rel, 0);
	}
	for (i = 0; i < t->nexes; i++)
		if (streq(t->exes[i].path, main_exe))
			mainidx = (int)i;
	/* profile slots: 0 = main; in px/cx mode one per other executable */
	nprof = 1;
	prof_of = calloc(t->nexes + 1, sizeof(int));
	pbs = calloc(t->nexes + 1, sizeof(*pbs));
	if (!prof_of || !pbs) {
		r = -ENOMEM;
		goto out;
	}
	for (i = 0; i < t->nexes; i++) {
		if (mode == 'i' || (int)i == mainidx || streq(t->exes[i].path, "?"))
			prof_of[i] = 0;
		else
			prof_of[i] = (int)nprof++;
	}
	for (i = 0; i < t->nexes; i++) {
		const struct lsec_trace_exe *x = &t->exes[i];
		struct pbuild *pb = &pbs[prof_of[i]];

		for (j = 0; j < x->nfiles; j++) {
			uint32_t perms = x->files[j].perms;

			/* the attachment itself: mapped and read, not "x" */
			if (prof_of[i] == 0 && streq(x->files[j].path, main_exe))
				perms = (perms & ~LSEC_PERM_X) | LSEC_PERM_R | LSEC_PERM_M;
			pb_add(pb, &x->files[j], perms);
		}
		for (j = 0; j < x->nsocks; j++)
			pb_net(pb, &x->socks[j]);
		pb->caps |= x->caps;
	}
	{
		/* the attachment is always mapped and read (attached runs never
		 * see its exec) */
		struct lsec_trace_file self = { (char *)main_exe,
						LSEC_PERM_M | LSEC_PERM_R, 0 };

		pb_add(&pbs[0], &self, self.perms);
	}
	doc->profiles = calloc(mode == 'p' ? nprof : 1, sizeof(*doc->profiles));
	if (!doc->profiles) {
		r = -ENOMEM;
		goto out;
	}
	doc->nprofiles = mode == 'p' ? nprof : 1;
	{
		struct lsec_aa_profile *mp = &doc->profiles[0];

		mp->name = o->name ? strdup(o->name) : sanitize_name(main_exe);
		mp->attach = lsec_aa_escape(main_exe);
		mp->complain = o->complain;
		if (!mp->name || !mp->attach) {
			r = -ENOMEM;
			goto out;
		}
		if (mode == 'c' && nprof > 1) {
			mp->children = calloc(nprof - 1, sizeof(*mp->children));
			if (!mp->children) {
				r = -ENOMEM;
				goto out;
			}
			mp->nchildren = nprof - 1;
		}
	}
	for (i = 0; i < t->nexes; i++) {
		struct lsec_aa_profile *p;
		int slot = prof_of[i];

		if (slot == 0)
			continue;
		p = mode == 'c' ? &doc->profiles[0].children[slot - 1]
				: &doc->profiles[slot];
		if (p->name)
			continue;
		p->name = sanitize_name(t->exes[i].path);
		p->complain = o->complain;
		if (mode == 'p')
			p->attach = lsec_aa_escape(t->exes[i].path);
		if (!p->name || (mode == 'p' && !p->attach)) {
			r = -ENOMEM;
			goto out;
		}
	}
	for (i = 0; i < nprof; i++) {
		struct lsec_aa_profile *p =
			i == 0 || mode == 'p' ? &doc->profiles[i]
					      : &doc->profiles[0].children[i - 1];

		r = pb_finish(&pbs[i], abs, nabs, o, mode, p);
		if (r < 0)
			goto out;
	}
	/* cx: point each exec rule at its child profile */
	if (mode == 'c') {
		struct lsec_aa_profile *mp = &doc->profiles[0];

		for (i = 0; i < t->nexes; i++) {
			_cleanup_free_ char *pat = NULL;

			if (prof_of[i] == 0)
				continue;
			pat = lsec_aagen_pattern(t->exes[i].path, o->no_glob);
			for (j = 0; pat && j < mp->nrules; j++)
				if (streq(mp->rules[j].path, pat) && !mp->rules[j].target)
					mp->rules[j].target =
						strdup(mp->children[prof_of[i] - 1].name);
		}
	}
	lsec_aa_doc_sort(doc);
out:
	if (r < 0)
		lsec_err_set(e, -r, "building the profile: %s", strerror(-r));
	for (i = 0; pbs && i < t->nexes + 1; i++)
		pb_free(&pbs[i]);
	free(pbs);
	free(prof_of);
	abs_free(abs, nabs);
	return r;
}
