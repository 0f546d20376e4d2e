/*
 * Guest memory access for hypercalls.  A guest pointer is a virtual address
 * of the calling vCPU: translated by the guest's own page tables, then
 * accepted only if it lands in the domain's RAM, and only through the
 * domain's own p2m.
 */
#include <xen/guest_access.h>
#include <domus/domain.h>
#include <public/errno.h>
#include <domus/arch.h>

void *guest_ram_page(struct domain *d, uint64_t gfn)
{
	uint64_t pa, ipa = gfn << PAGE_SHIFT;

	if (gfn >> (64 - PAGE_SHIFT) || !domain_ipa_is_ram(d, ipa, PAGE_SIZE) ||
	    !p2m_arch_lookup(d, ipa, &pa))
		return NULL;
	return pa_to_va(pa);
}

static void *guest_va(struct vcpu *v, uint64_t gva, bool write)
{
	uint64_t ipa;
	uint8_t *page;

	if (!arch_gva_to_ipa(v, gva, write, &ipa))
		return NULL;
	page = guest_ram_page(v->dom, ipa >> PAGE_SHIFT);
	return page ? page + (ipa & (PAGE_SIZE - 1)) : NULL;
}

static int copy_guest(struct vcpu *v, uint64_t gva, void *buf, size_t len, bool to_guest)
{
	uint8_t *b = buf;

	if (gva + len < gva)
		return -XEN_EFAULT;
	while (len) {
		size_t chunk = MIN(len, PAGE_SIZE - (gva & (PAGE_SIZE - 1)));
		uint8_t *g = guest_va(v, gva, to_guest);

		if (!g)
			return -XEN_EFAULT;
		if (to_guest)
			memcpy(g, b, chunk);
		else
			memcpy(b, g, chunk);
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
