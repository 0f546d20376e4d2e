/*
 * The credit scheduler (after Xen's credit1).  Every accounting period the
 * CPU time of the period is shared out as credit between the domains that
 * want CPU, in proportion to their weight and within their cap, and split
 * between their active vCPUs.  Running burns credit.  A CPU runs the best
 * vCPU of its run queue: woken-from-wait (BOOST) before in-credit (UNDER)
 * before out-of-credit (OVER), the most credit first; a capped domain out of
 * credit waits for the next period.  An idle CPU takes work from another
 * CPU's queue.  Each CPU pool (domus/cpupool.h) with this policy shares out
 * its own CPUs' time, with its own parameters.
 */
#include <domus/sched_policy.h>
#include <domus/cpupool.h>
#include <domus/domain.h>
#include <domus/percpu.h>
#include <public/domctl.h>

static bool allowed_on(const struct vcpu *v, const struct pcpu *c)
{
	return sched_allowed(v) & BIT(c->id);
}

/* Whether v would rather run on c: its soft affinity, narrower than its hard one, names c. */
static bool prefers(const struct vcpu *v, const struct pcpu *c)
{
	uint64_t p = sched_preferred(v);

	return p != sched_allowed(v) && p & BIT(c->id);
}

/* Not while another CPU still holds its state: it has just moved here from there. */
static bool eligible(const struct vcpu *v, const struct pcpu *c)
{
	return sched_runnable(v) && !v->sched.parked && allowed_on(v, c) &&
	       (v->loaded_on < 0 || v->loaded_on == (int)c->id);
}

static const char *credit_add_vcpu(struct vcpu *v)
{
	struct pcpu *best = sched_place(v);

	if (!best)
		return "its vCPU affinity names no physical CPU in its CPU pool";
	v->sched.credit = 0;
	v->sched.prio = PRIO_UNDER;
	sched_runq_add(best, v);
	return NULL;
}

struct totals {
	const struct cpupool *pool;
	uint64_t weight;	/* of the domains with an active vCPU */
};

/* Every vCPU of the pool's domains: those on its CPUs' queues. */
static void for_each_vcpu(struct totals *t, void (*fn)(struct vcpu *v, struct totals *t))
{
	uint64_t cpus = cpupool_cpus(t->pool);

	for (unsigned i = 0; i < nr_pcpus; i++)
		for (unsigned j = 0; cpus & BIT(i) && j < pcpus[i].nr_runq; j++)
			fn(pcpus[i].runq[j], t);
}

static void count_active(struct vcpu *v, struct totals *t)
{
	struct domain *d = v->dom;

	if (!v->sched.active && !sched_runnable(v))
		return;
	v->sched.active = true;
	if (d->sched_round != t->pool->accounting_round) {
		d->sched_round = t->pool->accounting_round;
		d->sched_active_vcpus = 0;
		t->weight += d->weight;
	}
	d->sched_active_vcpus++;
}

static void give_credit(struct vcpu *v, struct totals *t)
{
	const struct domain *d = v->dom;
	uint64_t period = t->pool->params.period, share;
	struct sched_vcpu *s = &v->sched;

	if (s->active) {
		share = period * bit_count(cpupool_cpus(t->pool)) * d->weight / t->weight;
		if (d->cap)
			share = MIN(share, period * d->cap / 100);
		share = MIN(share / d->sched_active_vcpus, period);
		s->credit = MIN(s->credit + (int64_t)share, (int64_t)period);
	}
	/* Credit not used within a period does not pile up, nor does debt. */
	s->credit = MAX(s->credit, -(int64_t)period);
	s->parked = d->cap && s->credit <= 0;
	s->prio = s->credit > 0 ? PRIO_UNDER : PRIO_OVER;
	s->active = false;
}

static void account(struct cpupool *p, uint64_t now)
{
	struct totals t = { .pool = p };

	if (now < p->next_accounting)
		return;
	/* On the period's grid, so late picks do not stretch the periods. */
	p->next_accounting += p->params.period;
	if (p->next_accounting <= now)
		p->next_accounting = now + p->params.period;
	p->accounting_round++;
	for_each_vcpu(&t, count_active);
	if (!t.weight)
		t.weight = 1;
	for_each_vcpu(&t, give_credit);
}

/*
 * Whether a should run rather than b.  Equals take turns: the one that has
 * waited longest goes first (credit is capped at a period, so every vCPU
 * that waited long enough is an equal, and queue order would let two of
 * them keep a third out for good).
 */
