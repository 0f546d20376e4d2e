/* Calls to the platform firmware's PSCI (SMC or HVC conduit, from the host DT). */
#ifndef ASM_PSCI_FW_H
#define ASM_PSCI_FW_H

#include <stdbool.h>
#include <stdint.h>

void psci_fw_init(bool use_smc);
int64_t psci_fw_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t ctx);
void psci_fw_system_off(void);
void psci_fw_system_reset(void);

#endif
