/*
 * A domain's life, from creation to destruction, and the domain list.
 *
 *   domain_create()    builds the domain from its boot description: its
 *                      structures, vCPUs, virtual devices (the
 *                      architecture's), RAM, Xen PV interface and images,
 *                      then registers it and powers on vCPU 0.
 *   domain_shutdown()  the guest powered off, rebooted or crashed: its vCPUs
 *                      stop and it becomes DYING (or PRESERVED, by its
 *                      on_* policy).  Nothing is freed here: other CPUs may
 *                      still hold the state of its vCPUs.
 *   domain_kill()      the same for any domain, preserved ones included,
 *                      whatever its policy says, and without a restart
 *                      (Xen's destroy).
 *   domain_reap()      called by every CPU's scheduler loop: a DYING domain
 *                      none of whose vCPUs is loaded on a CPU, and that no
 *                      other domain's hypercall holds (domain_get()), is taken
 *                      off the list and destroyed there, its memory scrubbed and
 *                      returned (but pages others still map); with the restart
 *                      policy it is then created again, under the same id,
 *                      from the same description.  Both in slices of at most
 *                      REAP_SLICE_US, so that no CPU is kept from its vCPUs
 *                      for longer; the restarted domain's vCPU 0 is charged
 *                      the time.  Its structures are freed once no other
 *                      domain maps its pages (domain_hold()).
 */
#include <domus/domain.h>
#include <domus/arch.h>
#include <domus/boot_dt.h>
#include <domus/console.h>
#include <domus/domain_build.h>
#include <domus/page.h>
#include <domus/page_alloc.h>
#include <domus/percpu.h>
#include <domus/sched.h>
#include <xen/hypercall.h>
#include <xen/pv.h>
#include <asm/guest_abi.h>

#define REAP_SLICE_US  500	/* a CPU destroys or rebuilds until this is past, then stops */

#define NR_SLOTS (MAX_DOMAINS + 1)	/* Dom0 and MAX_DOMAINS others */

static struct domain *slots[NR_SLOTS];	/* the domains on the list, in no order */
static unsigned rover;			/* the last id the toolstack was given (as Xen's) */
static spinlock_t domains_lock = SPINLOCK_INIT;
static unsigned nr_alive;		/* domains running or about to restart */
static unsigned nr_dying;		/* shut down, not yet destroyed */
static bool boot_done;			/* every boot domain has been built */
static uint32_t serials;		/* the last domain serial given out */
static uint64_t free_before_domains;	/* free pages before the first domain was built */
static struct domain *destroyed;	/* off the list, structures kept while held */
static bool unheld;			/* one of them may be held no more */
static spinlock_t reap_lock = SPINLOCK_INIT;	/* one CPU at a time destroys and rebuilds */
static struct domain *tearing;		/* being destroyed, a slice at a time (reap_lock; set
					   and cleared with domains_lock too) */
static struct domain *building;		/* a restart being built, likewise */
static bool unfinished;			/* the last slice ended with work left */
static bool reap_wanted;		/* a CPU came to reap while another was at it */
static uint64_t longest_slice;		/* ticks, reported at power-off */

/* The listed domain with the lowest id at or above id; NULL if none. */
static struct domain *find_from(unsigned id)
{
	struct domain *best = NULL;

	for (unsigned i = 0; i < NR_SLOTS; i++) {
		struct domain *d = slots[i];

		if (d && d->id >= id && (!best || d->id < best->id))
			best = d;
	}
	return best;
}

static struct domain *find(unsigned id)
{
	struct domain *d = find_from(id);

	return d && d->id == id ? d : NULL;
}

struct domain *domain_by_id(unsigned id)
{
	return find(id);
}

struct domain *domain_get(unsigned id)
{
	struct domain *d;

	spin_lock(&domains_lock);
	d = find(id);
	if (d)
		__atomic_add_fetch(&d->refs, 1, __ATOMIC_ACQUIRE);
	spin_unlock(&domains_lock);
	return d;
}

struct domain *domain_get_hardware(void)
{
	struct domain *d = NULL;

