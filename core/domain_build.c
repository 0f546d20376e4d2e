/*
 * The architecture-neutral steps of building a domain: checking its
 * configuration, Domus's structures for it, and its RAM.  The steps in order
 * are in domain_create() (domain.c); what the kernel image, device tree and
 * virtual devices are is the architecture's (arch_domain_load()).
 */
#include <domus/domain_build.h>
#include <domus/arch.h>
#include <domus/zero_shared.h>
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
	if (cfg->toolstack)
		return NULL;	/* its RAM and images are the toolstack's to check */
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
 * Dom0's RAM is host memory mapped where it is (as Xen maps Dom0 without an
 * IOMMU, so that its devices can DMA to what it calls physical): one run if
 * free RAM has one that long, else the longest runs there are, in at most
 * DOMAIN_MAX_BANKS banks of 2 MiB multiples.  Taken whole here, populated
 * (mapped) like any domain's RAM afterwards.
 */
bool domain_reserve_direct(struct domain *d)
{
	uint64_t left = d->ram_size / PAGE_SIZE, align = 2 * MiB / PAGE_SIZE;

	d->nr_banks = 0;
	d->direct_map = true;
	while (left && d->nr_banks < DOMAIN_MAX_BANKS) {
		uint64_t nr = left, pa = alloc_pages(left, align);

		if (!pa && !(pa = alloc_pages_largest(left, align, &nr)))
			break;
		d->bank[d->nr_banks++] = (struct ram_bank){ pa, nr * PAGE_SIZE };
		left -= nr;
	}
	if (!left) {
		pr_info("%s: 1:1 RAM, %lu MiB in %u bank(s):\n", d->name, d->ram_size / MiB, d->nr_banks);
		for (unsigned i = 0; i < d->nr_banks; i++)
			pr_info("  bank %u: %lx-%lx (%lu MiB)\n", i, d->bank[i].base,
				d->bank[i].base + d->bank[i].size, d->bank[i].size / MiB);
		return true;
	}
	d->populated = 0;
	domain_release_unpopulated(d);
	d->nr_banks = 0;
	return false;
}

/* What a build that failed midway had reserved but not yet populated. */
void domain_release_unpopulated(struct domain *d)
{
	uint64_t done = 0;

	for (unsigned i = 0; d->direct_map && i < d->nr_banks; i++) {
		const struct ram_bank *b = &d->bank[i];

		if (d->populated < done + b->size) {
			uint64_t from = d->populated > done ? d->populated - done : 0;
			free_pages(b->base + from, (b->size - from) / PAGE_SIZE);
		}
		done += b->size;
	}
	d->populated = d->ram_size;
}

/*
 * The host memory for [ipa, ipa + *size): the reserved run, or the largest
 * aligned run that fits -- 1 GiB, 2 MiB or a page -- so that stage 2 can
 * map it with the largest blocks.
 */
static uint64_t ram_for(struct domain *d, uint64_t ipa, uint64_t end, uint64_t *size)
{
	static const uint64_t runs[] = { GiB, 2 * MiB, PAGE_SIZE };

	for (unsigned i = 0; i < ARRAY_SIZE(runs); i++) {
		uint64_t pa, pages = runs[i] / PAGE_SIZE;

		*size = runs[i];
		if (!IS_ALIGNED(ipa, runs[i]) || end - ipa < runs[i])
			continue;
		if (d->direct_map)
			return ipa;
		if ((pa = alloc_pages(pages, pages)))
			return pa;
	}
	return 0;
}

bool domain_map_fresh_ram(struct domain *d, uint64_t ipa, uint64_t pa, uint64_t size)
{
	uint64_t pages = size / PAGE_SIZE;

	if (!d->direct_map && !page_alloc_clean(pa, pages))
		return p2m_arch_map_ram_unscrubbed(d, ipa, pa, size);
	page_alloc_scrub(pa, pages);
	return p2m_arch_map_ram(d, ipa, pa, size);
}

/* Scrubbed RAM for [ipa, end) in 2 MiB blocks where possible, pages otherwise; 0 when done. */
static int populate_range(struct domain *d, uint64_t ipa, uint64_t end, uint64_t deadline)
{
	/* A 1:1 bank built at once (Dom0's, at boot): zeroed in one go, which idle CPUs share. */
	if (d->direct_map && !deadline)
		page_alloc_scrub(ipa, (end - ipa) / PAGE_SIZE);
	while (ipa < end) {
		uint64_t size, pa = ram_for(d, ipa, end, &size);

		if (!pa)
			return -1;
		if (!domain_map_fresh_ram(d, ipa, pa, size)) {
			if (!d->direct_map)
				free_pages(pa, size / PAGE_SIZE);
			return -1;
		}
		page_assign(pa, size / PAGE_SIZE, d);
		d->pages += size / PAGE_SIZE;
		d->populated += size;
		ipa += size;
		if (deadline && ipa < end && arch_counter() >= deadline)
			return 1;
	}
	return 0;
}

/* Its banks one after the other, from where the last call stopped; 1 when all are. */
int domain_populate_ram(struct domain *d, uint64_t deadline)
{
	uint64_t done = 0;

	for (unsigned i = 0; i < d->nr_banks; done += d->bank[i++].size) {
		const struct ram_bank *b = &d->bank[i];
		int r;

		if (d->populated >= done + b->size)
			continue;
		r = populate_range(d, b->base + d->populated - done, b->base + b->size, deadline);
		if (r)
			return r < 0 ? -1 : 0;
	}
	d->ram_pages = d->max_pages = d->ram_size / PAGE_SIZE;
	return 1;
}

static bool copy_range(struct domain *d, uint64_t ipa, const void *src, uint64_t len)
{
	const uint8_t *s = src;

	while (len) {
		uint64_t pa, chunk = MIN(len, PAGE_SIZE - (ipa & (PAGE_SIZE - 1)));

		if (!(chunk == PAGE_SIZE ? p2m_arch_lookup_to_fill(d, ipa, &pa) :
					   p2m_arch_lookup(d, ipa, &pa, NULL)))
			return false;
		memcpy(pa_to_va(pa), s, chunk);
		arch_clean_dcache(pa_to_va(pa), chunk);
		ipa += chunk;
		s += chunk;
		len -= chunk;
	}
	return true;
}

struct shared_copy {
	struct domain *d;
	uint64_t ipa;
	const uint8_t *src;
	uint64_t len;
	bool *failed;
};

static void copy_chunk(const void *ctx, uint64_t i)
{
	const struct shared_copy *c = ctx;
	uint64_t off = i * SHARED_CHUNK;

	if (!copy_range(c->d, c->ipa + off, c->src + off, MIN(SHARED_CHUNK, c->len - off)))
		__atomic_store_n(c->failed, true, __ATOMIC_RELAXED);
}

/*
 * A large image goes in 2 MiB chunks the idle CPUs share (its pages are
 * distinct, and the domain does not run yet, so nothing else changes its
 * p2m meanwhile); a small one, or one while another job runs, here alone.
 */
bool domain_copy_to_phys(struct domain *d, uint64_t ipa, const void *src, uint64_t len)
{
	bool failed = false;
	struct shared_copy c = { d, ipa, src, len, &failed };

	if (IS_ALIGNED(ipa, PAGE_SIZE) &&
	    shared_run(copy_chunk, &c, (len + SHARED_CHUNK - 1) / SHARED_CHUNK))
		return !failed;
	return copy_range(d, ipa, src, len);
}
