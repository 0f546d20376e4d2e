/*
 * A domain's Xen PV interface (dom0less "xen,enhanced"): shared_info, event
 * channels, grant table, HVM parameters and the PV console that Domus
 * itself serves until a privileged domain exists.
 */
#ifndef DOMUS_XEN_PV_H
#define DOMUS_XEN_PV_H

#include <domus/config.h>
#include <domus/lib.h>
#include <public/xen.h>
#include <asm/spinlock.h>

#define EVTCHN_MAX_PORTS   1024		/* Xen's default limit for a DomU */
#define GNT_MAX_FRAMES     64
#define GNT_ENTRIES_PER_FRAME (PAGE_SIZE / sizeof(struct grant_entry_v1))
#define GNT_MAX_ENTRIES    (GNT_MAX_FRAMES * GNT_ENTRIES_PER_FRAME)
#define MAPTRACK_MAX       1024
#define CONSOLE_CALLS_PER_SEC 200	/* console_io writes a domain may make per second */
#define CONSOLE_KICKS_PER_SEC 200	/* PV console notifications served per second */
#define UNMAP_DEFER        64		/* pages remove_from_physmap holds before one TLB flush */

struct domain;
struct vcpu;

struct evtchn {
	uint8_t state;		/* EVTCHNSTAT_* */
	uint8_t vcpu;		/* which vCPU is notified */
	bool to_domus;		/* the other end is Domus (the PV console) */
	uint16_t remote_dom;	/* unbound: who may bind; interdomain: the peer */
	uint32_t remote_port;
	uint32_t virq;
};

/* Events counted in the current one-second window, for rate limits. */
struct rate_window {
	uint64_t start;
	unsigned count;
};

/* How many mappings of one of our grants other domains hold. */
struct gnt_pin {
	uint16_t readers;
	uint16_t writers;
};

/* A grant this domain has mapped from another one. */
struct maptrack {
	bool used;
	bool readonly;
	struct domain *granter;	/* held (domain_hold()) while mapped */
	uint32_t ref;
	uint64_t host_gfn;
	uint64_t pa;		/* the granter's page, referenced while mapped */
};

/* A page a p2m entry held a reference on, taken out of the map. */
struct p2m_taken {
	uint64_t pa;		/* 0: none */
	bool own;		/* the domain's RAM; else another domain's page it mapped */
};

struct xen_pv {
	uint64_t shared_info_pa;
	uint64_t vcpu_info_pa[MAX_VCPUS];	/* 0: the legacy slot (vCPU 0) or none */
	uint64_t vcpu_info_gfn[MAX_VCPUS];	/* pinned: the guest may not give these away */
	uint64_t vcpu_info_page[MAX_VCPUS];	/* the page, referenced while registered */
	uint64_t runstate_gva[MAX_VCPUS];
	uint64_t params[HVM_NR_PARAMS];
	struct evtchn ports[EVTCHN_MAX_PORTS];
	uint32_t virq_port[MAX_VCPUS][NR_VIRQS];
	spinlock_t gnt_lock;
	unsigned gnt_frames;
	uint64_t gnt_frame_pa[GNT_MAX_FRAMES];
	struct gnt_pin pins[GNT_MAX_ENTRIES];
	struct maptrack maptrack[MAPTRACK_MAX];
	uint64_t console_ring_pa;
	uint32_t console_port;
	bool console_used;		/* the guest has written to its PV console */
	spinlock_t console_lock;	/* the rate windows below, and console_deferred */
	struct rate_window console_writes;	/* console_io calls */
	struct rate_window console_kicks;	/* notifications of the console port */
	bool console_deferred;		/* a notification waits for the next window */
	char console_in[256];		/* Dom0: keys typed, for console_io read */
	uint32_t console_in_head, console_in_len;
	bool runstate_update_flag;	/* vm_assist: mark runstate updates in progress */
	struct p2m_taken unmapped[UNMAP_DEFER];	/* taken out, held until a TLB flush (p2m lock) */
	unsigned nr_unmapped;
};

/*
 * Sets up the PV interface of a domain built with xen,enhanced; tears it
 * down when the domain is destroyed (relinquish), and frees what is left,
 * its grant table, once no other domain maps its pages (free).
 */
