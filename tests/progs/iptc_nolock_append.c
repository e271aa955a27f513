/* SPDX-License-Identifier: MIT */
/*
 * A libiptc writer that ignores the xtables lock, as some programs do:
 * appends N rules "-A INPUT -s 172.17.X.Y -j DROP" to the legacy filter
 * table, one snapshot and commit each, redoing a commit the kernel refuses
 * with EAGAIN.  Used by tests/priv/fw_robust.sh to make lsec's commits meet
 * EAGAIN.   usage: iptc_nolock_append N
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <libiptc/libiptc.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 100, i, eagain = 0;

	for (i = 0; i < n; i++) {
		for (;;) {
			struct {
				struct ipt_entry e;
				struct xt_standard_target t;
			} r;
			struct xtc_handle *h = iptc_init("filter");
			char chain[XT_TABLE_MAXNAMELEN] = "INPUT";
			int ok;

			if (!h) {
				fprintf(stderr, "iptc_init: %s\n", iptc_strerror(errno));
				return 1;
			}
			memset(&r, 0, sizeof(r));
			r.e.ip.src.s_addr = htonl(0xac110000u | (unsigned)i);
			r.e.ip.smsk.s_addr = 0xffffffffu;
			r.e.target_offset = sizeof(r.e);
			r.e.next_offset = sizeof(r);
			r.t.target.u.target_size = XT_ALIGN(sizeof(r.t));
			strcpy(r.t.target.u.user.name, "DROP");
			ok = iptc_append_entry(chain, &r.e, h) && iptc_commit(h);
			iptc_free(h);
			/* EINVAL: the table was replaced, but the counters could
			 * not be put back because it changed in between; the
			 * test counts the rules afterwards. */
			if (ok || errno == EINVAL)
				break;
			if (errno != EAGAIN) {
				fprintf(stderr, "commit: %s\n", iptc_strerror(errno));
				return 1;
			}
			eagain++;
		}
	}
	printf("%d\n", eagain);
	return 0;
}
