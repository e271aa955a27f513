/* SPDX-License-Identifier: MIT */
/* Address, prefix, port, protocol and interface parsing (lib/common/inet.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lsec/inet.h"

static void prefix_ok(const char *in, const char *out, unsigned fam)
{
	struct lsec_inet_prefix p;
	struct lsec_err e = { 0 };
	char buf[64];

	assert_int_equal(lsec_inet_parse_prefix(in, &p, &e), 0);
	assert_int_equal(p.family, fam);
	lsec_inet_format_prefix(&p, buf, sizeof(buf));
	assert_string_equal(buf, out);
}

static void prefix_bad(const char *in)
{
	struct lsec_inet_prefix p;
	struct lsec_err e = { 0 };

	assert_int_equal(lsec_inet_parse_prefix(in, &p, &e), -EINVAL);
	assert_true(e.input);
	assert_non_null(strstr(e.msg, in));
}

static void test_prefix(void **state)
{
	(void)state;
	prefix_ok("192.0.2.1", "192.0.2.1", 4);
	prefix_ok("192.0.2.1/32", "192.0.2.1", 4);
	prefix_ok("10.1.2.3/8", "10.0.0.0/8", 4);
	prefix_ok("0.0.0.0/0", "0.0.0.0/0", 4);
	prefix_ok("2001:db8::1", "2001:db8::1", 6);
	prefix_ok("2001:db8:1:2::/33", "2001:db8::/33", 6);
	prefix_ok("fd00:200::2/128", "fd00:200::2", 6);
	prefix_bad("1.2.3.999");
	prefix_bad("1.2.3");
	prefix_bad("1.2.3.4/33");
	prefix_bad("1.2.3.4/");
	prefix_bad("1.2.3.4/-1");
	prefix_bad("1.2.3.4/0x8");
	prefix_bad("1.2.3.4/08");
	prefix_bad("::1/129");
	prefix_bad("example.com");
	prefix_bad("");
	prefix_bad(" 1.2.3.4");
	prefix_bad("1.2.3.4 ");
}

static void test_mask(void **state)
{
	uint8_t m[16];

	(void)state;
	lsec_inet_mask(4, 20, m);
	assert_int_equal(m[0], 0xff);
	assert_int_equal(m[1], 0xff);
	assert_int_equal(m[2], 0xf0);
	assert_int_equal(m[3], 0);
	assert_int_equal(m[4], 0);
	lsec_inet_mask(6, 128, m);
	assert_int_equal(m[15], 0xff);
}

static void test_endpoint(void **state)
{
	struct lsec_inet_prefix p;
	struct lsec_err e = { 0 };
	uint16_t port;

	(void)state;
	assert_int_equal(lsec_inet_parse_endpoint("10.0.0.2:80", &p, &port, &e), 0);
	assert_int_equal(p.family, 4);
	assert_int_equal(port, 80);
	assert_int_equal(lsec_inet_parse_endpoint("10.0.0.2", &p, &port, &e), 0);
	assert_int_equal(port, 0);
	assert_int_equal(lsec_inet_parse_endpoint("[fd00::2]:8080", &p, &port, &e), 0);
	assert_int_equal(p.family, 6);
	assert_int_equal(port, 8080);
	assert_int_equal(lsec_inet_parse_endpoint("fd00::2", &p, &port, &e), 0);
	assert_int_equal(port, 0);
	assert_true(lsec_inet_parse_endpoint("10.0.0.2:0", &p, &port, &e) < 0);
	assert_true(lsec_inet_parse_endpoint("10.0.0.2:70000", &p, &port, &e) < 0);
	assert_non_null(strstr(e.msg, "70000"));
	assert_true(lsec_inet_parse_endpoint("10.0.0.2:", &p, &port, &e) < 0);
	assert_true(lsec_inet_parse_endpoint("[fd00::2", &p, &port, &e) < 0);
	assert_true(lsec_inet_parse_endpoint("host:80", &p, &port, &e) < 0);
	assert_true(lsec_inet_parse_endpoint("10.0.0.0/8:80", &p, &port, &e) < 0);
}

static void test_ports(void **state)
{
	struct lsec_port_range r;
	struct lsec_err e = { 0 };

	(void)state;
	assert_int_equal(lsec_inet_parse_ports("22", NULL, &r, &e), 0);
	assert_int_equal(r.lo, 22);
	assert_int_equal(r.hi, 22);
	assert_int_equal(lsec_inet_parse_ports("8000:8100", NULL, &r, &e), 0);
	assert_int_equal(r.lo, 8000);
	assert_int_equal(r.hi, 8100);
	assert_int_equal(lsec_inet_parse_ports("65535", "udp", &r, &e), 0);
	/* /etc/services (netbase): ssh is 22/tcp */
	assert_int_equal(lsec_inet_parse_ports("ssh", "tcp", &r, &e), 0);
	assert_int_equal(r.lo, 22);
	assert_int_equal(lsec_inet_parse_ports("ssh", NULL, &r, &e), 0);
	assert_int_equal(r.lo, 22);
	assert_int_equal(lsec_inet_parse_ports("http", NULL, &r, &e), 0);
	assert_int_equal(r.lo, 80);
	assert_int_equal(lsec_inet_parse_ports("nosuchservice", NULL, &r, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "nosuchservice"));
	assert_true(lsec_inet_parse_ports("0", NULL, &r, &e) < 0);
	assert_true(lsec_inet_parse_ports("65536", NULL, &r, &e) < 0);
	assert_true(lsec_inet_parse_ports("8100:8000", NULL, &r, &e) < 0);
	assert_non_null(strstr(e.msg, "8100:8000"));
	assert_true(lsec_inet_parse_ports("-1", NULL, &r, &e) < 0);
	assert_true(lsec_inet_parse_ports("0x16", NULL, &r, &e) < 0);
	assert_true(lsec_inet_parse_ports("22:", NULL, &r, &e) < 0);
	assert_true(lsec_inet_parse_ports("", NULL, &r, &e) < 0);
	assert_true(lsec_inet_parse_ports("a b", NULL, &r, &e) < 0);
}

