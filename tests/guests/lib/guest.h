/*
 * Domus micro-guest library: everything a test needs, in one header.
 *
 * A test is one file tests/guests/<name>.c that defines
 *
 *      void test_main(void)
 *
 * which runs on vCPU 0 with interrupts masked.  It records results with
 * CHECK()/CHECK_HV() and returns (the library prints the verdict), or ends
 * early with pass()/fail()/skip().  Exactly one verdict line is printed:
 *
 *      domus-test: <name>: PASS | FAIL <reason> | SKIP <reason>
 *
 * and then the guest calls PSCI SYSTEM_OFF.
 */
#ifndef GUEST_H
#define GUEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform.h"

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;

#define ARRAY_SIZE(a)   (sizeof(a) / sizeof((a)[0]))
#define __noreturn      __attribute__((noreturn))
#define __printf(a, b)  __attribute__((format(printf, a, b)))

/* The test's name: the Makefile compiles <name>.c with -DTEST_NAME="<name>". */
extern const char test_name[];
#ifdef TEST_NAME
const char test_name[] = TEST_NAME;
#endif

void test_main(void);

/* ---- system registers, barriers -------------------------------------- */

#define read_sysreg(r) ({ u64 __v; asm volatile("mrs %0, " #r : "=r"(__v)); __v; })
#define write_sysreg(v, r) asm volatile("msr " #r ", %0" : : "r"((u64)(v)))

static inline void isb(void) { asm volatile("isb" ::: "memory"); }
static inline void dsb_sy(void) { asm volatile("dsb sy" ::: "memory"); }
static inline void wfi(void) { asm volatile("wfi" ::: "memory"); }
static inline void cpu_relax(void) { asm volatile("yield" ::: "memory"); }
static inline void irq_enable(void) { asm volatile("msr daifclr, #2\n isb" ::: "memory"); }
static inline void irq_disable(void) { asm volatile("msr daifset, #2" ::: "memory"); }
static inline void debug_enable(void) { asm volatile("msr daifclr, #8\n isb" ::: "memory"); }
static inline void debug_disable(void) { asm volatile("msr daifset, #8" ::: "memory"); }

/* Shared-variable accesses between vCPUs (MMU off: Device memory, coherent). */
#define READ_ONCE(x)     (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) do { *(volatile __typeof__(x) *)&(x) = (v); dsb_sy(); } while (0)

/*
 * MMIO: single plain "ldr/str Wt, [Xn]" instructions, so a trapping access
 * always has a valid ESR_EL2.ISS syndrome (ISV=1) for the hypervisor.
 */
