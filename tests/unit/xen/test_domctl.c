/*
 * XEN_DOMCTL_* (xen/domctl.c) and xsm_op (xen/xsm.c): Xen 4.17's layouts,
 * the checks in Xen's order (structure, interface version, domain,
 * privilege, command), getdomaininfo's record and its ">= the id asked"
 * walk, vCPU information and affinity, credit's weight and cap.
 */
#include "domctl_call.h"
#include <domus/boot_dt.h>
#include <domus/percpu.h>
#include <domus/sched.h>
#include <asm/cpu.h>
#include <public/domctl.h>
#include <public/errno.h>
#include <xen/pv.h>
#include <asm/guest_abi.h>

/* Xen 4.17's layouts (xen/include/public/domctl.h, arch-arm.h), field by field. */
_Static_assert(offsetof(struct xen_domctl, cmd) == 0, "");
_Static_assert(offsetof(struct xen_domctl, interface_version) == 4, "");
_Static_assert(offsetof(struct xen_domctl, domain) == 8, "");
_Static_assert(offsetof(struct xen_domctl, u) == 16, "");
_Static_assert(sizeof(struct xen_domctl) == 144, "");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, flags) == 4, "");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, tot_pages) == 8, "");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, max_pages) == 16, "");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, outstanding_pages) == 24, "");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, shr_pages) == 32, "");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, paged_pages) == 40, "");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, shared_info_frame) == 48, "");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, cpu_time) == 56, "");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, nr_online_vcpus) == 64, "");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, max_vcpu_id) == 68, "");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, ssidref) == 72, "");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, handle) == 76, "");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, cpupool) == 92, "");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, gpaddr_bits) == 96, "");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, arch_config) == 104, "");
_Static_assert(sizeof(struct xen_domctl_getdomaininfo) == 120, "");
_Static_assert(offsetof(struct xen_arch_domainconfig, tee_type) == 2, "");
_Static_assert(offsetof(struct xen_arch_domainconfig, nr_spis) == 4, "");
_Static_assert(offsetof(struct xen_arch_domainconfig, clock_frequency) == 8, "");
_Static_assert(offsetof(struct xen_domctl_getvcpuinfo, online) == 4, "");
_Static_assert(offsetof(struct xen_domctl_getvcpuinfo, running) == 6, "");
_Static_assert(offsetof(struct xen_domctl_getvcpuinfo, cpu_time) == 8, "");
_Static_assert(offsetof(struct xen_domctl_getvcpuinfo, cpu) == 16, "");
_Static_assert(sizeof(struct xen_domctl_getvcpuinfo) == 24, "");
_Static_assert(offsetof(struct xen_domctl_vcpuaffinity, cpumap_hard) == 8, "");
_Static_assert(offsetof(struct xen_domctl_vcpuaffinity, cpumap_soft) == 24, "");
_Static_assert(offsetof(struct xenctl_bitmap, nr_bits) == 8 && sizeof(struct xenctl_bitmap) == 16, "");
_Static_assert(offsetof(struct xen_domctl_scheduler_op, u) == 8, "");
_Static_assert(sizeof(struct xen_domctl_scheduler_op) == 24, "");



static int64_t getdomaininfo(struct vcpu *v, domid_t domain, struct xen_domctl *op)
{
	*op = op_for(XEN_DOMCTL_getdomaininfo, domain);
	return domctl(v, op);
}

/* Every domain's references are back once the calls are done. */
static void check_no_refs(void)
{
	for (unsigned id = 0; id <= MAX_DOMAINS; id++)
		if (domain_by_id(id))
			CHECK_EQ(domain_by_id(id)->refs, 0);
}

