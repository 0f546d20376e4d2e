/*
 * Physical GICv3: distributor and redistributor set-up, interrupt
 * acknowledge and SGIs through the system-register CPU interface, and the
 * ICH_* virtual interface registers that deliver a vCPU's interrupts.
 */
#include <domus/arch.h>
#include <asm/gicv3_regs.h>
#include <asm/gic.h>
#include <asm/mmu.h>
#include <asm/sysreg.h>
#include <domus/console.h>
#include <domus/domain.h>
#include <domus/percpu.h>

#define IRQ_PRIORITY     0xa0

#define ICH_HCR_EN       BIT(0)
#define ICH_HCR_UIE      BIT(1)
#define LR_STATE_PENDING BIT(62)
#define LR_STATE_ACTIVE  BIT(63)
#define LR_GROUP1        BIT(60)

static uint64_t gicd_base, gicr_base, gicr_size;
static unsigned nr_lrs;
static uint64_t cpu_gicr[NR_CPUS];

static volatile uint32_t *reg32(uint64_t addr) { return pa_to_va(addr); }
static volatile uint64_t *reg64(uint64_t addr) { return pa_to_va(addr); }

static void dist_wait_rwp(void)
{
	while (*reg32(gicd_base + GICD_CTLR) & GICD_CTLR_RWP)
		;
}

void gic_init(uint64_t gicd, uint64_t gicr, uint64_t size)
{
	unsigned lines;

	gicd_base = gicd;
	gicr_base = gicr;
	gicr_size = size;
	*reg32(gicd_base + GICD_CTLR) = 0;
	dist_wait_rwp();
	lines = ((*reg32(gicd_base + GICD_TYPER) & 0x1f) + 1) * 32;
	for (unsigned i = 32; i < lines && i < 1020; i += 32) {
		*reg32(gicd_base + GICD_ICENABLER + i / 8) = ~0u;
		*reg32(gicd_base + GICD_IGROUPR + i / 8) = ~0u;
	}
	for (unsigned i = 32; i < lines && i < 1020; i += 4)
		*reg32(gicd_base + GICD_IPRIORITYR + i) = IRQ_PRIORITY * 0x01010101u;
	/* Affinity routing, group 1 enabled. */
	*reg32(gicd_base + GICD_CTLR) = BIT(4) | BIT(1) | BIT(0);
	dist_wait_rwp();
	nr_lrs = (read_sysreg(ICH_VTR_EL2) & 0x1f) + 1;
	if (nr_lrs > VGIC_MAX_LRS)
		nr_lrs = VGIC_MAX_LRS;
}

static uint64_t find_redistributor(uint64_t mpidr)
{
	uint64_t aff = (mpidr & 0xffffff) | ((mpidr >> 32) & 0xff) << 24;

	for (uint64_t r = gicr_base; r < gicr_base + gicr_size; r += GICR_STRIDE) {
		uint64_t typer = *reg64(r + GICR_TYPER);
		if ((typer >> 32) == aff)
			return r;
		if (typer & GICR_TYPER_LAST)
			break;
	}
	return 0;
}

void gic_cpu_init(void)
{
	struct pcpu *c = arch_this_cpu();
	uint64_t rd = find_redistributor(c->arch.mpidr);

	if (!rd)
		panic("CPU%u: no GIC redistributor for MPIDR %lx", c->id, c->arch.mpidr);
	cpu_gicr[c->id] = rd;
	*reg32(rd + GICR_WAKER) &= ~WAKER_PS;
	while (*reg32(rd + GICR_WAKER) & WAKER_CA)
		;
	*reg32(rd + GICR_SGI_BASE + GICD_IGROUPR) = ~0u;
	*reg32(rd + GICR_SGI_BASE + GICD_ICENABLER) = ~0u;
	for (unsigned i = 0; i < 32; i += 4)
		*reg32(rd + GICR_SGI_BASE + GICD_IPRIORITYR + i) = IRQ_PRIORITY * 0x01010101u;
	*reg32(rd + GICR_SGI_BASE + GICD_ISENABLER) = 0xffff;	/* SGIs */

	write_sysreg(ICC_SRE_EL2, read_sysreg(ICC_SRE_EL2) | BIT(0) | BIT(3));
	isb();
	write_sysreg(ICC_PMR_EL1, 0xff);
	write_sysreg(ICC_BPR1_EL1, 0);
	write_sysreg(ICC_CTLR_EL1, 0);		/* EOI drops priority and deactivates */
	write_sysreg(ICC_IGRPEN1_EL1, 1);
	write_sysreg(ICH_HCR_EL2, ICH_HCR_EN);
	isb();
}

