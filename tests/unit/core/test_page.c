/* Every page's owner and references (core/page.c). */
#include "../unit.h"
#include <domus/arch.h>
#include <domus/page.h>
#include <domus/page_alloc.h>

static void put_free_page(void *pa)
{
	page_put(*(uint64_t *)pa);
}

TEST(assign_get_put_and_the_last_put_frees_it_to_be_scrubbed)
{
	struct domain *a = fake_domain(1), *b = fake_domain(1);
	uint64_t pa = alloc_pages(1, 1), free_before;
	uint8_t *p = pa_to_va(pa);

	REQUIRE(pa);
	page_assign(pa, 1, a);
	CHECK_EQ(page_refs(pa), 1);
	CHECK(page_owned_by(pa, a) && !page_owned_by(pa, b));
	CHECK(page_get(pa, a));
	CHECK(!page_get(pa, b));		/* only on the owner's pages */
	CHECK_EQ(page_refs(pa), 2);
	memset(p, 0xa5, PAGE_SIZE);
	free_before = page_alloc_free_pages();
	page_put(pa);
	CHECK(!page_is_free(pa));		/* one reference left */
	CHECK(page_owned_by(pa, a));
	page_put(pa);
	CHECK(page_is_free(pa));
	CHECK_EQ(page_alloc_free_pages(), free_before + 1);
	CHECK_EQ(page_refs(pa), 0);
	CHECK(!page_owned_by(pa, a));
	CHECK(!page_get(pa, a));		/* a free page is nobody's */
	/* Freed dirty; an idle CPU scrubs it. */
	CHECK_EQ(p[0], 0xa5);
	CHECK(page_alloc_dirty_pages() > 0);
	while (page_alloc_scrub_some())
		;
	for (unsigned i = 0; i < PAGE_SIZE; i++)
		REQUIRE(p[i] == 0);
}

TEST(a_restarted_domain_does_not_own_its_predecessors_pages)
{
	struct domain *d = fake_domain(1), *again;
	uint64_t pa = alloc_pages(1, 1);
	unsigned id = d->id;

	page_assign(pa, 1, d);
	domain_shutdown(d, SHUTDOWN_REBOOT);
	domain_reap();
	again = domain_by_id(id);
	REQUIRE(again && again->serial != 0);
	CHECK(!page_owned_by(pa, again));
	CHECK(!page_get(pa, again));
	page_put(pa);
}

TEST(a_domains_ram_is_its_own_with_one_reference)
{
	struct domain *d = fake_domain(1);

	for (uint64_t off = 0; off < d->ram_size; off += PAGE_SIZE) {
		uint64_t pa = va_to_pa(guest_ptr(d, d->bank[0].base + off));

		REQUIRE(page_owned_by(pa, d));
		REQUIRE(page_refs(pa) == 1);
	}
}

TEST(dropping_a_reference_nobody_holds_stops_domus)
{
	uint64_t pa = alloc_pages(1, 1);
	const char *how;

	REQUIRE(pa);
	CHECK(unit_expect_stop(put_free_page, &pa, &how));
	CHECK_STR(how, "halted");
	CHECK(console_printed("PANIC: reference dropped on free page"));
	free_pages(pa, 1);
}

struct assignment {
	uint64_t pa, nr;
	struct domain *d;
};

static void assign(void *arg)
{
	const struct assignment *a = arg;

	page_assign(a->pa, a->nr, a->d);
}

TEST(a_run_is_assigned_whole_and_never_over_a_page_already_given)
{
	struct domain *d = fake_domain(1);
	uint64_t pa = alloc_pages(80, 1);
	struct assignment a = { pa, 70, d };
	const char *how;

	REQUIRE(pa);
	page_assign(pa + 10 * PAGE_SIZE, 64, d);
	for (uint64_t i = 0; i < 80; i++)
		REQUIRE(page_owned_by(pa + i * PAGE_SIZE, d) == (i >= 10 && i < 74));
	CHECK_EQ(page_refs(pa + 73 * PAGE_SIZE), 1);
	/* Over pages 0-69: free ones first, then the ones above. */
	CHECK(unit_expect_stop(assign, &a, &how));
	CHECK_STR(how, "halted");
	CHECK(console_printed("is not a free page"));
	/* The last reference frees each page given; the six never given go back here. */
	for (uint64_t i = 0; i < 74; i++)
		page_put(pa + i * PAGE_SIZE);
	free_pages(pa + 74 * PAGE_SIZE, 6);
}
