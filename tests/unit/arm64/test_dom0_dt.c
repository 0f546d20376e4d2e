/* Dom0's device tree: the host's, rewritten; and what it passes through. */
#include "../unit.h"
#include "../dt_writer.h"
#include <asm/dom0_dt.h>

static char dom0_buf[64 * 1024];

/* A QEMU-virt-like host: the GIC with its ITS and maintenance PPI, a PMU, devices, PCIe. */
static const void *host_tree(void)
{
	dt_begin(2, 2);
	dt_cells("interrupt-parent", 1, 0x8002);
	dt_memory(0x40000000, 2 * GiB);
	dt_cpus(2);
	dt_psci("smc");
	dt_node("intc@8000000");
	dt_str("compatible", "arm,gic-v3");
	dt_empty("interrupt-controller");
	dt_cells("#interrupt-cells", 1, 3);
	dt_cells("#address-cells", 1, 2);
	dt_cells("reg", 8, 0, 0x8000000, 0, 0x10000, 0, 0x80a0000, 0, 0xf60000);
	dt_cells("interrupts", 3, 1, 9, 4);
	dt_cells("phandle", 1, 0x8002);
	dt_node("its@8080000");
	dt_str("compatible", "arm,gic-v3-its");
	dt_end_node();
	dt_end_node();
	dt_node("timer");
	dt_str("compatible", "arm,armv8-timer");
	dt_cells("interrupts", 12, 1, 13, 0x104, 1, 14, 0x104, 1, 11, 0x104, 1, 10, 0x104);
	dt_end_node();
	dt_node("pmu");
	dt_str("compatible", "arm,armv8-pmuv3");
	dt_cells("interrupts", 3, 1, 7, 4);
	dt_end_node();
	dt_pl011();
	dt_node("pl031@9010000");
	DT_STRS("compatible", "arm,pl031\0arm,primecell");
	dt_cells("reg", 4, 0, 0x9010000, 0, 0x1000);
	dt_cells("interrupts", 3, 0, 2, 4);
	dt_end_node();
	dt_node("virtio_mmio@a000000");
	dt_str("compatible", "virtio,mmio");
	dt_cells("reg", 4, 0, 0xa000000, 0, 0x200);
	dt_cells("interrupts", 3, 0, 16, 1);
	dt_end_node();
	dt_node("pcie@10000000");
	dt_str("compatible", "pci-host-ecam-generic");
	dt_cells("#address-cells", 1, 3);
	dt_cells("#size-cells", 1, 2);
	dt_cells("#interrupt-cells", 1, 1);
	dt_cells("reg", 4, 0x40, 0x10000000, 0, 0x10000000);
	/* A 32-bit window at 256 MiB, and a 64-bit one at 512 GiB, past Dom0's reach. */
	dt_cells("ranges", 14, 0x02000000, 0, 0x10000000, 0, 0x10000000, 0, 0x2eff0000,
		 0x03000000, 0x80, 0, 0x80, 0, 0x80, 0);
	/* INTA of slot 0 to SPI 3 (the GIC has 2 address cells, as QEMU writes it). */
	dt_cells("interrupt-map", 10, 0, 0, 0, 1, 0x8002, 0, 0, 0, 3, 4);
	dt_cells("msi-map", 4, 0, 0x8004, 0, 0x10000);
	dt_end_node();
	dt_node("chosen");
	dt_str("xen,xen-bootargs", "dom0_mem=512M");
	dt_str("stdout-path", "/pl011@9000000");
	dt_end_node();
	return dt_end();
}

static const struct ram_bank dom0_ram[] = {
	{ 0x52200000, 512 * MiB }, { 0x42200000, 64 * MiB }, { 0x40800000, 20 * MiB },
};

static const struct guest_dt_params params = {
	.nr_vcpus = 2, .banks = dom0_ram, .nr_banks = 3,
	.bootargs = "console=hvc0", .xen = true, .gicd = 0x8000000, .gicr = 0x80a0000,
	.gnttab_base = 0xc0000000, .gnttab_size = 16 * MiB,
	.ext_base = 0xc1000000, .ext_size = 64 * GiB, .ipa_limit = 1ull << 39,
};

