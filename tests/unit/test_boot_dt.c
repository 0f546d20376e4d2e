/*
 * Reading the host device tree: memory, CPUs, GICv3, PSCI, /chosen and
 * Xen's dom0less domain nodes (docs/misc/arm/device-tree/booting.txt).  The
 * trees are built here with libfdt's sequential-write API.
 */
#include <stdarg.h>
#include <libfdt.h>

#include "unit.h"
#include <domus/boot_dt.h>
#include <public/arch-arm64.h>

/* ---- a small device-tree writer ---- */

static char fdt_buf[64 * 1024];

#define FDT(call) REQUIRE((call) == 0)

/* The root node, with its cell sizes. */
static void dt_begin(unsigned ac, unsigned sc)
{
	FDT(fdt_create(fdt_buf, sizeof(fdt_buf)));
	FDT(fdt_finish_reservemap(fdt_buf));
	FDT(fdt_begin_node(fdt_buf, ""));
	FDT(fdt_property_u32(fdt_buf, "#address-cells", ac));
	FDT(fdt_property_u32(fdt_buf, "#size-cells", sc));
	FDT(fdt_property_string(fdt_buf, "compatible", "linux,dummy-virt"));
}

static const void *dt_end(void)
{
	FDT(fdt_end_node(fdt_buf));
	FDT(fdt_finish(fdt_buf));
	return fdt_buf;
}

static void dt_node(const char *name)
{
	FDT(fdt_begin_node(fdt_buf, name));
}

static void dt_end_node(void)
{
	FDT(fdt_end_node(fdt_buf));
}

static void dt_str(const char *name, const char *val)
{
	FDT(fdt_property_string(fdt_buf, name, val));
}

/* A string list: "a\0b" with its length (sizeof of the literal). */
static void dt_strs(const char *name, const char *list, size_t len)
{
	FDT(fdt_property(fdt_buf, name, list, (int)len));
}
#define DT_STRS(name, lit) dt_strs(name, lit, sizeof(lit))

static void dt_empty(const char *name)
{
	FDT(fdt_property(fdt_buf, name, NULL, 0));
}

/* A property of n 32-bit cells. */
static void dt_cells(const char *name, unsigned n, ...)
{
	fdt32_t cells[16];
	va_list ap;

	REQUIRE(n <= 16);
	va_start(ap, n);
	for (unsigned i = 0; i < n; i++)
		cells[i] = cpu_to_fdt32(va_arg(ap, uint32_t));
	va_end(ap);
	FDT(fdt_property(fdt_buf, name, cells, n * sizeof(fdt32_t)));
}

/* ---- pieces of a host tree, as QEMU's virt machine describes them (2/2 cells) ---- */

static void dt_memory(uint64_t base, uint64_t size)
{
	char name[32];

	snprintf(name, sizeof(name), "memory@%" PRIx64, base);
	dt_node(name);
	dt_str("device_type", "memory");
	dt_cells("reg", 4, (uint32_t)(base >> 32), (uint32_t)base, (uint32_t)(size >> 32),
		 (uint32_t)size);
	dt_end_node();
}

static void dt_cpus(unsigned n)
{
	dt_node("cpus");
	dt_cells("#address-cells", 1, 1);
	dt_cells("#size-cells", 1, 0);
	for (unsigned i = 0; i < n; i++) {
		char name[16];

		snprintf(name, sizeof(name), "cpu@%u", i);
		dt_node(name);
		dt_str("device_type", "cpu");
		dt_str("compatible", "arm,cortex-a57");
		dt_str("enable-method", "psci");
		dt_cells("reg", 1, i);
		dt_end_node();
	}
	dt_end_node();
}

static void dt_gic(void)
{
	dt_node("intc@8000000");
	dt_str("compatible", "arm,gic-v3");
	dt_empty("interrupt-controller");
	dt_cells("#interrupt-cells", 1, 3);
	dt_cells("reg", 8, 0, 0x8000000, 0, 0x10000, 0, 0x80a0000, 0, 0xf60000);
	dt_end_node();
}

static void dt_psci(const char *method)
{
	dt_node("psci");
	DT_STRS("compatible", "arm,psci-1.0\0arm,psci-0.2\0arm,psci");
	dt_str("method", method);
	dt_end_node();
}

static void dt_pl011(void)
{
	dt_node("pl011@9000000");
	DT_STRS("compatible", "arm,pl011\0arm,primecell");
	dt_cells("reg", 4, 0, 0x9000000, 0, 0x1000);
	dt_cells("interrupts", 3, 0, 1, 4);
	dt_end_node();
}

