/*
 * Boot-time CPU pools, Xen 4.17's dom0less binding: the xen,cpupool nodes
 * of /chosen (boot_dt.c read them) become pools once the CPUs are up.
 * Pools are numbered in the order of their nodes; CPUs no node names make
 * one more pool, after them; and the pool that has the boot CPU swaps its
 * number, and its scheduler, with pool 0, which always has it.  A domain
 * node's domain-cpupool picks its pool.
 */
#include <domus/cpupool.h>
#include <domus/arch.h>
#include <domus/boot_dt.h>
#include <domus/console.h>
#include <domus/percpu.h>

/* The CPU numbered by its hardware id, if it is up; -1 if not. */
static int cpu_of_hwid(uint64_t hwid)
{
	for (unsigned i = 0; i < nr_pcpus; i++)
		if (pcpus[i].online && arch_cpu_hwid(i) == hwid)
			return (int)i;
	return -1;
}

/* Pool k (in node order, nr for the CPUs no node names) once pool 0 has the boot CPU. */
static uint32_t pool_id(unsigned k, unsigned boot_cpus_pool)
{
	return k == boot_cpus_pool ? 0 : k == 0 ? boot_cpus_pool : k;
}

/* Each CPU's pool, in node order; the unnamed ones in pool nr. */
static const char *assign_cpus(const struct boot_info *bi, unsigned *pool_of)
{
	for (unsigned i = 0; i < nr_pcpus; i++)
		pool_of[i] = bi->nr_cpupools;
	for (unsigned k = 0; k < bi->nr_cpupools; k++) {
		const struct boot_cpupool *p = &bi->cpupools[k];

		for (unsigned j = 0; j < p->nr_cpus; j++) {
			int cpu = cpu_of_hwid(p->cpu_hwid[j]);

			if (cpu < 0)
				return boot_cpupool_error(p, "a CPU of cpupool-cpus is not online");
			pool_of[cpu] = k;
		}
	}
	return NULL;
}

static const char *make_pool(const struct boot_info *bi, unsigned k, uint32_t id,
			     const struct sched_ops *default_ops)
{
	const struct sched_ops *ops = default_ops;

	if (k < bi->nr_cpupools && bi->cpupools[k].sched[0] &&
	    !(ops = sched_policy_named(bi->cpupools[k].sched)))
		return boot_cpupool_error(&bi->cpupools[k],
					  "cpupool-sched names no scheduler Domus has");
	if (id == 0) {
		cpupool0.ops = ops;
		return NULL;
	}
	return cpupool_create(&id, ops->xen_id) ? "too many CPU pools" : NULL;
}

const char *cpupool_boot(struct boot_info *bi)
{
	const struct sched_ops *default_ops = cpupool0.ops;
	unsigned pool_of[NR_CPUS], boot_pool, last = bi->nr_cpupools;
	const char *err;

	if (!bi->nr_cpupools)
		return NULL;
	if ((err = assign_cpus(bi, pool_of)))
		return err;
	boot_pool = pool_of[0];
	for (unsigned i = 0; i < nr_pcpus; i++)
		last = pool_of[i] == bi->nr_cpupools ? bi->nr_cpupools + 1 : last;
	for (unsigned k = 0; k < last; k++)
		if ((err = make_pool(bi, k, pool_id(k, boot_pool), default_ops)))
			return err;
	for (unsigned i = 0; i < nr_pcpus; i++) {
		uint32_t id = pool_id(pool_of[i], boot_pool);

		if (id && (cpupool_remove_cpu(0, i) || cpupool_add_cpu(id, i)))
			return "a CPU could not join its pool";
	}
	for (unsigned k = 0; k < last; k++) {
		struct cpupool_info info;

		cpupool_info(pool_id(k, boot_pool), &info);
		pr_info("cpupool %u: %s, CPUs 0x%lx%s%s\n", info.id,
			sched_policy_numbered(info.sched_id)->name, info.cpus,
			k < bi->nr_cpupools ? " from /chosen/" : " (the CPUs no pool names)",
			k < bi->nr_cpupools ? bi->cpupools[k].node : "");
	}
	for (unsigned d = 0; d < bi->nr_domains; d++)
		if (bi->domains[d].dt_cpupool >= 0)
			bi->domains[d].cpupool = pool_id((unsigned)bi->domains[d].dt_cpupool, boot_pool);
	return NULL;
}
