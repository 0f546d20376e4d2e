/*
 * The fake machine: the hooks of domus/arch.h that need no port state, for
 * the host unit tests.  Memory is one bank of host memory ("physical"
 * addresses are host addresses), the counter is a variable, the console UART
 * is a buffer, vCPUs never really run, and a domain's p2m is a hash table of
 * single pages.
 */
#include "machine.h"
#include <domus/arch.h>
#include <domus/boot_dt.h>
#include <domus/console.h>
#include <domus/cpupool.h>
#include <domus/domain.h>
#include <domus/page.h>
#include <domus/page_alloc.h>
#include <domus/percpu.h>
#include <stdio.h>
#include <stdlib.h>

uint64_t fake_counter, fake_counter_step;
unsigned fake_kicks[NR_CPUS];

static uint8_t *machine_ram;

/* ---- console ---- */

static char uart_out[64 * KiB];
static size_t uart_len;

static void uart_putc(char c)
{
	if (uart_len == sizeof(uart_out) - 1) {
		memmove(uart_out, uart_out + sizeof(uart_out) / 2, sizeof(uart_out) / 2);
		uart_len -= sizeof(uart_out) / 2;
	}
	uart_out[uart_len++] = c;
	uart_out[uart_len] = '\0';
	fputc(c, stderr);
}

static int uart_getc(void)
{
	return -1;
}

static const struct console_uart uart = { uart_putc, uart_getc };

const char *fake_uart_output(size_t *len)
{
	*len = uart_len;
	return uart_out;
}

void fake_uart_clear(void)
{
	uart_len = 0;
	uart_out[0] = '\0';
}

bool arch_console_init(const void *fdt, const char *name)
{
	(void)fdt;
	if (name && name[0])
		return false;	/* the machine has one UART, and it has no name */
	console_attach(&uart);
	return true;
}

void arch_console_early(void)
{
	console_attach(&uart);
}

const uint8_t fake_build_id[20] = { 0xd0, 0x35, [19] = 0x01 };

uint32_t arch_build_id(const uint8_t **id)
{
	*id = fake_build_id;
	return sizeof(fake_build_id);
}

/* ---- CPUs ---- */

const char *arch_platform_init(const void *fdt)
{
	(void)fdt;
	pcpus[0].online = true;
	return NULL;
}

void arch_map_ram_only(const struct boot_module *banks, unsigned nr)
{
	(void)banks;
	(void)nr;
}

void arch_boot_secondaries(const uint64_t *hwids, unsigned n)
{
	(void)hwids;	/* the fake CPUs need no address */
	for (unsigned i = 1; i < n && i < NR_CPUS; i++) {
		pcpus[i].id = i;
		pcpus[i].online = true;
		nr_pcpus = i + 1;
	}
}

/* The fake CPUs' ids are their numbers, as tests/unit/dt_writer.h's /cpus has them. */
uint64_t arch_cpu_hwid(unsigned cpu)
{
	return cpu;
}

struct pcpu *arch_this_cpu(void)
{
	return &pcpus[FAKE_THIS_CPU];
}

void arch_kick_cpu(unsigned cpu)
{
	if (cpu >= NR_CPUS)
		abort();
	fake_kicks[cpu]++;
}

void arch_set_cpu_timer(uint64_t when)
{
	arch_this_cpu()->timer_armed = when;
}

uint64_t arch_idle(void)
{
	return 0;
}

void arch_poll_interrupts(void)
{
}

void arch_exit_profile_start(void)
{
}

void arch_exit_profile_report(void)
{
}

void arch_system_off(void)
{
	console_sync();
	fake_machine_stopped("powered off");
}

void arch_system_reset(void)
{
	console_sync();
	fake_machine_stopped("reset");
}

void arch_halt(void)
{
	fake_machine_stopped("halted");
}

/* ---- memory ---- */

void arch_zero_pages(uint64_t pa, uint64_t size)
{
	memset(pa_to_va(pa), 0, size);
}

void arch_clean_dcache(const void *va, uint64_t size)
{
	(void)va;
	(void)size;
}

#define P2M_SLOTS 65536		/* a power of two, more than all fake domains' pages */

static struct p2m_slot {
	const struct domain *d;
	uint64_t gfn, pa;
	enum p2m_type type;
} p2m[P2M_SLOTS];

