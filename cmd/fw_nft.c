/* SPDX-License-Identifier: MIT */
/*
 * lsec fw: choosing the backend (--backend, $LSEC_FW_BACKEND,
 * /etc/lsec/fw.conf, auto), `lsec fw migrate` and `lsec fw blocklist`.
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
#include "lsec/nft.h"
#include "lsec/util.h"

/* The choice made for this run, for status to explain. */
static struct lsec_nf_choice choice;

const struct lsec_nf_backend_ops *fw_backend_pick(struct lsec_ctx *ctx,
						  bool mutating)
{
	const struct lsec_nf_backend_ops *other;
	struct lsec_err e2 = { 0 };
	int r, n_other, n_this;

	r = lsec_nf_choose(cli_opt(ctx, "backend"), &choice, &ctx->err);
	if (r < 0)
		return NULL;
	if (!mutating)
		return choice.ops;
	/* Refuse to write to one stack while lsec's rules live in the other:
	 * two firewalls that both filter every packet. */
	other = lsec_nf_other(choice.ops);
	n_other = lsec_nf_count_rules(other, &e2);
	if (n_other <= 0)
		return choice.ops;
	n_this = lsec_nf_count_rules(choice.ops, &e2);
	if (n_this != 0)
		return choice.ops;
	lsec_err_set(&ctx->err, EEXIST,
		     "lsec's rules are in the %s backend (%d), but this command "
		     "would use %s (%s): run 'lsec fw migrate --to %s' to move "
		     "them, or pass --backend %s",
		     other->name, n_other, choice.ops->name, choice.why,
		     choice.ops->name, other->name);
	return NULL;
}

void fw_backend_explain(struct lsec_ctx *ctx)
{
	if (!choice.ops)
		return;
	if (ctx->json) {
		lsec_json_string(&ctx->j, "backend_source", choice.source);
		lsec_json_string(&ctx->j, "backend_reason", choice.why);
	} else {
		cli_say(ctx, "backend chosen: %s (%s)\n", choice.ops->name,
			choice.why);
	}
}

/* ---- migrate ---- */

int cmd_fw_migrate(struct lsec_ctx *ctx)
{
	const char *to_s = cli_opt(ctx, "to");
	const struct lsec_nf_backend_ops *to, *from;
	const struct lsec_bl_ops *blf, *blt;
	struct lsec_nf_open_opts ow = { .write = !ctx->check }, orr = { 0 };
	struct lsec_nf_backend *bt = NULL, *bf = NULL;
	struct lsec_nf_ruleset src = { 0 }, cur = { 0 }, keep = { 0 },
			       removed = { 0 };
	struct lsec_nf_plan plan = { 0 };
	struct lsec_bl *lists = NULL;
	struct lsec_nf_choice c;
	size_t i, j, nl = 0, moved_entries = 0;
	bool changed;
	int r;

	if (!to_s)
		return lsec_err_input(&ctx->err,
				      "--to nft|legacy is required (see '%s --help')",
				      ctx->path);
	r = lsec_nf_choose(to_s, &c, &ctx->err);
	if (r < 0)
		return r;
	if (streq(to_s, "auto"))
		return lsec_err_input(&ctx->err,
				      "invalid --to 'auto': name the backend "
				      "(nft or legacy)");
	to = c.ops;
	from = lsec_nf_other(to);
	r = fw_wait_ms(ctx, &ow.wait_ms);
	if (r < 0)
		return r;
	r = to->open(&ow, &bt, &ctx->err);
	if (r < 0)
		return r;
	/* The source is read and flushed under the destination's lock. */
	if (from == &lsec_nf_iptc_ops && lsec_nf_count_rules(from, &ctx->err) <= 0) {
		lsec_err_clear(&ctx->err);
		goto done; /* legacy tables not loaded: nothing to move */
	}
	r = from->open(&orr, &bf, &ctx->err);
	if (r == -EOPNOTSUPP) {
		lsec_err_clear(&ctx->err);
		r = 0;
		goto done;
	}
	if (r < 0)
		goto out;
	r = from->list(bf, &src, &ctx->err);
	for (i = 0; r >= 0 && i < src.n; i++)
		if (src.v[i].k.verdict != LSEC_NF_OTHER &&
		    lsec_nf_ruleset_add(&keep, &src.v[i]) < 0)
			r = lsec_err_set(&ctx->err, ENOMEM, "out of memory");
	blf = lsec_bl_ops_for(from);
	blt = lsec_bl_ops_for(to);
	if (r >= 0 && blf && blf->list(bf, NULL, true, &lists, &nl, &ctx->err) < 0)
		r = -ctx->err.code;
	if (r >= 0)
		r = to->list(bt, &cur, &ctx->err);
	if (r >= 0)
		r = lsec_nf_plan_build(&cur, &keep, NULL, &plan, &ctx->err);
	/* the new rules first ... */
	if (r >= 0 && !ctx->check && !lsec_nf_plan_empty(&plan))
		r = to->apply(bt, &plan, &ctx->err);
	for (i = 0; r >= 0 && !ctx->check && i < nl; i++) {
		struct lsec_bl_result res;
		_cleanup_free_ struct lsec_inet_prefix *v =
			calloc(lists[i].n + 1, sizeof(*v));

		if (!v) {
			r = lsec_err_set(&ctx->err, ENOMEM, "out of memory");
			break;
		}
		for (j = 0; j < lists[i].n; j++)
			v[j] = lists[i].v[j].p;
		r = blt->create(bt, lists[i].name, lists[i].timeout_ms, false,
				&res, &ctx->err);
		if (r >= 0)
			r = blt->add(bt, lists[i].name, v, lists[i].n, 0, false,
				     false, &res, &ctx->err);
		moved_entries += lists[i].n;
	}
	/* ... then the old ones go (the rules first: the backend's session
	 * holds the tables as listed, before the lists' own rules change) */
	if (r >= 0 && keep.n) {
		int n = from->flush(bf, ctx->check, &removed, &ctx->err);

		r = n < 0 ? n : 0;
	}
	for (i = 0; r >= 0 && !ctx->check && i < nl; i++) {
		struct lsec_bl_result res;

		r = blf->destroy(bf, lists[i].name, false, &res, &ctx->err);
	}
done:
	changed = keep.n > 0 || nl > 0;
	if (r >= 0) {
		if (ctx->json) {
			cli_json_begin(ctx);
			lsec_json_bool(&ctx->j, "changed", changed);
			lsec_json_bool(&ctx->j, "check", ctx->check);
			lsec_json_string(&ctx->j, "from", from->name);
			lsec_json_string(&ctx->j, "to", to->name);
			lsec_json_uint(&ctx->j, "rules", keep.n);
			lsec_json_uint(&ctx->j, "rules_added", plan.add.n);
			lsec_json_uint(&ctx->j, "blocklists", nl);
			lsec_json_uint(&ctx->j, "blocklist_entries", moved_entries);
			cli_json_end(ctx);
		} else if (!changed) {
			cli_say(ctx, "no change: no lsec rules in the %s backend\n",
				from->name);
		} else {
			cli_say(ctx, "%s%zu rule(s) and %zu blocklist(s) from %s to %s\n",
				ctx->check ? "(check) would move " : "moved ", keep.n,
				nl, from->name, to->name);
		}
	}
out:
	if (bf)
		from->close(bf);
	to->close(bt);
	lsec_bl_free(lists, nl);
	lsec_nf_plan_free(&plan);
	lsec_nf_ruleset_free(&src);
	lsec_nf_ruleset_free(&cur);
	lsec_nf_ruleset_free(&keep);
	lsec_nf_ruleset_free(&removed);
	return r < 0 ? r : 0;
}

