/*
 * Every RAM page's owner and references.  One 64-bit word a page: the
 * owner's serial (a number no other domain ever had, as domain ids come
 * back on restart) in the high half, the references in the low half, so that
 * taking a reference checks the owner and counts it in one atomic step.
 */
#include <domus/page.h>
#include <domus/arch.h>
#include <domus/domain.h>
#include <domus/page_alloc.h>

#define REFS_MASK 0xffffffffull

static uint64_t *words;		/* one per page of the allocator, by page_index() */
static uint64_t nr_words;

bool page_table_init(void)
{
	uint64_t bytes = page_alloc_total_pages() * sizeof(*words);
	uint64_t pa = alloc_pages(ALIGN_UP(bytes, PAGE_SIZE) / PAGE_SIZE, 1);

	if (!pa)
		return false;
	words = pa_to_va(pa);
	nr_words = page_alloc_total_pages();
	memset(words, 0, bytes);
	return true;
}

static uint64_t *word_of(uint64_t pa)
{
	uint64_t i;

	if (!words || !page_index(pa, &i) || i >= nr_words)
		return NULL;
	return &words[i];
}

/* A run the allocator gave: its words are consecutive too, found once for the run. */
void page_assign(uint64_t pa, uint64_t nr, const struct domain *d)
{
	uint64_t *w = word_of(pa), *last;

	if (!nr)
		return;
	last = word_of(pa + (nr - 1) * PAGE_SIZE);
	if (!w || !last || (uint64_t)(last - w) != nr - 1)
		panic("pages %lx+%lx given to d%u are not one run of RAM", pa, nr, d->id);
	for (uint64_t i = 0; i < nr; i++) {
		if (__atomic_load_n(&w[i], __ATOMIC_RELAXED))
			panic("page %lx given to d%u is not a free page", pa + i * PAGE_SIZE, d->id);
		__atomic_store_n(&w[i], (uint64_t)d->serial << 32 | 1, __ATOMIC_RELEASE);
	}
}

bool page_get(uint64_t pa, const struct domain *d)
{
	uint64_t *w = word_of(pa), old;

	if (!w)
		return false;
	old = __atomic_load_n(w, __ATOMIC_ACQUIRE);
	do {
		if (old >> 32 != d->serial || !(old & REFS_MASK) || (old & REFS_MASK) == REFS_MASK)
			return false;
	} while (!__atomic_compare_exchange_n(w, &old, old + 1, false, __ATOMIC_ACQ_REL,
					      __ATOMIC_ACQUIRE));
	return true;
}

void page_put(uint64_t pa)
{
	uint64_t *w = word_of(pa), old;

	if (!w)
		panic("reference dropped on %lx, which is not RAM", pa);
	old = __atomic_load_n(w, __ATOMIC_ACQUIRE);
	do {
		if (!(old & REFS_MASK))
			panic("reference dropped on free page %lx", pa);
		/* The last reference takes the owner with it. */
	} while (!__atomic_compare_exchange_n(w, &old, (old & REFS_MASK) == 1 ? 0 : old - 1, false,
					      __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
	if ((old & REFS_MASK) == 1)
		free_pages(pa, 1);	/* dirty: scrubbed in idle time or when next given */
}

uint32_t page_owner_serial(uint64_t pa)
{
	uint64_t *w = word_of(pa);

	return w ? (uint32_t)(__atomic_load_n(w, __ATOMIC_ACQUIRE) >> 32) : 0;
}

uint32_t page_refs(uint64_t pa)
{
	uint64_t *w = word_of(pa);

	return w ? (uint32_t)(__atomic_load_n(w, __ATOMIC_ACQUIRE) & REFS_MASK) : 0;
}

bool page_owned_by(uint64_t pa, const struct domain *d)
{
	uint64_t *w = word_of(pa), word = w ? __atomic_load_n(w, __ATOMIC_ACQUIRE) : 0;

	return (word & REFS_MASK) && word >> 32 == d->serial;
}
