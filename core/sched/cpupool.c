/*
 * CPU pools (domus/cpupool.h): which CPUs each pool has, which pool each
 * domain is in, and moving CPUs and domains between them.  A vCPU that has
 * to go elsewhere is put at once on a queue of its new pool; if a CPU still
 * holds its state, the policies pass it over until that CPU lets it go
 * (sched/core.c), so it never runs in two places.
 */
#include <domus/cpupool.h>
#include <domus/arch.h>
#include <domus/domain.h>
#include <domus/percpu.h>
#include <public/domctl.h>
#include <public/errno.h>

struct cpupool cpupool0 = { .id = 0, .used = true, .ops = &sched_credit_ops };
static struct cpupool others[MAX_CPUPOOLS - 1];
static uint64_t free_cpus;	/* in no pool */
static uint64_t claimed;	/* free, or in a pool other than 0 */

static uint64_t all_cpus(void)
{
	return nr_pcpus < 64 ? BIT(nr_pcpus) - 1 : ~0ull;
}

uint64_t cpupool_cpus(const struct cpupool *p)
{
	return p == &cpupool0 ? all_cpus() & ~claimed : p->cpus;
}

struct cpupool *cpupool_of_cpu(unsigned i)
{
	if (!(claimed & BIT(i)))
		return &cpupool0;
	for (unsigned k = 0; k < ARRAY_SIZE(others); k++)
		if (others[k].used && others[k].cpus & BIT(i))
			return &others[k];
	return NULL;
}

struct cpupool *cpupool_find(uint32_t id)
{
	if (id == 0)
		return &cpupool0;
	for (unsigned k = 0; k < ARRAY_SIZE(others); k++)
		if (others[k].used && others[k].id == id)
			return &others[k];
	return NULL;
}

static unsigned nr_pools(void)
{
	unsigned n = 1;

	for (unsigned k = 0; k < ARRAY_SIZE(others); k++)
		n += others[k].used;
	return n;
}

/* CPUs of p with an empty run queue, but `except`: where the null policy can put a vCPU. */
static unsigned empty_cpus(const struct cpupool *p, uint64_t except)
{
	uint64_t cpus = cpupool_cpus(p) & ~except;
	unsigned n = 0;

	for (unsigned i = 0; i < nr_pcpus; i++)
		n += cpus & BIT(i) && !pcpus[i].nr_runq;
	return n;
}

/*
 * v leaves its queue for one its pool's policy chooses.  A hard affinity
 * that leaves it no place in the pool is reset to every CPU, as Xen breaks
 * it.  Callers have checked that the null policy has a CPU for it.
 */
static void requeue(struct vcpu *v)
{
	const struct sched_ops *ops = v->dom->pool->ops;
	struct pcpu *old = &pcpus[v->pcpu];

	sched_runq_remove(old, v);
	if (old->current == v)
		old->current = NULL;
	sched_resched(old);
	if (ops->add_vcpu(v)) {
		v->sched.affinity = ~0ull;
		ops->add_vcpu(v);
	}
	sched_resched(&pcpus[v->pcpu]);
}

/* As Xen: after the highest id, or the first free one once that is the last there is. */
static uint32_t any_id(void)
{
	uint32_t next = 1;

	for (unsigned k = 0; k < ARRAY_SIZE(others); k++)
		if (others[k].used)
			next = MAX(next, others[k].id + 1);
	if (next == CPUPOOL_ANY)
		for (next = 1; cpupool_find(next); next++)
			;
	return next;
}

int cpupool_create(uint32_t *id, unsigned sched_id)
{
	const struct sched_ops *ops = sched_policy_numbered(sched_id);
	struct cpupool *p = NULL;
	int ret = 0;

	spin_lock(&sched_lock);
	if (nr_pools() >= 2 * nr_pcpus)
		ret = -XEN_ENOSPC;
	else if (*id != CPUPOOL_ANY && cpupool_find(*id))
		ret = -XEN_EEXIST;
	else if (!ops)
		ret = -XEN_ENOENT;
	if (!ret) {
		for (unsigned k = 0; k < ARRAY_SIZE(others) && !p; k++)
			if (!others[k].used)
				p = &others[k];
		*p = (struct cpupool){ .id = *id == CPUPOOL_ANY ? any_id() : *id, .used = true,
				       .ops = ops, .params = sched_boot_params };
		*id = p->id;
	}
	spin_unlock(&sched_lock);
	return ret;
}

int cpupool_destroy(uint32_t id)
{
	struct cpupool *p;
	int ret = 0;

	spin_lock(&sched_lock);
	p = cpupool_find(id);
	if (!p)
		ret = -XEN_ENOENT;
	else if (p->n_dom || cpupool_cpus(p))
		ret = -XEN_EBUSY;
	else
		p->used = false;
	spin_unlock(&sched_lock);
	return ret;
}

bool cpupool_info(uint32_t from, struct cpupool_info *out)
{
	const struct cpupool *best = NULL;

	spin_lock(&sched_lock);
	if (from == 0)
		best = &cpupool0;	/* the others' ids are higher */
	for (unsigned k = 0; k < ARRAY_SIZE(others) && from; k++) {
		const struct cpupool *p = &others[k];

		if (p->used && p->id >= from && (!best || p->id < best->id))
			best = p;
	}
	if (best)
		*out = (struct cpupool_info){ .id = best->id, .sched_id = best->ops->xen_id,
					      .n_dom = best->n_dom, .cpus = cpupool_cpus(best) };
	spin_unlock(&sched_lock);
	return best != NULL;
}

