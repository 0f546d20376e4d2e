/* The credit policy (core/sched/credit.c) in the simulator of sched_sim.h. */
#include "sched_sim.h"

/* ---- credit: weights and fairness ---- */

TEST(credit_weight_2_to_1)
{
	setup(&sched_credit_ops, 1);
	struct vcpu *a = hog(512, 0), *b = hog(256, 0);

	sim_run(3 * SEC);
	fprintf(stderr, "  512:256 -> %" PRIu64 " : %" PRIu64 " ticks, idle %" PRIu64 "\n",
		runtime(a), runtime(b), pcpus[0].idle_ticks);
	CHECK(runtime(b) > 0);
	CHECK_NEAR((double)runtime(a) / (double)runtime(b), 2.0, 0.2);
	CHECK_EQ(pcpus[0].idle_ticks, 0);
	CHECK_EQ(runtime(a) + runtime(b), 3 * SEC);
	check_ratelimit_kept();
}

TEST(credit_equal_4_hogs_on_2_cpus)
{
	setup(&sched_credit_ops, 2);
	struct vcpu *v[4];
	double x[4];

	for (unsigned i = 0; i < 4; i++)
		v[i] = hog(256, 0);
	sim_run(3 * SEC);
	for (unsigned i = 0; i < 4; i++) {
		x[i] = share(v[i], 3 * SEC);
		fprintf(stderr, "  hog %u: %.4f of a CPU\n", i, x[i]);
		CHECK_NEAR(x[i], 0.5, 0.05);
	}
	fprintf(stderr, "  Jain's index %.5f\n", jain(x, 4));
	CHECK(jain(x, 4) >= 0.99);
	CHECK_EQ(pcpus[0].idle_ticks + pcpus[1].idle_ticks, 0);
	check_ratelimit_kept();
}

/*
 * Three domains of two spinning vCPUs on two CPUs: each vCPU a third of a
 * CPU.  (Equal credit, capped at a period, once let queue order keep the
 * third domain out for good.)
 */
TEST(credit_three_2_vcpu_domains_on_2_cpus_all_run)
{
	setup(&sched_credit_ops, 2);
	struct vcpu *v[6];
	double x[6];

	for (unsigned d = 0; d < 3; d++) {
		struct domain *dom = sim_domain(2);
		for (unsigned i = 0; i < 2; i++) {
			v[d * 2 + i] = dom->vcpu[i];
			dom->vcpu[i]->sched.affinity = ALL_CPUS;
			dom->vcpu[i]->power = VCPU_ON;
			obs_of(dom->vcpu[i]);
			add(dom->vcpu[i]);
		}
	}
	sim_run(3 * SEC);
	for (unsigned i = 0; i < 6; i++) {
		x[i] = share(v[i], 3 * SEC);
		fprintf(stderr, "  vCPU %u: %.4f of a CPU\n", i, x[i]);
		CHECK_NEAR(x[i], 1.0 / 3, 0.05);
	}
	CHECK(jain(x, 6) >= 0.99);
}

/* Weights hold across CPUs: 1024:512:512 on 2 CPUs is 1.0 / 0.5 / 0.5 of a CPU. */
TEST(credit_weights_across_cpus)
{
	setup(&sched_credit_ops, 2);
	struct vcpu *big = hog(1024, 0), *s1 = hog(512, 0), *s2 = hog(512, 0);

	sim_run(6 * SEC);
	fprintf(stderr, "  1024:512:512 -> %.3f %.3f %.3f of a CPU\n", share(big, 6 * SEC),
		share(s1, 6 * SEC), share(s2, 6 * SEC));
	CHECK_NEAR(share(big, 6 * SEC), 1.0, 0.1);
	CHECK_NEAR(share(s1, 6 * SEC), 0.5, 0.05);
	CHECK_NEAR(share(s2, 6 * SEC), 0.5, 0.05);
	check_ratelimit_kept();
}

/* ---- credit: caps ---- */

