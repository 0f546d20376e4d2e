/*
 * The guest physical memory map and interrupt numbers of a Domus domain on
 * arm64.  These are Xen 4.17's values (xen/include/public/arch-arm.h), so a
 * guest built for Xen finds everything where it expects it.
 */
#ifndef PUBLIC_ARCH_ARM64_H
#define PUBLIC_ARCH_ARM64_H

#include <stddef.h>
#include <stdint.h>

#define GUEST_GICV3_GICD_BASE     0x03001000ull
#define GUEST_GICV3_GICD_SIZE     0x00010000ull
#define GUEST_GICV3_GICR0_BASE    0x03020000ull
#define GUEST_GICV3_RDIST_STRIDE  0x00020000ull
#define GUEST_PL011_BASE          0x22000000ull
#define GUEST_PL011_SIZE          0x00001000ull
#define GUEST_GNTTAB_BASE         0x38000000ull
#define GUEST_GNTTAB_SIZE         0x01000000ull
#define GUEST_MAGIC_BASE          0x39000000ull
#define GUEST_MAGIC_SIZE          0x01000000ull
#define GUEST_RAM0_BASE           0x40000000ull
#define GUEST_RAM0_SIZE           0xc0000000ull

/* Interrupt IDs. */
#define GUEST_VPL011_SPI          32
#define GUEST_TIMER_PHYS_S_PPI    29
#define GUEST_TIMER_PHYS_NS_PPI   30
#define GUEST_TIMER_VIRT_PPI      27
#define GUEST_TIMER_HYP_PPI       26
#define GUEST_EVTCHN_PPI          31

/* The boot state the toolstack gives vCPU 0 (setvcpucontext's cpsr and sctlr). */
#define PSR_MODE_EL0t             0x00
#define PSR_MODE_EL1t             0x04
#define PSR_MODE_EL1h             0x05
#define PSR_GUEST64_INIT          0x1c5ull	/* EL1h, SError, IRQ and FIQ masked */
#define SCTLR_GUEST_INIT          0x00c50078ull

/* A vCPU's registers as domctl setvcpucontext gives them (the toolstack boots vCPU 0 so). */
#define VGCF_online (1u << 0)
struct vcpu_guest_core_regs {
	uint64_t x[31];
	uint64_t pc64;			/* ELR_EL2 */
	uint64_t cpsr;			/* SPSR_EL2 */
	uint64_t spsr_el1;
	uint32_t spsr_fiq, spsr_irq, spsr_und, spsr_abt;	/* AArch32 only */
	uint64_t sp_el0;
	uint64_t sp_el1, elr_el1;
};

struct vcpu_guest_context {
	uint32_t flags;			/* VGCF_* */
	uint32_t pad;
	struct vcpu_guest_core_regs user_regs;
	uint64_t sctlr;
	uint64_t ttbcr, ttbr0, ttbr1;
};

_Static_assert(sizeof(struct vcpu_guest_core_regs) == 312 &&
	       offsetof(struct vcpu_guest_core_regs, pc64) == 248, "vcpu_guest_core_regs layout");
_Static_assert(sizeof(struct vcpu_guest_context) == 352 &&
	       offsetof(struct vcpu_guest_context, sctlr) == 320, "vcpu_guest_context layout");

/* Where images go inside guest RAM, as Xen's toolstack places them. */
#define GUEST_MODULES_OFFSET      0x08000000ull	/* initrd, then DTB: RAM base + 128 MiB */

/* The GIC's phandle in a Xen-generated guest device tree. */
#define GUEST_PHANDLE_GIC         65000

#endif
