/* Xen hypercalls (HVC #0xEA1): one table maps each number to its handler. */
#ifndef DOMUS_HYPERCALL_H
#define DOMUS_HYPERCALL_H

struct vcpu;

/* Reads the call from x16 and x0-x4, writes the result to x0. */
void hypercall_dispatch(struct vcpu *v);

#endif
