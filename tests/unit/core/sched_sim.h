/*
 * A small simulator of the scheduler core, which drives the scheduling
 * policies (core/sched/credit.c and null.c) in their unit tests: virtual
 * time in counter ticks (1 MHz), 30 ms time slice, 1 ms rate limit, 30 ms
 * accounting period.  Each pCPU
 * does what sched_run() does: choose() (the core's rule for when to ask the
 * policy again) -> run the vCPU until the slice ends or the next guest exit
 * (at most STEP) -> ran().  An idle pCPU with no time limit sleeps until it
 * is kicked, as it does under WFI.  "Hogs" are always runnable; blocked
 * vCPUs are not.
 */
#ifndef UNIT_CORE_SCHED_SIM_H
#define UNIT_CORE_SCHED_SIM_H

#include <stdlib.h>

#include "../unit.h"
#include <domus/cpupool.h>
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

static inline struct domain *sim_domain(unsigned nr_vcpus)
{
	struct sim_domain *s = calloc(1, sizeof(*s));

	REQUIRE(s && nr_sim_domains < ARRAY_SIZE(sim_domains));
	sim_domains[nr_sim_domains++] = s;
	s->d.id = nr_sim_domains;
	s->d.state = DOMAIN_RUNNING;
	s->d.pool = &cpupool0;
	cpupool0.n_dom++;
	for (unsigned i = 0; i < nr_vcpus; i++) {
		s->vcpu[i] = (struct vcpu){ .id = i, .dom = &s->d, .loaded_on = -1,
					    .power = i == 0 ? VCPU_ON : VCPU_OFF };
		s->d.vcpu[s->d.nr_vcpus++] = &s->vcpu[i];
	}
	return &s->d;
}

static inline struct obs *obs_of(struct vcpu *v)
{
	for (unsigned i = 0; i < nr_obs; i++)
		if (obs[i].v == v)
			return &obs[i];
	if (nr_obs == ARRAY_SIZE(obs))
		abort();
	obs[nr_obs].v = v;
	return &obs[nr_obs++];
}

static inline void setup(const struct sched_ops *policy, unsigned nr)
{
	while (nr_sim_domains)
		free(sim_domains[--nr_sim_domains]);
	memset(pcpus, 0, sizeof(pcpus));
	nr_pcpus = nr;
	for (unsigned i = 0; i < nr; i++) {
		pcpus[i].id = i;
		pcpus[i].online = true;
	}
	cpupool_reset();
	cpupool0.ops = policy;
	sched_set_params(&cpupool0.params, FREQ, 30, 1000);
	CHECK_EQ(cpupool0.params.tslice, 30 * MS);
	CHECK_EQ(cpupool0.params.ratelimit, 1 * MS);
	CHECK_EQ(cpupool0.params.period, 30 * MS);
	ops = policy;
	memset(&sim, 0, sizeof(sim));
	memset(obs, 0, sizeof(obs));
	nr_obs = 0;
	/* Past the policy's next accounting from earlier tests: the first pick accounts. */
	sim.t = clock_end + 2 * cpupool0.params.period;
	sim.min_stint = UINT64_MAX;
}

/* A one-vCPU domain (vCPU on, not yet placed). */
static inline struct vcpu *new_vcpu(unsigned weight, unsigned cap, uint64_t affinity)
{
	struct domain *d = sim_domain(1);
	struct vcpu *v = d->vcpu[0];

	d->weight = weight;
	d->cap = cap;
	v->sched.affinity = affinity;
	obs_of(v);
	return v;
}

/* The policy of v's pool (each CPU pool has its own). */
static inline const struct sched_ops *ops_of(const struct vcpu *v)
{
	return v->dom->pool->ops;
}

static inline struct vcpu *add(struct vcpu *v)
{
	const char *err = ops_of(v)->add_vcpu(v);

	if (err)
		fprintf(stderr, "  add_vcpu: %s\n", err);
	REQUIRE(!err);
	return v;
}

/* A vCPU that always has work. */
static inline struct vcpu *hog(unsigned weight, unsigned cap)
{
	return add(new_vcpu(weight, cap, ALL_CPUS));
}

static inline uint64_t runtime(const struct vcpu *v)
{
	return v->runtime_ticks;
}

static inline bool in_runq(const struct pcpu *c, const struct vcpu *v)
{
	for (unsigned i = 0; i < c->nr_runq; i++)
		if (c->runq[i] == v)
			return true;
	return false;
}

/* As the core's choose(): the policy of the CPU's pool; a free CPU runs nothing. */
static inline struct vcpu *choose(struct pcpu *c, uint64_t now)
{
	const struct cpupool *p = cpupool_of_cpu(c->id);

	if (p)
		return sched_choose(c, p->ops, now);
	c->current = NULL;
	c->idle = true;
	c->slice_end = 0;
	return NULL;
}

/*
 * As the core's let_go_if_unwelcome(): a CPU lets go of the state of a vCPU
 * that may no longer run there or is on another CPU's queue now, and the
 * CPU whose queue it is on looks again.
 */
static inline void let_go_if_unwelcome(struct pcpu *c, const struct vcpu *chosen)
{
	struct vcpu *u = c->loaded;

	if (!u || u == chosen || (u->pcpu == c->id && sched_allowed(u) & BIT(c->id)))
		return;
	u->loaded_on = -1;
	c->loaded = NULL;
	pcpus[u->pcpu].resched = true;
	sim.asleep[u->pcpu] = false;
}

/* vcpu_kick(): v has work; its CPU chooses again; idle CPUs may take it. */
static inline void sim_wake(struct vcpu *v)
{
	struct pcpu *c = &pcpus[v->pcpu];
	bool woke = v->blocked;
	struct obs *o = obs_of(v);

	v->blocked = false;
	if (woke) {
		ops_of(v)->woke(v);
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

static inline void sim_block(struct vcpu *v)
{
	v->blocked = true;
}

/* One pass of sched_run() on CPU i at `now`, up to `end`; returns the new time. */
static inline uint64_t sim_step(unsigned i, uint64_t now, uint64_t end)
{
	struct pcpu *c = &pcpus[i];
	struct vcpu *prev = c->current, *v;
	uint64_t prev_start = c->run_start, len;

	if (sim.asleep[i]) {
		c->idle_ticks += end - now;
		return end;
	}
	v = choose(c, now);
	let_go_if_unwelcome(c, v);
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
	REQUIRE(sched_allowed(v) & BIT(i));
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
	ops_of(v)->ran(v, len, now + len);
	if (o->burst && !(o->burst_left -= len))
		sim_block(v);
	return now + len;
}

/* Runs every CPU for `dur` ticks, in time order. */
static inline void sim_run(uint64_t dur)
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
static inline void sim_poke_all(void)
{
	for (unsigned i = 0; i < nr_pcpus; i++)
		sim.asleep[i] = false;
}

static inline double share(const struct vcpu *v, uint64_t dur)
{
	return (double)runtime(v) / (double)dur;
}

static inline double jain(const double *x, unsigned n)
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
static inline void check_ratelimit_kept(void)
{
	if (sim.min_stint < cpupool0.params.ratelimit)
		fprintf(stderr, "  a vCPU was preempted after %" PRIu64 " ticks\n", sim.min_stint);
	CHECK(sim.min_stint >= cpupool0.params.ratelimit);
}

#endif
