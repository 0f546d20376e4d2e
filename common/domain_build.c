/*
 * Building a domain as Xen's dom0less boot does: guest RAM from
 * GUEST_RAM0_BASE, the kernel at RAM base + text_offset, the initrd and the
 * generated device tree at RAM base + 128 MiB (or at the top of RAM), and
 * vCPU 0 started at the kernel with x0 pointing at the device tree.
 */
#include <domus/domain_build.h>
#include <domus/domain.h>
#include <domus/console.h>
#include <domus/guest_dt.h>
#include <domus/image.h>
#include <domus/page_alloc.h>
#include <domus/percpu.h>
#include <domus/sched.h>
#include <domus/xen_pv.h>
#include <public/arch-arm64.h>
#include <asm/arch.h>
#include <asm/mmu.h>
#include <asm/p2m.h>

#define GUEST_DT_MAX   (64 * KiB)
#define MIN_GUEST_RAM  (2 * MiB)

static uint64_t alloc_struct(size_t size)
{
	uint64_t pages = ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE;
	uint64_t pa = alloc_pages(pages, 1);

	if (pa)
		memset(pa_to_va(pa), 0, pages * PAGE_SIZE);
	return pa;
}

static void free_struct(void *p, size_t size)
{
	if (p)
		free_pages(va_to_pa(p), ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE);
}

void domain_free_structs(struct domain *d)
{
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		free_struct(d->vcpu[i], sizeof(struct vcpu));
	free_struct(d, sizeof(*d));
}

/* Scrubbed RAM in 2 MiB blocks where possible, pages otherwise. */
static bool populate_ram(struct domain *d)
{
	uint64_t ipa = d->ram_base, end = d->ram_base + d->ram_size;

	while (ipa < end) {
		bool big = IS_ALIGNED(ipa, 2 * MiB) && end - ipa >= 2 * MiB;
		uint64_t size = big ? 2 * MiB : PAGE_SIZE;
		uint64_t pa = big ? alloc_pages(512, 512) : 0;

		if (!pa) {
			size = PAGE_SIZE;
			pa = alloc_pages(1, 1);
		}
		if (!pa)
			return false;
		arch_zero_pages(pa, size);
		if (!p2m_map_ram(d, ipa, pa, size)) {
			free_pages(pa, size / PAGE_SIZE);
			return false;
		}
		d->pages += size / PAGE_SIZE;
		ipa += size;
	}
	return true;
}

static bool copy_to_guest_phys(struct domain *d, uint64_t ipa, const void *src, uint64_t len)
{
	const uint8_t *s = src;

	while (len) {
		uint64_t pa, chunk = MIN(len, PAGE_SIZE - (ipa & (PAGE_SIZE - 1)));

		if (!p2m_lookup(d, ipa, &pa))
			return false;
		memcpy(pa_to_va(pa), s, chunk);
		clean_dcache_range(pa_to_va(pa), chunk);
		ipa += chunk;
		s += chunk;
		len -= chunk;
	}
	return true;
}

struct layout {
	uint64_t kernel, kernel_end;
	uint64_t initrd, dtb;
};

static const char *plan_layout(const struct domain *d, const struct boot_domain *cfg,
			       const struct arm64_image *img, struct layout *l)
{
	uint64_t ram_end = d->ram_base + d->ram_size;
	uint64_t mods = ALIGN_UP(cfg->ramdisk.size, 2 * MiB) + 2 * MiB;

	l->kernel = d->ram_base + img->text_offset;
	l->kernel_end = l->kernel + MAX(img->image_size, cfg->kernel.size);
	if (l->kernel_end > ram_end)
		return "kernel does not fit in the domain's memory";
	l->initrd = d->ram_base + GUEST_MODULES_OFFSET;
	if (l->kernel_end > l->initrd || l->initrd + mods > ram_end)
		l->initrd = ALIGN_DOWN(ram_end - mods, 2 * MiB);
	if (l->initrd < ALIGN_UP(l->kernel_end, 2 * MiB))
		return "kernel, initrd and device tree do not fit in the domain's memory";
	l->dtb = l->initrd + ALIGN_UP(cfg->ramdisk.size, 2 * MiB);
	return NULL;
}

static const char *load_images(struct domain *d, const struct boot_domain *cfg,
			       const struct layout *l)
{
	struct guest_dt_params p = {
		.nr_vcpus = d->nr_vcpus,
		.ram_base = d->ram_base,
		.ram_size = d->ram_size,
		.bootargs = cfg->bootargs[0] ? cfg->bootargs : NULL,
		.initrd_start = cfg->ramdisk.size ? l->initrd : 0,
		.initrd_end = cfg->ramdisk.size ? l->initrd + cfg->ramdisk.size : 0,
		.vpl011 = cfg->vpl011,
		.xen = cfg->xen_enhanced,
	};
	uint64_t dt_pa = alloc_pages(GUEST_DT_MAX / PAGE_SIZE, 1);
	bool ok;

	if (!copy_to_guest_phys(d, l->kernel, pa_to_va(cfg->kernel.base), cfg->kernel.size))
		return "cannot copy the kernel";
	if (cfg->ramdisk.size &&
	    !copy_to_guest_phys(d, l->initrd, pa_to_va(cfg->ramdisk.base), cfg->ramdisk.size))
		return "cannot copy the ramdisk";
	if (!dt_pa)
		return "out of memory for the device tree";
	ok = guest_dt_build(pa_to_va(dt_pa), GUEST_DT_MAX, &p) == 0 &&
	     copy_to_guest_phys(d, l->dtb, pa_to_va(dt_pa), GUEST_DT_MAX);
	free_pages(dt_pa, GUEST_DT_MAX / PAGE_SIZE);
	return ok ? NULL : "cannot build the device tree";
}

