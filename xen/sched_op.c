/* SCHEDOP_*: yielding, blocking, polling and shutting down, from a PV guest. */
#include <xen/pv.h>
#include <domus/domain.h>
#include <xen/guest_access.h>
#include <domus/sched.h>
#include <public/errno.h>
#include <domus/arch.h>
#include <xen/toolstack.h>

/* Xen's codes Domus acts on (no suspend: it has no save and restore). */
static bool known_reason(uint32_t reason)
{
	return reason <= SHUTDOWN_watchdog && reason != SHUTDOWN_suspend;
}

/* As Xen: a code given before decides what the shutdown is. */
static void shut_down(struct domain *d, uint32_t reason, bool code_only)
{
	static const enum shutdown_reason reasons[] = {
		[SHUTDOWN_poweroff] = SHUTDOWN_POWEROFF,
		[SHUTDOWN_reboot] = SHUTDOWN_REBOOT,
		[SHUTDOWN_crash] = SHUTDOWN_CRASH,
		[SHUTDOWN_watchdog] = SHUTDOWN_CRASH,
	};

	domain_shutdown_code(d, reason);
	if (!code_only)
		domain_shutdown(d, reasons[d->shutdown_code]);
}

static int64_t shutdown(struct vcpu *v, uint64_t arg, bool code_only)
{
	struct sched_shutdown s;

	if (copy_from_guest(v, &s, arg, sizeof(s)))
		return -XEN_EFAULT;
	if (!known_reason(s.reason))
		return -XEN_EINVAL;
	shut_down(v->dom, s.reason, code_only);
	return 0;
}

/* Another domain's shutdown, as its guest would ask it: the toolstack's (Dom0's) to ask. */
static int64_t remote_shutdown(struct vcpu *v, uint64_t arg)
{
	struct sched_remote_shutdown r;
	struct domain *d;
	int64_t ret;

	if (copy_from_guest(v, &r, arg, sizeof(r)))
		return -XEN_EFAULT;
	if (!(d = domain_get(r.domain_id)))
		return -XEN_ESRCH;
	ret = xsm_control(v->dom);
	if (!ret && !known_reason(r.reason))
		ret = -XEN_EINVAL;
	if (!ret)
		shut_down(d, r.reason, false);
	domain_put(d);
	return ret;
}

/*
 * Watchdogs, as Xen's domain_watchdog(): a guest holds up to two; SCHEDOP_watchdog
 * with id 0 takes a free one (its id back, 1-based) and arms it, with an id
 * re-arms it, or stops and frees it with a timeout of 0.  One that runs out
 * shuts its domain down with SHUTDOWN_watchdog, and stays taken.
 */
#define NR_WATCHDOGS 2
static spinlock_t watchdog_lock = SPINLOCK_INIT;
static uint64_t watchdogs_next;		/* no armed deadline is earlier; 0: none */

static void arm(struct domain *d, unsigned i, uint32_t seconds)
{
	uint64_t at = arch_counter() + (uint64_t)seconds * arch_counter_freq();

	d->watchdog_deadline[i] = at ? at : 1;
	watchdogs_next = watchdogs_next ? MIN(watchdogs_next, at) : at;
}

static int64_t watchdog(struct vcpu *v, uint64_t arg)
{
	struct domain *d = v->dom;
	struct sched_watchdog w;
	int64_t ret = 0;
	unsigned i;

	if (copy_from_guest(v, &w, arg, sizeof(w)))
		return -XEN_EFAULT;
	if (w.id > NR_WATCHDOGS)
		return -XEN_EINVAL;
	spin_lock(&watchdog_lock);
	if (!w.id) {
		for (i = 0; i < NR_WATCHDOGS && d->watchdogs_used & BIT(i); i++)
			;
		if (i == NR_WATCHDOGS) {
			ret = -XEN_ENOSPC;
		} else {
			d->watchdogs_used |= (uint8_t)BIT(i);
			arm(d, i, w.timeout);
			ret = i + 1;
		}
	} else if (!(d->watchdogs_used & BIT(w.id - 1))) {
		ret = -XEN_EINVAL;
	} else if (!w.timeout) {
		d->watchdogs_used &= (uint8_t)~BIT(w.id - 1);
		d->watchdog_deadline[w.id - 1] = 0;
	} else {
		arm(d, w.id - 1, w.timeout);
	}
	spin_unlock(&watchdog_lock);
	return ret;
}

