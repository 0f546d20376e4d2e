/* Domains and their virtual CPUs. */
#ifndef DOMUS_DOMAIN_H
#define DOMUS_DOMAIN_H

#include <domus/config.h>
#include <domus/console.h>
#include <domus/lib.h>
#include <domus/mmio.h>
#include <domus/sched_policy.h>
#include <public/xen.h>
#include <asm/spinlock.h>
#include <asm/arch_state.h>

struct boot_domain;
struct xen_pv;

enum vcpu_power { VCPU_OFF, VCPU_ON };

struct vcpu {
	struct arch_vcpu arch;		/* first: the world switch uses its registers */
	unsigned id;
	struct domain *dom;
	volatile enum vcpu_power power;
	volatile bool blocked;		/* waiting for an interrupt */
	volatile bool polling;		/* in SCHEDOP_poll: any event of its domain wakes it */
	volatile bool reset_pending;	/* CPU_ON gave it a new entry point */
	uint64_t reset_pc, reset_ctx;
	unsigned pcpu;			/* the physical CPU it runs on */
	volatile int loaded_on;		/* CPU holding its registers, or -1 */
	uint64_t timer_deadline;	/* when unloaded: counter value its timers fire at */
	uint64_t runtime_ticks;		/* up to its last exit to the scheduler: see sched_vcpu_runtime() */
	uint64_t running_since;		/* counter when run() put it in the guest; 0 when out */
	uint64_t faults_reflected;	/* exceptions Domus delivered to it */
	unsigned fault_streak;		/* ... in a row, with nothing else in between */
	struct sched_vcpu sched;
	struct vcpu_runstate_info runstate;	/* PV guests: Xen runstate accounting */
	uint64_t hcall_start;		/* when its hypercall began (preemption: xen/hypercall.c) */
	uint64_t *hcall_args;		/* the arguments of the call in progress */
	bool hcall_continue;		/* ... which is to be issued again with them */
};

/* Dom0's RAM is where free host RAM is: in this many runs at most (a DomU's is one). */
#define DOMAIN_MAX_BANKS 8

struct ram_bank {
	uint64_t base, size;
};

enum domain_state { DOMAIN_RUNNING, DOMAIN_DYING, DOMAIN_PRESERVED, DOMAIN_DEAD };

struct cpupool;

struct domain {
	unsigned id;
	uint32_t serial;		/* no other domain had it: owns its pages (core/page.c) */
	unsigned refs;			/* domain_get()s not yet put: it is not destroyed before */
	unsigned map_refs;		/* other domains' mappings of its pages (domain_hold()) */
	unsigned list_refs;		/* when destroyed: domain_get_listed_from()s not yet put */
	struct domain *next_dead;	/* destroyed, its structures kept for those mappings */
	bool kept;			/* ... which still existed when it was destroyed */
	uint64_t free_at_destroy;	/* free pages when its destruction began */
	uint64_t build_ticks;		/* time its rebuild (and the destruction before) took */
	char name[16];
	uint8_t handle[16];		/* the toolstack's UUID for it (setdomainhandle) */
	unsigned controller_pause_count;	/* the toolstack's pauses: it runs at 0 */
	volatile bool alive;
	enum domain_state state;
	bool shut_down;			/* stopped by domain_shutdown() (not killed) */
	uint32_t shutdown_code;		/* Xen's SHUTDOWN_* it gave first, or SHUTDOWN_CODE_INVALID */
	unsigned nr_vcpus;
	struct vcpu *vcpu[MAX_VCPUS];
	struct ram_bank bank[DOMAIN_MAX_BANKS];	/* its RAM, guest physical; the kernel's is bank[0] */
	unsigned nr_banks;
	uint64_t ram_size;		/* of all banks */
	uint64_t pages;			/* host pages it holds, tables included */
	uint64_t ram_pages;		/* guest RAM pages populated now */
	uint64_t max_pages;		/* ... and the most it may have */
	uint64_t outstanding_pages;	/* claimed (XENMEM_claim_pages), not yet populated */
	uint64_t populated;		/* while built: bytes of its RAM given so far */
	bool direct_map;		/* Dom0: guest physical = host physical for its RAM */
	bool hardware;			/* Dom0: privileged, console_io's reader (Xen's hardware domain) */
	uint64_t watchdog_deadline[2];	/* SCHEDOP_watchdog's timers (counter ticks; 0: not armed) */
	uint8_t watchdogs_used;		/* ... which of them the guest holds */
	uint64_t paging_mempool_size;	/* what the toolstack asked for its p2m (bytes) */
	uint64_t grant_window;		/* where its DT says the grant table goes (guest physical) */
	uint64_t grant_window_size;
	struct mmio_region mmio[8];
	unsigned nr_mmio;
	struct xen_pv *pv;		/* NULL unless built with xen,enhanced */
	struct console_ring console;
	struct arch_domain arch;
	spinlock_t lock;
	spinlock_t p2m_lock;		/* every change of its p2m, and look-ups that must hold */
	bool reboot;			/* rebuild it once it is destroyed */
	struct cpupool *pool;		/* its CPU pool; NULL once off the scheduler (sched_lock) */
	unsigned pool_id;		/* that pool's id, kept once off it (as Xen reports it) */
	unsigned weight;		/* scheduling: share relative to other domains */
	unsigned cap;			/* scheduling: most CPU it gets, % of one CPU; 0 = none */
	unsigned sched_round;		/* credit accounting bookkeeping */
	unsigned sched_active_vcpus;
	const struct boot_domain *cfg;	/* what it was built from */
};

