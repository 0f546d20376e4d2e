/* A domctl as the toolstack makes it, for the domctl tests (test_domctl*.c). */
#ifndef UNIT_XEN_DOMCTL_CALL_H
#define UNIT_XEN_DOMCTL_CALL_H

#include "hypercall.h"
#include <public/domctl.h>

static inline struct xen_domctl op_for(uint32_t cmd, domid_t domain)
{
	return (struct xen_domctl){ .cmd = cmd, .interface_version = XEN_DOMCTL_INTERFACE_VERSION,
				    .domain = domain };
}

/* A domctl by v, its structure at the start of its page 0; *op becomes what v then reads there. */
static inline int64_t domctl(struct vcpu *v, struct xen_domctl *op)
{
	return hypercall_with(v, __HYPERVISOR_domctl, op, sizeof(*op));
}

#endif