TEST(credit_cap_alone)
{
	setup(&sched_credit_ops, 1);
	struct vcpu *a = hog(256, 50);

	sim_run(3 * SEC);
	fprintf(stderr, "  cap 50 alone: %.4f of the CPU, idle %.4f\n", share(a, 3 * SEC),
		(double)pcpus[0].idle_ticks / (double)(3 * SEC));
	CHECK_NEAR(share(a, 3 * SEC), 0.5, 0.05);
	/* The rest is idle time, not time given to the capped vCPU. */
	CHECK_EQ(runtime(a) + pcpus[0].idle_ticks, 3 * SEC);
	check_ratelimit_kept();
}

TEST(credit_cap_beside_uncapped)
{
	setup(&sched_credit_ops, 1);
	struct vcpu *capped = hog(256, 25), *free = hog(256, 0);

	sim_run(3 * SEC);
	fprintf(stderr, "  cap 25 + uncapped: %.4f + %.4f, idle %.4f\n", share(capped, 3 * SEC),
		share(free, 3 * SEC), (double)pcpus[0].idle_ticks / (double)(3 * SEC));
	CHECK_NEAR(share(capped, 3 * SEC), 0.25, 0.025);
	CHECK_NEAR(share(free, 3 * SEC), 0.75, 0.025);
	CHECK(pcpus[0].idle_ticks < 3 * SEC / 100);
	check_ratelimit_kept();
}

TEST(credit_cap_over_1_cpu_with_2_vcpus)
{
	/* Cap 150 on a 2-vCPU domain over 2 CPUs: 75 % each. */
	setup(&sched_credit_ops, 2);
	struct domain *d = sim_domain(2);

	d->weight = 256;
	d->cap = 150;
	for (unsigned i = 0; i < 2; i++) {
		d->vcpu[i]->power = VCPU_ON;
		d->vcpu[i]->sched.affinity = ALL_CPUS;
		add(d->vcpu[i]);
	}
	sim_run(3 * SEC);
	fprintf(stderr, "  cap 150, 2 vCPUs: %.4f %.4f\n", share(d->vcpu[0], 3 * SEC),
		share(d->vcpu[1], 3 * SEC));
	CHECK_NEAR(share(d->vcpu[0], 3 * SEC) + share(d->vcpu[1], 3 * SEC), 1.5, 0.1);
	CHECK_NEAR(share(d->vcpu[0], 3 * SEC), 0.75, 0.075);
	CHECK_NEAR(share(d->vcpu[1], 3 * SEC), 0.75, 0.075);
}

/* ---- credit: affinity and placement ---- */

TEST(credit_hard_affinity)
{
	setup(&sched_credit_ops, 2);
	struct vcpu *x1 = add(new_vcpu(256, 0, BIT(1)));
	struct vcpu *x2 = add(new_vcpu(256, 0, BIT(1)));

	CHECK_EQ(x1->pcpu, 1);
	CHECK_EQ(x2->pcpu, 1);
	/* CPU 0 has nothing of its own and looks for work every 10 ms. */
	for (unsigned i = 0; i < 300; i++) {
		sim_run(10 * MS);
		sim_poke_all();
	}
	CHECK_EQ(obs_of(x1)->cpus, BIT(1));
	CHECK_EQ(obs_of(x2)->cpus, BIT(1));
	CHECK_EQ(pcpus[0].idle_ticks, 3 * SEC);
	CHECK_EQ(pcpus[0].nr_runq, 0);
	CHECK_NEAR(share(x1, 3 * SEC), 0.5, 0.05);
	CHECK_NEAR(share(x2, 3 * SEC), 0.5, 0.05);
}

TEST(credit_affinity_naming_no_cpu)
{
	setup(&sched_credit_ops, 2);
	struct vcpu *v = new_vcpu(256, 0, BIT(5));		/* CPU 5 does not exist */
	const char *err = ops->add_vcpu(v);

	CHECK_CONTAINS(err, "affinity");
	CHECK_EQ(pcpus[0].nr_runq + pcpus[1].nr_runq, 0);
	v = new_vcpu(256, 0, 0);
	CHECK_CONTAINS(ops->add_vcpu(v), "affinity");
	CHECK_EQ(pcpus[0].nr_runq + pcpus[1].nr_runq, 0);
	/* One existing CPU in the mask is enough. */
	v = new_vcpu(256, 0, BIT(5) | BIT(1));
	CHECK(ops->add_vcpu(v) == NULL);
	CHECK_EQ(v->pcpu, 1);
}

