/*
 * Reading the host device tree: memory, CPUs, /chosen and Xen's dom0less
 * domain nodes (docs/misc/arm/device-tree/booting.txt).  The trees are built
 * with dt_writer.h.
 */
#include "../dt_writer.h"
#include <domus/boot_dt.h>

static struct boot_info bi;

static const char *parse(const void *fdt)
{
	memset(&bi, 0x5a, sizeof(bi));
	return boot_dt_parse(fdt, &bi);
}

/* A board of `cpus` CPUs, then /chosen opened, with 1-cell addresses and sizes. */
static void chosen_begin(unsigned cpus)
{
	dt_begin(2, 2);
	dt_board(cpus);
	dt_node("chosen");
	dt_cells("#address-cells", 1, 1);
	dt_cells("#size-cells", 1, 1);
}

/* ---- boot_dt_parse ---- */

TEST(parse_board)
{
	dt_begin(2, 2);
	dt_board(4);
	dt_node("chosen");
	dt_str("bootargs", "loglvl=debug");
	dt_end_node();
	REQUIRE(parse(dt_end()) == NULL);

	CHECK_EQ(bi.nr_ram, 1);
	CHECK_EQ(bi.ram[0].base, 0x40000000);
	CHECK_EQ(bi.ram[0].size, 2 * GiB);
	CHECK_EQ(bi.nr_cpus, 4);
	for (unsigned i = 0; i < 4; i++)
		CHECK_EQ(bi.cpu_hwid[i], i);
	CHECK_STR(bi.cmdline, "loglvl=debug");
	CHECK_EQ(bi.nr_domains, 0);
}

TEST(memory_banks_2_2_cells)
{
	dt_begin(2, 2);
	dt_node("memory@40000000");
	dt_str("device_type", "memory");
	dt_cells("reg", 12, 0, 0x40000000, 0, 0x40000000,
			    0x8, 0x80000000, 0x1, 0x0,
			    0, 0x20000000, 0, 0);	/* a zero-sized entry is no bank */
	dt_end_node();
	dt_memory(0x100000000ull, 256 * MiB);	/* a second node */
	dt_node("flash@0");			/* not memory */
	dt_cells("reg", 4, 0, 0, 0, 0x4000000);
	dt_end_node();
	dt_cpus(1);
	dt_gic();
	REQUIRE(parse(dt_end()) == NULL);
	CHECK_EQ(bi.nr_ram, 3);
	CHECK_EQ(bi.ram[0].base, 0x40000000);
	CHECK_EQ(bi.ram[0].size, 0x40000000);
	CHECK_EQ(bi.ram[1].base, 0x880000000ull);
	CHECK_EQ(bi.ram[1].size, 4 * GiB);
	CHECK_EQ(bi.ram[2].base, 0x100000000ull);
	CHECK_EQ(bi.ram[2].size, 256 * MiB);
}

TEST(memory_banks_2_1_cells)
{
	dt_begin(2, 1);
	dt_node("memory@40000000");
	dt_str("device_type", "memory");
	dt_cells("reg", 6, 0, 0x40000000, 0x20000000, 0x1, 0x0, 0x10000000);
	dt_end_node();
	dt_cpus(1);
	dt_node("intc@8000000");
	dt_str("compatible", "arm,gic-v3");
	dt_cells("reg", 6, 0, 0x8000000, 0x10000, 0, 0x80a0000, 0xf60000);
	dt_end_node();
	REQUIRE(parse(dt_end()) == NULL);
	CHECK_EQ(bi.nr_ram, 2);
	CHECK_EQ(bi.ram[0].base, 0x40000000);
	CHECK_EQ(bi.ram[0].size, 512 * MiB);
	CHECK_EQ(bi.ram[1].base, 0x100000000ull);
	CHECK_EQ(bi.ram[1].size, 256 * MiB);
}

TEST(too_many_memory_banks)
{
	dt_begin(2, 2);
	for (unsigned i = 0; i <= BOOT_MAX_RAM_BANKS; i++)
		dt_memory(0x40000000ull + i * GiB, MiB);
	dt_cpus(1);
	dt_gic();
	CHECK(parse(dt_end()) != NULL);
}

