/*
 * The exit profile: counts per exit class and CPU, summed and printed at
 * power-off, so that the next bottleneck on the exit path shows without
 * guessing.  Off unless asked for: it reads the counter twice more per exit.
 */
#include <domus/arch.h>
#include <domus/console.h>
#include <domus/percpu.h>
#include <asm/exit_profile.h>
#include <xen/hypercall.h>

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

/* One row of the report: what, how many, their total EL2 time and time per exit. */
static void report_row(const char *what, const struct exit_tally *t)
{
	uint64_t freq = arch_counter_freq();

	if (t->count)
		pr_info("exit profile: %s %lu %lu %lu\n", what, t->count, t->ticks * 1000000 / freq,
			t->ticks * 1000000000 / freq / t->count);
}

static void add(struct exit_tally *sum, const struct exit_tally *t, unsigned n)
{
	for (unsigned k = 0; k < n; k++) {
		sum[k].count += t[k].count;
		sum[k].ticks += t[k].ticks;
	}
}

/* Each CPU met the registers in its own order: summed by key. */
static void add_sysregs(struct exit_stats *sum, const struct exit_stats *s)
{
	for (unsigned i = 0; i < NR_PROFILED_SYSREGS && s->sysreg_key[i]; i++) {
		for (unsigned k = 0; k < NR_PROFILED_SYSREGS; k++) {
			if (!sum->sysreg_key[k])
				sum->sysreg_key[k] = s->sysreg_key[i];
			if (sum->sysreg_key[k] == s->sysreg_key[i]) {
				add(&sum->sysreg[k], &s->sysreg[i], 1);
				break;
			}
		}
	}
}

/* A register as the assembler names it: S<op0>_<op1>_C<crn>_C<crm>_<op2>. */
static void report_sysregs(const struct exit_stats *sum)
{
	for (unsigned k = 0; k < NR_PROFILED_SYSREGS && sum->sysreg_key[k]; k++) {
		uint32_t key = sum->sysreg_key[k];
		char what[40];

		snprintf(what, sizeof(what), "sysreg:S%u_%u_C%u_C%u_%u", (key >> 20) & 3,
			 (key >> 14) & 7, (key >> 10) & 0xf, (key >> 1) & 0xf, (key >> 17) & 7);
		report_row(what, &sum->sysreg[k]);
	}
}

void arch_exit_profile_report(void)
{
	static struct exit_stats sum;	/* too big for the stack; reported at Dom0's halt or power-off */

	if (!exit_profiling)
		return;
	memset(&sum, 0, sizeof(sum));
	for (unsigned i = 0; i < nr_pcpus; i++) {
		add(sum.class, pcpus[i].arch.exits.class, NR_EXIT_CLASSES);
		add(sum.hcall, pcpus[i].arch.exits.hcall, NR_PROFILED_HCALLS);
		add(sum.memop, pcpus[i].arch.exits.memop, NR_PROFILED_MEMOPS);
		add_sysregs(&sum, &pcpus[i].arch.exits);
	}
	pr_info("exit profile: class count total_us ns_per_exit (all CPUs)\n");
	for (unsigned k = 0; k < NR_EXIT_CLASSES; k++)
		report_row(class_names[k], &sum.class[k]);
	for (unsigned k = 0; k < NR_PROFILED_HCALLS; k++) {
		char what[40];
		const char *name = hypercall_name(k);

		if (name)
			snprintf(what, sizeof(what), "hypercall:%s", name);
		else
			snprintf(what, sizeof(what), "hypercall:%u", k);
		report_row(what, &sum.hcall[k]);
	}
	for (unsigned k = 0; k < NR_PROFILED_MEMOPS; k++) {
		char what[40];

		snprintf(what, sizeof(what), "memory_op:%u", k);
		report_row(what, &sum.memop[k]);
	}
	report_sysregs(&sum);
}
