/* SPDX-License-Identifier: MIT */
/* What the tracer records: per-executable file tables with a hash index. */
#include "trace_int.h"

#include <errno.h>
#include <linux/capability.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct lsec_trace_hash {
	uint32_t *slot; /* index + 1; 0 = empty */
	size_t size;    /* power of two */
};

uint64_t lsec_trace_strhash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static int hash_grow(struct lsec_trace_exe *x)
{
	struct lsec_trace_hash *h = x->index;
	size_t n = h->size ? h->size * 2 : 64, i;
	uint32_t *s = calloc(n, sizeof(*s));

	if (!s)
		return -ENOMEM;
	for (i = 0; i < x->nfiles; i++) {
		size_t k = lsec_trace_strhash(x->files[i].path) & (n - 1);

		while (s[k])
			k = (k + 1) & (n - 1);
		s[k] = (uint32_t)i + 1;
	}
	free(h->slot);
	h->slot = s;
	h->size = n;
	return 0;
}

int lsec_trace_exe_get(struct lsec_trace *t, const char *exe_path)
{
	struct lsec_trace_exe *x;
	size_t i;

	for (i = 0; i < t->nexes; i++)
		if (strcmp(t->exes[i].path, exe_path) == 0)
			return (int)i;
	x = realloc(t->exes, (t->nexes + 1) * sizeof(*x));
	if (!x)
		return -ENOMEM;
	t->exes = x;
	x = &t->exes[t->nexes];
	memset(x, 0, sizeof(*x));
	x->path = strdup(exe_path);
	x->index = calloc(1, sizeof(*x->index));
	if (!x->path || !x->index) {
		free(x->path);
		free(x->index);
		return -ENOMEM;
	}
	return (int)t->nexes++;
}

struct lsec_trace_file *lsec_trace_file_find(struct lsec_trace_exe *x,
					     const char *path)
{
	struct lsec_trace_hash *h = x->index;
	size_t k;

	if (!h->size)
		return NULL;
	k = lsec_trace_strhash(path) & (h->size - 1);
	while (h->slot[k]) {
		struct lsec_trace_file *f = &x->files[h->slot[k] - 1];

		if (strcmp(f->path, path) == 0)
			return f;
		k = (k + 1) & (h->size - 1);
	}
	return NULL;
}

int lsec_trace_add_file(struct lsec_trace *t, int exe, const char *path,
			uint32_t perms, uint32_t flags)
{
	struct lsec_trace_exe *x;
	struct lsec_trace_file *f;
	size_t k;

	if (exe < 0 || (size_t)exe >= t->nexes)
		return -EINVAL;
	x = &t->exes[exe];
	f = lsec_trace_file_find(x, path);
	if (f) {
		f->perms |= perms;
		f->flags |= flags;
		return exe;
	}
	if ((x->nfiles + 1) * 2 > x->index->size && hash_grow(x) < 0)
		return -ENOMEM;
	if (x->nfiles == x->afiles) {
		size_t n = x->afiles ? x->afiles * 2 : 64;
		struct lsec_trace_file *nf = realloc(x->files, n * sizeof(*nf));

		if (!nf)
			return -ENOMEM;
		x->files = nf;
		x->afiles = n;
	}
	f = &x->files[x->nfiles];
	f->path = strdup(path);
	if (!f->path)
		return -ENOMEM;
	f->perms = perms;
	f->flags = flags;
	k = lsec_trace_strhash(path) & (x->index->size - 1);
	while (x->index->slot[k])
		k = (k + 1) & (x->index->size - 1);
	x->index->slot[k] = (uint32_t)++x->nfiles;
	return exe;
}

int lsec_trace_add_sock(struct lsec_trace *t, int exe, int family, int type,
			int protocol)
{
	struct lsec_trace_exe *x = &t->exes[exe];
	struct lsec_trace_sock *s;
	size_t i;

	for (i = 0; i < x->nsocks; i++)
		if (x->socks[i].family == family && x->socks[i].type == type &&
		    x->socks[i].protocol == protocol)
			return 0;
	s = realloc(x->socks, (x->nsocks + 1) * sizeof(*s));
	if (!s)
		return -ENOMEM;
	x->socks = s;
	s[x->nsocks++] = (struct lsec_trace_sock){ family, type, protocol };
	return 0;
}

int lsec_trace_add_addr(struct lsec_trace *t, int exe,
			const struct lsec_trace_addr *a)
{
	struct lsec_trace_exe *x = &t->exes[exe];
	struct lsec_trace_addr *n;
	size_t i;

	for (i = 0; i < x->naddrs; i++)
		if (memcmp(&x->addrs[i], a, sizeof(*a)) == 0)
			return 0;
	if (x->naddrs >= 256)
		return 0; /* enough to show what it does */
	n = realloc(x->addrs, (x->naddrs + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	x->addrs = n;
	n[x->naddrs++] = *a;
	return 0;
}

void lsec_trace_free(struct lsec_trace *t)
{
	size_t i, j;

	if (!t)
		return;
	for (i = 0; i < t->nexes; i++) {
		struct lsec_trace_exe *x = &t->exes[i];

		for (j = 0; j < x->nfiles; j++)
			free(x->files[j].path);
		free(x->files);
		if (x->index)
			free(x->index->slot);
		free(x->index);
		free(x->socks);
		free(x->addrs);
		free(x->path);
	}
	free(t->exes);
	free(t->pids);
	memset(t, 0, sizeof(*t));
}

struct lsec_trace_sysset *lsec_trace_sysset_get(struct lsec_trace *t,
						uint32_t arch)
{
	size_t i;

	for (i = 0; i < t->nsys; i++)
		if (t->sys[i].arch == arch)
			return &t->sys[i];
	if (t->nsys == ELEMENTSOF(t->sys))
		return NULL;
	t->sys[t->nsys].arch = arch;
	return &t->sys[t->nsys++];
}

void lsec_trace_syscalls_each(const struct lsec_trace_sysset *s,
			      void (*fn)(const char *name, int nr, uint32_t arch,
					 void *userdata),
			      void *userdata)
{
	int nr;

	for (nr = 0; nr < LSEC_TRACE_MAX_NR; nr++) {
		char *name;

		if (!(s->bits[nr / 64] & (1ULL << (nr % 64))))
			continue;
		name = seccomp_syscall_resolve_num_arch(s->arch, nr);
		fn(name ? name : "?", nr, s->arch, userdata);
		free(name);
	}
}

