/*
 * Writing a guest's device tree (guest_dt_build): the emulated machine as a
 * board's tree describes it, checked with libfdt's read API, and read back
 * with Domus's own host-DT parser.
 */
#include <libfdt.h>

#include "../unit.h"
#include <domus/boot_dt.h>
#include <asm/guest_dt.h>
#include <asm/platform_dt.h>
#include <public/arch-arm64.h>

static struct boot_info bi;

static char guest_buf[16 * 1024];

static uint32_t cell(const void *p, int i)
{
	return fdt32_to_cpu(((const fdt32_t *)p)[i]);
}

static uint64_t cells64(const void *p, int i)
{
	return (uint64_t)cell(p, i) << 32 | cell(p, i + 1);
}

static const void *prop(const void *fdt, const char *path, const char *name, int *len)
{
	int node = fdt_path_offset(fdt, path);
	const void *p = node >= 0 ? fdt_getprop(fdt, node, name, len) : NULL;

	if (!p)
		*len = -1;
	return p;
}

static const struct ram_bank ram512 = { GUEST_RAM0_BASE, 512 * MiB };
static const struct ram_bank host_ram = { 0x50000000, 512 * MiB };

static const void *build_guest(bool vpl011, uint64_t initrd_start, uint64_t initrd_end,
			       unsigned nr_vcpus)
{
	struct guest_dt_params p = {
		.nr_vcpus = nr_vcpus,
		.banks = &ram512, .nr_banks = 1,
		.bootargs = "console=ttyAMA0 earlycon",
		.initrd_start = initrd_start,
		.initrd_end = initrd_end,
		.vpl011 = vpl011,
		.gicd = GUEST_GICV3_GICD_BASE, .gicr = GUEST_GICV3_GICR0_BASE,
		.gnttab_base = GUEST_GNTTAB_BASE, .gnttab_size = GUEST_GNTTAB_SIZE,
	};

	REQUIRE(guest_dt_build(guest_buf, sizeof(guest_buf), &p) == 0);
	REQUIRE(fdt_check_header(guest_buf) == 0);
	return guest_buf;
}

