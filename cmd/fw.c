/* SPDX-License-Identifier: MIT */
/*
 * lsec fw: parse the user's words into rules (lib/netfilter), ask the backend
 * for the current rules, build the plan, commit it (unless --check), print.
 * Nothing here knows which backend runs.
 */
#include "commands.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsec/cleanup.h"
#include "lsec/inet.h"
#include "lsec/netfilter.h"
#include "lsec/util.h"

#define SHOW_MAX 50 /* human output lists at most this many changed rules */

static const char *fam_name(uint8_t family)
{
	return family == 6 ? "ipv6" : "ipv4";
}

/* --wait[=SECONDS]: -1 forever, 0 (absent) fail at once, like iptables. */
int fw_wait_ms(struct lsec_ctx *ctx, int64_t *ret)
{
	const char *w = cli_opt(ctx, "wait");
	uint64_t ms;
	int r;

	*ret = 0;
	if (!w)
		return 0;
	if (!*w) {
		*ret = -1;
		return 0;
	}
	r = lsec_parse_duration(w, &ms, &ctx->err);
	if (r < 0)
		return r;
	*ret = ms > INT64_MAX ? INT64_MAX : (int64_t)ms;
	return 0;
}

static void json_rule(struct lsec_json *j, const struct lsec_nf_rule *r,
		      bool counters)
{
	const struct lsec_nf_key *k = &r->k;
	char buf[1024];

	lsec_json_object_begin(j, NULL);
	lsec_json_string(j, "family", fam_name(k->family));
	lsec_json_string(j, "table", lsec_nf_table_name(k->chain));
	lsec_json_string(j, "chain", lsec_nf_chain_name(k->chain));
	lsec_json_string(j, "action", lsec_nf_verdict_name(k->verdict));
	if (k->verdict != LSEC_NF_OTHER) {
		if (k->src_len) {
			lsec_nf_key_src(k, buf, sizeof(buf));
			lsec_json_string(j, "source", buf);
		}
		if (k->dst_len) {
			lsec_nf_key_dst(k, buf, sizeof(buf));
			lsec_json_string(j, "destination", buf);
		}
		if (k->dst_local)
			lsec_json_string(j, "destination_type", "local");
		if (k->proto)
			lsec_json_string(j, "protocol", lsec_inet_proto_name(k->proto));
		if (k->sport.lo) {
			lsec_nf_format_ports(&k->sport, buf, sizeof(buf));
			lsec_json_string(j, "source_port", buf);
		}
		if (k->dport.lo) {
			lsec_nf_format_ports(&k->dport, buf, sizeof(buf));
			lsec_json_string(j, "port", buf);
		}
		if (k->in_iface[0])
			lsec_json_string(j, "in_iface", k->in_iface);
		if (k->out_iface[0])
			lsec_json_string(j, "out_iface", k->out_iface);
		if (k->verdict == LSEC_NF_REJECT)
			lsec_json_string(j, "reject_with",
					 k->reject_tcp_reset ? "tcp-reset"
							     : "port-unreachable");
		if (k->verdict == LSEC_NF_DNAT) {
			lsec_nf_key_to(k, buf, sizeof(buf));
			lsec_json_string(j, "to", buf);
		}
		if (r->comment)
			lsec_json_string(j, "comment", r->comment);
	}
	lsec_nf_rule_format(r, buf, sizeof(buf));
	lsec_json_string(j, "rule", buf);
	if (counters && r->uncounted) {
		/* a bulk-loaded set element: counted with its set only */
		lsec_json_null(j, "packets");
		lsec_json_null(j, "bytes");
	} else if (counters) {
		lsec_json_uint(j, "packets", r->packets);
		lsec_json_uint(j, "bytes", r->bytes);
	}
	if (counters) {
		lsec_nf_rule_command(r, buf, sizeof(buf));
		if (buf[0])
			lsec_json_string(j, "command", buf);
	}
	lsec_json_object_end(j);
}

static void json_rules(struct lsec_json *j, const char *key,
		       const struct lsec_nf_ruleset *s, bool counters)
{
	size_t i;

	lsec_json_array_begin(j, key);
	for (i = 0; i < s->n; i++)
		json_rule(j, &s->v[i], counters);
	lsec_json_array_end(j);
}

