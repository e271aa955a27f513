/* SPDX-License-Identifier: MIT */
/*
 * The AppArmor -> Landlock mapping and the kernel side: create the ruleset,
 * add one path-beneath rule per planned path, restrict self, and install the
 * seccomp filter that refuses socket(2) for families/types the profile does
 * not allow.
 */
#include "lsec/landlock.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lsec/cleanup.h"

#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif
#ifndef LANDLOCK_RULE_PATH_BENEATH
#define LANDLOCK_RULE_PATH_BENEATH 1
#endif

/* Our own copy: Debian 12's header lacks the net and scoped fields.  A larger
 * attr with zeroed tail is accepted by every Landlock kernel. */
struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

struct ll_path_beneath {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

static long ll_create_ruleset(const struct ll_ruleset_attr *attr, size_t size,
			      uint32_t flags)
{
	return syscall(__NR_landlock_create_ruleset, attr, size, flags);
}

int lsec_landlock_abi(void)
{
	long abi = ll_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

	if (abi < 0)
		return errno == ENOSYS || errno == EOPNOTSUPP ? -EOPNOTSUPP : -errno;
	return (int)abi;
}

uint64_t lsec_landlock_fs_rights(int abi)
{
	uint64_t r = (1ULL << 13) - 1; /* ABI 1: 13 rights */

	if (abi >= 2)
		r |= LSEC_LL_REFER;
	if (abi >= 3)
		r |= LSEC_LL_TRUNCATE;
	if (abi >= 5)
		r |= LSEC_LL_IOCTL_DEV;
	return r;
}

uint64_t lsec_landlock_access(unsigned p, bool dir)
{
	uint64_t a = 0;

	if (p & (LSEC_AA_R | LSEC_AA_M))
		a |= LSEC_LL_READ_FILE | (dir ? LSEC_LL_READ_DIR : 0);
	if (p & LSEC_AA_W) {
		a |= LSEC_LL_WRITE_FILE | LSEC_LL_TRUNCATE;
		if (dir)
			a |= LSEC_LL_MAKE_REG | LSEC_LL_MAKE_DIR | LSEC_LL_MAKE_SOCK |
			     LSEC_LL_MAKE_FIFO | LSEC_LL_MAKE_SYM |
			     LSEC_LL_REMOVE_FILE | LSEC_LL_REMOVE_DIR;
	}
	if (p & LSEC_AA_A)
		a |= LSEC_LL_WRITE_FILE | (dir ? LSEC_LL_MAKE_REG : 0);
	if ((p & LSEC_AA_L) && dir)
		a |= LSEC_LL_MAKE_REG | LSEC_LL_MAKE_SYM | LSEC_LL_REFER;
	if (p & (LSEC_AA_R | LSEC_AA_W))
		a |= LSEC_LL_IOCTL_DEV;
	if (p & LSEC_AA_X_ANY)
		a |= LSEC_LL_EXECUTE;
	return a;
}

void lsec_landlock_access_format(uint64_t access, char *buf, size_t len)
{
	static const char *const names[] = {
		"execute", "write_file", "read_file", "read_dir", "remove_dir",
		"remove_file", "make_char", "make_dir", "make_reg", "make_sock",
		"make_fifo", "make_block", "make_sym", "refer", "truncate",
		"ioctl_dev",
	};
	size_t i, n = 0;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < ELEMENTSOF(names); i++) {
		int w;

		if (!(access & (1ULL << i)))
			continue;
		w = snprintf(buf + n, len - n, "%s%s", n ? "," : "", names[i]);
		if (w < 0 || (size_t)w >= len - n)
			break;
		n += (size_t)w;
	}
}