int cpupool_add_cpu(uint32_t id, uint32_t cpu)
{
	struct cpupool *p;
	int ret = 0;

	spin_lock(&sched_lock);
	p = cpupool_find(id);
	if (cpu == CPUPOOL_ANY && free_cpus)
		cpu = (uint32_t)__builtin_ctzll(free_cpus);
	if (!p)
		ret = -XEN_ENOENT;
	else if (cpu == CPUPOOL_ANY)
		ret = -XEN_ENODEV;
	else if (cpu >= nr_pcpus)
		ret = -XEN_EINVAL;
	else if (!pcpus[cpu].online || !(free_cpus & BIT(cpu)))
		ret = -XEN_ENODEV;
	if (!ret) {
		free_cpus &= ~BIT(cpu);
		if (p == &cpupool0)
			claimed &= ~BIT(cpu);
		else
			p->cpus |= BIT(cpu);
		sched_resched(&pcpus[cpu]);	/* an idle CPU of a credit pool looks for work */
	}
	spin_unlock(&sched_lock);
	return ret;
}

/* Whether CPU cpu can leave p: what Xen refuses, and what the null policy cannot rehouse. */
static int may_leave(const struct cpupool *p, uint32_t cpu)
{
	if (cpu >= nr_pcpus)
		return -XEN_EINVAL;
	if (p == &cpupool0 && cpu == 0)
		return -XEN_EINVAL;
	if (!(cpupool_cpus(p) & BIT(cpu)))
		return -XEN_EADDRNOTAVAIL;
	if (p->n_dom && cpupool_cpus(p) == BIT(cpu))
		return -XEN_EBUSY;
	if (p->ops == &sched_null_ops && empty_cpus(p, BIT(cpu)) < pcpus[cpu].nr_runq)
		return -XEN_EBUSY;
	return 0;
}

int cpupool_remove_cpu(uint32_t id, uint32_t cpu)
{
	struct cpupool *p;
	int ret;

	spin_lock(&sched_lock);
	p = cpupool_find(id);
	if (p && cpu == CPUPOOL_ANY && cpupool_cpus(p))
		cpu = 63 - (uint32_t)__builtin_clzll(cpupool_cpus(p));
	ret = p ? may_leave(p, cpu) : -XEN_ENOENT;
	if (!ret) {
		struct pcpu *c = &pcpus[cpu];

		free_cpus |= BIT(cpu);
		claimed |= BIT(cpu);
		p->cpus &= ~BIT(cpu);
		while (c->nr_runq)
			requeue(c->runq[0]);
		c->current = NULL;
		sched_resched(c);
	}
	spin_unlock(&sched_lock);
	return ret;
}

int cpupool_move_domain(struct domain *d, uint32_t id)
{
	struct cpupool *p;
	int ret = 0;

	spin_lock(&sched_lock);
	p = cpupool_find(id);
	if (!d->pool)
		ret = -XEN_EINVAL;
	else if (!p || !cpupool_cpus(p))
		ret = -XEN_ENOENT;
	else if (p != d->pool && p->ops == &sched_null_ops && empty_cpus(p, 0) < d->nr_vcpus)
		ret = -XEN_EBUSY;
	if (!ret && p != d->pool) {
		d->pool->n_dom--;
		d->pool = p;
		d->pool_id = p->id;
		p->n_dom++;
		/* As Xen: a domain starts afresh in its new pool, free to use any of its CPUs. */
		for (unsigned i = 0; i < d->nr_vcpus; i++) {
			d->vcpu[i]->sched.affinity = d->vcpu[i]->sched.soft_affinity = ~0ull;
			requeue(d->vcpu[i]);
		}
	}
	spin_unlock(&sched_lock);
	return ret;
}

uint64_t cpupool_free_cpus(void)
{
	return __atomic_load_n(&free_cpus, __ATOMIC_RELAXED);
}

int cpupool_usable(uint32_t id)
{
	const struct cpupool *p;
	int ret;

	spin_lock(&sched_lock);
	p = cpupool_find(id);
	ret = !p ? -XEN_ESRCH : !cpupool_cpus(p) ? -XEN_ENODEV : 0;
	spin_unlock(&sched_lock);
	return ret;
}

unsigned cpupool_sched_of(const struct domain *d)
{
	unsigned id;

	spin_lock(&sched_lock);
	id = d->pool ? d->pool->ops->xen_id : 0;
	spin_unlock(&sched_lock);
	return id;
}

/* Pool id if its scheduler is sched_id; NULL with why not in *ret. */
static struct cpupool *with_scheduler(uint32_t id, unsigned sched_id, int *ret)
{
	struct cpupool *p = cpupool_find(id);

	*ret = !p ? -XEN_ESRCH : p->ops->xen_id != sched_id ? -XEN_EINVAL : 0;
	return *ret ? NULL : p;
}

int cpupool_get_params(uint32_t id, unsigned sched_id, struct sched_params *out)
{
	const struct cpupool *p;
	int ret;

	spin_lock(&sched_lock);
	if ((p = with_scheduler(id, sched_id, &ret)))
		*out = p->params;
	spin_unlock(&sched_lock);
	return ret;
}

int cpupool_set_params(uint32_t id, unsigned sched_id, unsigned tslice_ms, unsigned ratelimit_us)
{
	struct cpupool *p;
	int ret;

	spin_lock(&sched_lock);
	if ((p = with_scheduler(id, sched_id, &ret)))
		sched_set_params(&p->params, arch_counter_freq(), tslice_ms, ratelimit_us);
	spin_unlock(&sched_lock);
	return ret;
}

void cpupool_reset(void)
{
	spin_lock(&sched_lock);
	memset(others, 0, sizeof(others));
	free_cpus = claimed = 0;
	cpupool0.n_dom = 0;
	spin_unlock(&sched_lock);
}