TEST(a_domu_gets_eperm_for_every_command)
{
	struct domain *dom0 = fake_hardware_domain(1), *d = fake_pv_domain(1);
	struct xen_domctl op;

	for (uint32_t cmd = 0; cmd <= 100; cmd++) {
		op = op_for(cmd, (domid_t)d->id);
		CHECK_EQ(domctl(d->vcpu[0], &op), -XEN_EPERM);
		op = op_for(cmd, (domid_t)dom0->id);
		CHECK_EQ(domctl(d->vcpu[0], &op), -XEN_EPERM);
	}
	/* As Xen: a domain that does not exist is looked for before the privilege check... */
	op = op_for(XEN_DOMCTL_getvcpuinfo, 7);
	CHECK_EQ(domctl(d->vcpu[0], &op), -XEN_ESRCH);
	/* ... but getdomaininfo and createdomain need none. */
	op = op_for(XEN_DOMCTL_getdomaininfo, 7);
	CHECK_EQ(domctl(d->vcpu[0], &op), -XEN_EPERM);
	op = op_for(XEN_DOMCTL_createdomain, 0xffff);
	CHECK_EQ(domctl(d->vcpu[0], &op), -XEN_EPERM);
	check_no_refs();
}

TEST(interface_version_and_bad_pointers_come_first)
{
	struct domain *dom0 = fake_hardware_domain(1), *d = fake_pv_domain(1);
	struct xen_domctl op = op_for(XEN_DOMCTL_getdomaininfo, 0);

	op.interface_version = 0x14;
	CHECK_EQ(domctl(dom0->vcpu[0], &op), -XEN_EACCES);
	CHECK_EQ(domctl(d->vcpu[0], &op), -XEN_EACCES);
	op.interface_version = 0x18;	/* newer Xens' */
	CHECK_EQ(domctl(dom0->vcpu[0], &op), -XEN_EACCES);
	/* Beyond its RAM, and in a page it gave back (fake_pv_domain()). */
	CHECK_EQ(hypercall(dom0->vcpu[0], __HYPERVISOR_domctl, dom0->bank[0].base + dom0->ram_size, 0, 0),
		 -XEN_EFAULT);
	CHECK_EQ(hypercall(dom0->vcpu[0], __HYPERVISOR_domctl,
			   dom0->bank[0].base + FAKE_PV_RAM_PAGES * PAGE_SIZE, 0, 0), -XEN_EFAULT);
	/* The structure across the end of its RAM that is there. */
	CHECK_EQ(hypercall(dom0->vcpu[0], __HYPERVISOR_domctl,
			   dom0->bank[0].base + FAKE_PV_RAM_PAGES * PAGE_SIZE - 64, 0, 0), -XEN_EFAULT);
}

TEST(commands_domus_does_not_have_are_enosys)
{
	struct domain *dom0 = fake_hardware_domain(1);
	static const uint32_t cmds[] = { 0, 6, 7, 8, 100, 1000, 0xffffffff };
	struct xen_domctl op;

	for (unsigned i = 0; i < ARRAY_SIZE(cmds); i++) {
		op = op_for(cmds[i], (domid_t)dom0->id);
		CHECK_EQ(domctl(dom0->vcpu[0], &op), -XEN_ENOSYS);
	}
	/* A domain is still needed first, as in Xen. */
	op = op_for(1000, 7);
	CHECK_EQ(domctl(dom0->vcpu[0], &op), -XEN_ESRCH);
	/* ... unless it is one of those that may name none. */
	op = op_for(XEN_DOMCTL_test_assign_device, DOMID_INVALID);
	CHECK_EQ(domctl(dom0->vcpu[0], &op), -XEN_ENOSYS);
	op = op_for(XEN_DOMCTL_assign_device, DOMID_INVALID);
	CHECK_EQ(domctl(dom0->vcpu[0], &op), -XEN_ESRCH);
}