/* socket(2) and socketpair(2): EACCES for every family/type not allowed. */
static int socket_filter(const struct lsec_ll_plan *plan, struct lsec_err *e)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	static const int calls[] = { SCMP_SYS(socket), SCMP_SYS(socketpair) };
	int f, t, r = 0;
	size_t c;

	if (!ctx)
		return lsec_err_set(e, ENOMEM, "seccomp_init failed");
	for (c = 0; c < ELEMENTSOF(calls) && r >= 0; c++) {
		/* families past the ones we know */
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), calls[c], 1,
				     SCMP_A0(SCMP_CMP_GE, LSEC_LL_NFAMILIES));
		for (f = 0; f < LSEC_LL_NFAMILIES && r >= 0; f++) {
			int nallowed = 0;

			for (t = 0; t < LSEC_LL_NTYPES; t++)
				nallowed += plan->allowed[f][t];
			if (nallowed == LSEC_LL_NTYPES)
				continue;
			if (nallowed == 0) {
				r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES),
						     calls[c], 1,
						     SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)f));
				continue;
			}
			for (t = 0; t < LSEC_LL_NTYPES && r >= 0; t++)
				if (!plan->allowed[f][t])
					r = seccomp_rule_add(
						ctx, SCMP_ACT_ERRNO(EACCES), calls[c], 2,
						SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)f),
						SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf,
							(scmp_datum_t)t));
		}
	}
	if (r >= 0)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	if (r < 0)
		return lsec_err_set(e, -r, "cannot install the socket filter: %s",
				    strerror(-r));
	return 0;
}

/*
 * Cut the bounding set (and the ambient set) down to the profile's
 * capabilities.  With no_new_privs, execve can then give the program no other
 * capability, even as root.  Without CAP_SETPCAP there is nothing to drop:
 * such a process has no capabilities to pass on.
 */
static int drop_capabilities(uint64_t keep, struct lsec_err *e)
{
	int cap;

	for (cap = 0; cap < 64; cap++) {
		if (keep & (1ULL << cap))
			continue;
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) < 0)
			break; /* past the last capability this kernel knows */
		prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, cap, 0, 0);
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EPERM)
			return lsec_err_set(e, errno, "cannot drop capability %d: %s",
					    cap, strerror(errno));
	}
	return 0;
}

int lsec_landlock_apply(const struct lsec_ll_plan *plan, struct lsec_err *e)
{
	struct ll_ruleset_attr attr = { .handled_access_fs = plan->handled_fs };
	_cleanup_close_ int rs = -1;
	size_t i;
	int r;

	rs = (int)ll_create_ruleset(&attr, sizeof(attr), 0);
	if (rs < 0)
		return lsec_err_set(e, errno == ENOSYS ? EOPNOTSUPP : errno,
				    "cannot create a Landlock ruleset: %s",
				    strerror(errno));
	for (i = 0; i < plan->nrules; i++) {
		const struct lsec_ll_rule *rule = &plan->rules[i];
		struct ll_path_beneath pb;
		_cleanup_close_ int fd = -1;

		pb.allowed_access = rule->access & plan->handled_fs;
		if (!rule->dir)
			pb.allowed_access &= LSEC_LL_FILE_RIGHTS;
		if (!pb.allowed_access)
			continue;
		fd = open(rule->path, O_PATH | O_CLOEXEC);
		if (fd < 0)
			continue; /* vanished since the plan: nothing to allow */
		pb.parent_fd = fd;
		if (syscall(__NR_landlock_add_rule, rs, LANDLOCK_RULE_PATH_BENEATH,
			    &pb, 0) < 0) {
			/* a directory that turned into a file, or the reverse */
			pb.allowed_access &= LSEC_LL_FILE_RIGHTS;
			if (syscall(__NR_landlock_add_rule, rs,
				    LANDLOCK_RULE_PATH_BENEATH, &pb, 0) < 0)
				return lsec_err_set(e, errno,
						    "cannot add a Landlock rule for '%s': %s",
						    rule->path, strerror(errno));
		}
	}
	r = drop_capabilities(plan->caps, e);
	if (r < 0)
		return r;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return lsec_err_set(e, errno, "cannot set no_new_privs: %s",
				    strerror(errno));
	if (syscall(__NR_landlock_restrict_self, rs, 0) < 0)
		return lsec_err_set(e, errno, "cannot enforce the Landlock ruleset: %s",
				    strerror(errno));
	if (plan->net_filter)
		return socket_filter(plan, e);
	return 0;
}
