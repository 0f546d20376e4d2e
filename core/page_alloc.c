/*
 * A bitmap page allocator.  Runs of pages come from a first-fit scan with
 * alignment, which is what guest RAM (2 MiB blocks) and page tables need;
 * allocation happens at domain build time, not on hot paths.
 *
 * Freed pages are not scrubbed then: a second bitmap marks them dirty, and
 * whoever hands pages to a guest has what is still dirty zeroed first:
 * now (page_alloc_scrub()) or on the guest's first touch (the port's
 * p2m_arch_map_ram_unscrubbed()).  With bootscrub=idle, as Xen 4.17 does,
 * idle CPUs also scrub dirty free pages (page_alloc_scrub_idle()).
 */
#include <domus/page_alloc.h>
#include <domus/arch.h>
#include <domus/zero_shared.h>
#include <asm/spinlock.h>

struct bank {
	uint64_t base;
	uint64_t pages;
	uint64_t first_bit;	/* index of its first page in the bitmap */
};

static struct bank banks[PAGE_ALLOC_MAX_BANKS];
static unsigned nr_banks;
static uint64_t used_bits;
static uint64_t free_count;
static uint64_t bitmap[PAGE_ALLOC_MAX_PAGES / 64];	/* 1 = in use */
static uint64_t dirty[PAGE_ALLOC_MAX_PAGES / 64];	/* 1 = may hold what its last user left */
static uint64_t dirty_free;	/* free pages that are dirty */
static uint64_t scrubbing;	/* free pages an idle CPU has taken to scrub (still counted free) */
static uint64_t scrub_rover;	/* where the idle scrubbers look next */
static bool idle_scrubbing;	/* bootscrub=idle: idle CPUs scrub */
static spinlock_t lock = SPINLOCK_INIT;

static bool test_bit(uint64_t n)
{
	return bitmap[n / 64] & (1ull << (n % 64));
}

static bool test_dirty(uint64_t n)
{
	return dirty[n / 64] & (1ull << (n % 64));
}

static void set_dirty(uint64_t n, bool value)
{
	dirty[n / 64] = (dirty[n / 64] & ~(1ull << (n % 64))) | (uint64_t)value << (n % 64);
}

/* 64 pages at once, from a word boundary: as set_bits() does them one by one. */
static void set_word(uint64_t w, bool used)
{
	uint64_t change = used ? ~bitmap[w] : bitmap[w];

	bitmap[w] = used ? ~0ull : 0;
	if (used) {
		free_count -= bit_count(change);
		dirty_free -= bit_count(change & dirty[w]);
	} else {
		free_count += bit_count(change);
		dirty_free += bit_count(change);
		dirty[w] |= change;
	}
}

/* Taking pages or giving them back; a page given back is dirty. */
static void set_bits(uint64_t n, uint64_t count, bool used)
{
	for (; count; n++, count--) {
		if (n % 64 == 0 && count >= 64) {
			set_word(n / 64, used);
			n += 63;
			count -= 63;
			continue;
		}
		if (test_bit(n) == used)
			continue;
		bitmap[n / 64] ^= 1ull << (n % 64);
		free_count += used ? -1 : 1;
		dirty_free -= used && test_dirty(n);
		if (!used) {
			set_dirty(n, true);
			dirty_free++;
		}
	}
}

void page_alloc_init(void)
{
	nr_banks = 0;
	used_bits = 0;
	free_count = 0;
	memset(bitmap, 0xff, sizeof(bitmap));
	memset(dirty, 0, sizeof(dirty));
	dirty_free = scrubbing = scrub_rover = 0;
	idle_scrubbing = false;
}

bool page_alloc_add_bank(uint64_t base, uint64_t size)
{
	uint64_t pages = size / PAGE_SIZE;

	if (!IS_ALIGNED(base, PAGE_SIZE) || !pages || base + size < base)
		return false;
	if (nr_banks == PAGE_ALLOC_MAX_BANKS || used_bits + pages > PAGE_ALLOC_MAX_PAGES)
		return false;
	for (unsigned i = 0; i < nr_banks; i++)
		if (ranges_overlap(base, size, banks[i].base, banks[i].pages * PAGE_SIZE))
			return false;
	banks[nr_banks++] = (struct bank){ base, pages, used_bits };
	set_bits(used_bits, pages, false);
	used_bits += pages;
	return true;
}

static uint64_t bit_of(const struct bank *b, uint64_t pa)
{
	return b->first_bit + (pa - b->base) / PAGE_SIZE;
}

static struct bank *bank_of(uint64_t pa)
{
	for (unsigned i = 0; i < nr_banks; i++)
		if (pa >= banks[i].base && pa - banks[i].base < banks[i].pages * PAGE_SIZE)
			return &banks[i];
	return NULL;
}

