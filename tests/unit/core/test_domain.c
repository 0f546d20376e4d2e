/*
 * A domain's life (core/domain.c, domain_reap.c, domain_list.c) on the fake
 * port: creation, shutdown by each on_* policy, deferred destruction by
 * domain_reap() once no CPU holds a vCPU, restart under the same id, kill,
 * and every page back at the end.
 */
#include "../unit.h"
#include <stdlib.h>
#include <domus/arch.h>
#include <domus/boot_dt.h>
#include <domus/domain_build.h>
#include <domus/page_alloc.h>
#include <domus/percpu.h>
#include <asm/cpu.h>

static bool in_runq(const struct pcpu *c, const struct vcpu *v)
{
	for (unsigned i = 0; i < c->nr_runq; i++)
		if (c->runq[i] == v)
			return true;
	return false;
}

TEST(create_builds_registers_and_starts_vcpu0)
{
	uint64_t before = page_alloc_free_pages();
	struct domain *d = fake_domain(2);

	CHECK(domain_by_id(d->id) == d);
	CHECK(domain_next_alive(NULL) == d);
	CHECK_EQ(d->state, DOMAIN_RUNNING);
	CHECK(d->alive);
	CHECK_EQ(d->nr_vcpus, 2);
	CHECK_EQ(d->ram_pages, FAKE_RAM_SIZE / PAGE_SIZE);
	CHECK_EQ(d->max_pages, FAKE_RAM_SIZE / PAGE_SIZE);
	CHECK(before - page_alloc_free_pages() > FAKE_RAM_SIZE / PAGE_SIZE);
	/* vCPU 0 starts where the port loaded the kernel; the others wait for CPU_ON. */
	CHECK(d->vcpu[0]->power == VCPU_ON && d->vcpu[0]->reset_pending);
	CHECK_EQ(d->vcpu[0]->reset_pc, d->arch.entry);
	CHECK(d->vcpu[1]->power == VCPU_OFF);
	for (unsigned i = 0; i < 2; i++) {
		CHECK(d->vcpu[i]->arch.created);
		CHECK(in_runq(&pcpus[d->vcpu[i]->pcpu], d->vcpu[i]));
	}
	CHECK_EQ(d->vcpu[0]->pcpu, 0);
	CHECK_EQ(d->vcpu[1]->pcpu, 1);
	/* The kernel is in RAM where the port put it. */
	CHECK_EQ(((uint8_t *)guest_ptr(d, d->bank[0].base))[56], 'A');
}

TEST(poweroff_destroys_later_and_returns_every_page)
{
	uint64_t before = page_alloc_free_pages();
	struct domain *d = fake_domain(2);
	unsigned id = d->id;

	clear_kicks(d);
	domain_shutdown(d, SHUTDOWN_POWEROFF);
	CHECK_EQ(d->state, DOMAIN_DYING);
	CHECK(!d->alive && !d->reboot);
	CHECK(d->vcpu[0]->power == VCPU_OFF && d->vcpu[1]->power == VCPU_OFF);
	CHECK(kicks(d->vcpu[0]) > 0 && kicks(d->vcpu[1]) > 0);	/* its CPUs let go of it */
	/* Nothing is freed at the shutdown site: another CPU may hold its state. */
	CHECK(domain_by_id(id) == d);
	CHECK(domain_next_alive(NULL) == NULL);
	CHECK(page_alloc_free_pages() < before);
	domain_reap();
	CHECK(domain_by_id(id) == NULL);
	CHECK_EQ(page_alloc_free_pages(), before);
	CHECK(console_printed("fake1 (d1) powered off: destroying it"));
	CHECK(console_printed("d1 destroyed"));
}

TEST(a_second_shutdown_changes_nothing)
{
	struct domain *d = fake_domain(1);

	fake_config(d)->on_reboot = ACTION_RESTART;
	domain_shutdown(d, SHUTDOWN_POWEROFF);
	domain_shutdown(d, SHUTDOWN_REBOOT);
	CHECK_EQ(d->state, DOMAIN_DYING);
	CHECK(!d->reboot);
}

