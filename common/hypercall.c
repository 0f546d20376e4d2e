/*
 * Xen hypercall dispatch: the one table mapping each hypercall number to its
 * handler.  Domains without Xen's PV interface (HVM-style guests) get -ENOSYS
 * for every call, as does any number not in the table.
 */
#include <domus/hypercall.h>
#include <domus/domain.h>
#include <domus/xen_pv.h>
#include <domus/guest_access.h>
#include <public/errno.h>

typedef int64_t (*hypercall_fn)(struct vcpu *v, uint64_t a0, uint64_t a1, uint64_t a2,
				uint64_t a3, uint64_t a4);

#define HANDLER(fn) ((hypercall_fn)(void (*)(void))(fn))

static int64_t do_multicall(struct vcpu *v, uint64_t calls, uint64_t nr);

/* Handlers take as many leading arguments as they need. */
static const hypercall_fn hypercalls[NR_HYPERCALLS] = {
	[__HYPERVISOR_memory_op] = HANDLER(do_memory_op),
	[__HYPERVISOR_multicall] = HANDLER(do_multicall),
	[__HYPERVISOR_xen_version] = HANDLER(do_xen_version),
	[__HYPERVISOR_console_io] = HANDLER(do_console_io),
	[__HYPERVISOR_grant_table_op] = HANDLER(do_grant_table_op),
	[__HYPERVISOR_vm_assist] = HANDLER(do_vm_assist),
	[__HYPERVISOR_vcpu_op] = HANDLER(do_vcpu_op),
	[__HYPERVISOR_sched_op] = HANDLER(do_sched_op),
	[__HYPERVISOR_event_channel_op] = HANDLER(do_event_channel_op),
	[__HYPERVISOR_hvm_op] = HANDLER(do_hvm_op),
};

static int64_t call(struct vcpu *v, uint64_t nr, const uint64_t *a)
{
	if (!v->dom->pv || nr >= NR_HYPERCALLS || !hypercalls[nr])
		return -XEN_ENOSYS;
	return hypercalls[nr](v, a[0], a[1], a[2], a[3], a[4]);
}

void hypercall_dispatch(struct vcpu *v)
{
	uint64_t args[5] = { vcpu_reg(v, 0), vcpu_reg(v, 1), vcpu_reg(v, 2), vcpu_reg(v, 3),
			     vcpu_reg(v, 4) };

	vcpu_reg(v, 0) = (uint64_t)call(v, vcpu_reg(v, 16), args);
}

struct multicall_entry {
	uint64_t op;
	uint64_t result;
	uint64_t args[6];
};

#define MULTICALL_MAX 64

static int64_t do_multicall(struct vcpu *v, uint64_t calls, uint64_t nr)
{
	struct multicall_entry e;

	if (nr > MULTICALL_MAX)
		return -XEN_EINVAL;
	for (uint64_t i = 0; i < nr; i++) {
		uint64_t at = calls + i * sizeof(e);

		if (copy_from_guest(v, &e, at, sizeof(e)))
			return -XEN_EFAULT;
		/* A multicall inside a multicall is refused, as Xen does. */
		e.result = e.op == __HYPERVISOR_multicall ? (uint64_t)-XEN_EINVAL
							  : (uint64_t)call(v, e.op, e.args);
		if (copy_to_guest(v, at + offsetof(struct multicall_entry, result), &e.result,
				  sizeof(e.result)))
			return -XEN_EFAULT;
	}
	return 0;
}

/* ---- xen_version ---- */

static int64_t copy_string(struct vcpu *v, uint64_t arg, const char *s, size_t size)
{
	char buf[1024] = { 0 };

	snprintf(buf, MIN(sizeof(buf), size), "%s", s);
	return copy_to_guest(v, arg, buf, size) ? -XEN_EFAULT : 0;
}

int64_t do_xen_version(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
	struct xen_feature_info fi;
	struct xen_compile_info ci = { "gcc", "domus", "domus", "" };
	uint64_t virt_start = 0;
	uint8_t handle[16] = { 0 };

	switch (cmd) {
	case XENVER_version:
		return XEN_VERSION_MAJOR << 16 | XEN_VERSION_MINOR;
	case XENVER_extraversion:
		return copy_string(v, arg, "-domus", 16);
	case XENVER_compile_info:
		return copy_to_guest(v, arg, &ci, sizeof(ci)) ? -XEN_EFAULT : 0;
	case XENVER_capabilities:
		return copy_string(v, arg, "xen-3.0-aarch64 ", 1024);
	case XENVER_changeset:
		return copy_string(v, arg, "domus " DOMUS_VERSION, 64);
	case XENVER_platform_parameters:
		return copy_to_guest(v, arg, &virt_start, sizeof(virt_start)) ? -XEN_EFAULT : 0;
	case XENVER_get_features:
		if (copy_from_guest(v, &fi, arg, sizeof(fi)))
			return -XEN_EFAULT;
		if (fi.submap_idx != 0)
			return -XEN_EINVAL;
		fi.submap = BIT(XENFEAT_writable_page_tables) |
			    BIT(XENFEAT_auto_translated_physmap) |
			    BIT(XENFEAT_memory_op_vnode_supported) |
			    BIT(XENFEAT_ARM_SMCCC_supported) | BIT(XENFEAT_not_direct_mapped);
		return copy_to_guest(v, arg, &fi, sizeof(fi)) ? -XEN_EFAULT : 0;
	case XENVER_pagesize:
		return PAGE_SIZE;
	case XENVER_guest_handle:
		handle[0] = (uint8_t)v->dom->id;
		return copy_to_guest(v, arg, handle, sizeof(handle)) ? -XEN_EFAULT : 0;
	case XENVER_commandline:
		return copy_string(v, arg, "", 1024);
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
