/*
 * The arm64 half of building a domain, as Xen's dom0less boot does it: the
 * kernel (an arm64 Image) at RAM base + text_offset, the initrd and the
 * generated device tree at RAM base + 128 MiB (or at the top of RAM), vCPU 0
 * started at the kernel with x0 pointing at the device tree; a vGICv3, an
 * optional vpl011, and a virtual counter that starts at 0.
 */
#include <domus/arch.h>
#include <domus/boot_dt.h>
#include <domus/console.h>
#include <domus/domain.h>
#include <domus/domain_build.h>
#include <domus/page_alloc.h>
#include <asm/guest_dt.h>
#include <asm/image.h>
#include <asm/p2m.h>
#include <asm/platform_dt.h>
#include <asm/dom0_dt.h>
#include <asm/passthrough.h>
#include <libfdt.h>
#include <public/arch-arm64.h>

#define GUEST_DT_MAX   (64 * KiB)
#define MIN_GUEST_RAM  (2 * MiB)

struct layout {
	uint64_t kernel, kernel_end;
	uint64_t initrd, dtb;
};

const char *arch_domain_check(const struct boot_domain *cfg)
{
	uint64_t mem = cfg->mem_kib * KiB;
	struct arm64_image img;

	if (mem < MIN_GUEST_RAM || (mem > GUEST_RAM0_SIZE && !cfg->dom0) || !IS_ALIGNED(mem, 2 * MiB))
		return "memory must be a multiple of 2 MiB between 2 MiB and 3 GiB";
	return arm64_image_check(pa_to_va(cfg->kernel.base), cfg->kernel.size, &img);
}

/* MPIDR affinity of vCPU n, as Xen numbers them (Aff0 = n % 16, Aff1 = n / 16). */
uint64_t arch_vcpu_hwid(unsigned n)
{
	return (n % 16) | ((uint64_t)((n / 16) & 0xff) << 8);
}

void arch_vcpu_create(struct vcpu *v)
{
	vgic_vcpu_init(v);
}

/* Dom0 finds its GIC where the host's is, as its device tree is the host's. */
static uint64_t gicd_of(const struct boot_domain *cfg)
{
	return cfg->dom0 ? arm64_host()->gicd : GUEST_GICV3_GICD_BASE;
}

static uint64_t gicr_of(const struct boot_domain *cfg)
{
	return cfg->dom0 ? arm64_host()->gicr : GUEST_GICV3_GICR0_BASE;
}

const char *arch_domain_create(struct domain *d, const struct boot_domain *cfg)
{
	d->arch.cntvoff = arch_counter();
	vgic_domain_init(d);
	mmio_register(d, gicd_of(cfg), GUEST_GICV3_GICD_SIZE, &vgic_dist_ops, NULL);
	mmio_register(d, gicr_of(cfg), GUEST_GICV3_RDIST_STRIDE * d->nr_vcpus, &vgic_rdist_ops,
		      NULL);
	if (cfg->vpl011) {
		d->arch.uart = &d->arch.uart_dev;
		if (!vpl011_init(d->arch.uart, d, GUEST_VPL011_SPI))
			return "out of memory for the vpl011";
		mmio_register(d, GUEST_PL011_BASE, GUEST_PL011_SIZE, &vpl011_ops, d->arch.uart);
	}
	return NULL;
}

static const char *plan_layout(const struct domain *d, const struct boot_domain *cfg,
			       const struct arm64_image *img, struct layout *l)
{
	uint64_t ram_base = d->bank[0].base, ram_end = ram_base + d->bank[0].size;
	uint64_t mods = ALIGN_UP(cfg->ramdisk.size, 2 * MiB) + 2 * MiB;

	l->kernel = ram_base + img->text_offset;
	l->kernel_end = l->kernel + MAX(img->image_size, cfg->kernel.size);
	if (l->kernel_end > ram_end)
		return "kernel does not fit in the domain's memory";
	l->initrd = ram_base + GUEST_MODULES_OFFSET;
	if (l->kernel_end > l->initrd || l->initrd + mods > ram_end)
		l->initrd = ALIGN_DOWN(ram_end - mods, 2 * MiB);
	if (l->initrd < ALIGN_UP(l->kernel_end, 2 * MiB))
		return "kernel, initrd and device tree do not fit in the domain's memory";
	l->dtb = l->initrd + ALIGN_UP(cfg->ramdisk.size, 2 * MiB);
	return NULL;
}

/*
 * Dom0's tree names the host board, and its /hypervisor node a window for
 * the grant table and an "extended region" in host physical space nothing
 * else uses, where Linux maps other domains' pages.
 */
static void dom0_dt_params(struct domain *d, struct guest_dt_params *p)
{
	const void *fdt = arm64_host_fdt();
	uint64_t base, size;

	p->root_compat = fdt_getprop(fdt, 0, "compatible", &p->root_compat_len);
	p->ipa_limit = 1ull << P2M_IPA_BITS;
	if (!platform_dt_free_above_ram(fdt, 1ull << P2M_IPA_BITS, &base, &size) ||
	    size < GUEST_GNTTAB_SIZE + 64 * MiB) {
		pr_warn("Dom0: no free host physical range for grants and foreign pages\n");
		return;
	}
	p->gnttab_base = d->grant_window = base;
	p->ext_base = base + GUEST_GNTTAB_SIZE;
	p->ext_size = size - GUEST_GNTTAB_SIZE;
}

