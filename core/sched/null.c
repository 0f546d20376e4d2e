/*
 * The null scheduler: every vCPU owns a physical CPU and nothing else ever
 * runs there, so there is no time slicing and the lowest interrupt latency.
 * A configuration with more vCPUs than free CPUs in the pool is refused.
 */
#include <domus/sched_policy.h>
#include <domus/domain.h>
#include <domus/percpu.h>
#include <public/domctl.h>

static const char *null_add_vcpu(struct vcpu *v)
{
	for (unsigned i = 0; i < nr_pcpus; i++) {
		struct pcpu *c = &pcpus[i];
		if (!c->nr_runq && (sched_allowed(v) & BIT(c->id))) {
			sched_runq_add(c, v);
			return NULL;
		}
	}
	return "the null scheduler needs a free physical CPU for each vCPU, and none is left";
}

static struct vcpu *null_pick(struct pcpu *c, uint64_t now, uint64_t *until)
{
	struct vcpu *v;

	(void)now;
	*until = 0;
	if (!c->nr_runq)
		return NULL;
	v = c->runq[0];
	/* Not while the CPU it has just left still holds its state. */
	return sched_runnable(v) && (v->loaded_on < 0 || v->loaded_on == (int)c->id) ? v : NULL;
}

static void null_ran(struct vcpu *v, uint64_t ticks, uint64_t now)
{
	(void)v;
	(void)ticks;
	(void)now;
}

static void null_woke(struct vcpu *v)
{
	(void)v;
}

const struct sched_ops sched_null_ops = {
	.name = "null",
	.xen_id = XEN_SCHEDULER_NULL,
	.add_vcpu = null_add_vcpu,
	.pick = null_pick,
	.ran = null_ran,
	.woke = null_woke,
};
