/*
 * Dom0's device tree: the host's, rewritten as Xen rewrites it for its Dom0.
 * What Domus keeps for itself goes (its console UART, the PMU, PSCI, the
 * memory and CPU nodes, the GIC's ITS), the GIC keeps its place but shows
 * only its distributor and Dom0's redistributors, and the nodes Domus
 * describes itself (chosen, cpus, psci, memory, hypervisor) are taken from
 * the tree it writes for a guest.  Every other device stays, for Dom0 to
 * drive: dom0_dt_devices() lists what must be passed through to it.
 */
#include <asm/dom0_dt.h>
#include <asm/guest_dt.h>
#include <asm/platform_dt.h>
#include <asm/vgic.h>
#include <domus/boot_dt.h>
#include <libfdt.h>

#define FRAGMENT_MAX (16 * KiB)
#define TRY(x) do { int __e = (x); if (__e < 0) return __e; } while (0)

static bool compatible(const void *fdt, int node, const char *const *list)
{
	for (; *list; list++)
		if (!fdt_node_check_compatible(fdt, node, *list))
			return true;
	return false;
}

/* Whether one of the node's interrupts is a PPI: the vGIC cannot pass those through. */
static bool has_ppi(const void *fdt, int node)
{
	int len;
	const fdt32_t *irq = fdt_getprop(fdt, node, "interrupts", &len);

	for (; irq && len >= 12; irq += 3, len -= 12)
		if (fdt32_to_cpu(irq[0]) == 1)
			return true;
	return false;
}

static bool is_uart(const void *fdt, int node, uint64_t uart)
{
	uint64_t base, size;

	return uart && boot_dt_read_reg(fdt, node, 0, &base, &size) && base == uart;
}

/* A root node Dom0 does not get from the host. */
static bool dropped(const void *fdt, int node, uint64_t uart)
{
	static const char *const gone[] = {
		"arm,psci", "arm,psci-0.2", "arm,psci-1.0", "arm,armv8-pmuv3",
		"arm,cortex-a15-pmu", "arm,cortex-a7-pmu", "arm,cortex-a53-edac",
		"arm,armv7-timer-mem", "xen,xen", NULL,
	};
	static const char *const kept_ppis[] = {
		"arm,armv8-timer", "arm,armv7-timer", "arm,gic-v3", NULL,
	};
	const char *name = fdt_get_name(fdt, node, NULL);
	const char *type = fdt_getprop(fdt, node, "device_type", NULL);

	if ((type && !strcmp(type, "memory")) || !strcmp(name, "cpus") || !strcmp(name, "chosen") ||
	    !strcmp(name, "aliases") || compatible(fdt, node, gone) || is_uart(fdt, node, uart))
		return true;
	return has_ppi(fdt, node) && !compatible(fdt, node, kept_ppis);
}

static int drop_nodes(void *fdt, uint64_t uart)
{
	int node;

	/* Offsets move with every deletion: look again from the start each time. */
	for (;;) {
		bool found = false;

		fdt_for_each_subnode(node, fdt, 0)
			if ((found = dropped(fdt, node, uart)))
				break;
		if (!found)
			return 0;
		TRY(fdt_del_node(fdt, node));
	}
}

/*
 * Without an ITS, PCIe has no MSIs: Linux falls back to INTx.  And a bus
 * window Dom0's stage 2 cannot reach (QEMU's 64-bit one at 512 GiB) is left
 * out, so Linux places BARs in the others.
 */
static int fix_bus(void *fdt, int node, uint64_t limit)
{
	static fdt32_t kept[64];
	int step = fdt_address_cells(fdt, node) + fdt_address_cells(fdt, 0) +
		   fdt_size_cells(fdt, node), len, n = 0;
	const fdt32_t *r = fdt_getprop(fdt, node, "ranges", &len);
	uint64_t parent, span;

	fdt_delprop(fdt, node, "msi-map");
	fdt_delprop(fdt, node, "msi-map-mask");
	fdt_delprop(fdt, node, "msi-parent");
	for (int i = 0; boot_dt_read_range(fdt, node, i, &parent, &span); i++) {
		if (parent + span > limit || n + step > (int)ARRAY_SIZE(kept))
			continue;
		memcpy(&kept[n], r + i * step, step * 4);
		n += step;
	}
	return r && len > 0 ? fdt_setprop(fdt, node, "ranges", kept, n * 4) : 0;
}

static int fix_buses(void *fdt, uint64_t limit)
{
	int node;

	fdt_for_each_subnode(node, fdt, 0)
		if (!fdt_node_check_compatible(fdt, node, "pci-host-ecam-generic"))
			TRY(fix_bus(fdt, node, limit));
	return 0;
}

