/*
 * The domctls that build and end a domain (xen/domctl_build.c) and the
 * memory ops the toolstack uses on it: Xen 4.17's createdomain checks and
 * ids, an empty paused domain, its CPU pool, max_vcpus, setvcpucontext, affinities, the
 * paging pool, cacheflush, populate in 2 MiB extents, claims, destroy.
 */
#include "domctl_call.h"
#include <domus/arch.h>
#include <domus/cpupool.h>
#include <domus/page.h>
#include <domus/percpu.h>
#include <domus/page_alloc.h>
#include <domus/sched.h>
#include <public/domctl.h>
#include <public/errno.h>
#include <xen/pv.h>
#include <asm/guest_abi.h>

_Static_assert(offsetof(struct xen_domctl_createdomain, flags) == 20, "");
_Static_assert(offsetof(struct xen_domctl_createdomain, max_vcpus) == 28, "");
_Static_assert(offsetof(struct xen_domctl_createdomain, max_grant_frames) == 36, "");
_Static_assert(offsetof(struct xen_domctl_createdomain, grant_opts) == 44, "");
_Static_assert(offsetof(struct xen_domctl_createdomain, cpupool_id) == 52, "");
_Static_assert(offsetof(struct xen_domctl_createdomain, arch) == 56, "");
_Static_assert(offsetof(struct xen_domctl_vcpucontext, ctxt) == 8, "");
_Static_assert(offsetof(struct xen_domctl_cacheflush, nr_pfns) == 8, "");

#define CTX_OFF 1024	/* where in page 0 a vcpu_guest_context goes */



/* What Debian's libxl asks for a PV guest on Arm (Table 2 of the toolstack notes). */
static struct xen_domctl create_op(uint32_t max_vcpus)
{
	struct xen_domctl op = op_for(XEN_DOMCTL_createdomain, 0xffff);

	op.u.createdomain = (struct xen_domctl_createdomain){
		.ssidref = 12, .handle = { 0xab, [15] = 0xcd },
		.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap, .max_vcpus = max_vcpus,
		.max_evtchn_port = 1023, .max_grant_frames = -1, .max_maptrack_frames = -1,
		.grant_opts = 1,
	};
	return op;
}

static struct domain *create(struct vcpu *dom0, uint32_t max_vcpus)
{
	struct xen_domctl op = create_op(max_vcpus);

	REQUIRE(domctl(dom0, &op) == 0);
	REQUIRE(domain_by_id(op.domain));
	return domain_by_id(op.domain);
}

static unsigned nr_domains(void)
{
	unsigned n = 0;

	for (struct domain *d = domain_next_alive(NULL); d; d = domain_next_alive(d))
		n++;
	return n;
}

TEST(createdomain_makes_an_empty_paused_domain_with_a_new_id)
{
	struct domain *dom0 = fake_hardware_domain(1), *d;
	struct xen_domctl op = create_op(2);
	unsigned first;

	CHECK_EQ(domctl(dom0->vcpu[0], &op), 0);
	first = op.domain;
	CHECK(first >= 1 && first != dom0->id);
	CHECK_EQ(op.u.createdomain.arch.gic_version, XEN_DOMCTL_CONFIG_GIC_V3);	/* native, written back */
	REQUIRE((d = domain_by_id(first)));
	CHECK_EQ(d->nr_vcpus, 2);
	CHECK(d->vcpu[0]->power != VCPU_ON && d->vcpu[1]->power != VCPU_ON);
	CHECK_EQ(d->controller_pause_count, 1);
	CHECK_EQ(d->ram_pages, 0);
	CHECK_EQ(d->max_pages, 0);
	CHECK(d->pv != NULL);
	CHECK_EQ(d->handle[0], 0xab);
	CHECK_EQ(d->handle[15], 0xcd);
	/* The next gets the next id (Xen's rover); a free id asked for is given; a taken one not. */
	op = create_op(1);
	CHECK_EQ(domctl(dom0->vcpu[0], &op), 0);
	CHECK_EQ(op.domain, first + 1);
	op = create_op(1);
	op.domain = 100;
	CHECK_EQ(domctl(dom0->vcpu[0], &op), 0);
	CHECK_EQ(op.domain, 100);
	CHECK(domain_by_id(100) != NULL);
	op = create_op(1);
	op.domain = (domid_t)first;
	CHECK_EQ(domctl(dom0->vcpu[0], &op), -XEN_EEXIST);
	CHECK(console_printed("created by the toolstack: 2 vCPU(s)"));
}

