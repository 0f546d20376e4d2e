/* Stage-2 translation: a domain's guest-physical to host-physical map. */
#ifndef ASM_P2M_H
#define ASM_P2M_H

#include <domus/lib.h>

struct domain;

bool p2m_init(struct domain *d);
/* Maps [ipa, ipa+size) to [pa, ...) as normal RAM; uses 2 MiB blocks where aligned. */
bool p2m_map_ram(struct domain *d, uint64_t ipa, uint64_t pa, uint64_t size);
/* What a single-page mapping is: the domain's RAM is freed with the domain, the rest is not. */
enum p2m_type { P2M_RAM, P2M_SPECIAL, P2M_FOREIGN_RW, P2M_FOREIGN_RO };

/*
 * Maps one page at ipa (pa 0: unmaps it), splitting a block if needed.
 * *old_pa receives the RAM page it replaced, which the caller now owns (0 if none).
 */
bool p2m_set_page(struct domain *d, uint64_t ipa, uint64_t pa, enum p2m_type type,
		  uint64_t *old_pa);
/* The host physical address behind ipa, or false if unmapped. */
bool p2m_lookup(struct domain *d, uint64_t ipa, uint64_t *pa);
/* Frees the RAM the map points to and the tables themselves. */
void p2m_destroy(struct domain *d);
/* Loads the domain's stage-2 on this CPU. */
void p2m_activate(struct domain *d);
uint64_t p2m_vtcr(void);

#endif
