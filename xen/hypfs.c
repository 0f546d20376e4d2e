/*
 * hypfs_op: Xen's hypervisor file system, for the control domain only
 * (-EPERM for others, before anything else), with Xen's checks of the path.
 * Domus answers the version query and publishes no entries yet: a valid
 * path is -ENOENT.
 */
#include <xen/hypercall.h>
#include <xen/pv.h>
#include <xen/guest_access.h>
#include <xen/toolstack.h>
#include <domus/domain.h>
#include <public/errno.h>

int64_t do_hypfs_op(struct vcpu *v, uint64_t cmd, uint64_t path, uint64_t len, uint64_t buf,
		    uint64_t size)
{
	char name[XEN_HYPFS_MAX_PATHLEN];

	if (xsm_control(v->dom))
		return -XEN_EPERM;
	if (cmd == XEN_HYPFS_OP_get_version)
		return path || len || buf || size ? -XEN_EINVAL : XEN_HYPFS_VERSION;
	if (!len || len > sizeof(name))
		return -XEN_EINVAL;
	if (copy_from_guest(v, name, path, len))
		return -XEN_EFAULT;
	if (memchr(name, 0, len) != name + len - 1)
		return -XEN_EINVAL;
	return -XEN_ENOENT;
}
