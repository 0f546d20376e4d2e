/*
 * Guest physical (IPA) memory map seen by a Domus DomU, and the alternative
 * map of a bare QEMU "virt" machine booted directly at EL1 (-DBARE), which is
 * only used to sanity-check the test framework without the hypervisor.
 */
#ifndef GUEST_PLATFORM_H
#define GUEST_PLATFORM_H

/* Usable from C, assembly and the (preprocessed) linker script. */
#if defined(__ASSEMBLER__) || defined(LINKER_SCRIPT)
#define UL(x) x
#else
#define UL(x) x##UL
#endif

#ifdef BARE
#define IS_BARE         1
#define UART_BASE       UL(0x09000000)   /* QEMU virt PL011 */
#define GICD_BASE       UL(0x08000000)
#define GICR_BASE       UL(0x080A0000)
#define LOAD_ADDR       UL(0x40200000)   /* QEMU puts an Image with text_offset 0 at RAM + 2 MiB */
#else
#define IS_BARE         0
#define UART_BASE       UL(0x22000000)   /* Xen GUEST_PL011_BASE, SPI 0 */
#define GICD_BASE       UL(0x03001000)   /* Xen GUEST_GICV3_GICD_BASE */
#define GICR_BASE       UL(0x03020000)   /* Xen GUEST_GICV3_GICR0_BASE */
#define LOAD_ADDR       UL(0x40000000)   /* GUEST_RAM0_BASE + text_offset (0) */
#endif

#define GUEST_RAM_BASE  UL(0x40000000)
#define GICR_STRIDE     UL(0x20000)      /* RD frame + SGI frame per vCPU */
#define GICR_SGI_OFFSET UL(0x10000)

#define NR_CPUS         4              /* per-vCPU stacks/state in the guest */
#define STACK_SHIFT     14             /* 16 KiB stack per vCPU */

#define INTID_VTIMER    27
#define INTID_PTIMER    30
#define INTID_UART      32

#endif
