/* SPDX-License-Identifier: MIT */
/* The backend-neutral rule model: building rules, plans, rendering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lsec/netfilter.h"
#include "lsec/util.h"

#include "../../lib/netfilter/iptc_int.h"

static struct lsec_inet_prefix pfx(const char *s)
{
	struct lsec_inet_prefix p;

	assert_int_equal(lsec_inet_parse_prefix(s, &p, NULL), 0);
	return p;
}

static void fmt(const struct lsec_nf_rule *r, char *buf, size_t n)
{
	lsec_nf_rule_format(r, buf, n);
}

static void test_block_rules(void **state)
{
	struct lsec_inet_prefix a[2] = { pfx("192.0.2.1"), pfx("2001:db8::/32") };
	struct lsec_nf_ruleset s = { 0 };
	char buf[512];

	(void)state;
	assert_int_equal(lsec_nf_rules_block(a, 2, LSEC_NF_DIR_IN, false, false,
					     "lsec", &s, NULL),
			 0);
	assert_int_equal(s.n, 2);
	fmt(&s.v[0], buf, sizeof(buf));
	assert_string_equal(buf, "-A LSEC-INPUT -s 192.0.2.1/32 -m comment "
				 "--comment lsec -j DROP");
	assert_int_equal(s.v[1].k.family, 6);
	fmt(&s.v[1], buf, sizeof(buf));
	assert_string_equal(buf, "-A LSEC-INPUT -s 2001:db8::/32 -m comment "
				 "--comment lsec -j DROP");
	lsec_nf_rule_command(&s.v[0], buf, sizeof(buf));
	assert_string_equal(buf, "lsec fw block 192.0.2.1");
	lsec_nf_ruleset_free(&s);

	/* --out --reject: TCP reset, then ICMP for the rest */
	assert_int_equal(lsec_nf_rules_block(a, 1, LSEC_NF_DIR_OUT, true, false,
					     "lsec: x y", &s, NULL),
			 0);
	assert_int_equal(s.n, 2);
	fmt(&s.v[0], buf, sizeof(buf));
	assert_string_equal(buf, "-A LSEC-OUTPUT -d 192.0.2.1/32 -p tcp -m comment "
				 "--comment \"lsec: x y\" -j REJECT --reject-with "
				 "tcp-reset");
	fmt(&s.v[1], buf, sizeof(buf));
	assert_string_equal(buf, "-A LSEC-OUTPUT -d 192.0.2.1/32 -m comment "
				 "--comment \"lsec: x y\" -j REJECT --reject-with "
				 "icmp-port-unreachable");
	lsec_nf_rule_command(&s.v[1], buf, sizeof(buf));
	assert_string_equal(buf, "lsec fw block 192.0.2.1 --out --reject "
				 "--comment 'x y'");
	lsec_nf_ruleset_free(&s);

	/* unblock: every variant, both directions */
	assert_int_equal(lsec_nf_rules_block(a, 1, 0, false, true, NULL, &s, NULL), 0);
	assert_int_equal(s.n, 6);
	lsec_nf_ruleset_free(&s);
}

/* What the backends keep in sets: address-only DROPs, nothing else. */
static void test_block_addr(void **state)
{
	struct lsec_inet_prefix a[] = { pfx("192.0.2.0/24") }, p;
	struct lsec_nf_ruleset s = { 0 };
	struct lsec_nf_key k;
	bool dst = true;

	(void)state;
	assert_int_equal(lsec_nf_rules_block(a, 1, LSEC_NF_DIR_IN | LSEC_NF_DIR_OUT,
					     false, false, "lsec", &s, NULL), 0);
	assert_int_equal(s.n, 2);
	assert_true(lsec_nf_key_block_addr(&s.v[0].k, &p, &dst));
	assert_false(dst);
	assert_int_equal(p.family, 4);
	assert_int_equal(p.len, 24);
	assert_memory_equal(p.addr, a[0].addr, 16);
	assert_true(lsec_nf_key_block_addr(&s.v[1].k, &p, &dst));
	assert_true(dst);
	/* a port, a protocol, REJECT, both sides or nat: a rule of its own */
	k = s.v[0].k;
	k.dport.lo = k.dport.hi = 22;
	assert_false(lsec_nf_key_block_addr(&k, NULL, NULL));
	k = s.v[0].k;
	k.proto = 6;
	assert_false(lsec_nf_key_block_addr(&k, NULL, NULL));
	k = s.v[0].k;
	k.verdict = LSEC_NF_REJECT;
	assert_false(lsec_nf_key_block_addr(&k, NULL, NULL));
	k = s.v[0].k;
	k.dst_len = 32;
	assert_false(lsec_nf_key_block_addr(&k, NULL, NULL));
	k = s.v[0].k;
	k.chain = LSEC_NF_PREROUTING;
	assert_false(lsec_nf_key_block_addr(&k, NULL, NULL));
	k = s.v[0].k;
	strcpy(k.in_iface, "eth0");
	assert_false(lsec_nf_key_block_addr(&k, NULL, NULL));
	lsec_nf_ruleset_free(&s);
}

