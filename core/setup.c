/*
 * Start-up, common to all architectures: console, command line, memory,
 * interrupts, CPUs, then one domain per dom0less node.
 */
#include <domus/setup.h>
#include <domus/arch.h>
#include <domus/boot_dt.h>
#include <domus/cmdline.h>
#include <domus/console.h>
#include <domus/cpupool.h>
#include <domus/domain.h>
#include <domus/page.h>
#include <domus/page_alloc.h>
#include <domus/percpu.h>
#include <domus/sched.h>
#include <asm/guest_abi.h>
#include <libfdt.h>

/* Lets tests prove that no guest can read Domus's image. */
const char domus_signature[] __attribute__((used, section(".rodata.domus_signature"))) =
	"DOMUS-HV-SIGNATURE";

struct pcpu pcpus[NR_CPUS];
unsigned nr_pcpus = 1;

static struct boot_info boot;
static struct hv_options options;

const struct hv_options *hv_options(void)
{
	return &options;
}

/* The boot domains: Dom0 first when there is one, then the dom0less ones. */
static unsigned nr_boot_domains(void)
{
	return boot.nr_domains + boot.has_dom0;
}

static struct boot_domain *boot_domain(unsigned i)
{
	return boot.has_dom0 ? (i ? &boot.domains[i - 1] : &boot.dom0) : &boot.domains[i];
}

static void console_setup(const void *fdt)
{
	if (!strcmp(options.console, "none"))
		return;
	if (!arch_console_init(fdt, options.dtuart)) {
		if (!arch_console_init(fdt, NULL))
			return;	/* nowhere to print; carry on silently */
		options.nr_warnings = MIN(options.nr_warnings + 1, CMDLINE_MAX_WARNINGS);
		snprintf(options.warnings[options.nr_warnings - 1], sizeof(options.warnings[0]),
			 "dtuart=%.40s names no console UART; using stdout-path", options.dtuart);
	}
}

/* A module must lie in RAM and clear of Domus, the DTB and the other modules. */
static void check_module(struct boot_domain *bd, const struct boot_module *m, const char *what,
			 uint64_t img_start, uint64_t img_end, const void *fdt)
{
	bool in_ram = false;

	if (!m->size || bd->error[0])
		return;
	for (unsigned i = 0; i < boot.nr_ram; i++)
		in_ram |= m->base >= boot.ram[i].base && m->size <= boot.ram[i].size &&
			  m->base - boot.ram[i].base <= boot.ram[i].size - m->size;
	if (!in_ram)
		snprintf(bd->error, sizeof(bd->error), "%s module at %lx is not in RAM", what, m->base);
	else if (ranges_overlap(m->base, m->size, img_start, img_end - img_start))
		snprintf(bd->error, sizeof(bd->error), "%s module at %lx overlaps Domus", what, m->base);
	else if (ranges_overlap(m->base, m->size, va_to_pa(fdt), fdt_totalsize(fdt)))
		snprintf(bd->error, sizeof(bd->error), "%s module at %lx overlaps the device tree",
			 what, m->base);
	for (unsigned i = 0; i < nr_boot_domains() && !bd->error[0]; i++) {
		const struct boot_domain *o = boot_domain(i);
		const struct boot_module *others[] = { &o->kernel, &o->ramdisk };
		for (unsigned j = 0; j < 2; j++)
			if (others[j] != m && ranges_overlap(m->base, m->size, others[j]->base,
							     others[j]->size))
				snprintf(bd->error, sizeof(bd->error),
					 "%s module at %lx overlaps a module of %s", what, m->base,
					 o->name);
	}
}

/*
 * Free RAM is dirty until scrubbed (core/page_alloc.c).  By default it is
 * zeroed as it is first used -- a guest's on its first touch of each block
 * -- rather than by idle CPUs as Xen's default does: under emulation on a
 * 2-CPU host an idle CPU that scrubs takes host CPU time from the vCPU
 * that runs (measured: a Linux guest's boot to its shell took 7.5 s
 * instead of 3.3 s while the other CPU scrubbed).
 */
static void boot_scrub(void)
{
	if (options.bootscrub == BOOTSCRUB_OFF) {
		page_alloc_trust_free();
	} else if (options.bootscrub == BOOTSCRUB_ON_USE) {
		pr_info("Free RAM is scrubbed as it is first used\n");
	} else if (options.bootscrub == BOOTSCRUB_IDLE) {
		page_alloc_idle_scrubbing(true);
		pr_info("Scrubbing Free RAM in background\n");
	} else {
		uint64_t start = arch_counter();

		while (page_alloc_scrub_some())
			;
		pr_info("Scrubbing Free RAM: done in %lu ms\n",
			(arch_counter() - start) * 1000 / arch_counter_freq());
	}
}

static void memory_setup(const void *fdt, uint64_t img_start, uint64_t img_end)
{
	page_alloc_init();
	for (unsigned i = 0; i < boot.nr_ram; i++) {
		if (!page_alloc_add_bank(boot.ram[i].base, boot.ram[i].size))
			pr_warn("RAM bank %lx+%lx ignored (overlapping or over the limit)\n",
				boot.ram[i].base, boot.ram[i].size);
	}
	arch_map_ram_only(boot.ram, boot.nr_ram);
	page_alloc_reserve(img_start, img_end - img_start);
	page_alloc_reserve(va_to_pa(fdt), fdt_totalsize(fdt));
	for (unsigned i = 0; i < nr_boot_domains(); i++) {
		struct boot_domain *bd = boot_domain(i);
		check_module(bd, &bd->kernel, "kernel", img_start, img_end, fdt);
		check_module(bd, &bd->ramdisk, "ramdisk", img_start, img_end, fdt);
		if (bd->error[0])
			continue;
		page_alloc_reserve(bd->kernel.base, bd->kernel.size);
		page_alloc_reserve(bd->ramdisk.base, bd->ramdisk.size);
	}
	if (!page_table_init())
		panic("no memory for the page table");
	boot_scrub();
	pr_info("RAM: %lu MiB, %lu MiB free after Domus, DTB and modules\n",
		page_alloc_total_pages() * PAGE_SIZE / MiB,
		page_alloc_free_pages() * PAGE_SIZE / MiB);
}

