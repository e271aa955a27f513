/* SPDX-License-Identifier: MIT */
/*
 * Netfilter: a backend-neutral rule model, the plans that change it, and the
 * backends that read and write the kernel's rules (libiptc for the legacy
 * x_tables in lib/netfilter/iptc.c; nf_tables can slot in as another
 * struct lsec_nf_backend_ops without touching cmd/).
 *
 * lsec owns its chains (LSEC-INPUT, LSEC-OUTPUT, LSEC-FORWARD in filter,
 * LSEC-PREROUTING, LSEC-OUTPUT, LSEC-POSTROUTING in nat), each hooked by one
 * jump at the top of the built-in chain; every rule it writes carries a
 * comment starting with "lsec".
 */
#ifndef LSEC_NETFILTER_H
#define LSEC_NETFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsec/err.h"
#include "lsec/inet.h"

/* lsec's chains: (table, built-in hook) pairs. */
enum lsec_nf_chain {
	LSEC_NF_INPUT,       /* filter INPUT */
	LSEC_NF_OUTPUT,      /* filter OUTPUT */
	LSEC_NF_FORWARD,     /* filter FORWARD */
	LSEC_NF_PREROUTING,  /* nat PREROUTING */
	LSEC_NF_NAT_OUTPUT,  /* nat OUTPUT */
	LSEC_NF_POSTROUTING, /* nat POSTROUTING */
	LSEC_NF_CHAIN_MAX
};

enum lsec_nf_verdict {
	LSEC_NF_OTHER, /* a rule lsec did not write; never matched by a plan */
	LSEC_NF_ACCEPT,
	LSEC_NF_DROP,
	LSEC_NF_REJECT,
	LSEC_NF_DNAT,
	LSEC_NF_MASQUERADE,
};

#define LSEC_NF_TAG "lsec"
#define LSEC_NF_COMMENT_MAX 256

/*
 * What identifies a rule: everything but its comment and counters.  Always
 * zero-filled before use (lsec_nf_key_init) so it can be compared and hashed
 * as bytes.
 */
struct lsec_nf_key {
	uint8_t family;  /* 4 or 6 */
	uint8_t chain;   /* enum lsec_nf_chain */
	uint8_t verdict; /* enum lsec_nf_verdict */
	uint8_t reject_tcp_reset; /* REJECT --reject-with tcp-reset */
	uint8_t proto;   /* 0 any, 6 tcp, 17 udp */
	uint8_t dst_local; /* -m addrtype --dst-type LOCAL */
	uint8_t src_len, dst_len; /* 0 = any */
	uint8_t src[16], dst[16];
	struct lsec_port_range sport, dport; /* 0/0 = any */
	char in_iface[LSEC_IFNAMSIZ], out_iface[LSEC_IFNAMSIZ];
	uint8_t to_addr[16]; /* DNAT */
	uint16_t to_port;
	uint16_t other_id; /* LSEC_NF_OTHER: position, keeps them distinct */
};

struct lsec_nf_rule {
	struct lsec_nf_key k;
	char *comment; /* owned; "lsec" or "lsec: TEXT" */
	uint64_t packets, bytes;
	char *text;    /* owned, may be NULL: backend's rendering of OTHER rules */
	/* No counter of its own (packets and bytes mean nothing): a set
	 * element loaded in bulk (block --file), where a per-entry counter
	 * would double the kernel's cost of the load.  Asked for in a plan's
	 * adds, reported by list(). */
	bool uncounted;
};

struct lsec_nf_ruleset {
	struct lsec_nf_rule *v;
	size_t n, cap;
};

/* A change: rules to delete, then rules to add (appended in order). */
struct lsec_nf_plan {
	struct lsec_nf_ruleset del, add;
	/* add is the request itself (a backend's plan() found every rule
	 * asked for new and distinct: a first load of 100,000 is not copied);
	 * lsec_nf_plan_free leaves it to its owner */
	bool add_borrowed;
};

void lsec_nf_key_init(struct lsec_nf_key *k, uint8_t family,
		      enum lsec_nf_chain chain, enum lsec_nf_verdict v);
/* Append a copy of r (comment and text duplicated). */
int lsec_nf_ruleset_add(struct lsec_nf_ruleset *s, const struct lsec_nf_rule *r);
/* Keep only the rules i with keep[i] (the others are freed), in order. */
void lsec_nf_ruleset_keep(struct lsec_nf_ruleset *s, const bool *keep);
/* Make room for n more rules (one allocation for a known count). */
int lsec_nf_ruleset_reserve(struct lsec_nf_ruleset *s, size_t n);
void lsec_nf_ruleset_free(struct lsec_nf_ruleset *s);
void lsec_nf_plan_free(struct lsec_nf_plan *p);
static inline bool lsec_nf_plan_empty(const struct lsec_nf_plan *p)
{
	return p->del.n == 0 && p->add.n == 0;
}