	spin_lock(&domains_lock);
	for (unsigned i = 0; i < NR_SLOTS && !d; i++)
		if (slots[i] && slots[i]->hardware)
			d = slots[i];
	if (d)
		__atomic_add_fetch(&d->refs, 1, __ATOMIC_ACQUIRE);
	spin_unlock(&domains_lock);
	return d;
}

struct domain *domain_get_from(unsigned id)
{
	struct domain *d = NULL;

	spin_lock(&domains_lock);
	d = find_from(id);
	if (d)
		__atomic_add_fetch(&d->refs, 1, __ATOMIC_ACQUIRE);
	spin_unlock(&domains_lock);
	return d;
}

void domain_put(struct domain *d)
{
	__atomic_sub_fetch(&d->refs, 1, __ATOMIC_RELEASE);
}

struct domain *domain_get_next(struct domain *d)
{
	struct domain *next = domain_get_from(d->id + 1);

	domain_put(d);
	return next;
}

/* In map_refs beside the count: the domain is on the destroyed list (destroy_end()). */
#define MAP_REFS_DESTROYED (1u << 31)

/* A destroyed (or tearing) domain that others still map, for the toolstack's lists. */
static bool zombie(const struct domain *d)
{
	return __atomic_load_n(&d->map_refs, __ATOMIC_ACQUIRE) != MAP_REFS_DESTROYED;
}

/*
 * The lowest id at or above id among the listed domains, the one being torn
 * down and the destroyed ones still mapped (a listed domain first where two
 * share an id, as a restart under the same id does); with domains_lock.
 */
static struct domain *find_listed_from(unsigned id)
{
	struct domain *best = find_from(id);

	if (tearing && tearing->id >= id && (!best || tearing->id < best->id))
		best = tearing;
	for (struct domain *d = destroyed; d; d = d->next_dead)
		if (d->id >= id && (!best || d->id < best->id) && zombie(d))
			best = d;
	return best;
}

struct domain *domain_get_listed_from(unsigned id)
{
	struct domain *d;

	spin_lock(&domains_lock);
	d = find_listed_from(id);
	if (d)
		__atomic_add_fetch(d->state == DOMAIN_DEAD ? &d->list_refs : &d->refs, 1,
				   __ATOMIC_ACQUIRE);
	spin_unlock(&domains_lock);
	return d;
}

void domain_put_listed(struct domain *d)
{
	if (d->state != DOMAIN_DEAD) {
		domain_put(d);
	} else {
		__atomic_sub_fetch(&d->list_refs, 1, __ATOMIC_SEQ_CST);
		__atomic_store_n(&unheld, true, __ATOMIC_SEQ_CST);
	}
}

uint64_t domain_pages_mapped_after_death(const struct domain *d)
{
	return __atomic_load_n(&d->map_refs, __ATOMIC_ACQUIRE) & ~MAP_REFS_DESTROYED;
}

/* The domain whose pages carry that serial, wherever it is in its life; with domains_lock. */
static struct domain *find_serial(uint32_t serial)
{
	for (unsigned i = 0; i < NR_SLOTS; i++)
		if (slots[i] && slots[i]->serial == serial)
			return slots[i];
	if (tearing && tearing->serial == serial)
		return tearing;
	for (struct domain *d = destroyed; d; d = d->next_dead)
		if (d->serial == serial)
			return d;
	return NULL;
}

void domain_foreign_put(uint64_t pa)
{
	uint32_t serial = page_owner_serial(pa);
	struct domain *owner;

	spin_lock(&domains_lock);
	owner = find_serial(serial);
	spin_unlock(&domains_lock);
	if (!owner)
		panic("foreign mapping of %lx held no domain", pa);
	page_put(pa);
	domain_unhold(owner);
}

void domain_hold(struct domain *d)
{
	__atomic_add_fetch(&d->map_refs, 1, __ATOMIC_ACQUIRE);
}

/*
 * Only a destroyed domain waits for its last mapping to go: a live
 * granter's last unmap must not send the next exit into the reaper (whose
 * slow path unloads the running vCPU).  The flag and the count are one word,
 * so the last holder knows without reading d, which may be freed at once.
 */
void domain_unhold(struct domain *d)
{
	if (__atomic_sub_fetch(&d->map_refs, 1, __ATOMIC_SEQ_CST) == MAP_REFS_DESTROYED)
		__atomic_store_n(&unheld, true, __ATOMIC_SEQ_CST);
}

