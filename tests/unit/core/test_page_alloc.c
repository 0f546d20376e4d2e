/* The physical page allocator: banks, reservations, aligned runs, exhaustion. */
#include "../unit.h"
#include <domus/page_alloc.h>
#include <asm/cpu.h>
#include <stdlib.h>

#define BANK_A      0x40000000ull	/* 8 MiB, 2 MiB aligned */
#define BANK_A_SIZE (8 * MiB)
#define BANK_B      0x80100000ull	/* 5 MiB, only 1 MiB aligned */
#define BANK_B_SIZE (5 * MiB)
#define PAGES(bytes) ((bytes) / PAGE_SIZE)

static void two_banks(void)
{
	page_alloc_init();
	REQUIRE(page_alloc_add_bank(BANK_A, BANK_A_SIZE));
	REQUIRE(page_alloc_add_bank(BANK_B, BANK_B_SIZE));
}

static bool in_bank(uint64_t pa)
{
	return (pa >= BANK_A && pa < BANK_A + BANK_A_SIZE) ||
	       (pa >= BANK_B && pa < BANK_B + BANK_B_SIZE);
}

/* An index over both banks, for the tests' own bookkeeping. */
static unsigned test_index(uint64_t pa)
{
	return pa < BANK_B ? PAGES(pa - BANK_A) : PAGES(BANK_A_SIZE) + PAGES(pa - BANK_B);
}

#define TOTAL_PAGES (PAGES(BANK_A_SIZE) + PAGES(BANK_B_SIZE))

TEST(add_bank_counts_pages)
{
	page_alloc_init();
	CHECK_EQ(page_alloc_total_pages(), 0);
	CHECK_EQ(page_alloc_free_pages(), 0);
	CHECK(page_alloc_add_bank(BANK_A, BANK_A_SIZE));
	CHECK_EQ(page_alloc_total_pages(), 2048);
	CHECK_EQ(page_alloc_free_pages(), 2048);
	/* A size that is not a whole number of pages: the partial page is not RAM we can use. */
	CHECK(page_alloc_add_bank(BANK_B, 3 * PAGE_SIZE + 100));
	CHECK_EQ(page_alloc_total_pages(), 2051);
	CHECK_EQ(page_alloc_free_pages(), 2051);
	CHECK(page_is_free(BANK_B + 2 * PAGE_SIZE));
	CHECK(!page_is_free(BANK_B + 3 * PAGE_SIZE));
	CHECK(page_is_free(BANK_A));
	CHECK(page_is_free(BANK_A + BANK_A_SIZE - PAGE_SIZE));
	CHECK(!page_is_free(BANK_A + BANK_A_SIZE));
	CHECK(!page_is_free(BANK_A - PAGE_SIZE));
}

TEST(span_runs_from_the_lowest_bank_to_the_end_of_the_highest)
{
	uint64_t start, end;

	page_alloc_init();
	REQUIRE(page_alloc_add_bank(BANK_B, BANK_B_SIZE));
	REQUIRE(page_alloc_add_bank(BANK_A, BANK_A_SIZE));
	page_alloc_span(&start, &end);
	CHECK_EQ(start, BANK_A);
	CHECK_EQ(end, BANK_B + BANK_B_SIZE);
}

TEST(add_bank_rejects_overlaps_and_malformed_banks)
{
	page_alloc_init();
	REQUIRE(page_alloc_add_bank(BANK_A, BANK_A_SIZE));
	CHECK(!page_alloc_add_bank(BANK_A, BANK_A_SIZE));			/* the same */
	CHECK(!page_alloc_add_bank(BANK_A + 4 * MiB, 8 * MiB));		/* tail overlap */
	CHECK(!page_alloc_add_bank(BANK_A - 4 * MiB, 4 * MiB + PAGE_SIZE));	/* head overlap */
	CHECK(!page_alloc_add_bank(BANK_A + MiB, PAGE_SIZE));			/* inside */
	CHECK(!page_alloc_add_bank(BANK_A - MiB, 16 * MiB));			/* around */
	CHECK(!page_alloc_add_bank(BANK_B + 0x800, MiB));			/* unaligned */
	CHECK(!page_alloc_add_bank(BANK_B, 0));
	CHECK(!page_alloc_add_bank(BANK_B, PAGE_SIZE - 1));			/* no whole page */
	CHECK(!page_alloc_add_bank(0xfffffffffff00000ull, 2 * MiB));		/* wraps */
	CHECK_EQ(page_alloc_total_pages(), 2048);
	CHECK_EQ(page_alloc_free_pages(), 2048);
	/* Adjacent banks do not overlap. */
	CHECK(page_alloc_add_bank(BANK_A + BANK_A_SIZE, MiB));
	CHECK(page_alloc_add_bank(BANK_A - MiB, MiB));
	CHECK_EQ(page_alloc_total_pages(), 2048 + 512);
}