TEST(credit_placement_least_loaded)
{
	setup(&sched_credit_ops, 4);
	struct vcpu *v[8];

	for (unsigned i = 0; i < 4; i++) {
		v[i] = hog(256, 0);
		CHECK_EQ(v[i]->pcpu, i);
	}
	for (unsigned i = 4; i < 8; i++)
		v[i] = hog(256, 0);
	for (unsigned i = 0; i < 4; i++) {
		CHECK_EQ(pcpus[i].nr_runq, 2);
		for (unsigned j = 0; j < pcpus[i].nr_runq; j++)
			CHECK_EQ(pcpus[i].runq[j]->pcpu, i);
	}
}

TEST(credit_placement_skips_loaded_cpus)
{
	setup(&sched_credit_ops, 3);
	struct vcpu *a = add(new_vcpu(256, 0, BIT(0)));
	struct vcpu *b = add(new_vcpu(256, 0, BIT(0)));
	struct vcpu *c = add(new_vcpu(256, 0, BIT(2)));

	CHECK_EQ(a->pcpu, 0);
	CHECK_EQ(b->pcpu, 0);
	CHECK_EQ(c->pcpu, 2);
	CHECK_EQ(hog(256, 0)->pcpu, 1);		/* the empty one */
	CHECK_EQ(add(new_vcpu(256, 0, BIT(0) | BIT(2)))->pcpu, 2);	/* least loaded it may use */
}

TEST(credit_placement_prefers_the_soft_affinity)
{
	setup(&sched_credit_ops, 3);
	struct vcpu *v = new_vcpu(256, 0, ALL_CPUS);

	v->sched.soft_affinity = BIT(2);
	CHECK_EQ(add(v)->pcpu, 2);			/* not CPU 0, the first of the empty ones */
	v = new_vcpu(256, 0, BIT(0) | BIT(1));
	v->sched.soft_affinity = BIT(2);		/* outside the hard affinity: no preference */
	CHECK_EQ(add(v)->pcpu, 0);
	v = new_vcpu(256, 0, ALL_CPUS);
	v->sched.soft_affinity = BIT(2) | BIT(1);
	CHECK_EQ(add(v)->pcpu, 1);			/* the less loaded of the preferred */
}

/* ---- credit: work stealing ---- */

TEST(credit_idle_cpu_steals)
{
	setup(&sched_credit_ops, 2);
	struct vcpu *a = add(new_vcpu(256, 0, BIT(0)));
	struct vcpu *b = add(new_vcpu(256, 0, BIT(0)));

	a->sched.affinity = b->sched.affinity = ALL_CPUS;
	REQUIRE(a->pcpu == 0 && b->pcpu == 0);
	sim_run(1 * MS);
	/* CPU 0 runs one; idle CPU 1 took the other. */
	CHECK(a->pcpu != b->pcpu);
	CHECK_EQ(pcpus[0].nr_runq, 1);
	CHECK_EQ(pcpus[1].nr_runq, 1);
	CHECK(in_runq(&pcpus[a->pcpu], a));
	CHECK(in_runq(&pcpus[b->pcpu], b));
	sim_run(3 * SEC - 1 * MS);
	fprintf(stderr, "  after stealing: %.4f %.4f\n", share(a, 3 * SEC), share(b, 3 * SEC));
	CHECK_NEAR(share(a, 3 * SEC), 1.0, 0.01);
	CHECK_NEAR(share(b, 3 * SEC), 1.0, 0.01);
}

