/* SPDX-License-Identifier: MIT */
/* OCI / Docker seccomp profiles (sandbox import). */
#include "fuzz.h"
#include "lsec/seccomp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const caps[] = { "CAP_SYS_ADMIN", NULL };
	struct lsec_sc_import imp;
	struct lsec_err e = { 0 };
	char path[64];
	int fd = fuzz_file(data, size, path, sizeof(path));

	memset(&imp, 0, sizeof(imp));
	lsec_sc_import_oci(path, caps, &imp, &e);
	lsec_sc_import_free(&imp); /* filled even on failure, as cmd/ frees it */
	close(fd);
	return 0;
}