TEST(getdomaininfo_reports_a_running_domu)
{
	struct domain *dom0 = fake_hardware_domain(1), *d = fake_pv_domain(2);
	struct xen_domctl_getdomaininfo *info;
	struct xen_domctl op;
	static const uint8_t zeros[16];

	d->vcpu[0]->runtime_ticks = FAKE_COUNTER_FREQ * 3 / 2;	/* 1.5 s */
	d->vcpu[1]->runtime_ticks = 250;			/* 250 us */
	REQUIRE(getdomaininfo(dom0->vcpu[0], (domid_t)d->id, &op) == 0);
	info = &op.u.getdomaininfo;
	CHECK_EQ(op.domain, d->id);
	CHECK_EQ(info->domain, d->id);
	/* Up, not blocked, not on a CPU; no shutdown code yet: bits 16-31 all ones. */
	CHECK_EQ(info->flags, 0xffff0000 | XEN_DOMINF_hvm_guest | XEN_DOMINF_hap);
	CHECK_EQ(info->tot_pages, FAKE_PV_RAM_PAGES + 1);	/* and its console page, Dom0's */
	CHECK_EQ(info->max_pages, d->max_pages);
	CHECK_EQ(info->outstanding_pages + info->shr_pages + info->paged_pages, 0);
	CHECK_EQ(info->shared_info_frame, d->pv->shared_info_pa >> PAGE_SHIFT);
	CHECK_EQ(info->cpu_time, 1500250000);
	CHECK_EQ(info->nr_online_vcpus, 1);
	CHECK_EQ(info->max_vcpu_id, 1);
	CHECK_EQ(info->ssidref, 0);
	CHECK(!memcmp(info->handle, zeros, 16));
	CHECK_EQ(info->cpupool, 0);
	CHECK_EQ(info->gpaddr_bits, GUEST_PADDR_BITS);
	CHECK_EQ(info->arch_config.gic_version + info->arch_config.nr_spis +
		 info->arch_config.clock_frequency, 0);
	check_no_refs();
}

TEST(getdomaininfo_blocked_and_running)
{
	struct domain *dom0 = fake_hardware_domain(1), *d = fake_pv_domain(2);
	struct xen_domctl op;
	uint32_t base = 0xffff0000 | XEN_DOMINF_hvm_guest | XEN_DOMINF_hap;

	d->vcpu[0]->blocked = true;
	REQUIRE(getdomaininfo(dom0->vcpu[0], (domid_t)d->id, &op) == 0);
	CHECK_EQ(op.u.getdomaininfo.flags, base | XEN_DOMINF_blocked);
	/* Blocked only if every vCPU that is up is. */
	d->vcpu[1]->power = VCPU_ON;
	REQUIRE(getdomaininfo(dom0->vcpu[0], (domid_t)d->id, &op) == 0);
	CHECK_EQ(op.u.getdomaininfo.flags, base);
	CHECK_EQ(op.u.getdomaininfo.nr_online_vcpus, 2);
	/* Running if one is on a CPU. */
	d->vcpu[1]->loaded_on = 3;
	pcpus[3].current = d->vcpu[1];
	REQUIRE(getdomaininfo(dom0->vcpu[0], (domid_t)d->id, &op) == 0);
	CHECK_EQ(op.u.getdomaininfo.flags, base | XEN_DOMINF_running);
	/* No vCPU up: neither. */
	d->vcpu[0]->power = d->vcpu[1]->power = VCPU_OFF;
	REQUIRE(getdomaininfo(dom0->vcpu[0], (domid_t)d->id, &op) == 0);
	CHECK_EQ(op.u.getdomaininfo.flags, base);
	CHECK_EQ(op.u.getdomaininfo.nr_online_vcpus, 0);
}

