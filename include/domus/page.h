/*
 * Every RAM page's owner and references (core/page.c), as Xen's frame table
 * keeps them.  A page a domain holds has that domain as its owner and one
 * reference for the holding itself; each grant mapping, and each page Domus
 * keeps a pointer into (a registered vcpu_info), adds one.  A page goes back
 * to the allocator, to be scrubbed, when its last reference goes, whoever drops it:
 * a domain giving a page back while another maps it only drops its own.
 */
#ifndef DOMUS_PAGE_H
#define DOMUS_PAGE_H

#include <domus/lib.h>

struct domain;

/* Sets up the table for every page the allocator has; false if out of memory. */
bool page_table_init(void);
/* Gives nr fresh pages from the allocator to d: owner d, one reference each. */
void page_assign(uint64_t pa, uint64_t nr, const struct domain *d);
/* Takes a reference on a page d owns; false if d does not own it (or nobody does). */
bool page_get(uint64_t pa, const struct domain *d);
/* Drops a reference; the last one frees the page (dirty: page_alloc.h). */
void page_put(uint64_t pa);
/* The serial of the domain that owns the page (0: free or not the allocator's). */
uint32_t page_owner_serial(uint64_t pa);
/* The page's references (0: free or not the allocator's). */
uint32_t page_refs(uint64_t pa);
bool page_owned_by(uint64_t pa, const struct domain *d);

#endif