/* The GIC where it is, with the distributor and one redistributor per vCPU, no ITS. */
static int rewrite_gic(void *fdt, const struct guest_dt_params *p)
{
	int gic = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3"), sub;
	fdt32_t reg[8];
	uint64_t v[] = { p->gicd, 0x10000, p->gicr, VGIC_RDIST_STRIDE * p->nr_vcpus };

	TRY(gic);
	while ((sub = fdt_first_subnode(fdt, gic)) >= 0)
		TRY(fdt_del_node(fdt, sub));
	for (unsigned i = 0; i < 4; i++) {
		reg[2 * i] = cpu_to_fdt32(v[i] >> 32);
		reg[2 * i + 1] = cpu_to_fdt32((uint32_t)v[i]);
	}
	TRY(fdt_setprop_u32(fdt, gic, "#redistributor-regions", 1));
	fdt_delprop(fdt, gic, "ranges");
	fdt_delprop(fdt, gic, "interrupts");	/* its maintenance interrupt is Domus's */
	return fdt_setprop(fdt, gic, "reg", reg, sizeof(reg));
}

static int copy_node(void *dst, int parent, const void *src, int node)
{
	int at = fdt_add_subnode(dst, parent, fdt_get_name(src, node, NULL)), prop, sub;

	TRY(at);
	fdt_for_each_property_offset(prop, src, node) {
		const char *name;
		int len;
		const void *val = fdt_getprop_by_offset(src, prop, &name, &len);

		TRY(fdt_setprop(dst, at, name, val, len));
	}
	fdt_for_each_subnode(sub, src, node)
		TRY(copy_node(dst, at, src, sub));
	return 0;
}

/* chosen, cpus, psci, memory and hypervisor, as Domus writes them for any guest. */
static int add_domus_nodes(void *fdt, const struct guest_dt_params *p)
{
	static char frag[FRAGMENT_MAX];
	int node;

	TRY(guest_dt_build(frag, sizeof(frag), p));
	fdt_for_each_subnode(node, frag, 0) {
		const char *name = fdt_get_name(frag, node, NULL);

		if (!strcmp(name, "chosen") || !strcmp(name, "cpus") || !strcmp(name, "psci") ||
		    !strncmp(name, "memory@", 7) || !strcmp(name, "hypervisor"))
			TRY(copy_node(fdt, 0, frag, node));
	}
	return 0;
}

int dom0_dt_build(void *buf, size_t size, const void *host, uint64_t uart,
		  const struct guest_dt_params *p)
{
	TRY(fdt_open_into(host, buf, (int)size));
	TRY(drop_nodes(buf, uart));
	TRY(fix_buses(buf, p->ipa_limit));
	TRY(rewrite_gic(buf, p));
	TRY(add_domus_nodes(buf, p));
	return fdt_pack(buf);
}

/* The parent-side ranges of a bus's windows (PCIe memory and I/O, a platform bus). */
static unsigned windows(const void *fdt, int node, struct dom0_device *out, unsigned max)
{
	unsigned n = 0;

	for (int i = 0; n < max; i++) {
		out[n] = (struct dom0_device){ 0 };
		if (!boot_dt_read_range(fdt, node, i, &out[n].base, &out[n].size))
			break;
		n += out[n].size != 0;
	}
	return n;
}

/* The SPIs a PCIe host's interrupt-map routes INTx to (GIC parent: three cells). */
static unsigned intx(const void *fdt, int node, struct dom0_device *out, unsigned max)
{
	int len, cac = fdt_address_cells(fdt, node), len_ic;
	const fdt32_t *ic = fdt_getprop(fdt, node, "#interrupt-cells", &len_ic);
	const fdt32_t *m = fdt_getprop(fdt, node, "interrupt-map", &len);
	unsigned n = 0;

	if (!m || !ic || len_ic != 4)
		return 0;
	while (len > 0 && n < max) {
		int head = cac + (int)fdt32_to_cpu(*ic), gic = fdt_node_offset_by_phandle(fdt,
			fdt32_to_cpu(m[head]));
		int pac = gic >= 0 ? fdt_address_cells(fdt, gic) : -1, step = head + 1 + pac + 3;

		if (pac < 0 || len < step * 4)
			break;
		if (fdt32_to_cpu(m[head + 1 + pac]) == 0)
			out[n++] = (struct dom0_device){ .spi = 32 + fdt32_to_cpu(m[head + 2 + pac]) };
		m += step;
		len -= step * 4;
	}
	return n;
}

/* Every device node that stays: its registers, its windows if a bus, and its SPIs. */
unsigned dom0_dt_devices(const void *fdt, struct dom0_device *out, unsigned max)
{
	static const char *const not_devices[] = { "arm,gic-v3", "arm,armv8-timer", "xen,xen", NULL };
	unsigned n = 0;
	int node;

	fdt_for_each_subnode(node, fdt, 0) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		const fdt32_t *irq;
		unsigned first = n;
		int len;

		if (compatible(fdt, node, not_devices) || (type && !strcmp(type, "memory")))
			continue;
		for (int i = 0; n < max && boot_dt_read_reg(fdt, node, i, &out[n].base, &out[n].size);
		     i++)
			out[n++].spi = 0;
		n += windows(fdt, node, out + n, max - n);
		n += intx(fdt, node, out + n, max - n);
		irq = fdt_getprop(fdt, node, "interrupts", &len);
		for (; irq && len >= 12 && n < max; irq += 3, len -= 12)
			if (fdt32_to_cpu(irq[0]) == 0)
				out[n++] = (struct dom0_device){ .spi = 32 + fdt32_to_cpu(irq[1]) };
		while (first < n)
			out[first++].node = node;
	}
	return n;
}