TEST(getdomaininfo_shutdown_code_and_dying)
{
	struct domain *dom0 = fake_hardware_domain(1), *kept = fake_pv_domain(1),
		      *gone = fake_pv_domain(1), *killed = fake_pv_domain(1);
	struct xen_domctl op;

	fake_config(kept)->on_reboot = ACTION_PRESERVE;
	domain_shutdown(kept, SHUTDOWN_REBOOT);
	REQUIRE(getdomaininfo(dom0->vcpu[0], (domid_t)kept->id, &op) == 0);
	CHECK_EQ(op.u.getdomaininfo.flags, SHUTDOWN_reboot << 16 | XEN_DOMINF_shutdown |
						   XEN_DOMINF_hvm_guest | XEN_DOMINF_hap);
	/* Powered off and on its way out (not reaped yet). */
	domain_shutdown(gone, SHUTDOWN_POWEROFF);
	REQUIRE(getdomaininfo(dom0->vcpu[0], (domid_t)gone->id, &op) == 0);
	CHECK_EQ(op.u.getdomaininfo.flags, SHUTDOWN_poweroff << 16 | XEN_DOMINF_shutdown |
						   XEN_DOMINF_dying | XEN_DOMINF_hvm_guest |
						   XEN_DOMINF_hap);
	/* Killed: dying, with no shutdown and no code. */
	domain_kill(killed);
	REQUIRE(getdomaininfo(dom0->vcpu[0], (domid_t)killed->id, &op) == 0);
	CHECK_EQ(op.u.getdomaininfo.flags, 0xffff0000 | XEN_DOMINF_dying | XEN_DOMINF_hvm_guest |
						   XEN_DOMINF_hap);
	/* A preserved domain killed later: dying, and still shut down. */
	domain_kill(kept);
	REQUIRE(getdomaininfo(dom0->vcpu[0], (domid_t)kept->id, &op) == 0);
	CHECK_EQ(op.u.getdomaininfo.flags & (XEN_DOMINF_dying | XEN_DOMINF_shutdown),
		 XEN_DOMINF_dying | XEN_DOMINF_shutdown);
	check_no_refs();
}

TEST(getdomaininfo_gives_the_first_domain_at_or_after_the_id)
{
	struct domain *dom0 = fake_hardware_domain(1), *d2 = fake_pv_domain(1),
		      *d3 = fake_domain(1), *d4 = fake_pv_domain(1);
	struct vcpu *v = dom0->vcpu[0];
	struct xen_domctl op;

	REQUIRE(dom0->id == 1 && d2->id == 2 && d3->id == 3 && d4->id == 4);
	domain_kill(d3);
	domain_reap();
	REQUIRE(!domain_by_id(3));
	CHECK_EQ(getdomaininfo(v, 0, &op), 0);
	CHECK_EQ(op.domain, 1);
	CHECK_EQ(op.u.getdomaininfo.domain, 1);
	CHECK_EQ(getdomaininfo(v, 2, &op), 0);
	CHECK_EQ(op.domain, 2);
	CHECK_EQ(getdomaininfo(v, 3, &op), 0);
	CHECK_EQ(op.domain, 4);
	CHECK_EQ(op.u.getdomaininfo.domain, 4);
	/* Past the last one: ESRCH, and nothing written back. */
	CHECK_EQ(getdomaininfo(v, 5, &op), -XEN_ESRCH);
	CHECK_EQ(op.domain, 5);
	CHECK_EQ(op.u.getdomaininfo.flags, 0);
	CHECK_EQ(getdomaininfo(v, 0x7fef, &op), -XEN_ESRCH);
	/* Not a domain id at all. */
	CHECK_EQ(getdomaininfo(v, DOMID_SELF, &op), -XEN_EINVAL);
	CHECK_EQ(getdomaininfo(v, 0xffff, &op), -XEN_EINVAL);
	check_no_refs();
}

TEST(getdomaininfo_of_a_domain_without_xens_interface)
{
	struct domain *dom0 = fake_hardware_domain(1), *d = fake_domain(1);
	struct xen_domctl op;

	REQUIRE(getdomaininfo(dom0->vcpu[0], (domid_t)d->id, &op) == 0);
	CHECK_EQ(op.u.getdomaininfo.shared_info_frame, 0);
	CHECK_EQ(op.u.getdomaininfo.tot_pages, FAKE_RAM_SIZE / PAGE_SIZE);
	/* Dom0 asks about itself too. */
	REQUIRE(getdomaininfo(dom0->vcpu[0], (domid_t)dom0->id, &op) == 0);
	CHECK_EQ(op.domain, dom0->id);
}

