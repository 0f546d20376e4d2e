/*
 * Setting up and tearing down a domain's Xen PV interface: its shared_info
 * page, its PV console ring (magic page 0 at GUEST_MAGIC_BASE) and event
 * channel, its xenstore port, and the HVM parameters that tell the guest
 * about them.  Without a Dom0, Domus serves the console and there is no
 * xenstore (the store parameters stay 0: Linux reads "no xenbus"); beside
 * a Dom0 both are Dom0's, as for a domain Xen's toolstack builds.
 */
#include <xen/pv.h>
#include <domus/boot_dt.h>
#include <domus/domain.h>
#include <domus/page.h>
#include <domus/page_alloc.h>
#include <asm/guest_abi.h>
#include <domus/arch.h>

static uint64_t zeroed_page(void)
{
	return alloc_pages_scrubbed(1, 1);
}

/* Freed dirty: scrubbed in idle time or when next handed out (core/page_alloc.c). */
static void scrub_free(uint64_t pa)
{
	if (pa)
		free_pages(pa, 1);
}

/* The console Domus serves: a page of its own in the magic slot, a port it answers. */
static const char *console_for_domus(struct domain *d)
{
	struct xen_pv *pv = d->pv;
	int port;

	pv->console_ring_pa = zeroed_page();
	if (!pv->console_ring_pa ||
	    !p2m_arch_set_page(d, GUEST_MAGIC_BASE, pv->console_ring_pa, P2M_SPECIAL, NULL))
		return "out of memory for the PV interface";
	port = evtchn_alloc_for_domus(d);
	if (!port)
		return "no event channel for the console";
	pv->console_port = (uint32_t)port;
	return NULL;
}

/*
 * The console Dom0's xenconsoled serves, as the toolstack gives a guest it
 * builds: a page of the guest's own RAM in the magic slot (Dom0 maps it
 * like any), a port left unbound for Dom0.  Domus keeps no pointer to it.
 */
static const char *console_for_dom0(struct domain *d, domid_t dom0)
{
	int port;

	d->max_pages++;		/* the page is more than its RAM, as the toolstack counts it */
	if (!memory_populate(d, GUEST_MAGIC_BASE >> PAGE_SHIFT))
		return "out of memory for the PV interface";
	port = evtchn_alloc_unbound_for(d, dom0);
	if (!port)
		return "no event channel for the console";
	d->pv->console_port = (uint32_t)port;
	return NULL;
}

/*
 * As Xen 4.17 sets up a xen,enhanced dom0less domain beside a Dom0: a port
 * for xenstore left unbound for Dom0, and the store page "to come" (~0),
 * which Dom0's init-dom0less populates, announces and introduces to
 * xenstored; the guest (Linux's late xenbus init) waits for that.
 */
static const char *store_for_dom0(struct domain *d, domid_t dom0)
{
	int port = evtchn_alloc_unbound_for(d, dom0);

	if (!port)
		return "no event channel for xenstore";
	d->pv->params[HVM_PARAM_STORE_EVTCHN] = (uint64_t)port;
	d->pv->params[HVM_PARAM_STORE_PFN] = ~0ull;
	return NULL;
}

/* A DomU's console and store: Dom0's if there is one, else Domus's console and no store. */
static const char *console_and_store(struct domain *d)
{
	struct domain *dom0 = domain_get_hardware();
	const char *err;
	domid_t id;

	if (!dom0)
		err = console_for_domus(d);
	else {
		id = (domid_t)dom0->id;
		domain_put(dom0);
		err = console_for_dom0(d, id);
		err = err ? err : store_for_dom0(d, id);
	}
	d->pv->params[HVM_PARAM_CONSOLE_PFN] = GUEST_MAGIC_BASE >> PAGE_SHIFT;
	d->pv->params[HVM_PARAM_CONSOLE_EVTCHN] = d->pv->console_port;
	return err;
}

const char *pv_domain_init(struct domain *d)
{
	size_t size = ALIGN_UP(sizeof(struct xen_pv), PAGE_SIZE);
	uint64_t pa = alloc_pages(size / PAGE_SIZE, 1);
	struct xen_pv *pv;

	if (!pa)
		return "out of memory for the PV interface";
	memset(pa_to_va(pa), 0, size);
	pv = d->pv = pa_to_va(pa);
	pv->shared_info_pa = zeroed_page();
	if (!pv->shared_info_pa)
		return "out of memory for the PV interface";
	/* Every port starts masked, until the guest unmasks what it binds. */
	memset(((struct shared_info *)pa_to_va(pv->shared_info_pa))->evtchn_mask, 0xff,
	       sizeof(((struct shared_info *)0)->evtchn_mask));
	pv->params[HVM_PARAM_CALLBACK_IRQ] = evtchn_arch_callback_via();
	/* Dom0's console is console_io (hvc0 on Xen's console), not a ring; the
	 * toolstack sets up the console and store of the domains it builds. */
	return d->hardware || d->cfg->toolstack ? NULL : console_and_store(d);
}

bool pv_page_pinned(const struct domain *d, uint64_t gfn)
{
	for (unsigned i = 0; d->pv && i < d->nr_vcpus; i++)
		if (d->pv->vcpu_info_pa[i] && d->pv->vcpu_info_gfn[i] == gfn)
			return true;
	return false;
}

void pv_domain_relinquish(struct domain *d)
{
	struct xen_pv *pv = d->pv;

	memory_release_claim(d);
	if (!pv)
		return;
	memory_unmapped_release(d);
	gnttab_release_mappings(d);
	evtchn_close_all(d);
	pv_console_destroy(d);
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		if (pv->vcpu_info_page[i]) {
			page_put(pv->vcpu_info_page[i]);
			pv->vcpu_info_page[i] = 0;
		}
	/* These pages are Domus's, mapped into the domain; the p2m does not free them. */
	scrub_free(pv->shared_info_pa);
	scrub_free(pv->console_ring_pa);
	pv->shared_info_pa = pv->console_ring_pa = 0;
}

/* The grant table last: unmapping what others mapped of d's pages still uses it. */
void pv_domain_free(struct domain *d)
{
	struct xen_pv *pv = d->pv;

	if (!pv)
		return;
	for (unsigned i = 0; i < pv->gnt_frames; i++)
		page_put(pv->gnt_frame_pa[i]);	/* freed now, or when the toolstack unmaps it */
	free_pages(va_to_pa(pv), ALIGN_UP(sizeof(*pv), PAGE_SIZE) / PAGE_SIZE);
	d->pv = NULL;
}
