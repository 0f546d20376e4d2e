/* The guests' EL1 timers and Domus's own (vtimer.c). */
#ifndef ASM_VTIMER_H
#define ASM_VTIMER_H

struct vcpu;

/* This CPU's timer interrupts: the guests' two PPIs, Domus's own, the kick SGI. */
void vtimer_cpu_init(void);
/* After an exit of v: a timer whose line is up and no longer fires lowers it. */
void vtimer_sample(struct vcpu *v);
/* A vCPU comes onto this CPU: its timers' physical PPIs are enabled. */
void vtimer_load(void);

#endif
