/*
 * Zeroing a large range with the idle CPUs' help: Dom0's RAM at boot is
 * hundreds of MiB that must be clean before Dom0 runs (its devices may DMA
 * into any of it, so it cannot be zeroed on first touch), and every other
 * CPU is idle then.  The range goes in 2 MiB chunks that the caller and any
 * idle CPU (zero_help(), from the scheduler's idle loop) take in turn; the
 * caller returns once every chunk is done.  One range at a time: a second
 * caller meanwhile zeroes its own alone.
 */
#include <domus/zero_shared.h>
#include <domus/arch.h>
#include <domus/sched.h>
#include <asm/spinlock.h>

#define CHUNK   (2 * MiB)
#define CLOSED  (1ull << 62)	/* `next` between ranges: every index taken is past the end */

static struct {
	uint64_t base;		/* written before `next` opens the range */
	uint64_t chunks;
	uint64_t next;		/* the next chunk to take */
	uint64_t done;		/* chunks zeroed */
	unsigned helpers;	/* CPUs inside zero_help(): the range is not reused under them */
} job = { .next = CLOSED };
static spinlock_t job_lock = SPINLOCK_INIT;	/* held by the caller for the whole range */

bool zero_help(void)
{
	bool took = false;
	uint64_t i;

	if (__atomic_load_n(&job.next, __ATOMIC_RELAXED) >= CLOSED)
		return false;	/* the idle loop's usual case: no write to the shared line */
	/*
	 * Counted in before taking an index: the caller closes the range and
	 * waits for the count to drop before another range may reuse base and
	 * chunks, so an index is always compared with its own range's.
	 */
	__atomic_add_fetch(&job.helpers, 1, __ATOMIC_SEQ_CST);
	i = __atomic_fetch_add(&job.next, 1, __ATOMIC_SEQ_CST);
	if (i < __atomic_load_n(&job.chunks, __ATOMIC_RELAXED)) {
		arch_zero_pages(__atomic_load_n(&job.base, __ATOMIC_RELAXED) + i * CHUNK, CHUNK);
		__atomic_add_fetch(&job.done, 1, __ATOMIC_RELEASE);
		took = true;
	}
	__atomic_sub_fetch(&job.helpers, 1, __ATOMIC_RELEASE);
	return took;
}

bool zero_open(uint64_t pa, uint64_t size)
{
	uint64_t chunks = size / CHUNK;

	if (chunks < 2 || !IS_ALIGNED(pa | size, CHUNK) || !spin_trylock(&job_lock))
		return false;
	__atomic_store_n(&job.base, pa, __ATOMIC_RELAXED);
	__atomic_store_n(&job.chunks, chunks, __ATOMIC_RELAXED);
	__atomic_store_n(&job.done, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&job.next, 0, __ATOMIC_RELEASE);
	return true;
}

void zero_finish(void)
{
	uint64_t chunks = __atomic_load_n(&job.chunks, __ATOMIC_RELAXED);

	while (zero_help())
		;
	/* Helpers finishing the chunks they took: at most one each. */
	while (__atomic_load_n(&job.done, __ATOMIC_ACQUIRE) < chunks)
		;
	__atomic_store_n(&job.next, CLOSED, __ATOMIC_SEQ_CST);
	/* A helper that took an index before the close is still comparing it: let it. */
	while (__atomic_load_n(&job.helpers, __ATOMIC_SEQ_CST))
		;
	spin_unlock(&job_lock);
}

void zero_shared(uint64_t pa, uint64_t size)
{
	if (!zero_open(pa, size)) {
		arch_zero_pages(pa, size);
		return;
	}
	sched_wake_idle_cpus();
	zero_finish();
}
