/*
 * Scheduling in CPU pools (core/sched/cpupool.c), in the simulator of
 * sched_sim.h: a pool's vCPUs run on its CPUs only, a pool's credit is its
 * own CPUs' time, and a vCPU that moves while a CPU holds its state runs
 * elsewhere only once that CPU has let it go (the simulator checks it).
 */
#include "sched_sim.h"
#include <public/domctl.h>

/* Pool 1, with the given policy and CPUs taken from pool 0. */
static void pool_1(unsigned sched_id, uint64_t cpus)
{
	uint32_t id = CPUPOOL_ANY;

	REQUIRE(cpupool_create(&id, sched_id) == 0);
	REQUIRE(id == 1);
	for (unsigned i = 0; i < nr_pcpus; i++) {
		if (!(cpus & BIT(i)))
			continue;
		REQUIRE(cpupool_remove_cpu(0, i) == 0);
		REQUIRE(cpupool_add_cpu(1, i) == 0);
	}
}

TEST(a_pools_vcpus_run_on_its_cpus_only_even_when_moved_while_running)
{
	setup(&sched_credit_ops, 4);
	struct vcpu *a = hog(256, 0), *b = hog(256, 0), *c = hog(256, 0);
	struct vcpu *x = hog(256, 0), *y = hog(256, 0);

	sim_run(300 * MS);		/* every CPU has run, and holds, one of them */
	pool_1(XEN_SCHEDULER_CREDIT, BIT(2) | BIT(3));
	REQUIRE(cpupool_move_domain(x->dom, 1) == 0);
	REQUIRE(cpupool_move_domain(y->dom, 1) == 0);
	sim_poke_all();
	for (unsigned i = 0; i < 5; i++) {
		struct vcpu *v = (struct vcpu *[]){ a, b, c, x, y }[i];

		obs_of(v)->cpus = 0;
		v->runtime_ticks = 0;
	}
	sim_run(3 * SEC);
	/* Three on pool 0's two CPUs, two with a CPU each in pool 1. */
	CHECK_EQ((obs_of(a)->cpus | obs_of(b)->cpus | obs_of(c)->cpus) & ~0x3ull, 0);
	CHECK_EQ((obs_of(x)->cpus | obs_of(y)->cpus) & ~0xcull, 0);
	CHECK_NEAR(share(a, 3 * SEC), 2.0 / 3, 0.07);
	CHECK_NEAR(share(b, 3 * SEC), 2.0 / 3, 0.07);
	CHECK_NEAR(share(c, 3 * SEC), 2.0 / 3, 0.07);
	CHECK(share(x, 3 * SEC) > 0.97);
	CHECK(share(y, 3 * SEC) > 0.97);
}

TEST(a_pools_credit_shares_out_its_own_cpus_time)
{
	setup(&sched_credit_ops, 4);
	struct vcpu *x = hog(256, 0), *y = hog(768, 0);

	for (unsigned i = 0; i < 3; i++)
		hog(256, 0);
	pool_1(XEN_SCHEDULER_CREDIT, BIT(3));
	REQUIRE(cpupool_move_domain(x->dom, 1) == 0);
	REQUIRE(cpupool_move_domain(y->dom, 1) == 0);
	x->dom->weight = 256;		/* the move kept the domain's weight */
	sim_run(6 * SEC);
	fprintf(stderr, "  pool 1, 256:768 -> %" PRIu64 " : %" PRIu64 " ticks\n", runtime(x),
		runtime(y));
	/*
	 * 1 : 3 on pool 1's one CPU.  Shared out over the whole machine, y's
	 * credit would exceed a period and x's would not, and they would
	 * take turns nearly equally.
	 */
	CHECK_NEAR((double)runtime(y) / (double)runtime(x), 3.0, 0.4);
	CHECK_EQ(runtime(x) + runtime(y), 6 * SEC);
	CHECK_EQ(pcpus[3].idle_ticks, 0);
}

TEST(a_cpu_that_leaves_its_pool_runs_nothing_more)
{
	setup(&sched_credit_ops, 3);
	struct vcpu *v[3];

	for (unsigned i = 0; i < 3; i++)
		v[i] = hog(256, 0);
	sim_run(300 * MS);
	REQUIRE(cpupool_remove_cpu(0, 2) == 0);
	sim_poke_all();
	for (unsigned i = 0; i < 3; i++)
		obs_of(v[i])->cpus = 0;
	pcpus[2].idle_ticks = 0;
	sim_run(3 * SEC);
	for (unsigned i = 0; i < 3; i++)
		CHECK_EQ(obs_of(v[i])->cpus & BIT(2), 0);
	CHECK_EQ(pcpus[2].idle_ticks, 3 * SEC);
	CHECK_EQ(pcpus[2].nr_runq, 0);
	CHECK(pcpus[2].loaded == NULL);
}

TEST(a_null_pool_runs_each_vcpu_on_a_cpu_of_its_own)
{
	setup(&sched_credit_ops, 4);
	struct domain *d = sim_domain(2);

	d->weight = 256;
	d->vcpu[1]->power = VCPU_ON;
	/* Each runs first where the null policy will not put it (CPUs are taken in order). */
	for (unsigned i = 0; i < 2; i++) {
		d->vcpu[i]->sched.affinity = BIT(2 - i);
		add(d->vcpu[i]);
	}
	hog(256, 0);
	sim_run(300 * MS);		/* its vCPUs run, and stay loaded, on pool 0's CPUs */
	pool_1(XEN_SCHEDULER_NULL, BIT(1) | BIT(2) | BIT(3));
	REQUIRE(cpupool_move_domain(d, 1) == 0);
	sim_poke_all();
	d->vcpu[0]->runtime_ticks = d->vcpu[1]->runtime_ticks = 0;
	obs_of(d->vcpu[0])->cpus = obs_of(d->vcpu[1])->cpus = 0;
	/* An idle CPU of the simulator sleeps to the end of a run: short runs. */
	for (unsigned i = 0; i < 100; i++)
		sim_run(10 * MS);
	CHECK(obs_of(d->vcpu[0])->cpus != obs_of(d->vcpu[1])->cpus);
	/* Each waits a little while for the other's CPU to let it go. */
	CHECK(runtime(d->vcpu[0]) >= 1 * SEC - 20 * MS);
	CHECK(runtime(d->vcpu[1]) >= 1 * SEC - 20 * MS);
	CHECK_EQ(pcpus[1].nr_runq + pcpus[2].nr_runq + pcpus[3].nr_runq, 2);
}
