/* The physical page allocator: every page of RAM that Domus does not occupy. */
#ifndef DOMUS_PAGE_ALLOC_H
#define DOMUS_PAGE_ALLOC_H

#include <domus/lib.h>

#define PAGE_ALLOC_MAX_BANKS 4
#define PAGE_ALLOC_MAX_PAGES (8 * GiB / PAGE_SIZE)

void page_alloc_init(void);
/* Adds a RAM bank; false if it is malformed, overlaps another, or exceeds the limits. */
bool page_alloc_add_bank(uint64_t base, uint64_t size);
/* Marks a range as in use (Domus itself, the DTB, boot modules). */
void page_alloc_reserve(uint64_t base, uint64_t size);
/* nr contiguous pages aligned to align_pages pages; returns the physical address or 0. */
uint64_t alloc_pages(uint64_t nr, uint64_t align_pages);
/* The same, zeroed where dirty: pages for a guest to see. */
uint64_t alloc_pages_scrubbed(uint64_t nr, uint64_t align_pages);
/* Whether each of these pages is clean (never used since scrubbed). */
bool page_alloc_clean(uint64_t pa, uint64_t nr);
/* Zeroes pages taken from the allocator unless each is clean (never used since scrubbed). */
void page_alloc_scrub(uint64_t pa, uint64_t nr);
/* Scrubs a few dirty free pages (a bitmap word's); false if none is left. */
bool page_alloc_scrub_some(void);
/* bootscrub=idle: idle CPUs scrub dirty free pages (off by default, see core/setup.c). */
void page_alloc_idle_scrubbing(bool on);
/* An idle CPU's page_alloc_scrub_some(), if idle scrubbing is on; short: it looks for work after. */
bool page_alloc_scrub_idle(void);
/* Free pages not yet scrubbed. */
uint64_t page_alloc_dirty_pages(void);
/* bootscrub=off: the free RAM Domus boots with is taken as clean. */
void page_alloc_trust_free(void);
/* The longest free aligned run, cut to max_nr pages: its address, its length in *nr (0: none). */
uint64_t alloc_pages_largest(uint64_t max_nr, uint64_t align_pages, uint64_t *nr);
void free_pages(uint64_t pa, uint64_t nr);
bool page_is_free(uint64_t pa);
/* The page's number among all the allocator's pages (0 .. total - 1); false if not RAM. */
/* Whether [base, base + size) touches RAM the allocator manages (Domus's image included). */
bool page_alloc_overlaps(uint64_t base, uint64_t size);
bool page_index(uint64_t pa, uint64_t *index);
uint64_t page_alloc_free_pages(void);
uint64_t page_alloc_total_pages(void);
/* From the lowest RAM address to the end of the highest bank (what the toolstack calls max_mfn). */
void page_alloc_span(uint64_t *start, uint64_t *end);

#endif
