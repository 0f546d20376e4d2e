/* Reading and writing guest memory named by hypercall arguments. */
#ifndef DOMUS_GUEST_ACCESS_H
#define DOMUS_GUEST_ACCESS_H

#include <domus/lib.h>

struct vcpu;
struct domain;

/*
 * Copies through the calling vCPU's virtual addresses, page by page; only
 * guest RAM qualifies (not devices, not the grant window).  0 or -EFAULT.
 */
int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, size_t len);
int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len);
/*
 * Domus's address for a page of d's own RAM, by guest frame number, with a
 * reference (*pa: the page, for page_put()) that keeps it d's or at least
 * never free while Domus uses it; NULL if gfn is not d's own RAM.
 */
void *guest_page_get(struct domain *d, uint64_t gfn, uint64_t *pa);

#endif
