/* The physical GICv3 and the virtual CPU interface's list registers. */
#ifndef ASM_GIC_H
#define ASM_GIC_H

#include <domus/lib.h>

#define SGI_KICK          0	/* another CPU changed what this one should run */
#define PPI_MAINTENANCE   25
#define PPI_HYP_TIMER     26
#define INTID_SPURIOUS    1023

struct vgic_lr;
struct vcpu;

void gic_init(uint64_t gicd, uint64_t gicr, uint64_t gicr_size);
void gic_cpu_init(void);
uint32_t gic_ack(void);
void gic_eoi(uint32_t intid);
void gic_send_sgi(unsigned cpu, unsigned sgi);
void gic_enable_ppi(uint32_t intid);
void gic_disable_ppi(uint32_t intid);
void gic_route_spi(uint32_t intid, unsigned cpu);
void gic_mask_spi(uint32_t intid);
void gic_unmask_spi(uint32_t intid);
unsigned gic_nr_lrs(void);

/* List registers and the rest of the virtual CPU interface of the loaded vCPU. */
void gic_lrs_save(struct vcpu *v);
void gic_lrs_clear(void);
void gic_lrs_load(struct vcpu *v);
void gic_vcpu_state_save(struct vcpu *v);
void gic_vcpu_state_load(struct vcpu *v);

#endif