TEST(reap_waits_until_no_cpu_holds_a_vcpu)
{
	struct domain *d = fake_domain(2);
	unsigned id = d->id;

	domain_shutdown(d, SHUTDOWN_POWEROFF);
	d->vcpu[1]->loaded_on = 3;	/* CPU 3 has not saved it yet */
	domain_reap();
	CHECK(domain_by_id(id) == d);
	CHECK_EQ(d->state, DOMAIN_DYING);
	d->vcpu[1]->loaded_on = -1;
	domain_reap();
	CHECK(domain_by_id(id) == NULL);
}

TEST(reboot_with_restart_rebuilds_under_the_same_id)
{
	uint64_t before = page_alloc_free_pages(), after_first;
	struct domain *d = fake_domain(2), *again;
	unsigned id = d->id;

	after_first = page_alloc_free_pages();
	domain_shutdown(d, SHUTDOWN_REBOOT);
	CHECK_EQ(d->state, DOMAIN_DYING);
	CHECK(d->reboot);
	domain_reap();
	again = domain_by_id(id);
	REQUIRE(again);
	CHECK_EQ(again->state, DOMAIN_RUNNING);
	CHECK(again->vcpu[0]->power == VCPU_ON && again->vcpu[0]->reset_pending);
	CHECK(again->vcpu[1]->power == VCPU_OFF);
	CHECK_EQ(page_alloc_free_pages(), after_first);	/* the old one's pages all came back */
	domain_kill(again);
	domain_reap();
	CHECK_EQ(page_alloc_free_pages(), before);
}

TEST(destruction_and_restart_go_in_slices_and_the_restart_pays)
{
	uint64_t before = page_alloc_free_pages(), step = fake_counter_step;
	struct domain *d = fake_domain(2), *again;
	unsigned id = d->id, calls = 0;

	domain_shutdown(d, SHUTDOWN_REBOOT);
	fake_counter_step = 100;	/* every look at the clock: 100 us later */
	do {
		uint64_t start = fake_counter;

		domain_reap();
		calls++;
		/* A slice is 0.5 ms: the work stops at the first look past it. */
		CHECK(fake_counter - start <= 1000);
		CHECK(calls == 1 || !domain_by_id(id) || domain_by_id(id) != d);
	} while (domain_reap_pending() && calls < 100000);
	fake_counter_step = step;
	CHECK(calls > 3);
	again = domain_by_id(id);
	REQUIRE(again && again != d);
	CHECK_EQ(again->state, DOMAIN_RUNNING);
	CHECK_EQ(again->ram_pages, FAKE_RAM_SIZE / PAGE_SIZE);
	/* Its vCPU 0 paid for the slices; vCPU 1 did not. */
	CHECK(again->vcpu[0]->sched.credit < again->vcpu[1]->sched.credit);
	domain_kill(again);
	domain_reap();
	CHECK_EQ(page_alloc_free_pages(), before);
}

TEST(each_policy_for_each_reason)
{
	static const struct {
		enum shutdown_reason why;
		enum domain_action action;
		enum domain_state state;
		bool back;
	} cases[] = {
		{ SHUTDOWN_POWEROFF, ACTION_DESTROY, DOMAIN_DYING, false },
		{ SHUTDOWN_POWEROFF, ACTION_RESTART, DOMAIN_DYING, true },
		{ SHUTDOWN_POWEROFF, ACTION_PRESERVE, DOMAIN_PRESERVED, false },
		{ SHUTDOWN_REBOOT, ACTION_DESTROY, DOMAIN_DYING, false },
		{ SHUTDOWN_REBOOT, ACTION_PRESERVE, DOMAIN_PRESERVED, false },
		{ SHUTDOWN_CRASH, ACTION_DESTROY, DOMAIN_DYING, false },
		{ SHUTDOWN_CRASH, ACTION_RESTART, DOMAIN_DYING, true },
		{ SHUTDOWN_CRASH, ACTION_PRESERVE, DOMAIN_PRESERVED, false },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		struct domain *d = fake_domain(1), *now;
		struct boot_domain *cfg = fake_config(d);
		unsigned id = d->id;

		cfg->on_poweroff = cfg->on_reboot = cfg->on_crash = ACTION_DESTROY;
		if (cases[i].why == SHUTDOWN_POWEROFF)
			cfg->on_poweroff = cases[i].action;
		else if (cases[i].why == SHUTDOWN_REBOOT)
			cfg->on_reboot = cases[i].action;
		else
			cfg->on_crash = cases[i].action;
		domain_shutdown(d, cases[i].why);
		CHECK_EQ(d->state, cases[i].state);
		domain_reap();
		now = domain_by_id(id);
		if (cases[i].state == DOMAIN_PRESERVED) {
			CHECK(now == d);	/* kept, stopped, with its memory */
			CHECK_EQ(d->ram_pages, FAKE_RAM_SIZE / PAGE_SIZE);
			CHECK(d->vcpu[0]->power == VCPU_OFF);
		} else if (cases[i].back) {
			REQUIRE(now);
			CHECK_EQ(now->state, DOMAIN_RUNNING);
		} else {
			CHECK(now == NULL);
		}
		if (now)
			domain_kill(now);
		domain_reap();
		CHECK(domain_by_id(id) == NULL);
	}
}