/* memory, cpus, GIC, PSCI (hvc) and a PL011: everything but /chosen. */
static void dt_board(unsigned nr_cpus)
{
	dt_memory(0x40000000, 2 * GiB);
	dt_cpus(nr_cpus);
	dt_gic();
	dt_psci("hvc");
	dt_pl011();
}

/* A dom0less module node under a domain with 1/1 cells. */
static void dt_module(const char *name, const char *compat, size_t compat_len, uint32_t base,
		      uint32_t size, const char *bootargs)
{
	dt_node(name);
	dt_strs("compatible", compat, compat_len);
	dt_cells("reg", 2, base, size);
	if (bootargs)
		dt_str("bootargs", bootargs);
	dt_end_node();
}
#define KERNEL_COMPAT  "multiboot,kernel\0multiboot,module"
#define RAMDISK_COMPAT "multiboot,ramdisk\0multiboot,module"
#define MODULE_COMPAT  "multiboot,module"

/* A domain node with 1/1 cells, left open for its modules. */
static void dt_domain(const char *name, uint32_t mem_kib, uint32_t cpus)
{
	dt_node(name);
	dt_str("compatible", "xen,domain");
	dt_cells("#address-cells", 1, 1);
	dt_cells("#size-cells", 1, 1);
	dt_cells("memory", 2, 0, mem_kib);
	if (cpus)
		dt_cells("cpus", 1, cpus);
}

static struct boot_info bi;

static const char *parse(const void *fdt)
{
	memset(&bi, 0x5a, sizeof(bi));
	return boot_dt_parse(fdt, &bi);
}

/* ---- boot_dt_parse ---- */

TEST(parse_board)
{
	dt_begin(2, 2);
	dt_board(4);
	dt_node("chosen");
	dt_str("bootargs", "loglevel=debug");
	dt_end_node();
	REQUIRE(parse(dt_end()) == NULL);

	CHECK_EQ(bi.nr_ram, 1);
	CHECK_EQ(bi.ram[0].base, 0x40000000);
	CHECK_EQ(bi.ram[0].size, 2 * GiB);
	CHECK_EQ(bi.nr_cpus, 4);
	for (unsigned i = 0; i < 4; i++)
		CHECK_EQ(bi.cpu_mpidr[i], i);
	CHECK_EQ(bi.gicd_base, 0x8000000);
	CHECK_EQ(bi.gicd_size, 0x10000);
	CHECK_EQ(bi.gicr_base, 0x80a0000);
	CHECK_EQ(bi.gicr_size, 0xf60000);
	CHECK(!bi.psci_smc);
	CHECK_STR(bi.cmdline, "loglevel=debug");
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
	CHECK_EQ(bi.gicr_base, 0x80a0000);
	CHECK_EQ(bi.gicr_size, 0xf60000);
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
	CHECK_EQ(bi.cpu_mpidr[0], 0);
	CHECK_EQ(bi.cpu_mpidr[1], 0x100);
	CHECK_EQ(bi.cpu_mpidr[2], 0x100010100ull);
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
	CHECK_EQ(bi.cpu_mpidr[0], 0x3);
	CHECK_EQ(bi.cpu_mpidr[1], 0x100000101ull);
}

TEST(at_most_nr_cpus)
{
	dt_begin(2, 2);
	dt_memory(0x40000000, GiB);
	dt_cpus(NR_CPUS + 2);
	dt_gic();
	REQUIRE(parse(dt_end()) == NULL);
	CHECK_EQ(bi.nr_cpus, NR_CPUS);
	CHECK_EQ(bi.cpu_mpidr[NR_CPUS - 1], NR_CPUS - 1);
}

