/*
 * The scheduler core: the per-CPU loop that loads and runs vCPUs, blocking
 * and waking, and the run queues.  Which vCPU runs, and for how long, is the
 * choice of the policy of the CPU's pool (cpupool.c): credit.c by default,
 * null.c with sched=null or in a pool made with it.
 * The run queues and parameters the policies share are in runq.c.
 * A vCPU waiting for an interrupt blocks until it has one or, if another
 * vCPU took its CPU meanwhile, until its guest timer's deadline, when
 * Domus's own timer wakes it.
 */
#include <domus/sched.h>
#include <domus/cpupool.h>
#include <domus/zero_shared.h>
#include <domus/arch.h>
#include <domus/console.h>
#include <domus/domain.h>
#include <domus/page_alloc.h>
#include <domus/percpu.h>
#include <domus/sched_policy.h>
#include <xen/pv.h>
#include <xen/runstate.h>

#define REAP_PERIOD_MS 5	/* a busy CPU's share of destruction: a slice per period */

spinlock_t sched_lock = SPINLOCK_INIT;

bool sched_select(const char *name, unsigned tslice_ms, unsigned ratelimit_us)
{
	const struct sched_ops *ops = sched_policy_named(name);

	sched_set_params(&sched_boot_params, arch_counter_freq(), tslice_ms, ratelimit_us);
	cpupool0.params = sched_boot_params;
	if (ops)
		cpupool0.ops = ops;
	return ops != NULL;
}

const char *sched_name(void)
{
	return cpupool0.ops->name;
}

unsigned sched_xen_id(void)
{
	return cpupool0.ops->xen_id;
}

/* The policy of v's domain's pool; NULL once the domain has left the scheduler.  With sched_lock. */
static const struct sched_ops *ops_of(const struct vcpu *v)
{
	return v->dom->pool ? v->dom->pool->ops : NULL;
}

bool sched_vcpu_running(const struct vcpu *v)
{
	int cpu = v->loaded_on;

	/* Loaded where its CPU chose it and can run: it is in the guest or handling its exit. */
	return cpu >= 0 && pcpus[cpu].current == v && sched_runnable(v);
}

/* d's vCPUs come off every queue; with sched_lock. */
static void dequeue_domain(struct domain *d)
{
	for (unsigned i = 0; i < nr_pcpus; i++) {
		struct pcpu *c = &pcpus[i];
		for (unsigned j = 0; j < d->nr_vcpus; j++)
			sched_runq_remove(c, d->vcpu[j]);
		if (c->current && c->current->dom == d)
			c->current = NULL;
	}
}

const char *sched_add_domain(struct domain *d, unsigned pool_id)
{
	const char *err = NULL;
	struct cpupool *p;

	spin_lock(&sched_lock);
	p = cpupool_find(pool_id);
	if (!p || !cpupool_cpus(p)) {
		spin_unlock(&sched_lock);
		return "its CPU pool does not exist or has no CPU";
	}
	d->pool = p;
	d->pool_id = p->id;
	p->n_dom++;
	for (unsigned i = 0; i < d->nr_vcpus && !err; i++)
		err = p->ops->add_vcpu(d->vcpu[i]);
	if (err) {
		dequeue_domain(d);
		p->n_dom--;
		d->pool = NULL;
	}
	spin_unlock(&sched_lock);
	return err;
}

void sched_remove_domain(struct domain *d)
{
	spin_lock(&sched_lock);
	dequeue_domain(d);
	if (d->pool) {
		d->pool->n_dom--;
		d->pool = NULL;
	}
	spin_unlock(&sched_lock);
}

bool sched_entry(unsigned cpu, int j, struct sched_entry *e)
{
	struct pcpu *c = &pcpus[cpu];
	struct vcpu *v;

	spin_lock(&sched_lock);
	v = j < 0 ? c->current : (unsigned)j < c->nr_runq ? c->runq[j] : NULL;
	if (v) {
		*e = (struct sched_entry){ .vcpu = v->id, .runnable = sched_runnable(v),
					   .parked = v->sched.parked, .prio = v->sched.prio,
					   .credit = v->sched.credit };
		memcpy(e->dom, v->dom->name, sizeof(e->dom));
	}
	spin_unlock(&sched_lock);
	return v != NULL;
}