TEST(add_bank_limits)
{
	page_alloc_init();
	for (unsigned i = 0; i < PAGE_ALLOC_MAX_BANKS; i++)
		CHECK(page_alloc_add_bank(BANK_A + i * 16 * MiB, MiB));
	CHECK(!page_alloc_add_bank(BANK_B, MiB));		/* one bank too many */
	CHECK_EQ(page_alloc_total_pages(), PAGE_ALLOC_MAX_BANKS * 256);

	page_alloc_init();
	CHECK(page_alloc_add_bank(0x100000000ull, 8 * GiB));	/* exactly the limit */
	CHECK_EQ(page_alloc_free_pages(), 8 * GiB / PAGE_SIZE);
	CHECK(!page_alloc_add_bank(BANK_A, PAGE_SIZE));	/* past it */
	CHECK_EQ(page_alloc_total_pages(), 8 * GiB / PAGE_SIZE);
}

TEST(reserve_rounds_outwards_and_counts_once)
{
	two_banks();
	page_alloc_reserve(BANK_A + 0x1800, 0x1000);	/* [0x1800, 0x2800): pages 1 and 2 */
	CHECK_EQ(page_alloc_free_pages(), TOTAL_PAGES - 2);
	CHECK(page_is_free(BANK_A));
	CHECK(!page_is_free(BANK_A + 0x1000));
	CHECK(!page_is_free(BANK_A + 0x2000));
	CHECK(page_is_free(BANK_A + 0x3000));
	/* Reserving again, or a range overlapping it, does not count the same page twice. */
	page_alloc_reserve(BANK_A + 0x1000, 0x2000);
	CHECK_EQ(page_alloc_free_pages(), TOTAL_PAGES - 2);
	page_alloc_reserve(BANK_A + 0x2000, 0x1001);	/* pages 2 and 3 */
	CHECK_EQ(page_alloc_free_pages(), TOTAL_PAGES - 3);
	CHECK(!page_is_free(BANK_A + 0x3000));
	/* A zero-sized reservation reserves nothing. */
	page_alloc_reserve(BANK_A + 0x10000, 0);
	CHECK(page_is_free(BANK_A + 0x10000));
	CHECK_EQ(page_alloc_free_pages(), TOTAL_PAGES - 3);
}

TEST(reserve_partly_outside_banks)
{
	two_banks();
	/* Starts 12 KiB below bank A, ends inside its first page. */
	page_alloc_reserve(BANK_A - 0x3000, 0x3800);
	CHECK_EQ(page_alloc_free_pages(), TOTAL_PAGES - 1);
	CHECK(!page_is_free(BANK_A));
	CHECK(page_is_free(BANK_A + 0x1000));
	/* Straddles the end of bank A: its last two pages. */
	page_alloc_reserve(BANK_A + BANK_A_SIZE - 0x2000, 1 * MiB);
	CHECK_EQ(page_alloc_free_pages(), TOTAL_PAGES - 3);
	CHECK(!page_is_free(BANK_A + BANK_A_SIZE - PAGE_SIZE));
	CHECK(!page_is_free(BANK_A + BANK_A_SIZE - 2 * PAGE_SIZE));
	CHECK(page_is_free(BANK_A + BANK_A_SIZE - 3 * PAGE_SIZE));
	/* Spans the hole between the banks: the end of A (already) and 2 pages of B. */
	page_alloc_reserve(BANK_A + BANK_A_SIZE - PAGE_SIZE,
			   (BANK_B + 0x2000) - (BANK_A + BANK_A_SIZE - PAGE_SIZE));
	CHECK_EQ(page_alloc_free_pages(), TOTAL_PAGES - 5);
	CHECK(!page_is_free(BANK_B + PAGE_SIZE));
	CHECK(page_is_free(BANK_B + 2 * PAGE_SIZE));
	/* Entirely outside: nothing changes. */
	page_alloc_reserve(0x10000000, 16 * MiB);
	page_alloc_reserve(BANK_B + BANK_B_SIZE, 16 * MiB);
	CHECK_EQ(page_alloc_free_pages(), TOTAL_PAGES - 5);
}