/* Dom0's size, vCPUs and placement come from the command line, as on Xen. */
static void configure_dom0(struct boot_domain *bd)
{
	uint64_t mem = options.dom0_mem;
	unsigned cpus = boot.nr_cpus;

	if (!mem)
		mem = 512 * MiB;
	if (options.dom0_mem_max)
		mem = MIN(mem, options.dom0_mem_max);
	mem = MAX(mem, options.dom0_mem_min);
	if (!options.dom0_mem)
		pr_warn("no dom0_mem= on the command line: Dom0 gets %lu MiB, as Xen gives it\n",
			mem / MiB);
	bd->mem_kib = ALIGN_UP(mem, 2 * MiB) / KiB;
	if (options.dom0_vcpus_max)
		cpus = MAX(MIN(cpus, options.dom0_vcpus_max), options.dom0_vcpus_min);
	bd->cpus = MIN(cpus, MAX_VCPUS);
	for (unsigned i = 0; options.dom0_vcpus_pin && i < bd->cpus; i++)
		bd->affinity[i] = 1ull << (i % boot.nr_cpus);
}

static void create_domains(void)
{
	unsigned started = 0;

	domain_memory_baseline();
	if (boot.has_dom0) {
		configure_dom0(&boot.dom0);
		started += domain_create(&boot.dom0, 0) != NULL;
	}
	for (unsigned i = 0; i < boot.nr_domains; i++)
		started += domain_create(&boot.domains[i], i + 1) != NULL;
	if (!nr_boot_domains())
		pr_err("no domain to run: the device tree has no Dom0 modules in /chosen and no "
		       "/chosen node with compatible \"xen,domain\"\n");
	if (!started) {
		pr_info("nothing to run: powering off\n");
		arch_system_off();
	}
	domain_boot_done();
}

/*
 * Where Domus's own start took its time, from the counter's start (power-on
 * under QEMU) to the boot domains built: the next bottleneck shows in
 * `make bench` without guessing.
 */
static void report_boot_time(const uint64_t at[3])
{
	uint64_t now = arch_counter();

	pr_info("boot: domains built %lu us after the counter started (before the set-up %lu us, "
		"memory %lu us, CPUs %lu us, domains %lu us)\n", ticks_to_us(now), ticks_to_us(at[0]),
		ticks_to_us(at[1] - at[0]), ticks_to_us(at[2] - at[1]), ticks_to_us(now - at[2]));
}

void domus_main(const void *fdt, uint64_t img_start, uint64_t img_end)
{
	uint64_t at[3];
	const char *err;
	int chosen;

	err = fdt_check_header(fdt) ? fdt_strerror(fdt_check_header(fdt)) : NULL;
	if (err) {
		/* Without a device tree only the build-time UART can say why we stop. */
		arch_console_early();
		pr_err("the device tree at %lx is not valid (%s): nothing to run\n",
		       va_to_pa(fdt), err);
		arch_system_off();
	}
	chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen >= 0) {
		const char *args = fdt_getprop(fdt, chosen, "xen,xen-bootargs", NULL);
		cmdline_parse(args ? args : fdt_getprop(fdt, chosen, "bootargs", NULL), &options);
	} else {
		cmdline_parse(NULL, &options);
	}
	console_set_loglevel(options.loglevel);
	console_set_guest_loglevel(options.guest_loglevel);
	console_set_timestamps(options.timestamps);
	console_setup(fdt);
	pr_info("Domus %s, a Xen 4.17-compatible hypervisor, " ARCH_WHERE " (image %lx-%lx)\n",
		DOMUS_VERSION, img_start, img_end);
	for (unsigned i = 0; i < options.nr_warnings; i++)
		pr_warn("command line: %s\n", options.warnings[i]);
	if (!sched_select(options.sched, options.tslice_ms, options.ratelimit_us)) {
		pr_warn("command line: unknown scheduler \"%s\", using credit\n", options.sched);
		sched_select("credit", options.tslice_ms, options.ratelimit_us);
	}
	pr_info("scheduler: %s (time slice %u ms, rate limit %u us)\n", sched_name(),
		options.tslice_ms, options.ratelimit_us);
	err = boot_dt_parse(fdt, &boot);
	if (err)
		panic("host device tree: %s", err);
	at[0] = arch_counter();
	memory_setup(fdt, img_start, img_end);
	at[1] = arch_counter();
	err = arch_platform_init(fdt);
	if (err)
		panic("host device tree: %s", err);
	if (options.exit_profile)
		arch_exit_profile_start();
	arch_boot_secondaries(boot.cpu_hwid, boot.nr_cpus);
	err = cpupool_boot(&boot);
	if (err)
		panic("host device tree: %s", err);
	at[2] = arch_counter();
	create_domains();
	report_boot_time(at);
	console_set_input_domain(domain_next_alive(NULL));
	pr_info("input to %s (type Ctrl-A three times to switch)\n",
		domain_next_alive(NULL)->name);
	sched_run();
}