/* Whether CPU i is another than this one, with nothing to run. */
static bool idle_other(unsigned i)
{
	return pcpus[i].idle && &pcpus[i] != arch_this_cpu();
}

/* The first such CPU, or -1. */
static int first_idle_other(void)
{
	for (unsigned i = 0; i < nr_pcpus; i++)
		if (idle_other(i))
			return (int)i;
	return -1;
}

void sched_wake_idle_cpus(void)
{
	for (unsigned i = 0; i < nr_pcpus; i++)
		if (idle_other(i))
			arch_kick_cpu(i);
}

bool sched_wake_idle_cpu(void)
{
	int i = first_idle_other();

	if (i >= 0)
		arch_kick_cpu((unsigned)i);
	return i >= 0;
}

/* Whether c's queue holds a runnable vCPU besides v that no CPU has loaded. */
static bool others_wait(const struct pcpu *c, const struct vcpu *v)
{
	for (unsigned i = 0; i < c->nr_runq; i++)
		if (c->runq[i] != v && c->runq[i]->loaded_on < 0 && sched_runnable(c->runq[i]))
			return true;
	return false;
}

static bool some_cpu_idle(void)
{
	return first_idle_other() >= 0;
}

void sched_resched(struct pcpu *c)
{
	c->resched = true;
	arch_smp_mb();
	if (c != arch_this_cpu())
		arch_kick_cpu(c->id);
}

void vcpu_kick(struct vcpu *v)
{
	struct pcpu *c = &pcpus[v->pcpu];
	bool woke = v->blocked;

	v->blocked = false;
	arch_smp_mb();
	if (woke) {
		const struct sched_ops *ops;

		spin_lock(&sched_lock);
		if ((ops = ops_of(v)))
			ops->woke(v);
		spin_unlock(&sched_lock);
	}
	sched_resched(c);
	/* Its CPU is busy with another vCPU: an idle CPU may take it (woken or powered on). */
	if (c->current && c->current != v && sched_runnable(v))
		sched_wake_idle_cpus();
}

void vcpu_timer_fired(struct vcpu *v)
{
	evtchn_raise_virq(v, VIRQ_TIMER);
}

void sched_yield(void)
{
	arch_this_cpu()->resched = true;
}

void vcpu_block(struct vcpu *v)
{
	memory_unmapped_release(v->dom);	/* not held while it sleeps */
	v->blocked = true;
	arch_smp_mb();
	/* An interrupt injected before we set the flag would otherwise be slept through. */
	if (arch_vcpu_irq_pending(v))
		v->blocked = false;
	else
		runstate_set(v, RUNSTATE_blocked);
}

void vcpu_power_on(struct vcpu *v, uint64_t pc, uint64_t ctx)
{
	v->reset_pc = pc;
	v->reset_ctx = ctx;
	v->reset_pending = true;
	v->blocked = false;
	arch_smp_mb();
	v->power = VCPU_ON;
	vcpu_kick(v);
}

void vcpu_power_off(struct vcpu *v)
{
	v->power = VCPU_OFF;
}

/*
 * A vCPU on the queue of a CPU its affinity no longer allows moves where
 * sched_place() puts it (credit only: null gives each CPU one vCPU for
 * good).  Not while a CPU holds its state.  With sched_lock.
 */
static void rehome(struct vcpu *v)
{
	struct pcpu *best;

	if (ops_of(v) != &sched_credit_ops || v->loaded_on >= 0 || sched_allowed(v) & BIT(v->pcpu))
		return;
	best = sched_place(v);
	if (!best)
		return;
	if (pcpus[v->pcpu].current == v)
		pcpus[v->pcpu].current = NULL;
	sched_runq_remove(&pcpus[v->pcpu], v);
	sched_runq_add(best, v);
	sched_resched(best);
}

bool sched_set_affinity(struct vcpu *v, uint64_t cpus)
{
	bool ok;

	spin_lock(&sched_lock);
	ok = v->dom->pool && cpus & cpupool_cpus(v->dom->pool);
	if (ok) {
		v->sched.affinity = cpus;
		rehome(v);
	}
	spin_unlock(&sched_lock);
	if (ok)
		vcpu_kick(v);
	return ok;
}

