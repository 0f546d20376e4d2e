/* Exception dispatch: expected faults, IRQs, and everything else = FAIL. */
#include "guest.h"

struct cpu_faults {
    volatile unsigned int armed;
    volatile unsigned int taken;
    struct fault_info last;
};

static struct cpu_faults faults[NR_CPUS];
static volatile irq_handler_t irq_handler;

static const char *const vector_names[16] = {
    "sync/SP0", "irq/SP0", "fiq/SP0", "serror/SP0",
    "sync", "irq", "fiq", "serror",
    "sync/lower64", "irq/lower64", "fiq/lower64", "serror/lower64",
    "sync/lower32", "irq/lower32", "fiq/lower32", "serror/lower32",
};

void fault_expect(void)
{
    struct cpu_faults *f = &faults[cpu_id()];
    f->taken = 0;
    f->armed = 1;
    asm volatile("" ::: "memory");
}

bool fault_taken(void)
{
    struct cpu_faults *f = &faults[cpu_id()];
    asm volatile("" ::: "memory");
    f->armed = 0;
    return f->taken != 0;
}

const struct fault_info *fault_last(void)
{
    return &faults[cpu_id()].last;
}

void irq_set_handler(irq_handler_t fn)
{
    WRITE_ONCE(irq_handler, fn);
}

static void handle_sync(struct exc_regs *r)
{
    struct cpu_faults *f = &faults[cpu_id()];
    unsigned int ec = ESR_EC(r->esr);

    if (!f->armed)
        fail("unexpected exception EC 0x%x ESR 0x%lx ELR 0x%lx FAR 0x%lx on vCPU %u",
             ec, r->esr, r->elr, r->far, cpu_id());
    f->armed = 0;
    f->taken = 1;
    f->last.esr = r->esr;
    f->last.elr = r->elr;
    f->last.far = r->far;
    f->last.ec = ec;
    if (ec >= 0x30 && ec <= 0x35)
        r->spsr |= 1UL << 9;    /* debug: mask PSTATE.D, re-run the instruction */
    else
        r->elr += 4;            /* skip the faulting A64 instruction */
}

static void handle_irq(void)
{
    u32 iar = gic_ack();
    unsigned int intid = iar & 0xffffff;

    if (intid >= 1020)          /* spurious: nothing to EOI */
        return;
    if (!irq_handler)
        fail("unexpected IRQ %u on vCPU %u", intid, cpu_id());
    irq_handler(cpu_id(), intid);
    gic_eoi(iar);
}

void exception_dispatch(unsigned long index, struct exc_regs *r)
{
    switch (index) {
    case 4:
        handle_sync(r);
        return;
    case 5:
        handle_irq();
        return;
    default:
        fail("unexpected %s exception ESR 0x%lx ELR 0x%lx FAR 0x%lx on vCPU %u",
             vector_names[index & 15], r->esr, r->elr, r->far, cpu_id());
    }
}
