/* SPDX-License-Identifier: MIT */
/*
 * Just enough ELF to know what a dynamic executable will load: PT_INTERP and
 * DT_NEEDED (with DT_RUNPATH/DT_RPATH), resolved the way ld.so searches:
 * RUNPATH, the directories of /etc/ld.so.conf (with its include lines), then
 * the standard directories.  Both ELF classes, host byte order only.
 */
#include "lsec/trace.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lsec/cleanup.h"

struct elf_info {
	int cls;        /* ELFCLASS32/64 */
	uint16_t machine;
	char interp[PATH_MAX];
	char **needed;
	size_t nneeded;
	char runpath[PATH_MAX];
};

static void elf_info_free(struct elf_info *in)
{
	size_t i;

	for (i = 0; i < in->nneeded; i++)
		free(in->needed[i]);
	free(in->needed);
}

static int pread_all(int fd, void *buf, size_t n, uint64_t off)
{
	ssize_t k = pread(fd, buf, n, (off_t)off);

	return k == (ssize_t)n ? 0 : -ENOEXEC;
}

/* Generic program header view over both classes. */
struct phdr {
	uint32_t type;
	uint64_t offset, vaddr, filesz;
};

static int read_phdrs(int fd, int cls, uint64_t phoff, unsigned phnum,
		      struct phdr **ret)
{
	struct phdr *p = calloc(phnum ? phnum : 1, sizeof(*p));
	unsigned i;

	if (!p)
		return -ENOMEM;
	for (i = 0; i < phnum; i++) {
		if (cls == ELFCLASS64) {
			Elf64_Phdr h;

			if (pread_all(fd, &h, sizeof(h), phoff + i * sizeof(h)) < 0)
				goto bad;
			p[i] = (struct phdr){ h.p_type, h.p_offset, h.p_vaddr, h.p_filesz };
		} else {
			Elf32_Phdr h;

			if (pread_all(fd, &h, sizeof(h), phoff + i * sizeof(h)) < 0)
				goto bad;
			p[i] = (struct phdr){ h.p_type, h.p_offset, h.p_vaddr, h.p_filesz };
		}
	}
	*ret = p;
	return 0;
bad:
	free(p);
	return -ENOEXEC;
}

static int vaddr_to_off(const struct phdr *p, unsigned n, uint64_t va,
			uint64_t *off)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (p[i].type == PT_LOAD && va >= p[i].vaddr &&
		    va < p[i].vaddr + p[i].filesz) {
			*off = va - p[i].vaddr + p[i].offset;
			return 0;
		}
	return -ENOEXEC;
}

static int read_cstr(int fd, uint64_t off, char *buf, size_t n)
{
	ssize_t k = pread(fd, buf, n - 1, (off_t)off);

	if (k <= 0)
		return -ENOEXEC;
	buf[k] = '\0';
	if (strnlen(buf, (size_t)k) == (size_t)k)
		return -ENOEXEC;
	return 0;
}