static void test_proto_iface(void **state)
{
	struct lsec_err e = { 0 };
	uint8_t p;

	(void)state;
	assert_int_equal(lsec_inet_parse_proto("tcp", &p, &e), 0);
	assert_int_equal(p, 6);
	assert_int_equal(lsec_inet_parse_proto("udp", &p, &e), 0);
	assert_int_equal(p, 17);
	assert_true(lsec_inet_parse_proto("icmp", &p, &e) < 0);
	assert_true(lsec_inet_parse_proto("TCP", &p, &e) < 0);
	assert_string_equal(lsec_inet_proto_name(6), "tcp");
	assert_int_equal(lsec_inet_parse_iface("eth0", &e), 0);
	assert_int_equal(lsec_inet_parse_iface("veth+", &e), 0);
	assert_int_equal(lsec_inet_parse_iface("abcdefghijklmno", &e), 0);
	assert_true(lsec_inet_parse_iface("abcdefghijklmnop", &e) < 0);
	assert_true(lsec_inet_parse_iface("", &e) < 0);
	assert_true(lsec_inet_parse_iface("a/b", &e) < 0);
	assert_true(lsec_inet_parse_iface("e th", &e) < 0);
	assert_true(lsec_inet_parse_iface("a+b", &e) < 0);
	assert_true(lsec_inet_parse_iface("..", &e) < 0);
	assert_non_null(strstr(e.msg, "'..'"));
}

static struct lsec_inet_prefix P(const char *s)
{
	struct lsec_inet_prefix p;

	assert_int_equal(lsec_inet_parse_prefix(s, &p, NULL), 0);
	return p;
}