TEST(alloc_rejects_bad_arguments)
{
	two_banks();
	CHECK_EQ(alloc_pages(0, 1), 0);
	CHECK_EQ(alloc_pages(1, 0), 0);
	CHECK_EQ(alloc_pages(1, 3), 0);		/* alignment not a power of two */
	CHECK_EQ(alloc_pages(TOTAL_PAGES, 1), 0);	/* no bank is that large */
	CHECK_EQ(page_alloc_free_pages(), TOTAL_PAGES);
}

TEST(alloc_first_fit_with_alignment)
{
	page_alloc_init();
	REQUIRE(page_alloc_add_bank(BANK_A, BANK_A_SIZE));
	page_alloc_reserve(BANK_A, PAGE_SIZE);
	/* The first 2 MiB block holds a reserved page: the run starts at the next one. */
	CHECK_EQ(alloc_pages(512, 512), BANK_A + 2 * MiB);
	CHECK_EQ(alloc_pages(1, 1), BANK_A + PAGE_SIZE);
	CHECK_EQ(alloc_pages(2, 1), BANK_A + 2 * PAGE_SIZE);
	CHECK_EQ(alloc_pages(1, 4), BANK_A + 4 * PAGE_SIZE);
	CHECK_EQ(alloc_pages(1, 1), BANK_A + 5 * PAGE_SIZE);
	CHECK_EQ(alloc_pages(3, 8), BANK_A + 8 * PAGE_SIZE);
	CHECK_EQ(alloc_pages(512, 512), BANK_A + 4 * MiB);
	CHECK_EQ(alloc_pages(512, 512), BANK_A + 6 * MiB);
	CHECK_EQ(alloc_pages(512, 512), 0);	/* no free aligned 2 MiB block is left */
	CHECK_EQ(page_alloc_free_pages(), 2048 - 1 - 3 * 512 - 1 - 2 - 1 - 1 - 3);
	/* Smaller runs still fit in what is left of the first block. */
	CHECK_EQ(alloc_pages(256, 256), BANK_A + MiB);
}

TEST(alloc_aligned_runs_in_unaligned_bank)
{
	page_alloc_init();
	REQUIRE(page_alloc_add_bank(BANK_B, BANK_B_SIZE));	/* [0x80100000, 0x80600000) */
	CHECK_EQ(alloc_pages(512, 512), 0x80200000);
	CHECK_EQ(alloc_pages(512, 512), 0x80400000);
	CHECK_EQ(alloc_pages(512, 512), 0);
	CHECK_EQ(page_alloc_free_pages(), 256);
	CHECK_EQ(alloc_pages(256, 1), BANK_B);
	CHECK_EQ(alloc_pages(1, 1), 0);
	CHECK_EQ(page_alloc_free_pages(), 0);
}

TEST(alloc_uses_the_second_bank_when_the_first_is_full)
{
	two_banks();
	CHECK_EQ(alloc_pages(PAGES(BANK_A_SIZE), 1), BANK_A);
	CHECK_EQ(alloc_pages(16, 16), BANK_B);
	CHECK_EQ(alloc_pages(PAGES(BANK_B_SIZE), 1), 0);	/* 16 pages of it are gone */
	CHECK_EQ(alloc_pages(PAGES(BANK_B_SIZE) - 16, 1), BANK_B + 16 * PAGE_SIZE);
	CHECK_EQ(page_alloc_free_pages(), 0);
}