static inline u32 mmio_read32(uintptr_t a)
{
    u32 v;
    asm volatile("ldr %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
    return v;
}

static inline void mmio_write32(uintptr_t a, u32 v)
{
    asm volatile("str %w0, [%1]" : : "rZ"(v), "r"(a) : "memory");
}

static inline u64 mmio_read64(uintptr_t a)
{
    u64 v;
    asm volatile("ldr %0, [%1]" : "=r"(v) : "r"(a) : "memory");
    return v;
}

/* ---- console (PL011) -------------------------------------------------- */

void putchar_uart(char c);
void puts_uart(const char *s);
int printf(const char *fmt, ...) __printf(1, 2);
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
/* "info: <msg>\n" */
void info(const char *fmt, ...) __printf(1, 2);

/* ---- verdict ------------------------------------------------------------ */

void pass(void) __noreturn;
void fail(const char *fmt, ...) __printf(1, 2) __noreturn;
void skip(const char *fmt, ...) __printf(1, 2) __noreturn;
/* PASS if no check failed, else FAIL with the first failure. */
void finish(void) __noreturn;

/* Record a failed check (printed as "info: FAILED: ..."); the test goes on. */
void check_failed(const char *file, int line, const char *fmt, ...) __printf(3, 4);
/* A check that only a real hypervisor can satisfy: ignored in BARE builds. */
void check_failed_hv(const char *file, int line, const char *fmt, ...) __printf(3, 4);
extern unsigned int checks_failed;

#define CHECK(cond, ...) \
    do { if (!(cond)) check_failed(__FILE__, __LINE__, __VA_ARGS__); } while (0)
#define CHECK_HV(cond, ...) \
    do { if (!(cond)) check_failed_hv(__FILE__, __LINE__, __VA_ARGS__); } while (0)

/* ---- exceptions --------------------------------------------------------- */

struct exc_regs {
    u64 x[31];
    u64 elr;
    u64 spsr;
    u64 esr;
    u64 far;
    u64 pad;
};

#define ESR_EC(esr)         (((esr) >> 26) & 0x3f)
#define EC_UNKNOWN          0x00
#define EC_SVC64            0x15
#define EC_HVC64            0x16
#define EC_SMC64            0x17
#define EC_SYSREG           0x18
#define EC_IABT_CUR         0x21
#define EC_DABT_CUR         0x25
#define EC_BREAKPT_CUR      0x31
#define EC_SSTEP_CUR        0x33
#define EC_WATCHPT_CUR      0x35
#define ESR_DABT_ISV        (1UL << 24)
#define ESR_DABT_FNV        (1UL << 10)
#define ESR_DABT_WNR        (1UL << 6)
#define ESR_DABT_DFSC(esr)  ((esr) & 0x3f)

struct fault_info {
    u64 esr;
    u64 elr;
    u64 far;
    unsigned int ec;
};

/*
 * Expected synchronous exceptions.  fault_expect() arms the current vCPU:
 * the next synchronous exception is recorded instead of failing the test,
 * and execution resumes after the faulting instruction (ELR + 4).  Debug
 * exceptions (breakpoint, step, watchpoint) instead resume at ELR with
 * PSTATE.D set, so they do not fire again.  fault_taken() disarms and says
 * whether an exception was taken; fault_last() gives its syndrome.
 */
void fault_expect(void);
bool fault_taken(void);
const struct fault_info *fault_last(void);

/* IRQ handler, called with the acknowledged INTID; the library EOIs it. */
typedef void (*irq_handler_t)(unsigned int cpu, unsigned int intid);
void irq_set_handler(irq_handler_t fn);

/* ---- SMCCC / PSCI --------------------------------------------------------- */

#define SMCCC_VERSION               0x80000000U
#define SMCCC_ARCH_FEATURES         0x80000001U
#define PSCI_VERSION                0x84000000U
#define PSCI_CPU_SUSPEND_64         0xC4000001U
#define PSCI_CPU_OFF                0x84000002U
#define PSCI_CPU_ON_64              0xC4000003U
#define PSCI_AFFINITY_INFO_64       0xC4000004U
#define PSCI_MIGRATE_INFO_TYPE      0x84000006U
#define PSCI_SYSTEM_OFF             0x84000008U
#define PSCI_SYSTEM_RESET           0x84000009U
#define PSCI_FEATURES               0x8400000AU
#define PSCI_CPU_FREEZE             0x8400000BU
#define PSCI_SYSTEM_SUSPEND_64      0xC400000EU

#define PSCI_SUCCESS                0
#define PSCI_NOT_SUPPORTED          (-1)
#define PSCI_INVALID_PARAMETERS     (-2)
#define PSCI_DENIED                 (-3)
#define PSCI_ALREADY_ON             (-4)
#define PSCI_ON_PENDING             (-5)
#define PSCI_INVALID_ADDRESS        (-9)

enum conduit { CONDUIT_HVC, CONDUIT_SMC };

/* Raw SMCCC call with "#0": returns x0 unmodified (callers compare widths). */
u64 smccc_call(enum conduit c, u32 fn, u64 a1, u64 a2, u64 a3);
/* Result of function fn as the signed value of its width (SMC32 or SMC64). */
s64 smccc_result(u32 fn, u64 x0);
/* smccc_result(fn, smccc_call(HVC, ...)) */
s64 psci_call(u32 fn, u64 a1, u64 a2, u64 a3);

s64 psci_cpu_on(u64 mpidr, u64 entry, u64 context);
s64 psci_affinity_info(u64 mpidr);
void psci_cpu_off(void) __noreturn;
void psci_system_off(void) __noreturn;

/* ---- SMP ------------------------------------------------------------------ */

extern void secondary_entry(void);      /* PSCI CPU_ON entry point (head.S) */
unsigned int cpu_id(void);              /* MPIDR_EL1.Aff0 */
unsigned int nr_cpus(void);             /* from the device tree */
void require_cpus(unsigned int n);      /* SKIP the test if fewer vCPUs */
/*
 * Start vCPU cpu at fn(arg) through PSCI CPU_ON (x0 = arg).  When fn
 * returns the vCPU calls CPU_OFF.  Returns the PSCI status.
 */
s64 start_cpu(unsigned int cpu, void (*fn)(u64), u64 arg);
/* Wait (polling, with timeout) until AFFINITY_INFO(cpu) == 1 (OFF). */
bool wait_cpu_off(unsigned int cpu, unsigned int timeout_ms);

/* ---- timer ------------------------------------------------------------------ */

static inline u64 cntvct(void) { isb(); return read_sysreg(cntvct_el0); }
static inline u64 cntfrq(void) { return read_sysreg(cntfrq_el0); }
#define CNT_CTL_ENABLE  (1U << 0)
#define CNT_CTL_IMASK   (1U << 1)
#define CNT_CTL_ISTATUS (1U << 2)

u64 ticks_from_us(u64 us);
u64 us_from_ticks(u64 ticks);
u64 now_us(void);
void udelay(u64 us);
/* Poll until *flag >= value or timeout; true if reached. */
bool wait_flag(volatile unsigned int *flag, unsigned int value, unsigned int timeout_ms);
/*
 * Sleep in WFI with IRQs unmasked until *flag >= value (race-free: checks
 * the flag with IRQs masked; WFI wakes on a pending IRQ even when masked).
 * Returns with IRQs masked.
 */
void wfi_until(volatile unsigned int *flag, unsigned int value);

/* ---- GICv3 ------------------------------------------------------------------ */

#define GICD_CTLR           0x0000
#define GICD_TYPER          0x0004
#define GICD_ISENABLER(n)   (0x0100 + 4 * (n))
#define GICR_CTLR           0x0000
#define GICR_TYPER          0x0008
#define GICR_WAKER          0x0014
#define GICR_IGROUPR0       0x0080
#define GICR_ISENABLER0     0x0100
#define GICR_ICENABLER0     0x0180
#define GICR_ISPENDR0       0x0200
#define GICR_ICPENDR0       0x0280
#define GICR_ISACTIVER0     0x0300
#define GICR_IPRIORITYR(n)  (0x0400 + 4 * ((n) / 4))

#define GIC_PRIO_DEFAULT    0xa0
#define INTID_SPURIOUS      1023

uintptr_t gicr_rd_base(unsigned int cpu);
uintptr_t gicr_sgi_base(unsigned int cpu);
void gic_dist_init(void);       /* once, on vCPU 0 */
void gic_cpu_init(void);        /* on each vCPU: redistributor + ICC_* */
void gic_enable_ppi(unsigned int intid);        /* SGI/PPI of this vCPU */
void gic_disable_ppi(unsigned int intid);
bool gic_ppi_pending(unsigned int intid);
void gic_send_sgi(unsigned int intid, unsigned int target_cpu);
u32 gic_ack(void);              /* ICC_IAR1_EL1 */
void gic_eoi(u32 iar);          /* ICC_EOIR1_EL1 */

/* ---- device tree -------------------------------------------------------------- */

extern u64 boot_dtb;            /* x0 at entry */
struct mem_bank { u64 base, size; };
/* /memory banks; returns how many (0 if the DT is unusable). */
unsigned int fdt_memory(struct mem_bank *banks, unsigned int max);
unsigned int fdt_cpu_count(void);
u32 fdt_totalsize(void);

/* ---- strings --------------------------------------------------------------------- */

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strncmp(const char *a, const char *b, size_t n);

#endif
