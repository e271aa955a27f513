/* SPDX-License-Identifier: MIT */
/* lib/common/json.c: structure, commas, and escaping of every awkward byte. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lsec/json.h"

static char *buf;
static size_t len;

static FILE *open_buf(void)
{
	free(buf);
	buf = NULL;
	return open_memstream(&buf, &len);
}

static void escaped(const char *in, size_t n, const char *want)
{
	FILE *f = open_buf();

	lsec_json_write_string(f, in, n);
	fclose(f);
	assert_string_equal(buf, want);
}

static void test_escape_specials(void **state)
{
	escaped("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
	escaped("\n\r\t\b\f", 5, "\"\\n\\r\\t\\b\\f\"");
	escaped("/", 1, "\"/\"");
}

static void test_escape_control(void **state)
{
	escaped("\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"");
	escaped("a\0b", 3, "\"a\\u0000b\"");
}

static void test_utf8_valid_passthrough(void **state)
{
	escaped("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14,
		"\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
}

static void test_utf8_invalid_replaced(void **state)
{
	/* lone continuation, truncated sequence, overlong '/', surrogate, > U+10FFFF */
	escaped("\x80", 1, "\"\\ufffd\"");
	escaped("a\xc3", 2, "\"a\\ufffd\"");
	escaped("\xc0\xaf", 2, "\"\\ufffd\\ufffd\"");
	escaped("\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"");
	escaped("\xf4\x90\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	escaped("\xff", 1, "\"\\ufffd\"");
}

static void test_document(void **state)
{
	struct lsec_json j;
	FILE *f = open_buf();

	lsec_json_init(&j, f);
	lsec_json_object_begin(&j, NULL);
	lsec_json_bool(&j, "changed", true);
	lsec_json_array_begin(&j, "added");
	lsec_json_string(&j, NULL, "a");
	lsec_json_string(&j, NULL, "b");
	lsec_json_object_begin(&j, NULL);
	lsec_json_int(&j, "n", -3);
	lsec_json_uint(&j, "u", 18446744073709551615ULL);
	lsec_json_object_end(&j);
	lsec_json_array_end(&j);
	lsec_json_array_begin(&j, "empty");
	lsec_json_array_end(&j);
	lsec_json_null(&j, "none");
	lsec_json_string(&j, "nullstr", NULL);
	lsec_json_object_end(&j);
	lsec_json_finish(&j);
	fclose(f);
	assert_string_equal(buf, "{\"changed\":true,\"added\":[\"a\",\"b\",{\"n\":-3,"
				 "\"u\":18446744073709551615}],\"empty\":[],"
				 "\"none\":null,\"nullstr\":null}\n");
}

static void test_key_escaped(void **state)
{
	struct lsec_json j;
	FILE *f = open_buf();

	lsec_json_init(&j, f);
	lsec_json_object_begin(&j, NULL);
	lsec_json_string(&j, "k\"\n", "v");
	lsec_json_object_end(&j);
	fclose(f);
	assert_string_equal(buf, "{\"k\\\"\\n\":\"v\"}");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_specials),
		cmocka_unit_test(test_escape_control),
		cmocka_unit_test(test_utf8_valid_passthrough),
		cmocka_unit_test(test_utf8_invalid_replaced),
		cmocka_unit_test(test_document),
		cmocka_unit_test(test_key_escaped),
	};
	int r = cmocka_run_group_tests_name("json", tests, NULL, NULL);

	free(buf);
	return r;
}