TEST(exhaustion_free_and_realloc)
{
	uint64_t n = 0, pa, last = 0;

	two_banks();
	while ((pa = alloc_pages(1, 1)) != 0) {
		last = pa;
		n++;
		REQUIRE(n <= TOTAL_PAGES);
	}
	CHECK_EQ(n, TOTAL_PAGES);
	CHECK_EQ(page_alloc_free_pages(), 0);
	CHECK_EQ(last, BANK_B + BANK_B_SIZE - PAGE_SIZE);
	CHECK_EQ(alloc_pages(1, 1), 0);

	free_pages(BANK_A + 0x5000, 1);
	CHECK_EQ(page_alloc_free_pages(), 1);
	CHECK(page_is_free(BANK_A + 0x5000));
	CHECK_EQ(alloc_pages(2, 1), 0);
	CHECK_EQ(alloc_pages(1, 1), BANK_A + 0x5000);

	free_pages(BANK_A + 2 * MiB, 512);
	CHECK_EQ(page_alloc_free_pages(), 512);
	free_pages(BANK_A + 2 * MiB, 512);		/* a double free counts once */
	CHECK_EQ(page_alloc_free_pages(), 512);
	CHECK_EQ(alloc_pages(512, 512), BANK_A + 2 * MiB);
	CHECK_EQ(page_alloc_free_pages(), 0);

	/* Frees that do not describe pages of a bank are ignored. */
	free_pages(BANK_A + BANK_A_SIZE - PAGE_SIZE, 2);	/* runs past the bank */
	free_pages(0x10000000, 1);				/* not RAM */
	free_pages(BANK_A + 0x800, 1);				/* not page aligned */
	CHECK_EQ(page_alloc_free_pages(), 0);
	CHECK(!page_is_free(BANK_A + BANK_A_SIZE - PAGE_SIZE));
}

/* Takes [pa, pa + nr pages) in owned[], failing on a reserved or already handed-out page. */
static void take(uint8_t *owned, uint64_t pa, uint64_t nr)
{
	for (uint64_t i = 0; i < nr; i++) {
		uint64_t p = pa + i * PAGE_SIZE;

		REQUIRE(in_bank(p));
		CHECK(owned[test_index(p)] == 0);	/* 1: handed out twice, 2: reserved */
		owned[test_index(p)] = 1;
		CHECK(!page_is_free(p));
	}
}

TEST(never_hands_out_reserved_or_duplicate_pages)
{
	static const struct { uint64_t base, size; } reserved[] = {
		{ BANK_A + 0x10000, 0x123 },		/* one page */
		{ BANK_A + 0x1ff800, 0x1000 },		/* two pages, across a 2 MiB boundary */
		{ BANK_A + 0x300000, 0x41000 },		/* 65 pages */
		{ BANK_A + BANK_A_SIZE - 0x1000, 0x10000 },	/* the last page, and beyond */
		{ BANK_B - 0x800, 0x1000 },		/* B's first page, from below */
		{ BANK_B + 0x234567, 0x3000 },		/* four pages, unaligned */
	};
	static uint8_t owned[TOTAL_PAGES];
	uint64_t nr_reserved = 0, nr_taken = 0, pa;

	two_banks();
	memset(owned, 0, sizeof(owned));
	for (unsigned i = 0; i < ARRAY_SIZE(reserved); i++) {
		uint64_t first = ALIGN_DOWN(reserved[i].base, PAGE_SIZE);
		uint64_t end = ALIGN_UP(reserved[i].base + reserved[i].size, PAGE_SIZE);

		page_alloc_reserve(reserved[i].base, reserved[i].size);
		for (uint64_t p = first; p < end; p += PAGE_SIZE) {
			if (in_bank(p) && !owned[test_index(p)]) {
				owned[test_index(p)] = 2;
				nr_reserved++;
			}
		}
	}
	CHECK_EQ(nr_reserved, 1 + 2 + 65 + 1 + 1 + 4);
	CHECK_EQ(page_alloc_free_pages(), TOTAL_PAGES - nr_reserved);

	/* 2 MiB blocks first, then odd-sized runs, then single pages. */
	while ((pa = alloc_pages(512, 512)) != 0) {
		CHECK(IS_ALIGNED(pa, 2 * MiB));
		take(owned, pa, 512);
		nr_taken += 512;
	}
	CHECK_EQ(nr_taken, 512 * 2);	/* A + 4 MiB and 0x80400000 hold no reserved page */
	while ((pa = alloc_pages(7, 4)) != 0) {
		CHECK(IS_ALIGNED(pa, 4 * PAGE_SIZE));
		take(owned, pa, 7);
		nr_taken += 7;
	}
	while ((pa = alloc_pages(1, 1)) != 0) {
		take(owned, pa, 1);
		nr_taken += 1;
	}
	CHECK_EQ(nr_taken + nr_reserved, TOTAL_PAGES);
	CHECK_EQ(page_alloc_free_pages(), 0);
	for (unsigned i = 0; i < TOTAL_PAGES; i++)
		CHECK(owned[i] != 0);
}