static int elf_read(const char *path, struct elf_info *in, bool want_dyn)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	_cleanup_free_ struct phdr *ph = NULL;
	unsigned char ident[EI_NIDENT];
	uint64_t phoff, strtab = 0, off;
	unsigned phnum, i;
	uint64_t *need_off = NULL;
	size_t nneed = 0;
	int64_t runpath = -1;
	int r;

	memset(in, 0, sizeof(*in));
	if (fd < 0)
		return -errno;
	if (pread_all(fd, ident, sizeof(ident), 0) < 0 ||
	    memcmp(ident, ELFMAG, SELFMAG) != 0)
		return -ENOEXEC;
	in->cls = ident[EI_CLASS];
	if (in->cls == ELFCLASS64) {
		Elf64_Ehdr h;

		if (pread_all(fd, &h, sizeof(h), 0) < 0)
			return -ENOEXEC;
		phoff = h.e_phoff;
		phnum = h.e_phnum;
		in->machine = h.e_machine;
	} else if (in->cls == ELFCLASS32) {
		Elf32_Ehdr h;

		if (pread_all(fd, &h, sizeof(h), 0) < 0)
			return -ENOEXEC;
		phoff = h.e_phoff;
		phnum = h.e_phnum;
		in->machine = h.e_machine;
	} else {
		return -ENOEXEC;
	}
	if (phnum > 512)
		return -ENOEXEC;
	r = read_phdrs(fd, in->cls, phoff, phnum, &ph);
	if (r < 0)
		return r;
	for (i = 0; i < phnum; i++) {
		if (ph[i].type == PT_INTERP && ph[i].filesz < sizeof(in->interp) &&
		    read_cstr(fd, ph[i].offset, in->interp, sizeof(in->interp)) < 0)
			in->interp[0] = '\0';
	}
	if (!want_dyn)
		return 0;
	for (i = 0; i < phnum; i++) {
		uint64_t k, n;

		if (ph[i].type != PT_DYNAMIC)
			continue;
		n = ph[i].filesz / (in->cls == ELFCLASS64 ? sizeof(Elf64_Dyn)
							  : sizeof(Elf32_Dyn));
		for (k = 0; k < n && k < 4096; k++) {
			int64_t tag;
			uint64_t val;

			if (in->cls == ELFCLASS64) {
				Elf64_Dyn d;

				if (pread_all(fd, &d, sizeof(d), ph[i].offset + k * sizeof(d)) < 0)
					break;
				tag = d.d_tag;
				val = d.d_un.d_val;
			} else {
				Elf32_Dyn d;

				if (pread_all(fd, &d, sizeof(d), ph[i].offset + k * sizeof(d)) < 0)
					break;
				tag = d.d_tag;
				val = d.d_un.d_val;
			}
			if (tag == DT_NULL)
				break;
			if (tag == DT_STRTAB)
				strtab = val;
			else if (tag == DT_RUNPATH || (tag == DT_RPATH && runpath < 0))
				runpath = (int64_t)val;
			else if (tag == DT_NEEDED) {
				uint64_t *nn = realloc(need_off, (nneed + 1) * sizeof(*nn));

				if (!nn) {
					free(need_off);
					return -ENOMEM;
				}
				need_off = nn;
				need_off[nneed++] = val;
			}
		}
	}
	if (nneed && vaddr_to_off(ph, phnum, strtab, &off) == 0) {
		in->needed = calloc(nneed, sizeof(char *));
		for (i = 0; in->needed && i < nneed; i++) {
			char name[PATH_MAX];

			if (read_cstr(fd, off + need_off[i], name, sizeof(name)) == 0)
				in->needed[in->nneeded++] = strdup(name);
		}
		if (runpath >= 0 &&
		    read_cstr(fd, off + (uint64_t)runpath, in->runpath,
			      sizeof(in->runpath)) < 0)
			in->runpath[0] = '\0';
	}
	free(need_off);
	return 0;
}

int lsec_elf_interp(const char *path, char *buf, size_t size)
{
	struct elf_info in;
	int r = elf_read(path, &in, false);

	if (r < 0)
		return r;
	if (!in.interp[0])
		return -ENOENT;
	snprintf(buf, size, "%s", in.interp);
	return 0;
}

/* ---- library search ------------------------------------------------------- */

struct search {
	char **dirs;
	size_t ndirs;
	char **seen;
	size_t nseen;
	int (*fn)(const char *lib, void *userdata);
	void *userdata;
	int cls;
	uint16_t machine;
};

static void add_dir(struct search *s, const char *d)
{
	char **n;
	size_t i;

	for (i = 0; i < s->ndirs; i++)
		if (strcmp(s->dirs[i], d) == 0)
			return;
	n = realloc(s->dirs, (s->ndirs + 1) * sizeof(*n));
	if (!n)
		return;
	s->dirs = n;
	if ((s->dirs[s->ndirs] = strdup(d)))
		s->ndirs++;
}

static void read_ldconf(struct search *s, const char *file, int depth)
{
	_cleanup_fclose_ FILE *f = fopen(file, "re");
	char line[PATH_MAX];

	if (!f || depth > 4)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *end;

		p[strcspn(p, "#\n")] = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		end = p + strlen(p);
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (!*p)
			continue;
		if (strncmp(p, "include", 7) == 0 && (p[7] == ' ' || p[7] == '\t')) {
			glob_t g;
			size_t i;

			p += 8;
			while (*p == ' ' || *p == '\t')
				p++;
			if (glob(p, 0, NULL, &g) == 0) {
				for (i = 0; i < g.gl_pathc; i++)
					read_ldconf(s, g.gl_pathv[i], depth + 1);
				globfree(&g);
			}
		} else if (*p == '/') {
			add_dir(s, p);
		}
	}
}