static unsigned p2m_hash(const struct domain *d, uint64_t gfn)
{
	return (unsigned)(((uintptr_t)d >> 4) * 31 + gfn * 2654435761u) & (P2M_SLOTS - 1);
}

/* The slot of (d, gfn), or else the first free slot of its probe sequence. */
static struct p2m_slot *p2m_probe(const struct domain *d, uint64_t gfn, bool *found)
{
	struct p2m_slot *free_slot = NULL;

	for (unsigned i = p2m_hash(d, gfn), n = 0; n < P2M_SLOTS; i = (i + 1) & (P2M_SLOTS - 1), n++) {
		struct p2m_slot *s = &p2m[i];

		if (s->d == d && s->gfn == gfn) {
			*found = true;
			return s;
		}
		if (!s->d && !s->pa) {		/* never used: the sequence ends here */
			*found = false;
			return free_slot ? free_slot : s;
		}
		if (!s->d && !free_slot)	/* a hole left by an unmap */
			free_slot = s;
	}
	*found = false;
	return free_slot;
}

/*
 * The fake machine has no TLBs: it counts the flushes a real one would do,
 * per domain (kept here: this file also serves the arm64 port's domains).
 */
struct fake_tlb {
	const struct domain *d;
	bool batched, owed;
	unsigned flushes;
};

static struct fake_tlb tlbs[256];

static struct fake_tlb *tlb_of(const struct domain *d)
{
	struct fake_tlb *free_one = NULL;

	for (unsigned i = 0; i < ARRAY_SIZE(tlbs); i++) {
		if (tlbs[i].d == d)
			return &tlbs[i];
		if (!tlbs[i].d && !free_one)
			free_one = &tlbs[i];
	}
	if (!free_one)
		panic("fake machine: more than %zu domains with a p2m", ARRAY_SIZE(tlbs));
	free_one->d = d;
	return free_one;
}

static void flush(struct fake_tlb *t)
{
	t->flushes++;
	t->owed = false;
}

bool p2m_arch_init(struct domain *d)
{
	*tlb_of(d) = (struct fake_tlb){ .d = d };	/* a domain at the address of a freed one */
	return true;
}

void p2m_arch_batch_begin(struct domain *d)
{
	tlb_of(d)->batched = true;
}

void p2m_arch_batch_end(struct domain *d, bool later)
{
	tlb_of(d)->batched = false;
	if (!later)
		p2m_arch_flush_owed(d);
}

void p2m_arch_flush_owed(struct domain *d)
{
	struct fake_tlb *t = tlb_of(d);

	if (t->owed)
		flush(t);
}

unsigned fake_tlb_flushes(const struct domain *d)
{
	return tlb_of(d)->flushes;
}

bool p2m_arch_set_page(struct domain *d, uint64_t ipa, uint64_t pa, enum p2m_type type,
		       uint64_t *old_pa)
{
	bool found;
	struct p2m_slot *s = p2m_probe(d, ipa >> PAGE_SHIFT, &found);
	struct fake_tlb *t = tlb_of(d);

	if (old_pa)
		*old_pa = found && p2m_holds_page(s->type) ? s->pa : 0;
	if (found && t->batched)
		t->owed = true;
	else if (found)
		flush(t);
	if (!pa) {
		if (found)
			*s = (struct p2m_slot){ .pa = 1 };	/* a hole: probing goes on past it */
		return true;
	}
	if (!s)
		return false;
	*s = (struct p2m_slot){ d, ipa >> PAGE_SHIFT, pa & ~(uint64_t)(PAGE_SIZE - 1), type };
	return true;
}

static bool map_range(struct domain *d, uint64_t ipa, uint64_t pa, uint64_t size,
		      enum p2m_type type)
{
	for (uint64_t off = 0; off < size; off += PAGE_SIZE)
		if (!p2m_arch_set_page(d, ipa + off, pa + off, type, NULL))
			return false;
	return true;
}

bool p2m_arch_map_ram(struct domain *d, uint64_t ipa, uint64_t pa, uint64_t size)
{
	return map_range(d, ipa, pa, size, P2M_RAM);
}

/* No access faults here: zeroed at once. */
bool p2m_arch_map_ram_unscrubbed(struct domain *d, uint64_t ipa, uint64_t pa, uint64_t size)
{
	arch_zero_pages(pa, size);
	return p2m_arch_map_ram(d, ipa, pa, size);
}

