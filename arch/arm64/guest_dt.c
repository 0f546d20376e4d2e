/*
 * Guest device-tree generation.  The tree describes the emulated hardware:
 * CPUs with PSCI, memory, GICv3, the architected timer and the PL011, and
 * for a PV guest the /hypervisor node of Xen's interface.  Values follow
 * what Xen's libxl writes for a DomU.
 */
#include <asm/guest_dt.h>
#include <public/arch-arm64.h>
#include <libfdt.h>

#define PHANDLE_CLOCK   (GUEST_PHANDLE_GIC + 1)
#define GIC_SPI         0
#define GIC_PPI         1
#define IRQ_LEVEL_LOW   0xf08	/* all-CPU mask, level-low: Xen's timer flags */
#define IRQ_LEVEL_HIGH  4

#define TRY(x) do { int __e = (x); if (__e) return __e; } while (0)

static int prop_cells(void *fdt, const char *name, const uint32_t *cells, unsigned n)
{
	fdt32_t be[16];

	for (unsigned i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(cells[i]);
	return fdt_property(fdt, name, be, n * sizeof(fdt32_t));
}

static int prop_reg(void *fdt, const uint64_t *pairs, unsigned n_pairs)
{
	uint32_t cells[4 * DOMAIN_MAX_BANKS];	/* the longest reg: a /memory node's */

	if (n_pairs > ARRAY_SIZE(cells) / 4)
		return -FDT_ERR_BADVALUE;
	for (unsigned i = 0; i < n_pairs * 2; i++) {
		cells[2 * i] = pairs[i] >> 32;
		cells[2 * i + 1] = (uint32_t)pairs[i];
	}
	return prop_cells(fdt, "reg", cells, n_pairs * 4);
}

static int prop_strings(void *fdt, const char *name, const char *const *list, unsigned n)
{
	char buf[128];
	size_t len = 0;

	for (unsigned i = 0; i < n; i++) {
		size_t l = strlen(list[i]) + 1;
		if (len + l > sizeof(buf))
			return -FDT_ERR_NOSPACE;
		memcpy(buf + len, list[i], l);
		len += l;
	}
	return fdt_property(fdt, name, buf, len);
}

static int node_name(void *fdt, const char *base, uint64_t addr)
{
	char name[48];

	snprintf(name, sizeof(name), "%s@%lx", base, (unsigned long)addr);
	return fdt_begin_node(fdt, name);
}

static int write_chosen(void *fdt, const struct guest_dt_params *p)
{
	TRY(fdt_begin_node(fdt, "chosen"));
	if (p->bootargs)
		TRY(fdt_property_string(fdt, "bootargs", p->bootargs));
	if (p->vpl011)
		TRY(fdt_property_string(fdt, "stdout-path", "/pl011@22000000"));
	if (p->initrd_end > p->initrd_start) {
		TRY(fdt_property_u64(fdt, "linux,initrd-start", p->initrd_start));
		TRY(fdt_property_u64(fdt, "linux,initrd-end", p->initrd_end));
	}
	return fdt_end_node(fdt);
}

static int write_cpus(void *fdt, unsigned nr_vcpus)
{
	TRY(fdt_begin_node(fdt, "cpus"));
	TRY(fdt_property_u32(fdt, "#address-cells", 1));
	TRY(fdt_property_u32(fdt, "#size-cells", 0));
	for (unsigned i = 0; i < nr_vcpus; i++) {
		uint32_t aff = (i % 16) | ((i / 16) & 0xff) << 8;

		TRY(node_name(fdt, "cpu", aff));
		TRY(fdt_property_string(fdt, "device_type", "cpu"));
		TRY(fdt_property_string(fdt, "compatible", "arm,armv8"));
		TRY(fdt_property_string(fdt, "enable-method", "psci"));
		TRY(fdt_property_u32(fdt, "reg", aff));
		TRY(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt);
}

static int write_psci(void *fdt)
{
	static const char *const compat[] = { "arm,psci-1.0", "arm,psci-0.2", "arm,psci" };

	TRY(fdt_begin_node(fdt, "psci"));
	TRY(prop_strings(fdt, "compatible", compat, 3));
	TRY(fdt_property_string(fdt, "method", "hvc"));
	return fdt_end_node(fdt);
}

static int write_memory(void *fdt, const struct guest_dt_params *p)
{
	uint64_t reg[2 * DOMAIN_MAX_BANKS];

	if (!p->nr_banks || p->nr_banks > DOMAIN_MAX_BANKS)
		return -FDT_ERR_BADVALUE;
	for (unsigned i = 0; i < p->nr_banks; i++) {
		reg[2 * i] = p->banks[i].base;
		reg[2 * i + 1] = p->banks[i].size;
	}
	TRY(node_name(fdt, "memory", p->banks[0].base));
	TRY(fdt_property_string(fdt, "device_type", "memory"));
	TRY(prop_reg(fdt, reg, p->nr_banks));
	return fdt_end_node(fdt);
}

static int write_gic(void *fdt, const struct guest_dt_params *p)
{
	uint64_t reg[] = { p->gicd, GUEST_GICV3_GICD_SIZE,
			   p->gicr, GUEST_GICV3_RDIST_STRIDE * p->nr_vcpus };

	TRY(node_name(fdt, "interrupt-controller", p->gicd));
	TRY(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
	TRY(fdt_property_u32(fdt, "#interrupt-cells", 3));
	TRY(fdt_property_u32(fdt, "#address-cells", 0));
	TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
	TRY(fdt_property_u32(fdt, "#redistributor-regions", 1));
	TRY(prop_reg(fdt, reg, 2));
	TRY(fdt_property_u32(fdt, "linux,phandle", GUEST_PHANDLE_GIC));
	TRY(fdt_property_u32(fdt, "phandle", GUEST_PHANDLE_GIC));
	return fdt_end_node(fdt);
}

static int write_timer(void *fdt)
{
	/* Secure physical, non-secure physical, virtual, hypervisor: PPI numbers. */
	const uint32_t irqs[] = {
		GIC_PPI, GUEST_TIMER_PHYS_S_PPI - 16, IRQ_LEVEL_LOW,
		GIC_PPI, GUEST_TIMER_PHYS_NS_PPI - 16, IRQ_LEVEL_LOW,
		GIC_PPI, GUEST_TIMER_VIRT_PPI - 16, IRQ_LEVEL_LOW,
		GIC_PPI, GUEST_TIMER_HYP_PPI - 16, IRQ_LEVEL_LOW,
	};

	TRY(fdt_begin_node(fdt, "timer"));
	TRY(fdt_property_string(fdt, "compatible", "arm,armv8-timer"));
	TRY(prop_cells(fdt, "interrupts", irqs, ARRAY_SIZE(irqs)));
	return fdt_end_node(fdt);
}

static int write_pl011(void *fdt)
{
	static const char *const compat[] = { "arm,pl011", "arm,primecell" };
	static const char *const clock_names[] = { "uartclk", "apb_pclk" };
	const uint32_t irq[] = { GIC_SPI, GUEST_VPL011_SPI - 32, IRQ_LEVEL_HIGH };
	const uint32_t clocks[] = { PHANDLE_CLOCK, PHANDLE_CLOCK };
	uint64_t reg[] = { GUEST_PL011_BASE, GUEST_PL011_SIZE };

	TRY(fdt_begin_node(fdt, "apb-pclk"));
	TRY(fdt_property_string(fdt, "compatible", "fixed-clock"));
	TRY(fdt_property_u32(fdt, "#clock-cells", 0));
	TRY(fdt_property_u32(fdt, "clock-frequency", 24000000));
	TRY(fdt_property_string(fdt, "clock-output-names", "clk24mhz"));
	TRY(fdt_property_u32(fdt, "phandle", PHANDLE_CLOCK));
	TRY(fdt_end_node(fdt));

	TRY(node_name(fdt, "pl011", GUEST_PL011_BASE));
	TRY(prop_strings(fdt, "compatible", compat, 2));
	TRY(prop_reg(fdt, reg, 1));
	TRY(prop_cells(fdt, "interrupts", irq, 3));
	TRY(prop_cells(fdt, "clocks", clocks, 2));
	TRY(prop_strings(fdt, "clock-names", clock_names, 2));
	TRY(fdt_end_node(fdt));

	TRY(fdt_begin_node(fdt, "aliases"));
	TRY(fdt_property_string(fdt, "serial0", "/pl011@22000000"));
	return fdt_end_node(fdt);
}

static int write_hypervisor(void *fdt, const struct guest_dt_params *p)
{
	static const char *const compat[] = { "xen,xen-4.17", "xen,xen" };
	const uint32_t irq[] = { GIC_PPI, GUEST_EVTCHN_PPI - 16, IRQ_LEVEL_LOW };
	uint64_t reg[] = { p->gnttab_base, p->gnttab_size, p->ext_base, p->ext_size };

	TRY(fdt_begin_node(fdt, "hypervisor"));
	TRY(prop_strings(fdt, "compatible", compat, 2));
	TRY(prop_reg(fdt, reg, p->ext_size ? 2 : 1));
	TRY(prop_cells(fdt, "interrupts", irq, 3));
	return fdt_end_node(fdt);
}

int guest_dt_build(void *buf, size_t size, const struct guest_dt_params *p)
{
	static const char *const compat[] = { "xen,xenvm-4.17", "xen,xenvm" };
	void *fdt = buf;

	TRY(fdt_create(fdt, (int)size));
	TRY(fdt_finish_reservemap(fdt));
	TRY(fdt_begin_node(fdt, ""));
	TRY(fdt_property_u32(fdt, "#address-cells", 2));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	if (p->root_compat)
		TRY(fdt_property(fdt, "compatible", p->root_compat, p->root_compat_len));
	else
		TRY(prop_strings(fdt, "compatible", compat, 2));
	TRY(fdt_property_string(fdt, "model", p->root_compat ? "Domus Dom0" : "XENVM-4.17"));
	TRY(fdt_property_u32(fdt, "interrupt-parent", GUEST_PHANDLE_GIC));
	TRY(write_chosen(fdt, p));
	TRY(write_cpus(fdt, p->nr_vcpus));
	TRY(write_psci(fdt));
	TRY(write_memory(fdt, p));
	TRY(write_gic(fdt, p));
	TRY(write_timer(fdt));
	if (p->vpl011)
		TRY(write_pl011(fdt));
	if (p->xen)
		TRY(write_hypervisor(fdt, p));
	TRY(fdt_end_node(fdt));
	return fdt_finish(fdt);
}