void sched_set_soft_affinity(struct vcpu *v, uint64_t cpus)
{
	spin_lock(&sched_lock);
	v->sched.soft_affinity = cpus;
	spin_unlock(&sched_lock);
}

/*
 * A CPU keeps the last vCPU's state while idle: not one that may no longer
 * run here, nor one now on another CPU's queue (it moved with its domain or
 * its CPU's pool).  Once it is let go, the CPU whose queue it is on may run it.
 */
static void let_go_if_unwelcome(struct pcpu *c, const struct vcpu *chosen)
{
	struct vcpu *u = c->loaded;

	if (!u || u == chosen || (u->pcpu == c->id && sched_allowed(u) & BIT(c->id)))
		return;
	sched_unload(c);
	spin_lock(&sched_lock);
	rehome(u);
	spin_unlock(&sched_lock);
	if (u->pcpu != c->id)
		sched_resched(&pcpus[u->pcpu]);
}

void sched_unload(struct pcpu *c)
{
	struct vcpu *v = c->loaded;

	runstate_set(v, runstate_when_stopped(v));
	v->timer_deadline = arch_vcpu_unload(v);
	/* Its state saved before any CPU sees it free to load it (switch_to()). */
	__atomic_store_n(&v->loaded_on, -1, __ATOMIC_RELEASE);
	c->loaded = NULL;
}

/* Gives up the vCPU whose state the CPU holds when it may not run any more. */
static void release_if_dead(struct pcpu *c)
{
	struct vcpu *v = c->loaded;

	if (v && v->dom->state != DOMAIN_RUNNING)
		sched_unload(c);
}

/* Blocked vCPUs whose timer state is not in the registers are woken by deadline. */
static void wake_expired_timers(struct pcpu *c, uint64_t now)
{
	struct vcpu *due[(MAX_DOMAINS + 1) * MAX_VCPUS];
	unsigned n = 0;

	spin_lock(&sched_lock);
	for (unsigned i = 0; i < c->nr_runq; i++) {
		struct vcpu *v = c->runq[i];
		if (v->blocked && v->loaded_on != (int)c->id && v->timer_deadline &&
		    v->timer_deadline <= now)
			due[n++] = v;
	}
	spin_unlock(&sched_lock);
	while (n)
		vcpu_kick(due[--n]);
}

static uint64_t earliest(uint64_t a, uint64_t b)
{
	return !a ? b : !b ? a : MIN(a, b);
}

/* When this CPU must look again: the policy's limit, or a waiting vCPU's timer. */
static uint64_t next_event(struct pcpu *c, uint64_t until)
{
	c->wake_at = 0;
	for (unsigned i = 0; i < c->nr_runq; i++) {
		struct vcpu *v = c->runq[i];
		if (v->blocked && v->loaded_on != (int)c->id)
			c->wake_at = earliest(c->wake_at, v->timer_deadline);
	}
	return earliest(until, c->wake_at);
}


/* Puts v's state in the registers, saving whoever held them. */
static void switch_to(struct pcpu *c, struct vcpu *v)
{
	if (c->loaded != v || v->reset_pending) {
		if (c->loaded && c->loaded != v)
			sched_unload(c);
		/* Pairs with sched_unload()'s release: the state another CPU saved. */
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (v->reset_pending) {
			v->reset_pending = false;
			arch_vcpu_reset(v, v->reset_pc, v->reset_ctx);
		}
		arch_vcpu_load(v);
		c->loaded = v;
		v->loaded_on = (int)c->id;
	}
}

/*
 * Whether v may go straight back in after an exit: nothing the loop in
 * sched_run() looks at has changed.  Every deadline it checks is in the
 * CPU's timer, whose interrupt sets resched, as does anything else that
 * wants a new choice.
 */
static bool may_stay(const struct pcpu *c, const struct vcpu *v)
{
	return !c->resched && sched_runnable(v) && !v->sched.parked && !v->reset_pending &&
	       !domain_reap_wanted() && console_quiet();
}

