/* Scheduling of vCPUs on physical CPUs, and domain lifecycle. */
#ifndef DOMUS_SCHED_H
#define DOMUS_SCHED_H

#include <domus/lib.h>

struct vcpu;
struct domain;

/* Chooses pool 0's policy by name, and every pool's first parameters; false if there is no such scheduler. */
bool sched_select(const char *name, unsigned tslice_ms, unsigned ratelimit_us);
/* Pool 0's policy: its name, and the XEN_SCHEDULER_* number the toolstack knows it by. */
const char *sched_name(void);
unsigned sched_xen_id(void);
/* The counter ticks v has run, the run it is in now included. */
uint64_t sched_vcpu_runtime(const struct vcpu *v);
/* Whether v is on a CPU now (Xen's is_running), as opposed to waiting or blocked. */
bool sched_vcpu_running(const struct vcpu *v);
/* Puts d in CPU pool pool_id and its vCPUs on run queues there; NULL or why it cannot. */
const char *sched_add_domain(struct domain *d, unsigned pool_id);
/* The running vCPU gives its CPU up: the scheduler chooses again after this exit. */
void sched_yield(void);
/* The vCPU waits until it has an interrupt to take (WFI on Arm). */
void vcpu_block(struct vcpu *v);
void vcpu_power_on(struct vcpu *v, uint64_t pc, uint64_t ctx);
void vcpu_power_off(struct vcpu *v);
/*
 * Where the vCPU may run from now on (a mask of CPUs); it leaves a CPU not
 * in it.  False, and nothing changes, if the mask has no CPU of its pool.
 */
bool sched_set_affinity(struct vcpu *v, uint64_t cpus);
/* Where it would rather run: credit places it and idle CPUs take it there first. */
void sched_set_soft_affinity(struct vcpu *v, uint64_t cpus);
/* Something changed for v (an interrupt, a power change): its CPU looks again. */
void vcpu_kick(struct vcpu *v);
/* A guest timer of v fired and the architecture raised its interrupt. */
void vcpu_timer_fired(struct vcpu *v);
void sched_remove_domain(struct domain *d);

/* A vCPU as a CPU's run queue holds it, copied out for the run-queue debug key. */
struct sched_entry {
	char dom[16];		/* its domain's name */
	unsigned vcpu;
	bool runnable, parked;
	unsigned prio;		/* enum sched_prio */
	int64_t credit;		/* counter ticks */
};
/*
 * Entry j of CPU cpu's run queue (j < 0: what the CPU runs), copied under
 * the scheduler's lock, since its domain may go the moment it is let go of;
 * false if there is none.
 */
bool sched_entry(unsigned cpu, int j, struct sched_entry *e);
/* Wakes a CPU other than this one that has nothing to run (it looks for work); false if none. */
bool sched_wake_idle_cpu(void);
/* Wakes every other CPU that has nothing to run. */
void sched_wake_idle_cpus(void);
/* v pays for time Domus spent on its behalf, as if it had run (a restart's rebuild). */
void sched_charge(struct vcpu *v, uint64_t ticks);
struct pcpu;
/* Saves the vCPU loaded on c so that c holds no guest state. */
void sched_unload(struct pcpu *c);
/* The per-CPU loop: runs vCPUs forever. */
void __attribute__((noreturn)) sched_run(void);

#endif
