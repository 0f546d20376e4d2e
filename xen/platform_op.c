/*
 * platform_op: the control domain's operations on the machine.  Xen 4.17
 * on Arm has one, XENPF_settime64, which records the wall-clock time and
 * updates no guest's (Xen's own "XXX"); Domus does the same.  Others are
 * -ENOSYS after Xen's checks: the structure, its interface version, the
 * caller's privilege.
 */
#include <xen/hypercall.h>
#include <xen/pv.h>
#include <xen/guest_access.h>
#include <xen/toolstack.h>
#include <domus/domain.h>
#include <public/errno.h>

int64_t do_platform_op(struct vcpu *v, uint64_t arg)
{
	struct xen_platform_op op;
	int64_t ret;

	if (copy_from_guest(v, &op, arg, sizeof(op)))
		return -XEN_EFAULT;
	if (op.interface_version != XENPF_INTERFACE_VERSION)
		return -XEN_EACCES;
	if ((ret = xsm_control(v->dom)))
		return ret;
	switch (op.cmd) {
	case XENPF_settime64:
		return op.u.settime64.mbz ? -XEN_EINVAL : 0;
	default:
		return -XEN_ENOSYS;
	}
}