/* A hash set of keys, for O(1) "is this rule there". */
struct lsec_nf_keyset {
	const struct lsec_nf_key **slot;
	size_t cap, n;
};
int lsec_nf_keyset_add(struct lsec_nf_keyset *s, const struct lsec_nf_key *k);
/* Room for n more keys without rehashing. */
int lsec_nf_keyset_reserve(struct lsec_nf_keyset *s, size_t n);
bool lsec_nf_keyset_has(const struct lsec_nf_keyset *s,
			const struct lsec_nf_key *k);
/* The key stored equal to k (the first one added), or NULL. */
const struct lsec_nf_key *lsec_nf_keyset_get(const struct lsec_nf_keyset *s,
					     const struct lsec_nf_key *k);
void lsec_nf_keyset_free(struct lsec_nf_keyset *s);

/*
 * The plan that makes every rule of present exist and no rule of absent
 * exist, given the current rules.  Keys already present and absent ones not
 * there are no change (idempotence); duplicates in the input are folded.
 */
int lsec_nf_plan_build(const struct lsec_nf_ruleset *current,
		       const struct lsec_nf_ruleset *present,
		       const struct lsec_nf_ruleset *absent,
		       struct lsec_nf_plan *ret, struct lsec_err *e);
/* The same, but when every rule of present is new and distinct (a first
 * load), the plan's adds are present itself (add_borrowed), not a copy:
 * present must outlive the plan, and the plan must not be changed. */
int lsec_nf_plan_build_lent(const struct lsec_nf_ruleset *current,
			    const struct lsec_nf_ruleset *present,
			    const struct lsec_nf_ruleset *absent,
			    struct lsec_nf_plan *ret, struct lsec_err *e);

/*
 * An address-only DROP in filter INPUT, OUTPUT or FORWARD (what "lsec fw
 * block" writes): the kind of rule a backend keeps as an element of a set
 * instead of a rule of its own.  Fills *p with the address and *dst with
 * its side (destination or source) when they are not NULL.
 */
bool lsec_nf_key_block_addr(const struct lsec_nf_key *k,
			    struct lsec_inet_prefix *p, bool *dst);

/* ---- names and rendering ---- */

const char *lsec_nf_table_name(enum lsec_nf_chain c);  /* "filter", "nat" */
const char *lsec_nf_hook_name(enum lsec_nf_chain c);   /* "INPUT", ... */
const char *lsec_nf_chain_name(enum lsec_nf_chain c);  /* "LSEC-INPUT", ... */
const char *lsec_nf_verdict_name(enum lsec_nf_verdict v); /* "drop", ... */
/* iptables-save style: "-A LSEC-INPUT -s 192.0.2.1/32 ... -j DROP". */
void lsec_nf_rule_format(const struct lsec_nf_rule *r, char *buf, size_t n);
/* The lsec command that makes this rule ("lsec fw block 192.0.2.1"), or ""
 * for a rule no lsec verb writes alone. */
void lsec_nf_rule_command(const struct lsec_nf_rule *r, char *buf, size_t n);
/* Rule fields as text: "192.0.2.0/24" (src/dst), "22" or "8000:8100". */
void lsec_nf_key_src(const struct lsec_nf_key *k, char *buf, size_t n);
void lsec_nf_key_dst(const struct lsec_nf_key *k, char *buf, size_t n);
void lsec_nf_format_ports(const struct lsec_port_range *p, char *buf, size_t n);
void lsec_nf_key_to(const struct lsec_nf_key *k, char *buf, size_t n);

/* ---- user input -> rules ---- */

enum { LSEC_NF_DIR_IN = 1, LSEC_NF_DIR_OUT = 2 };
enum { LSEC_NF_FAM_V4 = 1, LSEC_NF_FAM_V6 = 2 };

/* "PORT[/PROTO]": protos is a bit set (1 tcp, 2 udp), both when no PROTO. */
enum { LSEC_NF_TCP = 1, LSEC_NF_UDP = 2 };
int lsec_nf_parse_portspec(const char *s, struct lsec_port_range *ret,
			   unsigned *ret_protos, struct lsec_err *e);
/* The comment lsec writes: "lsec" or "lsec: TEXT" (TEXT checked). */
int lsec_nf_make_comment(const char *text, char *buf, size_t n,
			 struct lsec_err *e);

/* block/unblock ADDR: rules for each prefix and direction.  With reject,
 * TCP gets a reset and everything else ICMP port-unreachable; for unblock
 * (all=true) every variant (drop, reject, both directions) is produced. */
int lsec_nf_rules_block(const struct lsec_inet_prefix *addrs, size_t n,
			unsigned dirs, bool reject, bool all,
			const char *comment, struct lsec_nf_ruleset *out,
			struct lsec_err *e);
/* allow/deny PORT: ACCEPT (or DROP/REJECT) in LSEC-INPUT for each protocol,
 * from an optional source (else both families). */
int lsec_nf_rules_port(enum lsec_nf_verdict v, const struct lsec_port_range *p,
		       unsigned protos, const struct lsec_inet_prefix *from,
		       const char *comment, struct lsec_nf_ruleset *out,
		       struct lsec_err *e);
