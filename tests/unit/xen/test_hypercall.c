/*
 * The hypercall table (xen/hypercall.c): which calls exist, who may make
 * them, how arguments reach the handlers, and multicall.
 */
#include "hypercall.h"
#include <public/errno.h>
#include <public/xen.h>

TEST(unknown_numbers_are_enosys)
{
	struct vcpu *v = fake_pv_domain(1)->vcpu[0];
	static const uint64_t numbers[] = {
		0, 1, 11, 14, 16, __HYPERVISOR_physdev_op, 35, NR_HYPERCALLS - 1, NR_HYPERCALLS,
		1ull << 40, ~0ull,
	};

	for (unsigned i = 0; i < ARRAY_SIZE(numbers); i++)
		CHECK_EQ(hypercall(v, numbers[i], 0, 0, 0), -XEN_ENOSYS);
}

TEST(a_domain_without_the_pv_interface_gets_enosys_for_everything)
{
	struct vcpu *v = fake_domain(1)->vcpu[0];

	for (uint64_t nr = 0; nr < NR_HYPERCALLS; nr++)
		CHECK_EQ(hypercall(v, nr, XENVER_version, 0, 0), -XEN_ENOSYS);
}

TEST(arguments_reach_the_handler_in_order)
{
	struct domain *d = fake_pv_domain(2);
	struct vcpu *v = d->vcpu[0];
	domid_t *self = arg_ptr(d, 0);
	char *text = arg_ptr(d, 64);

	/* One argument used. */
	CHECK_EQ(hypercall(v, __HYPERVISOR_xen_version, XENVER_version, 0, 0),
		 XEN_VERSION_MAJOR << 16 | XEN_VERSION_MINOR);
	CHECK_EQ(hypercall(v, __HYPERVISOR_xen_version, XENVER_pagesize, 0, 0), PAGE_SIZE);
	/* Two: a command and a pointer. */
	*self = DOMID_SELF;
	CHECK_EQ(hypercall(v, __HYPERVISOR_memory_op, XENMEM_current_reservation, arg_gva(d, 0), 0),
		 FAKE_PV_RAM_PAGES);
	/* Three: the vCPU id is the second argument of vcpu_op. */
	CHECK_EQ(hypercall(v, __HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area, 2,
			   arg_gva(d, 0)), -XEN_ENOENT);
	/* Three: console_io's count and buffer. */
	memcpy(text, "three args\n", 11);
	CHECK_EQ(hypercall(v, __HYPERVISOR_console_io, CONSOLEIO_write, 11, arg_gva(d, 64)), 0);
	CHECK_STR(guest_output(d, NULL), "three args\n");
	/* The result replaces what was there; nothing else is written. */
	CHECK_EQ(v->arch.regs[3], 0xbad0bad0bad0bad0ull);
}

struct multicall_entry {
	uint64_t op;
	uint64_t result;
	uint64_t args[6];
};

TEST(multicall_runs_each_entry_and_reports_each_result)
{
	struct domain *d = fake_pv_domain(1);
	struct vcpu *v = d->vcpu[0];
	struct multicall_entry *calls = arg_ptr(d, 0);

	calls[0] = (struct multicall_entry){ __HYPERVISOR_xen_version, 0, { XENVER_version } };
	calls[1] = (struct multicall_entry){ 99, 0, { 0 } };
	calls[2] = (struct multicall_entry){ __HYPERVISOR_multicall, 0, { arg_gva(d, 0), 1 } };
	calls[3] = (struct multicall_entry){ __HYPERVISOR_xen_version, 0, { XENVER_pagesize } };
	CHECK_EQ(hypercall(v, __HYPERVISOR_multicall, arg_gva(d, 0), 4, 0), 0);
	CHECK_EQ(calls[0].result, XEN_VERSION_MAJOR << 16 | XEN_VERSION_MINOR);
	CHECK_EQ(calls[1].result, (uint64_t)-XEN_ENOSYS);
	CHECK_EQ(calls[2].result, (uint64_t)-XEN_EINVAL);	/* no multicall inside a multicall */
	CHECK_EQ(calls[3].result, PAGE_SIZE);
	/* The list itself must be readable. */
	CHECK_EQ(hypercall(v, __HYPERVISOR_multicall, d->ram_base + d->ram_size, 1, 0),
		 -XEN_EFAULT);
}

TEST(multicall_limits_its_batch)
{
	struct domain *d = fake_pv_domain(1);

	CHECK_EQ(hypercall(d->vcpu[0], __HYPERVISOR_multicall, arg_gva(d, 0), 65, 0), -XEN_EINVAL);
	CHECK_EQ(hypercall(d->vcpu[0], __HYPERVISOR_multicall, arg_gva(d, 0), 0, 0), 0);
}