static const char *check_config(const struct boot_domain *cfg)
{
	uint64_t mem = cfg->mem_kib * KiB;

	if (cfg->error[0])
		return cfg->error;
	if (cfg->cpus > MAX_VCPUS)
		return "asks for more vCPUs than a domain may have (" STR(MAX_VCPUS) ")";
	if (mem < MIN_GUEST_RAM || mem > GUEST_RAM0_SIZE || !IS_ALIGNED(mem, 2 * MiB))
		return "memory must be a multiple of 2 MiB between 2 MiB and 3 GiB";
	if (mem / PAGE_SIZE > page_alloc_free_pages())
		return "asks for more memory than is free";
	return NULL;
}

static const char *create(struct domain **out, const struct boot_domain *cfg, unsigned id)
{
	struct arm64_image img;
	struct layout l;
	struct domain *d;
	const char *err = check_config(cfg);

	if (err)
		return err;
	err = arm64_image_check(pa_to_va(cfg->kernel.base), cfg->kernel.size, &img);
	if (err)
		return err;
	d = pa_to_va(alloc_struct(sizeof(*d)));
	if (!d)
		return "out of memory";
	*out = d;
	d->id = id;
	d->cfg = cfg;
	snprintf(d->name, sizeof(d->name), "%s", cfg->name);
	d->lock = (spinlock_t)SPINLOCK_INIT;
	d->ram_base = GUEST_RAM0_BASE;
	d->ram_size = cfg->mem_kib * KiB;
	d->weight = cfg->weight;
	d->cap = cfg->cap;
	d->arch.cntvoff = arch_counter();
	vgic_domain_init(d);
	for (unsigned i = 0; i < cfg->cpus; i++) {
		struct vcpu *v = pa_to_va(alloc_struct(sizeof(struct vcpu)));
		if (!v)
			return "out of memory";
		v->id = i;
		v->dom = d;
		v->loaded_on = -1;
		v->sched.affinity = cfg->affinity[i];
		vgic_vcpu_init(v);
		d->vcpu[d->nr_vcpus++] = v;
	}
	if ((err = plan_layout(d, cfg, &img, &l)))
		return err;
	if (!p2m_init(d) || !populate_ram(d))
		return "out of memory for guest RAM";
	d->ram_pages = d->max_pages = d->ram_size / PAGE_SIZE;
	if (cfg->xen_enhanced && (err = pv_domain_init(d)))
		return err;
	if ((err = load_images(d, cfg, &l)))
		return err;
	mmio_register(d, GUEST_GICV3_GICD_BASE, GUEST_GICV3_GICD_SIZE, &vgic_dist_ops, NULL);
	mmio_register(d, GUEST_GICV3_GICR0_BASE, GUEST_GICV3_RDIST_STRIDE * d->nr_vcpus,
		      &vgic_rdist_ops, NULL);
	if (cfg->vpl011) {
		d->uart = &d->uart_dev;
		vpl011_init(d->uart, d, GUEST_VPL011_SPI);
		mmio_register(d, GUEST_PL011_BASE, GUEST_PL011_SIZE, &vpl011_ops, d->uart);
	}
	pr_info("%s (d%u): %u vCPU(s), %lu MiB, kernel at %lx, device tree at %lx\n", d->name,
		id, d->nr_vcpus, d->ram_size / MiB, l.kernel, l.dtb);
	if (cfg->ramdisk.size)
		pr_info("%s (d%u): initrd at %lx, %lu KiB\n", d->name, id, l.initrd,
			cfg->ramdisk.size / KiB);
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		if ((err = sched_add_vcpu(d->vcpu[i]))) {
			sched_remove_domain(d);
			return err;
		}
	d->state = DOMAIN_RUNNING;
	d->alive = true;
	console_domain_add(d);
	domain_register(d);
	vcpu_power_on(d->vcpu[0], l.kernel, l.dtb);
	return NULL;
}

struct domain *domain_build(const struct boot_domain *cfg, unsigned id)
{
	struct domain *d = NULL;
	const char *err = create(&d, cfg, id);

	if (!err)
		return d;
	pr_err("%s (d%u) not started: %s\n", cfg->name, id, err);
	if (d) {
		pv_domain_destroy(d);
		p2m_destroy(d);
		domain_free_structs(d);
	}
	return NULL;
}
