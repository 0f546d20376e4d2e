/*
 * The PV console (hvc0) of each PV domain, served by Domus when there is no
 * Dom0 (xen/pv_domain.c): the ring page at GUEST_MAGIC_BASE, output drained
 * to the shared console when the guest signals its event channel, typed
 * input written to the ring and signalled back; notifications beyond a
 * rate are served later, not dropped.  Also console_io, the
 * hypercall console that earlycon=xenboot uses, rate limited per domain.
 */
#include <xen/pv.h>
#include <domus/console.h>
#include <domus/domain.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <public/errno.h>
#include <domus/arch.h>

static struct xencons_interface *ring(struct domain *d)
{
	return pa_to_va(d->pv->console_ring_pa);
}

#define KICK_WINDOWS_PER_SEC 50	/* notifications are counted in windows this long */

unsigned pv_console_nr_deferred;	/* domains whose notification waits for its window */

/* Whether one more event fits in the current window of w; with the domain's console_lock. */
static bool rate_allow(struct rate_window *w, unsigned limit, uint64_t window)
{
	uint64_t now = arch_counter();

	if (now - w->start >= window) {
		w->start = now;
		w->count = 0;
	}
	if (w->count >= limit)
		return false;
	w->count++;
	return true;
}

static bool kick_allowed(struct xen_pv *pv)
{
	return rate_allow(&pv->console_kicks, CONSOLE_KICKS_PER_SEC / KICK_WINDOWS_PER_SEC,
			  arch_counter_freq() / KICK_WINDOWS_PER_SEC);
}

/* Drains the output ring to the shared console, printing now if the guest asked now. */
static void kick(struct domain *d, bool now)
{
	struct xencons_interface *r = ring(d);
	char buf[sizeof(r->out)];
	uint32_t cons, prod, n = 0;

	/* One reader at a time: two vCPUs notifying at once must not print the bytes twice. */
	spin_lock(&d->pv->console_lock);
	cons = __atomic_load_n(&r->out_cons, __ATOMIC_RELAXED);
	prod = __atomic_load_n(&r->out_prod, __ATOMIC_ACQUIRE);
	/* The indexes are the guest's: never read more than the ring holds. */
	if (prod - cons > sizeof(r->out))
		cons = prod - sizeof(r->out);
	while (cons != prod)
		buf[n++] = r->out[cons++ % sizeof(r->out)];
	__atomic_store_n(&r->out_cons, cons, __ATOMIC_RELEASE);
	spin_unlock(&d->pv->console_lock);
	if (n) {
		d->pv->console_used = true;
		if (now)
			console_guest_write(d, buf, n);
		else
			console_guest_queue(d, buf, n);
	}
	evtchn_set_pending(d, d->pv->console_port);
}

/*
 * Served at once up to CONSOLE_KICKS_PER_SEC; beyond that the bytes wait in
 * the ring and the console's poll serves the domain in its next window, so a
 * guest notifying in a loop costs Domus a flag per call, not a drain.
 */
void pv_console_notify(struct domain *d)
{
	struct xen_pv *pv = d->pv;
	bool now;

	spin_lock(&pv->console_lock);
	now = kick_allowed(pv);
	if (!now && !pv->console_deferred) {
		pv->console_deferred = true;
		__atomic_add_fetch(&pv_console_nr_deferred, 1, __ATOMIC_RELEASE);
	}
	spin_unlock(&pv->console_lock);
	if (now)
		kick(d, true);
}

/* Takes d's deferred notification if its window allows it now. */
static bool take_deferred(struct domain *d)
{
	struct xen_pv *pv = d->pv;
	bool take;

	spin_lock(&pv->console_lock);
	take = pv->console_deferred && kick_allowed(pv);
	if (take) {
		pv->console_deferred = false;
		__atomic_sub_fetch(&pv_console_nr_deferred, 1, __ATOMIC_RELEASE);
	}
	spin_unlock(&pv->console_lock);
	return take;
}

void pv_console_poll(void)
{
	for (struct domain *d = domain_get_from(0); d; d = domain_get_next(d))
		if (d->pv && take_deferred(d))
			kick(d, false);	/* on nobody's time: the printing waits for the loops */
}

void pv_console_destroy(struct domain *d)
{
	if (d->pv->console_deferred)
		__atomic_sub_fetch(&pv_console_nr_deferred, 1, __ATOMIC_RELEASE);
}

/*
 * Dom0 reads its keys with console_io, as from Xen's serial ring (the
 * console raises VIRQ_CONSOLE for each key, as for any PV domain).
 */
static bool dom0_receive(struct domain *d, char c)
{
	struct xen_pv *pv = d->pv;
	bool room;

	spin_lock(&pv->console_lock);
	room = pv->console_in_len < sizeof(pv->console_in);
	if (room)
		pv->console_in[(pv->console_in_head + pv->console_in_len++) %
			       sizeof(pv->console_in)] = c;
	spin_unlock(&pv->console_lock);
	return room;
}

static int64_t dom0_read(struct vcpu *v, uint64_t count, uint64_t buf)
{
	struct xen_pv *pv = v->dom->pv;
	char data[sizeof(pv->console_in)];
	uint32_t n = 0;

	spin_lock(&pv->console_lock);
	while (n < count && n < sizeof(data) && pv->console_in_len) {
		data[n++] = pv->console_in[pv->console_in_head];
		pv->console_in_head = (pv->console_in_head + 1) % sizeof(pv->console_in);
		pv->console_in_len--;
	}
	spin_unlock(&pv->console_lock);
	/* Keys taken but not delivered are lost, as Xen's are when the copy faults. */
	return n && copy_to_guest(v, buf, data, n) ? -XEN_EFAULT : (int64_t)n;
}

bool pv_console_receive(struct domain *d, char c)
{
	struct xencons_interface *r;

	if (d->hardware)
		return dom0_receive(d, c);
	if (!d->pv->console_ring_pa)
		return false;	/* its console is Dom0's (xenconsoled) */
	r = ring(d);
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
	bool ok;

	spin_lock(&pv->console_lock);
	ok = rate_allow(&pv->console_writes, CONSOLE_CALLS_PER_SEC, arch_counter_freq());
	spin_unlock(&pv->console_lock);
	return ok;
}

int64_t do_console_io(struct vcpu *v, uint64_t cmd, uint64_t count, uint64_t buf)
{
	char data[256];

	switch (cmd) {
	case CONSOLEIO_write:
		if (count > 1024 * 1024)
			return -XEN_EINVAL;
		/* As on Xen: a DomU's lines are debug messages (guest_loglvl), rate limited. */
		if (!v->dom->hardware &&
		    (!console_guest_debug_shown() || !within_rate(v->dom->pv)))
			return 0;
		/* A long write goes on in a continuation, as on Xen: no CPU held for long. */
		while (count) {
			size_t n = MIN(count, sizeof(data));
			if (copy_from_guest(v, data, buf, n))
				return -XEN_EFAULT;
			console_guest_write(v->dom, data, n);
			buf += n;
			count -= n;
			if (count && hypercall_preempt_check(v))
				return hypercall_continue(v, CONSOLEIO_write, count, buf);
		}
		return 0;
	case CONSOLEIO_read:
		/* DomUs read through their console ring; Dom0 here. */
		return v->dom->hardware ? dom0_read(v, count, buf) : 0;
	default:
		return -XEN_ENOSYS;
	}
}
