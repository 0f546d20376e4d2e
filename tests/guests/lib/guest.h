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
typedef int16_t s16;
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
/*
 * Sleep in WFI until the virtual timer passes now + us, with interrupts
 * masked: unlike udelay() the vCPU blocks, so others get its physical CPU.
 * Sets up the GIC for the virtual timer PPI on first use on each vCPU (and
 * takes the timer: not for tests that use it themselves).
 */
void usleep(u64 us);
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
/* Whether the device tree has a PL011 (a domain xl builds has none without vuart=). */
bool fdt_has_uart(void);

/* ---- strings --------------------------------------------------------------------- */

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strncmp(const char *a, const char *b, size_t n);

/* ---- Xen PV interface (lib/xen.c) -------------------------------------------------
 * Written from the Xen 4.17 public ABI (AArch64 layouts), independently of
 * Domus's own header, so a wrong layout in Domus shows up as a failure.
 * HVC #0xEA1, number in x16, arguments x0-x4, result x0 (negative Xen errno).
 */
#define XEN_EPERM   1
#define XEN_ENOENT  2
#define XEN_ESRCH   3
#define XEN_EFAULT  14
#define XEN_EBUSY   16
#define XEN_EEXIST  17
#define XEN_EINVAL  22
#define XEN_ENOSPC  28
#define XEN_ENOSYS  38

#define HYP_memory_op         12
#define HYP_multicall         13
#define HYP_xen_version       17
#define HYP_console_io        18
#define HYP_grant_table_op    20
#define HYP_vm_assist         21
#define HYP_vcpu_op           24
#define HYP_sched_op          29
#define HYP_event_channel_op  32
#define HYP_hvm_op            34

#define DOMID_SELF            0x7ff0
#define XEN_EVTCHN_PPI        31
#define XEN_GNTTAB_BASE       UL(0x38000000)    /* grant window (GUEST_GNTTAB_BASE) */

#define XENVER_version        0
#define XENVER_extraversion   1
#define XENVER_capabilities   3
#define XENVER_get_features   6
#define XENVER_pagesize       7

#define XENMEM_increase_reservation 0
#define XENMEM_decrease_reservation 1
#define XENMEM_current_reservation  3
#define XENMEM_populate_physmap     6
#define XENMEM_add_to_physmap       7
#define XENMEM_remove_from_physmap  15
#define XENMAPSPACE_shared_info     0
#define XENMAPSPACE_grant_table     1

#define VCPUOP_register_vcpu_info   10

#define CONSOLEIO_write             0
#define HVMOP_get_param             1
#define HVM_PARAM_CONSOLE_PFN       17
#define HVM_PARAM_CONSOLE_EVTCHN    18

#define EVTCHNOP_bind_interdomain   0
#define EVTCHNOP_close              3
#define EVTCHNOP_send               4
#define EVTCHNOP_status             5
#define EVTCHNOP_alloc_unbound      6
#define EVTCHNOP_bind_ipi           7
#define EVTCHNOP_unmask             9
#define EVTCHNSTAT_closed           0
#define EVTCHNSTAT_unbound          1
#define EVTCHNSTAT_interdomain      2
#define EVTCHNSTAT_ipi              5

#define GNTTABOP_map_grant_ref      0
#define GNTTABOP_unmap_grant_ref    1
#define GNTTABOP_copy               5
#define GNTTABOP_query_size         6
#define GTF_permit_access           1
#define GTF_readonly                (1 << 2)
#define GTF_reading                 (1 << 3)
#define GTF_writing                 (1 << 4)
#define GNTMAP_host_map             (1 << 1)
#define GNTMAP_readonly             (1 << 2)
#define GNTCOPY_source_gref         (1 << 0)
#define GNTCOPY_dest_gref           (1 << 1)
#define GNTST_okay                  0
#define GNTST_bad_gntref            (-3)
#define GNTST_bad_handle            (-4)
#define GNTST_permission_denied     (-8)
#define GNTST_bad_page              (-9)
#define GNTST_bad_copy_arg          (-10)

struct xen_vcpu_info {                  /* 48 bytes */
    u8 evtchn_upcall_pending;
    u8 evtchn_upcall_mask;
    u8 pad[6];
    u64 evtchn_pending_sel;
    u8 time[32];
};
struct xen_shared_info {
    struct xen_vcpu_info vcpu_info[1];
    u64 evtchn_pending[64];
    u64 evtchn_mask[64];
    u32 wc_version, wc_sec, wc_nsec, wc_sec_hi;
};
struct xen_add_to_physmap { u16 domid; u16 size; u32 space; u64 idx; u64 gpfn; };
struct xen_memory_reservation { u64 extent_start; u64 nr_extents; u32 extent_order;
                                u32 mem_flags; u16 domid; u16 pad[3]; };
struct vcpu_register_vcpu_info { u64 mfn; u32 offset; u32 rsvd; };
struct evtchn_alloc_unbound { u16 dom, remote_dom; u32 port; };
struct evtchn_bind_interdomain { u16 remote_dom, pad; u32 remote_port, local_port; };
struct evtchn_bind_ipi { u32 vcpu, port; };
struct evtchn_status { u16 dom, pad; u32 port, status, vcpu;
                       union { u16 unbound_dom; struct { u16 dom, pad; u32 port; } interdomain;
                               u32 virq; } u; };