static int64_t getvcpuinfo(struct vcpu *v, domid_t domain, uint32_t vcpu, struct xen_domctl *op)
{
	*op = op_for(XEN_DOMCTL_getvcpuinfo, domain);
	op->u.getvcpuinfo.vcpu = vcpu;
	op->u.getvcpuinfo.online = op->u.getvcpuinfo.blocked = op->u.getvcpuinfo.running = 0x55;
	return domctl(v, op);
}

TEST(getvcpuinfo_reports_each_vcpu)
{
	struct domain *dom0 = fake_hardware_domain(1), *d = fake_pv_domain(2);
	struct xen_domctl_getvcpuinfo *info;
	struct xen_domctl op;

	d->vcpu[0]->blocked = true;
	d->vcpu[0]->runtime_ticks = 7;
	REQUIRE(getvcpuinfo(dom0->vcpu[0], (domid_t)d->id, 0, &op) == 0);
	info = &op.u.getvcpuinfo;
	CHECK_EQ(info->vcpu, 0);
	CHECK_EQ(info->online, 1);
	CHECK_EQ(info->blocked, 1);
	CHECK_EQ(info->running, 0);
	CHECK_EQ(info->cpu_time, 7000);
	CHECK_EQ(info->cpu, d->vcpu[0]->pcpu);
	d->vcpu[1]->power = VCPU_ON;
	d->vcpu[1]->loaded_on = (int)d->vcpu[1]->pcpu;
	pcpus[d->vcpu[1]->pcpu].current = d->vcpu[1];
	REQUIRE(getvcpuinfo(dom0->vcpu[0], (domid_t)d->id, 1, &op) == 0);
	CHECK_EQ(info->online, 1);
	CHECK_EQ(info->blocked, 0);
	CHECK_EQ(info->running, 1);
	CHECK_EQ(info->cpu, 1);
	d->vcpu[1]->power = VCPU_OFF;
	REQUIRE(getvcpuinfo(dom0->vcpu[0], (domid_t)d->id, 1, &op) == 0);
	CHECK_EQ(info->online, 0);
	CHECK_EQ(info->running, 0);
	/* No such vCPU: EINVAL, nothing written back. */
	CHECK_EQ(getvcpuinfo(dom0->vcpu[0], (domid_t)d->id, 2, &op), -XEN_EINVAL);
	CHECK_EQ(info->online, 0x55);
	CHECK_EQ(getvcpuinfo(dom0->vcpu[0], 7, 0, &op), -XEN_ESRCH);
	check_no_refs();
}

#define MAP_HARD 256	/* where in the caller's page 0 the bitmaps go */
#define MAP_SOFT 264

static int64_t getvcpuaffinity(struct domain *dom0, struct domain *d, uint32_t vcpu,
			       uint32_t flags, uint32_t nr_bits)
{
	struct xen_domctl op = op_for(XEN_DOMCTL_getvcpuaffinity, (domid_t)d->id);

	memset(arg_ptr(dom0, MAP_HARD), 0xee, 16);
	op.u.vcpuaffinity = (struct xen_domctl_vcpuaffinity){
		vcpu, flags, { arg_gva(dom0, MAP_HARD), nr_bits }, { arg_gva(dom0, MAP_SOFT), nr_bits }
	};
	return domctl(dom0->vcpu[0], &op);
}

