/*
 * CPU pools, as Xen's cpupools.  Every physical CPU is in one pool or free,
 * and every live domain is in one pool, whose scheduler runs its vCPUs on
 * the pool's CPUs only, with the pool's own parameters.  Pool 0 exists from
 * boot and holds every CPU no other pool took (so CPUs that come up later
 * join it, as on Xen); CPU 0 never leaves it.
 *
 * The operations keep Xen 4.17's rules and errno values; they take the
 * scheduler's lock, under which the pools are read and changed.
 */
#ifndef DOMUS_CPUPOOL_H
#define DOMUS_CPUPOOL_H

#include <domus/sched_policy.h>

#define CPUPOOL_ANY   0xffffffffu	/* XEN_SYSCTL_CPUPOOL_PAR_ANY: any id, any CPU */
#define MAX_CPUPOOLS  (2 * NR_CPUS)	/* Xen allows twice as many pools as CPUs */

struct domain;

struct cpupool {
	unsigned id;
	bool used;
	unsigned n_dom;
	uint64_t cpus;			/* pool 0's: see cpupool_cpus() */
	const struct sched_ops *ops;
	struct sched_params params;
	uint64_t next_accounting;	/* the credit policy's bookkeeping */
	unsigned accounting_round;
};

/* What INFO reports of a pool. */
struct cpupool_info {
	unsigned id, sched_id, n_dom;
	uint64_t cpus;
};

extern struct cpupool cpupool0;

/* The pool's CPUs; pool 0's are those neither free nor in another pool. */
uint64_t cpupool_cpus(const struct cpupool *p);
/* CPU i's pool, or NULL if it is free.  With sched_lock, as the next. */
struct cpupool *cpupool_of_cpu(unsigned i);
struct cpupool *cpupool_find(uint32_t id);

int cpupool_create(uint32_t *id, unsigned sched_id);
int cpupool_destroy(uint32_t id);
/* The pool with the lowest id at or above `from`; false if none. */
bool cpupool_info(uint32_t from, struct cpupool_info *out);
int cpupool_add_cpu(uint32_t id, uint32_t cpu);
int cpupool_remove_cpu(uint32_t id, uint32_t cpu);
int cpupool_move_domain(struct domain *d, uint32_t id);
uint64_t cpupool_free_cpus(void);
/* Whether a new domain may go in pool id: 0, -ESRCH (no such pool) or -ENODEV (no CPU). */
int cpupool_usable(uint32_t id);
/* The XEN_SCHEDULER_* of d's pool; 0 once d has left the scheduler. */
unsigned cpupool_sched_of(const struct domain *d);
/* Pool id's time slice and rate limit, if its scheduler is sched_id (-ESRCH, -EINVAL). */
int cpupool_get_params(uint32_t id, unsigned sched_id, struct sched_params *out);
int cpupool_set_params(uint32_t id, unsigned sched_id, unsigned tslice_ms, unsigned ratelimit_us);
struct boot_info;
/*
 * The boot-time pools of the device tree, once the CPUs are up; the boot
 * domains' pool numbers set.  NULL, or what is wrong (the node named).
 */
const char *cpupool_boot(struct boot_info *bi);
/* Back to pool 0 alone, with every CPU (unit tests, between cases). */
void cpupool_reset(void);

#endif
