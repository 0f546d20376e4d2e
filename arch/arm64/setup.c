/* arm64 start-up: the boot CPU's and the secondary CPUs' first C code. */
#include <asm/arch.h>
#include <asm/gic.h>
#include <asm/irq.h>
#include <asm/mmu.h>
#include <asm/psci_fw.h>
#include <asm/vcpu_ctx.h>
#include <domus/console.h>
#include <domus/percpu.h>
#include <domus/sched.h>
#include <domus/setup.h>

extern char _head[], _end[];
void secondary_entry(void);
void vtimer_cpu_init(void);

struct pcpu pcpus[NR_CPUS];
unsigned nr_pcpus = 1;

struct pcpu *this_cpu(void)
{
	return (struct pcpu *)(uintptr_t)read_sysreg(tpidr_el2);
}

static void cpu_init(unsigned id, uint64_t mpidr)
{
	struct pcpu *c = &pcpus[id];

	c->id = id;
	c->mpidr = mpidr;
	write_sysreg(tpidr_el2, (uintptr_t)c);
	cpu_virt_init();
	gic_cpu_init();
	vtimer_cpu_init();
}

void __attribute__((noreturn)) secondary_cpu_main(uint64_t id)
{
	mmu_enable();
	cpu_init(id, pcpus[id].mpidr);
	pcpus[id].online = true;
	sched_run();
}

void arch_boot_secondaries(const uint64_t *mpidrs, unsigned n, bool psci_smc)
{
	uint64_t self = read_sysreg(mpidr_el1) & 0xff00ffffffull;

	psci_fw_init(psci_smc);
	for (unsigned i = 0; i < n && nr_pcpus < NR_CPUS; i++) {
		unsigned id = nr_pcpus;
		int64_t ret;

		if (mpidrs[i] == self)
			continue;
		pcpus[id].mpidr = mpidrs[i];
		ret = psci_fw_cpu_on(mpidrs[i], va_to_pa(secondary_entry), id);
		if (ret) {
			pr_warn("CPU with MPIDR %lx did not start (PSCI %ld)\n", mpidrs[i], ret);
			continue;
		}
		nr_pcpus++;
		while (!pcpus[id].online)
			dmb(ish);
	}
	pr_info("%u CPU(s) online\n", nr_pcpus);
}

void arch_init_interrupts(uint64_t gicd, uint64_t gicr, uint64_t gicr_size)
{
	gic_init(gicd, gicr, gicr_size);
	cpu_init(0, read_sysreg(mpidr_el1) & 0xff00ffffffull);
	pcpus[0].online = true;
}

void arch_console_irq(uint32_t intid, void (*handler)(uint32_t))
{
	irq_register(intid, handler);
	gic_route_spi(intid, 0);
}

void __attribute__((noreturn)) boot_cpu_main(uint64_t dtb_pa, uint64_t load_pa)
{
	mmu_enable();
	write_sysreg(tpidr_el2, (uintptr_t)&pcpus[0]);
	domus_main(pa_to_va(dtb_pa), load_pa, va_to_pa(_end));
}
