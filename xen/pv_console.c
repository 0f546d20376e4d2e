/*
 * The PV console (hvc0) of each PV domain, served by Domus until a
 * privileged domain can: the ring page at GUEST_MAGIC_BASE, output drained
 * to the shared console when the guest signals its event channel, typed
 * input written to the ring and signalled back.  Also console_io, the
 * hypercall console that earlycon=xenboot uses, rate limited per domain.
 */
#include <xen/pv.h>
#include <domus/console.h>
#include <domus/domain.h>
#include <xen/guest_access.h>
#include <public/errno.h>
#include <domus/arch.h>

static struct xencons_interface *ring(struct domain *d)
{
	return pa_to_va(d->pv->console_ring_pa);
}

void pv_console_kick(struct domain *d)
{
	struct xencons_interface *r = ring(d);
	uint32_t cons = __atomic_load_n(&r->out_cons, __ATOMIC_RELAXED);
	uint32_t prod = __atomic_load_n(&r->out_prod, __ATOMIC_ACQUIRE);
	char buf[sizeof(r->out)];
	uint32_t n = 0;

	/* The indexes are the guest's: never read more than the ring holds. */
	if (prod - cons > sizeof(r->out))
		cons = prod - sizeof(r->out);
	while (cons != prod)
		buf[n++] = r->out[cons++ % sizeof(r->out)];
	__atomic_store_n(&r->out_cons, cons, __ATOMIC_RELEASE);
	if (n) {
		d->pv->console_used = true;
		console_guest_write(d, buf, n);
	}
	evtchn_set_pending(d, d->pv->console_port);
}

bool pv_console_receive(struct domain *d, char c)
{
	struct xencons_interface *r = ring(d);
	uint32_t cons = __atomic_load_n(&r->in_cons, __ATOMIC_ACQUIRE);
	uint32_t prod = __atomic_load_n(&r->in_prod, __ATOMIC_RELAXED);

	if (prod - cons >= sizeof(r->in))
		return false;
	r->in[prod % sizeof(r->in)] = c;
	__atomic_store_n(&r->in_prod, prod + 1, __ATOMIC_RELEASE);
	evtchn_set_pending(d, d->pv->console_port);
	return true;
}

/* At most CONSOLE_CALLS_PER_SEC writes per second, so no domain can hog the UART. */
static bool within_rate(struct xen_pv *pv)
{
	uint64_t now = arch_counter();

	if (now - pv->console_window_start >= arch_counter_freq()) {
		pv->console_window_start = now;
		pv->console_calls = 0;
	}
	return ++pv->console_calls <= CONSOLE_CALLS_PER_SEC;
}

int64_t do_console_io(struct vcpu *v, uint64_t cmd, uint64_t count, uint64_t buf)
{
	char data[256];

	switch (cmd) {
	case CONSOLEIO_write:
		if (count > 1024 * 1024)
			return -XEN_EINVAL;
		if (!within_rate(v->dom->pv))
			return 0;	/* dropped, as Xen drops a guest's excess output */
		while (count) {
			size_t n = MIN(count, sizeof(data));
			if (copy_from_guest(v, data, buf, n))
				return -XEN_EFAULT;
			console_guest_write(v->dom, data, n);
			buf += n;
			count -= n;
		}
		return 0;
	case CONSOLEIO_read:
		return 0;	/* DomUs read through their console ring, not here */
	default:
		return -XEN_ENOSYS;
	}
}