static void test_port_rules(void **state)
{
	struct lsec_nf_ruleset s = { 0 };
	struct lsec_port_range p;
	struct lsec_inet_prefix from = pfx("10.0.0.0/8");
	struct lsec_err e = { 0 };
	unsigned protos;
	char buf[512];

	(void)state;
	assert_int_equal(lsec_nf_parse_portspec("8000:8100", &p, &protos, &e), 0);
	assert_int_equal(protos, LSEC_NF_TCP | LSEC_NF_UDP);
	assert_int_equal(lsec_nf_rules_port(LSEC_NF_ACCEPT, &p, protos, NULL,
					    "lsec", &s, NULL),
			 0);
	assert_int_equal(s.n, 4); /* tcp, udp x ipv4, ipv6 */
	fmt(&s.v[1], buf, sizeof(buf));
	assert_string_equal(buf, "-A LSEC-INPUT -p udp -m udp --dport 8000:8100 "
				 "-m comment --comment lsec -j ACCEPT");
	lsec_nf_ruleset_free(&s);

	assert_int_equal(lsec_nf_parse_portspec("ssh/tcp", &p, &protos, &e), 0);
	assert_int_equal(protos, LSEC_NF_TCP);
	assert_int_equal(p.lo, 22);
	assert_int_equal(lsec_nf_rules_port(LSEC_NF_REJECT, &p, protos, &from,
					    "lsec", &s, NULL),
			 0);
	assert_int_equal(s.n, 1);
	fmt(&s.v[0], buf, sizeof(buf));
	assert_string_equal(buf, "-A LSEC-INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 22 "
				 "-m comment --comment lsec -j REJECT --reject-with "
				 "tcp-reset");
	lsec_nf_rule_command(&s.v[0], buf, sizeof(buf));
	assert_string_equal(buf, "lsec fw deny 22/tcp --from 10.0.0.0/8 --reject");
	lsec_nf_ruleset_free(&s);

	assert_true(lsec_nf_parse_portspec("22/icmp", &p, &protos, &e) < 0);
	assert_non_null(strstr(e.msg, "icmp"));
	assert_true(lsec_nf_parse_portspec("22/", &p, &protos, &e) < 0);
	assert_true(lsec_nf_parse_portspec("x/tcp", &p, &protos, &e) < 0);
}

static void test_forward_masq(void **state)
{
	struct lsec_nf_ruleset s = { 0 };
	struct lsec_port_range p = { 8080, 8080 }, range = { 1, 2 };
	struct lsec_inet_prefix to;
	struct lsec_err e = { 0 };
	uint16_t port;
	char buf[512];

	(void)state;
	assert_int_equal(lsec_inet_parse_endpoint("[fd00::2]:80", &to, &port, &e), 0);
	assert_int_equal(lsec_nf_rules_forward(&p, LSEC_NF_TCP, &to, port, "eth0",
					       "lsec", &s, &e),
			 0);
	assert_int_equal(s.n, 4);
	fmt(&s.v[0], buf, sizeof(buf));
	assert_string_equal(buf, "-A LSEC-PREROUTING -i eth0 -p tcp -m tcp --dport 8080 "
				 "-m addrtype --dst-type LOCAL -m comment --comment "
				 "lsec -j DNAT --to-destination [fd00::2]:80");
	lsec_nf_rule_command(&s.v[0], buf, sizeof(buf));
	assert_string_equal(buf, "lsec fw forward 8080/tcp --to [fd00::2]:80 "
				 "--in-iface eth0");
	assert_int_equal(s.v[1].k.chain, LSEC_NF_NAT_OUTPUT);
	assert_string_equal(s.v[1].k.in_iface, "");
	lsec_nf_rule_command(&s.v[1], buf, sizeof(buf));
	assert_string_equal(buf, ""); /* named by the PREROUTING rule */
	fmt(&s.v[3], buf, sizeof(buf));
	assert_string_equal(buf, "-A LSEC-FORWARD -s fd00::2/128 -p tcp -m tcp "
				 "--sport 80 -m comment --comment lsec -j ACCEPT");
	lsec_nf_ruleset_free(&s);
	assert_true(lsec_nf_rules_forward(&range, LSEC_NF_TCP, &to, 80, NULL,
					  "lsec", &s, &e) < 0);
	assert_true(e.input);

	assert_int_equal(lsec_nf_rules_masquerade("eth0", NULL, "lsec", &s, &e), 0);
	assert_int_equal(s.n, 2);
	fmt(&s.v[0], buf, sizeof(buf));
	assert_string_equal(buf, "-A LSEC-POSTROUTING -o eth0 -m comment --comment "
				 "lsec -j MASQUERADE");
	lsec_nf_ruleset_free(&s);
}

