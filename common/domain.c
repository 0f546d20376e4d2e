/* The domain list, lookups, and the end of a domain's life. */
#include <domus/domain.h>
#include <domus/domain_build.h>
#include <domus/console.h>
#include <domus/page_alloc.h>
#include <domus/percpu.h>
#include <domus/sched.h>
#include <domus/xen_pv.h>
#include <asm/arch.h>
#include <asm/p2m.h>

static struct domain *domains[MAX_DOMAINS + 1];	/* indexed by domain id */
static spinlock_t domains_lock = SPINLOCK_INIT;
static unsigned nr_alive;		/* domains running or about to restart */
static unsigned nr_dying;		/* shut down, not yet destroyed */
static bool boot_done;			/* every boot domain has been built */

void domain_register(struct domain *d)
{
	spin_lock(&domains_lock);
	domains[d->id] = d;
	nr_alive++;
	spin_unlock(&domains_lock);
}

struct domain *domain_by_id(unsigned id)
{
	return id <= MAX_DOMAINS ? domains[id] : NULL;
}

struct domain *domain_next_alive(struct domain *after)
{
	for (unsigned id = after ? after->id + 1 : 1; id <= MAX_DOMAINS; id++)
		if (domains[id] && domains[id]->state == DOMAIN_RUNNING)
			return domains[id];
	return NULL;
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
	return ipa >= d->ram_base && size <= d->ram_size && ipa - d->ram_base <= d->ram_size - size;
}

static const char *const shutdown_names[] = { "powered off", "rebooted", "crashed" };
static const char *const action_names[] = { "destroying it", "restarting it", "preserving it" };

/* VIRQ_DOM_EXC: "some domain changed state", to every PV domain that listens. */
static void announce_state_change(void)
{
	for (struct domain *o = domain_next_alive(NULL); o; o = domain_next_alive(o))
		if (o->pv)
			evtchn_raise_virq(o->vcpu[0], VIRQ_DOM_EXC);
}

static enum domain_action action_for(const struct domain *d, enum shutdown_reason why)
{
	const struct boot_domain *cfg = d->cfg;

	return why == SHUTDOWN_POWEROFF ? cfg->on_poweroff
	     : why == SHUTDOWN_REBOOT ? cfg->on_reboot : cfg->on_crash;
}

void domain_shutdown(struct domain *d, enum shutdown_reason why)
{
	enum domain_action action = action_for(d, why);

	spin_lock(&d->lock);
	if (d->state != DOMAIN_RUNNING) {
		spin_unlock(&d->lock);
		return;
	}
	/* A preserved domain keeps its memory for inspection but never runs again. */
	d->state = action == ACTION_PRESERVE ? DOMAIN_PRESERVED : DOMAIN_DYING;
	d->reboot = action == ACTION_RESTART;
	spin_unlock(&d->lock);
	d->alive = false;
	spin_lock(&domains_lock);
	nr_alive--;
	nr_dying += action != ACTION_PRESERVE;
	spin_unlock(&domains_lock);
	pr_info("%s (d%u) %s: %s\n", d->name, d->id, shutdown_names[why], action_names[action]);
	announce_state_change();
	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		d->vcpu[i]->power = VCPU_OFF;
		vcpu_kick(d->vcpu[i]);
	}
}

void domain_boot_done(void)
{
	boot_done = true;
}

static bool still_loaded(const struct domain *d)
{
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		if (d->vcpu[i]->loaded_on >= 0)
			return true;
	return false;
}

static void destroy(struct domain *d)
{
	uint64_t before = page_alloc_free_pages();
	const struct boot_domain *cfg = d->cfg;
	unsigned id = d->id;
	bool restart = d->reboot;

	sched_remove_domain(d);
	console_domain_remove(d);
	pv_domain_destroy(d);
	p2m_destroy(d);
	domain_free_structs(d);
	pr_info("d%u destroyed, %lu KiB returned\n", id,
		(page_alloc_free_pages() - before) * (PAGE_SIZE / KiB));
	announce_state_change();
	if (restart)
		domain_build(cfg, id);
}

void domain_reap(void)
{
	struct domain *dead = NULL;

	/* The common case, on every exit: nothing to do, without taking a lock. */
	if (!nr_dying && (nr_alive || !boot_done))
		return;

	spin_lock(&domains_lock);
	for (unsigned id = 1; id <= MAX_DOMAINS && !dead; id++) {
		struct domain *d = domains[id];
		if (d && d->state == DOMAIN_DYING && !still_loaded(d)) {
			d->state = DOMAIN_DEAD;
			domains[id] = NULL;
			dead = d;
		}
	}
	spin_unlock(&domains_lock);
	if (dead) {
		/* Building a domain uses FP registers (libfdt): the loaded vCPU's must be saved. */
		if (this_cpu()->loaded)
			sched_unload(this_cpu());
		destroy(dead);
		spin_lock(&domains_lock);
		nr_dying--;
		spin_unlock(&domains_lock);
	}
	if (boot_done && !nr_dying && !nr_alive) {
		pr_info("no domain left to run: powering off\n");
		arch_system_off();
	}
}
