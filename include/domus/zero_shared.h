/* Large jobs shared with the idle CPUs, zeroing a range among them (core/zero_shared.c). */
#ifndef DOMUS_ZERO_SHARED_H
#define DOMUS_ZERO_SHARED_H

#include <domus/lib.h>

#define SHARED_CHUNK (2 * MiB)	/* what zeroing a range shares out at a time */

/* Chunk i of a job; ctx is the caller's, valid until the job is done. */
typedef void shared_work_fn(const void *ctx, uint64_t i);

/*
 * Does chunks pieces of work with the idle CPUs' help; false, having done
 * nothing, if there are fewer than 2 or another job is running.
 */
bool shared_run(shared_work_fn *work, const void *ctx, uint64_t chunks);
/* An idle CPU's share of the job running: one chunk; false if there is none. */
bool shared_help(void);
/* shared_run()'s steps: opens the job to helpers, then takes what is left, waits, closes it. */
bool shared_open(shared_work_fn *work, const void *ctx, uint64_t chunks);
void shared_finish(void);

/* Zeroes [pa, pa + size) (as arch_zero_pages()), sharing it when it is in whole chunks. */
void zero_shared(uint64_t pa, uint64_t size);
/* zero_shared()'s first step: false if it is too small or unaligned, or a job is running. */
bool zero_open(uint64_t pa, uint64_t size);

#endif