TEST(credit_steal_conditions)
{
	setup(&sched_credit_ops, 2);
	struct vcpu *a = add(new_vcpu(256, 0, BIT(0)));
	struct vcpu *b = add(new_vcpu(256, 0, BIT(0)));
	uint64_t until = 123;

	a->sched.affinity = b->sched.affinity = ALL_CPUS;
	sim_block(b);
	/* a is CPU 0's current, its state there: not taken. */
	pcpus[0].current = a;
	a->loaded_on = 0;
	CHECK(ops->pick(&pcpus[1], sim.t, &until) == NULL);
	CHECK_EQ(until, 0);
	CHECK_EQ(a->pcpu, 0);
	/* Still CPU 0's current, whatever the registers hold: not taken. */
	a->loaded_on = -1;
	CHECK(ops->pick(&pcpus[1], sim.t, &until) == NULL);
	/* Not current, but its state is still loaded on CPU 0: not taken. */
	pcpus[0].current = NULL;
	a->loaded_on = 0;
	CHECK(ops->pick(&pcpus[1], sim.t, &until) == NULL);
	CHECK_EQ(a->pcpu, 0);
	/* Blocked vCPUs are not taken either. */
	b->loaded_on = -1;
	CHECK(!in_runq(&pcpus[1], b));
	/* Free: taken, and moved to CPU 1's queue. */
	a->loaded_on = -1;
	CHECK(ops->pick(&pcpus[1], sim.t, &until) == a);
	CHECK(until > sim.t);
	CHECK_EQ(a->pcpu, 1);
	CHECK(in_runq(&pcpus[1], a));
	CHECK(!in_runq(&pcpus[0], a));
	CHECK(in_runq(&pcpus[0], b));
	/* Affinity: a vCPU that may not run on CPU 1 is left alone. */
	sched_runq_remove(&pcpus[1], a);
	sched_runq_add(&pcpus[0], a);
	a->sched.affinity = BIT(0);
	CHECK(ops->pick(&pcpus[1], sim.t, &until) == NULL);
	CHECK_EQ(a->pcpu, 0);
}

TEST(credit_idle_cpu_takes_a_vcpu_that_prefers_it_first)
{
	setup(&sched_credit_ops, 2);
	struct vcpu *a = add(new_vcpu(256, 0, BIT(0)));
	struct vcpu *b = add(new_vcpu(256, 0, BIT(0)));
	uint64_t until;

	a->sched.affinity = b->sched.affinity = ALL_CPUS;
	a->sched.credit = 1000;			/* a would be taken on merit... */
	b->sched.soft_affinity = BIT(1);	/* ... but b would rather run on CPU 1 */
	CHECK(ops->pick(&pcpus[1], sim.t, &until) == b);
	CHECK_EQ(b->pcpu, 1);
	CHECK_EQ(a->pcpu, 0);
	/* With none preferring it, the best of the rest. */
	sched_runq_remove(&pcpus[1], b);
	sched_runq_add(&pcpus[0], b);
	b->sched.soft_affinity = BIT(0);
	CHECK(ops->pick(&pcpus[1], sim.t, &until) == a);
}

/* ---- credit: blocked vCPUs ---- */

TEST(credit_blocked_uses_nothing)
{
	setup(&sched_credit_ops, 1);
	struct vcpu *a = hog(512, 0), *b = hog(256, 0);
	struct vcpu *sleeper = hog(4096, 0);

	sim_block(sleeper);
	sim_run(3 * SEC);
	fprintf(stderr, "  512:256 beside a blocked 4096 -> %" PRIu64 " : %" PRIu64 ", blocked %" PRIu64 "\n",
		runtime(a), runtime(b), runtime(sleeper));
	CHECK_EQ(runtime(sleeper), 0);
	CHECK(runtime(b) > 0);
	CHECK_NEAR((double)runtime(a) / (double)runtime(b), 2.0, 0.2);
	CHECK_EQ(pcpus[0].idle_ticks, 0);
}

TEST(credit_blocked_weight_not_counted_with_caps)
{
	/*
	 * Two capped 60 % domains share 2 CPUs: each is entitled to 60 % of a
	 * CPU.  A blocked heavy domain must not shrink their credit: if its
	 * weight counted they would get 2 * 256/4608 of the time in credit, and
	 * being capped, stay parked for the rest.
	 */
	setup(&sched_credit_ops, 2);
	struct vcpu *a = hog(256, 60), *b = hog(256, 60), *sleeper = hog(4096, 0);

	sim_block(sleeper);
	sim_run(3 * SEC);
	fprintf(stderr, "  cap 60 x2 beside a blocked 4096: %.4f %.4f\n", share(a, 3 * SEC),
		share(b, 3 * SEC));
	CHECK_EQ(runtime(sleeper), 0);
	CHECK_NEAR(share(a, 3 * SEC), 0.6, 0.06);
	CHECK_NEAR(share(b, 3 * SEC), 0.6, 0.06);
}