TEST(createdomain_puts_the_domain_in_the_pool_it_names)
{
	struct domain *dom0 = fake_hardware_domain(1), *d;
	struct xen_domctl op = create_op(2);
	uint32_t pool = CPUPOOL_ANY;

	REQUIRE(cpupool_create(&pool, XEN_SCHEDULER_CREDIT) == 0);
	op.u.createdomain.cpupool_id = pool;
	CHECK_EQ(domctl(dom0->vcpu[0], &op), -XEN_ENODEV);	/* no CPU in it */
	REQUIRE(cpupool_remove_cpu(0, 3) == 0);
	REQUIRE(cpupool_add_cpu(pool, 3) == 0);
	op = create_op(2);
	op.u.createdomain.cpupool_id = pool;
	REQUIRE(domctl(dom0->vcpu[0], &op) == 0);
	REQUIRE((d = domain_by_id(op.domain)));
	CHECK_EQ(d->vcpu[0]->pcpu, 3);
	CHECK_EQ(d->vcpu[1]->pcpu, 3);
	op = op_for(XEN_DOMCTL_getdomaininfo, d->id);
	REQUIRE(domctl(dom0->vcpu[0], &op) == 0);
	CHECK_EQ(op.u.getdomaininfo.cpupool, pool);
}

TEST(createdomain_refuses_what_xen_on_arm_refuses_and_makes_nothing)
{
	struct domain *dom0 = fake_hardware_domain(1);
	unsigned before = nr_domains();
	uint64_t free = page_alloc_free_pages();
	static const int64_t want[] = {
		-XEN_EINVAL, -XEN_EINVAL, -XEN_EINVAL, -XEN_EINVAL, -XEN_EINVAL, -XEN_EINVAL,
		-XEN_EINVAL, -XEN_EINVAL, -XEN_EINVAL, -XEN_EINVAL, -XEN_EINVAL, -XEN_EINVAL,
		-XEN_EINVAL, -XEN_EINVAL, -XEN_ESRCH,
	};

	for (unsigned i = 0; i < ARRAY_SIZE(want); i++) {
		struct xen_domctl op = create_op(1);
		struct xen_domctl_createdomain *c = &op.u.createdomain;

		switch (i) {
		case 0: c->flags |= 1u << 8; break;			/* unknown flag */
		case 1: c->flags = XEN_DOMCTL_CDF_hap; break;		/* HAP without HVM */
		case 2: c->flags = 0; break;				/* a PV (not HVM) guest */
		case 3: c->flags |= XEN_DOMCTL_CDF_iommu; break;	/* no IOMMU */
		case 4: c->flags |= XEN_DOMCTL_CDF_vpmu; break;
		case 5: c->flags |= XEN_DOMCTL_CDF_xs_domain; break;
		case 6: c->iommu_opts = 1; break;
		case 7: c->max_vcpus = 0; break;
		case 8: c->max_vcpus = MAX_VCPUS + 1; break;
		case 9: c->grant_opts = 2; break;			/* v2: not on Arm */
		case 10: c->grant_opts = 0x11; break;			/* unknown option */
		case 11: c->vmtrace_size = 4096; break;
		case 12: c->arch.gic_version = XEN_DOMCTL_CONFIG_GIC_V2; break;
		case 13: c->arch.tee_type = 1; break;			/* OP-TEE: none here */
		default: c->cpupool_id = 1; break;			/* no such pool */
		}
		CHECK_EQ(domctl(dom0->vcpu[0], &op), want[i]);
	}
	CHECK_EQ(nr_domains(), before);
	CHECK_EQ(page_alloc_free_pages(), free);
}