TEST(overlaps_tells_whether_a_range_touches_any_bank)
{
	two_banks();
	CHECK(page_alloc_overlaps(BANK_A, PAGE_SIZE));
	CHECK(page_alloc_overlaps(BANK_A - PAGE_SIZE, 2 * PAGE_SIZE));
	CHECK(page_alloc_overlaps(BANK_B + BANK_B_SIZE - 1, 1));
	CHECK(page_alloc_overlaps(0, 1ull << 40));		/* a window over everything */
	CHECK(!page_alloc_overlaps(BANK_A - PAGE_SIZE, PAGE_SIZE));
	CHECK(!page_alloc_overlaps(BANK_A + BANK_A_SIZE, BANK_B - BANK_A - BANK_A_SIZE));
	CHECK(!page_alloc_overlaps(0x9000000, 0x1000));	/* a device */
}

TEST(largest_takes_the_longest_aligned_free_run_cut_to_the_request)
{
	uint64_t nr;

	two_banks();
	CHECK_EQ(alloc_pages_largest(0, 1, &nr), 0);
	CHECK_EQ(nr, 0);
	CHECK_EQ(alloc_pages_largest(10, 3, &nr), 0);		/* alignment not a power of two */
	page_alloc_reserve(BANK_A + 3 * MiB, PAGE_SIZE);	/* A: free [0, 3M) and [3M + 4K, 8M) */
	/* 2 MiB aligned: A has [0, 2M) and [4M, 8M), B 4 MiB too: a tie goes to the first. */
	CHECK_EQ(alloc_pages_largest(PAGES(16 * MiB), 512, &nr), BANK_A + 4 * MiB);
	CHECK_EQ(nr, PAGES(4 * MiB));
	CHECK_EQ(alloc_pages_largest(PAGES(1 * MiB), 512, &nr), BANK_A);	/* cut to the request */
	CHECK_EQ(nr, PAGES(1 * MiB));
	/* Unaligned: the longest is B's 5 MiB, then A's [3M + 4K, 4M). */
	CHECK_EQ(alloc_pages_largest(PAGES(16 * MiB), 1, &nr), BANK_B);
	CHECK_EQ(nr, PAGES(BANK_B_SIZE));
	CHECK_EQ(alloc_pages_largest(PAGES(16 * MiB), 1, &nr), BANK_A + MiB);
	CHECK_EQ(nr, PAGES(2 * MiB));
	CHECK_EQ(alloc_pages_largest(PAGES(16 * MiB), 1, &nr), BANK_A + 3 * MiB + PAGE_SIZE);
	CHECK_EQ(nr, PAGES(MiB) - 1);
	CHECK_EQ(alloc_pages_largest(PAGES(16 * MiB), 1, &nr), 0);
	CHECK_EQ(page_alloc_free_pages(), 0);
}

/* ---- scrubbing: freed pages are dirty until an idle CPU or the next user zeroes them ---- */

#define RAM_SIZE (2 * MiB)

static uint8_t *real_ram(void)
{
	static uint8_t *ram;

	if (!ram)
		REQUIRE(ram = aligned_alloc(RAM_SIZE, RAM_SIZE));
	memset(ram, 0xa5, RAM_SIZE);
	page_alloc_init();
	REQUIRE(page_alloc_add_bank((uint64_t)(uintptr_t)ram, RAM_SIZE));
	return ram;
}

static bool all_zero(const uint8_t *p, uint64_t size)
{
	for (uint64_t i = 0; i < size; i++)
		if (p[i])
			return false;
	return true;
}

TEST(free_ram_is_dirty_and_what_a_guest_gets_is_zeroed)
{
	uint8_t *ram = real_ram();
	uint64_t pa;

	CHECK_EQ(page_alloc_dirty_pages(), PAGES(RAM_SIZE));
	pa = alloc_pages_scrubbed(4, 1);
	REQUIRE(pa);
	CHECK(all_zero(pa_to_va(pa), 4 * PAGE_SIZE));
	CHECK_EQ(page_alloc_dirty_pages(), PAGES(RAM_SIZE) - 4);
	/* Freed: dirty again, not zeroed at once (what Xen scrubs later). */
	memset(pa_to_va(pa), 0x5a, 4 * PAGE_SIZE);
	free_pages(pa, 4);
	CHECK_EQ(page_alloc_dirty_pages(), PAGES(RAM_SIZE));
	CHECK_EQ(*(uint8_t *)pa_to_va(pa), 0x5a);
	CHECK_EQ(alloc_pages_scrubbed(4, 1), pa);
	CHECK(all_zero(pa_to_va(pa), 4 * PAGE_SIZE));
	(void)ram;
}

