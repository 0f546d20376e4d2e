/*
 * A domain's destruction and restart.  domain_reap(), called by every CPU's
 * scheduler loop, takes a DYING domain none of whose vCPUs is loaded on a
 * CPU, and that no other domain's hypercall holds (domain_get()), off the
 * list and destroys it there: its memory is scrubbed and returned (but pages
 * others still map).  With the restart policy it is then created again,
 * under the same id, from the same description.  Both in slices of at most
 * REAP_SLICE_US, so that no CPU is kept from its vCPUs for longer; the
 * restarted domain's vCPU 0 is charged the time.  Its structures are freed
 * once no other domain maps its pages (domain_hold()).  When the last
 * domain is gone, the machine powers off.
 */
#include <domus/domain_list.h>
#include <domus/arch.h>
#include <domus/console.h>
#include <domus/domain_build.h>
#include <domus/page_alloc.h>
#include <domus/percpu.h>
#include <domus/sched.h>
#include <xen/hypercall.h>
#include <xen/pv.h>

#define REAP_SLICE_US  500	/* a CPU destroys or rebuilds until this is past, then stops */

static uint64_t free_before_domains;	/* free pages before the first domain was built */
static bool unfinished;			/* the last slice ended with work left */
static bool reap_wanted;		/* a CPU came to reap while another was at it */
static uint64_t longest_slice;		/* ticks, reported at power-off */
static bool powering_off;		/* one CPU does it */

void domain_boot_done(void)
{
	domains.boot_done = true;
}

void domain_memory_baseline(void)
{
	free_before_domains = page_alloc_free_pages();
}

/* With every domain gone, all the memory they took must be back. */
static void check_memory_back(void)
{
	uint64_t now = page_alloc_free_pages();

	if (now != free_before_domains)
		pr_err("LEAK: %ld KiB not back after every domain was destroyed\n",
		       (long)(free_before_domains - now) * (long)(PAGE_SIZE / KiB));
	else
		pr_info("all memory back: %lu KiB free\n", now * (PAGE_SIZE / KiB));
}

static bool still_loaded(const struct domain *d)
{
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		if (d->vcpu[i]->loaded_on >= 0)
			return true;
	return false;
}

/* Its vCPUs and PV interface go at once; its console and memory in slices (work_slice()). */
static void destroy_begin(struct domain *d)
{
	d->free_at_destroy = page_alloc_free_pages();
	sched_remove_domain(d);
	pv_domain_relinquish(d);
}

/* A restart under the same id, built a slice at a time like the destruction before it. */
static void restart_begin(const struct boot_domain *cfg, unsigned id, uint64_t ticks)
{
	struct domain *d = NULL;
	const char *err = domain_build_begin(&d, cfg, id);

	if (err) {
		domain_build_failed(d, cfg, id, err);
		return;
	}
	d->build_ticks = ticks;
	domains.building = d;
}

/* Its memory is back but for pages others map: its structures wait on the destroyed list. */
static void destroy_end(struct domain *d)
{
	pr_info("d%u destroyed, %lu KiB returned\n", d->id,
		(page_alloc_free_pages() - d->free_at_destroy) * (PAGE_SIZE / KiB));
	d->kept = __atomic_fetch_or(&d->map_refs, MAP_REFS_DESTROYED, __ATOMIC_SEQ_CST) != 0;
	if (d->kept)
		pr_info("d%u: other domains still map its pages: kept until they let go\n", d->id);
	spin_lock(&domains.lock);
	domains.tearing = NULL;		/* and on the destroyed list in one step: always found */
	d->next_dead = domains.destroyed;
	domains.destroyed = d;
	domains.unheld = true;
	domains.nr_dying--;
	spin_unlock(&domains.lock);
	domain_announce_state_change();
	if (d->reboot)
		restart_begin(d->cfg, d->id, d->build_ticks);
}

/* The restart has all its RAM: it runs, and its vCPU 0 pays for the time its rebuild took. */
static void restart_end(struct domain *d, int populated)
{
	const struct boot_domain *cfg = d->cfg;
	unsigned id = d->id;
	const char *err = populated < 0 ? "out of memory for guest RAM" : domain_build_finish(d);

	if (err)
		domain_build_failed(d, cfg, id, err);
	else
		sched_charge(d->vcpu[0], d->build_ticks);
}

/* A destroyed domain nobody holds any more, off the destroyed list; or NULL. */
static struct domain *take_unheld(void)
{
	struct domain **p, *d = NULL;

	spin_lock(&domains.lock);
	domains.unheld = false;		/* before looking: a later domain_unhold() raises it again */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (p = &domains.destroyed; *p; p = &(*p)->next_dead)
		if (!domain_list_zombie(*p) && !__atomic_load_n(&(*p)->list_refs, __ATOMIC_ACQUIRE)) {
			d = *p;
			*p = d->next_dead;
			break;
		}
	spin_unlock(&domains.lock);
	return d;
}

