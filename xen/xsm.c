/*
 * Xen's security modules, as far as Debian's toolstack meets them: the dummy
 * policy's privilege check for sysctl and domctl, and xsm_op, which neither
 * the dummy policy nor SILO (Debian's default) implements.
 */
#include <xen/toolstack.h>
#include <domus/domain.h>
#include <xen/pv.h>
#include <public/errno.h>

/*
 * The dummy policy also lets a xenstore domain read domain information and
 * a device model act on its target; Domus has neither, so what is left is
 * whether the caller is the control domain.
 */
int64_t xsm_control(const struct domain *d)
{
	return d->hardware ? 0 : -XEN_EPERM;
}

/* libxl takes FLASK_SID_TO_CONTEXT's -ENOSYS as "no security label". */
int64_t do_xsm_op(struct vcpu *v, uint64_t op)
{
	(void)v;
	(void)op;
	return -XEN_ENOSYS;
}
