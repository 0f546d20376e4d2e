/* Ticket spinlocks on the compiler's atomics (LL/SC on arm64). */
#ifndef ASM_SPINLOCK_H
#define ASM_SPINLOCK_H

#include <stdint.h>

typedef struct {
	uint16_t next;
	uint16_t owner;
} spinlock_t;

#define SPINLOCK_INIT { 0, 0 }

static inline void spin_lock(spinlock_t *l)
{
	uint16_t me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me)
		asm volatile("yield");
}

static inline int spin_trylock(spinlock_t *l)
{
	spinlock_t old = { __atomic_load_n(&l->next, __ATOMIC_RELAXED),
			   __atomic_load_n(&l->owner, __ATOMIC_RELAXED) };

	if (old.next != old.owner)
		return 0;
	return __atomic_compare_exchange_n(&l->next, &old.next, (uint16_t)(old.next + 1), 0,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->owner, (uint16_t)(l->owner + 1), __ATOMIC_RELEASE);
}

#endif