uint64_t pv_watchdogs_next(void)
{
	return __atomic_load_n(&watchdogs_next, __ATOMIC_RELAXED);
}

/* Disarms d's expired watchdogs and says whether there was one; the others count for the next look. */
static bool expired(struct domain *d, uint64_t now, uint64_t *next)
{
	bool fired = false;

	for (unsigned i = 0; i < NR_WATCHDOGS; i++) {
		uint64_t at = d->watchdog_deadline[i];

		if (at && at <= now) {
			d->watchdog_deadline[i] = 0;
			fired = true;
		} else if (at) {
			*next = *next ? MIN(*next, at) : at;
		}
	}
	return fired;
}

void pv_watchdogs_check(uint64_t now)
{
	uint64_t next = 0;

	if (!pv_watchdogs_next() || now < pv_watchdogs_next())
		return;
	spin_lock(&watchdog_lock);
	for (struct domain *d = domain_get_from(0); d; d = domain_get_next(d)) {
		if (!expired(d, now, &next))
			continue;
		pr_info("Watchdog timer fired for domain %u\n", d->id);
		domain_shutdown_code(d, SHUTDOWN_watchdog);
		domain_shutdown(d, SHUTDOWN_CRASH);
	}
	watchdogs_next = next;
	spin_unlock(&watchdog_lock);
}

#define POLL_MAX_PORTS 128

/*
 * Waits until one of the ports is pending.  With a timeout, Domus returns at
 * once instead of arming a timer: an early return is a spurious wake-up,
 * which callers of poll must handle anyway.
 */
static int64_t poll(struct vcpu *v, uint64_t arg)
{
	struct shared_info *si = pa_to_va(v->dom->pv->shared_info_pa);
	struct sched_poll p;
	uint32_t ports[POLL_MAX_PORTS];

	if (copy_from_guest(v, &p, arg, sizeof(p)))
		return -XEN_EFAULT;
	if (p.nr_ports > POLL_MAX_PORTS)
		return -XEN_EINVAL;
	if (copy_from_guest(v, ports, p.ports, p.nr_ports * sizeof(ports[0])))
		return -XEN_EFAULT;
	/* Set before looking, so an event that comes in between still wakes us. */
	v->polling = true;
	arch_smp_mb();
	for (uint32_t i = 0; i < p.nr_ports; i++) {
		if (ports[i] >= EVTCHN_MAX_PORTS ||
		    (__atomic_load_n(&si->evtchn_pending[ports[i] / 64], __ATOMIC_ACQUIRE) &
		     BIT(ports[i] % 64))) {
			v->polling = false;
			return ports[i] >= EVTCHN_MAX_PORTS ? -XEN_EINVAL : 0;
		}
	}
	if (p.timeout)
		v->polling = false;
	else
		vcpu_block(v);	/* any event for the domain wakes it (evtchn_set_pending) */
	return 0;
}

int64_t do_sched_op(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
	switch (cmd) {
	case SCHEDOP_yield:
		sched_yield();
		return 0;
	case SCHEDOP_block:
		vcpu_block(v);
		return 0;
	case SCHEDOP_shutdown:
		return shutdown(v, arg, false);
	case SCHEDOP_shutdown_code:
		return shutdown(v, arg, true);
	case SCHEDOP_remote_shutdown:
		return remote_shutdown(v, arg);
	case SCHEDOP_watchdog:
		return watchdog(v, arg);
	case SCHEDOP_poll:
		return poll(v, arg);
	default:
		return -XEN_ENOSYS;
	}
}