TEST(getvcpuaffinity_writes_the_hard_and_soft_maps)
{
	struct domain *dom0 = fake_hardware_domain(1), *d = fake_pv_domain(2);
	uint8_t *hard = arg_ptr(dom0, MAP_HARD), *soft = arg_ptr(dom0, MAP_SOFT);
	struct xen_domctl op;

	REQUIRE(nr_pcpus == 7);
	d->vcpu[1]->sched.affinity = BIT(0) | BIT(2) | BIT(7);	/* 7: no such CPU */
	CHECK_EQ(getvcpuaffinity(dom0, d, 1, XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT, 16), 0);
	CHECK_EQ(hard[0], 0x05);
	CHECK_EQ(hard[1], 0);			/* the caller's bytes beyond Domus's CPUs: zeroes */
	CHECK_EQ(soft[0], 0x7f);		/* every CPU, Xen's default */
	CHECK_EQ(soft[1], 0);
	CHECK_EQ(hard[2], 0xee);
	CHECK_EQ(getvcpuaffinity(dom0, d, 1, XEN_VCPUAFFINITY_HARD, 3), 0);
	CHECK_EQ(hard[0], 0x05);
	CHECK_EQ(hard[1], 0xee);
	CHECK_EQ(getvcpuaffinity(dom0, d, 1, XEN_VCPUAFFINITY_HARD, 0), 0);
	CHECK_EQ(hard[0], 0xee);
	/* Nothing asked, a map missing, no such vCPU. */
	CHECK_EQ(getvcpuaffinity(dom0, d, 1, 0, 8), -XEN_EINVAL);
	op = op_for(XEN_DOMCTL_getvcpuaffinity, (domid_t)d->id);
	op.u.vcpuaffinity.flags = XEN_VCPUAFFINITY_SOFT;
	CHECK_EQ(domctl(dom0->vcpu[0], &op), -XEN_EINVAL);
	CHECK_EQ(getvcpuaffinity(dom0, d, 2, XEN_VCPUAFFINITY_HARD, 8), -XEN_EINVAL);
	/* The structure itself is not written back. */
	op = op_for(XEN_DOMCTL_getvcpuaffinity, (domid_t)d->id);
	op.u.vcpuaffinity = (struct xen_domctl_vcpuaffinity){
		.flags = XEN_VCPUAFFINITY_HARD, .cpumap_hard = { arg_gva(dom0, MAP_HARD), 8 } };
	op.u.pad[120] = 0x42;
	CHECK_EQ(domctl(dom0->vcpu[0], &op), 0);
	CHECK_EQ(op.u.pad[120], 0x42);
}

static int64_t getnodeaffinity(struct domain *dom0, domid_t id, uint32_t nr_bits)
{
	struct xen_domctl op = op_for(XEN_DOMCTL_getnodeaffinity, id);

	memset(arg_ptr(dom0, MAP_HARD), 0xee, 16);
	op.u.nodeaffinity.nodemap = (struct xenctl_bitmap){ arg_gva(dom0, MAP_HARD), nr_bits };
	return domctl(dom0->vcpu[0], &op);
}

TEST(getnodeaffinity_writes_node_0_and_zeroes_the_rest_of_the_map)
{
	struct domain *dom0 = fake_hardware_domain(1), *d = fake_pv_domain(2);
	uint8_t *map = arg_ptr(dom0, MAP_HARD);

	CHECK_EQ(getnodeaffinity(dom0, (domid_t)d->id, 24), 0);
	CHECK_EQ(map[0], 0x01);
	CHECK_EQ(map[1], 0);
	CHECK_EQ(map[2], 0);
	CHECK_EQ(map[3], 0xee);		/* nothing past the caller's 24 bits */
	CHECK_EQ(getnodeaffinity(dom0, (domid_t)d->id, 0), 0);
	CHECK_EQ(map[0], 0xee);
	CHECK_EQ(getnodeaffinity(dom0, 7, 8), -XEN_ESRCH);
	check_no_refs();
}

static int64_t sched_dom(struct domain *dom0, struct domain *d, uint32_t sched_id, uint32_t cmd,
			 uint16_t weight, uint16_t cap, struct xen_domctl *op)
{
	*op = op_for(XEN_DOMCTL_scheduler_op, (domid_t)d->id);
	op->u.scheduler_op.sched_id = sched_id;
	op->u.scheduler_op.cmd = cmd;
	op->u.scheduler_op.u.credit = (struct xen_domctl_sched_credit){ weight, cap };
	return domctl(dom0->vcpu[0], op);
}