TEST(the_host_tree_rewritten_for_dom0)
{
	const void *fdt = dom0_buf;
	const fdt32_t *reg;
	int gic, mem, len;

	REQUIRE(dom0_dt_build(dom0_buf, sizeof(dom0_buf), host_tree(), 0x9000000, &params) == 0);
	/* Domus's: its UART, the PMU, the firmware's PSCI. */
	CHECK(fdt_path_offset(fdt, "/pl011@9000000") < 0);
	CHECK(fdt_path_offset(fdt, "/pmu") < 0);
	/* PCIe stays, without MSIs (no ITS) and without the window it cannot reach. */
	{
		int pcie = fdt_path_offset(fdt, "/pcie@10000000");
		const fdt32_t *r;
		REQUIRE(pcie >= 0);
		CHECK(fdt_getprop(fdt, pcie, "msi-map", NULL) == NULL);
		r = fdt_getprop(fdt, pcie, "ranges", &len);
		REQUIRE(r && len == 7 * 4);
		CHECK_EQ(fdt32_to_cpu(r[2]), 0x10000000);
	}
	CHECK_STR(fdt_getprop(fdt, fdt_path_offset(fdt, "/psci"), "method", NULL), "hvc");
	/* Dom0's: the devices as they are, its memory, its vCPUs, its command line. */
	CHECK(fdt_path_offset(fdt, "/pl031@9010000") >= 0);
	CHECK(fdt_path_offset(fdt, "/virtio_mmio@a000000") >= 0);
	CHECK(fdt_path_offset(fdt, "/timer") >= 0);
	mem = fdt_path_offset(fdt, "/memory@52200000");
	REQUIRE(mem >= 0);
	CHECK(fdt_path_offset(fdt, "/memory@40000000") < 0);
	/* Every bank in the one node, the kernel's first, address and size in two cells each. */
	reg = fdt_getprop(fdt, mem, "reg", &len);
	REQUIRE(reg && len == 48);
	CHECK_EQ(fdt32_to_cpu(reg[1]), 0x52200000);
	CHECK_EQ(fdt32_to_cpu(reg[3]), 512 * MiB);
	CHECK_EQ(fdt32_to_cpu(reg[5]), 0x42200000);
	CHECK_EQ(fdt32_to_cpu(reg[7]), 64 * MiB);
	CHECK_EQ(fdt32_to_cpu(reg[9]), 0x40800000);
	CHECK_EQ(fdt32_to_cpu(reg[11]), 20 * MiB);
	CHECK(fdt_path_offset(fdt, "/cpus/cpu@1") >= 0 && fdt_path_offset(fdt, "/cpus/cpu@2") < 0);
	CHECK_STR(fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "bootargs", NULL),
		  "console=hvc0");
	CHECK(fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "xen,xen-bootargs", NULL) == NULL);
	CHECK(fdt_path_offset(fdt, "/hypervisor") >= 0);
	/* The GIC where it is, the same phandle, no ITS, no maintenance interrupt. */
	gic = fdt_path_offset(fdt, "/intc@8000000");
	REQUIRE(gic >= 0);
	CHECK_EQ(fdt_get_phandle(fdt, gic), 0x8002);
	CHECK(fdt_first_subnode(fdt, gic) < 0);
	CHECK(fdt_getprop(fdt, gic, "interrupts", NULL) == NULL);
	reg = fdt_getprop(fdt, gic, "reg", &len);
	REQUIRE(reg && len == 32);
	CHECK_EQ(fdt32_to_cpu(reg[7]), 2 * VGIC_RDIST_STRIDE);
}

TEST(dom0_gets_the_registers_and_spis_of_its_devices_only)
{
	struct dom0_device devs[16];
	unsigned n;
	bool rtc = false, rtc_irq = false, virtio_irq = false, ecam = false, window = false;
	bool inta = false;

	REQUIRE(dom0_dt_build(dom0_buf, sizeof(dom0_buf), host_tree(), 0x9000000, &params) == 0);
	n = dom0_dt_devices(dom0_buf, devs, ARRAY_SIZE(devs));
	for (unsigned i = 0; i < n; i++) {
		const char *name = fdt_get_name(dom0_buf, devs[i].node, NULL);

		rtc |= devs[i].base == 0x9010000 && devs[i].size == 0x1000;
		rtc_irq |= devs[i].spi == 32 + 2;
		/* Each names the node that lists it (for the messages about it). */
		if (devs[i].base == 0x9010000 || devs[i].spi == 32 + 2)
			CHECK_STR(name, "pl031@9010000");
		if (devs[i].base == 0x4010000000ull || devs[i].spi == 32 + 3)
			CHECK_STR(name, "pcie@10000000");
		virtio_irq |= devs[i].spi == 32 + 16;
		ecam |= devs[i].base == 0x4010000000ull && devs[i].size == 0x10000000;
		window |= devs[i].base == 0x10000000 && devs[i].size == 0x2eff0000;
		inta |= devs[i].spi == 32 + 3;
		/* Never the GIC (emulated), RAM, the UART, or a PPI. */
		CHECK(devs[i].base != 0x8000000 && devs[i].base != 0x80a0000);
		CHECK(devs[i].base != 0x9000000 && devs[i].base != 0x52200000);
		CHECK(!devs[i].size || devs[i].base != 0x40000000);
		CHECK(devs[i].spi == 0 || devs[i].spi >= 32);
	}
	CHECK(rtc && rtc_irq && virtio_irq && ecam && window && inta);
	/* The RTC and virtio: a register range and an SPI each; PCIe: ECAM, a window, INTA. */
	CHECK_EQ(n, 7);
}