/* forward PORT --to ADDR[:PORT]: DNAT in nat PREROUTING and OUTPUT (local
 * destinations only) and the FORWARD accepts both ways. */
int lsec_nf_rules_forward(const struct lsec_port_range *p, unsigned protos,
			  const struct lsec_inet_prefix *to, uint16_t to_port,
			  const char *in_iface, const char *comment,
			  struct lsec_nf_ruleset *out, struct lsec_err *e);
/* masquerade --out-iface IF [--from CIDR]. */
int lsec_nf_rules_masquerade(const char *out_iface,
			     const struct lsec_inet_prefix *from,
			     const char *comment, struct lsec_nf_ruleset *out,
			     struct lsec_err *e);

/* ---- backends ---- */

struct lsec_nf_backend; /* one open session (holds the lock while open) */

struct lsec_nf_open_opts {
	int64_t wait_ms;   /* lock: -1 wait forever, 0 fail at once */
	bool write;        /* take the xtables lock */
};

struct lsec_nf_family_status {
	bool available;                    /* the kernel has the tables */
	bool chain[LSEC_NF_CHAIN_MAX];     /* lsec's chain exists */
	bool hooked[LSEC_NF_CHAIN_MAX];    /* ... and the built-in jumps to it */
	unsigned rules[LSEC_NF_CHAIN_MAX]; /* rules in it */
};

#define LSEC_NF_MAX_WARNINGS 8
struct lsec_nf_status {
	const char *backend; /* "legacy" */
	struct lsec_nf_family_status fam[2]; /* [0] IPv4, [1] IPv6 */
	bool ip_forward[2];                  /* forwarding on, per family */
	unsigned nwarnings;
	char warnings[LSEC_NF_MAX_WARNINGS][256];
};

/* Add a warning to a status (the first LSEC_NF_MAX_WARNINGS are kept). */
void lsec_nf_warn(struct lsec_nf_status *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The warning for port forwards while IP forwarding is off. */
void lsec_nf_warn_forwarding(struct lsec_nf_status *st);

struct lsec_nf_backend_ops {
	const char *name;
	/* Open a session: check the facility, take the lock when o->write. */
	int (*open)(const struct lsec_nf_open_opts *o,
		    struct lsec_nf_backend **ret, struct lsec_err *e);
	/* lsec's rules in order (chain by chain), with counters. */
	int (*list)(struct lsec_nf_backend *b, struct lsec_nf_ruleset *out,
		    struct lsec_err *e);
	/* Optional: the plan of lsec_nf_plan_build against the current rules
	 * without listing them all (a backend that keeps addresses in sets
	 * looks up just the requested ones).  Returns 1 with *ret filled, 0
	 * when it cannot (the caller lists and plans), or a negative errno.
	 * A later apply() commits the plan. */
	int (*plan)(struct lsec_nf_backend *b, const struct lsec_nf_ruleset *present,
		    const struct lsec_nf_ruleset *absent, struct lsec_nf_plan *ret,
		    struct lsec_err *e);
	/* Commit a plan: one commit per table and family; all or nothing. */
	int (*apply)(struct lsec_nf_backend *b, const struct lsec_nf_plan *p,
		     struct lsec_err *e);
	/* Remove lsec's chains and jumps (everything in them is listed in
	 * removed); with check, only report.  Returns the number of chains
	 * and jumps that exist(ed). */
	int (*flush)(struct lsec_nf_backend *b, bool check,
		     struct lsec_nf_ruleset *removed, struct lsec_err *e);
	/* Give back the jump to each lsec chain that holds rules but lost it
	 * (someone flushed INPUT), and (legacy) the rule of each block set
	 * that holds entries but lost it; with check, only count.  Returns
	 * how many jumps and rules are (or would be) restored.  NULL where there are no jumps
	 * (nf_tables: lsec's base chains hook themselves). */
	int (*repair)(struct lsec_nf_backend *b, bool check, struct lsec_err *e);
	int (*status)(struct lsec_nf_backend *b, struct lsec_nf_status *st,
		      struct lsec_err *e);
	void (*close)(struct lsec_nf_backend *b);
};

extern const struct lsec_nf_backend_ops lsec_nf_iptc_ops;

/* The backend called name ("legacy"), or the default for NULL/"auto". */
const struct lsec_nf_backend_ops *lsec_nf_backend_find(const char *name);

/* Is IP forwarding on for family 4 or 6 (this network namespace)? */
bool lsec_nf_forwarding(uint8_t family);

/* Lock file iptables uses: $XTABLES_LOCKFILE or /run/xtables.lock. */
const char *lsec_nf_lock_path(void);
/* flock() it exclusively, waiting up to wait_ms (-1 forever).  Returns
 * the fd, or -EWOULDBLOCK/-ETIMEDOUT with a message. */
int lsec_nf_lock(int64_t wait_ms, struct lsec_err *e);

#endif
