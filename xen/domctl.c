/*
 * XEN_DOMCTL_*: the toolstack's operations on one domain, with Xen 4.17's
 * checks in Xen's order: the caller's structure (-EFAULT), its interface
 * version (-EACCES), the domain it names (-ESRCH; getdomaininfo may name
 * none), the caller's privilege (-EPERM), then the command (-ENOSYS if
 * Domus has none such).  Every domain used is held with domain_get().
 */
#include <xen/toolstack.h>
#include <domus/cpupool.h>
#include <domus/domain.h>
#include <domus/percpu.h>
#include <domus/sched.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/pv.h>
#include <xen/runstate.h>
#include <public/errno.h>
#include <asm/guest_abi.h>

_Static_assert(NR_CPUS <= 64, "a CPU set is a 64-bit mask");

/*
 * A map of nbits (at most 64) into the caller's bitmap: as much of it as the
 * caller's holds, then zeros to the end of the caller's, as Xen writes them.
 */
static int64_t bitmap_to_guest(struct vcpu *v, const struct xenctl_bitmap *b, uint64_t map,
			       unsigned nbits)
{
	static const uint8_t zeros[64];
	uint64_t want = ((uint64_t)b->nr_bits + 7) / 8, n = MIN(want, (nbits + 7) / 8);
	uint8_t bytes[8];

	map &= nbits < 64 ? BIT(nbits) - 1 : ~0ull;
	for (unsigned i = 0; i < sizeof(bytes); i++)
		bytes[i] = (uint8_t)(map >> (8 * i));
	if (n && copy_to_guest(v, b->bitmap, bytes, n))
		return -XEN_EFAULT;
	for (uint64_t at = n; at < want; at += sizeof(zeros))
		if (copy_to_guest(v, b->bitmap + at, zeros, MIN(sizeof(zeros), want - at)))
			return -XEN_EFAULT;
	return 0;
}

int64_t cpumask_to_guest(struct vcpu *v, const struct xenctl_bitmap *b, uint64_t cpus)
{
	return bitmap_to_guest(v, b, cpus, nr_pcpus);
}

/* The blocked and running flags, which Xen gives only a domain with a vCPU up. */
static uint32_t vcpu_flags(struct domain *d, struct xen_domctl_getdomaininfo *info)
{
	uint32_t flags = XEN_DOMINF_blocked;	/* unless a vCPU that is up is not */
	uint64_t ticks = 0;

	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *t = d->vcpu[i];

		ticks += sched_vcpu_runtime(t);
		if (t->power != VCPU_ON)
			continue;
		info->nr_online_vcpus++;
		if (!t->blocked)
			flags &= ~XEN_DOMINF_blocked;
		if (sched_vcpu_running(t))
			flags |= XEN_DOMINF_running;
	}
	info->cpu_time = ticks_to_ns(ticks);
	return info->nr_online_vcpus ? flags : 0;
}

/*
 * Every Arm domain is an HVM guest with hardware paging to Xen.  The whole
 * shutdown code goes above bit 16, so bits 16-31 are ones while the domain
 * has none (SHUTDOWN_CODE_INVALID).  Dying: destroyed once nothing holds it;
 * a destroyed one is listed while others map its pages, which it then counts.
 */
void domain_info(struct domain *d, struct xen_domctl_getdomaininfo *info)
{
	bool dead = d->state == DOMAIN_DEAD;

	memset(info, 0, sizeof(*info));
	info->domain = (domid_t)d->id;
	info->flags = vcpu_flags(d, info) | XEN_DOMINF_hvm_guest | XEN_DOMINF_hap |
		      (d->state == DOMAIN_DYING || dead ? XEN_DOMINF_dying : 0) |
		      (d->shut_down ? XEN_DOMINF_shutdown : 0) |
		      (__atomic_load_n(&d->controller_pause_count, __ATOMIC_RELAXED) ?
		       XEN_DOMINF_paused : 0) |
		      d->shutdown_code << XEN_DOMINF_shutdownshift;
	info->tot_pages = dead ? domain_pages_mapped_after_death(d) : d->ram_pages;
	info->max_pages = d->max_pages;
	info->outstanding_pages = d->outstanding_pages;
	/* On Arm, Xen gives the machine frame: its gfn-from-mfn is the identity there. */
	info->shared_info_frame = d->pv ? d->pv->shared_info_pa >> PAGE_SHIFT : 0;
	info->max_vcpu_id = d->nr_vcpus ? d->nr_vcpus - 1 : XEN_INVALID_MAX_VCPU_ID;
	info->gpaddr_bits = GUEST_PADDR_BITS;
	memcpy(info->handle, d->handle, sizeof(info->handle));
	info->cpupool = d->pool_id;
	/* ssidref (dummy XSM) and arch_config (Xen 4.17 fills it on x86 only) stay 0. */
}

