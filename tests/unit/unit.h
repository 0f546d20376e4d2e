/*
 * Host unit tests: a small harness, and the stand-ins for the parts of
 * Domus the common code calls into (scheduler, console, domain lookups).
 *
 * Each test binary defines TEST(name) functions.  main() (host_support.c)
 * runs them in order and prints one line per test:
 *     PASS <name>
 *     FAIL <name>: <file>:<line>: <expression>      (the first failed check)
 * Every failed check is also described on stderr.  The exit status is 1 when
 * a test failed.  Arguments, if any, select the tests to run by name.
 */
#ifndef UNIT_H
#define UNIT_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <domus/domain.h>
#include <domus/sched.h>

/* ---- the harness ---- */

void unit_register(const char *name, void (*fn)(void));
/* Records a failed check; a fatal one ends the current test. */
void unit_fail(const char *file, int line, const char *expr, const char *detail, bool fatal);
void unit_fail_eq(const char *file, int line, const char *expr, uint64_t got, uint64_t want);
void unit_fail_str(const char *file, int line, const char *expr, const char *got, const char *want);

#define TEST(name)                                                            \
	static void test_##name(void);                                        \
	__attribute__((constructor)) static void register_##name(void)        \
	{                                                                     \
		unit_register(#name, test_##name);                            \
	}                                                                     \
	static void test_##name(void)

#define CHECK(cond)                                                           \
	do {                                                                  \
		if (!(cond))                                                  \
			unit_fail(__FILE__, __LINE__, #cond, NULL, false);    \
	} while (0)

/* Like CHECK, but the test cannot go on without it. */
#define REQUIRE(cond)                                                         \
	do {                                                                  \
		if (!(cond))                                                  \
			unit_fail(__FILE__, __LINE__, #cond, NULL, true);     \
	} while (0)

#define CHECK_EQ(got, want)                                                   \
	do {                                                                  \
		uint64_t got_ = (uint64_t)(got), want_ = (uint64_t)(want);    \
		if (got_ != want_)                                            \
			unit_fail_eq(__FILE__, __LINE__, #got " == " #want,   \
				     got_, want_);                            \
	} while (0)

#define CHECK_STR(got, want)                                                  \
	do {                                                                  \
		const char *got_ = (got), *want_ = (want);                    \
		if (!got_ || strcmp(got_, want_))                             \
			unit_fail_str(__FILE__, __LINE__, #got " == " #want,  \
				      got_, want_);                           \
	} while (0)

/* got is a string that contains want (error messages: say what, not how). */
#define CHECK_CONTAINS(got, want)                                             \
	do {                                                                  \
		const char *got_ = (got), *want_ = (want);                    \
		if (!got_ || !strstr(got_, want_))                            \
			unit_fail_str(__FILE__, __LINE__,                     \
				      #got " contains " #want, got_, want_);  \
	} while (0)

/* ---- a fake domain, as domain_build() lays one out ---- */

/*
 * nr_vcpus vCPUs (vCPU 0 on, the others off), RAM at GUEST_RAM0_BASE of
 * 512 MiB, a vGIC, a vpl011 on SPI 32, and the three MMIO regions
 * registered at Xen's guest addresses.  Freed after each test.
 */
#define FAKE_RAM_SIZE (512 * MiB)
struct domain *fake_domain(unsigned nr_vcpus);

/*
 * The same with a Xen PV interface (pv_domain_init()): its "physical"
 * memory is host memory (pa_to_va() is the identity), and the first
 * FAKE_PV_RAM_PAGES pages of its RAM are populated in a fake stage 2;
 * guest virtual addresses are guest physical addresses.
 */
#define FAKE_PV_RAM_PAGES 16
struct domain *fake_pv_domain(unsigned nr_vcpus);
/* Domus's pointer to guest physical address ipa of d, or NULL if unmapped. */
void *guest_ptr(struct domain *d, uint64_t ipa);
/* The p2m_type ipa is mapped with, or -1. */
int fake_p2m_type(struct domain *d, uint64_t ipa);

/* How many times vcpu_kick()/vcpu_wake() named v since the last clear. */
unsigned kicks(const struct vcpu *v);
void clear_kicks(struct domain *d);
/* What the domain wrote with console_guest_write() (NUL-terminated). */
const char *guest_output(struct domain *d, size_t *len);

/* The scheduler and domain calls the common code made. */
struct host_calls {
	unsigned power_on, power_off, block, shutdown;
	struct vcpu *power_on_vcpu;
	uint64_t power_on_pc, power_on_ctx;
	struct vcpu *power_off_vcpu, *block_vcpu;
	struct domain *shutdown_domain;
	enum shutdown_reason shutdown_reason;
};
extern struct host_calls host_calls;

/* A guest access through mmio_dispatch(), as a trapped load or store. */
enum mmio_result guest_access(struct vcpu *v, uint64_t addr, unsigned size, bool write,
			      uint64_t *val);
/* The same, for accesses that must be handled (MMIO_DONE) */
uint64_t guest_read_at(const char *file, int line, struct vcpu *v, uint64_t addr, unsigned size);
void guest_write_at(const char *file, int line, struct vcpu *v, uint64_t addr, unsigned size,
		    uint64_t val);
#define guest_read(v, addr, size)       guest_read_at(__FILE__, __LINE__, v, addr, size)
#define guest_write(v, addr, size, val) guest_write_at(__FILE__, __LINE__, v, addr, size, val)

#endif