TEST(idle_scrubbing_cleans_free_pages_and_keeps_them_counted_free)
{
	uint8_t *ram = real_ram();
	uint64_t free = page_alloc_free_pages(), pa = alloc_pages(1, 1), rounds = 0;

	REQUIRE(pa);
	/* Idle CPUs scrub only with bootscrub=idle. */
	CHECK(!page_alloc_scrub_idle());
	page_alloc_idle_scrubbing(true);
	CHECK(page_alloc_scrub_idle());
	rounds++;
	while (page_alloc_scrub_some()) {
		rounds++;
		CHECK_EQ(page_alloc_free_pages(), free - 1);
	}
	CHECK(rounds >= PAGES(RAM_SIZE) / 64);
	CHECK_EQ(page_alloc_dirty_pages(), 0);
	/* Every free page is zero; the one in use was left alone. */
	for (uint64_t off = 0; off < RAM_SIZE; off += PAGE_SIZE)
		if ((uint64_t)(uintptr_t)ram + off != pa)
			CHECK(all_zero(ram + off, PAGE_SIZE));
	CHECK_EQ(*(uint8_t *)pa_to_va(pa), 0xa5);
	/* Clean pages are not zeroed again: a mark left in a free page survives. */
	*(uint8_t *)pa_to_va(pa + PAGE_SIZE) = 0x11;
	CHECK_EQ(alloc_pages_scrubbed(1, 1), pa + PAGE_SIZE);
	CHECK_EQ(*(uint8_t *)pa_to_va(pa + PAGE_SIZE), 0x11);
	/* A run with one dirty page in it is zeroed whole. */
	*(uint8_t *)pa_to_va(pa + 2 * PAGE_SIZE) = 0x33;	/* free and clean */
	free_pages(pa + PAGE_SIZE, 1);				/* dirty, 0x11 */
	CHECK_EQ(alloc_pages_scrubbed(2, 1), pa + PAGE_SIZE);
	CHECK(all_zero(pa_to_va(pa + PAGE_SIZE), 2 * PAGE_SIZE));
}

TEST(bootscrub_off_takes_free_ram_as_clean)
{
	uint8_t *ram = real_ram();
	uint64_t pa;

	page_alloc_trust_free();
	CHECK_EQ(page_alloc_dirty_pages(), 0);
	CHECK(!page_alloc_scrub_some());
	pa = alloc_pages_scrubbed(1, 1);
	CHECK_EQ(*(uint8_t *)pa_to_va(pa), 0xa5);
	free_pages(pa, 1);
	CHECK_EQ(page_alloc_dirty_pages(), 1);
	(void)ram;
}

/* Runs that cover whole 64-page words and parts of others keep the same counts as page by page. */
TEST(whole_words_and_parts_are_counted_alike)
{
	uint64_t a, b, c, free;

	two_banks();
	page_alloc_trust_free();
	free = page_alloc_free_pages();
	CHECK_EQ(page_alloc_dirty_pages(), 0);
	REQUIRE((a = alloc_pages(10, 1)));		/* words 0: pages 0-9 */
	REQUIRE((b = alloc_pages(300, 1)));		/* 10-309: part, whole words, part */
	CHECK_EQ(b, a + 10 * PAGE_SIZE);
	CHECK_EQ(page_alloc_free_pages(), free - 310);
	free_pages(b, 300);
	CHECK_EQ(page_alloc_free_pages(), free - 10);
	CHECK_EQ(page_alloc_dirty_pages(), 300);	/* given back: dirty */
	REQUIRE((c = alloc_pages(512, 64)));		/* whole words only, some of them dirty */
	CHECK_EQ(c, a + 64 * PAGE_SIZE);
	CHECK_EQ(page_alloc_free_pages(), free - 522);
	CHECK_EQ(page_alloc_dirty_pages(), 300 - 246);	/* pages 64-309 were dirty */
	free_pages(c, 512);
	free_pages(a, 10);
	CHECK_EQ(page_alloc_free_pages(), free);
	CHECK_EQ(page_alloc_dirty_pages(), 54 + 512 + 10);
}