/*
 * The toolstack's pauses, counted as Xen counts them (at most 255); a
 * paused domain's vCPUs leave their CPUs at once (their CPUs are kicked)
 * and are not chosen again until the count is back at 0.
 */
static int64_t pause(struct domain *d, int delta)
{
	unsigned old = __atomic_load_n(&d->controller_pause_count, __ATOMIC_RELAXED), new;

	do {
		if (delta < 0 && !old)
			return -XEN_EINVAL;
		new = old + (unsigned)delta;
		if (new > 255)
			return -XEN_EOVERFLOW;
	} while (!__atomic_compare_exchange_n(&d->controller_pause_count, &old, new, false,
					      __ATOMIC_ACQ_REL, __ATOMIC_RELAXED));
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		vcpu_kick(d->vcpu[i]);
	return 0;
}

static int64_t pausedomain(struct vcpu *v, struct domain *d, struct xen_domctl *op)
{
	(void)op;
	return d == v->dom ? -XEN_EINVAL : pause(d, 1);
}

static int64_t unpausedomain(struct vcpu *v, struct domain *d, struct xen_domctl *op)
{
	(void)v;
	(void)op;
	return pause(d, -1);
}

/* As Xen: no check against what it holds; above the new limit it only cannot grow. */
static int64_t max_mem(struct vcpu *v, struct domain *d, struct xen_domctl *op)
{
	(void)v;
	spin_lock(&d->p2m_lock);
	d->max_pages = MIN(op->u.max_mem.max_memkb >> (PAGE_SHIFT - 10), (uint64_t)UINT32_MAX);
	spin_unlock(&d->p2m_lock);
	return 0;
}

static int64_t setdomainhandle(struct vcpu *v, struct domain *d, struct xen_domctl *op)
{
	(void)v;
	memcpy(d->handle, op->u.setdomainhandle.handle, sizeof(d->handle));
	return 0;
}

/* The domain asked for, or the first after it: the toolstack walks the domains so. */
static int64_t getdomaininfo(struct vcpu *v, struct domain *d, struct xen_domctl *op)
{
	struct domain *found = d;

	(void)v;
	if (!found && op->domain >= DOMID_FIRST_RESERVED)
		return -XEN_EINVAL;
	if (!found && !(found = domain_get_listed_from(op->domain)))
		return -XEN_ESRCH;
	domain_info(found, &op->u.getdomaininfo);
	op->domain = (domid_t)found->id;
	if (found != d)
		domain_put_listed(found);
	return 0;
}

static int64_t getvcpuinfo(struct vcpu *v, struct domain *d, struct xen_domctl *op)
{
	struct xen_domctl_getvcpuinfo *info = &op->u.getvcpuinfo;
	struct vcpu *t;

	(void)v;
	if (info->vcpu >= d->nr_vcpus)
		return -XEN_EINVAL;
	t = d->vcpu[info->vcpu];
	info->online = t->power == VCPU_ON;
	info->blocked = t->blocked;
	info->running = sched_vcpu_running(t);
	info->cpu_time = ticks_to_ns(sched_vcpu_runtime(t));
	info->cpu = t->pcpu;
	return 0;
}

/*
 * The vCPU's hard and soft affinities (the soft one every CPU unless set,
 * as Xen's).  As in Xen, a fault writing the hard map is forgotten when the
 * soft one is written after it.
 */
