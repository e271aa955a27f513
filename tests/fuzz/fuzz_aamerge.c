/* SPDX-License-Identifier: MIT */
/* profile gen --merge: the reader of what the generator writes. */
#include "fuzz.h"
#include "lsec/aagen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lsec_aa_doc doc = { 0 };
	struct lsec_err e = { 0 };
	char path[64];
	int fd = fuzz_file(data, size, path, sizeof(path));
	FILE *f;

	if (lsec_aagen_merge_file(&doc, path, &e) >= 0) {
		/* what was read must write back out */
		f = fopen("/dev/null", "w");
		if (f) {
			lsec_aa_doc_sort(&doc);
			lsec_aagen_write(f, &doc);
			fclose(f);
		}
	}
	lsec_aa_doc_free(&doc);
	close(fd);
	return 0;
}
