/*
 * What the common code expects from the rest of Domus, on the host: the
 * scheduler hooks record their calls, the console captures guest output,
 * and printk goes to stderr.  Also the test harness and its main().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "unit.h"
#include <domus/console.h>
#include <domus/page_alloc.h>
#include <domus/percpu.h>
#include <domus/xen_pv.h>
#include <public/arch-arm64.h>
#include <asm/arch.h>
#include <asm/mmu.h>
#include <asm/p2m.h>

/* The physical CPUs (arch/arm64/setup.c in Domus); the scheduler tests set them up. */
struct pcpu pcpus[NR_CPUS];
unsigned nr_pcpus = 1;

/* ---- the harness ---- */

#define MAX_TESTS 200

static struct {
	const char *name;
	void (*fn)(void);
} tests[MAX_TESTS];
static unsigned nr_tests;

static jmp_buf test_exit;
static char first_failure[512];
static unsigned failures;

void unit_register(const char *name, void (*fn)(void))
{
	if (nr_tests == MAX_TESTS) {
		fprintf(stderr, "too many tests\n");
		exit(2);
	}
	tests[nr_tests].name = name;
	tests[nr_tests++].fn = fn;
}

void unit_fail(const char *file, int line, const char *expr, const char *detail, bool fatal)
{
	if (!failures++)
		snprintf(first_failure, sizeof(first_failure), "%s:%d: %s", file, line, expr);
	fprintf(stderr, "  %s:%d: check failed: %s%s%s\n", file, line, expr,
		detail ? ": " : "", detail ? detail : "");
	if (fatal)
		longjmp(test_exit, 1);
}

void unit_fail_eq(const char *file, int line, const char *expr, uint64_t got, uint64_t want)
{
	char detail[96];

	snprintf(detail, sizeof(detail), "got %#" PRIx64 " (%" PRId64 "), want %#" PRIx64 " (%" PRId64 ")",
		 got, (int64_t)got, want, (int64_t)want);
	unit_fail(file, line, expr, detail, false);
}

void unit_fail_str(const char *file, int line, const char *expr, const char *got, const char *want)
{
	char detail[400];

	snprintf(detail, sizeof(detail), "got \"%s\", want \"%s\"", got ? got : "(null)", want);
	unit_fail(file, line, expr, detail, false);
}

static void reset_host_state(void);

static bool selected(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return true;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], name))
			return true;
	return false;
}

/* Runs one test; false if it failed. */
static bool run_test(void (*fn)(void))
{
	failures = 0;
	if (!setjmp(test_exit))
		fn();
	reset_host_state();
	return failures == 0;
}

int main(int argc, char **argv)
{
	unsigned failed = 0;

	setvbuf(stdout, NULL, _IONBF, 0);
	for (unsigned i = 0; i < nr_tests; i++) {
		if (!selected(tests[i].name, argc, argv))
			continue;
		fprintf(stderr, "-- %s\n", tests[i].name);
		if (run_test(tests[i].fn)) {
			printf("PASS %s\n", tests[i].name);
		} else {
			failed++;
			printf("FAIL %s: %s\n", tests[i].name, first_failure);
		}
	}
	return failed ? 1 : 0;
}

/* ---- fake domains ---- */

#define MAX_FAKE_DOMAINS 8

struct fake_domain {
	struct domain d;
	struct vcpu vcpu[MAX_VCPUS];
	unsigned kicks[MAX_VCPUS];
	char output[8192];
	size_t output_len;
};

static struct fake_domain *fakes[MAX_FAKE_DOMAINS];
struct host_calls host_calls;

static struct fake_domain *fake_of(const struct domain *d)
{
	for (unsigned i = 0; i < MAX_FAKE_DOMAINS; i++)
		if (fakes[i] && &fakes[i]->d == d)
			return fakes[i];
	fprintf(stderr, "not a fake domain: %p\n", (const void *)d);
	abort();
}

struct domain *fake_domain(unsigned nr_vcpus)
{
	struct fake_domain *f;
	struct domain *d;
	unsigned slot;

