/*
 * The arm64 platform in the host device tree: the GICv3, the PSCI conduit
 * and the PL011 console (arch/arm64/platform_dt.c).
 */
#include "../dt_writer.h"
#include <domus/boot_dt.h>
#include <asm/platform_dt.h>

static struct platform plat;

static const char *parse_platform(const void *fdt)
{
	memset(&plat, 0x5a, sizeof(plat));
	return platform_dt_parse(fdt, &plat);
}

TEST(platform_of_the_board)
{
	dt_begin(2, 2);
	dt_board(4);
	REQUIRE(parse_platform(dt_end()) == NULL);
	CHECK_EQ(plat.gicd, 0x8000000);
	CHECK_EQ(plat.gicd_size, 0x10000);
	CHECK_EQ(plat.gicr, 0x80a0000);
	CHECK_EQ(plat.gicr_size, 0xf60000);
	CHECK(!plat.psci_smc);
}

TEST(gic_regions_with_2_1_cells)
{
	dt_begin(2, 1);
	dt_cpus(1);
	dt_node("intc@8000000");
	dt_str("compatible", "arm,gic-v3");
	dt_cells("reg", 6, 0, 0x8000000, 0x10000, 0, 0x80a0000, 0xf60000);
	dt_end_node();
	REQUIRE(parse_platform(dt_end()) == NULL);
	CHECK_EQ(plat.gicd, 0x8000000);
	CHECK_EQ(plat.gicr, 0x80a0000);
	CHECK_EQ(plat.gicr_size, 0xf60000);
}

TEST(psci_conduit)
{
	dt_begin(2, 2);
	dt_memory(0x40000000, GiB);
	dt_cpus(1);
	dt_gic();
	dt_psci("smc");
	REQUIRE(parse_platform(dt_end()) == NULL);
	CHECK(plat.psci_smc);

	dt_begin(2, 2);
	dt_memory(0x40000000, GiB);
	dt_cpus(1);
	dt_gic();
	dt_psci("hvc");
	REQUIRE(parse_platform(dt_end()) == NULL);
	CHECK(!plat.psci_smc);
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
	CHECK_CONTAINS(parse_platform(dt_end()), "GIC");
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
	CHECK(parse_platform(dt_end()) != NULL);
}

/* ---- platform_dt_find_uart ---- */

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

	CHECK(platform_dt_find_uart(fdt, "/pl011@9000000", &base, &intid));
	CHECK_EQ(base, 0x9000000);
	CHECK_EQ(intid, 33);			/* SPI 1 */
	base = intid = 0;
	CHECK(platform_dt_find_uart(fdt, "serial0", &base, &intid));
	CHECK_EQ(base, 0x9000000);
	CHECK_EQ(intid, 33);
	CHECK(!platform_dt_find_uart(fdt, "serial7", &base, &intid));
	CHECK(!platform_dt_find_uart(fdt, "/nothing@0", &base, &intid));
}

TEST(find_uart_rejects_other_uarts)
{
	const void *fdt = uart_tree(NULL);
	uint64_t base;
	uint32_t intid;

	CHECK(!platform_dt_find_uart(fdt, "/serial@1c28000", &base, &intid));
	CHECK(!platform_dt_find_uart(fdt, "serial1", &base, &intid));
	fdt = uart_tree("serial1:115200n8");
	CHECK(!platform_dt_find_uart(fdt, NULL, &base, &intid));
}

TEST(find_uart_from_stdout_path)
{
	uint64_t base = 0;
	uint32_t intid = 0;

	CHECK(platform_dt_find_uart(uart_tree("serial0:115200n8"), NULL, &base, &intid));
	CHECK_EQ(base, 0x9000000);
	CHECK_EQ(intid, 33);
	base = 0;
	CHECK(platform_dt_find_uart(uart_tree("/pl011@9000000:115200"), "", &base, &intid));
	CHECK_EQ(base, 0x9000000);
	base = 0;
	CHECK(platform_dt_find_uart(uart_tree("/pl011@9000000"), NULL, &base, &intid));
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
	CHECK(platform_dt_find_uart(fdt, "/uart@20000", &base, &intid));
	CHECK_EQ(base, 0x20000);
	CHECK_EQ(intid, 23);
	CHECK(platform_dt_find_uart(fdt, "/uart@30000", &base, &intid));
	CHECK_EQ(base, 0x30000);
	CHECK_EQ(intid, 0);
}

/* Xen's extended regions for Dom0: from the end of RAM to the next device or bus window. */
TEST(free_host_range_above_ram)
{
	uint64_t base, size;
	const void *fdt;

	dt_begin(2, 2);
	dt_board(2);
	dt_node("pcie@10000000");
	dt_cells("#address-cells", 1, 3);
	dt_cells("#size-cells", 1, 2);
	dt_cells("reg", 4, 0x40, 0x10000000, 0, 0x10000000);	/* ECAM at 256 GiB */
	/* A 64-bit window at 512 GiB: child address (3 cells), parent (2), size (2). */
	dt_cells("ranges", 7, 0x03000000, 0x80, 0, 0x80, 0, 0x80, 0);
	dt_end_node();
	fdt = dt_end();
	REQUIRE(platform_dt_free_above_ram(fdt, 1ull << 39, &base, &size));
	CHECK_EQ(base, 0xc0000000);		/* RAM is 1 GiB + 2 GiB */
	CHECK_EQ(base + size, 0x4010000000ull);
	/* Nothing but RAM: up to the limit. */
	dt_begin(2, 2);
	dt_board(1);
	fdt = dt_end();
	REQUIRE(platform_dt_free_above_ram(fdt, 1ull << 39, &base, &size));
	CHECK_EQ(base + size, 1ull << 39);
	/* RAM up to the limit: nothing free. */
	CHECK(!platform_dt_free_above_ram(fdt, 0xc0000000, &base, &size));
}