TEST(max_vcpus_checks_the_number_createdomain_gave)
{
	struct domain *dom0 = fake_hardware_domain(1), *d = create(dom0->vcpu[0], 2);
	struct xen_domctl op = op_for(XEN_DOMCTL_max_vcpus, (domid_t)d->id);

	op.u.max_vcpus.max = 2;
	CHECK_EQ(domctl(dom0->vcpu[0], &op), 0);
	op.u.max_vcpus.max = 3;
	CHECK_EQ(domctl(dom0->vcpu[0], &op), -XEN_EINVAL);
	op = op_for(XEN_DOMCTL_max_vcpus, (domid_t)dom0->id);
	op.u.max_vcpus.max = 1;
	CHECK_EQ(domctl(dom0->vcpu[0], &op), -XEN_EINVAL);	/* not on itself */
	CHECK_EQ(d->nr_vcpus, 2);
}

/* The fake port's vcpu_guest_context: mode 1 is the one it boots in. */
static int64_t set_context(struct vcpu *by, struct domain *d, uint32_t vcpu, uint32_t flags,
			   uint32_t mode)
{
	struct vcpu_guest_context *c = arg_ptr(by->dom, CTX_OFF);
	struct xen_domctl op = op_for(XEN_DOMCTL_setvcpucontext, (domid_t)d->id);

	*c = (struct vcpu_guest_context){ .flags = flags, .mode = mode, .pc = 0x10080000,
					  .arg = 0x10ff0000 };
	op.u.vcpucontext = (struct xen_domctl_vcpucontext){ vcpu, arg_gva(by->dom, CTX_OFF) };
	return domctl(by, &op);
}

TEST(setvcpucontext_boots_vcpu0_where_the_toolstack_says_once_unpaused)
{
	struct domain *dom0 = fake_hardware_domain(1), *d = create(dom0->vcpu[0], 2);
	struct xen_domctl op;

	CHECK_EQ(set_context(dom0->vcpu[0], d, 0, VGCF_online, 2), -XEN_EINVAL);	/* a bad mode */
	CHECK(d->vcpu[0]->power != VCPU_ON);
	CHECK_EQ(set_context(dom0->vcpu[0], d, 2, VGCF_online, 1), -XEN_EINVAL);	/* no vCPU 2 */
	CHECK_EQ(set_context(dom0->vcpu[0], dom0, 0, VGCF_online, 1), -XEN_EINVAL);	/* itself */
	CHECK_EQ(set_context(dom0->vcpu[0], d, 0, VGCF_online, 1), 0);
	CHECK_EQ(d->vcpu[0]->power, VCPU_ON);
	CHECK_EQ(d->vcpu[0]->reset_pc, 0x10080000);
	CHECK_EQ(d->vcpu[0]->reset_ctx, 0x10ff0000);
	CHECK(!sched_runnable(d->vcpu[0]));		/* the toolstack's pause holds it */
	op = op_for(XEN_DOMCTL_unpausedomain, (domid_t)d->id);
	CHECK_EQ(domctl(dom0->vcpu[0], &op), 0);
	CHECK(sched_runnable(d->vcpu[0]));
	CHECK(!sched_runnable(d->vcpu[1]));
	/* Without VGCF_online it is down; a bad pointer faults. */
	CHECK_EQ(set_context(dom0->vcpu[0], d, 0, 0, 1), 0);
	CHECK(d->vcpu[0]->power != VCPU_ON);
	op = op_for(XEN_DOMCTL_setvcpucontext, (domid_t)d->id);
	op.u.vcpucontext = (struct xen_domctl_vcpucontext){ 0, 0x7fff0000 };
	CHECK_EQ(domctl(dom0->vcpu[0], &op), -XEN_EFAULT);
	/* A DomU may not. */
	CHECK_EQ(set_context(fake_pv_domain(1)->vcpu[0], d, 0, VGCF_online, 1), -XEN_EPERM);
}

