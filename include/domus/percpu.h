/* Per-physical-CPU state. */
#ifndef DOMUS_PERCPU_H
#define DOMUS_PERCPU_H

#include <domus/config.h>
#include <domus/lib.h>
#include <asm/arch_state.h>

struct vcpu;

struct pcpu {
	unsigned id;
	volatile bool online;
	struct vcpu *loaded;		/* whose guest state is in the registers */
	struct vcpu *runq[(MAX_DOMAINS + 1) * MAX_VCPUS];	/* Dom0 and MAX_DOMAINS others, all here */
	unsigned nr_runq;
	struct vcpu *current;		/* what the scheduler chose to run */
	uint64_t run_start;		/* when current was chosen */
	uint64_t slice_end;		/* when to choose again (0: on events only) */
	volatile bool resched;		/* something changed: choose again */
	uint64_t wake_at;		/* earliest timer of a waiting, unloaded vCPU here */
	uint64_t timer_armed;		/* what this CPU's own timer is set to */
	volatile bool idle;
	uint64_t idle_ticks;
	struct arch_pcpu arch;
};

extern struct pcpu pcpus[NR_CPUS];
extern unsigned nr_pcpus;

/* The calling CPU's: arch_this_cpu() (domus/arch.h). */

#endif