TEST(cpus_with_64_bit_reg)
{
	dt_begin(2, 2);
	dt_memory(0x40000000, GiB);
	dt_node("cpus");
	dt_cells("#address-cells", 1, 2);
	dt_cells("#size-cells", 1, 0);
	dt_node("cpu-map");			/* no device_type: not a CPU */
	dt_end_node();
	dt_node("cpu@0");
	dt_str("device_type", "cpu");
	dt_cells("reg", 2, 0, 0);
	dt_end_node();
	dt_node("cpu@100");
	dt_str("device_type", "cpu");
	dt_cells("reg", 2, 0, 0x100);
	dt_end_node();
	dt_node("cpu@10100");
	dt_str("device_type", "cpu");
	dt_cells("reg", 2, 0x1, 0x10100);	/* Aff3 = 1 */
	dt_end_node();
	dt_end_node();
	dt_gic();
	REQUIRE(parse(dt_end()) == NULL);
	CHECK_EQ(bi.nr_cpus, 3);
	CHECK_EQ(bi.cpu_hwid[0], 0);
	CHECK_EQ(bi.cpu_hwid[1], 0x100);
	CHECK_EQ(bi.cpu_hwid[2], 0x100010100ull);
}

/* /cpus without cell sizes (defaults 2/1 do not fit reg): reg is taken as the MPIDR. */
TEST(cpus_without_cell_sizes)
{
	dt_begin(2, 2);
	dt_memory(0x40000000, GiB);
	dt_node("cpus");
	dt_node("cpu@0");
	dt_str("device_type", "cpu");
	dt_cells("reg", 1, 0x3);
	dt_end_node();
	dt_node("cpu@1");
	dt_str("device_type", "cpu");
	dt_cells("reg", 2, 0x1, 0x101);
	dt_end_node();
	dt_node("cpu@2");
	dt_str("device_type", "cpu");	/* no reg: skipped */
	dt_end_node();
	dt_end_node();
	dt_gic();
	REQUIRE(parse(dt_end()) == NULL);
	CHECK_EQ(bi.nr_cpus, 2);
	CHECK_EQ(bi.cpu_hwid[0], 0x3);
	CHECK_EQ(bi.cpu_hwid[1], 0x100000101ull);
}

TEST(at_most_nr_cpus)
{
	dt_begin(2, 2);
	dt_memory(0x40000000, GiB);
	dt_cpus(NR_CPUS + 2);
	dt_gic();
	REQUIRE(parse(dt_end()) == NULL);
	CHECK_EQ(bi.nr_cpus, NR_CPUS);
	CHECK_EQ(bi.cpu_hwid[NR_CPUS - 1], NR_CPUS - 1);
}

TEST(xen_bootargs_preferred)
{
	/* Whichever comes first in /chosen. */
	for (int order = 0; order < 2; order++) {
		dt_begin(2, 2);
		dt_board(1);
		dt_node("chosen");
		if (order)
			dt_str("xen,xen-bootargs", "console=dtuart dtuart=serial0");
		dt_str("bootargs", "console=ttyAMA0");
		if (!order)
			dt_str("xen,xen-bootargs", "console=dtuart dtuart=serial0");
		dt_end_node();
		REQUIRE(parse(dt_end()) == NULL);
		CHECK_STR(bi.cmdline, "console=dtuart dtuart=serial0");
	}
	/* No /chosen at all. */
	dt_begin(2, 2);
	dt_board(1);
	REQUIRE(parse(dt_end()) == NULL);
	CHECK_STR(bi.cmdline, "");
	CHECK_EQ(bi.nr_domains, 0);
}

