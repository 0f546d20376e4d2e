/*
 * XEN_SYSCTL_*: the toolstack's questions about the whole machine, with Xen
 * 4.17's checks in Xen's order: the caller's structure (-EFAULT), its
 * interface version (-EACCES), the caller's privilege (-EPERM), then the
 * command (-ENOSYS if Domus has none such).  A command that succeeds has
 * the whole structure copied back, as Xen does.
 *
 * The machine as Xen on Arm describes it: one NUMA node, every CPU a core
 * of its own; and its CPU pools.
 */
#include <xen/toolstack.h>
#include <domus/arch.h>
#include <domus/console.h>
#include <domus/cpupool.h>
#include <domus/debugkeys.h>
#include <domus/domain.h>
#include <domus/page_alloc.h>
#include <domus/percpu.h>
#include <domus/sched.h>
#include <domus/sched_policy.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/pv.h>
#include <public/errno.h>
#include <public/sysctl.h>

#define NODE_DISTANCE 20	/* Xen on Arm's distance of a node from itself */

static uint64_t online_cpus(void)
{
	uint64_t cpus = 0;

	for (unsigned i = 0; i < nr_pcpus; i++)
		if (pcpus[i].online)
			cpus |= BIT(i);
	return cpus;
}

struct guest_buffer {
	struct vcpu *v;
	uint64_t gva;
};

static bool to_guest_buffer(void *ctx, uint32_t at, const char *s, uint32_t n)
{
	struct guest_buffer *b = ctx;

	return !copy_to_guest(b->v, b->gva + at, s, n);
}

/* xl dmesg: the console history, as Xen's read_console_ring gives its ring. */
static int64_t readconsole(struct vcpu *v, struct xen_sysctl *op)
{
	struct xen_sysctl_readconsole *rc = &op->u.readconsole;
	struct guest_buffer out = { v, rc->buffer };
	struct console_read r = { .clear = rc->clear, .incremental = rc->incremental,
				  .index = rc->index, .count = rc->count,
				  .sink = to_guest_buffer, .ctx = &out };

	if (!console_history_read(&r))
		return -XEN_EFAULT;
	rc->index = r.index;
	rc->count = r.count;
	return 0;
}

/*
 * What Xen on Arm reports: cpu_khz is the counter's frequency; hvm and hap
 * from Arm, gnttab_v1 (Arm's only grant version); no vPMU, since Domus
 * hides the PMU from guests.  max_mfn is the last frame of RAM.
 */
static int64_t physinfo(struct vcpu *v, struct xen_sysctl *op)
{
	struct xen_sysctl_physinfo *pi = &op->u.physinfo;
	uint64_t start, end;

	(void)v;
	page_alloc_span(&start, &end);
	memset(pi, 0, sizeof(*pi));
	pi->threads_per_core = 1;
	pi->cores_per_socket = 1;
	pi->nr_cpus = bit_count(online_cpus());
	pi->max_cpu_id = nr_pcpus - 1;
	pi->nr_nodes = 1;
	pi->cpu_khz = (uint32_t)(arch_counter_freq() / 1000);
	pi->capabilities = XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap |
			   XEN_SYSCTL_PHYSCAP_gnttab_v1;
	pi->total_pages = page_alloc_total_pages();
	pi->free_pages = page_alloc_free_pages();
	pi->outstanding_pages = memory_outstanding_claims();
	pi->max_mfn = (end >> PAGE_SHIFT) - 1;
	return 0;
}

static int64_t sched_id(struct vcpu *v, struct xen_sysctl *op)
{
	(void)v;
	op->u.sched_id.sched_id = sched_xen_id();
	return 0;
}

/* Domains from first_domain on, in id order, at most max_domains of them. */
static int64_t getdomaininfolist(struct vcpu *v, struct xen_sysctl *op)
{
	struct xen_sysctl_getdomaininfolist *l = &op->u.getdomaininfolist;
	struct xen_domctl_getdomaininfo info;
	struct domain *d;
	uint32_t n = 0;

	for (unsigned id = l->first_domain; n < l->max_domains && (d = domain_get_listed_from(id));) {
		domain_info(d, &info);
		id = d->id + 1;
		domain_put_listed(d);
		if (copy_to_guest(v, l->buffer + n * sizeof(info), &info, sizeof(info)))
			return -XEN_EFAULT;
		n++;
	}
	l->num_domains = n;
	return 0;
}

