/*
 * The unit-test harness: registration, main(), and domains built by the real
 * core (domain_create()) on the fake machine.  Between tests every domain is
 * killed and reaped the way Domus does it, and every page must be back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "unit.h"
#include <domus/arch.h>
#include <domus/boot_dt.h>
#include <domus/console.h>
#include <domus/page_alloc.h>
#include <domus/percpu.h>
#include <xen/pv.h>
#include <asm/guest_abi.h>

/* ---- the harness ---- */

#define MAX_TESTS 200

static struct {
	const char *name;
	void (*fn)(void);
} tests[MAX_TESTS];
static unsigned nr_tests;

static jmp_buf test_exit;
static const char *current_test;
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

static void reset_machine(void);
static void destroy_domains(void);

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
	reset_machine();
	if (!setjmp(test_exit))
		fn();
	if (!setjmp(test_exit))
		destroy_domains();
	return failures == 0;
}

int main(int argc, char **argv)
{
	unsigned failed = 0;

	setvbuf(stdout, NULL, _IONBF, 0);
	sched_select("credit", 30, 1000);
	for (unsigned i = 0; i < nr_tests; i++) {
		if (!selected(tests[i].name, argc, argv))
			continue;
		fprintf(stderr, "-- %s\n", tests[i].name);
		current_test = tests[i].name;
		if (run_test(tests[i].fn)) {
			printf("PASS %s\n", tests[i].name);
		} else {
			failed++;
			printf("FAIL %s: %s\n", tests[i].name, first_failure);
		}
	}
	return failed ? 1 : 0;
}

/* ---- the machine stopping ---- */

static jmp_buf *stop_catcher;
static const char *stop_how;

void fake_machine_stopped(const char *how)
{
	if (stop_catcher) {
		stop_how = how;
		longjmp(*stop_catcher, 1);
	}
	unit_fail(__FILE__, __LINE__, "Domus did not stop the machine", how, true);
	abort();
}

bool unit_expect_stop(void (*fn)(void *), void *arg, const char **how)
{
	jmp_buf here;
	bool stopped = false;

	stop_catcher = &here;
	if (!setjmp(here))
		fn(arg);
	else
		stopped = true;
	stop_catcher = NULL;
	if (how)
		*how = stopped ? stop_how : NULL;
	return stopped;
}

/* ---- domains ---- */

/*
 * A kernel every port takes: an arm64 Image header (magic "ARM\x64" at 56,
 * image_size 0 meaning an old kernel loaded at 0x80000); the fake port
 * takes any bytes.
 */
static uint8_t kernel[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE))) = {
	[56] = 'A', [57] = 'R', [58] = 'M', [59] = 0x64,
};

static struct boot_domain configs[MAX_DOMAINS];
/* Free pages before the test's first domain; 0 if it made none. */
static uint64_t free_before_domains;

static struct boot_domain *config(unsigned nr_vcpus, bool pv)
{
	for (unsigned id = 1; id <= MAX_DOMAINS; id++) {
		struct boot_domain *cfg = &configs[id - 1];

		if (domain_by_id(id))
			continue;
		memset(cfg, 0, sizeof(*cfg));
		snprintf(cfg->name, sizeof(cfg->name), "fake%u", id);
		cfg->mem_kib = FAKE_RAM_SIZE / KiB;
		cfg->cpus = nr_vcpus;
		cfg->vpl011 = true;
		cfg->xen_enhanced = pv;
		cfg->kernel = (struct boot_module){ va_to_pa(kernel), sizeof(kernel) };
		cfg->weight = 256;
		cfg->on_reboot = ACTION_RESTART;
		for (unsigned i = 0; i < MAX_VCPUS; i++)
			cfg->affinity[i] = BIT(i % (NR_CPUS - 1));
		return cfg;
	}
	return NULL;
}

static struct domain *create(unsigned nr_vcpus, bool pv)
{
	struct boot_domain *cfg = config(nr_vcpus, pv);
	struct domain *d;

	REQUIRE(cfg);
	if (!free_before_domains)
		free_before_domains = page_alloc_free_pages();
	d = domain_create(cfg, (unsigned)(cfg - configs) + 1);
	REQUIRE(d);
	return d;
}

struct boot_domain *fake_config(const struct domain *d)
{
	REQUIRE(d->cfg == &configs[d->id - 1]);
	return &configs[d->id - 1];
}

struct domain *fake_domain(unsigned nr_vcpus)
{
	return create(nr_vcpus, false);
}

#define RESERVATION_LIST 256	/* where in guest page 0 the extent list goes */
#define RESERVATION_MAX  ((PAGE_SIZE - RESERVATION_LIST) / sizeof(uint64_t))

