/*
 * The credit scheduler (after Xen's credit1).  Every accounting period the
 * CPU time of the period is shared out as credit between the domains that
 * want CPU, in proportion to their weight and within their cap, and split
 * between their active vCPUs.  Running burns credit.  A CPU runs the best
 * vCPU of its run queue: woken-from-wait (BOOST) before in-credit (UNDER)
 * before out-of-credit (OVER), the most credit first; a capped domain out of
 * credit waits for the next period.  An idle CPU takes work from another
 * CPU's queue.
 */
#include <domus/sched_policy.h>
#include <domus/domain.h>
#include <domus/percpu.h>
#include <public/domctl.h>

static uint64_t next_accounting;
static unsigned accounting_round;

static bool allowed_on(const struct vcpu *v, const struct pcpu *c)
{
	return v->sched.affinity & BIT(c->id);
}

/* Whether v would rather run on c: its soft affinity, narrower than its hard one, names c. */
static bool prefers(const struct vcpu *v, const struct pcpu *c)
{
	uint64_t p = sched_preferred(v);

	return p != v->sched.affinity && p & BIT(c->id);
}

static bool eligible(const struct vcpu *v, const struct pcpu *c)
{
	return sched_runnable(v) && !v->sched.parked && allowed_on(v, c);
}

static const char *credit_add_vcpu(struct vcpu *v)
{
	struct pcpu *best = sched_place(v);

	if (!best)
		return "its vCPU affinity names no physical CPU that exists";
	v->sched.credit = 0;
	v->sched.prio = PRIO_UNDER;
	sched_runq_add(best, v);
	return NULL;
}

static void for_each_vcpu(void (*fn)(struct vcpu *v, void *arg), void *arg)
{
	for (unsigned i = 0; i < nr_pcpus; i++)
		for (unsigned j = 0; j < pcpus[i].nr_runq; j++)
			fn(pcpus[i].runq[j], arg);
}

struct totals {
	uint64_t weight;	/* of the domains with an active vCPU */
};

static void count_active(struct vcpu *v, void *arg)
{
	struct totals *t = arg;
	struct domain *d = v->dom;

	if (!v->sched.active && !sched_runnable(v))
		return;
	v->sched.active = true;
	if (d->sched_round != accounting_round) {
		d->sched_round = accounting_round;
		d->sched_active_vcpus = 0;
		t->weight += d->weight;
	}
	d->sched_active_vcpus++;
}

static void give_credit(struct vcpu *v, void *arg)
{
	const struct totals *t = arg;
	const struct domain *d = v->dom;
	int64_t period = (int64_t)sched_params.period;
	uint64_t share;
	struct sched_vcpu *s = &v->sched;

	if (s->active) {
		share = sched_params.period * nr_pcpus * d->weight / t->weight;
		if (d->cap)
			share = MIN(share, sched_params.period * d->cap / 100);
		share = MIN(share / d->sched_active_vcpus, sched_params.period);
		s->credit = MIN(s->credit + (int64_t)share, period);
	}
	/* Credit not used within a period does not pile up, nor does debt. */
	s->credit = MAX(s->credit, -period);
	s->parked = d->cap && s->credit <= 0;
	s->prio = s->credit > 0 ? PRIO_UNDER : PRIO_OVER;
	s->active = false;
}

static void account(uint64_t now)
{
	struct totals t = { 0 };

	if (now < next_accounting)
		return;
	/* On the period's grid, so late picks do not stretch the periods. */
	next_accounting += sched_params.period;
	if (next_accounting <= now)
		next_accounting = now + sched_params.period;
	accounting_round++;
	for_each_vcpu(count_active, &t);
	if (!t.weight)
		t.weight = 1;
	for_each_vcpu(give_credit, &t);
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
	struct vcpu *best = mine;
	struct pcpu *from = NULL;

	for (unsigned i = 0; i < nr_pcpus; i++) {
		struct pcpu *o = &pcpus[i];
		if (o == c)
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
	struct vcpu *cur = c->current, *v;
	uint64_t slice = sched_params.tslice;

	account(now);
	/* The rate limit: a vCPU just put on the CPU keeps it a little while, and no longer. */
	if (cur && eligible(cur, c) && now - c->run_start < sched_params.ratelimit) {
		*until = c->run_start + sched_params.ratelimit;
		return cur;
	}
	v = best_local(c);
	if (!v || v->sched.prio == PRIO_OVER)
		v = steal(c, v);
	if (v && v->dom->cap && v->sched.credit > 0)
		slice = MIN(slice, MAX((uint64_t)v->sched.credit, sched_params.ratelimit));
	/* Idle: a parked vCPU gets credit again at the next accounting. */
	*until = v ? now + slice : any_parked(c) ? next_accounting : 0;
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
