/* The fake machine has one thread: a lock only checks that it is taken and released in turn. */
#ifndef ASM_SPINLOCK_H
#define ASM_SPINLOCK_H

#include <assert.h>

typedef struct {
	int held;
} spinlock_t;

#define SPINLOCK_INIT { 0 }

static inline void spin_lock(spinlock_t *l)
{
	assert(!l->held);
	l->held = 1;
}

static inline int spin_trylock(spinlock_t *l)
{
	if (l->held)
		return 0;
	l->held = 1;
	return 1;
}

static inline void spin_unlock(spinlock_t *l)
{
	assert(l->held);
	l->held = 0;
}

#endif
