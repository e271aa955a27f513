/* SPDX-License-Identifier: MIT */
/*
 * AppArmor path and pattern syntax, in one place for the parser, the
 * generator and the Landlock planner: escaping a literal path so it matches
 * exactly that file, undoing it, matching a pattern (globs *, **, ?, [..],
 * {a,b}, \ and \ooo escapes) against a path, brace expansion, and the stock
 * tunables.  The real parser is the authority; tests compare the escaping
 * with `apparmor_parser -D rule-exprs`.
 */
#include "lsec/aasyntax.h"

#include <errno.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsec/cleanup.h"
#include "lsec/util.h"

void lsec_aa_strv_free(char **v)
{
	char **p;

	if (!v)
		return;
	for (p = v; *p; p++)
		free(*p);
	free(v);
}

/* Find the '}' matching the '{' at p (escape-aware); NULL if unbalanced. */
static const char *brace_end(const char *p)
{
	int depth = 0;

	for (; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '{')
			depth++;
		else if (*p == '}' && --depth == 0)
			return p;
	}
	return NULL;
}

static const char *first_brace(const char *p)
{
	for (; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '{')
			return p;
	}
	return NULL;
}

struct strv {
	char **v;
	size_t n, cap, max;
};

static int strv_push(struct strv *sv, char *s)
{
	if (!s)
		return -ENOMEM;
	if (sv->n + 2 > sv->cap) {
		size_t cap = sv->cap ? sv->cap * 2 : 8;
		char **v = realloc(sv->v, cap * sizeof(*v));

		if (!v) {
			free(s);
			return -ENOMEM;
		}
		sv->v = v;
		sv->cap = cap;
	}
	if (sv->n >= sv->max) {
		free(s);
		return -E2BIG;
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
	return 0;
}

static int expand_into(const char *pat, struct strv *out)
{
	const char *open = first_brace(pat), *close, *alt, *p;
	int depth = 0;

	if (!open) {
		char *leaf = strdup(pat);

		if (leaf)
			lsec_aa_pattern_collapse(leaf);
		return strv_push(out, leaf);
	}
	close = brace_end(open);
	if (!close)
		return -EINVAL;
	/* each top-level alternative between open and close */
	for (alt = p = open + 1; p <= close; p++) {
		if (*p == '\\' && p[1] && p < close) {
			p++;
			continue;
		}
		if (*p == '{')
			depth++;
		else if (*p == '}' && p != close)
			depth--;
		else if ((*p == ',' && depth == 0) || p == close) {
			_cleanup_free_ char *next = NULL;
			int r;

			if (asprintf(&next, "%.*s%.*s%s", (int)(open - pat), pat,
				     (int)(p - alt), alt, close + 1) < 0)
				return -ENOMEM;
			r = expand_into(next, out);
			if (r < 0)
				return r;
			alt = p + 1;
		}
	}
	return 0;
}

int lsec_aa_brace_expand(const char *pattern, size_t max, char ***ret)
{
	struct strv sv = { .max = max };
	int r = expand_into(pattern, &sv);

	if (r < 0) {
		lsec_aa_strv_free(sv.v);
		return r;
	}
	*ret = sv.v;
	return (int)sv.n;
}

void lsec_aa_pattern_collapse(char *s)
{
	char *o = s;
	const char *p;

	for (p = s; *p; p++) {
		if (*p == '\\' && p[1]) {
			*o++ = *p++;
			*o++ = *p;
			continue;
		}
		if (*p == '/' && o > s && o[-1] == '/')
			continue;
		*o++ = *p;
	}
	*o = '\0';
}

bool lsec_aa_pattern_has_glob(const char *p)
{
	for (; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (strchr("*?[{", *p))
			return true;
	}
	return false;
}

char *lsec_aa_pattern_unescape(const char *pattern)
{
	char *out = malloc(strlen(pattern) + 1), *o = out;
	const char *p;

	if (!out)
		return NULL;
	for (p = pattern; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

char *lsec_aa_quote_path(const char *path)
{
	_cleanup_free_ char *esc = lsec_aa_escape(path);
	char *out = NULL;

	if (!esc || asprintf(&out, "\"%s\"", esc) < 0)
		return NULL;
	return out;
}


/* Characters with a meaning inside a quoted AppArmor path. */
static bool aa_special(unsigned char c)
{
	return strchr("\\\"*?[]{}^", c) != NULL && c;
}

char *lsec_aa_escape(const char *raw)
{
	size_t n = strlen(raw), i;
	char *out = malloc(n * 4 + 1), *p = out;

	if (!out)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)raw[i];

		if (aa_special(c)) {
			*p++ = '\\';
			*p++ = (char)c;
		} else if (c < 0x20 || c >= 0x7f) {
			*p++ = '\\';
			*p++ = (char)('0' + ((c >> 6) & 7));
			*p++ = (char)('0' + ((c >> 3) & 7));
			*p++ = (char)('0' + (c & 7));
		} else {
			*p++ = (char)c;
		}
	}
	*p = '\0';
	return out;
}

static bool isodigit(char c)
{
	return c >= '0' && c <= '7';
}

char *lsec_aa_unescape(const char *pat)
{
	char *out = malloc(strlen(pat) + 1), *p = out;

	if (!out)
		return NULL;
	while (*pat) {
		if (*pat == '\\') {
			if (isodigit(pat[1]) && isodigit(pat[2]) && isodigit(pat[3])) {
				*p++ = (char)(((pat[1] - '0') << 6) |
					      ((pat[2] - '0') << 3) | (pat[3] - '0'));
				pat += 4;
				continue;
			}
			if (!pat[1])
				goto bad;
			*p++ = pat[1];
			pat += 2;
			continue;
		}
		if (strchr("*?[]{}", *pat) || (*pat == '@' && pat[1] == '{'))
			goto bad;
		*p++ = *pat++;
	}
	*p = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

/* One pattern element's literal byte at *p (handles \x and \ooo). */
static int lit(const char **p)
{
	const char *s = *p;

	if (*s == '\\' && s[1]) {
		if (isodigit(s[1]) && isodigit(s[2]) && isodigit(s[3])) {
			*p = s + 4;
			return ((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0');
		}
		*p = s + 2;
		return (unsigned char)s[1];
	}
	*p = s + 1;
	return (unsigned char)*s;
}

/* [..] class at p (p points after '['); sets *end after ']'. */
static bool class_match(const char *p, unsigned char c, const char **end)
{
	bool neg = false, hit = false;

	if (*p == '^') {
		neg = true;
		p++;
	}
	while (*p && *p != ']') {
		int lo = lit(&p), hi = lo;

		if (*p == '-' && p[1] && p[1] != ']') {
			p++;
			hi = lit(&p);
		}
		if (c >= lo && c <= hi)
			hit = true;
	}
	*end = *p ? p + 1 : p;
	return neg ? !hit && c != '/' : hit;
}

static bool match(const char *p, const char *s, const char *start)
{
	for (;;) {
		switch (*p) {
		case '\0':
			return *s == '\0';
		case '*':
			if (p[1] == '*') {
				while (*p == '*')
					p++;
				for (;; s++) {
					if (match(p, s, start))
						return true;
					if (!*s)
						return false;
				}
			}
			p++;
			for (;; s++) {
				if (match(p, s, start))
					return true;
				if (!*s || *s == '/')
					return false;
			}
		case '?':
			if (!*s || *s == '/')
				return false;
			p++;
			s++;
			break;
		case '[': {
			const char *end;

			if (!*s || !class_match(p + 1, (unsigned char)*s, &end))
				return false;
			p = end;
			s++;
			break;
		}
		case '{': {
			const char *end = brace_end(p), *a = p + 1;
			size_t restlen;
			int depth = 0;

			if (!end)
				return false;
			restlen = strlen(end + 1);
			for (const char *q = a; q <= end; q++) {
				if (*q == '\\' && q[1] && q < end) {
					q++;
					continue;
				}
				if (*q == '{')
					depth++;
				else if (*q == '}' && depth > 0 && q != end)
					depth--;
				else if ((*q == ',' && depth == 0) || q == end) {
					size_t alen = (size_t)(q - a);
					char *buf = malloc(alen + restlen + 1);
					bool ok;

					if (!buf)
						return false;
					memcpy(buf, a, alen);
					memcpy(buf + alen, end + 1, restlen + 1);
					ok = match(buf, s, start);
					free(buf);
					if (ok)
						return true;
					a = q + 1;
				}
			}
			return false;
		}
		default: {
			int c = lit(&p);

			/* "a//b" in the pattern (e.g. @{PROC}/x) is "a/b" */
			if (c == '/' && *s != '/' && s > start && s[-1] == '/')
				break;
			if ((unsigned char)*s != c)
				return false;
			s++;
		}
		}
	}
}

bool lsec_aa_glob_match(const char *pattern, const char *path)
{
	return match(pattern, path, path);
}

static const struct {
	const char *name, *val;
} tunables[] = {
	{ "PROC", "/proc/" },
	{ "pid", "[1-9]*" },
	{ "pids", "[1-9]*" },
	{ "tid", "[1-9]*" },
	{ "uid", "[0-9]*" },
	{ "uids", "[0-9]*" },
	{ "HOME", "{/home/*/,/root/}" },
	{ "HOMEDIRS", "/home/" },
	{ "sys", "/sys/" },
	{ "run", "{/run/,/var/run/}" },
	{ "multiarch", "*-linux-gnu*" },
	{ "etc_ro", "{/etc/,/usr/etc/}" },
	{ "etc_rw", "/etc/" },
};

char *lsec_aa_expand_vars(const char *pattern)
{
	size_t cap = strlen(pattern) * 2 + 64, n = 0;
	char *out = malloc(cap);
	const char *p = pattern;

	if (!out)
		return NULL;
	while (*p) {
		const char *add = p, *next;
		size_t alen = 1;

		if (*p == '\\' && p[1]) {
			alen = 2;
		} else if (*p == '@' && p[1] == '{') {
			const char *end = strchr(p, '}');
			size_t i;

			if (!end)
				goto bad;
			add = NULL;
			for (i = 0; i < ELEMENTSOF(tunables); i++)
				if (strlen(tunables[i].name) == (size_t)(end - p - 2) &&
				    strncmp(tunables[i].name, p + 2, (size_t)(end - p - 2)) == 0)
					add = tunables[i].val;
			if (!add)
				goto bad;
			alen = strlen(add);
			next = end + 1;
		}
		if (add == p)
			next = p + alen;
		if (n + alen + 1 > cap) {
			char *no = realloc(out, cap = (n + alen + 1) * 2);

			if (!no)
				goto bad;
			out = no;
		}
		memcpy(out + n, add, alen);
		n += alen;
		p = next;
	}
	out[n] = '\0';
	/* "/proc/" + "/x": collapse doubled slashes the way the parser does */
	{
		char *r = out, *w = out;

		for (; *r; r++) {
			if (*r == '\\' && r[1]) {
				*w++ = *r++;
				*w++ = *r;
				continue;
			}
			if (*r == '/' && w > out && w[-1] == '/')
				continue;
			*w++ = *r;
		}
		*w = '\0';
	}
	return out;
bad:
	free(out);
	return NULL;
}

/* ---- names ------------------------------------------------------------------ */

struct name_num {
	const char *name;
	int num;
};

static int num_from_name(const struct name_num *t, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (streq(t[i].name, name))
			return t[i].num;
	return -1;
}

static const char *name_from_num(const struct name_num *t, size_t n, int num)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].num == num)
			return t[i].name;
	return NULL;
}

static const struct name_num families[] = {
	{ "unix", AF_UNIX },	     { "inet", AF_INET },
	{ "ax25", AF_AX25 },	     { "ipx", AF_IPX },
	{ "appletalk", AF_APPLETALK }, { "netrom", AF_NETROM },
	{ "bridge", AF_BRIDGE },     { "atmpvc", AF_ATMPVC },
	{ "x25", AF_X25 },	     { "inet6", AF_INET6 },
	{ "rose", AF_ROSE },	     { "netbeui", AF_NETBEUI },
	{ "security", AF_SECURITY }, { "key", AF_KEY },
	{ "netlink", AF_NETLINK },   { "packet", AF_PACKET },
	{ "ash", AF_ASH },	     { "econet", AF_ECONET },
	{ "atmsvc", AF_ATMSVC },     { "rds", AF_RDS },
	{ "sna", AF_SNA },	     { "irda", AF_IRDA },
	{ "pppox", AF_PPPOX },	     { "wanpipe", AF_WANPIPE },
	{ "llc", AF_LLC },	     { "ib", AF_IB },
	{ "mpls", AF_MPLS },	     { "can", AF_CAN },
	{ "tipc", AF_TIPC },	     { "bluetooth", AF_BLUETOOTH },
	{ "iucv", AF_IUCV },	     { "rxrpc", AF_RXRPC },
	{ "isdn", AF_ISDN },	     { "phonet", AF_PHONET },
	{ "ieee802154", AF_IEEE802154 }, { "caif", AF_CAIF },
	{ "alg", AF_ALG },	     { "nfc", AF_NFC },
	{ "vsock", AF_VSOCK },	     { "kcm", AF_KCM },
	{ "qipcrtr", AF_QIPCRTR },   { "smc", AF_SMC },
	{ "xdp", 44 },		     { "mctp", 45 },
};

int lsec_aa_family_from_name(const char *name)
{
	return num_from_name(families, ELEMENTSOF(families), name);
}

const char *lsec_aa_family_name(int family)
{
	return name_from_num(families, ELEMENTSOF(families), family);
}

static const struct name_num socktypes[] = {
	{ "stream", SOCK_STREAM }, { "dgram", SOCK_DGRAM },
	{ "seqpacket", SOCK_SEQPACKET }, { "rdm", SOCK_RDM },
	{ "raw", SOCK_RAW }, { "packet", SOCK_PACKET },
};

int lsec_aa_socktype_from_name(const char *name)
{
	return num_from_name(socktypes, ELEMENTSOF(socktypes), name);
}

const char *lsec_aa_socktype_name(int type)
{
	return name_from_num(socktypes, ELEMENTSOF(socktypes), type);
}

/* In kernel order: the index is the capability's number. */
static const char *const capabilities[] = {
	"chown", "dac_override", "dac_read_search", "fowner", "fsetid",
	"kill", "setgid", "setuid", "setpcap", "linux_immutable",
	"net_bind_service", "net_broadcast", "net_admin", "net_raw",
	"ipc_lock", "ipc_owner", "sys_module", "sys_rawio", "sys_chroot",
	"sys_ptrace", "sys_pacct", "sys_admin", "sys_boot", "sys_nice",
	"sys_resource", "sys_time", "sys_tty_config", "mknod", "lease",
	"audit_write", "audit_control", "setfcap", "mac_override",
	"mac_admin", "syslog", "wake_alarm", "block_suspend",
	"audit_read", "perfmon", "bpf", "checkpoint_restore",
};

int lsec_aa_capability_number(const char *name)
{
	size_t i;

	for (i = 0; i < ELEMENTSOF(capabilities); i++)
		if (streq(capabilities[i], name))
			return (int)i;
	return -1;
}

const char *lsec_aa_capability_name(int cap)
{
	return cap >= 0 && (size_t)cap < ELEMENTSOF(capabilities) ? capabilities[cap]
								  : NULL;
}

bool lsec_aa_capability_valid(const char *name)
{
	return lsec_aa_capability_number(name) >= 0;
}
