/* Xen hypercalls: one table (xen/hypercall.c) maps each number to its handler. */
#ifndef DOMUS_HYPERCALL_H
#define DOMUS_HYPERCALL_H

#include <domus/lib.h>
#include <public/xen.h>

struct vcpu;

/*
 * Whether a call naming domid may act on it, in Xen's order: 0 for the
 * caller itself, -ESRCH if no domain has that id, -EPERM for another domain
 * (a DomU may not act on others).
 */
int64_t hypercall_target(const struct vcpu *v, domid_t domid);
/*
 * The domain a toolstack-capable call names, held (domain_put()): the
 * caller's own, or any for a caller privileged over it (Xen's dummy XSM:
 * the control domain).  NULL and *err = -ESRCH or -EPERM otherwise.
 */
struct domain *hypercall_domain(const struct vcpu *v, domid_t domid, int64_t *err);

/* The longest any hypercall, or a continued part of one, kept its CPU (microseconds). */
uint64_t hypercall_longest_us(void);

/* Whether the call in progress has had its share of the CPU. */
bool hypercall_preempt_check(const struct vcpu *v);
/*
 * Ends the call in progress so that the guest issues it again with these
 * first three arguments (the others unchanged), as Xen's continuations do;
 * the handler returns what this returns.
 */
int64_t hypercall_continue(struct vcpu *v, uint64_t a0, uint64_t a1, uint64_t a2);

/* The name of Domus's handler for hypercall nr ("memory_op"); NULL if it has none. */
const char *hypercall_name(uint64_t nr);

/* Reads the call (hypercall_arch_args()), runs its handler, returns its result. */
void hypercall_dispatch(struct vcpu *v);

#endif