static int64_t getvcpuaffinity(struct vcpu *v, struct domain *d, struct xen_domctl *op)
{
	struct xen_domctl_vcpuaffinity *a = &op->u.vcpuaffinity;
	bool hard = a->flags & XEN_VCPUAFFINITY_HARD, soft = a->flags & XEN_VCPUAFFINITY_SOFT;
	int64_t ret = 0;

	if (a->vcpu >= d->nr_vcpus)
		return -XEN_EINVAL;
	if (!a->flags || (hard && !a->cpumap_hard.bitmap) || (soft && !a->cpumap_soft.bitmap))
		return -XEN_EINVAL;
	if (hard)
		ret = cpumask_to_guest(v, &a->cpumap_hard, d->vcpu[a->vcpu]->sched.affinity);
	if (soft)
		ret = cpumask_to_guest(v, &a->cpumap_soft, d->vcpu[a->vcpu]->sched.soft_affinity);
	return ret;
}

/* One NUMA node: every domain's node affinity is node 0 (see setnodeaffinity). */
static int64_t getnodeaffinity(struct vcpu *v, struct domain *d, struct xen_domctl *op)
{
	(void)d;
	return bitmap_to_guest(v, &op->u.nodeaffinity.nodemap, 1, 1);
}

/*
 * Credit's weight and cap, if the domain's pool has that scheduler; the null
 * scheduler has no parameters and takes any command.
 */
static int64_t scheduler_op(struct vcpu *v, struct domain *d, struct xen_domctl *op)
{
	struct xen_domctl_scheduler_op *s = &op->u.scheduler_op;

	(void)v;
	if (s->sched_id != cpupool_sched_of(d) || s->cmd > XEN_DOMCTL_SCHEDOP_getvcpuinfo)
		return -XEN_EINVAL;
	if (s->sched_id != XEN_SCHEDULER_CREDIT)
		return 0;
	switch (s->cmd) {
	case XEN_DOMCTL_SCHEDOP_getinfo:
		s->u.credit.weight = (uint16_t)d->weight;
		s->u.credit.cap = (uint16_t)d->cap;
		return 0;
	case XEN_DOMCTL_SCHEDOP_putinfo:
		/* A weight of 0 and a cap of 0xffff leave that one as it is. */
		if (s->u.credit.weight)
			d->weight = s->u.credit.weight;
		if (s->u.credit.cap != 0xffff)
			d->cap = s->u.credit.cap;
		return 0;
	default:
		return -XEN_EINVAL;	/* credit has no per-vCPU parameters */
	}
}

/* When Xen copies the structure back to the caller. */
enum copyback { COPY_NEVER, COPY_ON_SUCCESS, COPY_ALWAYS };

static const struct {
	int64_t (*fn)(struct vcpu *v, struct domain *d, struct xen_domctl *op);
	enum copyback copy;
} domctls[] = {
	[XEN_DOMCTL_createdomain] = { domctl_createdomain, COPY_ON_SUCCESS },
	[XEN_DOMCTL_destroydomain] = { domctl_destroydomain, COPY_NEVER },
	[XEN_DOMCTL_pausedomain] = { pausedomain, COPY_NEVER },
	[XEN_DOMCTL_unpausedomain] = { unpausedomain, COPY_NEVER },
	[XEN_DOMCTL_getdomaininfo] = { getdomaininfo, COPY_ON_SUCCESS },
	[XEN_DOMCTL_max_mem] = { max_mem, COPY_NEVER },
	[XEN_DOMCTL_setdomainhandle] = { setdomainhandle, COPY_NEVER },
	[XEN_DOMCTL_getvcpuinfo] = { getvcpuinfo, COPY_ON_SUCCESS },
	[XEN_DOMCTL_scheduler_op] = { scheduler_op, COPY_ALWAYS },
	[XEN_DOMCTL_getvcpuaffinity] = { getvcpuaffinity, COPY_NEVER },	/* answers in the maps */
	[XEN_DOMCTL_setvcpuaffinity] = { domctl_setvcpuaffinity, COPY_NEVER },	/* likewise */
	[XEN_DOMCTL_max_vcpus] = { domctl_max_vcpus, COPY_NEVER },
	[XEN_DOMCTL_setvcpucontext] = { domctl_setvcpucontext, COPY_NEVER },
	[XEN_DOMCTL_set_address_size] = { domctl_set_address_size, COPY_NEVER },
	[XEN_DOMCTL_setnodeaffinity] = { domctl_setnodeaffinity, COPY_NEVER },
	[XEN_DOMCTL_getnodeaffinity] = { getnodeaffinity, COPY_NEVER },	/* answers in the map */
	[XEN_DOMCTL_cacheflush] = { domctl_cacheflush, COPY_NEVER },
	[XEN_DOMCTL_get_paging_mempool_size] = { domctl_paging_mempool, COPY_ON_SUCCESS },
	[XEN_DOMCTL_set_paging_mempool_size] = { domctl_paging_mempool, COPY_NEVER },
};

