/* Routing of decoded guest MMIO accesses to the domain's emulated devices. */
#include <domus/mmio.h>
#include <domus/domain.h>
#include <domus/console.h>

void mmio_register(struct domain *d, uint64_t base, uint64_t size,
		   const struct mmio_ops *ops, void *dev)
{
	if (d->nr_mmio == ARRAY_SIZE(d->mmio))
		panic("%s: too many MMIO regions", d->name);
	d->mmio[d->nr_mmio++] = (struct mmio_region){ base, size, ops, dev };
}

enum mmio_result mmio_dispatch(struct vcpu *v, struct mmio_access *a)
{
	struct domain *d = v->dom;

	for (unsigned i = 0; i < d->nr_mmio; i++) {
		const struct mmio_region *r = &d->mmio[i];
		uint64_t off = a->addr - r->base;
		bool ok;

		if (a->addr < r->base || off >= r->size)
			continue;
		if (off + a->size > r->size)
			return MMIO_REJECTED;
		a->ops = r->ops;
		if (a->write)
			ok = r->ops->write(v, r->dev, off, a->size, a->data);
		else
			ok = r->ops->read(v, r->dev, off, a->size, &a->data);
		return ok ? MMIO_DONE : MMIO_REJECTED;
	}
	return MMIO_NO_DEVICE;
}

uint64_t mmio_load_result(const struct mmio_access *a)
{
	unsigned bits = a->size * 8;
	uint64_t v = bits == 64 ? a->data : a->data & ((1ull << bits) - 1);

	if (a->sign_extend && bits < 64 && (v >> (bits - 1)) & 1)
		v |= ~0ull << bits;
	if (!a->reg64)
		v &= 0xffffffffull;
	return v;
}
