/*
 * Boot-time CPU pools (Xen 4.17's docs/misc/arm/device-tree/cpupools.txt):
 * reading the xen,cpupool nodes and domain-cpupool (core/boot_dt.c), then
 * making the pools on the fake machine, whose 7 CPUs have hardware ids 0-6
 * (core/sched/cpupool_boot.c).
 */
#include "../dt_writer.h"
#include <domus/boot_dt.h>
#include <domus/cpupool.h>
#include <public/domctl.h>

#define CPU_PHANDLE(i) (0x10 + (i))

static struct boot_info bi;

/* A board whose 4 CPU nodes have phandles, then /chosen opened. */
static void board_with_phandles(void)
{
	dt_begin(2, 2);
	dt_memory(0x40000000, 2 * GiB);
	dt_node("cpus");
	dt_cells("#address-cells", 1, 1);
	dt_cells("#size-cells", 1, 0);
	for (unsigned i = 0; i < 4; i++) {
		char name[16];

		snprintf(name, sizeof(name), "cpu@%u", i);
		dt_node(name);
		dt_str("device_type", "cpu");
		dt_cells("reg", 1, i);
		dt_cells("phandle", 1, CPU_PHANDLE(i));
		dt_end_node();
	}
	dt_end_node();
	dt_gic();
	dt_node("chosen");
}

static void pool(const char *name, uint32_t phandle, const char *sched, unsigned n, ...)
{
	uint32_t cells[4];
	va_list ap;

	va_start(ap, n);
	for (unsigned i = 0; i < n; i++)
		cells[i] = cpu_to_fdt32(va_arg(ap, uint32_t));
	va_end(ap);
	dt_node(name);
	dt_str("compatible", "xen,cpupool");
	FDT(fdt_property(fdt_buf, "cpupool-cpus", cells, n * 4));
	if (sched)
		dt_str("cpupool-sched", sched);
	dt_cells("phandle", 1, phandle);
	dt_end_node();
}

/* A domain node with a kernel, in the pool of that phandle (0: none). */
static void domain(const char *name, uint32_t pool_phandle)
{
	dt_domain(name, 0x4000, 1);
	if (pool_phandle)
		dt_cells("domain-cpupool", 1, pool_phandle);
	dt_module("module@4a000000", KERNEL_COMPAT, sizeof(KERNEL_COMPAT), 0x4a000000, 0x1000,
		  NULL);
	dt_end_node();
}

/* Pool a (CPUs 1 and 2, null) for d1, pool b (CPU 0) for d3; d2 names none. */
static const char *parse_two_pools(const char *sched_a)
{
	board_with_phandles();
	pool("pool_a", 0x20, sched_a, 2, CPU_PHANDLE(1), CPU_PHANDLE(2));
	pool("pool_b", 0x21, NULL, 1, CPU_PHANDLE(0));
	domain("d1", 0x20);
	domain("d2", 0);
	domain("d3", 0x21);
	dt_end_node();
	return boot_dt_parse(dt_end(), &bi);
}

TEST(cpupool_nodes_and_domain_cpupool_are_read)
{
	REQUIRE(parse_two_pools("null") == NULL);
	REQUIRE(bi.nr_cpupools == 2);
	CHECK_STR(bi.cpupools[0].node, "pool_a");
	CHECK_STR(bi.cpupools[0].sched, "null");
	CHECK_EQ(bi.cpupools[0].nr_cpus, 2);
	CHECK_EQ(bi.cpupools[0].cpu_hwid[0], 1);
	CHECK_EQ(bi.cpupools[0].cpu_hwid[1], 2);
	CHECK_STR(bi.cpupools[1].sched, "");
	CHECK_EQ(bi.cpupools[1].nr_cpus, 1);
	CHECK_EQ(bi.cpupools[1].cpu_hwid[0], 0);
	REQUIRE(bi.nr_domains == 3);
	CHECK_EQ(bi.domains[0].dt_cpupool, 0);
	CHECK_EQ(bi.domains[1].dt_cpupool, -1);
	CHECK_EQ(bi.domains[2].dt_cpupool, 1);
	CHECK_STR(bi.domains[0].error, "");
}

