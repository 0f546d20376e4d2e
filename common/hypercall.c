/*
 * Xen hypercall dispatch.  Domains without Xen's PV interface (the HVM-style
 * guests of this milestone) get -ENOSYS for every call, as Xen answers a
 * hypercall it does not offer.
 */
#include <domus/hypercall.h>
#include <domus/domain.h>
#include <public/errno.h>

void hypercall_dispatch(struct vcpu *v)
{
	vcpu_reg(v, 0) = (uint64_t)-XEN_ENOSYS;
}
