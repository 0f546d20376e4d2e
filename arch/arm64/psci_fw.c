/* Domus as a PSCI client of the firmware below it. */
#include <asm/psci_fw.h>
#include <public/psci.h>

static bool conduit_smc = true;

void psci_fw_init(bool use_smc)
{
	conduit_smc = use_smc;
}

static int64_t call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 asm("x0") = fid;
	register uint64_t x1 asm("x1") = a1;
	register uint64_t x2 asm("x2") = a2;
	register uint64_t x3 asm("x3") = a3;

	if (conduit_smc)
		asm volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17");
	else
		asm volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17");
	return (int64_t)x0;
}

int64_t psci_fw_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t ctx)
{
	return call(PSCI_CPU_ON_64, mpidr, entry, ctx);
}

void psci_fw_system_off(void)
{
	call(PSCI_SYSTEM_OFF, 0, 0, 0);
}

void psci_fw_system_reset(void)
{
	call(PSCI_SYSTEM_RESET, 0, 0, 0);
}