enum shutdown_reason { SHUTDOWN_POWEROFF, SHUTDOWN_REBOOT, SHUTDOWN_CRASH, SHUTDOWN_KILLED };

/*
 * A domain's life (core/domain.c and core/domain_reap.c describe its steps):
 * created from its boot description, shut down by the guest or killed,
 * reaped and destroyed once no CPU holds its state, and created again if
 * its policy says restart.
 */
struct domain *domain_create(const struct boot_domain *cfg, unsigned id);
/* Ids the toolstack may give a domain: 1 .. this - 1 (Xen's DOMID_FIRST_RESERVED). */
#define DOMAIN_ID_LIMIT 0x7ff0u
/*
 * An id for a new domain: want if no domain has it, or (want 0) the next
 * free one after the last given, as Xen's rover.  False if there is none.
 */
bool domain_pick_id(unsigned want, unsigned *id);
/* Whether the domain of that id is still listed or being taken apart (not whether others still map its pages). */
bool domain_destroy_pending(unsigned id);
/*
 * A domain the toolstack builds (cfg->toolstack, owned by the domain from
 * here on): structures, vCPUs (all off), virtual devices, PV interface and
 * an empty p2m, listed and paused once by the toolstack.  Its RAM, images,
 * vCPU 0's registers, console and store come from the toolstack afterwards.
 */
struct domain *domain_create_empty(struct boot_domain *cfg, unsigned id);
/* The guest powered off, rebooted or crashed; destruction comes later, in domain_reap(). */
void domain_shutdown(struct domain *d, enum shutdown_reason why);
/* Xen's SHUTDOWN_* code of the shutdown, unless one was given before (SCHEDOP_shutdown_code). */
void domain_shutdown_code(struct domain *d, uint32_t code);
/* Destroys the domain, whatever its policy, preserved ones included (later, likewise). */
void domain_kill(struct domain *d);
/* Destroys domains that died once no CPU holds their state; powers off when none is left. */
void domain_reap(void);
/* Whether domain_reap() has anything to do. */
bool domain_reap_wanted(void);
/* A destruction or restart is under way: an idle CPU should not sleep but reap again. */
bool domain_reap_pending(void);
/* From now on, Domus powers off once no domain is left to run. */
void domain_boot_done(void);
/* What is free now must be free again when the last domain is gone (checked then). */
void domain_memory_baseline(void);

/* The vCPU the guest knows by hardware id hwid (arch_vcpu_hwid()), or NULL. */
struct vcpu *domain_vcpu_by_hwid(struct domain *d, uint64_t hwid);
bool domain_ipa_is_ram(const struct domain *d, uint64_t ipa, uint64_t size);
/* Where its highest bank of RAM ends (guest physical). */
uint64_t domain_ram_end(const struct domain *d);
struct domain *domain_next_alive(struct domain *after);
struct domain *domain_by_id(unsigned id);
/*
 * The listed domain after d in id order, held; d is let go (domain_put).
 * With domain_get_from(0), a walk over every domain:
 *   for (d = domain_get_from(0); d; d = domain_get_next(d))
 * (leaving the loop early, put the one in hand).
 */
struct domain *domain_get_next(struct domain *d);
/* The hardware domain (Dom0), held as domain_get() holds; NULL if there is none. */
struct domain *domain_get_hardware(void);
/*
 * Another domain, kept from being destroyed until domain_put(): what a
 * hypercall or a CPU that works on a domain other than its own takes.  NULL
 * if no domain has that id (any state but destroyed qualifies).
 */
struct domain *domain_get(unsigned id);
/* The same for the domain with the lowest id >= id (the toolstack's lists); NULL if none. */
struct domain *domain_get_from(unsigned id);
void domain_put(struct domain *d);
/*
 * A hold on d's structures for a mapping of one of its pages, taken with a
 * domain_get() reference: d can die and be destroyed (its memory returned,
 * a restart under its id) while held, but its structures (its grant table
 * among them) stay until domain_unhold(), as Xen keeps a dying domain.
 */
void domain_hold(struct domain *d);
void domain_unhold(struct domain *d);
/*
 * Drops a toolstack's foreign mapping of pa (XENMAPSPACE_gmfn_foreign,
 * acquire_resource): the page's reference and the hold (domain_hold()) the
 * mapping took on the page's owner, found by the page's serial.
 */
void domain_foreign_put(uint64_t pa);
/*
 * For the toolstack's lists (getdomaininfo): as domain_get_from(), but a
 * domain being destroyed, or destroyed while others still map its pages,
 * is listed too (DOMAIN_DEAD), as Xen lists a dying domain until its last
 * page goes.  Let go with domain_put_listed().
 */
struct domain *domain_get_listed_from(unsigned id);
void domain_put_listed(struct domain *d);
/* A DOMAIN_DEAD domain's pages other domains still map (one per mapping). */
uint64_t domain_pages_mapped_after_death(const struct domain *d);

#endif
