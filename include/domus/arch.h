/*
 * The whole contract between the core (core/, xen/) and an architecture
 * port (arch/<arch>/): every function the core calls that a port provides.
 * Besides these, a port provides four headers in arch/<arch>/include/asm/:
 *
 *   asm/cpu.h           static inline arch_smp_mb(), arch_counter(),
 *                       arch_counter_freq(), pa_to_va(), va_to_pa()
 *   asm/spinlock.h      spinlock_t, SPINLOCK_INIT, spin_lock/trylock/unlock
 *   asm/arch_state.h    struct arch_domain, arch_vcpu and arch_pcpu, which the
 *                       core embeds in its domain, vcpu and pcpu
 *   asm/guest_abi.h  the guest physical map of Xen's ABI for this
 *                       architecture: GUEST_RAM0_BASE, GUEST_GNTTAB_BASE/SIZE,
 *                       GUEST_MAGIC_BASE/SIZE, GUEST_PADDR_BITS
 *
 * In the other direction, a port calls the core's entry points: domus_main()
 * on the boot CPU, sched_run() on every CPU, and per exit
 * hypercall_dispatch(), mmio_dispatch(), vcpu_block(), vcpu_power_on/off(),
 * domain_shutdown(), vcpu_timer_fired() and console_input().
 */
#ifndef DOMUS_ARCH_H
#define DOMUS_ARCH_H

#include <domus/lib.h>
#include <public/xen.h>
#include <asm/cpu.h>

/* Counter ticks as microseconds, exact for any uptime. */
static inline uint64_t ticks_to_us(uint64_t t)
{
	uint64_t f = arch_counter_freq();

	return t / f * 1000000 + t % f * 1000000 / f;
}

struct boot_domain;
struct boot_module;
struct domain;
struct pcpu;
struct vcpu;

/* ---- the machine ---- */

/* The boot CPU's console UART, by device-tree path or alias (NULL: stdout-path). */
bool arch_console_init(const void *fdt, const char *name);
/* The image's build id (the linker's GNU build-id note) in *id; its size, 0 if none. */
uint32_t arch_build_id(const uint8_t **id);
/* The console of last resort, when the device tree cannot be read. */
void arch_console_early(void);
/* Interrupt controller, firmware and the boot CPU, from the host device tree; why not. */
const char *arch_platform_init(const void *fdt);
/* From now on only RAM is mapped as memory in Domus's own address space. */
void arch_map_ram_only(const struct boot_module *banks, unsigned nr);
/* Starts the other CPUs, by the hardware ids the device tree lists. */
void arch_boot_secondaries(const uint64_t *hwids, unsigned n);
/* The hardware id (the device tree's reg) of the CPU Domus numbers cpu. */
uint64_t arch_cpu_hwid(unsigned cpu);
struct pcpu *arch_this_cpu(void);
void arch_kick_cpu(unsigned cpu);
/* Arms this CPU's own timer for a counter value (0: off). */
void arch_set_cpu_timer(uint64_t when);
/* Waits for an interrupt and handles it; returns the ticks spent waiting. */
uint64_t arch_idle(void);
/* Domus's exit_profile option: count exits by class and time; printed by the report (if on). */
void arch_exit_profile_start(void);
void arch_exit_profile_report(void);
/* Handles the interrupts pending now: for an idle CPU that works (scrubs) instead of waiting. */
void arch_poll_interrupts(void);
void __attribute__((noreturn)) arch_system_off(void);
void __attribute__((noreturn)) arch_system_reset(void);
void __attribute__((noreturn)) arch_halt(void);

/* ---- memory ---- */

/* Zeroes whole pages through Domus's map (scrubbing). */
void arch_zero_pages(uint64_t pa, uint64_t size);
/* Makes what Domus wrote visible to a guest that has its caches off. */
void arch_clean_dcache(const void *va, uint64_t size);

/*
 * What a single-page mapping is.  The map holds a reference on its RAM,
 * FOREIGN_MAP (another domain's page the toolstack mapped) and REGS pages
 * and drops them when destroyed; FOREIGN_RW/RO are grant mappings, whose
 * references the maptrack holds; SPECIAL and MMIO pages are not counted.
 * REGS_VIEW is an emulated device's page of registers that the guest reads
 * directly while reading has no side effects (its writes fault to the
 * emulation); REGS_HIDDEN is the same page while every access must fault.
 */
enum p2m_type { P2M_RAM, P2M_SPECIAL, P2M_FOREIGN_RW, P2M_FOREIGN_RO, P2M_MMIO, P2M_FOREIGN_MAP,
		P2M_REGS_VIEW, P2M_REGS_HIDDEN };

/* The entries whose page reference the map holds. */
static inline bool p2m_holds_page(enum p2m_type t)
{
	return t == P2M_RAM || t == P2M_FOREIGN_MAP || t == P2M_REGS_VIEW || t == P2M_REGS_HIDDEN;
}

/*
 * A domain's guest-physical to host-physical map (stage 2 on Arm).  Callers
 * hold d->p2m_lock, except while the domain is built or destroyed, when no
 * other CPU can reach it.  P2M_RAM pages are the domain's own (core/page.c):
 * the map holds one reference on each and drops it when destroyed.
 */