void gic_enable_ppi(uint32_t intid)
{
	*reg32(cpu_gicr[arch_this_cpu()->id] + GICR_SGI_BASE + GICD_ISENABLER) = 1u << intid;
}

void gic_disable_ppi(uint32_t intid)
{
	*reg32(cpu_gicr[arch_this_cpu()->id] + GICR_SGI_BASE + GICD_ICENABLER) = 1u << intid;
}

void gic_route_spi(uint32_t intid, unsigned cpu)
{
	uint64_t mpidr = pcpus[cpu].arch.mpidr;

	*reg64(gicd_base + GICD_IROUTER + intid * 8) = (mpidr & 0xffffff) | (mpidr & (0xffull << 32));
	*reg32(gicd_base + GICD_ISENABLER + (intid / 32) * 4) = 1u << (intid % 32);
}

void gic_mask_spi(uint32_t intid)
{
	*reg32(gicd_base + GICD_ICENABLER + (intid / 32) * 4) = 1u << (intid % 32);
}

void gic_unmask_spi(uint32_t intid)
{
	*reg32(gicd_base + GICD_ISENABLER + (intid / 32) * 4) = 1u << (intid % 32);
}

uint32_t gic_ack(void)
{
	uint32_t intid = read_sysreg(ICC_IAR1_EL1) & 0xffffff;

	dsb(sy);
	return intid;
}

void gic_eoi(uint32_t intid)
{
	write_sysreg(ICC_EOIR1_EL1, intid);
	isb();
}

void gic_send_sgi(unsigned cpu, unsigned sgi)
{
	uint64_t mpidr = pcpus[cpu].arch.mpidr;
	uint64_t v = ((mpidr >> 8) & 0xff) << 16 | ((mpidr >> 16) & 0xff) << 32 |
		     ((mpidr >> 32) & 0xff) << 48 | (uint64_t)sgi << 24 | (1ull << (mpidr & 0xf));

	dsb(ishst);
	write_sysreg(ICC_SGI1R_EL1, v);
	isb();
}

unsigned gic_nr_lrs(void)
{
	return nr_lrs;
}

static uint64_t read_lr(unsigned i)
{
	switch (i) {
	case 0: return read_sysreg(ICH_LR0_EL2);
	case 1: return read_sysreg(ICH_LR1_EL2);
	case 2: return read_sysreg(ICH_LR2_EL2);
	case 3: return read_sysreg(ICH_LR3_EL2);
	case 4: return read_sysreg(ICH_LR4_EL2);
	case 5: return read_sysreg(ICH_LR5_EL2);
	case 6: return read_sysreg(ICH_LR6_EL2);
	case 7: return read_sysreg(ICH_LR7_EL2);
	case 8: return read_sysreg(ICH_LR8_EL2);
	case 9: return read_sysreg(ICH_LR9_EL2);
	case 10: return read_sysreg(ICH_LR10_EL2);
	case 11: return read_sysreg(ICH_LR11_EL2);
	case 12: return read_sysreg(ICH_LR12_EL2);
	case 13: return read_sysreg(ICH_LR13_EL2);
	case 14: return read_sysreg(ICH_LR14_EL2);
	default: return read_sysreg(ICH_LR15_EL2);
	}
}