TEST(scheduler_op_reads_and_sets_credit_weight_and_cap)
{
	struct domain *dom0 = fake_hardware_domain(1), *d = fake_pv_domain(1);
	struct xen_domctl op;

	REQUIRE(sched_dom(dom0, d, XEN_SCHEDULER_CREDIT, XEN_DOMCTL_SCHEDOP_getinfo, 0, 0, &op) == 0);
	CHECK_EQ(op.u.scheduler_op.u.credit.weight, 256);
	CHECK_EQ(op.u.scheduler_op.u.credit.cap, 0);
	CHECK_EQ(sched_dom(dom0, d, XEN_SCHEDULER_CREDIT, XEN_DOMCTL_SCHEDOP_putinfo, 512, 25, &op), 0);
	CHECK_EQ(d->weight, 512);
	CHECK_EQ(d->cap, 25);
	/* Weight 0 and cap 0xffff: unchanged. */
	CHECK_EQ(sched_dom(dom0, d, XEN_SCHEDULER_CREDIT, XEN_DOMCTL_SCHEDOP_putinfo, 0, 0xffff, &op), 0);
	CHECK_EQ(d->weight, 512);
	CHECK_EQ(d->cap, 25);
	/* Another scheduler's id, per-vCPU commands, unknown ones. */
	CHECK_EQ(sched_dom(dom0, d, XEN_SCHEDULER_CREDIT2, XEN_DOMCTL_SCHEDOP_getinfo, 0, 0, &op),
		 -XEN_EINVAL);
	CHECK_EQ(sched_dom(dom0, d, XEN_SCHEDULER_CREDIT, XEN_DOMCTL_SCHEDOP_getvcpuinfo, 0, 0, &op),
		 -XEN_EINVAL);
	CHECK_EQ(sched_dom(dom0, d, XEN_SCHEDULER_CREDIT, 4, 0, 0, &op), -XEN_EINVAL);
	/* The null scheduler has nothing to read or set. */
	REQUIRE(sched_select("null", 30, 1000));
	CHECK_EQ(sched_dom(dom0, d, XEN_SCHEDULER_NULL, XEN_DOMCTL_SCHEDOP_putinfo, 1, 1, &op), 0);
	CHECK_EQ(d->weight, 512);
	CHECK_EQ(sched_dom(dom0, d, XEN_SCHEDULER_CREDIT, XEN_DOMCTL_SCHEDOP_getinfo, 0, 0, &op),
		 -XEN_EINVAL);
	sched_select("credit", 30, 1000);
}

TEST(xsm_op_is_enosys_for_everyone)
{
	struct domain *dom0 = fake_hardware_domain(1), *d = fake_pv_domain(1);
	uint32_t *flask_op = arg_ptr(d, 0);

	flask_op[0] = 5;	/* FLASK_SID_TO_CONTEXT */
	flask_op[1] = 1;	/* its interface version */
	CHECK_EQ(hypercall(d->vcpu[0], __HYPERVISOR_xsm_op, arg_gva(d, 0), 0, 0), -XEN_ENOSYS);
	CHECK_EQ(hypercall(dom0->vcpu[0], __HYPERVISOR_xsm_op, arg_gva(dom0, 0), 0, 0), -XEN_ENOSYS);
	CHECK_EQ(hypercall(dom0->vcpu[0], __HYPERVISOR_xsm_op, 0, 0, 0), -XEN_ENOSYS);
}

