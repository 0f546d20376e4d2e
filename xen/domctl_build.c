/*
 * The domctls with which the toolstack builds a domain and ends it, as Xen
 * 4.17 answers them on Arm: createdomain (Xen's configuration checks, in
 * its order), max_vcpus, the vCPU and node affinities, set_address_size,
 * the paging pool, cacheflush, setvcpucontext for vCPU 0's boot registers,
 * and destroydomain.  They are listed in domctl.c's table.
 */
#include <xen/toolstack.h>
#include <domus/arch.h>
#include <domus/boot_dt.h>
#include <domus/cpupool.h>
#include <domus/domain.h>
#include <domus/domain_build.h>
#include <domus/percpu.h>
#include <domus/sched.h>
#include <xen/guest_access.h>
#include <public/errno.h>
#include <asm/guest_abi.h>

#define CDF_KNOWN (XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap | XEN_DOMCTL_CDF_s3_integrity | \
		   XEN_DOMCTL_CDF_oos_off | XEN_DOMCTL_CDF_xs_domain | XEN_DOMCTL_CDF_iommu | \
		   XEN_DOMCTL_CDF_nested_virt | XEN_DOMCTL_CDF_vpmu)
#define TEE_NONE 0
#define CACHEFLUSH_MAX_PFNS (1u << 18)	/* Xen's MAX_ORDER on Arm */

/* Xen's sanitise_domain_config() then Arm's: no IOMMU, vPMU or vmtrace here. */
static int64_t check_config(struct xen_domctl_createdomain *c)
{
	if (c->flags & ~CDF_KNOWN || c->grant_opts & ~XEN_DOMCTL_GRANT_version_mask ||
	    c->max_vcpus < 1)
		return -XEN_EINVAL;
	if ((c->flags & XEN_DOMCTL_CDF_hap) && !(c->flags & XEN_DOMCTL_CDF_hvm))
		return -XEN_EINVAL;
	if (c->flags & XEN_DOMCTL_CDF_iommu || c->iommu_opts || c->vmtrace_size ||
	    c->flags & XEN_DOMCTL_CDF_vpmu)
		return -XEN_EINVAL;	/* no IOMMU, no vmtrace, no vPMU to give */
	if (c->flags != (XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap))
		return -XEN_EINVAL;
	if (c->arch.gic_version == XEN_DOMCTL_CONFIG_GIC_NATIVE)
		c->arch.gic_version = XEN_DOMCTL_CONFIG_GIC_V3;
	if (c->arch.gic_version != XEN_DOMCTL_CONFIG_GIC_V3 || c->max_vcpus > MAX_VCPUS ||
	    c->arch.tee_type != TEE_NONE)
		return -XEN_EINVAL;
	/* Grant table v1 only on Arm. */
	if ((c->grant_opts & XEN_DOMCTL_GRANT_version_mask) > 1)
		return -XEN_EINVAL;
	return cpupool_usable(c->cpupool_id);
}

/* What Domus keeps of the configuration: a PV guest whose end is the toolstack's to act on. */
static struct boot_domain *describe(const struct xen_domctl_createdomain *c, unsigned id)
{
	struct boot_domain *cfg = domain_alloc_struct(sizeof(*cfg));

	if (!cfg)
		return NULL;
	snprintf(cfg->name, sizeof(cfg->name), "d%u", id);
	cfg->cpus = c->max_vcpus;
	cfg->xen_enhanced = true;
	cfg->toolstack = true;
	cfg->weight = 256;
	cfg->cpupool = c->cpupool_id;
	for (unsigned i = 0; i < cfg->cpus; i++)
		cfg->affinity[i] = ~0ull;
	cfg->on_poweroff = cfg->on_reboot = cfg->on_crash = ACTION_PRESERVE;
	return cfg;
}

static spinlock_t create_lock = SPINLOCK_INIT;	/* one id at a time */

int64_t domctl_createdomain(struct vcpu *v, struct domain *unused, struct xen_domctl *op)
{
	struct xen_domctl_createdomain *c = &op->u.createdomain;
	unsigned want = op->domain && op->domain < DOMID_FIRST_RESERVED ? op->domain : 0, id;
	struct boot_domain *cfg;
	struct domain *d = NULL;
	int64_t ret = check_config(c);

	(void)v;
	(void)unused;
	if (ret)
		return ret;
	spin_lock(&create_lock);
	if (!domain_pick_id(want, &id))
		ret = want ? -XEN_EEXIST : -XEN_ENOMEM;
	else if (!(cfg = describe(c, id)) || !(d = domain_create_empty(cfg, id)))
		ret = -XEN_ENOMEM;
	spin_unlock(&create_lock);
	if (ret)
		return ret;
	memcpy(d->handle, c->handle, sizeof(d->handle));
	op->domain = (domid_t)id;
	pr_info("d%u created by the toolstack: %u vCPU(s)\n", id, d->nr_vcpus);
	return 0;
}

/* Its vCPUs came with createdomain: Xen 4.17 checks the number and has nothing to add. */
int64_t domctl_max_vcpus(struct vcpu *v, struct domain *d, struct xen_domctl *op)
{
	return d == v->dom || op->u.max_vcpus.max != d->nr_vcpus ? -XEN_EINVAL : 0;
}

/* As Xen's domain_kill(); do_domctl() continues the call until the reaper is done with it. */
int64_t domctl_destroydomain(struct vcpu *v, struct domain *d, struct xen_domctl *op)
{
	(void)op;
	if (d == v->dom)
		return -XEN_EINVAL;
	domain_kill(d);
	return 0;
}