/* The head of a changing verb's document. */
static void json_head(struct lsec_ctx *ctx, bool changed, const char *backend)
{
	cli_json_begin(ctx);
	lsec_json_bool(&ctx->j, "changed", changed);
	lsec_json_bool(&ctx->j, "check", ctx->check);
	lsec_json_string(&ctx->j, "backend", backend);
}

static void say_rules(struct lsec_ctx *ctx, const char *sign,
		      const struct lsec_nf_ruleset *s)
{
	char buf[1024];
	size_t i;

	for (i = 0; i < s->n && i < SHOW_MAX; i++) {
		lsec_nf_rule_format(&s->v[i], buf, sizeof(buf));
		cli_say(ctx, "%s %s %-6s %s\n", sign, fam_name(s->v[i].k.family),
			lsec_nf_table_name(s->v[i].k.chain), buf);
	}
	if (s->n > SHOW_MAX)
		cli_say(ctx, "%s ... and %zu more\n", sign, s->n - SHOW_MAX);
}

struct warnings {
	unsigned n;
	char msg[4][256];
};

static void print_warnings(struct lsec_ctx *ctx, const struct warnings *w)
{
	unsigned i;

	for (i = 0; i < w->n; i++)
		fprintf(stderr, "%s: warning: %s\n", ctx->path, w->msg[i]);
}

/*
 * The common path of every mutating verb: make present exist and absent
 * not exist, in one plan, all or nothing.
 */
static int fw_change(struct lsec_ctx *ctx, const struct lsec_nf_ruleset *present,
		     const struct lsec_nf_ruleset *absent,
		     const struct warnings *w)
{
	const struct lsec_nf_backend_ops *ops = fw_backend_pick(ctx, true);
	struct lsec_nf_open_opts o = { .write = !ctx->check };
	struct lsec_nf_backend *b = NULL;
	struct lsec_nf_ruleset cur = { 0 };
	struct lsec_nf_plan plan = { 0 };
	bool changed;
	unsigned i;
	int r, hooks = 0;

	if (!ops)
		return -ctx->err.code;
	r = fw_wait_ms(ctx, &o.wait_ms);
	if (r < 0)
		return r;
	r = ops->open(&o, &b, &ctx->err);
	if (r < 0)
		return r;
	r = ops->plan ? ops->plan(b, present, absent, &plan, &ctx->err) : 0;
	if (r == 0) {
		r = ops->list(b, &cur, &ctx->err);
		if (r >= 0)
			r = lsec_nf_plan_build_lent(&cur, present, absent, &plan,
					       &ctx->err);
	}
	changed = r >= 0 && !lsec_nf_plan_empty(&plan);
	if (r >= 0 && changed && !ctx->check)
		r = ops->apply(b, &plan, &ctx->err);
	/* chains that hold rules but lost their jump are no "state that holds" */
	if (r >= 0 && ops->repair)
		r = hooks = ops->repair(b, ctx->check, &ctx->err);
	ops->close(b); /* releases the lock */
	changed = changed || hooks > 0;
	if (r >= 0) {
		if (ctx->json) {
			json_head(ctx, changed, ops->name);
			json_rules(&ctx->j, "added", &plan.add, false);
			json_rules(&ctx->j, "removed", &plan.del, false);
			lsec_json_int(&ctx->j, "jumps_restored", hooks);
			lsec_json_array_begin(&ctx->j, "warnings");
			for (i = 0; w && i < w->n; i++)
				lsec_json_string(&ctx->j, NULL, w->msg[i]);
			lsec_json_array_end(&ctx->j);
			cli_json_end(ctx);
		} else {
			say_rules(ctx, "-", &plan.del);
			say_rules(ctx, "+", &plan.add);
			if (hooks)
				cli_say(ctx, "%s%d jump(s) to lsec's chains restored\n",
					ctx->check ? "(check) " : "", hooks);
			if (!changed)
				cli_say(ctx, "no change\n");
			else
				cli_say(ctx, "%s%zu rule(s) added, %zu removed\n",
					ctx->check ? "(check) would be: " : "",
					plan.add.n, plan.del.n);
		}
		if (w)
			print_warnings(ctx, w);
	}
	lsec_nf_plan_free(&plan);
	lsec_nf_ruleset_free(&cur);
	return r < 0 ? r : 0;
}

/* ---- addresses from argv and --file ---- */

struct addrs {
	struct lsec_inet_prefix *v;
	size_t n, cap;
	size_t nargv; /* v[0..nargv) from the command line, the rest from files */
};