/*
 * A NULL buffer asks how many CPUs there are; otherwise num_cpus entries at
 * most are written, and num_cpus says how many were (Xen's code: not how
 * many there are, whatever its header says).
 */
static int64_t cputopoinfo(struct vcpu *v, struct xen_sysctl *op)
{
	struct xen_sysctl_cputopoinfo *t = &op->u.cputopoinfo;
	const struct xen_sysctl_cputopo topo = { 0, 0, 0 };	/* core, socket, node */
	uint32_t n = nr_pcpus;

	if (t->cputopo) {
		n = MIN(n, t->num_cpus);
		for (uint32_t i = 0; i < n; i++)
			if (copy_to_guest(v, t->cputopo + i * sizeof(topo), &topo, sizeof(topo)))
				return -XEN_EFAULT;
	}
	t->num_cpus = n;
	return 0;
}

/* One node with all the RAM; two NULL buffers ask how many nodes there are. */
static int64_t numainfo(struct vcpu *v, struct xen_sysctl *op)
{
	struct xen_sysctl_numainfo *ni = &op->u.numainfo;
	const uint32_t distance = NODE_DISTANCE;
	struct xen_sysctl_meminfo mem;
	uint64_t start, end;
	uint32_t n = 1;

	if (ni->meminfo || ni->distance)
		n = MIN(n, ni->num_nodes);
	page_alloc_span(&start, &end);
	/* Xen on Arm: the node spans from the first frame of RAM to the last. */
	mem = (struct xen_sysctl_meminfo){ end - start, page_alloc_free_pages() * PAGE_SIZE };
	if (n && ni->meminfo && copy_to_guest(v, ni->meminfo, &mem, sizeof(mem)))
		return -XEN_EFAULT;
	if (n && ni->distance && copy_to_guest(v, ni->distance, &distance, sizeof(distance)))
		return -XEN_EFAULT;
	ni->num_nodes = n;
	return 0;
}

/*
 * Xen 4.17's cpupool_op: pools are made empty, given free CPUs and
 * domains, and destroyed once they have neither.  A domain cannot move
 * itself (-EPERM, as Xen's rcu_lock_remote_domain_by_id()).
 */
static int64_t cpupool_op(struct vcpu *v, struct xen_sysctl *op)
{
	struct xen_sysctl_cpupool_op *p = &op->u.cpupool_op;
	struct cpupool_info info;
	struct domain *d;
	int64_t ret;

	switch (p->op) {
	case XEN_SYSCTL_CPUPOOL_OP_CREATE:
		return cpupool_create(&p->cpupool_id, p->sched_id);
	case XEN_SYSCTL_CPUPOOL_OP_DESTROY:
		return cpupool_destroy(p->cpupool_id);
	case XEN_SYSCTL_CPUPOOL_OP_INFO:
		if (!cpupool_info(p->cpupool_id, &info))
			return -XEN_ENOENT;
		p->cpupool_id = info.id;
		p->sched_id = info.sched_id;
		p->n_dom = info.n_dom;
		return cpumask_to_guest(v, &p->cpumap, info.cpus);
	case XEN_SYSCTL_CPUPOOL_OP_ADDCPU:
		return cpupool_add_cpu(p->cpupool_id, p->cpu);
	case XEN_SYSCTL_CPUPOOL_OP_RMCPU:
		return cpupool_remove_cpu(p->cpupool_id, p->cpu);
	case XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN:
		if (!(d = domain_get(p->domid)))
			return -XEN_ESRCH;
		ret = d == v->dom ? -XEN_EPERM : cpupool_move_domain(d, p->cpupool_id);
		domain_put(d);
		return ret;
	case XEN_SYSCTL_CPUPOOL_OP_FREEINFO:
		return cpumask_to_guest(v, &p->cpumap, cpupool_free_cpus());
	default:
		return -XEN_ENOSYS;
	}
}

/* Xen credit's limits for a new time slice and rate limit. */
static bool credit_params_valid(const struct xen_sysctl_credit_schedule *c)
{
	return c->tslice_ms >= XEN_SYSCTL_CSCHED_TSLICE_MIN &&
	       c->tslice_ms <= XEN_SYSCTL_CSCHED_TSLICE_MAX &&
	       (!c->ratelimit_us || (c->ratelimit_us >= XEN_SYSCTL_SCHED_RATELIMIT_MIN &&
				     c->ratelimit_us <= XEN_SYSCTL_SCHED_RATELIMIT_MAX)) &&
	       c->ratelimit_us <= c->tslice_ms * 1000 &&
	       c->vcpu_migr_delay_us <= XEN_SYSCTL_CSCHED_MGR_DLY_MAX_US;
}