bool p2m_arch_map_mmio(struct domain *d, uint64_t ipa, uint64_t pa, uint64_t size)
{
	return map_range(d, ipa, pa, size, P2M_MMIO);
}

bool p2m_arch_lookup(struct domain *d, uint64_t ipa, uint64_t *pa, enum p2m_type *type)
{
	bool found;
	struct p2m_slot *s = p2m_probe(d, ipa >> PAGE_SHIFT, &found);

	if (!found)
		return false;
	*pa = s->pa | (ipa & (PAGE_SIZE - 1));
	if (type)
		*type = s->type;
	return true;
}

bool p2m_arch_lookup_to_fill(struct domain *d, uint64_t ipa, uint64_t *pa)
{
	return p2m_arch_lookup(d, ipa, pa, NULL);
}

bool p2m_arch_relinquish(struct domain *d, uint64_t deadline)
{
	while (d->arch.released < P2M_SLOTS) {
		struct p2m_slot *s = &p2m[d->arch.released++];

		if (s->d == d) {
			if (s->type == P2M_FOREIGN_MAP)
				domain_foreign_put(s->pa);
			else if (p2m_holds_page(s->type))
				page_put(s->pa);
			*s = (struct p2m_slot){ .pa = 1 };
		}
		if (deadline && !(d->arch.released % 1024) && arch_counter() >= deadline)
			return false;
	}
	*tlb_of(d) = (struct fake_tlb){ 0 };
	return true;
}

struct domain *fake_spi_owner[FAKE_MAX_SPI];
unsigned fake_spi_handled[FAKE_MAX_SPI];

bool passthrough_spi(struct domain *d, uint32_t intid)
{
	if (intid < 32 || intid >= FAKE_MAX_SPI || fake_spi_owner[intid])
		return false;
	fake_spi_owner[intid] = d;
	return true;
}

void passthrough_handled(uint32_t intid)
{
	if (intid < FAKE_MAX_SPI)
		fake_spi_handled[intid]++;
}

int fake_p2m_type(struct domain *d, uint64_t ipa)
{
	bool found;
	struct p2m_slot *s = p2m_probe(d, ipa >> PAGE_SHIFT, &found);

	return found ? (int)s->type : -1;
}

unsigned fake_p2m_entries(const struct domain *d)
{
	unsigned n = 0;

	for (unsigned i = 0; i < P2M_SLOTS; i++)
		n += p2m[i].d == d;
	return n;
}

/* ---- vCPUs: they never really run here ---- */

void arch_vcpu_reset(struct vcpu *v, uint64_t pc, uint64_t arg)
{
	(void)v;
	(void)pc;
	(void)arg;
}

void arch_vcpu_load(struct vcpu *v)
{
	(void)v;
}

uint64_t arch_vcpu_unload(struct vcpu *v)
{
	return v->timer_deadline;
}

void arch_vcpu_run(struct vcpu *v)
{
	(void)v;
}

void arch_vcpu_dump(struct vcpu *v)
{
	pr_info("d%u v%u: no registers on the fake machine\n", v->dom->id, v->id);
}

/* Guest virtual addresses are guest physical ones. */
bool arch_gva_to_ipa(struct vcpu *v, uint64_t va, bool write, uint64_t *ipa)
{
	(void)v;
	(void)write;
	*ipa = va;
	return true;
}

/* ---- the whole machine ---- */

void fake_machine_reset(unsigned nr_cpus)
{
	if (!machine_ram && !(machine_ram = aligned_alloc(2 * MiB, FAKE_MACHINE_RAM)))
		abort();
	page_alloc_init();
	if (!page_alloc_add_bank(va_to_pa(machine_ram), FAKE_MACHINE_RAM) || !page_table_init())
		abort();
	memset(p2m, 0, sizeof(p2m));
	memset(pcpus, 0, sizeof(pcpus));
	memset(fake_kicks, 0, sizeof(fake_kicks));
	memset(fake_spi_owner, 0, sizeof(fake_spi_owner));
	memset(fake_spi_handled, 0, sizeof(fake_spi_handled));
	for (unsigned i = 0; i < NR_CPUS; i++) {
		pcpus[i].id = i;
		pcpus[i].online = i < nr_cpus || i == FAKE_THIS_CPU;
	}
	nr_pcpus = nr_cpus;
	cpupool_reset();
	fake_counter = fake_counter_step = 0;
	console_attach(&uart);
	fake_uart_clear();
}
