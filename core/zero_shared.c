/*
 * Large jobs shared with the idle CPUs: Dom0's RAM at boot is hundreds of
 * MiB that must be clean before Dom0 runs (its devices may DMA into any of
 * it, so it cannot be zeroed on first touch), and a dom0less kernel of tens
 * of MiB is copied into its domain while every other CPU is idle; under
 * emulation the first write to each page is what costs, and the CPUs pay
 * for theirs in parallel.  A job goes in chunks that the caller and any idle
 * CPU (shared_help(), from the scheduler's idle loop) take in turn; the
 * caller returns once every chunk is done.  One job at a time: a second
 * caller meanwhile does its own alone.
 */
#include <domus/zero_shared.h>
#include <domus/arch.h>
#include <domus/sched.h>
#include <asm/spinlock.h>

#define CLOSED  (1ull << 62)	/* `next` between jobs: every index taken is past the end */

static struct {
	shared_work_fn *work;	/* the job, written before `next` opens it */
	const void *ctx;
	uint64_t chunks;
	uint64_t next;		/* the next chunk to take */
	uint64_t done;		/* chunks done */
	unsigned helpers;	/* CPUs inside shared_help(): the job is not reused under them */
} job = { .next = CLOSED };
static spinlock_t job_lock = SPINLOCK_INIT;	/* held by the caller for the whole job */

bool shared_help(void)
{
	bool took = false;
	uint64_t i;

	if (__atomic_load_n(&job.next, __ATOMIC_RELAXED) >= CLOSED)
		return false;	/* the idle loop's usual case: no write to the shared line */
	/*
	 * Counted in before taking an index: the caller closes the job and
	 * waits for the count to drop before another job may reuse its
	 * fields, so an index is always compared with its own job's.
	 */
	__atomic_add_fetch(&job.helpers, 1, __ATOMIC_SEQ_CST);
	i = __atomic_fetch_add(&job.next, 1, __ATOMIC_SEQ_CST);
	if (i < __atomic_load_n(&job.chunks, __ATOMIC_RELAXED)) {
		__atomic_load_n(&job.work, __ATOMIC_RELAXED)(__atomic_load_n(&job.ctx, __ATOMIC_RELAXED), i);
		__atomic_add_fetch(&job.done, 1, __ATOMIC_RELEASE);
		took = true;
	}
	__atomic_sub_fetch(&job.helpers, 1, __ATOMIC_RELEASE);
	return took;
}

bool shared_open(shared_work_fn *work, const void *ctx, uint64_t chunks)
{
	if (chunks < 2 || !spin_trylock(&job_lock))
		return false;
	__atomic_store_n(&job.work, work, __ATOMIC_RELAXED);
	__atomic_store_n(&job.ctx, ctx, __ATOMIC_RELAXED);
	__atomic_store_n(&job.chunks, chunks, __ATOMIC_RELAXED);
	__atomic_store_n(&job.done, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&job.next, 0, __ATOMIC_RELEASE);
	return true;
}

void shared_finish(void)
{
	uint64_t chunks = __atomic_load_n(&job.chunks, __ATOMIC_RELAXED);

	while (shared_help())
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

bool shared_run(shared_work_fn *work, const void *ctx, uint64_t chunks)
{
	if (!shared_open(work, ctx, chunks))
		return false;
	sched_wake_idle_cpus();
	shared_finish();
	return true;
}

static void zero_chunk(const void *ctx, uint64_t i)
{
	arch_zero_pages((uint64_t)(uintptr_t)ctx + i * SHARED_CHUNK, SHARED_CHUNK);
}

bool zero_open(uint64_t pa, uint64_t size)
{
	return IS_ALIGNED(pa | size, SHARED_CHUNK) &&
	       shared_open(zero_chunk, (const void *)(uintptr_t)pa, size / SHARED_CHUNK);
}

void zero_shared(uint64_t pa, uint64_t size)
{
	if (!IS_ALIGNED(pa | size, SHARED_CHUNK) ||
	    !shared_run(zero_chunk, (const void *)(uintptr_t)pa, size / SHARED_CHUNK))
		arch_zero_pages(pa, size);
}
