/* SPDX-License-Identifier: MIT */
/* The nf_tables backend's pure parts: rules to nft text and back from nft's
 * JSON, the backend choice, blocklist names. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../lib/netfilter/nft_int.h"
#include "lsec/jsonread.h"
#include "lsec/netfilter.h"
#include "lsec/nft.h"
#include "lsec/util.h"

static struct lsec_inet_prefix pfx(const char *s)
{
	struct lsec_inet_prefix p;

	assert_int_equal(lsec_inet_parse_prefix(s, &p, NULL), 0);
	return p;
}

static void render(const struct lsec_nf_rule *r, char *buf, size_t n)
{
	FILE *f = fmemopen(buf, n, "w");

	assert_non_null(f);
	assert_int_equal(lsec_nft_rule_render(r, f, NULL), 0);
	fclose(f);
}

/* nft's JSON for a rule (as `nft -j list` writes it) back to the model. */
static void parse_into(const char *json, int chain, struct lsec_nf_rule *r,
		       struct lsec_jv **doc)
{
	assert_int_equal(lsec_jv_parse(json, "test", doc, NULL), 0);
	assert_int_equal(lsec_nft_rule_parse(lsec_jv_get(*doc, "rule"), chain, r, NULL), 0);
}

static void test_rules(void **state)
{
	struct lsec_nf_ruleset s = { 0 };
	struct lsec_inet_prefix from = pfx("10.1.0.0/16"), to = pfx("fd00::5");
	struct lsec_port_range p = { 8000, 8100 }, one = { 80, 80 };
	struct lsec_nf_rule back;
	struct lsec_jv *doc;
	char buf[512];

	(void)state;
	/* deny 8000:8100/udp --from 10.1.0.0/16 --reject */
	assert_int_equal(lsec_nf_rules_port(LSEC_NF_REJECT, &p, LSEC_NF_UDP, &from,
					    "lsec: x", &s, NULL),
			 0);
	assert_int_equal(s.n, 1);
	render(&s.v[0], buf, sizeof(buf));
	assert_string_equal(buf, "meta nfproto ipv4 ip saddr 10.1.0.0/16 udp dport "
				 "8000-8100 counter reject comment \"lsec: x\"");
	parse_into("{\"rule\": {\"family\": \"inet\", \"table\": \"lsec\", \"chain\": \"input\","
		   " \"handle\": 7, \"comment\": \"lsec: x\", \"expr\": [{\"match\": {\"op\": \"==\","
		   " \"left\": {\"payload\": {\"protocol\": \"ip\", \"field\": \"saddr\"}}, \"right\":"
		   " {\"prefix\": {\"addr\": \"10.1.0.0\", \"len\": 16}}}}, {\"match\": {\"op\": \"==\","
		   " \"left\": {\"payload\": {\"protocol\": \"udp\", \"field\": \"dport\"}}, \"right\":"
		   " {\"range\": [8000, 8100]}}}, {\"counter\": {\"packets\": 3, \"bytes\": 120}},"
		   " {\"reject\": {\"type\": \"icmp\", \"expr\": \"port-unreachable\"}}]}}",
		   LSEC_NF_INPUT, &back, &doc);
	assert_memory_equal(&back.k, &s.v[0].k, sizeof(back.k));
	assert_string_equal(back.comment, "lsec: x");
	assert_int_equal(back.packets, 3);
	assert_int_equal(back.bytes, 120);
	lsec_jv_free(doc);
	lsec_nf_ruleset_free(&s);

	/* forward 80/tcp --to [fd00::5]:8080: DNAT rendering and reading */
	assert_int_equal(lsec_nf_rules_forward(&one, LSEC_NF_TCP, &to, 8080, "eth0",
					       "lsec", &s, NULL),
			 0);
	assert_true(s.n >= 1);
	assert_int_equal(s.v[0].k.verdict, LSEC_NF_DNAT);
	render(&s.v[0], buf, sizeof(buf));
	assert_string_equal(buf, "meta nfproto ipv6 iifname \"eth0\" tcp dport 80 fib daddr "
				 "type local counter dnat ip6 to [fd00::5]:8080 comment \"lsec\"");
	parse_into("{\"rule\": {\"chain\": \"prerouting\", \"handle\": 13, \"comment\": \"lsec\","
		   " \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"nfproto\"}},"
		   " \"right\": \"ipv6\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\":"
		   " \"iifname\"}}, \"right\": \"eth0\"}}, {\"match\": {\"op\": \"==\", \"left\":"
		   " {\"payload\": {\"protocol\": \"tcp\", \"field\": \"dport\"}}, \"right\": 80}},"
		   " {\"match\": {\"op\": \"==\", \"left\": {\"fib\": {\"result\": \"type\", \"flags\":"
		   " [\"daddr\"]}}, \"right\": \"local\"}}, {\"counter\": {\"packets\": 0, \"bytes\": 0}},"
		   " {\"dnat\": {\"family\": \"ip6\", \"addr\": \"fd00::5\", \"port\": 8080}}]}}",
		   LSEC_NF_PREROUTING, &back, &doc);
	assert_memory_equal(&back.k, &s.v[0].k, sizeof(back.k));
	lsec_jv_free(doc);
	lsec_nf_ruleset_free(&s);

	/* a rule lsec did not write (no lsec comment, unknown expression) */
	assert_int_equal(lsec_jv_parse("{\"rule\": {\"chain\": \"input\", \"comment\": \"lsec\","
				       " \"expr\": [{\"limit\": {\"rate\": 5}}, {\"accept\": null}]}}",
				       "test", &doc, NULL),
			 0);
	assert_int_equal(lsec_nft_rule_parse(lsec_jv_get(doc, "rule"), 0, &back, NULL), -1);
	lsec_jv_free(doc);
	assert_int_equal(lsec_jv_parse("{\"rule\": {\"chain\": \"input\", \"expr\": [{\"accept\": null}]}}",
				       "test", &doc, NULL),
			 0);
	assert_int_equal(lsec_nft_rule_parse(lsec_jv_get(doc, "rule"), 0, &back, NULL), -1);
	lsec_jv_free(doc);

	/* comments nft cannot hold are refused as input errors */
	{
		struct lsec_nf_rule r = { .comment = (char *)"lsec: say \"hi\"" };
		struct lsec_err e = { 0 };
		FILE *f = fmemopen(buf, sizeof(buf), "w");

		lsec_nf_key_init(&r.k, 4, LSEC_NF_INPUT, LSEC_NF_ACCEPT);
		assert_int_equal(lsec_nft_rule_render(&r, f, &e), -EINVAL);
		assert_true(e.input);
		fclose(f);
	}
}

