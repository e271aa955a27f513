/* SPDX-License-Identifier: MIT */
/* Import OCI runtime-spec / Docker seccomp profiles (JSON) into a policy. */
#include "lsec/seccomp.h"

#include <errno.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "lsec/cleanup.h"
#include "lsec/jsonread.h"
#include "lsec/util.h"

/* Docker's default capability set: what includes/excludes "caps" are
 * resolved against unless the caller says otherwise. */
static const char *const docker_caps[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
	"CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP",
	"CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",
	"CAP_AUDIT_WRITE", NULL,
};

static void jvfree(struct lsec_jv **v) { lsec_jv_free(*v); }

void lsec_sc_import_free(struct lsec_sc_import *imp)
{
	size_t i;

	if (!imp)
		return;
	lsec_sc_policy_free(&imp->pol);
	for (i = 0; i < imp->nnotes; i++)
		free(imp->notes[i]);
	free(imp->notes);
	imp->notes = NULL;
	imp->nnotes = 0;
}

#define inote(imp, ...) lsec_sc_note(&(imp)->notes, &(imp)->nnotes, __VA_ARGS__)

static bool has_cap(const char *const *caps, const char *c)
{
	for (; caps && *caps; caps++)
		if (strcasecmp(*caps, c) == 0 ||
		    (strncasecmp(c, "CAP_", 4) == 0 && strcasecmp(*caps, c + 4) == 0))
			return true;
	return false;
}

static bool native_arch_is(const char *goarch)
{
	uint32_t a = seccomp_arch_native();

	if (a == SCMP_ARCH_X86_64)
		return streq(goarch, "amd64") || streq(goarch, "x86_64");
	if (a == SCMP_ARCH_AARCH64)
		return streq(goarch, "arm64") || streq(goarch, "aarch64");
	if (a == SCMP_ARCH_S390X)
		return streq(goarch, "s390x");
	if (a == SCMP_ARCH_PPC64LE)
		return streq(goarch, "ppc64le");
	return false;
}

static int kernel_cmp(const char *want)
{
	struct utsname u;
	unsigned a = 0, b = 0, x = 0, y = 0;

	if (uname(&u) < 0 || sscanf(u.release, "%u.%u", &a, &b) < 1 ||
	    sscanf(want, "%u.%u", &x, &y) < 1)
		return 0;
	if (a != x)
		return a < x ? -1 : 1;
	return b < y ? -1 : (b > y ? 1 : 0);
}

/* Render a condition set {caps, arches, minKernel} for notes. */
static void cond_text(const struct lsec_jv *c, char *buf, size_t n)
{
	size_t i, k, len = 0;

	buf[0] = '\0';
	for (i = 0; c && i < c->n; i++) {
		const struct lsec_jv *v = &c->kid[i];

		len += (size_t)snprintf(buf + len, n - len, "%s%s=", len ? " " : "",
					v->key);
		if (len >= n)
			return;
		if (v->type == LSEC_JV_ARRAY)
			for (k = 0; k < v->n && len < n; k++)
				len += (size_t)snprintf(buf + len, n - len, "%s%s",
							k ? "," : "",
							v->kid[k].str ? v->kid[k].str : "?");
		else if (v->str)
			len += (size_t)snprintf(buf + len, n - len, "%s", v->str);
		if (len >= n)
			return;
	}
}

/* true: the entry applies to this machine and capability set */
static bool applies(const struct lsec_jv *inc, const struct lsec_jv *exc,
		    const char *const *caps)
{
	const struct lsec_jv *v;
	size_t i;
	bool any;

	if ((v = lsec_jv_get(inc, "caps")) && v->type == LSEC_JV_ARRAY)
		for (i = 0; i < v->n; i++)
			if (!v->kid[i].str || !has_cap(caps, v->kid[i].str))
				return false;
	if ((v = lsec_jv_get(inc, "arches")) && v->type == LSEC_JV_ARRAY && v->n) {
		for (any = false, i = 0; i < v->n; i++)
			any = any || (v->kid[i].str && native_arch_is(v->kid[i].str));
		if (!any)
			return false;
	}
	if ((v = lsec_jv_get(inc, "minKernel")) && lsec_jv_str(v) &&
	    kernel_cmp(v->str) < 0)
		return false;
	if ((v = lsec_jv_get(exc, "caps")) && v->type == LSEC_JV_ARRAY)
		for (i = 0; i < v->n; i++)
			if (v->kid[i].str && has_cap(caps, v->kid[i].str))
				return false;
	if ((v = lsec_jv_get(exc, "arches")) && v->type == LSEC_JV_ARRAY)
		for (i = 0; i < v->n; i++)
			if (v->kid[i].str && native_arch_is(v->kid[i].str))
				return false;
	if ((v = lsec_jv_get(exc, "minKernel")) && lsec_jv_str(v) &&
	    kernel_cmp(v->str) >= 0)
		return false;
	return true;
}