TEST(kill_destroys_a_preserved_domain_and_cancels_a_restart)
{
	uint64_t before = page_alloc_free_pages();
	struct domain *kept = fake_domain(1), *rebooting = fake_domain(1);
	unsigned kept_id = kept->id, rebooting_id = rebooting->id;

	fake_config(kept)->on_poweroff = ACTION_PRESERVE;
	domain_shutdown(kept, SHUTDOWN_POWEROFF);
	domain_shutdown(rebooting, SHUTDOWN_REBOOT);
	CHECK(rebooting->reboot);
	domain_kill(kept);
	domain_kill(rebooting);
	CHECK_EQ(kept->state, DOMAIN_DYING);
	CHECK(!rebooting->reboot);
	domain_reap();
	CHECK(domain_by_id(kept_id) == NULL);
	CHECK(domain_by_id(rebooting_id) == NULL);
	CHECK_EQ(page_alloc_free_pages(), before);
}

TEST(refused_configurations_leave_nothing_behind)
{
	struct domain *d = fake_domain(1);
	struct boot_domain cfg = *fake_config(d);
	uint64_t before;

	domain_kill(d);
	domain_reap();
	before = page_alloc_free_pages();
	cfg.cpus = MAX_VCPUS + 1;
	CHECK(domain_create(&cfg, 5) == NULL);
	cfg.cpus = 1;
	cfg.mem_kib = (page_alloc_free_pages() + 1) * PAGE_SIZE / KiB;
	CHECK(domain_create(&cfg, 5) == NULL);
	cfg.mem_kib = 4;
	cfg.kernel.size = 8 * KiB;		/* the port refuses: the kernel does not fit */
	CHECK(domain_create(&cfg, 5) == NULL);
	snprintf(cfg.error, sizeof(cfg.error), "a module has no valid reg property");
	CHECK(domain_create(&cfg, 5) == NULL);
	CHECK(domain_by_id(5) == NULL);
	CHECK_EQ(page_alloc_free_pages(), before);
	CHECK(console_printed("fake1 (d5) not started: asks for more vCPUs"));
	CHECK(console_printed("(d5) not started: asks for more memory than is free"));
	CHECK(console_printed("(d5) not started: kernel does not fit"));
	CHECK(console_printed("(d5) not started: a module has no valid reg property"));
}

TEST(running_out_of_memory_midway_frees_what_was_taken)
{
	struct domain *d = fake_domain(1);
	struct boot_domain cfg = *fake_config(d);
	uint64_t before, hog, hog_pages;

	/* Leave room for half the RAM and the structures, not for the RAM and its vCPUs. */
	hog_pages = page_alloc_free_pages() - FAKE_RAM_SIZE / PAGE_SIZE / 2 - 4;
	hog = alloc_pages(hog_pages, 1);
	REQUIRE(hog);
	before = page_alloc_free_pages();
	cfg.mem_kib = FAKE_RAM_SIZE / 2 / KiB;	/* passes the free-memory check ... */
	cfg.cpus = 8;				/* ... but not with 8 vCPUs' structures */
	CHECK(domain_create(&cfg, 6) == NULL);
	CHECK(console_printed("(d6) not started: out of memory"));
	CHECK(domain_by_id(6) == NULL);
	CHECK_EQ(page_alloc_free_pages(), before);
	free_pages(hog, hog_pages);
}