/* ---- credit: boost and rate limit ---- */

/* A vCPU that, each time it is woken, runs `burst` ticks and blocks again. */
static struct vcpu *sleeper(unsigned weight, uint64_t burst)
{
	struct vcpu *v = hog(weight, 0);

	obs_of(v)->burst = burst;
	obs_of(v)->burst_left = burst;
	return v;
}

TEST(credit_boost_preempts_hog)
{
	setup(&sched_credit_ops, 1);
	struct vcpu *h = hog(256, 0), *w = sleeper(256, 1 * MS);

	sim_run(60 * MS);		/* w ran its burst and blocked; h runs */
	REQUIRE(w->blocked);
	for (unsigned i = 0; i < 100; i++) {
		REQUIRE(pcpus[0].current == h);
		REQUIRE(sim.t - pcpus[0].run_start >= cpupool0.params.ratelimit);
		CHECK(w->sched.credit > 0);
		sim_wake(w);
		CHECK_EQ(w->sched.prio, PRIO_BOOST);
		sim_run(1);
		/* Picked at once, before the hog (in credit or not). */
		CHECK_EQ(obs_of(w)->last_latency, 0);
		sim_run(19 * MS - 1);
		CHECK(w->blocked);
	}
	fprintf(stderr, "  boosted: max wake latency %" PRIu64 " ticks, share %.4f, hog %.4f\n",
		obs_of(w)->max_latency, share(w, 2060 * MS), share(h, 2060 * MS));
	CHECK_EQ(obs_of(w)->max_latency, 0);
	check_ratelimit_kept();
}

TEST(credit_ratelimit)
{
	setup(&sched_credit_ops, 1);
	struct vcpu *h = hog(256, 0), *w = sleeper(256, 1 * MS);
	uint64_t chosen;

	sim_run(60 * MS);
	for (unsigned i = 0; i < 50; i++) {
		sim_wake(w);
		sim_run(1 * MS);		/* w runs at once, for its burst */
		REQUIRE(w->blocked);
		sim_run(300);			/* and h was chosen again when it blocked */
		REQUIRE(pcpus[0].current == h);
		chosen = pcpus[0].run_start;
		CHECK_EQ(sim.t - chosen, 300);
		/* A wake 0.3 ms into h's run: h keeps the CPU until the rate limit, no longer. */
		sim_wake(w);
		sim_run(2 * MS);
		CHECK(!obs_of(w)->waiting_since);	/* it ran */
		CHECK_EQ(obs_of(w)->last_latency, cpupool0.params.ratelimit - 300);
		sim_run(40 * MS);
	}
	fprintf(stderr, "  wake during the rate limit: latency %" PRIu64 " ticks (max %" PRIu64 ")\n",
		obs_of(w)->last_latency, obs_of(w)->max_latency);
	CHECK_EQ(obs_of(w)->max_latency, cpupool0.params.ratelimit - 300);
	check_ratelimit_kept();
}

TEST(credit_ratelimit_direct)
{
	/* The policy alone: the vCPU just chosen stays, and says until when. */
	setup(&sched_credit_ops, 1);
	struct vcpu *h = hog(256, 0), *w = hog(256, 0);
	struct pcpu *c = &pcpus[0];
	uint64_t until, t = sim.t;

	sim_block(w);
	REQUIRE(ops->pick(c, t, &until) == h);
	c->current = h;
	c->run_start = t;
	ops->ran(h, 500, t + 500);
	sim_wake(w);
	w->sched.prio = PRIO_BOOST;
	w->sched.credit = 20 * MS;
	h->sched.prio = PRIO_OVER;
	h->sched.credit = -5 * MS;
	CHECK(ops->pick(c, t + 500, &until) == h);
	CHECK(until <= t + cpupool0.params.ratelimit);
	CHECK(until > t + 500);
	CHECK(ops->pick(c, t + cpupool0.params.ratelimit, &until) == w);
}