struct domain *domain_next_alive(struct domain *after)
{
	struct domain *d = find_from(after ? after->id + 1 : 0);

	while (d && d->state != DOMAIN_RUNNING)
		d = find_from(d->id + 1);
	return d;
}

struct vcpu *domain_vcpu_by_hwid(struct domain *d, uint64_t hwid)
{
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		if (arch_vcpu_hwid(i) == hwid)
			return d->vcpu[i];
	return NULL;
}

uint64_t domain_ram_end(const struct domain *d)
{
	uint64_t end = 0;

	for (unsigned i = 0; i < d->nr_banks; i++)
		end = MAX(end, d->bank[i].base + d->bank[i].size);
	return end;
}

bool domain_ipa_is_ram(const struct domain *d, uint64_t ipa, uint64_t size)
{
	for (unsigned i = 0; i < d->nr_banks; i++) {
		const struct ram_bank *b = &d->bank[i];

		if (ipa >= b->base && size <= b->size && ipa - b->base <= b->size - size)
			return true;
	}
	return false;
}

/* ---- creation ---- */

static void free_structs(struct domain *d)
{
	pv_domain_free(d);
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		domain_free_struct(d->vcpu[i], sizeof(struct vcpu));
	if (d->cfg->toolstack)
		domain_free_struct((void *)d->cfg, sizeof(*d->cfg));
	domain_free_struct(d, sizeof(*d));
}

static const char *create_vcpus(struct domain *d, const struct boot_domain *cfg)
{
	for (unsigned i = 0; i < cfg->cpus; i++) {
		struct vcpu *v = domain_alloc_struct(sizeof(struct vcpu));

		if (!v)
			return "out of memory";
		v->id = i;
		v->dom = d;
		v->loaded_on = -1;
		v->sched.affinity = cfg->affinity[i];
		arch_vcpu_create(v);
		d->vcpu[d->nr_vcpus++] = v;
	}
	return NULL;
}

static const char *add_to_scheduler(struct domain *d)
{
	const char *err;

	for (unsigned i = 0; i < d->nr_vcpus; i++)
		if ((err = sched_add_vcpu(d->vcpu[i]))) {
			sched_remove_domain(d);
			return err;
		}
	return NULL;
}

/* On the list, if its id is not taken and there is room; else false. */
static bool domain_register(struct domain *d)
{
	unsigned i;
	bool ok;

	spin_lock(&domains_lock);
	for (i = 0; i < NR_SLOTS && slots[i]; i++)
		;
	ok = i < NR_SLOTS && !find(d->id);
	if (ok) {
		slots[i] = d;
		nr_alive++;
	}
	spin_unlock(&domains_lock);
	return ok;
}

/* A domain's structures, vCPUs, devices and empty p2m: the quick first step of a build. */
static const char *build_begin(struct domain **out, const struct boot_domain *cfg, unsigned id)
{
	struct domain *d;
	const char *err = domain_check_config(cfg);

	if (err)
		return err;
	if (!(d = *out = domain_alloc_struct(sizeof(*d))))
		return "out of memory";
	d->id = id;
	d->serial = __atomic_add_fetch(&serials, 1, __ATOMIC_RELAXED);
	d->cfg = cfg;
	snprintf(d->name, sizeof(d->name), "%s", cfg->name);
	d->lock = (spinlock_t)SPINLOCK_INIT;
	d->p2m_lock = (spinlock_t)SPINLOCK_INIT;
	d->ram_size = cfg->mem_kib * KiB;
	d->bank[0] = (struct ram_bank){ GUEST_RAM0_BASE, d->ram_size };
	d->nr_banks = 1;
	d->weight = cfg->weight;
	d->cap = cfg->cap;
	d->hardware = cfg->dom0;
	d->shutdown_code = SHUTDOWN_CODE_INVALID;
	d->grant_window = GUEST_GNTTAB_BASE;
	d->grant_window_size = GUEST_GNTTAB_SIZE;
	if (cfg->toolstack)	/* RAM comes later, anywhere in Xen's first RAM window */
		d->bank[0].size = GUEST_RAM0_SIZE;
	if (cfg->dom0 && !domain_reserve_direct(d))
		return "dom0_mem= is more than free host memory holds in " STR(DOMAIN_MAX_BANKS) " runs";
	/* The p2m first: the port may map its devices' pages (arch_domain_create()). */
	if (!p2m_arch_init(d))
		return "out of memory for guest RAM";
	if ((err = create_vcpus(d, cfg)) || (err = arch_domain_create(d, cfg)))
		return err;
	return NULL;
}