	for (slot = 0; slot < MAX_FAKE_DOMAINS && fakes[slot]; slot++)
		;
	if (slot == MAX_FAKE_DOMAINS || !nr_vcpus || nr_vcpus > MAX_VCPUS)
		abort();
	f = calloc(1, sizeof(*f));
	if (!f)
		abort();
	fakes[slot] = f;
	d = &f->d;
	d->id = slot + 1;
	snprintf(d->name, sizeof(d->name), "fake%u", slot + 1);
	d->lock = (spinlock_t)SPINLOCK_INIT;
	d->ram_base = GUEST_RAM0_BASE;
	d->ram_size = FAKE_RAM_SIZE;
	d->state = DOMAIN_RUNNING;
	d->alive = true;
	vgic_domain_init(d);
	for (unsigned i = 0; i < nr_vcpus; i++) {
		struct vcpu *v = &f->vcpu[i];

		v->id = i;
		v->dom = d;
		v->loaded_on = -1;
		v->power = i == 0 ? VCPU_ON : VCPU_OFF;
		vgic_vcpu_init(v);
		d->vcpu[d->nr_vcpus++] = v;
	}
	mmio_register(d, GUEST_GICV3_GICD_BASE, GUEST_GICV3_GICD_SIZE, &vgic_dist_ops, NULL);
	mmio_register(d, GUEST_GICV3_GICR0_BASE, GUEST_GICV3_RDIST_STRIDE * nr_vcpus,
		      &vgic_rdist_ops, NULL);
	d->uart = &d->uart_dev;
	vpl011_init(d->uart, d, GUEST_VPL011_SPI);
	mmio_register(d, GUEST_PL011_BASE, GUEST_PL011_SIZE, &vpl011_ops, d->uart);
	return d;
}

unsigned kicks(const struct vcpu *v)
{
	return fake_of(v->dom)->kicks[v->id];
}

void clear_kicks(struct domain *d)
{
	memset(fake_of(d)->kicks, 0, sizeof(fake_of(d)->kicks));
}

const char *guest_output(struct domain *d, size_t *len)
{
	struct fake_domain *f = fake_of(d);

	if (len)
		*len = f->output_len;
	return f->output;
}

struct domain *domain_by_id(unsigned id)
{
	for (unsigned i = 0; i < MAX_FAKE_DOMAINS; i++)
		if (fakes[i] && fakes[i]->d.id == id)
			return &fakes[i]->d;
	return NULL;
}

struct domain *domain_next_alive(struct domain *after)
{
	for (unsigned id = after ? after->id + 1 : 1; id <= MAX_FAKE_DOMAINS; id++) {
		struct domain *d = domain_by_id(id);

		if (d && d->state == DOMAIN_RUNNING)
			return d;
	}
	return NULL;
}

/* ---- host memory and stage 2, for the PV interface ---- */

/*
 * "Physical" addresses are host addresses (pa_to_va is the identity): the
 * page allocator gets one bank backed by a malloc'd buffer.  A domain's
 * stage 2 is a small table of single pages.
 */
#define HOST_RAM_SIZE (8 * MiB)
#define FAKE_P2M_MAX  1024

static uint8_t *host_ram;
static bool host_ram_ready;
uint64_t fake_counter;

static struct fake_p2m {
	struct domain *d;
	uint64_t gfn, pa;
	enum p2m_type type;
} p2m[FAKE_P2M_MAX];

static void host_ram_init(void)
{
	if (host_ram_ready)
		return;
	if (!host_ram && !(host_ram = aligned_alloc(2 * MiB, HOST_RAM_SIZE)))
		abort();
	page_alloc_init();
	if (!page_alloc_add_bank(va_to_pa(host_ram), HOST_RAM_SIZE))
		abort();
	host_ram_ready = true;
}

static struct fake_p2m *p2m_find(const struct domain *d, uint64_t gfn)
{
	for (unsigned i = 0; i < FAKE_P2M_MAX; i++)
		if (p2m[i].d == d && p2m[i].gfn == gfn)
			return &p2m[i];
	return NULL;
}

bool p2m_set_page(struct domain *d, uint64_t ipa, uint64_t pa, enum p2m_type type,
		  uint64_t *old_pa)
{
	struct fake_p2m *e = p2m_find(d, ipa >> PAGE_SHIFT);

	if (old_pa)
		*old_pa = e && e->type == P2M_RAM ? e->pa : 0;
	if (!pa) {
		if (e)
			*e = (struct fake_p2m){ 0 };
		return true;
	}
	if (!e && !(e = p2m_find(NULL, 0)))
		return false;
	*e = (struct fake_p2m){ d, ipa >> PAGE_SHIFT, pa & ~(uint64_t)(PAGE_SIZE - 1), type };
	return true;
}

bool p2m_lookup(struct domain *d, uint64_t ipa, uint64_t *pa)
{
	struct fake_p2m *e = p2m_find(d, ipa >> PAGE_SHIFT);

	if (!e)
		return false;
	*pa = e->pa | (ipa & (PAGE_SIZE - 1));
	return true;
}

int fake_p2m_type(struct domain *d, uint64_t ipa)
{
	struct fake_p2m *e = p2m_find(d, ipa >> PAGE_SHIFT);

	return e ? (int)e->type : -1;
}

void arch_zero_pages(uint64_t pa, uint64_t size)
{
	memset(pa_to_va(pa), 0, size);
}

bool arch_gva_to_ipa(uint64_t va, bool write, uint64_t *ipa)
{
	(void)write;
	*ipa = va;
	return true;
}

struct domain *fake_pv_domain(unsigned nr_vcpus)
{
	struct domain *d;
	const char *err;

