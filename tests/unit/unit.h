/*
 * Host unit tests: a small harness, and domains built by the real core on
 * the fake machine (arch/fake/machine.c).
 *
 * Each test binary defines TEST(name) functions.  main() (harness.c)
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
#include "../../arch/fake/machine.h"

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

/* ---- domains, built by domain_create() on the fake machine ---- */

/*
 * nr_vcpus vCPUs (vCPU 0 powered on, the others off), FAKE_RAM_SIZE of RAM at
 * GUEST_RAM0_BASE, the port's virtual devices (an emulated UART among them),
 * vCPU i placed on physical CPU i.  After each test every domain is
 * destroyed, and the test fails if any page is then missing.
 */
#define FAKE_RAM_SIZE (4 * MiB)
struct domain *fake_domain(unsigned nr_vcpus);
/* The boot description a fake domain was built from, for a test to change (policies). */
struct boot_domain *fake_config(const struct domain *d);

/*
 * The same with Xen's PV interface (xen,enhanced).  Only its first
 * FAKE_PV_RAM_PAGES pages of RAM stay populated; the rest are ballooned
 * out, as holes to map grants into.  Guest virtual addresses are guest
 * physical addresses.
 */
#define FAKE_PV_RAM_PAGES 16
struct domain *fake_pv_domain(unsigned nr_vcpus);
/* The same, privileged as Dom0 is (the toolstack's hypercalls), though its id is not 0. */
struct domain *fake_hardware_domain(unsigned nr_vcpus);
/*
 * A XENMEM_decrease_reservation or XENMEM_populate_physmap call of d's
 * vCPU 0 for these frames (at most 480; the arguments go in guest page 0);
 * its result.
 */
int64_t guest_reservation(struct domain *d, unsigned cmd, const uint64_t *gfns, unsigned nr,
			  domid_t domid);
/* Domus's pointer to guest physical address ipa of d, or NULL if unmapped. */
void *guest_ptr(struct domain *d, uint64_t ipa);

/* How many times a CPU was kicked for v (its CPU was told to look again) since the last clear. */
unsigned kicks(const struct vcpu *v);
void clear_kicks(struct domain *d);
/* What the domain printed on the console so far (NUL-terminated). */
const char *guest_output(struct domain *d, size_t *len);
/* Whether the console printed text (Domus's own messages included) in this test. */
bool console_printed(const char *text);

/* A guest access through mmio_dispatch(), as a trapped load or store. */
enum mmio_result guest_access(struct vcpu *v, uint64_t addr, unsigned size, bool write,
			      uint64_t *val);
/* The same, for accesses that must be handled (MMIO_DONE) */
uint64_t guest_read_at(const char *file, int line, struct vcpu *v, uint64_t addr, unsigned size);
void guest_write_at(const char *file, int line, struct vcpu *v, uint64_t addr, unsigned size,
		    uint64_t val);
#define guest_read(v, addr, size)       guest_read_at(__FILE__, __LINE__, v, addr, size)
#define guest_write(v, addr, size, val) guest_write_at(__FILE__, __LINE__, v, addr, size, val)

/* A test that expects Domus to stop the machine (power off, panic) runs the code in here. */
bool unit_expect_stop(void (*fn)(void *), void *arg, const char **how);

#endif
