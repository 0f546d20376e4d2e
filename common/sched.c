/*
 * The scheduler of this milestone: each vCPU is pinned to one physical CPU
 * (vCPU n on CPU n mod #CPUs) and the CPU runs its runnable vCPUs round
 * robin in time slices.  A vCPU in WFI blocks until the vGIC has an
 * interrupt for it or, if another vCPU took its CPU meanwhile, until its
 * guest timer's deadline, when Domus's own timer wakes it.
 */
#include <domus/sched.h>
#include <domus/domain.h>
#include <domus/percpu.h>
#include <domus/console.h>
#include <asm/arch.h>
#include <asm/spinlock.h>

#define SLICES_PER_SECOND 100

static spinlock_t runq_lock = SPINLOCK_INIT;

void sched_add_vcpu(struct vcpu *v)
{
	struct pcpu *c = &pcpus[v->id % nr_pcpus];

	spin_lock(&runq_lock);
	v->pcpu = c->id;
	c->runq[c->nr_runq++] = v;
	spin_unlock(&runq_lock);
}

void sched_remove_domain(struct domain *d)
{
	spin_lock(&runq_lock);
	for (unsigned i = 0; i < nr_pcpus; i++) {
		struct pcpu *c = &pcpus[i];
		unsigned n = 0;

		for (unsigned j = 0; j < c->nr_runq; j++)
			if (c->runq[j]->dom != d)
				c->runq[n++] = c->runq[j];
		c->nr_runq = n;
		c->next = 0;
	}
	spin_unlock(&runq_lock);
}

static bool runnable(const struct vcpu *v)
{
	return v->power == VCPU_ON && !v->blocked && v->dom->state == DOMAIN_RUNNING;
}

static struct vcpu *pick(struct pcpu *c)
{
	struct vcpu *v = NULL;

	spin_lock(&runq_lock);
	for (unsigned i = 0; i < c->nr_runq; i++) {
		struct vcpu *cand = c->runq[(c->next + i) % c->nr_runq];
		if (runnable(cand)) {
			v = cand;
			c->next = (c->next + i + 1) % c->nr_runq;
			break;
		}
	}
	spin_unlock(&runq_lock);
	return v;
}

void vcpu_kick(struct vcpu *v)
{
	v->blocked = false;
	arch_smp_mb();
	if (v->pcpu != this_cpu()->id)
		arch_kick_cpu(v->pcpu);
}

void vcpu_wake(struct vcpu *v)
{
	vcpu_kick(v);
}

void vcpu_block(struct vcpu *v)
{
	v->blocked = true;
	arch_smp_mb();
	/* An interrupt injected before we set the flag would otherwise be slept through. */
	if (vgic_has_pending(v))
		v->blocked = false;
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

void sched_unload(struct pcpu *c)
{
	struct vcpu *v = c->loaded;

	v->timer_deadline = arch_vcpu_unload(v);
	v->loaded_on = -1;
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
	spin_lock(&runq_lock);
	for (unsigned i = 0; i < c->nr_runq; i++) {
		struct vcpu *v = c->runq[i];
		if (v->blocked && v->loaded_on != (int)c->id && v->timer_deadline &&
		    v->timer_deadline <= now)
			vcpu_kick(v);
	}
	spin_unlock(&runq_lock);
}

/* When this CPU must look again: a slice ends, or a waiting vCPU's timer fires. */
static uint64_t next_event(struct pcpu *c, struct vcpu *running, uint64_t now)
{
	uint64_t when = 0;

	spin_lock(&runq_lock);
	for (unsigned i = 0; i < c->nr_runq; i++) {
		struct vcpu *v = c->runq[i];
		uint64_t t = 0;

		if (v == running)
			continue;
		if (runnable(v))
			t = now + arch_counter_freq() / SLICES_PER_SECOND;
		else if (v->blocked && v->loaded_on != (int)c->id)
			t = v->timer_deadline;
		if (t && (!when || t < when))
			when = t;
	}
	spin_unlock(&runq_lock);
	return when;
}

static void run_once(struct pcpu *c, struct vcpu *v)
{
	if (c->loaded != v || v->reset_pending) {
		if (c->loaded && c->loaded != v)
			sched_unload(c);
		if (v->reset_pending) {
			v->reset_pending = false;
			arch_vcpu_reset(v, v->reset_pc, v->reset_ctx);
		}
		arch_vcpu_load(v);
		c->loaded = v;
		v->loaded_on = (int)c->id;
	}
	v->runtime_ticks += arch_run_vcpu(v);
}

void sched_run(void)
{
	struct pcpu *c = this_cpu();

	for (;;) {
		struct vcpu *v;
		uint64_t now = arch_counter();

		release_if_dead(c);
		domain_reap();
		wake_expired_timers(c, now);
		v = pick(c);
		arch_set_cpu_timer(next_event(c, v, now));
		if (v) {
			run_once(c, v);
		} else {
			uint64_t t = arch_idle();
			c->idle_ticks += t;
		}
	}
}