TEST(dom0less_domains)
{
	dt_begin(2, 2);
	dt_board(2);
	dt_node("chosen");
	dt_str("xen,xen-bootargs", "loglvl=info");
	dt_node("module@60000000");		/* directly in /chosen: Dom0's, and its kernel */
	DT_STRS("compatible", "multiboot,module");
	dt_cells("reg", 4, 0, 0x60000000, 0, 0x1000);
	dt_end_node();

	dt_domain("domU1", 0x80000, 2);
	dt_empty("vpl011");
	dt_module("module@4a000000", KERNEL_COMPAT, sizeof(KERNEL_COMPAT), 0x4a000000, 0xe00000,
		  "console=ttyAMA0 root=/dev/ram");
	dt_module("module@4c000000", RAMDISK_COMPAT, sizeof(RAMDISK_COMPAT), 0x4c000000, 0x200000,
		  NULL);
	dt_end_node();

	/* 32-bit memory, no cpus (1), no vpl011, 2/2-cell module regs. */
	dt_node("guest2");
	dt_str("compatible", "xen,domain");
	dt_cells("#address-cells", 1, 2);
	dt_cells("#size-cells", 1, 2);
	dt_cells("memory", 1, 0x20000);
	dt_str("bootargs", "quiet");
	dt_node("module@150000000");
	DT_STRS("compatible", KERNEL_COMPAT);
	dt_cells("reg", 4, 0x1, 0x50000000, 0, 0x1000000);
	dt_end_node();
	dt_end_node();
	dt_end_node();	/* chosen */
	REQUIRE(parse(dt_end()) == NULL);

	REQUIRE(bi.nr_domains == 2);
	struct boot_domain *a = &bi.domains[0], *b = &bi.domains[1];
	CHECK_STR(a->name, "domU1");
	CHECK_STR(a->error, "");
	CHECK_EQ(a->mem_kib, 0x80000);
	CHECK_EQ(a->cpus, 2);
	CHECK(a->vpl011);
	CHECK_EQ(a->kernel.base, 0x4a000000);
	CHECK_EQ(a->kernel.size, 0xe00000);
	CHECK_EQ(a->ramdisk.base, 0x4c000000);
	CHECK_EQ(a->ramdisk.size, 0x200000);
	CHECK_STR(a->bootargs, "console=ttyAMA0 root=/dev/ram");

	CHECK_STR(b->name, "guest2");
	CHECK_STR(b->error, "");
	CHECK_EQ(b->mem_kib, 0x20000);
	CHECK_EQ(b->cpus, 1);
	CHECK(!b->vpl011);
	CHECK_EQ(b->kernel.base, 0x150000000ull);
	CHECK_EQ(b->kernel.size, 0x1000000);
	CHECK_EQ(b->ramdisk.size, 0);
	CHECK_STR(b->bootargs, "quiet");
	CHECK_STR(bi.cmdline, "loglvl=info");
	/* Its reg does not fit /chosen's default cells (2 and 1): a Dom0 that says so. */
	CHECK(bi.has_dom0);
	CHECK_STR(bi.dom0.error, "a module has no valid reg property");
}

/* Xen's own Dom0 boot: modules directly in /chosen, xen,dom0-bootargs. */
TEST(dom0_from_chosen_modules)
{
	chosen_begin(2);
	dt_str("xen,xen-bootargs", "dom0_mem=512M");
	dt_str("xen,dom0-bootargs", "console=hvc0");
	dt_str("bootargs", "not Dom0's: xen,dom0-bootargs wins");
	dt_module("module@50000000", KERNEL_COMPAT, sizeof(KERNEL_COMPAT), 0x50000000, 0x2000000,
		  "module bootargs lose too");
	dt_module("module@54000000", RAMDISK_COMPAT, sizeof(RAMDISK_COMPAT), 0x54000000, 0x400000,
		  NULL);
	dt_domain("domU1", 0x20000, 1);
	dt_module("module@4a000000", KERNEL_COMPAT, sizeof(KERNEL_COMPAT), 0x4a000000, 0xe00000,
		  NULL);
	dt_end_node();
	dt_end_node();	/* chosen */
	REQUIRE(parse(dt_end()) == NULL);

	REQUIRE(bi.has_dom0);
	CHECK(bi.dom0.dom0 && bi.dom0.xen_enhanced);
	CHECK_STR(bi.dom0.name, "Domain-0");
	CHECK_STR(bi.dom0.error, "");
	CHECK_EQ(bi.dom0.kernel.base, 0x50000000);
	CHECK_EQ(bi.dom0.kernel.size, 0x2000000);
	CHECK_EQ(bi.dom0.ramdisk.base, 0x54000000);
	CHECK_EQ(bi.dom0.ramdisk.size, 0x400000);
	CHECK_STR(bi.dom0.bootargs, "console=hvc0");
	CHECK_STR(bi.cmdline, "dom0_mem=512M");
	/* Dom0less domains beside it. */
	REQUIRE(bi.nr_domains == 1);
	CHECK(!bi.domains[0].dom0);
	CHECK_EQ(bi.domains[0].kernel.base, 0x4a000000);
}

