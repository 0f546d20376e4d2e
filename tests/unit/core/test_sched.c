/*
 * The scheduling policies (core/sched/credit.c and null.c), driven by a small
 * simulator of the scheduler core: virtual time in counter ticks (1 MHz),
 * 30 ms time slice, 1 ms rate limit, 30 ms accounting period.  Each pCPU
 * does what sched_run() does: choose() (the core's rule for when to ask the
 * policy again) -> run the vCPU until the slice ends or the next guest exit
 * (at most STEP) -> ran().  An idle pCPU with no time limit sleeps until it
 * is kicked, as it does under WFI.  "Hogs" are always runnable; blocked
 * vCPUs are not.
 */
#include <stdlib.h>

#include "../unit.h"
#include <domus/percpu.h>
#include <domus/sched_policy.h>

#define FREQ     1000000ull
#define MS       (FREQ / 1000)
#define SEC      FREQ
#define STEP     MS		/* a running guest exits to Domus at least this often */
#define ALL_CPUS (~0ull)

static const struct sched_ops *ops;
/* The credit policy's accounting clock only goes forward: so does ours, across tests. */
static uint64_t clock_end;

static struct {
	uint64_t t;			/* every pCPU is here between sim_run()s */
	bool asleep[NR_CPUS];		/* idle with no timer: waits for a kick */
	uint64_t min_stint;		/* shortest run of a vCPU preempted while it could still run */
	struct vcpu *min_stint_vcpu;
} sim;

/* Per-vCPU observations. */
static struct obs {
	struct vcpu *v;
	uint64_t cpus;			/* the pCPUs it ran on */
	uint64_t burst;			/* a sleeper: ticks it runs after a wake before it blocks */
	uint64_t burst_left;
	uint64_t waiting_since;		/* woken and not yet run (0: not waiting) */
	uint64_t max_latency;		/* the longest wake-to-run */
	uint64_t last_latency;
} obs[64];
static unsigned nr_obs;

/*
 * The simulator's domains: bare structures, not built by domain_create(),
 * because here the simulator, not the scheduler core, places their vCPUs.
 */
static struct sim_domain {
	struct domain d;
	struct vcpu vcpu[MAX_VCPUS];
} *sim_domains[64];
static unsigned nr_sim_domains;

static struct domain *sim_domain(unsigned nr_vcpus)
{
	struct sim_domain *s = calloc(1, sizeof(*s));

	REQUIRE(s && nr_sim_domains < ARRAY_SIZE(sim_domains));
	sim_domains[nr_sim_domains++] = s;
	s->d.id = nr_sim_domains;
	s->d.state = DOMAIN_RUNNING;
	for (unsigned i = 0; i < nr_vcpus; i++) {
		s->vcpu[i] = (struct vcpu){ .id = i, .dom = &s->d, .loaded_on = -1,
					    .power = i == 0 ? VCPU_ON : VCPU_OFF };
		s->d.vcpu[s->d.nr_vcpus++] = &s->vcpu[i];
	}
	return &s->d;
}

static struct obs *obs_of(struct vcpu *v)
{
	for (unsigned i = 0; i < nr_obs; i++)
		if (obs[i].v == v)
			return &obs[i];
	if (nr_obs == ARRAY_SIZE(obs))
		abort();
	obs[nr_obs].v = v;
	return &obs[nr_obs++];
}

static void setup(const struct sched_ops *policy, unsigned nr)
{
	while (nr_sim_domains)
		free(sim_domains[--nr_sim_domains]);
	memset(pcpus, 0, sizeof(pcpus));
	nr_pcpus = nr;
	for (unsigned i = 0; i < nr; i++) {
		pcpus[i].id = i;
		pcpus[i].online = true;
	}
	sched_set_params(FREQ, 30, 1000);
	CHECK_EQ(sched_params.tslice, 30 * MS);
	CHECK_EQ(sched_params.ratelimit, 1 * MS);
	CHECK_EQ(sched_params.period, 30 * MS);
	ops = policy;
	memset(&sim, 0, sizeof(sim));
	memset(obs, 0, sizeof(obs));
	nr_obs = 0;
	/* Past the policy's next accounting from earlier tests: the first pick accounts. */
	sim.t = clock_end + 2 * sched_params.period;
	sim.min_stint = UINT64_MAX;
}

/* A one-vCPU domain (vCPU on, not yet placed). */
static struct vcpu *new_vcpu(unsigned weight, unsigned cap, uint64_t affinity)
{
	struct domain *d = sim_domain(1);
	struct vcpu *v = d->vcpu[0];

	d->weight = weight;
	d->cap = cap;
	v->sched.affinity = affinity;
	obs_of(v);
	return v;
}

static struct vcpu *add(struct vcpu *v)
{
	const char *err = ops->add_vcpu(v);

	if (err)
		fprintf(stderr, "  add_vcpu: %s\n", err);
	REQUIRE(!err);
	return v;
}

/* A vCPU that always has work. */
static struct vcpu *hog(unsigned weight, unsigned cap)
{
	return add(new_vcpu(weight, cap, ALL_CPUS));
}

static uint64_t runtime(const struct vcpu *v)
{
	return v->runtime_ticks;
}

static bool in_runq(const struct pcpu *c, const struct vcpu *v)
{
	for (unsigned i = 0; i < c->nr_runq; i++)
		if (c->runq[i] == v)
			return true;
	return false;
}

static struct vcpu *choose(struct pcpu *c, uint64_t now)
{
	return sched_choose(c, ops, now);
}

