/*
 * The architecture-neutral steps of building a domain: checking its
 * configuration, Domus's structures for it, and its RAM.  The steps in order
 * are in domain_create() (domain.c); what the kernel image, device tree and
 * virtual devices are is the architecture's (arch_domain_load()).
 */
#include <domus/domain_build.h>
#include <domus/arch.h>
#include <domus/boot_dt.h>
#include <domus/domain.h>
#include <domus/page.h>
#include <domus/page_alloc.h>

const char *domain_check_config(const struct boot_domain *cfg)
{
	const char *err;

	if (cfg->error[0])
		return cfg->error;
	if (cfg->cpus > MAX_VCPUS)
		return "asks for more vCPUs than a domain may have (" STR(MAX_VCPUS) ")";
	if ((err = arch_domain_check(cfg)))
		return err;
	if (cfg->mem_kib * KiB / PAGE_SIZE > page_alloc_free_pages())
		return cfg->dom0 ? "dom0_mem= asks for more memory than is free" :
				   "asks for more memory than is free";
	return NULL;
}

void *domain_alloc_struct(size_t size)
{
	uint64_t pages = ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE;
	uint64_t pa = alloc_pages(pages, 1);

	if (!pa)
		return NULL;
	memset(pa_to_va(pa), 0, pages * PAGE_SIZE);
	return pa_to_va(pa);
}

void domain_free_struct(void *p, size_t size)
{
	if (p)
		free_pages(va_to_pa(p), ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE);
}

/*
 * Dom0's RAM is one run of host memory mapped where it is (as Xen maps Dom0
 * without an IOMMU, so that its devices can DMA to what it calls physical):
 * taken whole here, populated (mapped) like any domain's RAM afterwards.
 */
bool domain_reserve_direct(struct domain *d)
{
	uint64_t pa = alloc_pages(d->ram_size / PAGE_SIZE, 2 * MiB / PAGE_SIZE);

	if (!pa)
		return false;
	d->ram_base = pa;
	d->direct_map = true;
	return true;
}

/* What a build that failed midway had reserved but not yet populated. */
void domain_release_unpopulated(struct domain *d)
{
	if (d->direct_map && d->populated < d->ram_size)
		free_pages(d->ram_base + d->populated, (d->ram_size - d->populated) / PAGE_SIZE);
	d->populated = d->ram_size;
}

/* The host memory for [ipa, ipa + *size): the reserved run, or new blocks. */
static uint64_t ram_for(struct domain *d, uint64_t ipa, uint64_t end, uint64_t *size)
{
	bool big = IS_ALIGNED(ipa, 2 * MiB) && end - ipa >= 2 * MiB;
	uint64_t pa;

	*size = big ? 2 * MiB : PAGE_SIZE;
	if (d->direct_map)
		return ipa;
	pa = big ? alloc_pages(512, 512) : 0;
	if (!pa) {
		*size = PAGE_SIZE;
		pa = alloc_pages(1, 1);
	}
	return pa;
}

/* Scrubbed RAM in 2 MiB blocks where possible, pages otherwise; from where the last call stopped. */
int domain_populate_ram(struct domain *d, uint64_t deadline)
{
	uint64_t ipa = d->ram_base + d->populated, end = d->ram_base + d->ram_size;

	while (ipa < end) {
		uint64_t size, pa = ram_for(d, ipa, end, &size);

		if (!pa)
			return -1;
		arch_zero_pages(pa, size);
		if (!p2m_arch_map_ram(d, ipa, pa, size)) {
			if (!d->direct_map)
				free_pages(pa, size / PAGE_SIZE);
			return -1;
		}
		page_assign(pa, size / PAGE_SIZE, d);
		d->pages += size / PAGE_SIZE;
		ipa += size;
		d->populated = ipa - d->ram_base;
		if (deadline && ipa < end && arch_counter() >= deadline)
			return 0;
	}
	d->ram_pages = d->max_pages = d->ram_size / PAGE_SIZE;
	return 1;
}

bool domain_copy_to_phys(struct domain *d, uint64_t ipa, const void *src, uint64_t len)
{
	const uint8_t *s = src;

	while (len) {
		uint64_t pa, chunk = MIN(len, PAGE_SIZE - (ipa & (PAGE_SIZE - 1)));

		if (!p2m_arch_lookup(d, ipa, &pa, NULL))
			return false;
		memcpy(pa_to_va(pa), s, chunk);
		arch_clean_dcache(pa_to_va(pa), chunk);
		ipa += chunk;
		s += chunk;
		len -= chunk;
	}
	return true;
}