static bool seen(struct search *s, const char *p)
{
	char **n;
	size_t i;

	for (i = 0; i < s->nseen; i++)
		if (strcmp(s->seen[i], p) == 0)
			return true;
	n = realloc(s->seen, (s->nseen + 1) * sizeof(*n));
	if (n) {
		s->seen = n;
		if ((n[s->nseen] = strdup(p)))
			s->nseen++;
	}
	return false;
}

static int walk(struct search *s, const char *path, int depth);

static int find_lib(struct search *s, const char *name, const char *runpath,
		    int depth)
{
	char cand[PATH_MAX * 2], rp[PATH_MAX];
	struct elf_info in;
	size_t i;

	if (strchr(name, '/'))
		return walk(s, name, depth + 1);
	/* RUNPATH first (colon separated; $ORIGIN is not expanded) */
	snprintf(rp, sizeof(rp), "%s", runpath);
	for (char *save = NULL, *d = strtok_r(rp, ":", &save); d;
	     d = strtok_r(NULL, ":", &save)) {
		snprintf(cand, sizeof(cand), "%s/%s", d, name);
		if (access(cand, F_OK) == 0)
			return walk(s, cand, depth + 1);
	}
	for (i = 0; i < s->ndirs; i++) {
		snprintf(cand, sizeof(cand), "%s/%s", s->dirs[i], name);
		if (access(cand, F_OK) != 0)
			continue;
		/* wrong class/machine (e.g. a 32-bit lib dir): keep looking */
		if (elf_read(cand, &in, false) < 0 || in.cls != s->cls ||
		    in.machine != s->machine)
			continue;
		return walk(s, cand, depth + 1);
	}
	return 0; /* not found: ld.so would fail too; nothing to grant */
}

static int walk(struct search *s, const char *path, int depth)
{
	char real[PATH_MAX];
	struct elf_info in;
	size_t i;
	int r = 0;

	if (depth > 32 || !realpath(path, real) || seen(s, real))
		return 0;
	if (depth > 0) {
		r = s->fn(real, s->userdata);
		if (r < 0)
			return r;
	}
	if (elf_read(real, &in, true) < 0)
		return 0;
	for (i = 0; i < in.nneeded; i++) {
		r = find_lib(s, in.needed[i], in.runpath, depth);
		if (r < 0)
			break;
	}
	elf_info_free(&in);
	return r < 0 ? r : 0;
}

int lsec_elf_libs(const char *path, int (*fn)(const char *lib, void *userdata),
		  void *userdata, struct lsec_err *e)
{
	static const char *const std64[] = {
		"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
		"/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
		"/lib64", "/usr/lib64", "/lib", "/usr/lib",
		"/usr/local/lib",
	};
	struct search s = { .fn = fn, .userdata = userdata };
	struct elf_info in;
	size_t i;
	int r;

	r = elf_read(path, &in, false);
	if (r == -ENOEXEC)
		return lsec_err_input(e, "'%s' is not an ELF file", path);
	if (r < 0)
		return lsec_err_set(e, -r, "cannot read '%s': %s", path,
				    strerror(-r));
	s.cls = in.cls;
	s.machine = in.machine;
	read_ldconf(&s, "/etc/ld.so.conf", 0);
	for (i = 0; i < ELEMENTSOF(std64); i++)
		add_dir(&s, std64[i]);
	if (in.interp[0]) {
		char real[PATH_MAX];

		if (realpath(in.interp, real) && !seen(&s, real))
			fn(real, userdata);
	}
	r = walk(&s, path, 0);
	for (i = 0; i < s.ndirs; i++)
		free(s.dirs[i]);
	free(s.dirs);
	for (i = 0; i < s.nseen; i++)
		free(s.seen[i]);
	free(s.seen);
	if (r < 0)
		return lsec_err_set(e, -r, "reading libraries of '%s': %s",
				    path, strerror(-r));
	return 0;
}
