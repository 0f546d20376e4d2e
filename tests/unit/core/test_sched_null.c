/* The null policy (core/sched/null.c) in the simulator of sched_sim.h. */
#include "sched_sim.h"
#include <domus/sched.h>
#include <asm/cpu.h>

/* ---- null ---- */

TEST(null_one_vcpu_per_cpu)
{
	setup(&sched_null_ops, 2);
	struct vcpu *a = hog(256, 0), *b = hog(256, 0);
	struct vcpu *c = new_vcpu(256, 0, ALL_CPUS);
	const char *err;

	CHECK_EQ(a->pcpu, 0);
	CHECK_EQ(b->pcpu, 1);
	err = ops->add_vcpu(c);
	CHECK_CONTAINS(err, "free physical CPU");
	CHECK_EQ(pcpus[0].nr_runq, 1);
	CHECK_EQ(pcpus[1].nr_runq, 1);
	sim_run(1 * SEC);
	CHECK_EQ(runtime(a), 1 * SEC);
	CHECK_EQ(runtime(b), 1 * SEC);
	CHECK_EQ(obs_of(a)->cpus, BIT(0));
	CHECK_EQ(obs_of(b)->cpus, BIT(1));
}

TEST(null_pick)
{
	setup(&sched_null_ops, 2);
	struct vcpu *a = hog(256, 0);
	uint64_t until = 123;

	CHECK(ops->pick(&pcpus[0], sim.t, &until) == a);
	CHECK_EQ(until, 0);
	until = 123;
	CHECK(ops->pick(&pcpus[1], sim.t, &until) == NULL);	/* no owner; nothing stolen */
	CHECK_EQ(until, 0);
	sim_block(a);
	until = 123;
	CHECK(ops->pick(&pcpus[0], sim.t, &until) == NULL);
	CHECK_EQ(until, 0);
	a->blocked = false;
	a->power = VCPU_OFF;
	CHECK(ops->pick(&pcpus[0], sim.t, &until) == NULL);
	a->power = VCPU_ON;
	a->dom->state = DOMAIN_DYING;
	CHECK(ops->pick(&pcpus[0], sim.t, &until) == NULL);
	a->dom->state = DOMAIN_RUNNING;
	CHECK(ops->pick(&pcpus[0], sim.t, &until) == a);
	/* ran() and woke() change nothing. */
	ops->ran(a, 1000, sim.t + 1000);
	ops->woke(a);
	CHECK(ops->pick(&pcpus[0], sim.t + 1000, &until) == a);
	CHECK_EQ(until, 0);
}

TEST(null_blocked_cpu_stays_idle)
{
	setup(&sched_null_ops, 2);
	struct vcpu *a = hog(256, 0), *b = hog(256, 0);

	sim_block(a);
	for (unsigned i = 0; i < 100; i++) {
		sim_run(10 * MS);
		sim_poke_all();
	}
	CHECK_EQ(runtime(a), 0);
	CHECK_EQ(runtime(b), 1 * SEC);
	CHECK_EQ(pcpus[0].idle_ticks, 1 * SEC);
	CHECK_EQ(obs_of(b)->cpus, BIT(1));
	sim_wake(a);
	sim_run(10 * MS);
	CHECK_EQ(runtime(a), 10 * MS);
}

TEST(null_affinity)
{
	setup(&sched_null_ops, 2);
	struct vcpu *a = add(new_vcpu(256, 0, BIT(1)));
	struct vcpu *b = new_vcpu(256, 0, BIT(1));

	CHECK_EQ(a->pcpu, 1);
	/* CPU 0 is free but b may not use it. */
	CHECK_CONTAINS(ops->add_vcpu(b), "free physical CPU");
	CHECK_EQ(pcpus[0].nr_runq, 0);
	CHECK_EQ(add(new_vcpu(256, 0, ALL_CPUS))->pcpu, 0);
}

/* A null vCPU may never leave its run: the time it has been in it counts (xl, 'q'). */
TEST(null_vcpus_time_counts_while_it_is_still_running)
{
	setup(&sched_null_ops, 1);
	struct vcpu *a = hog(256, 0);

	fake_counter = 5000;
	a->runtime_ticks = 100;
	CHECK_EQ(sched_vcpu_runtime(a), 100);
	a->running_since = 1000;
	CHECK_EQ(sched_vcpu_runtime(a), 4100);
	a->running_since = 0;
	fake_counter = 0;
}
