/* Stage 2 on arm64, beyond the p2m hooks of domus/arch.h. */
#ifndef ASM_P2M_H
#define ASM_P2M_H

#include <domus/lib.h>
#include <domus/cmdline.h>

#define P2M_IPA_BITS 39	/* guest physical addresses a domain can have */

struct domain;

/* How stage 2 maps guest memory (p2m_mapping=), decided once at boot. */
void p2m_setup(enum p2m_mapping how);
/*
 * Whether ipa is mapped now; RAM there still to be zeroed (a guest's first
 * touch) is zeroed, with its neighbours.  With d's p2m lock held.
 */
bool p2m_touch(struct domain *d, uint64_t ipa);
/* Loads the domain's stage-2 on this CPU. */
void p2m_activate(struct domain *d);
/* The same if what this CPU has loaded of d's is out of date (it mapped above 16 GiB since). */
void p2m_refresh(struct domain *d);
/* VTCR_EL2 for a walk from level 1 (all of the IPA space), as CPUs start. */
uint64_t p2m_vtcr(void);
/* Whether stage 2 can force guest RAM cacheable (FEAT_S2FWB; HCR_EL2.FWB is set then). */
bool p2m_forces_cacheable(void);

#endif
