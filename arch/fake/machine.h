/*
 * What the fake machine lets a test see and do.  The machine is the part of
 * the fake port that knows nothing of a port's vCPU or domain state, so the
 * unit tests run the arm64 port's pure logic on it too.
 */
#ifndef FAKE_MACHINE_H
#define FAKE_MACHINE_H

#include <domus/lib.h>
#include <domus/config.h>

struct domain;

/* Host RAM the page allocator hands out: one bank, allocated once. */
#define FAKE_MACHINE_RAM (96 * MiB)
/* Sets up the machine: RAM for the allocator, nr_cpus CPUs online, the counter at 0. */
void fake_machine_reset(unsigned nr_cpus);

/* How many times arch_kick_cpu() named each CPU. */
extern unsigned fake_kicks[NR_CPUS];
/* The CPU the test runs on (arch_this_cpu()); the last one, so that others get kicks. */
#define FAKE_THIS_CPU (NR_CPUS - 1)
/* What the console UART printed, *len bytes (the oldest output is dropped). */
const char *fake_uart_output(size_t *len);
void fake_uart_clear(void);

/* The p2m type ipa is mapped with in d, or -1; how many entries d's p2m holds. */
int fake_p2m_type(struct domain *d, uint64_t ipa);
/* The TLB flushes of d's p2m changes a real machine would have done. */
unsigned fake_tlb_flushes(const struct domain *d);
unsigned fake_p2m_entries(const struct domain *d);

/*
 * Host interrupts given to a domain (arm64's passthrough hooks, which its
 * vGIC and Dom0 building call): the owner of each, and how many times the
 * guest has handled it.
 */
#define FAKE_MAX_SPI 128
extern struct domain *fake_spi_owner[FAKE_MAX_SPI];
extern unsigned fake_spi_handled[FAKE_MAX_SPI];

/* Called when Domus stops the machine (power off, halt after a panic); must not return. */
void __attribute__((noreturn)) fake_machine_stopped(const char *how);

#endif
