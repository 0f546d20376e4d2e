/* Zeroing a large range with idle CPUs' help (core/zero_shared.c). */
#include "../unit.h"
#include <domus/zero_shared.h>
#include <threads.h>
#include <stdlib.h>

#define CHUNK (2 * MiB)

static uint8_t *dirty_range(uint64_t size)
{
	uint8_t *p = aligned_alloc(CHUNK, size);

	REQUIRE(p);
	memset(p, 0xa5, size);
	return p;
}

static bool all(const uint8_t *p, uint64_t size, uint8_t v)
{
	for (uint64_t i = 0; i < size; i++)
		if (p[i] != v)
			return false;
	return true;
}

TEST(nothing_to_help_with_between_ranges)
{
	CHECK(!shared_help());
}

TEST(helpers_take_chunks_in_order_and_the_caller_the_rest)
{
	uint8_t *p = dirty_range(8 * CHUNK);

	REQUIRE(zero_open((uintptr_t)p, 8 * CHUNK));
	/* Another range meanwhile is not shared: its caller zeroes it alone. */
	CHECK(!zero_open((uintptr_t)p, 8 * CHUNK));
	CHECK(shared_help());
	CHECK(all(p, CHUNK, 0));
	CHECK(all(p + CHUNK, 7 * CHUNK, 0xa5));
	CHECK(shared_help());
	CHECK(all(p + CHUNK, CHUNK, 0));
	CHECK(all(p + 2 * CHUNK, 6 * CHUNK, 0xa5));
	shared_finish();
	CHECK(all(p, 8 * CHUNK, 0));
	CHECK(!shared_help());
	free(p);
}

TEST(small_or_unaligned_ranges_are_not_shared)
{
	uint8_t *p = dirty_range(4 * CHUNK);

	CHECK(!zero_open((uintptr_t)p, CHUNK));
	CHECK(!zero_open((uintptr_t)p + PAGE_SIZE, 2 * CHUNK));
	CHECK(!zero_open((uintptr_t)p, 2 * CHUNK + PAGE_SIZE));
	CHECK(!shared_help());
	zero_shared((uintptr_t)p + PAGE_SIZE, 2 * CHUNK);
	CHECK(all(p, PAGE_SIZE, 0xa5));
	CHECK(all(p + PAGE_SIZE, 2 * CHUNK, 0));
	CHECK(all(p + PAGE_SIZE + 2 * CHUNK, CHUNK - PAGE_SIZE, 0xa5));
	free(p);
}

static bool stop;

static int idle_cpu(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED))
		shared_help();
	return 0;
}

TEST(a_range_zeroed_with_a_helper_running_beside_is_zero_whole)
{
	uint8_t *p = dirty_range(64 * CHUNK);
	thrd_t t;

	__atomic_store_n(&stop, false, __ATOMIC_RELAXED);
	REQUIRE(thrd_create(&t, idle_cpu, NULL) == thrd_success);
	for (unsigned round = 0; round < 4; round++) {
		memset(p, 0xa5, 64 * CHUNK);
		zero_shared((uintptr_t)p, 64 * CHUNK);
		CHECK(all(p, 64 * CHUNK, 0));
	}
	__atomic_store_n(&stop, true, __ATOMIC_RELAXED);
	thrd_join(t, NULL);
	CHECK(!shared_help());
	free(p);
}

/* Any job: each chunk done once, by the caller or the helper. */
static unsigned times_done[200];

static void count_chunk(const void *ctx, uint64_t i)
{
	CHECK(ctx == times_done);
	__atomic_add_fetch(&times_done[i], 1, __ATOMIC_RELAXED);
}

TEST(a_job_shared_with_a_helper_does_each_chunk_once)
{
	thrd_t t;

	__atomic_store_n(&stop, false, __ATOMIC_RELAXED);
	REQUIRE(thrd_create(&t, idle_cpu, NULL) == thrd_success);
	for (unsigned round = 1; round <= 20; round++) {
		REQUIRE(shared_run(count_chunk, times_done, 200));
		for (unsigned i = 0; i < 200; i++)
			CHECK_EQ(times_done[i], round);
	}
	__atomic_store_n(&stop, true, __ATOMIC_RELAXED);
	thrd_join(t, NULL);
	/* One chunk is not worth sharing: the caller does it. */
	CHECK(!shared_run(count_chunk, times_done, 1));
	CHECK_EQ(times_done[0], 20);
}