static int addrs_push(struct addrs *a, const char *s, const char *file,
		      unsigned line, struct lsec_err *e)
{
	struct lsec_inet_prefix p;
	int r;

	r = lsec_inet_parse_prefix(s, &p, e);
	if (r < 0) {
		char msg[sizeof(e->msg)];

		memcpy(msg, e->msg, sizeof(msg));
		if (file)
			lsec_err_at(e, file, line, "%s", msg);
		return r;
	}
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		struct lsec_inet_prefix *v = realloc(a->v, cap * sizeof(*v));

		if (!v)
			return lsec_err_set(e, ENOMEM, "out of memory");
		a->v = v;
		a->cap = cap;
	}
	a->v[a->n++] = p;
	return 0;
}

static int addr_line(const char *file, unsigned line, char *text, void *ud,
		     struct lsec_err *e)
{
	return addrs_push(ud, text, file, line, e);
}

static int read_addrs(struct lsec_ctx *ctx, struct addrs *a)
{
	const char *f;
	int i, r;

	for (i = 0; i < ctx->argc; i++) {
		r = addrs_push(a, ctx->argv[i], NULL, 0, &ctx->err);
		if (r < 0)
			return r;
	}
	a->nargv = a->n;
	for (i = 0; (f = cli_opt_next(ctx, "file", &i));) {
		r = lsec_file_each_line(f, addr_line, a, &ctx->err);
		if (r < 0)
			return r;
	}
	if (a->n == 0 && ctx->argc == 0 && !cli_flag(ctx, "file"))
		return lsec_err_input(&ctx->err,
				      "no address given (ADDR... or --file FILE)");
	return 0;
}

/* ADDR arguments from argv[first] on, and --file (fw_nft.c's blocklist). */
int fw_read_addrs(struct lsec_ctx *ctx, int first,
		  struct lsec_inet_prefix **ret, size_t *ret_n)
{
	struct addrs a = { 0 };
	char **argv = ctx->argv;
	int argc = ctx->argc, r;

	ctx->argv += first;
	ctx->argc -= first;
	r = read_addrs(ctx, &a);
	ctx->argv = argv;
	ctx->argc = argc;
	if (r < 0) {
		free(a.v);
		return r;
	}
	*ret = a.v;
	*ret_n = a.n;
	return 0;
}

static int comment_opt(struct lsec_ctx *ctx, char *buf, size_t n)
{
	return lsec_nf_make_comment(cli_opt(ctx, "comment"), buf, n, &ctx->err);
}

static int run_block(struct lsec_ctx *ctx, bool add)
{
	struct addrs a = { 0 };
	struct lsec_nf_ruleset rules = { 0 };
	char comment[LSEC_NF_COMMENT_MAX];
	unsigned dirs = 0;
	int r;

	if (add) {
		if (cli_flag(ctx, "in"))
			dirs |= LSEC_NF_DIR_IN;
		if (cli_flag(ctx, "out"))
			dirs |= LSEC_NF_DIR_OUT;
		if (cli_flag(ctx, "both"))
			dirs = LSEC_NF_DIR_IN | LSEC_NF_DIR_OUT;
		if (!dirs)
			dirs = LSEC_NF_DIR_IN;
	}
	r = add ? comment_opt(ctx, comment, sizeof(comment)) : 0;
	if (r >= 0)
		r = read_addrs(ctx, &a);
	/* addresses named on the command line are counted one by one; a
	 * file's are a bulk load, counted together where that is cheaper
	 * (lsec_nf_rule.uncounted) */
	if (r >= 0)
		r = lsec_nf_rules_block(a.v, a.nargv, dirs, cli_flag(ctx, "reject"),
					!add, comment, &rules, &ctx->err);
	if (r >= 0) {
		size_t i, first = rules.n;

		r = lsec_nf_rules_block(a.v + a.nargv, a.n - a.nargv, dirs,
					cli_flag(ctx, "reject"), !add, comment,
					&rules, &ctx->err);
		for (i = first; i < rules.n; i++)
			rules.v[i].uncounted = true;
	}
	free(a.v);
	if (r >= 0)
		r = fw_change(ctx, add ? &rules : NULL, add ? NULL : &rules, NULL);
	lsec_nf_ruleset_free(&rules);
	return r;
}

int cmd_fw_block(struct lsec_ctx *ctx)
{
	return run_block(ctx, true);
}

int cmd_fw_unblock(struct lsec_ctx *ctx)
{
	return run_block(ctx, false);
}