	host_ram_init();
	d = fake_domain(nr_vcpus);
	for (uint64_t i = 0; i < FAKE_PV_RAM_PAGES; i++) {
		uint64_t pa = alloc_pages(1, 1);

		if (!pa || !p2m_set_page(d, d->ram_base + i * PAGE_SIZE, pa, P2M_RAM, NULL))
			abort();
		arch_zero_pages(pa, PAGE_SIZE);
	}
	d->ram_pages = d->max_pages = FAKE_PV_RAM_PAGES;
	err = pv_domain_init(d);
	if (err) {
		fprintf(stderr, "pv_domain_init: %s\n", err);
		abort();
	}
	return d;
}

void *guest_ptr(struct domain *d, uint64_t ipa)
{
	uint64_t pa;

	return p2m_lookup(d, ipa, &pa) ? pa_to_va(pa) : NULL;
}

static void reset_host_state(void)
{
	for (unsigned i = 0; i < MAX_FAKE_DOMAINS; i++) {
		free(fakes[i]);
		fakes[i] = NULL;
	}
	memset(&host_calls, 0, sizeof(host_calls));
	memset(p2m, 0, sizeof(p2m));
	host_ram_ready = false;
	fake_counter = 0;
}

/* ---- MMIO as the trap handler performs it ---- */

enum mmio_result guest_access(struct vcpu *v, uint64_t addr, unsigned size, bool write,
			      uint64_t *val)
{
	struct mmio_access a = { .addr = addr, .size = size, .write = write,
				 .data = write ? *val : 0 };
	enum mmio_result r = mmio_dispatch(v, &a);

	if (!write)
		*val = a.data;
	return r;
}

uint64_t guest_read_at(const char *file, int line, struct vcpu *v, uint64_t addr, unsigned size)
{
	uint64_t val = 0xdeadbeefdeadbeefull;
	char expr[96];

	if (guest_access(v, addr, size, false, &val) != MMIO_DONE) {
		snprintf(expr, sizeof(expr), "%u-byte read of %#" PRIx64 " handled", size, addr);
		unit_fail(file, line, expr, NULL, false);
	}
	return val;
}

void guest_write_at(const char *file, int line, struct vcpu *v, uint64_t addr, unsigned size,
		    uint64_t val)
{
	char expr[96];

	if (guest_access(v, addr, size, true, &val) != MMIO_DONE) {
		snprintf(expr, sizeof(expr), "%u-byte write of %#" PRIx64 " handled", size, addr);
		unit_fail(file, line, expr, NULL, false);
	}
}

/* ---- scheduler and domain hooks ---- */

void vcpu_kick(struct vcpu *v)
{
	fake_of(v->dom)->kicks[v->id]++;
	v->blocked = false;
}

void vcpu_wake(struct vcpu *v)
{
	vcpu_kick(v);
}

void vcpu_block(struct vcpu *v)
{
	host_calls.block++;
	host_calls.block_vcpu = v;
}

/* Records the call and changes the state as the scheduler would. */
void vcpu_power_on(struct vcpu *v, uint64_t pc, uint64_t ctx)
{
	host_calls.power_on++;
	host_calls.power_on_vcpu = v;
	host_calls.power_on_pc = pc;
	host_calls.power_on_ctx = ctx;
	v->reset_pc = pc;
	v->reset_ctx = ctx;
	v->reset_pending = true;
	v->power = VCPU_ON;
}

void vcpu_power_off(struct vcpu *v)
{
	host_calls.power_off++;
	host_calls.power_off_vcpu = v;
	v->power = VCPU_OFF;
}

void domain_shutdown(struct domain *d, enum shutdown_reason why)
{
	host_calls.shutdown++;
	host_calls.shutdown_domain = d;
	host_calls.shutdown_reason = why;
}

struct vcpu *domain_vcpu_by_affinity(struct domain *d, uint64_t aff)
{
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		if (vcpu_affinity(i) == aff)
			return d->vcpu[i];
	return NULL;
}

bool domain_ipa_is_ram(const struct domain *d, uint64_t ipa, uint64_t size)
{
	uint64_t end = ipa + size;

	return end >= ipa && ipa >= d->ram_base && end <= d->ram_base + d->ram_size;
}

/* ---- console ---- */

void console_guest_write(struct domain *d, const char *s, size_t n)
{
	struct fake_domain *f = fake_of(d);

	if (n >= sizeof(f->output) - f->output_len)
		abort();
	memcpy(f->output + f->output_len, s, n);
	f->output_len += n;
	f->output[f->output_len] = '\0';
}

void vprintk(enum log_level level, const char *fmt, va_list ap)
{
	fprintf(stderr, "  printk(%d): ", (int)level);
	vfprintf(stderr, fmt, ap);
}

void printk(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(level, fmt, ap);
	va_end(ap);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "panic: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}