TEST(one_reap_destroys_every_domain_nothing_holds)
{
	struct domain *a = fake_domain(1), *b = fake_domain(1), *c = fake_domain(1);
	unsigned ida = a->id, idb = b->id, idc = c->id;

	domain_shutdown(a, SHUTDOWN_POWEROFF);
	domain_shutdown(b, SHUTDOWN_POWEROFF);
	domain_shutdown(c, SHUTDOWN_POWEROFF);
	/* This CPU may sleep after it: nobody else would look again. */
	domain_reap();
	CHECK(!domain_by_id(ida) && !domain_by_id(idb) && !domain_by_id(idc));
}

TEST(a_domain_another_cpu_holds_is_destroyed_only_when_it_lets_go)
{
	struct domain *d = fake_domain(1), *held;
	unsigned id = d->id;

	held = domain_get(id);
	REQUIRE(held == d);
	CHECK(domain_get(id + 1) == NULL);
	domain_shutdown(d, SHUTDOWN_POWEROFF);
	domain_reap();
	CHECK(domain_by_id(id) == d);		/* still there for whoever holds it */
	CHECK_EQ(d->state, DOMAIN_DYING);
	domain_put(held);
	domain_reap();
	CHECK(domain_by_id(id) == NULL);
	CHECK(domain_get(id) == NULL);
}

struct shutdown_call {
	struct domain *d;
	enum shutdown_reason why;
};

static void shut_down(void *arg)
{
	struct shutdown_call *c = arg;

	domain_shutdown(c->d, c->why);
}

/* As on Xen, the hardware domain's poweroff halts the machine, its reboot or crash resets it. */
TEST(the_hardware_domains_end_is_the_machines)
{
	static const struct { enum shutdown_reason why; const char *how, *said; } cases[] = {
		{ SHUTDOWN_POWEROFF, "powered off", "Hardware Dom1 halted: halting machine" },
		{ SHUTDOWN_REBOOT, "reset", "Hardware Dom1 shutdown: rebooting machine" },
		{ SHUTDOWN_CRASH, "reset", "Hardware Dom1 crashed: rebooting machine" },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		struct shutdown_call c = { fake_domain(1), cases[i].why };
		const char *how = NULL;

		c.d->hardware = true;
		CHECK(unit_expect_stop(shut_down, &c, &how));
		CHECK_STR(how, cases[i].how);
		CHECK(console_printed(cases[i].said));
		c.d->hardware = false;
		domain_kill(c.d);
		domain_reap();
	}
	/* Any other domain's reboot is its own. */
	{
		struct domain *d = fake_domain(1);
		domain_shutdown(d, SHUTDOWN_REBOOT);
		CHECK_EQ(d->state, DOMAIN_DYING);
		domain_kill(d);
		domain_reap();
	}
}

/* Takes every free page; the runs it took go in runs[] (base, pages). */
static unsigned hog_all(uint64_t runs[][2], unsigned max)
{
	unsigned n = 0;
	uint64_t nr, pa;

	while (n < max && (pa = alloc_pages_largest(UINT64_MAX / PAGE_SIZE, 1, &nr))) {
		runs[n][0] = pa;
		runs[n++][1] = nr;
	}
	REQUIRE(page_alloc_free_pages() == 0);
	return n;
}

static void unhog(uint64_t runs[][2], unsigned n, uint64_t skip_base, uint64_t skip_size)
{
	for (unsigned i = 0; i < n; i++) {
		uint64_t b = runs[i][0], e = b + runs[i][1] * PAGE_SIZE;

		if (b < skip_base)
			free_pages(b, (MIN(e, skip_base) - b) / PAGE_SIZE);
		if (e > skip_base + skip_size)
			free_pages(MAX(b, skip_base + skip_size),
				   (e - MAX(b, skip_base + skip_size)) / PAGE_SIZE);
	}
}

/*
 * With no free run as long as Dom0's RAM, it takes the longest ones, kernel's
 * first, each mapped where it is; more runs than a domain may have is an
 * error that says so, and takes nothing.
 */