static int opt_prefix(struct lsec_ctx *ctx, const char *name,
		      struct lsec_inet_prefix *p, bool *given)
{
	const char *v = cli_opt(ctx, name);

	*given = v != NULL;
	return v ? lsec_inet_parse_prefix(v, p, &ctx->err) : 0;
}

static int run_port(struct lsec_ctx *ctx, enum lsec_nf_verdict v)
{
	struct lsec_nf_ruleset rules = { 0 };
	struct lsec_inet_prefix from;
	struct lsec_port_range p;
	char comment[LSEC_NF_COMMENT_MAX];
	bool has_from, del = cli_flag(ctx, "delete");
	unsigned protos;
	int r;

	if (v == LSEC_NF_DROP && cli_flag(ctx, "reject"))
		v = LSEC_NF_REJECT;
	r = lsec_nf_parse_portspec(ctx->argv[0], &p, &protos, &ctx->err);
	if (r >= 0)
		r = opt_prefix(ctx, "from", &from, &has_from);
	if (r >= 0)
		r = comment_opt(ctx, comment, sizeof(comment));
	if (r >= 0)
		r = lsec_nf_rules_port(v, &p, protos, has_from ? &from : NULL,
				       comment, &rules, &ctx->err);
	/* deny --delete removes the rule whether it drops or rejects */
	if (r >= 0 && del && v != LSEC_NF_ACCEPT)
		r = lsec_nf_rules_port(v == LSEC_NF_DROP ? LSEC_NF_REJECT
							 : LSEC_NF_DROP,
				       &p, protos, has_from ? &from : NULL,
				       comment, &rules, &ctx->err);
	if (r >= 0)
		r = fw_change(ctx, del ? NULL : &rules, del ? &rules : NULL, NULL);
	lsec_nf_ruleset_free(&rules);
	return r;
}

int cmd_fw_allow(struct lsec_ctx *ctx)
{
	return run_port(ctx, LSEC_NF_ACCEPT);
}

int cmd_fw_deny(struct lsec_ctx *ctx)
{
	return run_port(ctx, LSEC_NF_DROP);
}

static int run_forward(struct lsec_ctx *ctx, bool add)
{
	struct lsec_nf_ruleset rules = { 0 };
	struct lsec_inet_prefix to;
	struct lsec_port_range p;
	struct warnings w = { 0 };
	char comment[LSEC_NF_COMMENT_MAX];
	const char *to_s = cli_opt(ctx, "to"), *iface = cli_opt(ctx, "in-iface");
	uint16_t to_port;
	unsigned protos;
	int r;

	if (!to_s)
		return lsec_err_input(&ctx->err,
				      "--to ADDR[:PORT] is required (see '%s --help')",
				      ctx->path);
	r = lsec_nf_parse_portspec(ctx->argv[0], &p, &protos, &ctx->err);
	if (r >= 0)
		r = lsec_inet_parse_endpoint(to_s, &to, &to_port, &ctx->err);
	if (r >= 0 && iface)
		r = lsec_inet_parse_iface(iface, &ctx->err);
	if (r >= 0)
		r = comment_opt(ctx, comment, sizeof(comment));
	if (r >= 0)
		r = lsec_nf_rules_forward(&p, protos, &to, to_port, iface, comment,
					  &rules, &ctx->err);
	if (r >= 0 && add && !lsec_nf_forwarding(to.family)) {
		const char *sysctl = to.family == 4 ? "net.ipv4.ip_forward"
						    : "net.ipv6.conf.all.forwarding";

		snprintf(w.msg[w.n++], sizeof(w.msg[0]),
			 "%s is off: traffic arriving from other hosts will "
			 "not be forwarded (sysctl -w %s=1)",
			 sysctl, sysctl);
	}
	if (r >= 0)
		r = fw_change(ctx, add ? &rules : NULL, add ? NULL : &rules, &w);
	lsec_nf_ruleset_free(&rules);
	return r;
}

int cmd_fw_forward(struct lsec_ctx *ctx)
{
	return run_forward(ctx, true);
}

int cmd_fw_unforward(struct lsec_ctx *ctx)
{
	return run_forward(ctx, false);
}