void page_alloc_reserve(uint64_t base, uint64_t size)
{
	uint64_t end = ALIGN_UP(base + size, PAGE_SIZE);

	spin_lock(&lock);
	for (uint64_t pa = ALIGN_DOWN(base, PAGE_SIZE); pa < end; pa += PAGE_SIZE) {
		struct bank *b = bank_of(pa);
		if (b)
			set_bits(bit_of(b, pa), 1, true);
	}
	spin_unlock(&lock);
}

/* Whether bits [n, n+count) are all free. */
static bool run_free(uint64_t n, uint64_t count)
{
	while (count) {
		if (n % 64 == 0 && count >= 64) {
			if (bitmap[n / 64])
				return false;
			n += 64;
			count -= 64;
		} else {
			if (test_bit(n))
				return false;
			n++;
			count--;
		}
	}
	return true;
}

static uint64_t alloc_locked(uint64_t nr, uint64_t align_pages);

/* What an idle CPU is scrubbing is free: a request that finds no room waits for it. */
uint64_t alloc_pages(uint64_t nr, uint64_t align_pages)
{
	uint64_t pa;

	if (!nr || !align_pages || (align_pages & (align_pages - 1)))
		return 0;
	for (;;) {
		bool busy;

		spin_lock(&lock);
		pa = alloc_locked(nr, align_pages);
		busy = scrubbing;
		spin_unlock(&lock);
		if (pa || !busy)
			return pa;
	}
}

static uint64_t alloc_locked(uint64_t nr, uint64_t align_pages)
{
	uint64_t pa = 0;

	for (unsigned i = 0; i < nr_banks && !pa; i++) {
		struct bank *b = &banks[i];
		uint64_t first = ALIGN_UP(b->base, align_pages * PAGE_SIZE);

		for (uint64_t cand = first; cand + nr * PAGE_SIZE <= b->base + b->pages * PAGE_SIZE &&
		     cand >= b->base; cand += align_pages * PAGE_SIZE) {
			uint64_t bit = bit_of(b, cand);

			/* 64 pages in use at once: skip them in one step (the scan runs at EL2). */
			if (bitmap[bit / 64] == ~0ull && align_pages < 64) {
				uint64_t next = ALIGN_UP(bit + 1, 64) - bit - 1;
				cand += ALIGN_DOWN(next, align_pages) * PAGE_SIZE;
				continue;
			}
			if (run_free(bit, nr)) {
				set_bits(bit, nr, true);
				pa = cand;
				break;
			}
		}
	}
	return pa;
}

/* The first bit at or after n, below end, whose state is used; end if none. */
static uint64_t next_with(uint64_t n, uint64_t end, bool used)
{
	while (n < end) {
		if (n % 64 == 0 && end - n >= 64 && bitmap[n / 64] == (used ? 0 : ~0ull))
			n += 64;
		else if (test_bit(n) == used)
			return n;
		else
			n++;
	}
	return end;
}

uint64_t alloc_pages_largest(uint64_t max_nr, uint64_t align_pages, uint64_t *nr)
{
	const struct bank *best_bank = NULL;
	uint64_t best = 0, best_nr = 0;

	*nr = 0;
	if (!max_nr || !align_pages || (align_pages & (align_pages - 1)))
		return 0;
	spin_lock(&lock);
	for (unsigned i = 0; i < nr_banks && best_nr < max_nr; i++) {
		const struct bank *b = &banks[i];
		uint64_t end = b->first_bit + b->pages, n = b->first_bit;

		while ((n = next_with(n, end, false)) < end) {
			uint64_t stop = next_with(n, end, true);
			uint64_t pa = ALIGN_UP(b->base + (n - b->first_bit) * PAGE_SIZE, align_pages * PAGE_SIZE);
			uint64_t stop_pa = b->base + (stop - b->first_bit) * PAGE_SIZE;
			uint64_t len = pa < stop_pa ? ALIGN_DOWN((stop_pa - pa) / PAGE_SIZE, align_pages) : 0;

			if (MIN(len, max_nr) > best_nr) {
				best_bank = b;
				best = pa;
				best_nr = MIN(len, max_nr);
			}
			n = stop;
		}
	}
	if (best_nr)
		set_bits(bit_of(best_bank, best), best_nr, true);
	spin_unlock(&lock);
	*nr = best_nr;
	return best;
}

uint64_t alloc_pages_scrubbed(uint64_t nr, uint64_t align_pages)
{
	uint64_t pa = alloc_pages(nr, align_pages);

	if (pa)
		page_alloc_scrub(pa, nr);
	return pa;
}

bool page_alloc_clean(uint64_t pa, uint64_t nr)
{
	struct bank *b = bank_of(pa);
	bool clean = b != NULL;

	spin_lock(&lock);
	for (uint64_t i = 0; clean && i < nr; i++)
		clean = !test_dirty(bit_of(b, pa) + i);
	spin_unlock(&lock);
	return clean;
}

