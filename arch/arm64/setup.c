/*
 * arm64 start-up: the boot CPU's and the secondary CPUs' first C code, and
 * the platform the host device tree describes: the GICv3, the firmware's
 * PSCI conduit and the PL011 console.
 */
#include <domus/arch.h>
#include <domus/console.h>
#include <domus/percpu.h>
#include <domus/sched.h>
#include <domus/setup.h>
#include <drivers/pl011.h>
#include <asm/gic.h>
#include <asm/irq.h>
#include <asm/mmu.h>
#include <asm/p2m.h>
#include <asm/platform_dt.h>
#include <asm/psci_fw.h>
#include <asm/vcpu_ctx.h>
#include <asm/vtimer.h>

extern char _head[], _end[];
void secondary_entry(void);

static uint32_t console_intid;	/* the console UART's interrupt, 0 if unknown */

struct pcpu *arch_this_cpu(void)
{
	return (struct pcpu *)(uintptr_t)read_sysreg(tpidr_el2);
}

static void cpu_init(unsigned id, uint64_t mpidr)
{
	struct pcpu *c = &pcpus[id];

	c->id = id;
	c->arch.mpidr = mpidr;
	write_sysreg(tpidr_el2, (uintptr_t)c);
	cpu_virt_init();
	gic_cpu_init();
	vtimer_cpu_init();
}

void __attribute__((noreturn)) secondary_cpu_main(uint64_t id)
{
	mmu_enable();
	cpu_init(id, pcpus[id].arch.mpidr);
	pcpus[id].online = true;
	sched_run();
}

uint64_t arch_cpu_hwid(unsigned cpu)
{
	return pcpus[cpu].arch.mpidr;
}

void arch_boot_secondaries(const uint64_t *hwids, unsigned n)
{
	uint64_t self = read_sysreg(mpidr_el1) & 0xff00ffffffull;

	for (unsigned i = 0; i < n && nr_pcpus < NR_CPUS; i++) {
		unsigned id = nr_pcpus;
		int64_t ret;

		if (hwids[i] == self)
			continue;
		pcpus[id].arch.mpidr = hwids[i];
		ret = psci_fw_cpu_on(hwids[i], va_to_pa(secondary_entry), id);
		if (ret) {
			pr_warn("CPU with MPIDR %lx did not start (PSCI %ld)\n", hwids[i], ret);
			continue;
		}
		nr_pcpus++;
		while (!pcpus[id].online)
			dmb(ish);
	}
	pr_info("%u CPU(s) online\n", nr_pcpus);
}

const char *arch_platform_init(const void *fdt)
{
	const char *err = platform_dt_init(fdt);
	const struct platform *host = arm64_host();

	if (err)
		return err;
	psci_fw_init(host->psci_smc);
	p2m_setup(hv_options()->p2m_mapping);
	gic_init(host->gicd, host->gicr, host->gicr_size);
	cpu_init(0, read_sysreg(mpidr_el1) & 0xff00ffffffull);
	pcpus[0].online = true;
	if (console_intid) {
		irq_register(console_intid, pl011_irq);
		gic_route_spi(console_intid, 0);
		pl011_enable_rx_irq();
	}
	return NULL;
}

bool arch_console_init(const void *fdt, const char *name)
{
	uint64_t base;

	if (!platform_dt_find_uart(fdt, name, &base, &console_intid))
		return false;
	pl011_init(base);
	platform_set_console(base);
	return true;
}

void arch_console_early(void)
{
	pl011_init(EARLY_UART_BASE);
}

uint32_t arch_build_id(const uint8_t **id)
{
	/* An ELF note: name size, descriptor size, type, "GNU\0", then the id. */
	extern const uint32_t __build_id_start[], __build_id_end[];
	const uint32_t *note = __build_id_start;

	if (__build_id_end - note < 4 || note[0] != 4 || note + 4 + note[1] / 4 > __build_id_end)
		return 0;
	*id = (const uint8_t *)(note + 4);
	return note[1];
}

void __attribute__((noreturn)) boot_cpu_main(uint64_t dtb_pa, uint64_t load_pa)
{
	mmu_enable();
	write_sysreg(tpidr_el2, (uintptr_t)&pcpus[0]);
	domus_main(pa_to_va(dtb_pa), load_pa, va_to_pa(_end));
}