static bool better(const struct vcpu *a, const struct vcpu *b)
{
	if (!b)
		return true;
	if (a->sched.prio != b->sched.prio)
		return a->sched.prio < b->sched.prio;
	if (a->sched.credit != b->sched.credit)
		return a->sched.credit > b->sched.credit;
	return a->sched.last_ran < b->sched.last_ran;
}

static struct vcpu *best_local(struct pcpu *c)
{
	struct vcpu *best = NULL;

	for (unsigned i = 0; i < c->nr_runq; i++) {
		struct vcpu *v = c->runq[i];
		if (eligible(v, c) && better(v, best))
			best = v;
	}
	return best;
}

/* Whether a vCPU on c's queue waits for the next period's credit. */
static bool any_parked(const struct pcpu *c)
{
	for (unsigned i = 0; i < c->nr_runq; i++)
		if (c->runq[i]->sched.parked && sched_runnable(c->runq[i]))
			return true;
	return false;
}

/*
 * Takes from another CPU's queue a waiting vCPU, whose state no CPU holds,
 * that should run rather than `mine` (NULL when this CPU would idle): idle
 * CPUs find work, and a CPU about to run an out-of-credit vCPU lets an
 * in-credit one from elsewhere run instead, so weights hold across CPUs.
 * As Xen's two balancing steps: first the vCPUs that prefer c (soft
 * affinity), then any that may run there.
 */
static struct vcpu *steal_among(struct pcpu *c, struct vcpu *mine, bool preferring)
{
	uint64_t pool_cpus = cpupool_cpus(cpupool_of_cpu(c->id));
	struct vcpu *best = mine;
	struct pcpu *from = NULL;

	for (unsigned i = 0; i < nr_pcpus; i++) {
		struct pcpu *o = &pcpus[i];
		if (o == c || !(pool_cpus & BIT(i)))
			continue;
		for (unsigned j = 0; j < o->nr_runq; j++) {
			struct vcpu *v = o->runq[j];
			if (eligible(v, c) && v->loaded_on < 0 && o->current != v &&
			    (!preferring || prefers(v, c)) &&
			    (mine ? v->sched.prio < best->sched.prio : better(v, best))) {
				best = v;
				from = o;
			}
		}
	}
	if (from) {
		sched_runq_remove(from, best);
		sched_runq_add(c, best);
	}
	return best;
}

static struct vcpu *steal(struct pcpu *c, struct vcpu *mine)
{
	struct vcpu *v = steal_among(c, mine, true);

	return v != mine ? v : steal_among(c, mine, false);
}

static struct vcpu *credit_pick(struct pcpu *c, uint64_t now, uint64_t *until)
{
	struct cpupool *p = cpupool_of_cpu(c->id);
	const struct sched_params *params = &p->params;
	struct vcpu *cur = c->current, *v;
	uint64_t slice = params->tslice;

	account(p, now);
	/* The rate limit: a vCPU just put on the CPU keeps it a little while, and no longer. */
	if (cur && eligible(cur, c) && now - c->run_start < params->ratelimit) {
		*until = c->run_start + params->ratelimit;
		return cur;
	}
	v = best_local(c);
	if (!v || v->sched.prio == PRIO_OVER)
		v = steal(c, v);
	if (v && v->dom->cap && v->sched.credit > 0)
		slice = MIN(slice, MAX((uint64_t)v->sched.credit, params->ratelimit));
	/* Idle: a parked vCPU gets credit again at the next accounting. */
	*until = v ? now + slice : any_parked(c) ? p->next_accounting : 0;
	return v;
}

static void credit_ran(struct vcpu *v, uint64_t ticks, uint64_t now)
{
	struct sched_vcpu *s = &v->sched;

	s->last_ran = now;
	s->credit -= (int64_t)ticks;
	s->active = true;
	if (s->prio == PRIO_BOOST)
		s->prio = PRIO_UNDER;
	if (s->credit <= 0) {
		s->prio = PRIO_OVER;
		s->parked = v->dom->cap != 0;
	}
}

static void credit_woke(struct vcpu *v)
{
	v->sched.active = true;
	if (v->sched.prio == PRIO_UNDER)
		v->sched.prio = PRIO_BOOST;
}

const struct sched_ops sched_credit_ops = {
	.name = "credit",
	.xen_id = XEN_SCHEDULER_CREDIT,
	.add_vcpu = credit_add_vcpu,
	.pick = credit_pick,
	.ran = credit_ran,
	.woke = credit_woke,
};
