/*
 * The domain list, shared by the three files of a domain's life:
 * core/domain_list.c (look-ups, references, ids), core/domain.c (creation
 * and shutdown) and core/domain_reap.c (destruction and restarts).  Only
 * they include this; everything else goes through <domus/domain.h>.
 */
#ifndef DOMUS_DOMAIN_LIST_H
#define DOMUS_DOMAIN_LIST_H

#include <domus/domain.h>

#define NR_SLOTS (MAX_DOMAINS + 1)	/* Dom0 and MAX_DOMAINS others */

/* In map_refs beside the count: the domain is on the destroyed list (domain_reap.c). */
#define MAP_REFS_DESTROYED (1u << 31)

/* Under `lock` unless said otherwise. */
struct domain_list {
	spinlock_t lock;
	struct domain *slots[NR_SLOTS];	/* the domains on the list, in no order */
	unsigned nr_alive;		/* domains running or about to restart */
	unsigned nr_dying;		/* shut down, not yet destroyed */
	bool boot_done;			/* every boot domain has been built */
	struct domain *destroyed;	/* off the list, structures kept while held */
	bool unheld;			/* one of them may be held no more (atomic) */
	spinlock_t reap_lock;		/* one CPU at a time destroys and rebuilds */
	struct domain *tearing;		/* being destroyed, a slice at a time (reap_lock;
					   set and cleared with lock too) */
	struct domain *building;	/* a restart being built, likewise */
};

extern struct domain_list domains;

/* On the list, if its id is not taken and there is room; else false. */
bool domain_list_add(struct domain *d);

/* A destroyed (or tearing) domain that others still map, for the toolstack's lists. */
static inline bool domain_list_zombie(const struct domain *d)
{
	return __atomic_load_n(&d->map_refs, __ATOMIC_ACQUIRE) != MAP_REFS_DESTROYED;
}

/* The steps of a build that a restart takes apart (domain.c). */
const char *domain_build_begin(struct domain **out, const struct boot_domain *cfg, unsigned id);
const char *domain_build_finish(struct domain *d);
void domain_build_failed(struct domain *d, const struct boot_domain *cfg, unsigned id,
			 const char *err);
void domain_free_structs(struct domain *d);
/* VIRQ_DOM_EXC: "some domain changed state", to every PV domain that listens. */
void domain_announce_state_change(void);

#endif