static int map_action(const char *a, const struct lsec_jv *errno_ret,
		      int def_err, struct lsec_sc_action *out, bool *upgraded)
{
	uint64_t v;

	*upgraded = false;
	out->err = 0;
	if (streq(a, "SCMP_ACT_ALLOW"))
		out->kind = LSEC_SC_ALLOW;
	else if (streq(a, "SCMP_ACT_LOG"))
		out->kind = LSEC_SC_LOG;
	else if (streq(a, "SCMP_ACT_TRAP"))
		out->kind = LSEC_SC_TRAP;
	else if (streq(a, "SCMP_ACT_KILL_PROCESS"))
		out->kind = LSEC_SC_KILL;
	else if (streq(a, "SCMP_ACT_KILL") || streq(a, "SCMP_ACT_KILL_THREAD")) {
		out->kind = LSEC_SC_KILL;
		*upgraded = true;
	} else if (streq(a, "SCMP_ACT_ERRNO")) {
		out->kind = LSEC_SC_ERRNO;
		out->err = def_err;
		if (errno_ret && lsec_jv_u64(errno_ret, &v) == 0 && v <= 4095)
			out->err = (int)v;
	} else if (streq(a, "SCMP_ACT_TRACE") || streq(a, "SCMP_ACT_NOTIFY")) {
		/* nobody to trace or notify: the syscall fails as unknown */
		out->kind = LSEC_SC_ERRNO;
		out->err = ENOSYS;
		*upgraded = true;
	} else
		return -EINVAL;
	return 0;
}

static const struct {
	const char *name;
	const char *tok;
} ops[] = {
	{ "SCMP_CMP_EQ", "==" }, { "SCMP_CMP_NE", "!=" }, { "SCMP_CMP_LT", "<" },
	{ "SCMP_CMP_LE", "<=" }, { "SCMP_CMP_GT", ">" },  { "SCMP_CMP_GE", ">=" },
	{ "SCMP_CMP_MASKED_EQ", NULL },
};

/* ":arg0==2:arg1&0x3==1" for an args array; -EINVAL if malformed. */
static int args_text(const struct lsec_jv *args, char *buf, size_t n)
{
	size_t i, k, len = 0;

	buf[0] = '\0';
	for (i = 0; args && args->type == LSEC_JV_ARRAY && i < args->n; i++) {
		const struct lsec_jv *a = &args->kid[i];
		const char *op = lsec_jv_str(lsec_jv_get(a, "op"));
		uint64_t idx, val = 0, two = 0;

		if (lsec_jv_u64(lsec_jv_get(a, "index"), &idx) < 0 || idx > 5 || !op)
			return -EINVAL;
		lsec_jv_u64(lsec_jv_get(a, "value"), &val);
		lsec_jv_u64(lsec_jv_get(a, "valueTwo"), &two);
		for (k = 0; k < ELEMENTSOF(ops) && !streq(ops[k].name, op); k++)
			;
		if (k == ELEMENTSOF(ops))
			return -EINVAL;
		if (ops[k].tok)
			len += (size_t)snprintf(buf + len, n - len, ":arg%llu%s%llu",
						(unsigned long long)idx, ops[k].tok,
						(unsigned long long)val);
		else
			len += (size_t)snprintf(buf + len, n - len,
						":arg%llu&0x%llx==%llu",
						(unsigned long long)idx,
						(unsigned long long)val,
						(unsigned long long)two);
		if (len >= n)
			return -EINVAL;
	}
	return 0;
}

int lsec_sc_import_oci(const char *path, const char *const *caps,
		       struct lsec_sc_import *imp, struct lsec_err *e)
{
	_cleanup_(jvfree) struct lsec_jv *root = NULL;
	_cleanup_free_ char *skipped = NULL;
	const struct lsec_jv *v, *sys;
	struct lsec_sc_policy *p = &imp->pol;
	size_t i, k, skipped_len = 0;
	int r, def_err = EPERM;
	bool up;
	uint64_t u;

