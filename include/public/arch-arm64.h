/*
 * The guest physical memory map and interrupt numbers of a Domus domain on
 * arm64.  These are Xen 4.17's values (xen/include/public/arch-arm.h), so a
 * guest built for Xen finds everything where it expects it.
 */
#ifndef PUBLIC_ARCH_ARM64_H
#define PUBLIC_ARCH_ARM64_H

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

/* Where images go inside guest RAM, as Xen's toolstack places them. */
#define GUEST_MODULES_OFFSET      0x08000000ull	/* initrd, then DTB: RAM base + 128 MiB */

/* The GIC's phandle in a Xen-generated guest device tree. */
#define GUEST_PHANDLE_GIC         65000

#endif