static int64_t run(struct vcpu *v, struct domain *d, struct xen_domctl *op, uint64_t arg)
{
	enum copyback copy;
	int64_t ret;

	if (op->cmd >= ARRAY_SIZE(domctls) || !domctls[op->cmd].fn)
		return -XEN_ENOSYS;
	copy = domctls[op->cmd].copy;
	ret = domctls[op->cmd].fn(v, d, op);
	if ((copy == COPY_ALWAYS || (copy == COPY_ON_SUCCESS && !ret)) &&
	    copy_to_guest(v, arg, op, sizeof(*op)))
		ret = -XEN_EFAULT;
	return ret;
}

/* Xen's commands that need not name an existing domain (Domus has no DOMID_IO domain). */
static bool names_no_domain(const struct xen_domctl *op)
{
	switch (op->cmd) {
	case XEN_DOMCTL_createdomain:
		return true;
	case XEN_DOMCTL_assign_device:
	case XEN_DOMCTL_deassign_device:
		return op->domain == DOMID_IO;
	case XEN_DOMCTL_test_assign_device:
	case XEN_DOMCTL_vm_event_op:
		return op->domain == DOMID_INVALID;
	default:
		return false;
	}
}

/*
 * destroydomain returns once the domain is taken apart and its memory is
 * back but for pages others still map (Xen's -ERESTART loop): the reaper
 * does it in slices, and the call continues -- the same domctl again, its
 * second argument marking it as the destroy of that id -- until then.
 */
#define DESTROYING (1ull << 32)

static int64_t destroy_continues(struct vcpu *v, uint64_t arg, domid_t id)
{
	return domain_destroy_pending(id) ? hypercall_continue(v, arg, DESTROYING | id, 0) : 0;
}

/* Destroyed while others map its pages: destroying it again succeeds, as on Xen. */
static bool destroyed_but_listed(domid_t id)
{
	struct domain *d = domain_get_listed_from(id);
	bool dead = d && d->id == id && d->state == DOMAIN_DEAD;

	if (d)
		domain_put_listed(d);
	return dead;
}

int64_t do_domctl(struct vcpu *v, uint64_t arg)
{
	bool continued_destroy = v->hcall_args[1] >> 32 == DESTROYING >> 32;
	struct xen_domctl op;
	struct domain *d = NULL;
	int64_t ret;

	if (copy_from_guest(v, &op, arg, sizeof(op)))
		return -XEN_EFAULT;
	if (op.interface_version != XEN_DOMCTL_INTERFACE_VERSION)
		return -XEN_EACCES;
	if (op.cmd == XEN_DOMCTL_destroydomain && continued_destroy &&
	    (uint16_t)v->hcall_args[1] == op.domain && !xsm_control(v->dom))
		return destroy_continues(v, arg, op.domain);
	if (!names_no_domain(&op) && !(d = domain_get(op.domain)) &&
	    op.cmd != XEN_DOMCTL_getdomaininfo)
		return op.cmd == XEN_DOMCTL_destroydomain && destroyed_but_listed(op.domain) ?
		       xsm_control(v->dom) : -XEN_ESRCH;
	ret = xsm_control(v->dom);
	if (!ret)
		ret = run(v, d, &op, arg);
	if (d)
		domain_put(d);
	if (!ret && op.cmd == XEN_DOMCTL_destroydomain)
		ret = destroy_continues(v, arg, op.domain);
	return ret;
}
