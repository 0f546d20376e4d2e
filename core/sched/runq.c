/*
 * What the scheduling policies share with the core: the parameters, the run
 * queues and whether a vCPU can run.  Apart from core.c because it has no
 * architecture dependency, so the policies link on the host in unit tests.
 */
#include <domus/sched_policy.h>
#include <domus/cpupool.h>
#include <domus/domain.h>
#include <domus/percpu.h>

#define ACCOUNTING_MS 30

struct sched_params sched_boot_params;

static const struct sched_ops *const policies[] = { &sched_credit_ops, &sched_null_ops };

const struct sched_ops *sched_policy_named(const char *name)
{
	for (unsigned i = 0; i < ARRAY_SIZE(policies); i++)
		if (!strcmp(policies[i]->name, name))
			return policies[i];
	return NULL;
}

const struct sched_ops *sched_policy_numbered(unsigned xen_id)
{
	for (unsigned i = 0; i < ARRAY_SIZE(policies); i++)
		if (policies[i]->xen_id == xen_id)
			return policies[i];
	return NULL;
}

void sched_set_params(struct sched_params *p, uint64_t freq, unsigned tslice_ms,
		      unsigned ratelimit_us)
{
	*p = (struct sched_params){
		.freq = freq,
		.tslice = freq * tslice_ms / 1000,
		.ratelimit = freq * ratelimit_us / 1000000,
		.period = freq * ACCOUNTING_MS / 1000,
		.tslice_ms = tslice_ms,
		.ratelimit_us = ratelimit_us,
	};
}

struct vcpu *sched_choose(struct pcpu *c, const struct sched_ops *ops, uint64_t now)
{
	struct vcpu *v = c->current;

	if (c->resched || !v || !sched_runnable(v) || v->sched.parked ||
	    (c->slice_end && now >= c->slice_end)) {
		c->resched = false;
		v = ops->pick(c, now, &c->slice_end);
		if (v != c->current)
			c->run_start = now;
		c->current = v;
	}
	c->idle = v == NULL;
	return v;
}

void sched_runq_add(struct pcpu *c, struct vcpu *v)
{
	v->pcpu = c->id;
	c->runq[c->nr_runq++] = v;
}

void sched_runq_remove(struct pcpu *c, struct vcpu *v)
{
	unsigned n = 0;

	for (unsigned i = 0; i < c->nr_runq; i++)
		if (c->runq[i] != v)
			c->runq[n++] = c->runq[i];
	c->nr_runq = n;
}

bool sched_runnable(const struct vcpu *v)
{
	return v->power == VCPU_ON && !v->blocked && v->dom->state == DOMAIN_RUNNING &&
	       !__atomic_load_n(&v->dom->controller_pause_count, __ATOMIC_RELAXED);
}

/* Of the CPUs in the mask, the one with the shortest run queue (the first of equals). */
static struct pcpu *least_loaded(uint64_t cpus)
{
	struct pcpu *best = NULL;

	for (unsigned i = 0; i < nr_pcpus; i++)
		if (cpus & BIT(i) && (!best || pcpus[i].nr_runq < best->nr_runq))
			best = &pcpus[i];
	return best;
}

uint64_t sched_allowed(const struct vcpu *v)
{
	const struct cpupool *p = v->dom->pool;

	return p ? v->sched.affinity & cpupool_cpus(p) : 0;
}

uint64_t sched_preferred(const struct vcpu *v)
{
	uint64_t allowed = sched_allowed(v), both = allowed & v->sched.soft_affinity;

	return both ? both : allowed;
}

struct pcpu *sched_place(const struct vcpu *v)
{
	struct pcpu *c = least_loaded(sched_preferred(v));

	return c ? c : least_loaded(sched_allowed(v));
}
