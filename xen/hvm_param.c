/* HVMOP_get_param / set_param: what a guest may learn about its own set-up. */
#include <xen/pv.h>
#include <domus/domain.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <public/errno.h>

/* Parameters a guest may read of itself; none it may write (Xen's rules on Arm). */
static bool guest_readable(uint32_t index)
{
	switch (index) {
	case HVM_PARAM_CALLBACK_IRQ:
	case HVM_PARAM_STORE_PFN:
	case HVM_PARAM_STORE_EVTCHN:
	case HVM_PARAM_CONSOLE_PFN:
	case HVM_PARAM_CONSOLE_EVTCHN:
		return true;
	default:
		return false;
	}
}

int64_t do_hvm_op(struct vcpu *v, uint64_t op, uint64_t arg)
{
	struct xen_hvm_param p;
	int64_t ret;

	if (op != HVMOP_get_param && op != HVMOP_set_param)
		return -XEN_ENOSYS;
	if (copy_from_guest(v, &p, arg, sizeof(p)))
		return -XEN_EFAULT;
	if ((ret = hypercall_target(v, p.domid)))
		return ret;
	if (p.index >= HVM_NR_PARAMS)
		return -XEN_EINVAL;
	if (op == HVMOP_set_param || !guest_readable(p.index))
		return p.index == HVM_PARAM_MONITOR_RING_PFN || guest_readable(p.index) ?
		       -XEN_EPERM : -XEN_EINVAL;
	p.value = v->dom->pv->params[p.index];
	return copy_to_guest(v, arg, &p, sizeof(p)) ? -XEN_EFAULT : 0;
}
