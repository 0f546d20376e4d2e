/*
 * HVMOP_get_param / set_param, with Xen 4.17's rules on Arm: a guest reads
 * its own set-up (callback, store and console) and sets none of it; the
 * toolstack reads and sets those of any domain, as init-dom0less and xl do.
 */
#include <xen/pv.h>
#include <domus/domain.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <public/errno.h>

/* A guest's set-up, which it may read: callback, store and console. */
static bool set_up(uint32_t index)
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

/* 0 if the caller may read the parameter, else Xen's errno. */
static int64_t may_get(const struct domain *d, const struct vcpu *v, uint32_t index)
{
	if (set_up(index))
		return 0;
	if (index == HVM_PARAM_MONITOR_RING_PFN)
		return d == v->dom ? -XEN_EPERM : 0;
	return -XEN_EINVAL;
}

/* 0 if the caller may set it: the toolstack's parameters, never by the domain itself. */
static int64_t may_set(const struct domain *d, const struct vcpu *v, uint32_t index)
{
	if (!set_up(index) && index != HVM_PARAM_MONITOR_RING_PFN)
		return -XEN_EINVAL;
	return d == v->dom ? -XEN_EPERM : 0;
}

/* A domain without the PV interface has every parameter zero, and keeps none. */
static int64_t param(struct vcpu *v, struct domain *d, uint64_t op, struct xen_hvm_param *p)
{
	int64_t ret;

	if (op == HVMOP_set_param) {
		if ((ret = may_set(d, v, p->index)))
			return ret;
		if (!d->pv)
			return -XEN_EINVAL;
		d->pv->params[p->index] = p->value;
		return 0;
	}
	if ((ret = may_get(d, v, p->index)))
		return ret;
	p->value = d->pv ? d->pv->params[p->index] : 0;
	return 0;
}

int64_t do_hvm_op(struct vcpu *v, uint64_t op, uint64_t arg)
{
	struct xen_hvm_param p;
	struct domain *d;
	int64_t ret;

	if (op != HVMOP_get_param && op != HVMOP_set_param)
		return -XEN_ENOSYS;
	if (copy_from_guest(v, &p, arg, sizeof(p)))
		return -XEN_EFAULT;
	/* Xen's order: the domain, the privilege, then the index (may_get/may_set). */
	if (!(d = hypercall_domain(v, p.domid, &ret)))
		return ret;
	ret = param(v, d, op, &p);
	domain_put(d);
	if (!ret && op == HVMOP_get_param && copy_to_guest(v, arg, &p, sizeof(p)))
		ret = -XEN_EFAULT;
	return ret;
}