static void test_auto(void **state)
{
	char why[256];

	(void)state;
	assert_ptr_equal(lsec_nf_auto("/usr/sbin/xtables-nft-multi", true, why, sizeof(why)),
			 &lsec_nf_nft_ops);
	assert_non_null(strstr(why, "iptables-nft"));
	assert_ptr_equal(lsec_nf_auto("/usr/sbin/xtables-legacy-multi", true, why, sizeof(why)),
			 &lsec_nf_iptc_ops);
	assert_non_null(strstr(why, "iptables-legacy"));
	assert_ptr_equal(lsec_nf_auto("/usr/sbin/xtables-nft-multi", false, why, sizeof(why)),
			 &lsec_nf_iptc_ops);
	assert_non_null(strstr(why, "not available"));
	assert_ptr_equal(lsec_nf_auto(NULL, true, why, sizeof(why)), &lsec_nf_nft_ops);
	assert_ptr_equal(lsec_nf_other(&lsec_nf_nft_ops), &lsec_nf_iptc_ops);
	assert_ptr_equal(lsec_nf_other(&lsec_nf_iptc_ops), &lsec_nf_nft_ops);
	assert_ptr_equal(lsec_bl_ops_for(&lsec_nf_nft_ops), &lsec_bl_nft_ops);
	assert_ptr_equal(lsec_bl_ops_for(&lsec_nf_iptc_ops), &lsec_bl_ipset_ops);
}

static void test_choose(void **state)
{
	char conf[] = "/tmp/lsec-test-fwconf.XXXXXX";
	struct lsec_nf_choice c;
	struct lsec_err e = { 0 };
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(conf);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("# comment\n  backend = legacy  # trailing\n", f);
	fclose(f);
	setenv("LSEC_FW_CONF", conf, 1);
	unsetenv("LSEC_FW_BACKEND");
	assert_int_equal(lsec_nf_choose(NULL, &c, &e), 0);
	assert_ptr_equal(c.ops, &lsec_nf_iptc_ops);
	assert_string_equal(c.source, conf);
	setenv("LSEC_FW_BACKEND", "nft", 1);
	assert_int_equal(lsec_nf_choose(NULL, &c, &e), 0);
	assert_ptr_equal(c.ops, &lsec_nf_nft_ops);
	assert_string_equal(c.source, "LSEC_FW_BACKEND");
	assert_int_equal(lsec_nf_choose("legacy", &c, &e), 0);
	assert_ptr_equal(c.ops, &lsec_nf_iptc_ops);
	assert_string_equal(c.source, "option");
	assert_int_equal(lsec_nf_choose("iptables", &c, &e), -EINVAL);
	assert_true(e.input);
	assert_non_null(strstr(e.msg, "'iptables'"));
	f = fopen(conf, "w");
	fputs("backend nft\n", f);
	fclose(f);
	unsetenv("LSEC_FW_BACKEND");
	lsec_err_clear(&e);
	assert_true(lsec_nf_choose(NULL, &c, &e) < 0);
	assert_true(e.input);
	unlink(conf);
	unsetenv("LSEC_FW_CONF");
}

static void test_bl_names(void **state)
{
	(void)state;
	assert_int_equal(lsec_bl_check_name("feed-1_x", NULL), 0);
	assert_int_equal(lsec_bl_check_name("x", NULL), 0);
	assert_int_equal(lsec_bl_check_name("", NULL), -EINVAL);
	assert_int_equal(lsec_bl_check_name("a b", NULL), -EINVAL);
	assert_int_equal(lsec_bl_check_name("a/b", NULL), -EINVAL);
	assert_int_equal(lsec_bl_check_name("abcdefghijklmnopqrstu", NULL), -EINVAL); /* 21 */
	assert_int_equal(lsec_bl_check_name("abcdefghijklmnopqrst", NULL), 0);        /* 20 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_auto),    cmocka_unit_test(test_choose),
		cmocka_unit_test(test_bl_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