/* On the scheduler and the list: others see it from here on. */
static const char *go_live(struct domain *d)
{
	const char *err = add_to_scheduler(d);

	if (err)
		return err;
	d->state = DOMAIN_RUNNING;
	d->alive = true;
	if (!domain_register(d)) {
		sched_remove_domain(d);
		return "no room for another domain (" STR(MAX_DOMAINS) " besides Dom0)";
	}
	console_domain_add(d);
	return NULL;
}

/* Once its RAM is populated: the PV interface, the images, and it runs. */
static const char *build_finish(struct domain *d)
{
	uint64_t entry, arg;
	const char *err;

	if (d->cfg->xen_enhanced && (err = pv_domain_init(d)))
		return err;
	if ((err = arch_domain_load(d, d->cfg, &entry, &arg)) || (err = go_live(d)))
		return err;
	vcpu_power_on(d->vcpu[0], entry, arg);
	return NULL;
}

/* A build that failed: says why, and gives back what it took. */
static void build_failed(struct domain *d, const struct boot_domain *cfg, unsigned id,
			 const char *err)
{
	pr_err("%s (d%u) not started: %s\n", cfg->name, id, err);
	if (d) {
		pv_domain_relinquish(d);
		p2m_arch_relinquish(d, 0);
		domain_release_unpopulated(d);
		free_structs(d);
	}
}

/* Whether a domain has this id: listed, being destroyed or rebuilt, or destroyed but held. */
static bool id_taken(unsigned id)
{
	if (find(id) || (tearing && tearing->id == id) || (building && building->id == id))
		return true;
	for (struct domain *d = destroyed; d; d = d->next_dead)
		if (d->id == id)
			return true;
	return false;
}

bool domain_destroy_pending(unsigned id)
{
	bool pending;

	spin_lock(&domains_lock);
	pending = find(id) || (tearing && tearing->id == id);
	spin_unlock(&domains_lock);
	return pending;
}

bool domain_pick_id(unsigned want, unsigned *id)
{
	bool ok = false;

	spin_lock(&reap_lock);
	spin_lock(&domains_lock);
	if (want) {
		ok = !id_taken(want);
		*id = want;
	} else {
		for (unsigned n = 0; n < DOMAIN_ID_LIMIT - 1 && !ok; n++) {
			rover = rover + 1 >= DOMAIN_ID_LIMIT ? 1 : rover + 1;
			ok = !id_taken(rover);
		}
		*id = rover;
	}
	spin_unlock(&domains_lock);
	spin_unlock(&reap_lock);
	return ok;
}

struct domain *domain_create_empty(struct boot_domain *cfg, unsigned id)
{
	struct domain *d = NULL;
	const char *err = build_begin(&d, cfg, id);

	if (!err) {
		d->controller_pause_count = 1;
		if (!(err = pv_domain_init(d)) && !(err = go_live(d)))
			return d;
	}
	build_failed(d, cfg, id, err);
	if (!d)
		domain_free_struct(cfg, sizeof(*cfg));
	return NULL;
}

struct domain *domain_create(const struct boot_domain *cfg, unsigned id)
{
	struct domain *d = NULL;
	const char *err = build_begin(&d, cfg, id);

	if (!err && domain_populate_ram(d, 0) < 0)
		err = "out of memory for guest RAM";
	if (!err && !(err = build_finish(d)))
		return d;
	build_failed(d, cfg, id, err);
	return NULL;
}

/* ---- shutdown ---- */

static const char *const shutdown_names[] = { "powered off", "rebooted", "crashed", "killed" };
static const char *const action_names[] = { "destroying it", "restarting it", "preserving it" };

/* VIRQ_DOM_EXC: "some domain changed state", to every PV domain that listens. */
static void announce_state_change(void)
{
	for (struct domain *o = domain_get_from(0); o; o = domain_get_next(o))
		if (o->pv && o->state == DOMAIN_RUNNING)
			evtchn_raise_virq(o->vcpu[0], VIRQ_DOM_EXC);
}