static void free_destroyed(struct domain *d)
{
	if (d->kept)
		pr_info("d%u (destroyed): no domain maps its pages any more, all returned\n",
			d->id);
	domain_free_structs(d);
}

/* The next dying domain that no CPU and no other domain holds, off the list and tearing; or NULL. */
static struct domain *take_dead(void)
{
	struct domain *dead = NULL;

	spin_lock(&domains.lock);
	for (unsigned i = 0; i < NR_SLOTS && !dead; i++) {
		struct domain *d = domains.slots[i];
		if (d && d->state == DOMAIN_DYING && !still_loaded(d) &&
		    !__atomic_load_n(&d->refs, __ATOMIC_ACQUIRE)) {
			d->state = DOMAIN_DEAD;
			domains.slots[i] = NULL;
			dead = domains.tearing = d;
		}
	}
	spin_unlock(&domains.lock);
	return dead;
}

/*
 * Destruction and restarts, a slice of at most REAP_SLICE_US at a time, in
 * order: the restart being built, the domain being torn down, the next dying
 * one, destroyed ones nobody holds any more.  Whether nothing is left to do.
 */
static bool work_slice(uint64_t deadline)
{
	struct domain *d;
	int populated;

	for (;;) {
		uint64_t start = arch_counter();

		if ((d = domains.building)) {
			populated = domain_populate_ram(d, deadline);
			d->build_ticks += arch_counter() - start;
			if (!populated)
				return false;
			domains.building = NULL;
			restart_end(d, populated);
		} else if ((d = domains.tearing)) {
			bool done = console_domain_remove(d, deadline) &&
				    p2m_arch_relinquish(d, deadline);

			d->build_ticks += arch_counter() - start;
			if (!done)
				return false;
			destroy_end(d);
		} else if ((d = take_dead())) {
			destroy_begin(d);
		} else if ((d = take_unheld())) {
			free_destroyed(d);
		} else {
			return true;
		}
		if (deadline && arch_counter() >= deadline)
			return false;
	}
}

bool domain_reap_pending(void)
{
	return unfinished;
}

/* One slice of the work, with reap_lock; whether nothing is left to do. */
static bool reap_slice(void)
{
	uint64_t start = arch_counter(), end = start + arch_counter_freq() / 1000000 * REAP_SLICE_US;
	bool idle;

	/* Building a domain uses FP registers (libfdt): the vCPU's must be saved. */
	if (arch_this_cpu()->loaded)
		sched_unload(arch_this_cpu());
	do {
		__atomic_store_n(&reap_wanted, false, __ATOMIC_SEQ_CST);
		idle = work_slice(end);
	} while (idle && __atomic_load_n(&reap_wanted, __ATOMIC_SEQ_CST) && arch_counter() < end);
	longest_slice = MAX(longest_slice, arch_counter() - start);
	return idle && !__atomic_load_n(&reap_wanted, __ATOMIC_SEQ_CST);
}

static void reap_slow(void);

bool domain_reap_wanted(void)
{
	/* Asked on every exit: without taking a lock. */
	return domains.nr_dying || unfinished || __atomic_load_n(&domains.unheld, __ATOMIC_ACQUIRE) ||
	       (!domains.nr_alive && domains.boot_done);
}

void domain_reap(void)
{
	if (domain_reap_wanted())
		reap_slow();
}

/* Out of line: its frame (and stack canary) are not paid for on every exit. */
static __attribute__((noinline)) void reap_slow(void)
{
	bool idle = false;

	/*
	 * One CPU works at a time; one that finds it busy leaves reap_wanted for
	 * it, so that what it came for (a vCPU it just let go of, say) is looked
	 * at before the holder lets go: otherwise both could go to sleep with a
	 * dying domain left.
	 */
	__atomic_store_n(&reap_wanted, true, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&reap_wanted, __ATOMIC_SEQ_CST) && spin_trylock(&domains.reap_lock)) {
		idle = reap_slice();
		unfinished = !idle;
		spin_unlock(&domains.reap_lock);
		if (!idle)
			break;		/* its time is up: the loops come back (unfinished) */
	}
	/* Two CPUs can each find nothing left: one reports and powers off. */
	if (idle && domains.boot_done && !domains.nr_dying && !domains.nr_alive &&
	    !__atomic_exchange_n(&powering_off, true, __ATOMIC_SEQ_CST)) {
		check_memory_back();
		pr_info("hypercalls: the longest held its CPU %lu us\n", hypercall_longest_us());
		arch_exit_profile_report();
		pr_info("destruction and restarts: the longest slice held its CPU %lu us\n",
			longest_slice * 1000000 / arch_counter_freq());
		pr_info("no domain left to run: powering off\n");
		arch_system_off();
	}
}