TEST(a_broken_cpupool_node_stops_the_boot_and_is_named)
{
	board_with_phandles();
	pool("pool_a", 0x20, NULL, 2, CPU_PHANDLE(1), CPU_PHANDLE(2));
	pool("pool_b", 0x21, NULL, 2, CPU_PHANDLE(3), CPU_PHANDLE(2));
	dt_end_node();
	CHECK_STR(boot_dt_parse(dt_end(), &bi),
		  "/chosen/pool_b: a CPU of cpupool-cpus is in a pool already");
	board_with_phandles();
	pool("pool_c", 0x20, NULL, 1, 0x21);		/* its own phandle: not a CPU */
	dt_end_node();
	CHECK_STR(boot_dt_parse(dt_end(), &bi),
		  "/chosen/pool_c: cpupool-cpus names a node that is not a CPU");
	board_with_phandles();
	pool("pool_d", 0x20, NULL, 0);
	dt_end_node();
	CHECK_STR(boot_dt_parse(dt_end(), &bi), "/chosen/pool_d: cpupool-cpus is missing or empty");
}

TEST(a_domain_cpupool_that_is_no_pool_makes_the_domain_unusable)
{
	board_with_phandles();
	pool("pool_a", 0x20, NULL, 1, CPU_PHANDLE(1));
	domain("d1", CPU_PHANDLE(2));
	dt_end_node();
	REQUIRE(boot_dt_parse(dt_end(), &bi) == NULL);
	CHECK_STR(bi.domains[0].error, "domain-cpupool does not name a xen,cpupool node of /chosen");
}

static uint64_t cpus_of(uint32_t id)
{
	struct cpupool_info info;

	REQUIRE(cpupool_info(id, &info) && info.id == id);
	return info.cpus;
}

static unsigned sched_of(uint32_t id)
{
	struct cpupool_info info;

	REQUIRE(cpupool_info(id, &info) && info.id == id);
	return info.sched_id;
}

TEST(boot_pools_are_numbered_as_xen_numbers_them)
{
	REQUIRE(parse_two_pools("null") == NULL);
	REQUIRE(cpupool_boot(&bi) == NULL);
	/* Pool b has the boot CPU: it is pool 0, a is 1, the CPUs no node names are 2. */
	CHECK_EQ(cpus_of(0), BIT(0));
	CHECK_EQ(sched_of(0), XEN_SCHEDULER_CREDIT);
	CHECK_EQ(cpus_of(1), BIT(1) | BIT(2));
	CHECK_EQ(sched_of(1), XEN_SCHEDULER_NULL);
	CHECK_EQ(cpus_of(2), 0x78);
	CHECK_EQ(sched_of(2), XEN_SCHEDULER_CREDIT);
	CHECK(!cpupool_info(3, &(struct cpupool_info){ 0 }));
	CHECK_EQ(bi.domains[0].cpupool, 1);
	CHECK_EQ(bi.domains[1].cpupool, 0);
	CHECK_EQ(bi.domains[2].cpupool, 0);
	CHECK(console_printed("cpupool 1: null, CPUs 0x6 from /chosen/pool_a"));
}

TEST(boot_pools_need_schedulers_domus_has_and_cpus_that_are_up)
{
	REQUIRE(parse_two_pools("credit2") == NULL);
	CHECK_STR(cpupool_boot(&bi), "/chosen/pool_a: cpupool-sched names no scheduler Domus has");
	cpupool_reset();
	board_with_phandles();
	pool("pool_a", 0x20, NULL, 1, CPU_PHANDLE(3));
	dt_end_node();
	REQUIRE(boot_dt_parse(dt_end(), &bi) == NULL);
	bi.cpupools[0].cpu_hwid[0] = 9;			/* no such CPU came up */
	CHECK_STR(cpupool_boot(&bi), "/chosen/pool_a: a CPU of cpupool-cpus is not online");
}

TEST(without_cpupool_nodes_pool_0_has_every_cpu)
{
	board_with_phandles();
	domain("d1", 0);
	dt_end_node();
	REQUIRE(boot_dt_parse(dt_end(), &bi) == NULL);
	REQUIRE(cpupool_boot(&bi) == NULL);
	CHECK_EQ(cpus_of(0), 0x7f);
	CHECK(!cpupool_info(1, &(struct cpupool_info){ 0 }));
}