struct grant_entry_v1 { u16 flags; u16 domid; u32 frame; };
struct gnttab_map_grant_ref { u64 host_addr; u32 flags, ref; u16 dom; s16 status;
                              u32 handle; u64 dev_bus_addr; };
struct gnttab_unmap_grant_ref { u64 host_addr, dev_bus_addr; u32 handle; s16 status; u16 pad; };
struct gnttab_copy_ptr { u64 ref_or_gmfn; u16 domid, offset; u32 pad; };
struct gnttab_copy { struct gnttab_copy_ptr source, dest; u16 len, flags; s16 status; u16 pad; };
struct xen_hvm_param { u16 domid, pad; u32 index; u64 value; };
struct multicall_entry { u64 op, result, args[6]; };

s64 hypercall(u64 nr, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4);
#define HYPERCALL1(nr, a)          hypercall(nr, (u64)(a), 0, 0, 0, 0)
#define HYPERCALL2(nr, a, b)       hypercall(nr, (u64)(a), (u64)(b), 0, 0, 0)
#define HYPERCALL3(nr, a, b, c)    hypercall(nr, (u64)(a), (u64)(b), (u64)(c), 0, 0)

/* Atomics on memory shared with Domus (exclusives; fine under QEMU with the MMU off). */
u64 xen_xchg64(volatile u64 *p, u64 v);
u64 xen_fetch_and64(volatile u64 *p, u64 mask);
u64 xen_fetch_or64(volatile u64 *p, u64 bits);
bool xen_cas32(volatile u32 *p, u32 old, u32 new);

/* shared_info / vcpu_info */
extern struct xen_shared_info *xen_shared;
s64 xen_map_shared_info(u64 gfn);               /* sets xen_shared on success */
s64 xen_register_vcpu_info(unsigned int vcpu, u64 gfn, u32 offset);
struct xen_vcpu_info *xen_vcpu_info(unsigned int vcpu);

/*
 * Upcalls: xen_events_init(fn) installs xen_irq_handler() (PPI 31 on each
 * vCPU that calls gic_enable_ppi(XEN_EVTCHN_PPI)); each pending, unmasked
 * port is cleared and handed to fn.  Counters are per vCPU.
 */
typedef void (*xen_port_fn)(unsigned int cpu, u32 port);
extern volatile unsigned int xen_upcalls[NR_CPUS];     /* PPI 31 taken */
extern volatile unsigned int xen_other_irqs;
void xen_events_init(xen_port_fn fn);
void xen_irq_handler(unsigned int cpu, unsigned int intid);

s64 evtchn_alloc_unbound(u16 remote_dom);       /* port, or -errno */
s64 evtchn_bind_interdomain(u16 remote_dom, u32 remote_port);
s64 evtchn_bind_ipi(u32 vcpu);
s64 evtchn_send(u32 port);
s64 evtchn_close(u32 port);
s64 evtchn_unmask(u32 port);
s64 evtchn_status(u32 port, struct evtchn_status *st);
void evtchn_mask(u32 port);                     /* sets the mask bit in shared_info */
bool evtchn_pending(u32 port);
void evtchn_clear(u32 port);

/* grant tables (v1) */
s64 gnttab_map_frame(u64 idx, u64 gfn);         /* add_to_physmap, space 1 */
struct grant_entry_v1 *gnttab_entry(u32 ref);   /* in the frames at XEN_GNTTAB_BASE */
void gnttab_grant(u32 ref, u16 domid, u64 gfn, bool readonly);
bool gnttab_end(u32 ref);                       /* revoke unless in use (32-bit CAS) */
s16 gnttab_map(u16 dom, u32 ref, u64 addr, u32 flags, u32 *handle);
s16 gnttab_unmap(u64 addr, u32 handle);
s16 gnttab_copy1(struct gnttab_copy *c);        /* one copy op; its status */
s64 xen_decrease_reservation(u64 gfn);          /* extents done (1), or -errno */
s64 xen_populate_physmap(u64 gfn);              /* likewise */
/* One call over a list of extents (order 0) of this domain's: extents done, or -errno. */
s64 xen_reservation_list(u64 op, u64 extent_start, u64 nr_extents);
s64 xen_current_reservation(void);              /* pages of RAM the domain holds */
s64 xen_hvm_param(u32 index, u64 *value);       /* HVMOP_get_param of DOMID_SELF */

/* Bounded retry: run `expr` until `cond` holds, with delay_us between tries. */
#define RETRY_UNTIL(cond, expr, timeout_ms, delay_us) ({                        \
    u64 __end = now_us() + (timeout_ms) * 1000ULL;                              \
    bool __ok;                                                                  \
    for (;;) { expr; if ((__ok = (cond)) || now_us() >= __end) break;           \
               udelay(delay_us); }                                              \
    __ok; })

/* RETRY_UNTIL, sleeping (usleep) instead of spinning between tries. */
#define WAIT_UNTIL(cond, expr, timeout_ms, sleep_us) ({                         \
    u64 __end = now_us() + (timeout_ms) * 1000ULL;                              \
    bool __ok;                                                                  \
    for (;;) { expr; if ((__ok = (cond)) || now_us() >= __end) break;           \
               usleep(sleep_us); }                                              \
    __ok; })

#endif