static int run_masquerade(struct lsec_ctx *ctx, bool add)
{
	struct lsec_nf_ruleset rules = { 0 };
	struct lsec_inet_prefix from;
	char comment[LSEC_NF_COMMENT_MAX];
	const char *iface = cli_opt(ctx, "out-iface");
	bool has_from;
	int r;

	if (!iface)
		return lsec_err_input(&ctx->err,
				      "--out-iface IF is required (see '%s --help')",
				      ctx->path);
	r = lsec_inet_parse_iface(iface, &ctx->err);
	if (r >= 0)
		r = opt_prefix(ctx, "from", &from, &has_from);
	if (r >= 0)
		r = comment_opt(ctx, comment, sizeof(comment));
	if (r >= 0)
		r = lsec_nf_rules_masquerade(iface, has_from ? &from : NULL,
					     comment, &rules, &ctx->err);
	if (r >= 0)
		r = fw_change(ctx, add ? &rules : NULL, add ? NULL : &rules, NULL);
	lsec_nf_ruleset_free(&rules);
	return r;
}

int cmd_fw_masquerade(struct lsec_ctx *ctx)
{
	return run_masquerade(ctx, true);
}

int cmd_fw_unmasquerade(struct lsec_ctx *ctx)
{
	return run_masquerade(ctx, false);
}

/* ---- read-only verbs and flush ---- */

static int open_read(struct lsec_ctx *ctx, const struct lsec_nf_backend_ops **ops,
		     struct lsec_nf_backend **b)
{
	struct lsec_nf_open_opts o = { 0 };

	*ops = fw_backend_pick(ctx, false);
	if (!*ops)
		return -ctx->err.code;
	return (*ops)->open(&o, b, &ctx->err);
}

int cmd_fw_list(struct lsec_ctx *ctx)
{
	const struct lsec_nf_backend_ops *ops;
	struct lsec_nf_backend *b;
	struct lsec_nf_ruleset cur = { 0 };
	char buf[1024];
	size_t i, k;
	int r;

	r = open_read(ctx, &ops, &b);
	if (r < 0)
		return r;
	r = ops->list(b, &cur, &ctx->err);
	ops->close(b);
	if (r < 0)
		goto out;
	if (ctx->json) {
		cli_json_begin(ctx);
		lsec_json_string(&ctx->j, "backend", ops->name);
		json_rules(&ctx->j, "rules", &cur, true);
		cli_json_end(ctx);
	} else if (cli_flag(ctx, "commands")) {
		_cleanup_free_ char **seen = calloc(cur.n + 1, sizeof(char *));
		size_t nseen = 0;

		if (!seen) {
			r = lsec_err_set(&ctx->err, ENOMEM, "out of memory");
			goto out;
		}
		for (i = 0; i < cur.n; i++) {
			bool dup = false;

			lsec_nf_rule_command(&cur.v[i], buf, sizeof(buf));
			if (!buf[0])
				continue;
			for (k = 0; k < nseen && !dup; k++)
				dup = streq(seen[k], buf);
			if (dup)
				continue;
			seen[nseen] = strdup(buf);
			if (!seen[nseen])
				break;
			cli_say(ctx, "%s\n", seen[nseen++]);
		}
		for (k = 0; k < nseen; k++)
			free(seen[k]);
	} else {
		if (cur.n)
			cli_say(ctx, "%-4s %-6s %10s %12s  %s\n", "fam", "table",
				"packets", "bytes", "rule");
		for (i = 0; i < cur.n; i++) {
			char pk[24] = "-", by[24] = "-";

			if (!cur.v[i].uncounted) {
				snprintf(pk, sizeof(pk), "%" PRIu64, cur.v[i].packets);
				snprintf(by, sizeof(by), "%" PRIu64, cur.v[i].bytes);
			}
			lsec_nf_rule_format(&cur.v[i], buf, sizeof(buf));
			cli_say(ctx, "%-4s %-6s %10s %12s  %s\n",
				fam_name(cur.v[i].k.family),
				lsec_nf_table_name(cur.v[i].k.chain), pk, by, buf);
		}
		if (!cur.n)
			cli_say(ctx, "no lsec rules (%s backend)\n", ops->name);
	}
out:
	lsec_nf_ruleset_free(&cur);
	return r < 0 ? r : 0;
}

