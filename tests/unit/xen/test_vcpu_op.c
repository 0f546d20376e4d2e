/*
 * VCPUOP_* (xen/vcpu_op.c): registering vcpu_info and runstate areas, the
 * only vCPU operations Xen offers on Arm.
 */
#include "hypercall.h"
#include <asm/guest_abi.h>
#include <domus/arch.h>
#include <public/errno.h>
#include <public/xen.h>
#include <xen/pv.h>

static int64_t vcpu_op(struct vcpu *v, uint64_t cmd, uint64_t vcpuid, uint64_t arg)
{
	return hypercall(v, __HYPERVISOR_vcpu_op, cmd, vcpuid, arg);
}

static int64_t register_vcpu_info(struct vcpu *v, unsigned target, uint64_t gfn, uint32_t offset)
{
	struct vcpu_register_vcpu_info *r = arg_ptr(v->dom, 0);

	*r = (struct vcpu_register_vcpu_info){ .mfn = gfn, .offset = offset };
	return vcpu_op(v, VCPUOP_register_vcpu_info, target, arg_gva(v->dom, 0));
}

static uint64_t gfn(struct domain *d, unsigned page)
{
	return (d->bank[0].base >> PAGE_SHIFT) + page;
}

TEST(vcpu_info_moves_out_of_shared_info_with_an_upcall)
{
	struct domain *d = fake_pv_domain(2);
	struct vcpu *v = d->vcpu[0];
	struct shared_info *si = pa_to_va(d->pv->shared_info_pa);
	struct vcpu_info *vi = (struct vcpu_info *)((uint8_t *)guest_ptr(d, d->bank[0].base + PAGE_SIZE) + 64);

	si->vcpu_info[0].evtchn_upcall_mask = 1;
	si->vcpu_info[0].time.system_time = 0x1234;
	CHECK_EQ(register_vcpu_info(v, 0, gfn(d, 1), 64), 0);
	CHECK_EQ(d->pv->vcpu_info_pa[0], va_to_pa(vi));
	CHECK_EQ(vi->evtchn_upcall_mask, 1);		/* copied from the legacy slot */
	CHECK_EQ(vi->time.system_time, 0x1234);
	/* A deliberate upcall, so that nothing pending from before is lost. */
	CHECK_EQ(vi->evtchn_upcall_pending, 1);
	CHECK_EQ(vi->evtchn_pending_sel, ~0ull);
	CHECK_EQ(v->arch.upcalls, 1);
	/* Once per vCPU. */
	CHECK_EQ(register_vcpu_info(v, 0, gfn(d, 2), 0), -XEN_EBUSY);
	/* vCPU 1's, registered by vCPU 0: fresh, and the upcall goes to vCPU 1. */
	CHECK_EQ(register_vcpu_info(v, 1, gfn(d, 2), 0), 0);
	CHECK_EQ(d->vcpu[1]->arch.upcalls, 1);
	CHECK_EQ(v->arch.upcalls, 1);
	CHECK(pv_page_pinned(d, gfn(d, 1)) && pv_page_pinned(d, gfn(d, 2)));
	CHECK(!pv_page_pinned(d, gfn(d, 3)));
}

TEST(vcpu_info_refuses_bad_places)
{
	struct domain *d = fake_pv_domain(2);
	struct vcpu *v = d->vcpu[0];

	CHECK_EQ(register_vcpu_info(v, 0, gfn(d, 1), PAGE_SIZE - sizeof(struct vcpu_info) + 8),
		 -XEN_EINVAL);				/* runs off the page */
	CHECK_EQ(register_vcpu_info(v, 0, gfn(d, 1), 4), -XEN_EINVAL);	/* misaligned */
	CHECK_EQ(register_vcpu_info(v, 0, gfn(d, FAKE_PV_RAM_PAGES), 0), -XEN_EINVAL); /* a hole */
	CHECK_EQ(register_vcpu_info(v, 0, GUEST_MAGIC_BASE >> PAGE_SHIFT, 0), -XEN_EINVAL);
	CHECK_EQ(register_vcpu_info(v, 0, ~0ull, 0), -XEN_EINVAL);
	CHECK_EQ(register_vcpu_info(v, 2, gfn(d, 1), 0), -XEN_ENOENT);	/* no vCPU 2 */
	CHECK_EQ(vcpu_op(v, VCPUOP_register_vcpu_info, 0, d->bank[0].base + d->ram_size), -XEN_EFAULT);
	CHECK_EQ(d->pv->vcpu_info_pa[0], 0);
	CHECK_EQ(v->arch.upcalls, 0);
}

TEST(runstate_area_is_filled_for_the_caller)
{
	struct domain *d = fake_pv_domain(2);
	struct vcpu *v = d->vcpu[0];
	uint64_t *area_gva = arg_ptr(d, 0);
	struct vcpu_runstate_info *info = arg_ptr(d, 512);

	memset(info, 0xff, sizeof(*info));
	v->runstate.state = RUNSTATE_running;
	v->runstate.time[RUNSTATE_running] = 12345;
	*area_gva = arg_gva(d, 512);
	CHECK_EQ(vcpu_op(v, VCPUOP_register_runstate_memory_area, 0, arg_gva(d, 0)), 0);
	CHECK_EQ(d->pv->runstate_gva[0], arg_gva(d, 512));
	CHECK_EQ(info->state, RUNSTATE_running);
	CHECK_EQ(info->time[RUNSTATE_running], 12345);
	/* Another vCPU's area is only recorded: it is copied when that vCPU runs. */
	*area_gva = arg_gva(d, 1024);
	memset(arg_ptr(d, 1024), 0xee, sizeof(*info));
	CHECK_EQ(vcpu_op(v, VCPUOP_register_runstate_memory_area, 1, arg_gva(d, 0)), 0);
	CHECK_EQ(d->pv->runstate_gva[1], arg_gva(d, 1024));
	CHECK_EQ(*(uint8_t *)arg_ptr(d, 1024), 0xee);
	CHECK_EQ(vcpu_op(v, VCPUOP_register_runstate_memory_area, 0, 0), -XEN_EFAULT);
}

TEST(other_vcpu_operations_are_not_offered)
{
	struct vcpu *v = fake_pv_domain(2)->vcpu[0];

	for (uint64_t cmd = 0; cmd < 16; cmd++)
		if (cmd != VCPUOP_register_vcpu_info && cmd != VCPUOP_register_runstate_memory_area)
			CHECK_EQ(vcpu_op(v, cmd, 1, 0), -XEN_EINVAL);
	CHECK_EQ(vcpu_op(v, 0, 8, 0), -XEN_ENOENT);	/* the vCPU is checked first */
}
