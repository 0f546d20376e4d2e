/* The architecture-neutral steps of building a domain (core/domain_build.c). */
#ifndef DOMUS_DOMAIN_BUILD_H
#define DOMUS_DOMAIN_BUILD_H

#include <domus/lib.h>

struct boot_domain;
struct domain;

/* What no architecture accepts in a domain's configuration; NULL if it is fine. */
const char *domain_check_config(const struct boot_domain *cfg);
/* Zeroed whole pages from the allocator for Domus's own structures. */
void *domain_alloc_struct(size_t size);
void domain_free_struct(void *p, size_t size);
/*
 * Gives the domain all its RAM, scrubbed, in large blocks where possible:
 * 1 once it has it all, -1 out of memory, 0 when deadline (if not 0) passed
 * first (call again: it goes on from there).
 */
int domain_populate_ram(struct domain *d, uint64_t deadline);
/* Dom0: its RAM where it is in host memory; false if there is no such run free. */
bool domain_reserve_direct(struct domain *d);
/* Gives back what was reserved for a build that stopped before populating it all. */
void domain_release_unpopulated(struct domain *d);
/* Copies into the domain's RAM by guest physical address (images at build time). */
/*
 * Maps RAM just taken from the allocator at ipa of d: zeroed now if some of
 * it is dirty, or -- d's memory not being a device's too (not direct-mapped)
 * -- zeroed by the port on first touch, so that nobody waits for memory the
 * guest never uses.  False if the p2m has no room.
 */
bool domain_map_fresh_ram(struct domain *d, uint64_t ipa, uint64_t pa, uint64_t size);
/* Copies into the RAM of a domain being built, which has not run yet. */
bool domain_copy_to_phys(struct domain *d, uint64_t ipa, const void *src, uint64_t len);

#endif