/* The devices Dom0's tree lists: registers mapped where they are, SPIs forwarded. */
static void pass_through(struct domain *d, const void *fdt)
{
	static struct dom0_device devs[256];
	unsigned n = dom0_dt_devices(fdt, devs, ARRAY_SIZE(devs));

	for (unsigned i = 0; i < n; i++) {
		const char *name = fdt_get_name(fdt, devs[i].node, NULL);
		uint64_t base = ALIGN_DOWN(devs[i].base, PAGE_SIZE);
		uint64_t end = ALIGN_UP(devs[i].base + devs[i].size, PAGE_SIZE);

		/* A tree that says a device sits in RAM (Domus's, other domains') is wrong. */
		if (devs[i].size && (end <= base || page_alloc_overlaps(base, end - base)))
			pr_err("Dom0: %s: registers %lx+%lx %s: not passed through\n", name ? name : "?",
			       devs[i].base, devs[i].size, end <= base ? "wrap around" : "are RAM");
		else if (devs[i].size && !p2m_arch_map_mmio(d, base, base, end - base))
			pr_warn("Dom0: device registers at %lx not mapped\n", devs[i].base);
		if (devs[i].spi && !passthrough_spi(d, devs[i].spi))
			pr_warn("Dom0: interrupt %u not passed through\n", devs[i].spi);
	}
	pr_info("Dom0: %u device resources passed through\n", n);
}

/* The guest's tree in buf: Dom0's is the host's rewritten, and its devices are passed through. */
static bool write_dt(struct domain *d, const struct boot_domain *cfg, void *buf,
		     struct guest_dt_params *p)
{
	if (!cfg->dom0)
		return guest_dt_build(buf, GUEST_DT_MAX, p) == 0;
	dom0_dt_params(d, p);
	if (dom0_dt_build(buf, GUEST_DT_MAX, arm64_host_fdt(), platform_console(), p))
		return false;
	pass_through(d, buf);
	return true;
}

static const char *load_images(struct domain *d, const struct boot_domain *cfg,
			       const struct layout *l)
{
	struct guest_dt_params p = {
		.nr_vcpus = d->nr_vcpus,
		.banks = d->bank,
		.nr_banks = d->nr_banks,
		.bootargs = cfg->bootargs[0] ? cfg->bootargs : NULL,
		.initrd_start = cfg->ramdisk.size ? l->initrd : 0,
		.initrd_end = cfg->ramdisk.size ? l->initrd + cfg->ramdisk.size : 0,
		.vpl011 = cfg->vpl011,
		.xen = cfg->xen_enhanced,
		.gicd = gicd_of(cfg),
		.gicr = gicr_of(cfg),
		.gnttab_base = d->grant_window,
		.gnttab_size = d->grant_window_size,
	};
	uint64_t dt_pa;
	bool ok;

	if (!domain_copy_to_phys(d, l->kernel, pa_to_va(cfg->kernel.base), cfg->kernel.size))
		return "cannot copy the kernel";
	if (cfg->ramdisk.size &&
	    !domain_copy_to_phys(d, l->initrd, pa_to_va(cfg->ramdisk.base), cfg->ramdisk.size))
		return "cannot copy the ramdisk";
	/* Scrubbed: all GUEST_DT_MAX bytes go to the guest, whatever the tree's size. */
	if (!(dt_pa = alloc_pages_scrubbed(GUEST_DT_MAX / PAGE_SIZE, 1)))
		return "out of memory for the device tree";
	ok = write_dt(d, cfg, pa_to_va(dt_pa), &p) &&
	     domain_copy_to_phys(d, l->dtb, pa_to_va(dt_pa), GUEST_DT_MAX);
	free_pages(dt_pa, GUEST_DT_MAX / PAGE_SIZE);
	return ok ? NULL : "cannot build the device tree";
}

const char *arch_domain_load(struct domain *d, const struct boot_domain *cfg, uint64_t *entry,
			     uint64_t *arg)
{
	struct arm64_image img;
	struct layout l;
	const char *err = arm64_image_check(pa_to_va(cfg->kernel.base), cfg->kernel.size, &img);

	if (err || (err = plan_layout(d, cfg, &img, &l)) || (err = load_images(d, cfg, &l)))
		return err;
	pr_info("%s (d%u): %u vCPU(s), %lu MiB, kernel at %lx, device tree at %lx\n", d->name,
		d->id, d->nr_vcpus, d->ram_size / MiB, l.kernel, l.dtb);
	if (cfg->ramdisk.size)
		pr_info("%s (d%u): initrd at %lx, %lu KiB\n", d->name, d->id, l.initrd,
			cfg->ramdisk.size / KiB);
	*entry = l.kernel;
	*arg = l.dtb;
	return NULL;
}
