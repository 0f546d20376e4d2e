/* GICv3 distributor and redistributor register layout (Arm IHI 0069), for the driver and the emulation. */
#ifndef DOMUS_GICV3_REGS_H
#define DOMUS_GICV3_REGS_H

#define GICD_CTLR        0x0000
#define GICD_TYPER       0x0004
#define GICD_IIDR        0x0008
#define GICD_TYPER2      0x000c
#define GICD_IGROUPR     0x0080
#define GICD_ISENABLER   0x0100
#define GICD_ICENABLER   0x0180
#define GICD_ISPENDR     0x0200
#define GICD_ICPENDR     0x0280
#define GICD_ISACTIVER   0x0300
#define GICD_ICACTIVER   0x0380
#define GICD_IPRIORITYR  0x0400
#define GICD_ICFGR       0x0c00
#define GICD_IROUTER     0x6000
#define GICD_PIDR2       0xffe8
#define GICD_CTLR_RWP    (1u << 31)

#define GICR_CTLR        0x0000
#define GICR_IIDR        0x0004
#define GICR_TYPER       0x0008
#define GICR_WAKER       0x0014
#define GICR_PIDR2       0xffe8
#define GICR_SGI_BASE    0x10000	/* the SGI/PPI frame; its registers sit at GICD offsets */
#define GICR_STRIDE      0x20000
#define GICR_TYPER_LAST  (1u << 4)
#define WAKER_PS         (1u << 1)	/* ProcessorSleep */
#define WAKER_CA         (1u << 2)	/* ChildrenAsleep */

#endif
