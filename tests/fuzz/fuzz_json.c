/* SPDX-License-Identifier: MIT */
/* lsec_jv_parse: the JSON reader (OCI profiles, libnftables output). */
#include "fuzz.h"
#include "lsec/jsonread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_text(data, size);
	struct lsec_err e = { 0 };
	struct lsec_jv *v = NULL;

	if (lsec_jv_parse(s, "fuzz", &v, &e) == 0)
		lsec_jv_free(v);
	free(s);
	return 0;
}
