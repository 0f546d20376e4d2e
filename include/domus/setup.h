/* Start-up: from the boot CPU's first C code to running domains. */
#ifndef DOMUS_SETUP_H
#define DOMUS_SETUP_H

#include <domus/lib.h>

void __attribute__((noreturn)) domus_main(const void *fdt, uint64_t image_start,
					  uint64_t image_end);

/* Arch hooks start-up uses. */
void arch_init_interrupts(uint64_t gicd, uint64_t gicr, uint64_t gicr_size);
void arch_boot_secondaries(const uint64_t *mpidrs, unsigned n, bool psci_smc);
void arch_console_irq(uint32_t intid, void (*handler)(uint32_t));

#endif