/* Reads a CPU set the caller gives (bits past Domus's CPUs are ignored). */
static int64_t cpumask_from_guest(struct vcpu *v, const struct xenctl_bitmap *b, uint64_t *cpus)
{
	uint8_t bytes[8] = { 0 };
	uint64_t n = MIN(((uint64_t)b->nr_bits + 7) / 8, sizeof(bytes));

	if (n && copy_from_guest(v, bytes, b->bitmap, n))
		return -XEN_EFAULT;
	*cpus = 0;
	for (unsigned i = 0; i < n; i++)
		*cpus |= (uint64_t)bytes[i] << (8 * i);
	if (b->nr_bits < 64)
		*cpus &= BIT(b->nr_bits) - 1;
	*cpus &= nr_pcpus < 64 ? BIT(nr_pcpus) - 1 : ~0ull;
	return 0;
}

/*
 * Hard affinity (none of the CPUs of the domain's pool: -EINVAL), then soft affinity, a
 * preference that may name no CPU.  The maps are written back with what
 * took effect, as Xen does: the hard one, and the soft one within it.
 */
int64_t domctl_setvcpuaffinity(struct vcpu *v, struct domain *d, struct xen_domctl *op)
{
	struct xen_domctl_vcpuaffinity *a = &op->u.vcpuaffinity;
	bool hard = a->flags & XEN_VCPUAFFINITY_HARD, soft = a->flags & XEN_VCPUAFFINITY_SOFT;
	struct vcpu *t;
	uint64_t cpus;
	int64_t ret;

	if (a->vcpu >= d->nr_vcpus || !(hard || soft))
		return -XEN_EINVAL;
	t = d->vcpu[a->vcpu];
	if (hard) {
		if ((ret = cpumask_from_guest(v, &a->cpumap_hard, &cpus)))
			return ret;
		if (!sched_set_affinity(t, cpus))
			return -XEN_EINVAL;
		if ((ret = cpumask_to_guest(v, &a->cpumap_hard, cpus)))
			return ret;
	}
	if (!soft)
		return 0;
	if ((ret = cpumask_from_guest(v, &a->cpumap_soft, &cpus)))
		return ret;
	sched_set_soft_affinity(t, cpus);
	return cpumask_to_guest(v, &a->cpumap_soft, cpus & t->sched.affinity);
}

/* One NUMA node, node 0: a node map without it has no online node. */
int64_t domctl_setnodeaffinity(struct vcpu *v, struct domain *d, struct xen_domctl *op)
{
	const struct xenctl_bitmap *b = &op->u.nodeaffinity.nodemap;
	uint8_t first = 0;

	(void)d;
	if (b->nr_bits && copy_from_guest(v, &first, b->bitmap, 1))
		return -XEN_EFAULT;
	return first & 1 ? 0 : -XEN_EINVAL;
}

/* Arm 4.17 runs AArch64 and AArch32 guests; Domus runs AArch64 ones only. */
int64_t domctl_set_address_size(struct vcpu *v, struct domain *d, struct xen_domctl *op)
{
	(void)v;
	(void)d;
	return op->u.address_size.size == 64 ? 0 : -XEN_EINVAL;
}

/*
 * The p2m pool the toolstack sizes: Domus takes stage-2 tables from its
 * page allocator as needed, so the size is only kept and read back.
 */
int64_t domctl_paging_mempool(struct vcpu *v, struct domain *d, struct xen_domctl *op)
{
	(void)v;
	if (op->cmd == XEN_DOMCTL_get_paging_mempool_size) {
		op->u.paging_mempool.size = d->paging_mempool_size;
		return 0;
	}
	if (op->u.paging_mempool.size & (PAGE_SIZE - 1))
		return -XEN_EINVAL;
	d->paging_mempool_size = op->u.paging_mempool.size;
	return 0;
}

/* Cleans what the toolstack wrote into the guest's RAM out to memory. */
int64_t domctl_cacheflush(struct vcpu *v, struct domain *d, struct xen_domctl *op)
{
	uint64_t gfn = op->u.cacheflush.start_pfn, end = gfn + op->u.cacheflush.nr_pfns, pa;

	(void)v;
	if (op->u.cacheflush.nr_pfns > CACHEFLUSH_MAX_PFNS || end < gfn || end >> (64 - PAGE_SHIFT))
		return -XEN_EINVAL;
	spin_lock(&d->p2m_lock);
	for (; gfn < end; gfn++)
		if (p2m_arch_lookup(d, gfn << PAGE_SHIFT, &pa, NULL))
			arch_clean_dcache(pa_to_va(pa), PAGE_SIZE);
	spin_unlock(&d->p2m_lock);
	return 0;
}

/*
 * vCPU 0's boot registers as the toolstack's builder sets them (on arm64
 * the kernel's entry in pc, the device tree in x0); VGCF_online powers it
 * on, to run once the toolstack unpauses the domain.  Domus boots a vCPU
 * the way PSCI CPU_ON does: the rest of the state is the architecture's
 * boot state.
 */
int64_t domctl_setvcpucontext(struct vcpu *v, struct domain *d, struct xen_domctl *op)
{
	struct vcpu_guest_context c;
	uint64_t pc, arg;
	struct vcpu *t;

	if (d == v->dom || op->u.vcpucontext.vcpu >= d->nr_vcpus)
		return -XEN_EINVAL;
	t = d->vcpu[op->u.vcpucontext.vcpu];
	if (!op->u.vcpucontext.ctxt) {
		vcpu_power_off(t);
		return 0;
	}
	if (copy_from_guest(v, &c, op->u.vcpucontext.ctxt, sizeof(c)))
		return -XEN_EFAULT;
	if (!arch_vcpu_boot_context(&c, &pc, &arg))
		return -XEN_EINVAL;
	if (c.flags & VGCF_online)
		vcpu_power_on(t, pc, arg);
	else
		vcpu_power_off(t);
	return 0;
}
