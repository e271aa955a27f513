/* SPDX-License-Identifier: MIT */
/* lsec_aa_parse_string: the AppArmor profile parser (profile check/run). */
#include "fuzz.h"
#include "lsec/apparmor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_text(data, size);
	/* includes resolve under a directory that has none */
	struct lsec_aa_parse_opts o = { .base_dir = "/nonexistent" };
	struct lsec_aa_policy p = { 0 };
	struct lsec_err e = { 0 };

	if (lsec_aa_parse_string("fuzz", s, &o, &p, &e) == 0) {
		lsec_aa_policy_pick(&p, "/usr/bin/true");
		lsec_aa_policy_free(&p);
	}
	free(s);
	return 0;
}