TEST(affinities_address_size_pool_and_cacheflush)
{
	struct domain *dom0 = fake_hardware_domain(1), *d = create(dom0->vcpu[0], 2);
	uint8_t *map = arg_ptr(dom0, CTX_OFF);
	struct xen_domctl op = op_for(XEN_DOMCTL_setvcpuaffinity, (domid_t)d->id);

	/* Hard: the CPUs asked for that exist, written back; none of them: -EINVAL. */
	map[0] = 0xfe;
	op.u.vcpuaffinity = (struct xen_domctl_vcpuaffinity){
		.vcpu = 1, .flags = XEN_VCPUAFFINITY_HARD,
		.cpumap_hard = { arg_gva(dom0, CTX_OFF), 8 } };
	CHECK_EQ(domctl(dom0->vcpu[0], &op), 0);
	CHECK_EQ(d->vcpu[1]->sched.affinity, 0xfe & (BIT(nr_pcpus) - 1));
	CHECK_EQ(map[0], 0xfe & (BIT(nr_pcpus) - 1));
	map[0] = 0;
	CHECK_EQ(domctl(dom0->vcpu[0], &op), -XEN_EINVAL);
	op.u.vcpuaffinity.vcpu = 2;
	CHECK_EQ(domctl(dom0->vcpu[0], &op), -XEN_EINVAL);
	/* Soft: kept as asked (none is allowed), written back within the hard one. */
	REQUIRE(d->vcpu[1]->sched.soft_affinity == ~0ull);	/* Xen's default: every CPU */
	map[0] = 0x03;
	op.u.vcpuaffinity = (struct xen_domctl_vcpuaffinity){
		.vcpu = 1, .flags = XEN_VCPUAFFINITY_SOFT, .cpumap_soft = { arg_gva(dom0, CTX_OFF), 8 } };
	CHECK_EQ(domctl(dom0->vcpu[0], &op), 0);
	CHECK_EQ(d->vcpu[1]->sched.soft_affinity, 0x03);
	CHECK_EQ(map[0], 0x02);				/* CPU 0 is outside the hard 0xfe */
	CHECK_EQ(d->vcpu[1]->sched.affinity, 0xfe & (BIT(nr_pcpus) - 1));	/* untouched */
	map[0] = 0;
	CHECK_EQ(domctl(dom0->vcpu[0], &op), 0);
	CHECK_EQ(d->vcpu[1]->sched.soft_affinity, 0);
	CHECK_EQ(sched_preferred(d->vcpu[1]), d->vcpu[1]->sched.affinity);
	/* One NUMA node. */
	op = op_for(XEN_DOMCTL_setnodeaffinity, (domid_t)d->id);
	map[0] = 1;
	op.u.nodeaffinity.nodemap = (struct xenctl_bitmap){ arg_gva(dom0, CTX_OFF), 8 };
	CHECK_EQ(domctl(dom0->vcpu[0], &op), 0);
	map[0] = 2;
	CHECK_EQ(domctl(dom0->vcpu[0], &op), -XEN_EINVAL);
	/* AArch64 guests only. */
	op = op_for(XEN_DOMCTL_set_address_size, (domid_t)d->id);
	op.u.address_size.size = 64;
	CHECK_EQ(domctl(dom0->vcpu[0], &op), 0);
	op.u.address_size.size = 32;
	CHECK_EQ(domctl(dom0->vcpu[0], &op), -XEN_EINVAL);
	/* The paging pool: kept and read back, in whole pages. */
	op = op_for(XEN_DOMCTL_set_paging_mempool_size, (domid_t)d->id);
	op.u.paging_mempool.size = 2 * MiB;
	CHECK_EQ(domctl(dom0->vcpu[0], &op), 0);
	op.u.paging_mempool.size = 2 * MiB + 1;
	CHECK_EQ(domctl(dom0->vcpu[0], &op), -XEN_EINVAL);
	op = op_for(XEN_DOMCTL_get_paging_mempool_size, (domid_t)d->id);
	CHECK_EQ(domctl(dom0->vcpu[0], &op), 0);
	CHECK_EQ(op.u.paging_mempool.size, 2 * MiB);
	/* cacheflush: at most 2^18 frames, no wrap. */
	op = op_for(XEN_DOMCTL_cacheflush, (domid_t)d->id);
	op.u.cacheflush = (struct xen_domctl_cacheflush){ GUEST_RAM0_BASE >> PAGE_SHIFT, 16 };
	CHECK_EQ(domctl(dom0->vcpu[0], &op), 0);
	op.u.cacheflush.nr_pfns = (1u << 18) + 1;
	CHECK_EQ(domctl(dom0->vcpu[0], &op), -XEN_EINVAL);
	op.u.cacheflush = (struct xen_domctl_cacheflush){ ~0ull - 2, 8 };
	CHECK_EQ(domctl(dom0->vcpu[0], &op), -XEN_EINVAL);
}

