/*
 * The exit profile: counts per exit class and CPU, summed and printed at
 * power-off, so that the next bottleneck on the exit path shows without
 * guessing.  Off unless asked for: it reads the counter twice more per exit.
 */
#include <domus/arch.h>
#include <domus/console.h>
#include <domus/percpu.h>
#include <asm/exit_profile.h>

bool exit_profiling;

static const char *const class_names[NR_EXIT_CLASSES] = {
	[EXITC_HYPERCALL] = "hypercall", [EXITC_PSCI] = "psci", [EXITC_MMIO_UART] = "mmio-uart",
	[EXITC_MMIO_GIC] = "mmio-gic", [EXITC_MMIO_OTHER] = "mmio-other", [EXITC_WFI] = "wfi",
	[EXITC_WFE] = "wfe", [EXITC_SYSREG] = "sysreg", [EXITC_IRQ] = "irq",
	[EXITC_SCRUB] = "first-touch",
	[EXITC_ABORT] = "abort", [EXITC_OTHER] = "other",
};

void arch_exit_profile_start(void)
{
	exit_profiling = true;
}

void arch_exit_profile_report(void)
{
	uint64_t freq = arch_counter_freq();

	if (!exit_profiling)
		return;
	pr_info("exit profile: class count total_us ns_per_exit (all CPUs)\n");
	for (unsigned k = 0; k < NR_EXIT_CLASSES; k++) {
		uint64_t count = 0, ticks = 0;

		for (unsigned i = 0; i < nr_pcpus; i++) {
			count += pcpus[i].arch.exits.count[k];
			ticks += pcpus[i].arch.exits.ticks[k];
		}
		if (count)
			pr_info("exit profile: %s %lu %lu %lu\n", class_names[k], count,
				ticks * 1000000 / freq, ticks * 1000000000 / freq / count);
	}
}