TEST(dom0_command_line_precedence)
{
	/* Without xen,dom0-bootargs: the kernel module's bootargs. */
	chosen_begin(1);
	dt_str("xen,xen-bootargs", "loglvl=all");
	dt_str("bootargs", "chosen");
	dt_module("module@50000000", KERNEL_COMPAT, sizeof(KERNEL_COMPAT), 0x50000000, 0x1000,
		  "from the module");
	dt_end_node();
	REQUIRE(parse(dt_end()) == NULL);
	CHECK_STR(bi.dom0.bootargs, "from the module");

	/* Then /chosen/bootargs, which is Dom0's since xen,xen-bootargs is Domus's. */
	chosen_begin(1);
	dt_str("xen,xen-bootargs", "loglvl=all");
	dt_str("bootargs", "console=hvc0 root=/dev/vda");
	dt_module("module@50000000", "xen,linux-zimage\0xen,multiboot-module",
		  sizeof("xen,linux-zimage\0xen,multiboot-module"), 0x50000000, 0x1000, NULL);
	dt_end_node();
	REQUIRE(parse(dt_end()) == NULL);
	CHECK(bi.has_dom0 && bi.dom0.kernel.base == 0x50000000);
	CHECK_STR(bi.dom0.bootargs, "console=hvc0 root=/dev/vda");
	CHECK_STR(bi.cmdline, "loglvl=all");

	/* Without xen,xen-bootargs, /chosen/bootargs is Domus's, not Dom0's. */
	chosen_begin(1);
	dt_str("bootargs", "loglvl=all");
	dt_module("module@50000000", KERNEL_COMPAT, sizeof(KERNEL_COMPAT), 0x50000000, 0x1000, NULL);
	dt_end_node();
	REQUIRE(parse(dt_end()) == NULL);
	CHECK_STR(bi.dom0.bootargs, "");
	CHECK_STR(bi.cmdline, "loglvl=all");

	/* No module in /chosen: no Dom0. */
	dt_begin(2, 2);
	dt_board(1);
	dt_node("chosen");
	dt_str("xen,dom0-bootargs", "console=hvc0");
	dt_end_node();
	REQUIRE(parse(dt_end()) == NULL);
	CHECK(!bi.has_dom0);
}

TEST(legacy_unnamed_modules)
{
	dt_begin(2, 2);
	dt_board(1);
	dt_node("chosen");
	dt_domain("domU", 0x40000, 1);
	dt_module("module@48000000", MODULE_COMPAT, sizeof(MODULE_COMPAT), 0x48000000, 0x800000,
		  "console=hvc0");
	dt_module("module@49000000", MODULE_COMPAT, sizeof(MODULE_COMPAT), 0x49000000, 0x100000,
		  NULL);
	dt_end_node();
	dt_end_node();
	REQUIRE(parse(dt_end()) == NULL);
	REQUIRE(bi.nr_domains == 1);
	CHECK_STR(bi.domains[0].error, "");
	CHECK_EQ(bi.domains[0].kernel.base, 0x48000000);
	CHECK_EQ(bi.domains[0].kernel.size, 0x800000);
	CHECK_EQ(bi.domains[0].ramdisk.base, 0x49000000);
	CHECK_EQ(bi.domains[0].ramdisk.size, 0x100000);
	CHECK_STR(bi.domains[0].bootargs, "console=hvc0");
}