static void test_plan(void **state)
{
	struct lsec_inet_prefix a[3] = { pfx("192.0.2.1"), pfx("192.0.2.2"),
					 pfx("192.0.2.1") };
	struct lsec_nf_ruleset cur = { 0 }, want = { 0 }, gone = { 0 };
	struct lsec_nf_plan plan;

	(void)state;
	/* current: .1 with another comment; want .1 .2 .1 -> only .2 added */
	assert_int_equal(lsec_nf_rules_block(a, 1, LSEC_NF_DIR_IN, false, false,
					     "lsec: old", &cur, NULL),
			 0);
	cur.v[0].packets = 5;
	assert_int_equal(lsec_nf_rules_block(a, 3, LSEC_NF_DIR_IN, false, false,
					     "lsec", &want, NULL),
			 0);
	assert_int_equal(lsec_nf_plan_build(&cur, &want, NULL, &plan, NULL), 0);
	assert_int_equal(plan.add.n, 1);
	assert_int_equal(plan.del.n, 0);
	assert_memory_equal(plan.add.v[0].k.src, a[1].addr, 4);
	lsec_nf_plan_free(&plan);

	/* the same again on the new state: no change */
	assert_int_equal(lsec_nf_ruleset_add(&cur, &want.v[1]), 0);
	assert_int_equal(lsec_nf_plan_build(&cur, &want, NULL, &plan, NULL), 0);
	assert_true(lsec_nf_plan_empty(&plan));
	lsec_nf_plan_free(&plan);

	/* unblock .1 (all variants) removes the one rule there, not .2 */
	assert_int_equal(lsec_nf_rules_block(a, 1, 0, false, true, NULL, &gone, NULL), 0);
	assert_int_equal(lsec_nf_plan_build(&cur, NULL, &gone, &plan, NULL), 0);
	assert_int_equal(plan.del.n, 1);
	assert_int_equal(plan.add.n, 0);
	assert_string_equal(plan.del.v[0].comment, "lsec: old");
	lsec_nf_plan_free(&plan);
	lsec_nf_ruleset_free(&gone);

	/* removing what is absent: no change */
	a[0] = pfx("198.51.100.7");
	assert_int_equal(lsec_nf_rules_block(a, 1, 0, false, true, NULL, &gone, NULL), 0);
	assert_int_equal(lsec_nf_plan_build(&cur, NULL, &gone, &plan, NULL), 0);
	assert_true(lsec_nf_plan_empty(&plan));
	lsec_nf_plan_free(&plan);
	lsec_nf_ruleset_free(&gone);
	lsec_nf_ruleset_free(&cur);
	lsec_nf_ruleset_free(&want);
}

static void test_keyset_many(void **state)
{
	struct lsec_nf_ruleset s = { 0 };
	struct lsec_nf_keyset ks = { 0 };
	struct lsec_nf_key k;
	size_t i;

	(void)state;
	for (i = 0; i < 5000; i++) {
		struct lsec_nf_rule r = { 0 };

		lsec_nf_key_init(&r.k, 4, LSEC_NF_INPUT, LSEC_NF_DROP);
		r.k.src[0] = 10;
		r.k.src[2] = (uint8_t)(i >> 8);
		r.k.src[3] = (uint8_t)i;
		r.k.src_len = 32;
		assert_int_equal(lsec_nf_ruleset_add(&s, &r), 0);
	}
	for (i = 0; i < s.n; i++)
		assert_int_equal(lsec_nf_keyset_add(&ks, &s.v[i].k), 1);
	assert_int_equal(lsec_nf_keyset_add(&ks, &s.v[7].k), 0);
	for (i = 0; i < s.n; i++)
		assert_true(lsec_nf_keyset_has(&ks, &s.v[i].k));
	k = s.v[0].k;
	k.src[1] = 1;
	assert_false(lsec_nf_keyset_has(&ks, &k));
	assert_null(lsec_nf_keyset_get(&ks, &k));
	/* get: the key stored first, not the one asked with */
	k = s.v[42].k;
	assert_ptr_equal(lsec_nf_keyset_get(&ks, &k), &s.v[42].k);
	lsec_nf_keyset_free(&ks);
	lsec_nf_ruleset_free(&s);
}

