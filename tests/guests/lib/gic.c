/* GICv3: distributor, this vCPU's redistributor, ICC_* CPU interface. */
#include "guest.h"

#define GICD_CTLR_RWP           (1U << 31)
#define GICD_CTLR_ARE_NS        (1U << 4)
#define GICD_CTLR_ENABLE_G1     (1U << 1)
#define GICR_WAKER_PSLEEP       (1U << 1)
#define GICR_WAKER_CASLEEP      (1U << 2)

uintptr_t gicr_rd_base(unsigned int cpu)
{
    return GICR_BASE + cpu * GICR_STRIDE;
}

uintptr_t gicr_sgi_base(unsigned int cpu)
{
    return gicr_rd_base(cpu) + GICR_SGI_OFFSET;
}

static void wait_rwp(void)
{
    u64 end = cntvct() + ticks_from_us(100000);
    while (mmio_read32(GICD_BASE + GICD_CTLR) & GICD_CTLR_RWP)
        if (cntvct() > end)
            fail("GICD_CTLR.RWP stuck");
}

void gic_dist_init(void)
{
    /* Affinity routing + Group 1 (bit 1 is EnableGrp1NS or, with DS=1, EnableGrp1). */
    mmio_write32(GICD_BASE + GICD_CTLR, GICD_CTLR_ARE_NS | GICD_CTLR_ENABLE_G1);
    wait_rwp();
}

void gic_cpu_init(void)
{
    unsigned int cpu = cpu_id();
    uintptr_t rd = gicr_rd_base(cpu);
    u64 typer = (u64)mmio_read32(rd + GICR_TYPER) | (u64)mmio_read32(rd + GICR_TYPER + 4) << 32;

    if ((typer >> 32) != (read_sysreg(mpidr_el1) & 0xffffff))
        info("vCPU %u: GICR_TYPER 0x%lx does not match MPIDR 0x%lx", cpu, typer,
             read_sysreg(mpidr_el1));
    /* Wake the redistributor (RAZ/WI on a virtual GIC is fine). */
    mmio_write32(rd + GICR_WAKER, mmio_read32(rd + GICR_WAKER) & ~GICR_WAKER_PSLEEP);
    u64 end = cntvct() + ticks_from_us(100000);
    while (mmio_read32(rd + GICR_WAKER) & GICR_WAKER_CASLEEP)
        if (cntvct() > end)
            fail("GICR_WAKER.ChildrenAsleep stuck on vCPU %u", cpu);

    /* All SGIs/PPIs: Group 1, disabled. */
    uintptr_t sgi = gicr_sgi_base(cpu);
    mmio_write32(sgi + GICR_IGROUPR0, ~0U);
    mmio_write32(sgi + GICR_ICENABLER0, ~0U);

    /* CPU interface: system registers, all priorities, Group 1 on. */
    if (!(read_sysreg(icc_sre_el1) & 1)) {
        write_sysreg(read_sysreg(icc_sre_el1) | 1, icc_sre_el1);
        isb();
    }
    write_sysreg(0xff, icc_pmr_el1);
    write_sysreg(0, icc_bpr1_el1);
    write_sysreg(1, icc_igrpen1_el1);
    isb();
}

void gic_enable_ppi(unsigned int intid)
{
    uintptr_t sgi = gicr_sgi_base(cpu_id());
    uintptr_t prio = sgi + GICR_IPRIORITYR(intid);
    unsigned int shift = (intid % 4) * 8;

    mmio_write32(prio, (mmio_read32(prio) & ~(0xffU << shift)) | GIC_PRIO_DEFAULT << shift);
    mmio_write32(sgi + GICR_ISENABLER0, 1U << intid);
    dsb_sy();
}

void gic_disable_ppi(unsigned int intid)
{
    mmio_write32(gicr_sgi_base(cpu_id()) + GICR_ICENABLER0, 1U << intid);
    dsb_sy();
}

bool gic_ppi_pending(unsigned int intid)
{
    return mmio_read32(gicr_sgi_base(cpu_id()) + GICR_ISPENDR0) & (1U << intid);
}

void gic_send_sgi(unsigned int intid, unsigned int target_cpu)
{
    /* Aff3.Aff2.Aff1 = 0, TargetList bit = Aff0 (vCPUs 0..15). */
    dsb_sy();
    write_sysreg((u64)(intid & 0xf) << 24 | (1U << (target_cpu & 0xf)), icc_sgi1r_el1);
    isb();
}

u32 gic_ack(void)
{
    u32 iar = read_sysreg(icc_iar1_el1);
    dsb_sy();
    return iar;
}

void gic_eoi(u32 iar)
{
    write_sysreg(iar, icc_eoir1_el1);
    isb();
}