TEST(psci_conduit)
{
	dt_begin(2, 2);
	dt_memory(0x40000000, GiB);
	dt_cpus(1);
	dt_gic();
	dt_psci("smc");
	REQUIRE(parse(dt_end()) == NULL);
	CHECK(bi.psci_smc);

	dt_begin(2, 2);
	dt_memory(0x40000000, GiB);
	dt_cpus(1);
	dt_gic();
	dt_psci("hvc");
	REQUIRE(parse(dt_end()) == NULL);
	CHECK(!bi.psci_smc);
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
	dt_str("xen,xen-bootargs", "loglevel=info");
	dt_node("module@60000000");		/* a module for Xen itself: not a domain */
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
	CHECK_STR(bi.cmdline, "loglevel=info");
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

TEST(missing_gic)
{
	dt_begin(2, 2);
	dt_memory(0x40000000, GiB);
	dt_cpus(1);
	dt_node("intc@8000000");
	dt_str("compatible", "arm,cortex-a15-gic");	/* a GICv2 */
	dt_cells("reg", 8, 0, 0x8000000, 0, 0x10000, 0, 0x8010000, 0, 0x10000);
	dt_end_node();
	CHECK_CONTAINS(parse(dt_end()), "GIC");
}

TEST(gic_without_redistributor)
{
	dt_begin(2, 2);
	dt_memory(0x40000000, GiB);
	dt_cpus(1);
	dt_node("intc@8000000");
	dt_str("compatible", "arm,gic-v3");
	dt_cells("reg", 4, 0, 0x8000000, 0, 0x10000);
	dt_end_node();
	CHECK(parse(dt_end()) != NULL);
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

/* ---- boot_dt_find_uart ---- */

static const void *uart_tree(const char *stdout_path)
{
	dt_begin(2, 2);
	dt_board(1);
	dt_node("serial@1c28000");
	dt_str("compatible", "ns16550a");
	dt_cells("reg", 4, 0, 0x1c28000, 0, 0x400);
	dt_cells("interrupts", 3, 0, 0, 4);
	dt_end_node();
	dt_node("aliases");
	dt_str("serial0", "/pl011@9000000");
	dt_str("serial1", "/serial@1c28000");
	dt_end_node();
	if (stdout_path) {
		dt_node("chosen");
		dt_str("stdout-path", stdout_path);
		dt_end_node();
	}
	return dt_end();
}

TEST(find_uart_by_path_and_alias)
{
	const void *fdt = uart_tree(NULL);
	uint64_t base = 0;
	uint32_t intid = 0;

	CHECK(boot_dt_find_uart(fdt, "/pl011@9000000", &base, &intid));
	CHECK_EQ(base, 0x9000000);
	CHECK_EQ(intid, 33);			/* SPI 1 */
	base = intid = 0;
	CHECK(boot_dt_find_uart(fdt, "serial0", &base, &intid));
	CHECK_EQ(base, 0x9000000);
	CHECK_EQ(intid, 33);
	CHECK(!boot_dt_find_uart(fdt, "serial7", &base, &intid));
	CHECK(!boot_dt_find_uart(fdt, "/nothing@0", &base, &intid));
}

TEST(find_uart_rejects_other_uarts)
{
	const void *fdt = uart_tree(NULL);
	uint64_t base;
	uint32_t intid;

	CHECK(!boot_dt_find_uart(fdt, "/serial@1c28000", &base, &intid));
	CHECK(!boot_dt_find_uart(fdt, "serial1", &base, &intid));
	fdt = uart_tree("serial1:115200n8");
	CHECK(!boot_dt_find_uart(fdt, NULL, &base, &intid));
}

TEST(find_uart_from_stdout_path)
{
	uint64_t base = 0;
	uint32_t intid = 0;

	CHECK(boot_dt_find_uart(uart_tree("serial0:115200n8"), NULL, &base, &intid));
	CHECK_EQ(base, 0x9000000);
	CHECK_EQ(intid, 33);
	base = 0;
	CHECK(boot_dt_find_uart(uart_tree("/pl011@9000000:115200"), "", &base, &intid));
	CHECK_EQ(base, 0x9000000);
	base = 0;
	CHECK(boot_dt_find_uart(uart_tree("/pl011@9000000"), NULL, &base, &intid));
	CHECK_EQ(base, 0x9000000);
}

TEST(find_uart_ppi_and_no_interrupts)
{
	uint64_t base = 0;
	uint32_t intid = 99;

	dt_begin(1, 1);
	dt_node("uart@20000");
	dt_str("compatible", "arm,pl011");
	dt_cells("reg", 2, 0x20000, 0x1000);
	dt_cells("interrupts", 3, 1, 7, 4);	/* PPI 7 */
	dt_end_node();
	dt_node("uart@30000");
	dt_str("compatible", "arm,pl011");
	dt_cells("reg", 2, 0x30000, 0x1000);
	dt_end_node();
	const void *fdt = dt_end();
	CHECK(boot_dt_find_uart(fdt, "/uart@20000", &base, &intid));
	CHECK_EQ(base, 0x20000);
	CHECK_EQ(intid, 23);
	CHECK(boot_dt_find_uart(fdt, "/uart@30000", &base, &intid));
	CHECK_EQ(base, 0x30000);
	CHECK_EQ(intid, 0);
}
