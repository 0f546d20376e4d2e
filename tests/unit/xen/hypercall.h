/*
 * Making a hypercall as a guest does, on the fake port: the number and
 * arguments in the vCPU's registers, hypercall_dispatch(), the result back.
 * Structures go in guest RAM page 0 (guest virtual = guest physical here).
 */
#ifndef UNIT_XEN_HYPERCALL_H
#define UNIT_XEN_HYPERCALL_H

#include "../unit.h"
#include <xen/hypercall.h>

static inline int64_t hypercall(struct vcpu *v, uint64_t nr, uint64_t a0, uint64_t a1,
				uint64_t a2)
{
	v->arch.regs[7] = nr;
	v->arch.regs[0] = a0;
	v->arch.regs[1] = a1;
	v->arch.regs[2] = a2;
	v->arch.regs[3] = v->arch.regs[4] = v->arch.regs[5] = 0xbad0bad0bad0bad0ull;
	v->arch.ret = 0x7777;
	hypercall_dispatch(v);
	return v->arch.ret;
}

/* Issues the call again while Domus continues it, as the guest does; how many times it ran. */
static inline unsigned hypercall_finish(struct vcpu *v)
{
	unsigned runs = 1;

	while (v->arch.continued) {
		hypercall_dispatch(v);
		runs++;
	}
	return runs;
}

/* Guest address of byte off of RAM page 0, where arguments go; and Domus's pointer to it. */
static inline uint64_t arg_gva(struct domain *d, uint64_t off)
{
	return d->bank[0].base + off;
}

static inline void *arg_ptr(struct domain *d, uint64_t off)
{
	return guest_ptr(d, arg_gva(d, off));
}

/* A hypercall whose one argument is a structure: it goes at the start of v's
 * page 0, and *s becomes what v then reads there. */
static inline int64_t hypercall_with(struct vcpu *v, uint64_t nr, void *s, size_t size)
{
	int64_t ret;

	memcpy(arg_ptr(v->dom, 0), s, size);
	ret = hypercall(v, nr, arg_gva(v->dom, 0), 0, 0);
	memcpy(s, arg_ptr(v->dom, 0), size);
	return ret;
}

#endif
