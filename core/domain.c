/*
 * A domain's creation and its shutdown.
 *
 *   domain_create()    builds the domain from its boot description: its
 *                      structures, vCPUs, virtual devices (the
 *                      architecture's), RAM, Xen PV interface and images,
 *                      then registers it and powers on vCPU 0.
 *   domain_create_empty()  the same without RAM or images, paused, for the
 *                      toolstack to build (XEN_DOMCTL_createdomain).
 *   domain_shutdown()  the guest powered off, rebooted or crashed: its vCPUs
 *                      stop and it becomes DYING (or PRESERVED, by its
 *                      on_* policy).  Nothing is freed here: other CPUs may
 *                      still hold the state of its vCPUs.
 *   domain_kill()      the same for any domain, preserved ones included,
 *                      whatever its policy says, and without a restart
 *                      (Xen's destroy).
 *
 * Destruction and restarts are domain_reap.c's; the list, references and
 * ids domain_list.c's.
 */
#include <domus/domain_list.h>
#include <domus/arch.h>
#include <domus/boot_dt.h>
#include <domus/console.h>
#include <domus/domain_build.h>
#include <domus/sched.h>
#include <xen/pv.h>
#include <asm/guest_abi.h>

static uint32_t serials;		/* the last domain serial given out */

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

void domain_free_structs(struct domain *d)
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
		v->sched.soft_affinity = ~0ull;
		arch_vcpu_create(v);
		d->vcpu[d->nr_vcpus++] = v;
	}
	return NULL;
}

/* A domain's structures, vCPUs, devices and empty p2m: the quick first step of a build. */
const char *domain_build_begin(struct domain **out, const struct boot_domain *cfg, unsigned id)
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
	const char *err = sched_add_domain(d, d->cfg->cpupool);

	if (err)
		return err;
	d->state = DOMAIN_RUNNING;
	d->alive = true;
	if (!domain_list_add(d)) {
		sched_remove_domain(d);
		return "no room for another domain (" STR(MAX_DOMAINS) " besides Dom0)";
	}
	console_domain_add(d);
	return NULL;
}

/* Once its RAM is populated: the PV interface, the images, and it runs. */
const char *domain_build_finish(struct domain *d)
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
void domain_build_failed(struct domain *d, const struct boot_domain *cfg, unsigned id,
			 const char *err)
{
	pr_err("%s (d%u) not started: %s\n", cfg->name, id, err);
	if (d) {
		pv_domain_relinquish(d);
		p2m_arch_relinquish(d, 0);
		domain_release_unpopulated(d);
		domain_free_structs(d);
	}
}

struct domain *domain_create_empty(struct boot_domain *cfg, unsigned id)
{
	struct domain *d = NULL;
	const char *err = domain_build_begin(&d, cfg, id);

	if (!err) {
		d->controller_pause_count = 1;
		if (!(err = pv_domain_init(d)) && !(err = go_live(d)))
			return d;
	}
	domain_build_failed(d, cfg, id, err);
	if (!d)
		domain_free_struct(cfg, sizeof(*cfg));
	return NULL;
}

/* Built at once, at boot; where its time went is said, for the boot benchmark. */
struct domain *domain_create(const struct boot_domain *cfg, unsigned id)
{
	struct domain *d = NULL;
	uint64_t start = arch_counter(), ram;
	const char *err = domain_build_begin(&d, cfg, id);

	if (!err && domain_populate_ram(d, 0) < 0)
		err = "out of memory for guest RAM";
	ram = arch_counter();
	if (!err && !(err = domain_build_finish(d))) {
		uint64_t now = arch_counter();

		pr_info("%s (d%u): built in %lu us (structures and RAM %lu us, "
			"images and device tree %lu us)\n", d->name, id, ticks_to_us(now - start),
			ticks_to_us(ram - start), ticks_to_us(now - ram));
		return d;
	}
	domain_build_failed(d, cfg, id, err);
	return NULL;
}

static const char *const shutdown_names[] = { "powered off", "rebooted", "crashed", "killed" };
static const char *const action_names[] = { "destroying it", "restarting it", "preserving it" };

void domain_announce_state_change(void)
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
	spin_lock(&domains.lock);
	domains.nr_alive -= was_alive;
	domains.nr_dying += action != ACTION_PRESERVE;
	spin_unlock(&domains.lock);
	pr_info("%s (d%u) %s: %s\n", d->name, d->id, shutdown_names[why], action_names[action]);
	domain_announce_state_change();
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