const char *pv_domain_init(struct domain *d);
void pv_domain_relinquish(struct domain *d);
void pv_domain_free(struct domain *d);

/* Whether Domus keeps a pointer into this RAM page (a registered vcpu_info). */
bool pv_page_pinned(const struct domain *d, uint64_t gfn);

/*
 * Gives d's gfn a page within its limit, as populate_physmap does: a fresh
 * scrubbed one, or a direct-mapped domain's own; true if it has one now.
 */
bool memory_populate(struct domain *d, uint64_t gfn);
/* Pages claimed (XENMEM_claim_pages) and not yet populated, all domains'. */
uint64_t memory_outstanding_claims(void);
/* What is left of d's claim goes back (d is destroyed). */
void memory_release_claim(struct domain *d);
/* Flushes d's TLBs of what remove_from_physmap took out and lets go of those pages. */
void memory_unmapped_release(struct domain *d);
/* Whether the hypercall is one that leaves them held (remove_from_physmap itself). */
bool memory_keeps_unmapped(uint64_t nr, const uint64_t *args);

/* Event channels. */
void evtchn_set_pending(struct domain *d, uint32_t port);
void evtchn_raise_virq(struct vcpu *v, uint32_t virq);
int evtchn_alloc_for_domus(struct domain *d);
/* A port of d's left unbound for domain `remote` to bind (as the toolstack's alloc_unbound); 0 if none is free. */
int evtchn_alloc_unbound_for(struct domain *d, domid_t remote);
void evtchn_close_all(struct domain *d);

/* The PV console Domus serves: the guest notified its port; deferred notifications served. */
void pv_console_notify(struct domain *d);
extern unsigned pv_console_nr_deferred;	/* domains whose notification waits */
static inline bool pv_console_deferred(void)
{
	return __atomic_load_n(&pv_console_nr_deferred, __ATOMIC_ACQUIRE);
}
/* Serves deferred notifications whose window has come (when pv_console_deferred()). */
void pv_console_poll(void);
void pv_console_destroy(struct domain *d);
bool pv_console_receive(struct domain *d, char c);

/* The grant mappings d holds of other domains' pages. */
void gnttab_release_mappings(struct domain *d);
/* Host address of grant-table frame idx, growing the table to it; 0 if beyond the limit. */
uint64_t gnttab_frame(struct domain *d, uint64_t idx);

/* Hypercall handlers (the table is in xen/hypercall.c): the guest's arguments, in order. */
int64_t do_xen_version(struct vcpu *v, uint64_t cmd, uint64_t arg);
int64_t do_memory_op(struct vcpu *v, uint64_t cmd, uint64_t arg);
int64_t do_vcpu_op(struct vcpu *v, uint64_t cmd, uint64_t vcpuid, uint64_t arg);
/*
 * Domains' watchdogs (SCHEDOP_watchdog): those past their deadline shut
 * their domain down as Xen does (SHUTDOWN_watchdog); and when to look next
 * (0: none armed).  Every CPU's scheduler loop calls both.
 */
void pv_watchdogs_check(uint64_t now);
uint64_t pv_watchdogs_next(void);
int64_t do_sched_op(struct vcpu *v, uint64_t cmd, uint64_t arg);
int64_t do_event_channel_op(struct vcpu *v, uint64_t cmd, uint64_t arg);
int64_t do_grant_table_op(struct vcpu *v, uint64_t cmd, uint64_t uop, uint64_t count);
int64_t do_hvm_op(struct vcpu *v, uint64_t op, uint64_t arg);
int64_t do_console_io(struct vcpu *v, uint64_t cmd, uint64_t count, uint64_t buf);
int64_t do_vm_assist(struct vcpu *v, uint64_t cmd, uint64_t type);
/* The toolstack's (xen/sysctl.c, domctl.c, xsm.c, platform_op.c, hypfs.c). */
int64_t do_sysctl(struct vcpu *v, uint64_t arg);
int64_t do_domctl(struct vcpu *v, uint64_t arg);
int64_t do_xsm_op(struct vcpu *v, uint64_t op);
int64_t do_platform_op(struct vcpu *v, uint64_t arg);
int64_t do_hypfs_op(struct vcpu *v, uint64_t cmd, uint64_t path, uint64_t len, uint64_t buf,
		    uint64_t size);

#endif