/* populate_physmap by dom0 for d: nr extents of 2^order pages from gfn, contiguous. */
static int64_t populate(struct domain *dom0, struct domain *d, uint64_t gfn, unsigned nr,
			unsigned order)
{
	struct xen_memory_reservation *r = arg_ptr(dom0, 0);
	uint64_t *list = arg_ptr(dom0, 256);

	for (unsigned i = 0; i < nr; i++)
		list[i] = gfn + ((uint64_t)i << order);
	*r = (struct xen_memory_reservation){ .extent_start = arg_gva(dom0, 256), .nr_extents = nr,
					      .extent_order = order, .domid = (domid_t)d->id };
	return hypercall(dom0->vcpu[0], __HYPERVISOR_memory_op, XENMEM_populate_physmap,
			 arg_gva(dom0, 0), 0);
}

static int64_t claim(struct domain *dom0, struct domain *d, uint64_t pages)
{
	struct xen_memory_reservation *r = arg_ptr(dom0, 0);

	*r = (struct xen_memory_reservation){ .nr_extents = pages, .domid = (domid_t)d->id };
	return hypercall(dom0->vcpu[0], __HYPERVISOR_memory_op, XENMEM_claim_pages,
			 arg_gva(dom0, 0), 0);
}

TEST(the_toolstack_populates_in_2mib_extents_within_max_mem)
{
	struct domain *dom0 = fake_hardware_domain(1), *d = create(dom0->vcpu[0], 1);
	uint64_t base = GUEST_RAM0_BASE >> PAGE_SHIFT, pa0, pa1;
	struct xen_domctl op = op_for(XEN_DOMCTL_max_mem, (domid_t)d->id);

	op.u.max_mem.max_memkb = 4 * MiB / KiB + 4;	/* two blocks and a page */
	REQUIRE(domctl(dom0->vcpu[0], &op) == 0);
	CHECK_EQ(populate(dom0, d, base + 1, 1, 9), 0);		/* not aligned: none done */
	CHECK_EQ(populate(dom0, d, base, 3, 9), 2);		/* the third is over max_mem */
	CHECK_EQ(d->ram_pages, 1024);
	/* Each block is one run of host memory, and the domain's. */
	REQUIRE(p2m_arch_lookup(d, GUEST_RAM0_BASE, &pa0, NULL));
	REQUIRE(p2m_arch_lookup(d, GUEST_RAM0_BASE + 2 * MiB - PAGE_SIZE, &pa1, NULL));
	CHECK_EQ(pa1 - pa0, 2 * MiB - PAGE_SIZE);
	CHECK(page_owned_by(pa1, d));
	CHECK_EQ(populate(dom0, d, base + 1024, 1, 0), 1);	/* the page left */
	CHECK_EQ(populate(dom0, d, base + 1025, 1, 0), 0);
	CHECK_EQ(populate(dom0, d, base, 1, 10), -XEN_EINVAL);	/* larger than a block */
}

