/* Debug keys: what Domus answers when console input is directed at it. */
#include <domus/debugkeys.h>
#include <domus/console.h>
#include <domus/domain.h>
#include <domus/page_alloc.h>
#include <domus/percpu.h>
#include <domus/sched.h>
#include <domus/sched_policy.h>
#include <domus/arch.h>

static void show_help(void);

static void show_domains(void)
{
	static const char *const states[] = { "running", "shutting down", "preserved", "dead" };

	for (struct domain *d = domain_get_from(0); d; d = domain_get_next(d)) {
		pr_info("%s (d%u): %s, %lu MiB RAM, weight %u, cap %u%%%s\n", d->name, d->id,
			states[d->state], d->ram_size / MiB, d->weight, d->cap, d->pv ? ", PV" : "");
		for (unsigned i = 0; i < d->nr_vcpus; i++) {
			struct vcpu *v = d->vcpu[i];
			pr_info("  vCPU %u on CPU%u: %s%s, ran %lu ms\n", i, v->pcpu,
				v->power == VCPU_ON ? "on" : "off", v->blocked ? " (blocked)" : "",
				sched_vcpu_runtime(v) * 1000 / arch_counter_freq());
		}
	}
}

static void show_memory(void)
{
	pr_info("free: %lu KiB of %lu KiB\n", page_alloc_free_pages() * (PAGE_SIZE / KiB),
		page_alloc_total_pages() * (PAGE_SIZE / KiB));
	for (struct domain *d = domain_get_from(0); d; d = domain_get_next(d))
		pr_info("%s (d%u): %lu KiB\n", d->name, d->id, d->pages * (PAGE_SIZE / KiB));
}

static void show_runqueues(void)
{
	static const char *const prio[] = { "boost", "under", "over" };

	pr_info("scheduler: %s\n", sched_name());
	/* Entry by entry, each copied under the scheduler's lock (the toolstack asks this too). */
	for (unsigned i = 0; i < nr_pcpus; i++) {
		uint64_t idle_ms = pcpus[i].idle_ticks * 1000 / arch_counter_freq();
		struct sched_entry e;

		if (sched_entry(i, -1, &e))
			pr_info("CPU%u: running %.16s vCPU %u, idle %lu ms\n", i, e.dom, e.vcpu, idle_ms);
		else
			pr_info("CPU%u: idle, idle %lu ms in all\n", i, idle_ms);
		for (int j = 0; sched_entry(i, j, &e); j++)
			pr_info("  %.16s vCPU %u: %s, %s, credit %ld us%s\n", e.dom, e.vcpu,
				!e.runnable ? "waiting" : "runnable", prio[e.prio],
				(long)(e.credit * 1000000 / (int64_t)arch_counter_freq()),
				e.parked ? ", parked (cap)" : "");
	}
}

/* Held while dumped: the toolstack may destroy it meanwhile. */
static void dump_domain(unsigned id)
{
	struct domain *d = domain_get(id);

	if (!d) {
		pr_info("no domain %u\n", id);
		return;
	}
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		arch_vcpu_dump(d->vcpu[i]);
	domain_put(d);
}

static const struct {
	char key;
	const char *help;
	void (*fn)(void);
} keys[] = {
	{ 'h', "this help", show_help },
	{ 'q', "domains and vCPUs", show_domains },
	{ 'm', "memory use", show_memory },
	{ 'r', "run queues", show_runqueues },
};

static void show_help(void)
{
	for (unsigned i = 0; i < ARRAY_SIZE(keys); i++)
		pr_info("'%c': %s\n", keys[i].key, keys[i].help);
	pr_info("'0'-'9': registers of that domain's vCPUs\n");
}

void debugkey_handle(char c)
{
	if (c >= '0' && c <= '9') {
		dump_domain(c - '0');
		return;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(keys); i++)
		if (keys[i].key == c)
			keys[i].fn();
}
