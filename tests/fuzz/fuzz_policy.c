/* SPDX-License-Identifier: MIT */
/* Seccomp policy files: parse, then resolve to a filter (no kernel). */
#include "fuzz.h"
#include "lsec/seccomp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lsec_sc_policy p;
	struct lsec_sc_filter f;
	struct lsec_err e = { 0 };
	char path[64];
	int fd = fuzz_file(data, size, path, sizeof(path));

	lsec_sc_policy_init(&p);
	if (lsec_sc_policy_load(&p, path, &e) >= 0) {
		memset(&f, 0, sizeof(f));
		if (lsec_sc_resolve(&p, &f, &e) >= 0)
			lsec_sc_filter_free(&f);
	}
	lsec_sc_policy_free(&p);
	close(fd);
	return 0;
}