int cmd_fw_flush(struct lsec_ctx *ctx)
{
	const struct lsec_nf_backend_ops *ops = fw_backend_pick(ctx, true);
	struct lsec_nf_open_opts o = { .write = !ctx->check };
	struct lsec_nf_backend *b;
	struct lsec_nf_ruleset removed = { 0 };
	int r, n;

	if (!ops)
		return -ctx->err.code;
	r = fw_wait_ms(ctx, &o.wait_ms);
	if (r < 0)
		return r;
	r = ops->open(&o, &b, &ctx->err);
	if (r < 0)
		return r;
	n = r = ops->flush(b, ctx->check, &removed, &ctx->err);
	ops->close(b);
	if (r >= 0) {
		if (ctx->json) {
			json_head(ctx, n > 0, ops->name);
			lsec_json_int(&ctx->j, "chains_removed", n);
			json_rules(&ctx->j, "removed", &removed, false);
			cli_json_end(ctx);
		} else if (n == 0) {
			cli_say(ctx, "no change\n");
		} else {
			say_rules(ctx, "-", &removed);
			cli_say(ctx, "%s%d chain(s) and %zu rule(s) removed\n",
				ctx->check ? "(check) would be: " : "", n,
				removed.n);
		}
	}
	lsec_nf_ruleset_free(&removed);
	return r < 0 ? r : 0;
}

int cmd_fw_status(struct lsec_ctx *ctx)
{
	const struct lsec_nf_backend_ops *ops;
	struct lsec_nf_backend *b;
	struct lsec_nf_status st;
	unsigned fi, c, i;
	int r;

	r = open_read(ctx, &ops, &b);
	if (r < 0)
		return r;
	r = ops->status(b, &st, &ctx->err);
	ops->close(b);
	if (r < 0)
		return r;
	if (ctx->json) {
		cli_json_begin(ctx);
		lsec_json_string(&ctx->j, "backend", st.backend);
		fw_backend_explain(ctx);
		lsec_json_object_begin(&ctx->j, "families");
		for (fi = 0; fi < 2; fi++) {
			unsigned total = 0;

			lsec_json_object_begin(&ctx->j, fi ? "ipv6" : "ipv4");
			lsec_json_bool(&ctx->j, "available", st.fam[fi].available);
			lsec_json_bool(&ctx->j, "forwarding", st.ip_forward[fi]);
			lsec_json_array_begin(&ctx->j, "chains");
			for (c = 0; c < LSEC_NF_CHAIN_MAX; c++) {
				if (!st.fam[fi].chain[c])
					continue;
				total += st.fam[fi].rules[c];
				lsec_json_object_begin(&ctx->j, NULL);
				lsec_json_string(&ctx->j, "table", lsec_nf_table_name(c));
				lsec_json_string(&ctx->j, "chain", lsec_nf_chain_name(c));
				lsec_json_string(&ctx->j, "hook", lsec_nf_hook_name(c));
				lsec_json_bool(&ctx->j, "hooked", st.fam[fi].hooked[c]);
				lsec_json_uint(&ctx->j, "rules", st.fam[fi].rules[c]);
				lsec_json_object_end(&ctx->j);
			}
			lsec_json_array_end(&ctx->j);
			lsec_json_uint(&ctx->j, "rules", total);
			lsec_json_object_end(&ctx->j);
		}
		lsec_json_object_end(&ctx->j);
		lsec_json_array_begin(&ctx->j, "warnings");
		for (i = 0; i < st.nwarnings; i++)
			lsec_json_string(&ctx->j, NULL, st.warnings[i]);
		lsec_json_array_end(&ctx->j);
		cli_json_end(ctx);
		return 0;
	}
	cli_say(ctx, "backend: %s\n", st.backend);
	fw_backend_explain(ctx);
	for (fi = 0; fi < 2; fi++) {
		bool any = false;

		cli_say(ctx, "%s: %s, forwarding %s\n", fi ? "ipv6" : "ipv4",
			st.fam[fi].available ? "available" : "not available",
			st.ip_forward[fi] ? "on" : "off");
		for (c = 0; c < LSEC_NF_CHAIN_MAX; c++) {
			if (!st.fam[fi].chain[c])
				continue;
			any = true;
			cli_say(ctx, "  %-6s %-16s %u rule(s), %s\n",
				lsec_nf_table_name(c), lsec_nf_chain_name(c),
				st.fam[fi].rules[c],
				st.fam[fi].hooked[c] ? "hooked" : "NOT hooked");
		}
		if (!any && st.fam[fi].available)
			cli_say(ctx, "  no lsec chains\n");
	}
	for (i = 0; i < st.nwarnings; i++)
		cli_say(ctx, "warning: %s\n", st.warnings[i]);
	return 0;
}
