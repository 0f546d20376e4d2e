/* Runstate accounting of PV vCPUs (Xen's vcpu_runstate_info). */
#ifndef DOMUS_RUNSTATE_H
#define DOMUS_RUNSTATE_H

#include <domus/lib.h>

struct vcpu;

/* Counter ticks in nanoseconds, Xen's unit of time; without overflow. */
uint64_t ticks_to_ns(uint64_t ticks);

/* Moves the vCPU to a RUNSTATE_*; call only where its state is loaded. */
void runstate_set(struct vcpu *v, int state);
/* Copies the figures to the guest's registered area (the vCPU must be loaded here). */
void runstate_publish(struct vcpu *v);
/* The state a vCPU that is not running is in. */
int runstate_when_stopped(const struct vcpu *v);

#endif
