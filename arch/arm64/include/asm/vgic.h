/*
 * The virtual GICv3 seen by a guest: an emulated distributor and
 * redistributors (MMIO), with delivery through the CPU's list registers.
 * The state machine is architecture-neutral; arch code only encodes the
 * list-register entries computed here.
 */
#ifndef DOMUS_VGIC_H
#define DOMUS_VGIC_H

#include <domus/lib.h>
#include <domus/mmio.h>
#include <asm/spinlock.h>

#define VGIC_NR_PRIVATE   32
#define VGIC_NR_SPIS      64
#define VGIC_MAX_LRS      16
#define VGIC_RDIST_STRIDE 0x20000	/* RD_base + SGI_base frames per vCPU */
#define VGIC_NO_LR        (-1)

struct vgic_irq {
	uint32_t intid;
	uint8_t priority;
	bool enabled;
	bool pending;		/* latched: edge, ISPENDR, or a level line that rose */
	bool repend;		/* re-triggered while in a list register */
	bool active;
	bool line;		/* input level, for level-sensitive interrupts */
	bool edge;
	bool hw;		/* a host SPI passed through: its line is the device's */
	bool sampled;		/* its line is known at exits only: a timer PPI, or hw */
	int8_t lr;		/* list register holding it, or VGIC_NO_LR */
	int8_t lr_vcpu;		/* vCPU whose list registers hold it */
	uint64_t irouter;	/* SPIs only */
};

struct vgic_cpu {
	struct vgic_irq priv[VGIC_NR_PRIVATE];
	struct vgic_irq *lr_irq[VGIC_MAX_LRS];
	uint16_t lr_used;	/* bit i: lr_irq[i] is set (checked on every entry) */
	bool asleep;		/* GICR_WAKER.ProcessorSleep */
	unsigned seen_gen;	/* the distributor generation its LRs were filled at */
};

struct vgic_dist {
	spinlock_t lock;
	uint32_t ctlr;
	volatile unsigned gen;	/* bumped by every change of interrupt state */
	struct vgic_irq spi[VGIC_NR_SPIS];
};

/* One list register, architecture-neutral. */
struct vgic_lr {
	bool valid;
	uint32_t intid;
	uint8_t priority;
	bool pending;
	bool active;
};

struct domain;
struct vcpu;

extern const struct mmio_ops vgic_dist_ops;
extern const struct mmio_ops vgic_rdist_ops;

void vgic_domain_init(struct domain *d);
void vgic_vcpu_init(struct vcpu *v);

/* Raise an edge (or a one-shot) on a private interrupt of v, or on an SPI. */
void vgic_inject_private(struct vcpu *v, uint32_t intid);
void vgic_inject_spi(struct domain *d, uint32_t intid);
/* Drive the input line of a level-sensitive SPI. */
void vgic_set_spi_level(struct domain *d, uint32_t intid, bool level);
/* The same for a private interrupt of v (a timer's output), and that line now. */
void vgic_set_private_level(struct vcpu *v, uint32_t intid, bool level);
bool vgic_private_line(const struct vcpu *v, uint32_t intid);
/* SPI intid of d is a host interrupt (asm/passthrough.h). */
void vgic_set_hw(struct domain *d, uint32_t intid);
/* A guest write to ICC_SGI1R_EL1. */
void vgic_send_sgi(struct vcpu *src, uint64_t sgi1r);
/* Whether the interrupt is pending, as GICD/GICR_ISPENDR would report it. */
bool vgic_irq_is_pending(const struct vgic_irq *irq);

/* List registers: record what the guest did on exit, recompute them on entry. */
void vgic_lr_sync(struct vcpu *v, unsigned lr, bool pending, bool active);
/* Whether the list registers are empty and nothing changed since they were filled. */
bool vgic_lr_idle(const struct vcpu *v);
/* Fills lrs[0..nr); returns true when interrupts remain that did not fit. */
bool vgic_lr_fill(struct vcpu *v, struct vgic_lr *lrs, unsigned nr);

#endif