/*
 * Runs v until an exit needs the scheduler, the console or the reaper.  What
 * Domus does for its exits (a hypercall, an emulated device) is v's time too,
 * so the counter is read once around the whole run: under emulation a read
 * costs a tenth of a trapped hypercall.
 */
static uint64_t run(struct pcpu *c, struct vcpu *v)
{
	uint64_t start = arch_counter(), ran;

	runstate_set(v, RUNSTATE_running);
	__atomic_store_n(&v->running_since, start, __ATOMIC_RELEASE);
	do
		arch_vcpu_run(v);
	while (may_stay(c, v));
	ran = arch_counter() - start;
	__atomic_store_n(&v->runtime_ticks, v->runtime_ticks + ran, __ATOMIC_RELEASE);
	__atomic_store_n(&v->running_since, 0, __ATOMIC_RELEASE);
	return ran;
}

/*
 * A vCPU the null scheduler runs may never leave run(): its time so far
 * counts too.  Read from any CPU; a read racing the end of a run may count
 * that run twice, for a moment.
 */
uint64_t sched_vcpu_runtime(const struct vcpu *v)
{
	uint64_t since = __atomic_load_n(&v->running_since, __ATOMIC_ACQUIRE);
	uint64_t ticks = __atomic_load_n(&v->runtime_ticks, __ATOMIC_ACQUIRE);
	uint64_t now = arch_counter();

	return since && now > since ? ticks + (now - since) : ticks;
}

/* v ran `ticks` up to `now`, for its pool's policy. */
static void ran(struct vcpu *v, uint64_t ticks, uint64_t now)
{
	const struct sched_ops *ops;

	spin_lock(&sched_lock);
	if ((ops = ops_of(v)))
		ops->ran(v, ticks, now);
	spin_unlock(&sched_lock);
}

void sched_charge(struct vcpu *v, uint64_t ticks)
{
	ran(v, ticks, arch_counter());
}

/* What c runs from `now`: its pool's policy chooses; a CPU in no pool runs nothing. */
static struct vcpu *choose(struct pcpu *c, uint64_t now)
{
	const struct cpupool *p = cpupool_of_cpu(c->id);

	if (p)
		return sched_choose(c, p->ops, now);
	c->current = NULL;
	c->resched = false;
	c->slice_end = 0;
	c->idle = true;
	return NULL;
}

/* While a domain is destroyed or rebuilt in slices, a busy CPU comes back to it this often. */
static uint64_t reap_deadline(uint64_t now)
{
	return domain_reap_pending() ? now + arch_counter_freq() / 1000 * REAP_PERIOD_MS : 0;
}

void sched_run(void)
{
	struct pcpu *c = arch_this_cpu();

	for (;;) {
		struct vcpu *v;
		uint64_t now = arch_counter(), deadline;

		pv_watchdogs_check(now);	/* first: a domain it stops is let go of just below */
		release_if_dead(c);
		domain_reap();
		console_poll();
		if (c->wake_at && now >= c->wake_at)
			wake_expired_timers(c, now);
		spin_lock(&sched_lock);
		v = choose(c, now);
		/* Work left waiting here while a CPU sleeps: wake it (the queue only then). */
		if (v && some_cpu_idle() && others_wait(c, v))
			sched_wake_idle_cpus();
		spin_unlock(&sched_lock);
		/* After the switch: a vCPU unloaded now has its timer deadline only from here on. */
		let_go_if_unwelcome(c, v);
		if (v)
			switch_to(c, v);
		spin_lock(&sched_lock);
		deadline = earliest(earliest(next_event(c, c->slice_end), console_deadline()),
				    earliest(reap_deadline(now), pv_watchdogs_next()));
		spin_unlock(&sched_lock);
		arch_set_cpu_timer(deadline);
		if (v) {
			uint64_t ticks = run(c, v);

			ran(v, ticks, now + ticks);
		} else if (domain_reap_pending() || console_idle_flush()) {
			continue;
		} else if (shared_help() || page_alloc_scrub_idle()) {
			arch_poll_interrupts();		/* a timer for a vCPU it still holds, say */
		} else {
			c->idle_ticks += arch_idle();
		}
	}
}