/* vcpu_kick(): v has work; its CPU chooses again; idle CPUs may take it. */
static void sim_wake(struct vcpu *v)
{
	struct pcpu *c = &pcpus[v->pcpu];
	bool woke = v->blocked;
	struct obs *o = obs_of(v);

	v->blocked = false;
	if (woke) {
		ops->woke(v);
		o->waiting_since = sim.t;
		o->burst_left = o->burst;
	}
	c->resched = true;
	sim.asleep[c->id] = false;
	if (woke && c->current && c->current != v)
		for (unsigned i = 0; i < nr_pcpus; i++)
			if (pcpus[i].idle)
				sim.asleep[i] = false;
}

static void sim_block(struct vcpu *v)
{
	v->blocked = true;
}

/* One pass of sched_run() on CPU i at `now`, up to `end`; returns the new time. */
static uint64_t sim_step(unsigned i, uint64_t now, uint64_t end)
{
	struct pcpu *c = &pcpus[i];
	struct vcpu *prev = c->current, *v;
	uint64_t prev_start = c->run_start, len;

	if (sim.asleep[i]) {
		c->idle_ticks += end - now;
		return end;
	}
	v = choose(c, now);
	if (prev && v != prev && sched_runnable(prev) && !prev->sched.parked &&
	    now - prev_start < sim.min_stint) {
		sim.min_stint = now - prev_start;
		sim.min_stint_vcpu = prev;
	}
	if (c->slice_end)
		REQUIRE(c->slice_end > now);
	if (!v) {
		uint64_t wake = c->slice_end ? MIN(c->slice_end, end) : end;

		sim.asleep[i] = !c->slice_end;
		c->idle_ticks += wake - now;
		return wake;
	}

	struct obs *o = obs_of(v);

	/* The policy's choice must be one this CPU may run. */
	REQUIRE(sched_runnable(v));
	REQUIRE(v->pcpu == i);
	REQUIRE(in_runq(c, v));
	if (ops == &sched_credit_ops)
		REQUIRE(v->sched.affinity & BIT(i));
	for (unsigned j = 0; j < nr_pcpus; j++)
		REQUIRE(j == i || pcpus[j].current != v);
	/* run_once(): load its state, unloading whoever held the CPU. */
	if (c->loaded != v) {
		REQUIRE(v->loaded_on < 0);
		if (c->loaded)
			c->loaded->loaded_on = -1;
		c->loaded = v;
		v->loaded_on = (int)i;
	}
	if (o->waiting_since) {
		o->last_latency = now - o->waiting_since;
		o->max_latency = MAX(o->max_latency, o->last_latency);
		o->waiting_since = 0;
	}
	len = MIN(STEP, end - now);
	if (c->slice_end)
		len = MIN(len, c->slice_end - now);
	if (o->burst)
		len = MIN(len, o->burst_left);
	v->runtime_ticks += len;
	o->cpus |= BIT(i);
	ops->ran(v, len, now + len);
	if (o->burst && !(o->burst_left -= len))
		sim_block(v);
	return now + len;
}

/* Runs every CPU for `dur` ticks, in time order. */
static void sim_run(uint64_t dur)
{
	uint64_t end = sim.t + dur, t[NR_CPUS];

	for (unsigned i = 0; i < nr_pcpus; i++)
		t[i] = sim.t;
	for (;;) {
		unsigned next = nr_pcpus;

		for (unsigned i = 0; i < nr_pcpus; i++)
			if (t[i] < end && (next == nr_pcpus || t[i] < t[next]))
				next = i;
		if (next == nr_pcpus)
			break;
		t[next] = sim_step(next, t[next], end);
	}
	sim.t = end;
	clock_end = MAX(clock_end, end);
}

/* Spurious interrupts: every CPU looks again. */
static void sim_poke_all(void)
{
	for (unsigned i = 0; i < nr_pcpus; i++)
		sim.asleep[i] = false;
}

static double share(const struct vcpu *v, uint64_t dur)
{
	return (double)runtime(v) / (double)dur;
}

static double jain(const double *x, unsigned n)
{
	double s = 0, s2 = 0;

	for (unsigned i = 0; i < n; i++) {
		s += x[i];
		s2 += x[i] * x[i];
	}
	return s2 ? s * s / (n * s2) : 0;
}

#define CHECK_NEAR(got, want, tol)                                            \
	do {                                                                  \
		double g_ = (got), w_ = (want), t_ = (tol);                   \
		char d_[128];                                                 \
		if (!(g_ >= w_ - t_ && g_ <= w_ + t_)) {                      \
			snprintf(d_, sizeof(d_), "got %.4f, want %.4f +- %.4f", \
				 g_, w_, t_);                                 \
			unit_fail(__FILE__, __LINE__, #got " ~ " #want, d_,   \
				  false);                                     \
		}                                                             \
	} while (0)

/* No vCPU that could still run lost its CPU before the rate limit. */
static void check_ratelimit_kept(void)
{
	if (sim.min_stint < sched_params.ratelimit)
		fprintf(stderr, "  a vCPU was preempted after %" PRIu64 " ticks\n", sim.min_stint);
	CHECK(sim.min_stint >= sched_params.ratelimit);
}

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
		REQUIRE(sim.t - pcpus[0].run_start >= sched_params.ratelimit);
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
		CHECK_EQ(obs_of(w)->last_latency, sched_params.ratelimit - 300);
		sim_run(40 * MS);
	}
	fprintf(stderr, "  wake during the rate limit: latency %" PRIu64 " ticks (max %" PRIu64 ")\n",
		obs_of(w)->last_latency, obs_of(w)->max_latency);
	CHECK_EQ(obs_of(w)->max_latency, sched_params.ratelimit - 300);
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
	CHECK(until <= t + sched_params.ratelimit);
	CHECK(until > t + 500);
	CHECK(ops->pick(c, t + sched_params.ratelimit, &until) == w);
}

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