static enum domain_action action_for(const struct domain *d, enum shutdown_reason why)
{
	const struct boot_domain *cfg = d->cfg;

	return why == SHUTDOWN_POWEROFF ? cfg->on_poweroff
	     : why == SHUTDOWN_REBOOT ? cfg->on_reboot
	     : why == SHUTDOWN_CRASH ? cfg->on_crash : ACTION_DESTROY;
}

/* Stops the domain for good: reaped later (DYING) or kept (PRESERVED). */
static void stop(struct domain *d, enum shutdown_reason why, enum domain_action action,
		 bool was_alive)
{
	d->alive = false;
	spin_lock(&domains_lock);
	nr_alive -= was_alive;
	nr_dying += action != ACTION_PRESERVE;
	spin_unlock(&domains_lock);
	pr_info("%s (d%u) %s: %s\n", d->name, d->id, shutdown_names[why], action_names[action]);
	announce_state_change();
	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		d->vcpu[i]->power = VCPU_OFF;
		vcpu_kick(d->vcpu[i]);
	}
}

/* As on Xen: the hardware domain's end is the machine's (Xen's hwdom_shutdown). */
static void __attribute__((noreturn)) hardware_shutdown(const struct domain *d,
							enum shutdown_reason why)
{
	arch_exit_profile_report();	/* a Dom0 session's profile, with exit_profile */
	if (why == SHUTDOWN_POWEROFF) {
		pr_info("Hardware Dom%u halted: halting machine\n", d->id);
		arch_system_off();
	}
	if (why == SHUTDOWN_REBOOT)
		pr_info("Hardware Dom%u shutdown: rebooting machine\n", d->id);
	else
		pr_err("Hardware Dom%u crashed: rebooting machine\n", d->id);
	arch_system_reset();
}

/* Xen's code for each reason, which the toolstack reads in getdomaininfo. */
static const uint32_t shutdown_codes[] = {
	[SHUTDOWN_POWEROFF] = SHUTDOWN_poweroff,
	[SHUTDOWN_REBOOT] = SHUTDOWN_reboot,
	[SHUTDOWN_CRASH] = SHUTDOWN_crash,
	[SHUTDOWN_KILLED] = SHUTDOWN_CODE_INVALID,	/* not the guest's doing */
};

/* As Xen: the first code given stands, SCHEDOP_shutdown_code's included. With d->lock. */
static void record_code(struct domain *d, uint32_t code)
{
	if (d->shutdown_code == SHUTDOWN_CODE_INVALID)
		d->shutdown_code = code;
}

void domain_shutdown_code(struct domain *d, uint32_t code)
{
	spin_lock(&d->lock);
	record_code(d, code);
	spin_unlock(&d->lock);
}

void domain_shutdown(struct domain *d, enum shutdown_reason why)
{
	enum domain_action action = action_for(d, why);

	if (d->hardware)
		hardware_shutdown(d, why);
	spin_lock(&d->lock);
	if (d->state != DOMAIN_RUNNING) {
		spin_unlock(&d->lock);
		return;
	}
	d->shut_down = true;
	record_code(d, shutdown_codes[why]);
	/* A preserved domain keeps its memory for inspection but never runs again. */
	d->state = action == ACTION_PRESERVE ? DOMAIN_PRESERVED : DOMAIN_DYING;
	d->reboot = action == ACTION_RESTART;
	spin_unlock(&d->lock);
	stop(d, why, action, true);
}

void domain_kill(struct domain *d)
{
	bool was_alive;

	spin_lock(&d->lock);
	if (d->state != DOMAIN_RUNNING && d->state != DOMAIN_PRESERVED) {
		d->reboot = false;	/* dying already: at least not to come back */
		spin_unlock(&d->lock);
		return;
	}
	was_alive = d->state == DOMAIN_RUNNING;
	d->state = DOMAIN_DYING;
	d->reboot = false;
	spin_unlock(&d->lock);
	stop(d, SHUTDOWN_KILLED, ACTION_DESTROY, was_alive);
}