/* ---- blocklist ---- */

static void say_entry(struct lsec_ctx *ctx, const struct lsec_bl_entry *en)
{
	char a[64];

	lsec_inet_format_prefix(&en->p, a, sizeof(a));
	if (ctx->json) {
		lsec_json_object_begin(&ctx->j, NULL);
		lsec_json_string(&ctx->j, "address", a);
		if (en->timeout_ms)
			lsec_json_uint(&ctx->j, "timeout_ms", en->timeout_ms);
		if (en->expires_ms)
			lsec_json_uint(&ctx->j, "expires_ms", en->expires_ms);
		lsec_json_object_end(&ctx->j);
	} else if (en->expires_ms) {
		cli_say(ctx, "  %s (expires in %" PRIu64 "s)\n", a,
			(en->expires_ms + 999) / 1000);
	} else {
		cli_say(ctx, "  %s\n", a);
	}
}

static int bl_list(struct lsec_ctx *ctx, const struct lsec_bl_ops *bl,
		   struct lsec_nf_backend *b, const char *name,
		   const struct lsec_nf_backend_ops *ops)
{
	struct lsec_bl *v = NULL;
	size_t n = 0, i, j;
	int r;

	r = bl->list(b, name, name != NULL, &v, &n, &ctx->err);
	if (r < 0)
		return r;
	if (ctx->json) {
		cli_json_begin(ctx);
		lsec_json_string(&ctx->j, "backend", ops->name);
		lsec_json_array_begin(&ctx->j, "blocklists");
		for (i = 0; i < n; i++) {
			lsec_json_object_begin(&ctx->j, NULL);
			lsec_json_string(&ctx->j, "name", v[i].name);
			lsec_json_uint(&ctx->j, "timeout_ms", v[i].timeout_ms);
			lsec_json_uint(&ctx->j, "packets", v[i].packets);
			if (name) {
				lsec_json_uint(&ctx->j, "entries", v[i].n);
				lsec_json_array_begin(&ctx->j, "addresses");
				for (j = 0; j < v[i].n; j++)
					say_entry(ctx, &v[i].v[j]);
				lsec_json_array_end(&ctx->j);
			}
			lsec_json_object_end(&ctx->j);
		}
		lsec_json_array_end(&ctx->j);
		cli_json_end(ctx);
	} else {
		for (i = 0; i < n; i++) {
			cli_say(ctx, "%s", v[i].name);
			if (name)
				cli_say(ctx, ": %zu entr%s", v[i].n,
					v[i].n == 1 ? "y" : "ies");
			if (v[i].timeout_ms)
				cli_say(ctx, ", timeout %" PRIu64 "s",
					v[i].timeout_ms / 1000);
			cli_say(ctx, ", %" PRIu64 " packet(s) dropped\n", v[i].packets);
			for (j = 0; name && j < v[i].n; j++)
				say_entry(ctx, &v[i].v[j]);
		}
		if (!n)
			cli_say(ctx, "no blocklists (%s backend)\n", ops->name);
	}
	lsec_bl_free(v, n);
	return 0;
}