TEST(broken_domains_are_reported_not_fatal)
{
	dt_begin(2, 2);
	dt_board(1);
	dt_node("chosen");
	dt_domain("nokernel", 0x40000, 1);
	dt_module("module@49000000", RAMDISK_COMPAT, sizeof(RAMDISK_COMPAT), 0x49000000, 0x1000,
		  NULL);
	dt_end_node();
	dt_domain("badcpus", 0x40000, 0);
	dt_cells("cpus", 2, 0, 2);		/* cpus is one cell */
	dt_module("module@48000000", KERNEL_COMPAT, sizeof(KERNEL_COMPAT), 0x48000000, 0x1000,
		  NULL);
	dt_end_node();
	dt_domain("zerocpus", 0x40000, 0);
	dt_cells("cpus", 1, 0);
	dt_module("module@48000000", KERNEL_COMPAT, sizeof(KERNEL_COMPAT), 0x48000000, 0x1000,
		  NULL);
	dt_end_node();
	dt_node("nomemory");
	dt_str("compatible", "xen,domain");
	dt_cells("#address-cells", 1, 1);
	dt_cells("#size-cells", 1, 1);
	dt_module("module@48000000", KERNEL_COMPAT, sizeof(KERNEL_COMPAT), 0x48000000, 0x1000,
		  NULL);
	dt_end_node();
	dt_domain("noreg", 0x40000, 1);
	dt_node("module@48000000");
	DT_STRS("compatible", KERNEL_COMPAT);
	dt_end_node();
	dt_end_node();
	dt_domain("good", 0x40000, 1);
	dt_module("module@48000000", KERNEL_COMPAT, sizeof(KERNEL_COMPAT), 0x48000000, 0x1000,
		  NULL);
	dt_end_node();
	dt_end_node();
	REQUIRE(parse(dt_end()) == NULL);
	REQUIRE(bi.nr_domains == 6);
	CHECK_CONTAINS(bi.domains[0].error, "kernel");
	CHECK_CONTAINS(bi.domains[1].error, "cpus");
	CHECK_CONTAINS(bi.domains[2].error, "cpus");
	CHECK_CONTAINS(bi.domains[3].error, "memory");
	CHECK_CONTAINS(bi.domains[4].error, "reg");
	CHECK_STR(bi.domains[5].name, "good");
	CHECK_STR(bi.domains[5].error, "");
}

TEST(missing_memory_node)
{
	dt_begin(2, 2);
	dt_cpus(1);
	dt_gic();
	CHECK_CONTAINS(parse(dt_end()), "memory");
}

TEST(missing_cpus)
{
	dt_begin(2, 2);
	dt_memory(0x40000000, GiB);
	dt_gic();
	CHECK(parse(dt_end()) != NULL);
}

TEST(not_a_device_tree)
{
	static const uint32_t junk[64] = { 0x12345678 };

	CHECK(parse(junk) != NULL);
}


/* A malformed command line stops that domain with a message naming the property. */
static const char *dom0_with_bootargs(const char *bytes, size_t len)
{
	chosen_begin(2);
	dt_strs("xen,dom0-bootargs", bytes, len);
	dt_module("module@50000000", KERNEL_COMPAT, sizeof(KERNEL_COMPAT), 0x50000000, 0x2000000,
		  NULL);
	dt_end_node();	/* chosen */
	REQUIRE(parse(dt_end()) == NULL);
	REQUIRE(bi.has_dom0);
	return bi.dom0.error;
}

TEST(malformed_dom0_bootargs_are_reported)
{
	static char long_line[BOOTARGS_MAX + 8];

	CHECK_STR(dom0_with_bootargs("console=hvc0", 12),
		  "xen,dom0-bootargs is not one NUL-ended string");
	CHECK_STR(dom0_with_bootargs("console=hvc0\0quiet", 19),
		  "xen,dom0-bootargs is not one NUL-ended string");
	CHECK_STR(dom0_with_bootargs("", 0), "xen,dom0-bootargs is not one NUL-ended string");
	memset(long_line, 'x', sizeof(long_line) - 1);
	CHECK(strstr(dom0_with_bootargs(long_line, sizeof(long_line)),
		     "xen,dom0-bootargs is longer than") != NULL);
	CHECK_STR(dom0_with_bootargs("console=hvc0", 13), "");
	CHECK_STR(bi.dom0.bootargs, "console=hvc0");
}
