/* Scheduling of vCPUs on physical CPUs, and domain lifecycle. */
#ifndef DOMUS_SCHED_H
#define DOMUS_SCHED_H

#include <domus/lib.h>

struct vcpu;
struct domain;

enum shutdown_reason { SHUTDOWN_POWEROFF, SHUTDOWN_REBOOT, SHUTDOWN_CRASH };

/* Chooses the policy by name; false if there is no such scheduler. */
bool sched_select(const char *name, unsigned tslice_ms, unsigned ratelimit_us);
const char *sched_name(void);
/* Gives the vCPU a place to run; NULL or why the policy cannot run it. */
const char *sched_add_vcpu(struct vcpu *v);
/* The vCPU waits in WFI until it has an interrupt to take. */
void vcpu_block(struct vcpu *v);
void vcpu_power_on(struct vcpu *v, uint64_t pc, uint64_t ctx);
void vcpu_power_off(struct vcpu *v);
void domain_shutdown(struct domain *d, enum shutdown_reason why);
struct pcpu;
/* Saves the vCPU loaded on c so that c holds no guest state. */
void sched_unload(struct pcpu *c);
/* The per-CPU loop: runs vCPUs forever. */
void __attribute__((noreturn)) sched_run(void);

#endif
