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
	case SCHEDOP_poll:
		return poll(v, arg);
	default:
		return -XEN_ENOSYS;
	}
}