/* Every free page clean (bootscrub=off: boot RAM is taken as it is, as Xen does). */
void page_alloc_trust_free(void)
{
	spin_lock(&lock);
	for (uint64_t n = 0; n < used_bits; n++)
		if (!test_bit(n))
			set_dirty(n, false);
	dirty_free = 0;
	spin_unlock(&lock);
}

/*
 * Pages the caller took from the allocator, zeroed unless every one of them
 * is clean: what a guest is given never holds another's data.
 */
void page_alloc_scrub(uint64_t pa, uint64_t nr)
{
	struct bank *b = bank_of(pa);
	bool any = !b;

	spin_lock(&lock);
	for (uint64_t i = 0; b && i < nr; i++) {
		any |= test_dirty(bit_of(b, pa) + i);
		set_dirty(bit_of(b, pa) + i, false);
	}
	spin_unlock(&lock);
	if (any)
		zero_shared(pa, nr * PAGE_SIZE);
}

/* A word of free dirty pages from the rover on, taken (still counted free); with the lock. */
static bool take_dirty_word(uint64_t *word, uint64_t *taken)
{
	uint64_t words = ALIGN_UP(used_bits, 64) / 64;

	for (uint64_t i = 0; i < words; i++) {
		uint64_t w = (scrub_rover + i) % words, bits = dirty[w] & ~bitmap[w];

		if (bits) {
			*word = w;
			*taken = bits;
			bitmap[w] |= bits;
			scrub_rover = w;
			return true;
		}
	}
	return false;
}

/* The physical address of bit n. */
static uint64_t pa_of_bit(uint64_t n)
{
	for (unsigned i = 0; i < nr_banks; i++)
		if (n >= banks[i].first_bit && n - banks[i].first_bit < banks[i].pages)
			return banks[i].base + (n - banks[i].first_bit) * PAGE_SIZE;
	return 0;
}

bool page_alloc_scrub_some(void)
{
	uint64_t w, taken;
	unsigned n;

	if (!__atomic_load_n(&dirty_free, __ATOMIC_RELAXED))
		return false;
	spin_lock(&lock);
	if (!take_dirty_word(&w, &taken)) {
		spin_unlock(&lock);
		return false;
	}
	n = bit_count(taken);
	scrubbing += n;
	spin_unlock(&lock);
	for (uint64_t bits = taken; bits; bits &= bits - 1)
		arch_zero_pages(pa_of_bit(w * 64 + (uint64_t)__builtin_ctzll(bits)), PAGE_SIZE);
	spin_lock(&lock);
	bitmap[w] &= ~taken;
	dirty[w] &= ~taken;
	dirty_free -= n;
	scrubbing -= n;
	spin_unlock(&lock);
	return true;
}

void page_alloc_idle_scrubbing(bool on)
{
	idle_scrubbing = on;
}

bool page_alloc_scrub_idle(void)
{
	return idle_scrubbing && page_alloc_scrub_some();
}

uint64_t page_alloc_dirty_pages(void)
{
	return __atomic_load_n(&dirty_free, __ATOMIC_RELAXED);
}

void free_pages(uint64_t pa, uint64_t nr)
{
	struct bank *b = bank_of(pa);

	if (!b || !IS_ALIGNED(pa, PAGE_SIZE) ||
	    (pa - b->base) / PAGE_SIZE + nr > b->pages)
		return;
	spin_lock(&lock);
	set_bits(bit_of(b, pa), nr, false);
	spin_unlock(&lock);
}

bool page_index(uint64_t pa, uint64_t *index)
{
	struct bank *b = bank_of(pa);

	if (!b)
		return false;
	*index = bit_of(b, pa);
	return true;
}

bool page_alloc_overlaps(uint64_t base, uint64_t size)
{
	for (unsigned i = 0; i < nr_banks; i++)
		if (ranges_overlap(base, size, banks[i].base, banks[i].pages * PAGE_SIZE))
			return true;
	return false;
}

bool page_is_free(uint64_t pa)
{
	struct bank *b = bank_of(pa);

	return b && !test_bit(bit_of(b, pa));
}

uint64_t page_alloc_free_pages(void)
{
	return free_count;
}

uint64_t page_alloc_total_pages(void)
{
	return used_bits;
}

void page_alloc_span(uint64_t *start, uint64_t *end)
{
	*start = nr_banks ? UINT64_MAX : 0;
	*end = 0;
	for (unsigned i = 0; i < nr_banks; i++) {
		*start = MIN(*start, banks[i].base);
		*end = MAX(*end, banks[i].base + banks[i].pages * PAGE_SIZE);
	}
}