/*
 * Credit's time slice and rate limit in a pool, read and set; the null
 * scheduler has no parameters.  Domus has no migration delay (vCPUs move at once), so it
 * reads 0 whatever was set.
 */
static int64_t scheduler_op(struct vcpu *v, struct xen_sysctl *op)
{
	struct xen_sysctl_scheduler_op *s = &op->u.scheduler_op;
	struct xen_sysctl_credit_schedule *c = &s->u.sched_credit;
	struct sched_params params;
	int64_t ret;

	(void)v;
	if (s->cmd != XEN_SYSCTL_SCHEDOP_putinfo && s->cmd != XEN_SYSCTL_SCHEDOP_getinfo)
		return -XEN_EINVAL;
	if ((ret = cpupool_get_params(s->cpupool_id, s->sched_id, &params)))
		return ret;
	if (s->sched_id != XEN_SCHEDULER_CREDIT)
		return 0;
	if (s->cmd == XEN_SYSCTL_SCHEDOP_putinfo) {
		if (!credit_params_valid(c))
			return -XEN_EINVAL;
		if ((ret = cpupool_set_params(s->cpupool_id, s->sched_id, c->tslice_ms,
					      c->ratelimit_us)))
			return ret;
		params.tslice_ms = c->tslice_ms;
		params.ratelimit_us = c->ratelimit_us;
	}
	c->tslice_ms = params.tslice_ms;
	c->ratelimit_us = params.ratelimit_us;
	c->vcpu_migr_delay_us = 0;
	return 0;
}

/*
 * Keys as if typed at Domus's console, answered there (xl dmesg reads it);
 * unknown ones are ignored, as Xen's.  Xen runs any number of them in one
 * go; a long run here goes on in a continuation, the same call again with
 * its second argument marking how many keys are done.
 */
#define KEYS_DONE (1ull << 32)

static int64_t debug_keys(struct vcpu *v, struct xen_sysctl *op)
{
	const struct xen_sysctl_debug_keys *k = &op->u.debug_keys;
	uint32_t first = v->hcall_args[1] >> 32 == KEYS_DONE >> 32 ? (uint32_t)v->hcall_args[1] : 0;
	char c;

	for (uint32_t i = first; i < k->nr_keys; i++) {
		if (i > first && hypercall_preempt_check(v))
			return hypercall_continue(v, v->hcall_args[0], KEYS_DONE | i, 0);
		if (copy_from_guest(v, &c, k->keys + i, 1))
			return -XEN_EFAULT;
		debugkey_handle(c);
	}
	return 0;
}

/* pcitopoinfo is not here: Xen 4.17 on Arm has no PCI support built in, so -ENOSYS. */
static int64_t (*const sysctls[])(struct vcpu *v, struct xen_sysctl *op) = {
	[XEN_SYSCTL_readconsole] = readconsole,
	[XEN_SYSCTL_physinfo] = physinfo,
	[XEN_SYSCTL_sched_id] = sched_id,
	[XEN_SYSCTL_getdomaininfolist] = getdomaininfolist,
	[XEN_SYSCTL_debug_keys] = debug_keys,
	[XEN_SYSCTL_cputopoinfo] = cputopoinfo,
	[XEN_SYSCTL_numainfo] = numainfo,
	[XEN_SYSCTL_cpupool_op] = cpupool_op,
	[XEN_SYSCTL_scheduler_op] = scheduler_op,
};

int64_t do_sysctl(struct vcpu *v, uint64_t arg)
{
	struct xen_sysctl op;
	int64_t ret;

	if (copy_from_guest(v, &op, arg, sizeof(op)))
		return -XEN_EFAULT;
	if (op.interface_version != XEN_SYSCTL_INTERFACE_VERSION)
		return -XEN_EACCES;
	if ((ret = xsm_control(v->dom)))
		return ret;
	if (op.cmd >= ARRAY_SIZE(sysctls) || !sysctls[op.cmd])
		return -XEN_ENOSYS;
	ret = sysctls[op.cmd](v, &op);
	if (!ret && copy_to_guest(v, arg, &op, sizeof(op)))
		ret = -XEN_EFAULT;
	return ret;
}
