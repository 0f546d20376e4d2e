/*
 * Scheduling policies.  The core (sched/core.c) runs vCPUs; a policy decides
 * which one and for how long, for the CPUs and domains of a CPU pool
 * (domus/cpupool.h).  Policies are called with sched_lock held and take the
 * time as an argument, so their logic runs on the host in unit tests
 * exactly as in Domus.
 */
#ifndef DOMUS_SCHED_POLICY_H
#define DOMUS_SCHED_POLICY_H

#include <domus/lib.h>
#include <asm/spinlock.h>

struct vcpu;
struct pcpu;

enum sched_prio { PRIO_BOOST, PRIO_UNDER, PRIO_OVER };

/* Per-vCPU scheduling state. */
struct sched_vcpu {
	int64_t credit;		/* counter ticks it may still run this period */
	enum sched_prio prio;
	bool parked;		/* capped and out of credit until the next period */
	bool active;		/* wanted the CPU during this accounting period */
	uint64_t affinity;	/* physical CPUs it may run on (hard affinity) */
	uint64_t soft_affinity;	/* those it prefers, where allowed (Xen's soft affinity) */
	uint64_t last_ran;	/* when it last stopped running: equals take turns by it */
};

struct sched_params {
	uint64_t freq;		/* counter ticks per second */
	uint64_t tslice;	/* ticks */
	uint64_t ratelimit;	/* ticks a vCPU runs at least before it is preempted */
	uint64_t period;	/* credit accounting period, ticks */
	unsigned tslice_ms;	/* the two as given, which the toolstack reads back */
	unsigned ratelimit_us;
};

struct sched_ops {
	const char *name;
	unsigned xen_id;	/* the XEN_SCHEDULER_* of the Xen scheduler it follows */
	/* Places a new vCPU on a CPU's run queue; NULL or why it cannot run. */
	const char *(*add_vcpu)(struct vcpu *v);
	/* Chooses what CPU c runs from `now` (NULL: idle) and until when (0: no limit). */
	struct vcpu *(*pick)(struct pcpu *c, uint64_t now, uint64_t *until);
	/* v ran `ticks` up to `now`. */
	void (*ran)(struct vcpu *v, uint64_t ticks, uint64_t now);
	/* v was blocked and has something to do. */
	void (*woke)(struct vcpu *v);
};

extern const struct sched_ops sched_credit_ops;
extern const struct sched_ops sched_null_ops;
/* The policy with this name, or this XEN_SCHEDULER_* number; NULL if none. */
const struct sched_ops *sched_policy_named(const char *name);
const struct sched_ops *sched_policy_numbered(unsigned xen_id);
/* A new pool's parameters: the command line's. */
extern struct sched_params sched_boot_params;
/* Run queues, pools, and every vCPU's scheduling state. */
extern spinlock_t sched_lock;

/*
 * What CPU c runs from `now`: the running vCPU, unless its slice is over or
 * something changed, in which case the policy chooses again.
 */
struct vcpu *sched_choose(struct pcpu *c, const struct sched_ops *ops, uint64_t now);

/* Shared by the policies and the core. */
bool sched_runnable(const struct vcpu *v);
/* The CPUs v may run on: its hard affinity within its domain's pool. */
uint64_t sched_allowed(const struct vcpu *v);
/* The CPUs v prefers: its soft affinity where its hard one allows, else the hard one. */
uint64_t sched_preferred(const struct vcpu *v);
/*
 * Where v goes on a run queue: the least loaded CPU it prefers, else the
 * least loaded it may use; NULL if its affinity names no CPU that exists.
 */
struct pcpu *sched_place(const struct vcpu *v);
/* CPU c chooses again: at its next exit, or now if it is this one or idle. */
void sched_resched(struct pcpu *c);
void sched_runq_add(struct pcpu *c, struct vcpu *v);
void sched_runq_remove(struct pcpu *c, struct vcpu *v);
void sched_set_params(struct sched_params *p, uint64_t freq, unsigned tslice_ms,
		      unsigned ratelimit_us);

#endif