int cmd_fw_blocklist(struct lsec_ctx *ctx)
{
	static const char *const actions[] = { "add", "create", "del", "flush",
					       "list" };
	const char *action = ctx->argv[0], *name = ctx->argc > 1 ? ctx->argv[1] : NULL;
	const char *t = cli_opt(ctx, "timeout");
	const struct lsec_nf_backend_ops *ops;
	const struct lsec_bl_ops *bl;
	struct lsec_nf_open_opts o = { 0 };
	struct lsec_nf_backend *b = NULL;
	struct lsec_bl_result res = { 0 };
	struct lsec_inet_prefix *addrs = NULL;
	size_t naddrs = 0;
	uint64_t timeout_ms = 0;
	bool known = false, list, replace = cli_flag(ctx, "replace");
	size_t i;
	int r = 0;

	for (i = 0; i < ELEMENTSOF(actions); i++)
		known |= streq(action, actions[i]);
	if (!known)
		return lsec_err_input(&ctx->err,
				      "invalid action '%s': expected create, add, "
				      "del, list or flush",
				      action);
	list = streq(action, "list");
	if (!list && !name)
		return lsec_err_input(&ctx->err, "%s needs a blocklist NAME", action);
	if (name && (r = lsec_bl_check_name(name, &ctx->err)) < 0)
		return r;
	if (t && (r = lsec_parse_duration(t, &timeout_ms, &ctx->err)) < 0)
		return r;
	if (t && timeout_ms && timeout_ms < 1000)
		return lsec_err_input(&ctx->err,
				      "invalid timeout '%s': at least 1s", t);
	if (replace && !streq(action, "add"))
		return lsec_err_input(&ctx->err, "--replace goes with add only");
	if ((streq(action, "add") || streq(action, "del")))
		r = fw_read_addrs(ctx, 2, &addrs, &naddrs);
	else if (ctx->argc > 2 || cli_flag(ctx, "file")) {
		r = lsec_err_input(&ctx->err, "%s takes no addresses", action);
	}
	if (r < 0)
		goto out;
	ops = fw_backend_pick(ctx, !list);
	if (!ops) {
		r = -ctx->err.code;
		goto out;
	}
	bl = lsec_bl_ops_for(ops);
	o.write = !list && !ctx->check;
	r = fw_wait_ms(ctx, &o.wait_ms);
	if (r >= 0)
		r = ops->open(&o, &b, &ctx->err);
	if (r < 0)
		goto out;
	if (list)
		r = bl_list(ctx, bl, b, name, ops);
	else if (streq(action, "create"))
		r = bl->create(b, name, timeout_ms, ctx->check, &res, &ctx->err);
	else if (streq(action, "add"))
		r = bl->add(b, name, addrs, naddrs, timeout_ms, replace, ctx->check,
			    &res, &ctx->err);
	else if (streq(action, "del"))
		r = bl->del(b, name, addrs, naddrs, ctx->check, &res, &ctx->err);
	else
		r = bl->destroy(b, name, ctx->check, &res, &ctx->err);
	ops->close(b);
	if (r < 0 || list)
		goto out;
	if (ctx->json) {
		cli_json_begin(ctx);
		lsec_json_bool(&ctx->j, "changed", res.changed);
		lsec_json_bool(&ctx->j, "check", ctx->check);
		lsec_json_string(&ctx->j, "backend", ops->name);
		lsec_json_string(&ctx->j, "blocklist", name);
		lsec_json_uint(&ctx->j, "added", res.added);
		lsec_json_uint(&ctx->j, "removed", res.removed);
		if (!streq(action, "create") && !streq(action, "flush") &&
		    res.entries != (size_t)-1)
			lsec_json_uint(&ctx->j, "entries", res.entries);
		cli_json_end(ctx);
	} else if (!res.changed) {
		cli_say(ctx, "no change\n");
	} else if (streq(action, "create")) {
		cli_say(ctx, "%sblocklist %s created\n",
			ctx->check ? "(check) would be: " : "", name);
	} else if (streq(action, "flush")) {
		cli_say(ctx, "%sblocklist %s removed (%zu entries)\n",
			ctx->check ? "(check) would be: " : "", name, res.removed);
	} else {
		cli_say(ctx, "%s%zu added, %zu removed",
			ctx->check ? "(check) would be: " : "", res.added,
			res.removed);
		if (res.entries != (size_t)-1)
			cli_say(ctx, ", %zu entries", res.entries);
		cli_say(ctx, "\n");
	}
out:
	free(addrs);
	return r < 0 ? r : 0;
}
