/* SCHEDOP_*: yielding, blocking, polling and shutting down, from a PV guest. */
#include <domus/xen_pv.h>
#include <domus/domain.h>
#include <domus/guest_access.h>
#include <domus/sched.h>
#include <public/errno.h>

static int64_t shutdown(struct vcpu *v, uint64_t arg, bool code_only)
{
	struct sched_shutdown s;
	static const enum shutdown_reason reasons[] = {
		[SHUTDOWN_poweroff] = SHUTDOWN_POWEROFF,
		[SHUTDOWN_reboot] = SHUTDOWN_REBOOT,
		[SHUTDOWN_crash] = SHUTDOWN_CRASH,
		[SHUTDOWN_watchdog] = SHUTDOWN_CRASH,
	};

	if (copy_from_guest(v, &s, arg, sizeof(s)))
		return -XEN_EFAULT;
	if (s.reason > SHUTDOWN_watchdog || s.reason == SHUTDOWN_suspend)
		return -XEN_EINVAL;
	if (code_only) {
		v->dom->pv->shutdown_code = s.reason;
		return 0;
	}
	domain_shutdown(v->dom, reasons[s.reason]);
	return 0;
}

int64_t do_sched_op(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
	switch (cmd) {
	case SCHEDOP_yield:
		return 0;	/* the exit itself gives the scheduler its chance */
	case SCHEDOP_block:
		vcpu_block(v);
		return 0;
	case SCHEDOP_shutdown:
		return shutdown(v, arg, false);
	case SCHEDOP_shutdown_code:
		return shutdown(v, arg, true);
	case SCHEDOP_poll: {
		struct sched_poll p;
		if (copy_from_guest(v, &p, arg, sizeof(p)))
			return -XEN_EFAULT;
		if (p.nr_ports > 128)
			return -XEN_EINVAL;
		vcpu_block(v);	/* woken by any event, which is what poll waits for */
		return 0;
	}
	default:
		return -XEN_ENOSYS;
	}
}