static void test_outermost(void **state)
{
	struct lsec_inet_prefix v[] = {
		P("10.1.0.0/16"), P("10.0.0.0/8"), P("10.1.2.0/24"),
		P("192.0.2.0/24"), P("2001:db8::/32"), P("10.0.0.0/8"),
		P("11.0.0.0/8"), P("2001:db8:1::/48"), P("0.0.0.0/1"),
		P("128.0.0.1"),
	};
	const struct lsec_inet_prefix *pv[10];
	size_t outer[10], i;

	(void)state;
	for (i = 0; i < 10; i++)
		pv[i] = &v[i];
	assert_true(lsec_inet_prefix_contains(&v[1], &v[2]));
	assert_false(lsec_inet_prefix_contains(&v[2], &v[1]));
	assert_false(lsec_inet_prefix_contains(&v[1], &v[4]));
	assert_int_equal(lsec_inet_outermost(pv, 10, outer), 0);
	/* 0.0.0.0/1 holds every 10/8, 11/8 and their insides */
	assert_int_equal(outer[0], 8);
	assert_int_equal(outer[1], 8);
	assert_int_equal(outer[2], 8);
	assert_int_equal(outer[5], 8);
	assert_int_equal(outer[6], 8);
	assert_int_equal(outer[8], (size_t)-1);
	/* beyond it: 192.0.2.0/24 and 128.0.0.1 stand alone */
	assert_int_equal(outer[3], (size_t)-1);
	assert_int_equal(outer[9], (size_t)-1);
	assert_int_equal(outer[4], (size_t)-1);
	assert_int_equal(outer[7], 4);
	/* without /1: the first of two equal prefixes holds the second */
	assert_int_equal(lsec_inet_outermost(pv, 8, outer), 0);
	assert_int_equal(outer[1], (size_t)-1);
	assert_int_equal(outer[5], 1);
	assert_int_equal(outer[0], 1);
	assert_int_equal(outer[2], 1);
	assert_int_equal(outer[6], (size_t)-1);
	assert_int_equal(lsec_inet_outermost(pv, 0, outer), 0);
}

static int count_hit(size_t i, void *userdata)
{
	((unsigned *)userdata)[i]++;
	return 0;
}

/* The prefix table finds every equal prefix (repeats too), by family,
 * length and address, and nothing else. */
static void test_ptable(void **state)
{
	struct lsec_inet_prefix v[] = { P("192.0.2.1"), P("192.0.2.0/24"),
					P("::ffff:192.0.2.1"), P("192.0.2.1"),
					P("2001:db8::1") };
	struct lsec_inet_prefix q;
	struct lsec_inet_ptable t;
	unsigned hits[5] = { 0 };

	(void)state;
	assert_int_equal(lsec_inet_ptable_init(&t, v, 5), 0);
	q = P("192.0.2.1");
	assert_int_equal(lsec_inet_ptable_each(&t, &q, count_hit, hits), 0);
	q = P("2001:db8::1");
	lsec_inet_ptable_each(&t, &q, count_hit, hits);
	q = P("192.0.2.2");
	lsec_inet_ptable_each(&t, &q, count_hit, hits);
	q = P("192.0.2.0/25");
	lsec_inet_ptable_each(&t, &q, count_hit, hits);
	assert_int_equal(hits[0], 1);
	assert_int_equal(hits[3], 1); /* the repeat too */
	assert_int_equal(hits[1], 0); /* /24 is not /32 nor /25 */
	assert_int_equal(hits[2], 0); /* IPv6, not IPv4 */
	assert_int_equal(hits[4], 1);
	lsec_inet_ptable_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefix),   cmocka_unit_test(test_mask),
		cmocka_unit_test(test_endpoint), cmocka_unit_test(test_ports),
		cmocka_unit_test(test_proto_iface), cmocka_unit_test(test_outermost), cmocka_unit_test(test_ptable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
