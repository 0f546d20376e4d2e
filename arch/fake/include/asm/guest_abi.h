/*
 * The fake port's guest ABI: other values than any real port's, so that a
 * core that assumed one architecture's would fail its tests.
 */
#ifndef ASM_GUEST_ABI_H
#define ASM_GUEST_ABI_H

#include <public/xen.h>

#define GUEST_GNTTAB_BASE 0x08000000ull
#define GUEST_GNTTAB_SIZE 0x00400000ull
#define GUEST_MAGIC_BASE  0x09000000ull
#define GUEST_MAGIC_SIZE  0x00100000ull
#define GUEST_RAM0_BASE   0x10000000ull
#define GUEST_RAM0_SIZE   0x10000000ull

/* What setvcpucontext gives: the fake port boots a vCPU at pc with arg, in "mode" 1. */
#define VGCF_online (1u << 0)
struct vcpu_guest_context {
	uint32_t flags;
	uint32_t mode;
	uint64_t pc, arg;
};

#define GUEST_PADDR_BITS  36
#define XEN_CAPABILITIES  "xen-3.0-fake "
#define XEN_FEATURES      (1u << XENFEAT_auto_translated_physmap)
#define ARCH_WHERE        "on the fake machine"

#endif
