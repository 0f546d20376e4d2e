/* A sysctl as the toolstack makes it, for the sysctl tests (test_sysctl.c, test_cpupool.c). */
#ifndef UNIT_XEN_SYSCTL_CALL_H
#define UNIT_XEN_SYSCTL_CALL_H

#include "hypercall.h"
#include <public/sysctl.h>

#define BUF 4096	/* where in the caller's RAM buffers go: pages 1 to 4 */

static inline struct xen_sysctl op_for(uint32_t cmd)
{
	struct xen_sysctl op = { .cmd = cmd, .interface_version = XEN_SYSCTL_INTERFACE_VERSION };

	memset(&op.u, 0xa5, sizeof(op.u));	/* what the caller left there: not to be trusted */
	return op;
}

/* A sysctl by v, its structure at the start of its page 0; *op becomes what v then reads there. */
static inline int64_t sysctl(struct vcpu *v, struct xen_sysctl *op)
{
	return hypercall_with(v, __HYPERVISOR_sysctl, op, sizeof(*op));
}

/* A cpupool_op; the map goes to BUF, which holds 0xa5 bytes before. */
static inline int64_t cpupool(struct vcpu *v, uint32_t which, uint32_t id, uint32_t nr_bits,
			      struct xen_sysctl *op)
{
	*op = op_for(XEN_SYSCTL_cpupool_op);
	op->u.cpupool_op = (struct xen_sysctl_cpupool_op){
		.op = which, .cpupool_id = id, .n_dom = 0xa5a5a5a5,
		.cpumap = { arg_gva(v->dom, BUF), nr_bits } };
	memset(arg_ptr(v->dom, BUF), 0xa5, 16);
	return sysctl(v, op);
}

#endif
