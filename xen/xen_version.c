/* XENVER_* (xen_version) and vm_assist: what Domus says about itself, as Xen 4.17 does. */
#include <xen/hypercall.h>
#include <domus/domain.h>
#include <xen/guest_access.h>
#include <xen/pv.h>
#include <xen/toolstack.h>
#include <public/errno.h>
#include <asm/guest_abi.h>
#include <domus/arch.h>
#include <domus/cmdline.h>

static int64_t copy_string(struct vcpu *v, uint64_t arg, const char *s, size_t size)
{
	char buf[1024] = { 0 };

	snprintf(buf, MIN(sizeof(buf), size), "%s", s);
	return copy_to_guest(v, arg, buf, size) ? -XEN_EFAULT : 0;
}

/* XENVER_build_id: its size with a NULL buffer, else the bytes if they fit. */
static int64_t build_id(struct vcpu *v, uint64_t arg)
{
	const uint8_t *id;
	uint32_t len, size = arch_build_id(&id);

	if (!size)
		return -XEN_ENODATA;
	if (!arg)
		return size;
	if (copy_from_guest(v, &len, arg, sizeof(len)))
		return -XEN_EFAULT;
	if (!len)
		return -XEN_EINVAL;
	if (size > len)
		return -XEN_ENOBUFS;
	return copy_to_guest(v, arg + sizeof(len), id, size) ? -XEN_EFAULT : (int64_t)size;
}

const struct xen_compile_info xen_compile_info = {
	"gcc", "domus", "domus", __DATE__ " " __TIME__
};
static const uint64_t virt_start;	/* XENVER_platform_parameters: nothing fixed on Arm */

static int64_t get_features(struct vcpu *v, uint64_t arg)
{
	struct xen_feature_info fi;

	if (copy_from_guest(v, &fi, arg, sizeof(fi)))
		return -XEN_EFAULT;
	if (fi.submap_idx != 0)
		return -XEN_EINVAL;
	fi.submap = XEN_FEATURES | (v->dom->hardware ? 1u << XENFEAT_dom0 : 0) |
		    (v->dom->direct_map ? 1u << XENFEAT_direct_mapped :
					  1u << XENFEAT_not_direct_mapped);
	return copy_to_guest(v, arg, &fi, sizeof(fi)) ? -XEN_EFAULT : 0;
}

/* The toolstack's UUID for the domain (XEN_DOMCTL_setdomainhandle); zeros until it sets one. */
static int64_t guest_handle(struct vcpu *v, uint64_t arg)
{
	uint8_t handle[sizeof(v->dom->handle)];

	memcpy(handle, v->dom->handle, sizeof(handle));
	return copy_to_guest(v, arg, handle, sizeof(handle)) ? -XEN_EFAULT : 0;
}

/* No locals to set up here: XENVER_version is the guests' null hypercall. */
int64_t do_xen_version(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
	switch (cmd) {
	case XENVER_version:
		return XEN_VERSION_MAJOR << 16 | XEN_VERSION_MINOR;
	case XENVER_extraversion:
		return copy_string(v, arg, XEN_EXTRAVERSION, 16);
	case XENVER_compile_info:
		return copy_to_guest(v, arg, &xen_compile_info, sizeof(xen_compile_info)) ? -XEN_EFAULT : 0;
	case XENVER_capabilities:
		return copy_string(v, arg, XEN_CAPABILITIES, 1024);
	case XENVER_changeset:
		return copy_string(v, arg, XEN_CHANGESET, 64);
	case XENVER_platform_parameters:
		return copy_to_guest(v, arg, &virt_start, sizeof(virt_start)) ? -XEN_EFAULT : 0;
	case XENVER_get_features:
		return get_features(v, arg);
	case XENVER_pagesize:
		return PAGE_SIZE;
	case XENVER_guest_handle:
		return guest_handle(v, arg);
	/* As Xen's dummy XSM: these two for the control domain only. */
	case XENVER_commandline:
		return copy_string(v, arg, v->dom->hardware ? hv_options()->text : "<denied>", 1024);
	case XENVER_build_id:
		return v->dom->hardware ? build_id(v, arg) : -XEN_EPERM;
	default:
		return -XEN_ENOSYS;
	}
}

int64_t do_vm_assist(struct vcpu *v, uint64_t cmd, uint64_t type)
{
	/* As Xen: the type is checked first; an unknown command is -ENOSYS. */
	if (type != VMASST_TYPE_runstate_update_flag)
		return -XEN_EINVAL;
	if (cmd != VMASST_CMD_enable && cmd != VMASST_CMD_disable)
		return -XEN_ENOSYS;
	v->dom->pv->runstate_update_flag = cmd == VMASST_CMD_enable;
	return 0;
}