void domain_boot_done(void)
{
	boot_done = true;
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

/* ---- destruction ---- */

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
	const char *err = build_begin(&d, cfg, id);

	if (err) {
		build_failed(d, cfg, id, err);
		return;
	}
	d->build_ticks = ticks;
	building = d;
}

/* Its memory is back but for pages others map: its structures wait on the destroyed list. */
static void destroy_end(struct domain *d)
{
	pr_info("d%u destroyed, %lu KiB returned\n", d->id,
		(page_alloc_free_pages() - d->free_at_destroy) * (PAGE_SIZE / KiB));
	d->kept = __atomic_fetch_or(&d->map_refs, MAP_REFS_DESTROYED, __ATOMIC_SEQ_CST) != 0;
	if (d->kept)
		pr_info("d%u: other domains still map its pages: kept until they let go\n", d->id);
	spin_lock(&domains_lock);
	tearing = NULL;		/* and on the destroyed list in one step: always found */
	d->next_dead = destroyed;
	destroyed = d;
	unheld = true;
	nr_dying--;
	spin_unlock(&domains_lock);
	announce_state_change();
	if (d->reboot)
		restart_begin(d->cfg, d->id, d->build_ticks);
}

/* The restart has all its RAM: it runs, and its vCPU 0 pays for the time its rebuild took. */
static void restart_end(struct domain *d, int populated)
{
	const struct boot_domain *cfg = d->cfg;
	unsigned id = d->id;
	const char *err = populated < 0 ? "out of memory for guest RAM" : build_finish(d);

	if (err)
		build_failed(d, cfg, id, err);
	else
		sched_charge(d->vcpu[0], d->build_ticks);
}

/* A destroyed domain nobody holds any more, off the destroyed list; or NULL. */
static struct domain *take_unheld(void)
{
	struct domain **p, *d = NULL;

	spin_lock(&domains_lock);
	unheld = false;		/* before looking: a later domain_unhold() raises it again */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (p = &destroyed; *p; p = &(*p)->next_dead)
		if (!zombie(*p) && !__atomic_load_n(&(*p)->list_refs, __ATOMIC_ACQUIRE)) {
			d = *p;
			*p = d->next_dead;
			break;
		}
	spin_unlock(&domains_lock);
	return d;
}

static void free_destroyed(struct domain *d)
{
	if (d->kept)
		pr_info("d%u (destroyed): no domain maps its pages any more, all returned\n",
			d->id);
	free_structs(d);
}

/* The next dying domain that no CPU and no other domain holds, off the list and tearing; or NULL. */
static struct domain *take_dead(void)
{
	struct domain *dead = NULL;

	spin_lock(&domains_lock);
	for (unsigned i = 0; i < NR_SLOTS && !dead; i++) {
		struct domain *d = slots[i];
		if (d && d->state == DOMAIN_DYING && !still_loaded(d) &&
		    !__atomic_load_n(&d->refs, __ATOMIC_ACQUIRE)) {
			d->state = DOMAIN_DEAD;
			slots[i] = NULL;
			dead = tearing = d;
		}
	}
	spin_unlock(&domains_lock);
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

		if ((d = building)) {
			populated = domain_populate_ram(d, deadline);
			d->build_ticks += arch_counter() - start;
			if (!populated)
				return false;
			building = NULL;
			restart_end(d, populated);
		} else if ((d = tearing)) {
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
	return nr_dying || unfinished || __atomic_load_n(&unheld, __ATOMIC_ACQUIRE) ||
	       (!nr_alive && boot_done);
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
	while (__atomic_load_n(&reap_wanted, __ATOMIC_SEQ_CST) && spin_trylock(&reap_lock)) {
		idle = reap_slice();
		unfinished = !idle;
		spin_unlock(&reap_lock);
		if (!idle)
			break;		/* its time is up: the loops come back (unfinished) */
	}
	if (idle && boot_done && !nr_dying && !nr_alive) {
		check_memory_back();
		pr_info("hypercalls: the longest held its CPU %lu us\n", hypercall_longest_us());
		arch_exit_profile_report();
		pr_info("destruction and restarts: the longest slice held its CPU %lu us\n",
			longest_slice * 1000000 / arch_counter_freq());
		pr_info("no domain left to run: powering off\n");
		arch_system_off();
	}
}
