/*
 * What Xen's guest ABI says for arm64, as far as the core needs it: the
 * guest physical map (public/arch-arm64.h), the capabilities string and the
 * feature bits a guest reads with xen_version.
 */
#ifndef ASM_GUEST_ABI_H
#define ASM_GUEST_ABI_H

#include <public/arch-arm64.h>
#include <public/xen.h>
#include <asm/p2m.h>

#define XEN_CAPABILITIES "xen-3.0-aarch64 "
/* Every domain's; Dom0 adds dom0, and each domain direct_mapped or not_direct_mapped. */
#define XEN_FEATURES (1u << XENFEAT_writable_page_tables | 1u << XENFEAT_auto_translated_physmap | \
		      1u << XENFEAT_memory_op_vnode_supported | 1u << XENFEAT_ARM_SMCCC_supported)

/* The size of a guest's physical address space (getdomaininfo's gpaddr_bits). */
#define GUEST_PADDR_BITS P2M_IPA_BITS

/* Where Domus runs, for its banner. */
#define ARCH_WHERE "at EL2"

#endif