TEST(max_mem_sets_the_limit_and_setdomainhandle_the_uuid_getdomaininfo_reports)
{
	struct domain *dom0 = fake_hardware_domain(1), *d = fake_pv_domain(1);
	static const uint8_t uuid[16] = { 0xde, 0xad, 0xbe, 0xef, [15] = 0x42 };
	struct xen_domctl op = op_for(XEN_DOMCTL_max_mem, (domid_t)d->id);

	op.u.max_mem.max_memkb = 8192 + 4;
	CHECK_EQ(domctl(dom0->vcpu[0], &op), 0);
	CHECK_EQ(d->max_pages, 2049);
	/* Below what it holds: allowed, as on Xen; it only cannot grow. */
	op.u.max_mem.max_memkb = 4;
	CHECK_EQ(domctl(dom0->vcpu[0], &op), 0);
	CHECK_EQ(d->max_pages, 1);
	CHECK(d->ram_pages > d->max_pages);
	op = op_for(XEN_DOMCTL_setdomainhandle, (domid_t)d->id);
	memcpy(op.u.setdomainhandle.handle, uuid, sizeof(uuid));
	CHECK_EQ(domctl(dom0->vcpu[0], &op), 0);
	CHECK_EQ(getdomaininfo(dom0->vcpu[0], (domid_t)d->id, &op), 0);
	CHECK(!memcmp(op.u.getdomaininfo.handle, uuid, sizeof(uuid)));
	CHECK_EQ(op.u.getdomaininfo.max_pages, 1);
	/* Not for a DomU, on itself either. */
	op = op_for(XEN_DOMCTL_max_mem, (domid_t)d->id);
	op.u.max_mem.max_memkb = 1 << 30;
	CHECK_EQ(domctl(d->vcpu[0], &op), -XEN_EPERM);
	CHECK_EQ(d->max_pages, 1);
	check_no_refs();
}

TEST(pausedomain_and_unpausedomain_count_as_xens_and_stop_the_vcpus)
{
	struct domain *dom0 = fake_hardware_domain(1), *d = fake_pv_domain(2);
	struct xen_domctl op = op_for(XEN_DOMCTL_pausedomain, (domid_t)d->id);

	REQUIRE(sched_runnable(d->vcpu[0]));
	CHECK_EQ(domctl(dom0->vcpu[0], &op), 0);
	CHECK(!sched_runnable(d->vcpu[0]) && !sched_runnable(d->vcpu[1]));
	CHECK_EQ(getdomaininfo(dom0->vcpu[0], (domid_t)d->id, &op), 0);
	CHECK(op.u.getdomaininfo.flags & XEN_DOMINF_paused);
	/* Counted: two pauses want two unpauses. */
	op = op_for(XEN_DOMCTL_pausedomain, (domid_t)d->id);
	CHECK_EQ(domctl(dom0->vcpu[0], &op), 0);
	op = op_for(XEN_DOMCTL_unpausedomain, (domid_t)d->id);
	CHECK_EQ(domctl(dom0->vcpu[0], &op), 0);
	CHECK(!sched_runnable(d->vcpu[0]));
	CHECK_EQ(domctl(dom0->vcpu[0], &op), 0);
	CHECK(sched_runnable(d->vcpu[0]));
	CHECK_EQ(getdomaininfo(dom0->vcpu[0], (domid_t)d->id, &op), 0);
	CHECK(!(op.u.getdomaininfo.flags & XEN_DOMINF_paused));
	/* Xen's errors: below 0, above 255, the caller itself, a DomU. */
	op = op_for(XEN_DOMCTL_unpausedomain, (domid_t)d->id);
	CHECK_EQ(domctl(dom0->vcpu[0], &op), -XEN_EINVAL);
	for (unsigned i = 0; i < 255; i++) {
		op = op_for(XEN_DOMCTL_pausedomain, (domid_t)d->id);
		REQUIRE(domctl(dom0->vcpu[0], &op) == 0);
	}
	op = op_for(XEN_DOMCTL_pausedomain, (domid_t)d->id);
	CHECK_EQ(domctl(dom0->vcpu[0], &op), -XEN_EOVERFLOW);
	op = op_for(XEN_DOMCTL_pausedomain, (domid_t)dom0->id);
	CHECK_EQ(domctl(dom0->vcpu[0], &op), -XEN_EINVAL);
	op = op_for(XEN_DOMCTL_unpausedomain, (domid_t)d->id);
	CHECK_EQ(domctl(d->vcpu[0], &op), -XEN_EPERM);
	CHECK_EQ(d->controller_pause_count, 255);
	check_no_refs();
}
