/* Xen hypercalls: one table (xen/hypercall.c) maps each number to its handler. */
#ifndef DOMUS_HYPERCALL_H
#define DOMUS_HYPERCALL_H

struct vcpu;

/* Reads the call (hypercall_arch_args()), runs its handler, returns its result. */
void hypercall_dispatch(struct vcpu *v);

#endif
