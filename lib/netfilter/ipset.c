/* SPDX-License-Identifier: MIT */
/* Named blocklists for the legacy backend: ipsets (libipset). */
#include <errno.h>

#include "lsec/nft.h"

static int unsupported(struct lsec_err *e)
{
	return lsec_err_set(e, EOPNOTSUPP,
			    "blocklists are not implemented for the legacy "
			    "backend yet (use --backend nft)");
}

static int ipset_create(struct lsec_nf_backend *b, const char *name,
			uint64_t timeout_ms, bool check,
			struct lsec_bl_result *res, struct lsec_err *e)
{
	return unsupported(e);
}

static int ipset_add(struct lsec_nf_backend *b, const char *name,
		     const struct lsec_inet_prefix *v, size_t n,
		     uint64_t timeout_ms, bool replace, bool check,
		     struct lsec_bl_result *res, struct lsec_err *e)
{
	return unsupported(e);
}

static int ipset_del(struct lsec_nf_backend *b, const char *name,
		     const struct lsec_inet_prefix *v, size_t n, bool check,
		     struct lsec_bl_result *res, struct lsec_err *e)
{
	return unsupported(e);
}

static int ipset_list(struct lsec_nf_backend *b, const char *name,
		      bool entries, struct lsec_bl **ret, size_t *ret_n,
		      struct lsec_err *e)
{
	*ret = NULL;
	*ret_n = 0;
	return name ? unsupported(e) : 0;
}

static int ipset_destroy(struct lsec_nf_backend *b, const char *name,
			 bool check, struct lsec_bl_result *res,
			 struct lsec_err *e)
{
	return unsupported(e);
}

const struct lsec_bl_ops lsec_bl_ipset_ops = {
	.create = ipset_create,
	.add = ipset_add,
	.del = ipset_del,
	.list = ipset_list,
	.destroy = ipset_destroy,
};