bool p2m_arch_init(struct domain *d);
/* Maps a device's registers 1:1-style for Dom0: uncached, never executable, not RAM. */
bool p2m_arch_map_mmio(struct domain *d, uint64_t ipa, uint64_t pa, uint64_t size);
/* Maps [ipa, ipa+size) to [pa, ...) as RAM; large blocks where aligned. */
bool p2m_arch_map_ram(struct domain *d, uint64_t ipa, uint64_t pa, uint64_t size);
/*
 * The same for RAM not zeroed yet, which the port zeroes before anything
 * reads it: the guest's first touch of each block, or p2m_arch_lookup().
 * Not for memory devices may write to behind the port's back (Dom0's).
 */
bool p2m_arch_map_ram_unscrubbed(struct domain *d, uint64_t ipa, uint64_t pa, uint64_t size);
/*
 * Between these two (with d's p2m lock held), what p2m_arch_set_page()
 * takes out is flushed from the TLBs once, at the end: the caller must not
 * let go of those pages before it.  Many changes, one flush.  With `later`
 * the flush is owed instead, until p2m_arch_flush_owed() (or any other flush
 * of d's TLBs): d may still reach those pages until then.
 */
void p2m_arch_batch_begin(struct domain *d);
void p2m_arch_batch_end(struct domain *d, bool later);
void p2m_arch_flush_owed(struct domain *d);
/*
 * Maps one page at ipa (pa 0: unmaps it), splitting a block if needed.
 * *old_pa receives the page (RAM or FOREIGN_MAP) whose reference it held, which the
 * caller now owns (0 if none).
 */
bool p2m_arch_set_page(struct domain *d, uint64_t ipa, uint64_t pa, enum p2m_type type,
		       uint64_t *old_pa);
/* The host physical address behind ipa and what it is (type may be NULL); false if unmapped. */
bool p2m_arch_lookup(struct domain *d, uint64_t ipa, uint64_t *pa, enum p2m_type *type);
/*
 * The same for a page the caller writes whole before the domain first runs
 * (loading its images): RAM still to be zeroed is not zeroed first.
 */
bool p2m_arch_lookup_to_fill(struct domain *d, uint64_t ipa, uint64_t *pa);
/*
 * Drops the references on the RAM the map points to, and frees the tables:
 * until done (true), or, when deadline is not 0, until arch_counter() passes
 * it (false: call again, it goes on from there).
 */
bool p2m_arch_relinquish(struct domain *d, uint64_t deadline);

/* ---- domains and vCPUs ---- */

/* What the architecture refuses in a domain's configuration (memory, kernel format). */
const char *arch_domain_check(const struct boot_domain *cfg);
void arch_vcpu_create(struct vcpu *v);
/* Virtual devices and timers of a domain whose vCPUs exist; why not. */
const char *arch_domain_create(struct domain *d, const struct boot_domain *cfg);
/*
 * Loads the kernel, initrd and generated device tree into the domain's RAM;
 * returns where vCPU 0 starts and the argument it gets.
 */
const char *arch_domain_load(struct domain *d, const struct boot_domain *cfg, uint64_t *entry,
			     uint64_t *arg);
/* The hardware id the guest sees for vCPU n (MPIDR affinity on Arm). */
uint64_t arch_vcpu_hwid(unsigned n);
struct vcpu_guest_context;
/*
 * The entry point and argument of a vCPU the toolstack boots (domctl
 * setvcpucontext); false if the registers are not a state a guest of this
 * architecture may start in (Xen's -EINVAL).
 */
bool arch_vcpu_boot_context(const struct vcpu_guest_context *c, uint64_t *pc, uint64_t *arg);
/* Puts the vCPU in the state a CPU power-on gives it. */
void arch_vcpu_reset(struct vcpu *v, uint64_t pc, uint64_t arg);
void arch_vcpu_load(struct vcpu *v);
/* Saves the vCPU; returns when its guest timers fire (counter ticks), 0 for never. */
uint64_t arch_vcpu_unload(struct vcpu *v);
/* Runs the loaded vCPU once and handles its exit. */
void arch_vcpu_run(struct vcpu *v);
/* Whether an enabled virtual interrupt waits for v (what ends a wait for interrupt). */
bool arch_vcpu_irq_pending(struct vcpu *v);
void arch_vcpu_dump(struct vcpu *v);
/* Translation of a guest virtual address of the loaded vCPU; false if it faults. */
bool arch_gva_to_ipa(struct vcpu *v, uint64_t va, bool write, uint64_t *ipa);
/* A byte typed for the domain's emulated UART; false if it has none or it is full. */
bool console_arch_receive(struct domain *d, char c);

/* ---- Xen's PV interface ---- */

/* The hypercall a vCPU made: its number and arguments. */
uint64_t hypercall_arch_args(struct vcpu *v, uint64_t args[HYPERCALL_MAX_ARGS]);
void hypercall_arch_return(struct vcpu *v, int64_t ret);
/* Makes the vCPU issue the same hypercall again, with these arguments, when it next runs. */
void hypercall_arch_continue(struct vcpu *v, const uint64_t args[HYPERCALL_MAX_ARGS]);
/* Raises the event-channel upcall interrupt of v. */
void evtchn_arch_upcall(struct vcpu *v);
/* HVM_PARAM_CALLBACK_IRQ: how the guest is told the upcall arrives. */
uint64_t evtchn_arch_callback_via(void);

#endif
