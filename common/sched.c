/*
 * The scheduler of this milestone: each vCPU is pinned to one physical CPU
 * (vCPU n on CPU n mod #CPUs) and the CPU runs its runnable vCPUs round
 * robin.  A vCPU in WFI blocks until the vGIC has an interrupt for it.
 */
#include <domus/sched.h>
#include <domus/domain.h>
#include <domus/percpu.h>
#include <domus/console.h>
#include <asm/arch.h>
#include <asm/spinlock.h>

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

/* Gives up the vCPU whose state the CPU holds when it may not run any more. */
static void release_if_dead(struct pcpu *c)
{
	struct vcpu *v = c->loaded;

	if (v && v->dom->state != DOMAIN_RUNNING) {
		arch_vcpu_unload(v);
		c->loaded = NULL;
		v->loaded_on = -1;
	}
}

static void run_once(struct pcpu *c, struct vcpu *v)
{
	if (c->loaded != v || v->reset_pending) {
		if (c->loaded && c->loaded != v) {
			arch_vcpu_unload(c->loaded);
			c->loaded->loaded_on = -1;
		}
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

		release_if_dead(c);
		domain_reap();
		v = pick(c);
		if (v) {
			run_once(c, v);
		} else {
			uint64_t t = arch_idle();
			c->idle_ticks += t;
		}
	}
}