TEST(a_claim_keeps_memory_for_its_domain)
{
	struct domain *dom0 = fake_hardware_domain(1), *d = create(dom0->vcpu[0], 1);
	struct domain *other = create(dom0->vcpu[0], 1);
	struct xen_domctl op = op_for(XEN_DOMCTL_max_mem, (domid_t)d->id);
	uint64_t free = page_alloc_free_pages(), base = GUEST_RAM0_BASE >> PAGE_SHIFT;

	op.u.max_mem.max_memkb = (free + 1) * (PAGE_SIZE / KiB);
	REQUIRE(domctl(dom0->vcpu[0], &op) == 0);
	op.domain = (domid_t)other->id;
	REQUIRE(domctl(dom0->vcpu[0], &op) == 0);
	CHECK_EQ(claim(dom0, d, free + 1), -XEN_ENOMEM);
	CHECK_EQ(claim(dom0, d, 0x200000000ull), -XEN_EINVAL);	/* above max_mem */
	/* All but one block claimed by d: the other domain gets that block, not a second. */
	CHECK_EQ(claim(dom0, d, free - 512), 0);
	CHECK_EQ(claim(dom0, d, 1024), -XEN_EINVAL);		/* one claim at a time */
	CHECK_EQ(d->outstanding_pages, free - 512);
	CHECK_EQ(populate(dom0, other, base, 2, 9), 1);
	/* d's own populate uses its claim up. */
	CHECK_EQ(populate(dom0, d, base, 1, 9), 1);
	CHECK_EQ(d->outstanding_pages, free - 1024);
	CHECK_EQ(claim(dom0, d, 0), 0);				/* ended */
	CHECK_EQ(d->outstanding_pages, 0);
	CHECK_EQ(populate(dom0, other, base + 512, 1, 9), 1);
	/* A DomU may not claim. */
	CHECK_EQ(claim(other, d, 1024), -XEN_EPERM);
}

TEST(destroydomain_ends_it_and_every_page_comes_back)
{
	struct domain *dom0 = fake_hardware_domain(1), *domu = fake_pv_domain(1);
	uint64_t free = page_alloc_free_pages();
	struct domain *d = create(dom0->vcpu[0], 2);
	struct xen_domctl op = op_for(XEN_DOMCTL_max_mem, (domid_t)d->id);
	unsigned id = d->id;

	op.u.max_mem.max_memkb = 4 * MiB / KiB;
	REQUIRE(domctl(dom0->vcpu[0], &op) == 0);
	REQUIRE(populate(dom0, d, GUEST_RAM0_BASE >> PAGE_SHIFT, 2, 9) == 2);
	op = op_for(XEN_DOMCTL_destroydomain, (domid_t)dom0->id);
	CHECK_EQ(domctl(dom0->vcpu[0], &op), -XEN_EINVAL);	/* not itself */
	op = op_for(XEN_DOMCTL_destroydomain, (domid_t)id);
	CHECK_EQ(domctl(domu->vcpu[0], &op), -XEN_EPERM);
	/* The call goes on (Xen's -ERESTART) until the reaper has taken d apart. */
	domctl(dom0->vcpu[0], &op);
	CHECK(dom0->vcpu[0]->arch.continued);
	while (dom0->vcpu[0]->arch.continued) {
		CHECK(domain_destroy_pending(id));
		domain_reap();
		hypercall_dispatch(dom0->vcpu[0]);
	}
	CHECK_EQ(dom0->vcpu[0]->arch.ret, 0);
	CHECK(domain_by_id(id) == NULL);
	CHECK_EQ(page_alloc_free_pages(), free);
	op = op_for(XEN_DOMCTL_destroydomain, (domid_t)id);
	CHECK_EQ(domctl(dom0->vcpu[0], &op), -XEN_ESRCH);
}
