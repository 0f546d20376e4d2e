/*
 * Guest memory access for hypercalls.  A guest pointer is a virtual address
 * of the calling vCPU: translated by the guest's own page tables, then
 * accepted only if it lands in a page of the domain's own RAM (not a device,
 * not the grant window, not another domain's page it maps), which Domus
 * holds a reference on while it copies, so that the page cannot be given
 * back and reused meanwhile.
 */
#include <xen/guest_access.h>
#include <domus/arch.h>
#include <domus/domain.h>
#include <domus/page.h>
#include <public/errno.h>

/* Its RAM is where its p2m says RAM: the toolstack's magic pages are some too. */
void *guest_page_get(struct domain *d, uint64_t gfn, uint64_t *pa)
{
	uint64_t ipa = gfn << PAGE_SHIFT;
	enum p2m_type type;
	bool ok;

	if (gfn >> (64 - PAGE_SHIFT))
		return NULL;
	spin_lock(&d->p2m_lock);
	ok = p2m_arch_lookup(d, ipa, pa, &type) && type == P2M_RAM && page_get(*pa, d);
	spin_unlock(&d->p2m_lock);
	return ok ? pa_to_va(*pa) : NULL;
}

static int copy_guest(struct vcpu *v, uint64_t gva, void *buf, size_t len, bool to_guest)
{
	uint8_t *b = buf;

	if (gva + len < gva)
		return -XEN_EFAULT;
	while (len) {
		size_t chunk = MIN(len, PAGE_SIZE - (gva & (PAGE_SIZE - 1)));
		struct domain *d = v->dom;
		uint64_t ipa, pa;
		enum p2m_type type;
		uint8_t *page;
		bool ok;

		if (!arch_gva_to_ipa(v, gva, to_guest, &ipa) ||
		    !domain_ipa_is_ram(d, ipa & ~(uint64_t)(PAGE_SIZE - 1), PAGE_SIZE))
			return -XEN_EFAULT;
		/*
		 * The copy itself under the p2m lock, instead of a page reference:
		 * a page leaves the p2m only under this lock (and the p2m's own
		 * reference goes after), so it stays the domain's RAM meanwhile.
		 */
		spin_lock(&d->p2m_lock);
		ok = p2m_arch_lookup(d, ipa, &pa, &type) && type == P2M_RAM;
		if (ok) {
			page = pa_to_va(pa);
			if (to_guest)
				memcpy(page, b, chunk);
			else
				memcpy(b, page, chunk);
		}
		spin_unlock(&d->p2m_lock);
		if (!ok)
			return -XEN_EFAULT;
		gva += chunk;
		b += chunk;
		len -= chunk;
	}
	return 0;
}

int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, size_t len)
{
	return copy_guest(v, gva, dst, len, false);
}

int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len)
{
	return copy_guest(v, gva, (void *)src, len, true);
}