TEST(guest_dt_cpus_and_psci)
{
	const void *fdt = build_guest(true, 0x48000000, 0x48200000, 2);
	const void *p;
	int len;

	p = prop(fdt, "/cpus", "#address-cells", &len);
	CHECK(len == 4 && cell(p, 0) == 1);
	p = prop(fdt, "/cpus", "#size-cells", &len);
	CHECK(len == 4 && cell(p, 0) == 0);
	for (unsigned i = 0; i < 2; i++) {
		char path[32];

		snprintf(path, sizeof(path), "/cpus/cpu@%u", i);
		p = prop(fdt, path, "reg", &len);
		CHECK(len == 4 && cell(p, 0) == i);
		CHECK_STR(prop(fdt, path, "device_type", &len), "cpu");
		CHECK_STR(prop(fdt, path, "enable-method", &len), "psci");
	}
	CHECK(fdt_path_offset(fdt, "/cpus/cpu@2") < 0);

	static const char psci_compat[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";
	p = prop(fdt, "/psci", "compatible", &len);
	CHECK(len == sizeof(psci_compat) && p && !memcmp(p, psci_compat, sizeof(psci_compat)));
	CHECK_STR(prop(fdt, "/psci", "method", &len), "hvc");
}

TEST(guest_dt_memory_gic_and_timer)
{
	const void *fdt = build_guest(true, 0, 0, 2);
	const void *p;
	int len, gic;

	p = prop(fdt, "/", "#address-cells", &len);
	CHECK(len == 4 && cell(p, 0) == 2);
	p = prop(fdt, "/", "#size-cells", &len);
	CHECK(len == 4 && cell(p, 0) == 2);

	CHECK_STR(prop(fdt, "/memory@40000000", "device_type", &len), "memory");
	p = prop(fdt, "/memory@40000000", "reg", &len);
	REQUIRE(len == 16);
	CHECK_EQ(cells64(p, 0), 0x40000000);
	CHECK_EQ(cells64(p, 2), 512 * MiB);

	gic = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");
	REQUIRE(gic >= 0);
	p = fdt_getprop(fdt, gic, "reg", &len);
	REQUIRE(p && len == 32);
	CHECK_EQ(cells64(p, 0), 0x3001000);
	CHECK_EQ(cells64(p, 2), 0x10000);
	CHECK_EQ(cells64(p, 4), 0x3020000);
	CHECK_EQ(cells64(p, 6), 0x40000);	/* two 128 KiB redistributors */
	CHECK(fdt_getprop(fdt, gic, "interrupt-controller", &len) != NULL);
	p = fdt_getprop(fdt, gic, "#interrupt-cells", &len);
	CHECK(p && len == 4 && cell(p, 0) == 3);
	CHECK_EQ(fdt_get_phandle(fdt, gic), 65000);
	p = prop(fdt, "/", "interrupt-parent", &len);
	CHECK(len == 4 && cell(p, 0) == 65000);

	/* Secure phys, non-secure phys, virtual, hypervisor timers: PPIs, level-low, all CPUs. */
	int timer = fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-timer");
	REQUIRE(timer >= 0);
	p = fdt_getprop(fdt, timer, "interrupts", &len);
	REQUIRE(p && len == 12 * 4);
	static const uint32_t ppis[4] = { 13, 14, 11, 10 };
	for (int i = 0; i < 4; i++) {
		CHECK_EQ(cell(p, 3 * i), 1);
		CHECK_EQ(cell(p, 3 * i + 1), ppis[i]);
		CHECK_EQ(cell(p, 3 * i + 2), 0xf08);
	}
	CHECK(fdt_path_offset(fdt, "/hypervisor") < 0);
	CHECK(fdt_node_offset_by_compatible(fdt, -1, "xen,xen") < 0);
}

TEST(guest_dt_pl011_and_chosen)
{
	const void *fdt = build_guest(true, 0x48000000, 0x48234567, 1);
	const void *p;
	int len, uart, clk;

	static const char compat[] = "arm,pl011\0arm,primecell";
	p = prop(fdt, "/pl011@22000000", "compatible", &len);
	CHECK(len == sizeof(compat) && p && !memcmp(p, compat, sizeof(compat)));
	p = prop(fdt, "/pl011@22000000", "reg", &len);
	REQUIRE(len == 16);
	CHECK_EQ(cells64(p, 0), 0x22000000);
	CHECK_EQ(cells64(p, 2), 0x1000);
	p = prop(fdt, "/pl011@22000000", "interrupts", &len);
	REQUIRE(len == 12);
	CHECK(cell(p, 0) == 0 && cell(p, 1) == 0 && cell(p, 2) == 4);	/* SPI 32, level-high */

	uart = fdt_path_offset(fdt, "/pl011@22000000");
	p = fdt_getprop(fdt, uart, "clocks", &len);
	REQUIRE(p && len >= 4);
	for (int i = 0; i < len / 4; i++) {
		clk = fdt_node_offset_by_phandle(fdt, cell(p, i));
		CHECK(clk >= 0 && fdt_node_check_compatible(fdt, clk, "fixed-clock") == 0);
	}
	CHECK_EQ(fdt_stringlist_count(fdt, uart, "clock-names"), len / 4);

	CHECK_STR(prop(fdt, "/chosen", "bootargs", &len), "console=ttyAMA0 earlycon");
	const char *stdout_path = prop(fdt, "/chosen", "stdout-path", &len);
	REQUIRE(stdout_path);
	CHECK_EQ(fdt_path_offset(fdt, stdout_path), uart);
	p = prop(fdt, "/chosen", "linux,initrd-start", &len);
	CHECK(len == 8 && cells64(p, 0) == 0x48000000);
	p = prop(fdt, "/chosen", "linux,initrd-end", &len);
	CHECK(len == 8 && cells64(p, 0) == 0x48234567);
}

TEST(guest_dt_without_uart_or_initrd)
{
	const void *fdt = build_guest(false, 0, 0, 1);
	int len;

	CHECK(fdt_node_offset_by_compatible(fdt, -1, "arm,pl011") < 0);
	CHECK(prop(fdt, "/chosen", "stdout-path", &len) == NULL);
	CHECK(prop(fdt, "/chosen", "linux,initrd-start", &len) == NULL);
	CHECK(prop(fdt, "/chosen", "linux,initrd-end", &len) == NULL);
}

TEST(guest_dt_eight_vcpus)
{
	const void *fdt = build_guest(true, 0, 0, 8);
	const void *p;
	int len;

	p = prop(fdt, "/cpus/cpu@7", "reg", &len);
	CHECK(len == 4 && cell(p, 0) == 7);
	p = fdt_getprop(fdt, fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3"), "reg", &len);
	REQUIRE(p && len == 32);
	CHECK_EQ(cells64(p, 6), 8 * 0x20000);
}

TEST(guest_dt_buffer_too_small)
{
	struct guest_dt_params p = {
		.nr_vcpus = 2, .banks = &ram512, .nr_banks = 1,
		.bootargs = "console=ttyAMA0", .vpl011 = true,
		.gicd = GUEST_GICV3_GICD_BASE, .gicr = GUEST_GICV3_GICR0_BASE,
	};
	static char small[512];

	CHECK(guest_dt_build(small, sizeof(small), &p) < 0);
	CHECK(guest_dt_build(small, 16, &p) < 0);
	/* The same parameters fit in a normal buffer. */
	CHECK_EQ(guest_dt_build(guest_buf, sizeof(guest_buf), &p), 0);
}

/* The guest's tree read back by Domus's own parser: what a guest kernel would find. */
TEST(guest_dt_parses_as_a_board)
{
	const void *fdt = build_guest(true, 0, 0, 2);
	uint64_t base = 0;
	uint32_t intid = 0;
	struct platform plat;

	REQUIRE(boot_dt_parse(fdt, &bi) == NULL);
	CHECK_EQ(bi.nr_ram, 1);
	CHECK_EQ(bi.ram[0].base, GUEST_RAM0_BASE);
	CHECK_EQ(bi.ram[0].size, 512 * MiB);
	CHECK_EQ(bi.nr_cpus, 2);
	CHECK_EQ(bi.cpu_hwid[1], 1);
	REQUIRE(platform_dt_parse(fdt, &plat) == NULL);
	CHECK_EQ(plat.gicd, GUEST_GICV3_GICD_BASE);
	CHECK_EQ(plat.gicr, GUEST_GICV3_GICR0_BASE);
	CHECK(!plat.psci_smc);
	CHECK(platform_dt_find_uart(fdt, NULL, &base, &intid));
	CHECK_EQ(base, GUEST_PL011_BASE);
	CHECK_EQ(intid, GUEST_VPL011_SPI);
	CHECK(platform_dt_find_uart(fdt, "serial0", &base, &intid));
}

/* Dom0's tree: the host's GIC places and board compatible, the extended region. */
TEST(dom0_dt_has_the_hosts_gic_and_an_extended_region)
{
	static const char board[] = "linux,dummy-virt";
	struct guest_dt_params p = {
		.nr_vcpus = 2, .banks = &host_ram, .nr_banks = 1,
		.bootargs = "console=hvc0", .xen = true,
		.gicd = 0x8000000, .gicr = 0x80a0000,
		.gnttab_base = 0xc0000000, .gnttab_size = 16 * MiB,
		.ext_base = 0xc1000000, .ext_size = 0x3000000000ull,
		.root_compat = board, .root_compat_len = sizeof(board),
	};
	const fdt32_t *reg;
	int node, len;

	REQUIRE(guest_dt_build(guest_buf, sizeof(guest_buf), &p) == 0);
	CHECK(fdt_node_check_compatible(guest_buf, 0, "linux,dummy-virt") == 0);
	node = fdt_path_offset(guest_buf, "/interrupt-controller@8000000");
	REQUIRE(node >= 0);
	reg = fdt_getprop(guest_buf, node, "reg", &len);
	REQUIRE(reg && len == 32);
	CHECK_EQ(fdt32_to_cpu(reg[5]), 0x80a0000);
	CHECK_EQ(fdt32_to_cpu(reg[7]), 2 * 0x20000);
	node = fdt_path_offset(guest_buf, "/hypervisor");
	REQUIRE(node >= 0);
	reg = fdt_getprop(guest_buf, node, "reg", &len);
	REQUIRE(reg && len == 32);
	CHECK_EQ(fdt32_to_cpu(reg[1]), 0xc0000000);
	CHECK_EQ(fdt32_to_cpu(reg[4]), 0);
	CHECK_EQ(fdt32_to_cpu(reg[5]), 0xc1000000);
	CHECK_EQ(fdt32_to_cpu(reg[6]), 0x30);
	node = fdt_path_offset(guest_buf, "/memory@50000000");
	CHECK(node >= 0);
}