	memset(imp, 0, sizeof(*imp));
	lsec_sc_policy_init(p);
	p->exact = true; /* a profile lists every name it means */
	if (!caps)
		caps = docker_caps;
	r = lsec_jv_parse_file(path, &root, e);
	if (r < 0)
		return r;
	if (root->type != LSEC_JV_OBJECT)
		return lsec_err_input(e, "%s: not a seccomp profile (expected a "
					 "JSON object)", path);
	v = lsec_jv_get(root, "defaultAction");
	if (!lsec_jv_str(v))
		return lsec_err_input(e, "%s: missing \"defaultAction\"", path);
	if (lsec_jv_u64(lsec_jv_get(root, "defaultErrnoRet"), &u) == 0 && u <= 4095)
		def_err = (int)u;
	if (map_action(v->str, lsec_jv_get(root, "defaultErrnoRet"), EPERM,
		       &p->def, &up) < 0)
		return lsec_err_input(e, "%s: unknown defaultAction '%s'", path,
				      v->str);
	p->def_set = true;
	if (up)
		inote(imp, "defaultAction %s imported as %s", v->str,
		      p->def.kind == LSEC_SC_KILL ? "kill (whole process)"
						  : "errno:ENOSYS");
	if ((v = lsec_jv_get(root, "architectures")) && v->n)
		inote(imp, "architectures: %zu listed; lsec covers every ABI of "
			   "this machine itself", v->n);
	if ((v = lsec_jv_get(root, "archMap")) && v->n)
		inote(imp, "archMap (Docker): %zu entries; lsec covers every ABI "
			   "of this machine itself", v->n);
	if ((v = lsec_jv_get(root, "flags")) && v->type == LSEC_JV_ARRAY)
		for (i = 0; i < v->n; i++) {
			if (streq(v->kid[i].str, "SECCOMP_FILTER_FLAG_LOG"))
				p->log = true;
			else
				inote(imp, "flag %s ignored",
				      v->kid[i].str ? v->kid[i].str : "?");
		}
	if (lsec_jv_get(root, "listenerPath"))
		inote(imp, "listenerPath ignored: lsec has no notify agent");
	sys = lsec_jv_get(root, "syscalls");
	if (sys && sys->type != LSEC_JV_ARRAY)
		return lsec_err_input(e, "%s: \"syscalls\" is not an array", path);
	for (i = 0; sys && i < sys->n; i++) {
		const struct lsec_jv *ent = &sys->kid[i], *names, *inc, *exc;
		const char *act = lsec_jv_str(lsec_jv_get(ent, "action"));
		struct lsec_sc_action a;
		char args[256], cond[320];
		bool ok;

		names = lsec_jv_get(ent, "names");
		inc = lsec_jv_get(ent, "includes");
		exc = lsec_jv_get(ent, "excludes");
		if (!act || map_action(act, lsec_jv_get(ent, "errnoRet"), def_err,
				       &a, &up) < 0)
			return lsec_err_input(e, "%s: syscalls[%zu]: missing or "
						 "unknown action '%s'",
					      path, i, act ? act : "");
		if (args_text(lsec_jv_get(ent, "args"), args, sizeof(args)) < 0)
			return lsec_err_input(e, "%s: syscalls[%zu]: malformed args",
					      path, i);
		ok = applies(inc, exc, caps);
		if ((inc && inc->n) || (exc && exc->n)) {
			char ti[128], te[128];

			cond_text(inc, ti, sizeof(ti));
			cond_text(exc, te, sizeof(te));
			snprintf(cond, sizeof(cond), "%s%s%s%s%s", ti[0] ? "includes " : "",
				 ti, ti[0] && te[0] ? "; " : "",
				 te[0] ? "excludes " : "", te);
			inote(imp, "syscalls[%zu] %s%s (%s%s): %s: %s", i,
			      names && names->n ? names->kid[0].str : "?",
			      names && names->n > 1 ? ",..." : "", act, args, cond,
			      ok ? "applied" : "skipped");
		}
		if (!ok)
			continue;
		if (up)
			inote(imp, "syscalls[%zu]: %s imported as %s", i, act,
			      a.kind == LSEC_SC_KILL ? "kill (whole process)"
						     : "errno:ENOSYS");
		if (!names || names->type != LSEC_JV_ARRAY) {
			const char *one = lsec_jv_str(lsec_jv_get(ent, "name"));

			if (!one)
				return lsec_err_input(e, "%s: syscalls[%zu]: no "
							 "\"names\"", path, i);
			names = NULL;
			snprintf(cond, sizeof(cond), "%s%s", one, args);
			if (!lsec_sc_known(one))
				continue;
			p->deny_act = a;
			r = lsec_sc_policy_add_list(p, a.kind == LSEC_SC_ALLOW,
						    cond, NULL, 0, e);
			if (r < 0)
				return r;
			continue;
		}
		for (k = 0; k < names->n; k++) {
			const char *nm = names->kid[k].str;
			char entry[320];

			if (!nm)
				continue;
			if (!lsec_sc_known(nm)) {
				size_t add = strlen(nm) + 2;
				char *ns = realloc(skipped, skipped_len + add + 1);

				if (!ns)
					return -ENOMEM;
				skipped = ns;
				snprintf(skipped + skipped_len, add + 1, "%s%s",
					 skipped_len ? ", " : "", nm);
				skipped_len = strlen(skipped);
				continue;
			}
			if (strncmp(nm, "io_uring_", 9) == 0 &&
			    a.kind == LSEC_SC_ALLOW && !p->io_uring) {
				p->io_uring = true;
				inote(imp, "the profile allows io_uring: kept "
					   "(option io-uring yes)");
			}
			snprintf(entry, sizeof(entry), "%s%s", nm, args);
			p->deny_act = a;
			r = lsec_sc_policy_add_list(p, a.kind == LSEC_SC_ALLOW,
						    entry, NULL, 0, e);
			if (r < 0)
				return r;
		}
	}
	if (skipped)
		inote(imp, "names unknown to libseccomp %u.%u.%u, left out: %s",
		      seccomp_version()->major, seccomp_version()->minor,
		      seccomp_version()->micro, skipped);
	p->deny_act = (struct lsec_sc_action){ LSEC_SC_ERRNO, EPERM };
	return 0;
}