TEST(dom0_ram_comes_in_the_fewest_runs_free_memory_allows)
{
	static const uint64_t holes[][2] = { { 4, 4 }, { 10, 6 }, { 18, 2 } };	/* MiB: offset, size */
	struct domain *d = fake_domain(1);
	struct boot_domain cfg = *fake_config(d);
	uint64_t runs[8][2], base, pa, before;
	unsigned n;

	domain_kill(d);
	domain_reap();
	n = hog_all(runs, ARRAY_SIZE(runs));
	base = ALIGN_UP(runs[0][0], 2 * MiB);
	REQUIRE(runs[0][0] + runs[0][1] * PAGE_SIZE >= base + 48 * MiB);
	free_pages(base, MiB / PAGE_SIZE);	/* for the structures: no 2 MiB block in it */
	for (unsigned i = 0; i < ARRAY_SIZE(holes); i++)
		free_pages(base + holes[i][0] * MiB, holes[i][1] * MiB / PAGE_SIZE);
	before = page_alloc_free_pages();

	cfg.dom0 = true;
	cfg.mem_kib = 12 * MiB / KiB;
	d = domain_create(&cfg, 7);
	REQUIRE(d);
	REQUIRE(d->nr_banks == 3);
	CHECK_EQ(d->bank[0].base, base + 10 * MiB);
	CHECK_EQ(d->bank[0].size, 6 * MiB);
	CHECK_EQ(d->bank[1].base, base + 4 * MiB);
	CHECK_EQ(d->bank[1].size, 4 * MiB);
	CHECK_EQ(d->bank[2].base, base + 18 * MiB);
	CHECK_EQ(d->bank[2].size, 2 * MiB);
	CHECK_EQ(d->ram_pages, 12 * MiB / PAGE_SIZE);
	for (unsigned i = 0; i < d->nr_banks; i++) {
		uint64_t last = d->bank[i].base + d->bank[i].size - PAGE_SIZE;

		CHECK(p2m_arch_lookup(d, last, &pa, NULL) && pa == last);
		CHECK(domain_ipa_is_ram(d, d->bank[i].base, d->bank[i].size));
	}
	CHECK(!domain_ipa_is_ram(d, base + 8 * MiB, PAGE_SIZE));
	CHECK(!domain_ipa_is_ram(d, base + 6 * MiB, 4 * MiB));	/* straddles a bank's end */
	domain_kill(d);
	domain_reap();
	CHECK_EQ(page_alloc_free_pages(), before);

	/* Six more 2 MiB runs: 24 MiB would take nine, one more than a domain has. */
	for (unsigned i = 0; i < 6; i++)
		free_pages(base + (22 + 4 * i) * MiB, 2 * MiB / PAGE_SIZE);
	before = page_alloc_free_pages();
	cfg.mem_kib = 24 * MiB / KiB;
	CHECK(domain_create(&cfg, 7) == NULL);
	CHECK(console_printed("(d7) not started: dom0_mem= is more than free host memory holds in 8 runs"));
	CHECK_EQ(page_alloc_free_pages(), before);
	unhog(runs, n, base, 48 * MiB);
	for (unsigned i = 0; i < 48; i++)
		if (!page_is_free(base + i * MiB))
			free_pages(base + i * MiB, MiB / PAGE_SIZE);
}

/* A copy into a domain large enough to be shared out in chunks lands whole, page by page. */
TEST(a_large_copy_into_a_domain_is_whole)
{
	struct domain *d = fake_domain(1);
	uint64_t len = FAKE_RAM_SIZE - PAGE_SIZE / 2, base = d->bank[0].base;
	uint8_t *src = malloc(len);

	REQUIRE(src);
	for (uint64_t i = 0; i < len; i++)
		src[i] = (uint8_t)(i * 7 + i / PAGE_SIZE);
	REQUIRE(domain_copy_to_phys(d, base, src, len));
	for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
		uint8_t *page = guest_ptr(d, base + off);

		REQUIRE(page);
		CHECK(!memcmp(page, src + off, MIN(PAGE_SIZE, len - off)));
	}
	free(src);
}