static void test_comment(void **state)
{
	char buf[LSEC_NF_COMMENT_MAX], big[300];
	struct lsec_err e = { 0 };

	(void)state;
	assert_int_equal(lsec_nf_make_comment(NULL, buf, sizeof(buf), &e), 0);
	assert_string_equal(buf, "lsec");
	assert_int_equal(lsec_nf_make_comment("ticket 42", buf, sizeof(buf), &e), 0);
	assert_string_equal(buf, "lsec: ticket 42");
	assert_true(lsec_nf_make_comment("a\nb", buf, sizeof(buf), &e) < 0);
	assert_true(lsec_nf_make_comment("", buf, sizeof(buf), &e) < 0);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_true(lsec_nf_make_comment(big, buf, sizeof(buf), &e) < 0);
	assert_true(e.input);
}

static int line_cb(const char *file, unsigned line, char *text, void *ud,
		   struct lsec_err *e)
{
	struct lsec_inet_prefix p;

	(void)ud;
	char msg[sizeof(e->msg)];

	if (lsec_inet_parse_prefix(text, &p, e) < 0) {
		memcpy(msg, e->msg, sizeof(msg));
		return lsec_err_at(e, file, line, "%s", msg);
	}
	return 0;
}

/* --file: comments and blanks skipped, a bad line reported as FILE:LINE */
static void test_file_lines(void **state)
{
	char path[] = "/tmp/lsec-test-nf.XXXXXX";
	struct lsec_err e = { 0 };
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("# blocklist\n192.0.2.1\n\n  10.0.0.0/8  # office\n2001:db8::1\n", f);
	fclose(f);
	assert_int_equal(lsec_file_each_line(path, line_cb, NULL, &e), 3);
	f = fopen(path, "a");
	fputs("10.0.0.300\n", f);
	fclose(f);
	assert_true(lsec_file_each_line(path, line_cb, NULL, &e) < 0);
	assert_true(e.input);
	assert_non_null(strstr(e.where, ":6"));
	assert_non_null(strstr(e.msg, "10.0.0.300"));
	unlink(path);
}

/* The legacy backend's block sets: the right set per key, names that fit
 * ipset (31) and can never be a named blocklist's (lsec-NAME-4/-6/-4-t). */
static void test_iptc_sets(void **state)
{
	struct lsec_inet_prefix p;
	struct lsec_nf_ruleset rs = { 0 };
	char names[LSEC_IPTC_NSETS][40];
	int s, t;
	size_t l;

	(void)state;
	for (s = 0; s < LSEC_IPTC_NSETS; s++) {
		lsec_iptc_set_name(s, names[s], sizeof(names[s]));
		l = strlen(names[s]);
		assert_true(l <= 31);
		assert_true(strncmp(names[s], "lsec-", 5) == 0);
		assert_false(l >= 2 && names[s][l - 2] == '-' &&
			     (names[s][l - 1] == '4' || names[s][l - 1] == '6' ||
			      names[s][l - 1] == 't'));
		for (t = 0; t < s; t++)
			assert_string_not_equal(names[s], names[t]);
	}
	assert_string_equal(names[0], "lsec-input-src4");
	assert_string_equal(names[1], "lsec-input-src4-net");
	assert_string_equal(names[LSEC_IPTC_NSETS - 1], "lsec-forward-dst6-net");

	assert_int_equal(lsec_inet_parse_prefix("192.0.2.1", &p, NULL), 0);
	assert_int_equal(lsec_nf_rules_block(&p, 1, LSEC_NF_DIR_IN | LSEC_NF_DIR_OUT,
					     false, false, NULL, &rs, NULL), 0);
	assert_int_equal(rs.n, 2);
	s = lsec_iptc_set_of_key(&rs.v[0].k);
	t = lsec_iptc_set_of_key(&rs.v[1].k);
	assert_string_equal(names[s], "lsec-input-src4");
	assert_string_equal(names[t], "lsec-output-dst4");
	lsec_nf_ruleset_free(&rs);
	assert_int_equal(lsec_inet_parse_prefix("2001:db8::/32", &p, NULL), 0);
	assert_int_equal(lsec_nf_rules_block(&p, 1, LSEC_NF_DIR_IN, false, false,
					     NULL, &rs, NULL), 0);
	assert_string_equal(names[lsec_iptc_set_of_key(&rs.v[0].k)], "lsec-input-src6-net");
	lsec_nf_ruleset_free(&rs);
	/* REJECT blocks stay rules */
	assert_int_equal(lsec_nf_rules_block(&p, 1, LSEC_NF_DIR_IN, true, false,
					     NULL, &rs, NULL), 0);
	assert_true(rs.n > 0);
	assert_int_equal(lsec_iptc_set_of_key(&rs.v[0].k), -1);
	lsec_nf_ruleset_free(&rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_block_rules),  cmocka_unit_test(test_port_rules),
		cmocka_unit_test(test_forward_masq), cmocka_unit_test(test_plan),
		cmocka_unit_test(test_keyset_many),  cmocka_unit_test(test_comment),
		cmocka_unit_test(test_file_lines),   cmocka_unit_test(test_block_addr),
		cmocka_unit_test(test_iptc_sets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