int64_t guest_reservation(struct domain *d, unsigned cmd, const uint64_t *gfns, unsigned nr,
			  domid_t domid)
{
	struct xen_memory_reservation *r = guest_ptr(d, d->bank[0].base);
	struct vcpu *v = d->vcpu[0];
	uint64_t args[HYPERCALL_MAX_ARGS] = { cmd, d->bank[0].base };
	int64_t ret;

	REQUIRE(r && nr <= RESERVATION_MAX);
	memcpy((uint8_t *)r + RESERVATION_LIST, gfns, nr * sizeof(*gfns));
	*r = (struct xen_memory_reservation){ .extent_start = d->bank[0].base + RESERVATION_LIST,
					      .nr_extents = nr, .domid = domid };
	/* As the guest does: again, while Domus continues it. */
	do {
		v->hcall_start = arch_counter();
		v->hcall_continue = false;
		v->hcall_args = args;
		ret = do_memory_op(v, args[0], args[1]);
	} while (v->hcall_continue);
	return ret;
}

struct domain *fake_pv_domain(unsigned nr_vcpus)
{
	struct domain *d = create(nr_vcpus, true);
	uint64_t gfns[RESERVATION_MAX];
	unsigned n = 0;

	/* What a balloon driver does: give back all but the first pages. */
	for (uint64_t i = FAKE_PV_RAM_PAGES; i < d->ram_size / PAGE_SIZE; i++) {
		gfns[n++] = (d->bank[0].base >> PAGE_SHIFT) + i;
		if (n == RESERVATION_MAX || i + 1 == d->ram_size / PAGE_SIZE) {
			REQUIRE(guest_reservation(d, XENMEM_decrease_reservation, gfns, n,
						  DOMID_SELF) == n);
			n = 0;
		}
	}
	return d;
}

struct domain *fake_hardware_domain(unsigned nr_vcpus)
{
	struct domain *d = fake_pv_domain(nr_vcpus);

	d->hardware = true;
	return d;
}

void *guest_ptr(struct domain *d, uint64_t ipa)
{
	uint64_t pa;

	return p2m_arch_lookup(d, ipa, &pa, NULL) ? pa_to_va(pa) : NULL;
}

unsigned kicks(const struct vcpu *v)
{
	return fake_kicks[v->pcpu];
}

void clear_kicks(struct domain *d)
{
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		fake_kicks[d->vcpu[i]->pcpu] = 0;
}

/* The console's lines from d: "(dN) " lines once several domains print, bare ones before. */
const char *guest_output(struct domain *d, size_t *len)
{
	static char out[64 * 1024];
	char tag[16];
	size_t n = 0, left, tag_len = (size_t)snprintf(tag, sizeof(tag), "(d%u) ", d->id);
	const char *p = fake_uart_output(&left);

	while (left) {
		const char *eol = memchr(p, '\n', left);
		size_t line = eol ? (size_t)(eol - p) + 1 : left;
		const char *text = NULL;

		if (line >= tag_len && !memcmp(p, tag, tag_len))
			text = p + tag_len;
		else if (!(line >= 2 && !memcmp(p, "(d", 2)))
			text = p;
		/* The console ends lines with "\r\n", as a terminal wants. */
		for (size_t i = text ? (size_t)(text - p) : line; i < line && n < sizeof(out) - 1; i++)
			if (p[i] != '\r')
				out[n++] = p[i];
		p += line;
		left -= line;
	}
	out[n] = '\0';
	if (len)
		*len = n;
	return out;
}

bool console_printed(const char *text)
{
	size_t len, n = strlen(text);
	const char *out = fake_uart_output(&len);

	for (size_t i = 0; i + n <= len; i++)
		if (!memcmp(out + i, text, n))
			return true;
	return false;
}

/* ---- between tests ---- */

static void reset_machine(void)
{
	fake_machine_reset(NR_CPUS - 1);
}

static void destroy_domains(void)
{
	/* Every domain, the toolstack's (any id) included. */
	for (struct domain *d = domain_get_from(0); d; d = domain_get_next(d)) {
		for (unsigned i = 0; i < d->nr_vcpus; i++)
			d->vcpu[i]->loaded_on = -1;
		domain_kill(d);
	}
	domain_reap();
	if (domain_get_from(0)) {
		/* Later tests would share its memory with the allocator: stop here. */
		printf("FAIL %s: d%u could not be destroyed; no further test runs\n", current_test,
		       domain_get_from(0)->id);
		exit(1);
	}
	if (free_before_domains && page_alloc_free_pages() != free_before_domains) {
		char detail[96];

		snprintf(detail, sizeof(detail), "%" PRId64 " pages not freed",
			 (int64_t)(free_before_domains - page_alloc_free_pages()));
		unit_fail(__FILE__, __LINE__, "every page back once every domain is gone", detail,
			  false);
	}
	free_before_domains = 0;
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