static void write_lr(unsigned i, uint64_t v)
{
	switch (i) {
	case 0: write_sysreg(ICH_LR0_EL2, v); break;
	case 1: write_sysreg(ICH_LR1_EL2, v); break;
	case 2: write_sysreg(ICH_LR2_EL2, v); break;
	case 3: write_sysreg(ICH_LR3_EL2, v); break;
	case 4: write_sysreg(ICH_LR4_EL2, v); break;
	case 5: write_sysreg(ICH_LR5_EL2, v); break;
	case 6: write_sysreg(ICH_LR6_EL2, v); break;
	case 7: write_sysreg(ICH_LR7_EL2, v); break;
	case 8: write_sysreg(ICH_LR8_EL2, v); break;
	case 9: write_sysreg(ICH_LR9_EL2, v); break;
	case 10: write_sysreg(ICH_LR10_EL2, v); break;
	case 11: write_sysreg(ICH_LR11_EL2, v); break;
	case 12: write_sysreg(ICH_LR12_EL2, v); break;
	case 13: write_sysreg(ICH_LR13_EL2, v); break;
	case 14: write_sysreg(ICH_LR14_EL2, v); break;
	default: write_sysreg(ICH_LR15_EL2, v); break;
	}
}

/*
 * A vCPU that comes onto this CPU starts from empty list registers and no
 * maintenance request: nothing the previous one left may reach it.  Its own
 * interrupts are written back before it runs (gic_lrs_load()).
 */
void gic_lrs_clear(void)
{
	for (unsigned i = 0; i < nr_lrs; i++)
		write_lr(i, 0);
	write_sysreg(ICH_HCR_EL2, ICH_HCR_EN);
}

/* After an exit: tell the vGIC what the guest did with each interrupt. */
void gic_lrs_save(struct vcpu *v)
{
	for (unsigned i = 0; v->arch.vgic.lr_used >> i; i++) {
		uint64_t lr;

		if (!(v->arch.vgic.lr_used & BIT(i)))
			continue;
		lr = read_lr(i);
		vgic_lr_sync(v, i, lr & LR_STATE_PENDING, lr & LR_STATE_ACTIVE);
	}
}

/* Before an entry: write what the vGIC wants delivered. */
void gic_lrs_load(struct vcpu *v)
{
	struct vgic_lr lrs[VGIC_MAX_LRS];
	bool more;

	/* Nothing in the list registers and nothing new: they are right as they are. */
	if (vgic_lr_idle(v))
		return;
	more = vgic_lr_fill(v, lrs, nr_lrs);

	for (unsigned i = 0; i < nr_lrs; i++) {
		uint64_t lr = 0;

		if (lrs[i].valid)
			lr = lrs[i].intid | (uint64_t)lrs[i].priority << 48 | LR_GROUP1 |
			     (lrs[i].pending ? LR_STATE_PENDING : 0) |
			     (lrs[i].active ? LR_STATE_ACTIVE : 0);
		write_lr(i, lr);
	}
	/* Interrupts that did not fit: ask for a maintenance IRQ when the LRs drain. */
	write_sysreg(ICH_HCR_EL2, ICH_HCR_EN | (more ? ICH_HCR_UIE : 0));
}

void gic_vcpu_state_save(struct vcpu *v)
{
	struct gic_cpu_state *g = &v->arch.gic;

	g->vmcr = read_sysreg(ICH_VMCR_EL2);
	g->ap0r[0] = read_sysreg(ICH_AP0R0_EL2);
	g->ap1r[0] = read_sysreg(ICH_AP1R0_EL2);
}

void gic_vcpu_state_load(struct vcpu *v)
{
	struct gic_cpu_state *g = &v->arch.gic;

	write_sysreg(ICH_VMCR_EL2, g->vmcr);
	write_sysreg(ICH_AP0R0_EL2, g->ap0r[0]);
	write_sysreg(ICH_AP1R0_EL2, g->ap1r[0]);
	isb();
}
