/*
 * Virtual GICv3 state machine: distributor and redistributor registers, and
 * the bookkeeping that decides what sits in the list registers.
 */
#include <domus/arch.h>
#include <asm/gicv3_regs.h>
#include <asm/vgic.h>
#include <public/arch-arm64.h>
#include <asm/passthrough.h>
#include <domus/domain.h>
#include <domus/sched.h>
#include <domus/console.h>



#define CTLR_ENABLE_G1   BIT(0)
#define CTLR_ENABLE_G1A  BIT(1)
#define CTLR_ARE_NS      BIT(4)
#define IROUTER_IRM      BIT(31)
#define PIDR2_GICV3      0x3b
#define IIDR_VALUE       0x0000043b	/* implementer Arm */
#define PRIORITY_MASK    0xf8		/* five priority bits, as the CPU interface has */

static void irq_init(struct vgic_irq *irq, uint32_t intid)
{
	*irq = (struct vgic_irq){
		.intid = intid,
		.edge = intid < 16,	/* SGIs are always edge */
		.lr = VGIC_NO_LR,
		.lr_vcpu = VGIC_NO_LR,
	};
}

void vgic_domain_init(struct domain *d)
{
	d->arch.vgic.lock = (spinlock_t)SPINLOCK_INIT;
	d->arch.vgic.ctlr = CTLR_ARE_NS;
	for (unsigned i = 0; i < VGIC_NR_SPIS; i++)
		irq_init(&d->arch.vgic.spi[i], 32 + i);
}

void vgic_vcpu_init(struct vcpu *v)
{
	for (unsigned i = 0; i < VGIC_NR_PRIVATE; i++)
		irq_init(&v->arch.vgic.priv[i], i);
	v->arch.vgic.priv[GUEST_TIMER_VIRT_PPI].sampled = true;
	v->arch.vgic.priv[GUEST_TIMER_PHYS_NS_PPI].sampled = true;
	for (unsigned i = 0; i < VGIC_MAX_LRS; i++)
		v->arch.vgic.lr_irq[i] = NULL;
	v->arch.vgic.lr_used = 0;
	v->arch.vgic.asleep = true;
}

static struct vgic_irq *get_irq(struct domain *d, struct vcpu *v, uint32_t intid)
{
	if (intid < VGIC_NR_PRIVATE)
		return v ? &v->arch.vgic.priv[intid] : NULL;
	if (intid - 32 < VGIC_NR_SPIS)
		return &d->arch.vgic.spi[intid - 32];
	return NULL;
}

bool vgic_irq_is_pending(const struct vgic_irq *irq)
{
	return irq->pending || irq->repend || (!irq->edge && irq->line);
}

/* The vCPU an SPI is delivered to: its IROUTER target, or vCPU 0 for 1-of-N. */
static struct vcpu *spi_target(struct domain *d, const struct vgic_irq *irq)
{
	if (irq->irouter & IROUTER_IRM)
		return d->vcpu[0];
	return domain_vcpu_by_hwid(d, irq->irouter & 0xff00ffffffull);
}

static struct vcpu *irq_target(struct domain *d, struct vcpu *owner, const struct vgic_irq *irq)
{
	if (irq->lr != VGIC_NO_LR)
		return d->vcpu[irq->lr_vcpu];
	return irq->intid < VGIC_NR_PRIVATE ? owner : spi_target(d, irq);
}

static bool deliverable(const struct domain *d, const struct vgic_irq *irq)
{
	return irq->enabled && vgic_irq_is_pending(irq) &&
	       (d->arch.vgic.ctlr & (CTLR_ENABLE_G1 | CTLR_ENABLE_G1A));
}

/* Make the target notice a state change: refill its list registers, or wake it. */
static void notify(struct domain *d, struct vcpu *owner, struct vgic_irq *irq)
{
	struct vcpu *t = irq_target(d, owner, irq);

	__atomic_fetch_add(&d->arch.vgic.gen, 1, __ATOMIC_RELEASE);

	/* A vCPU that is off runs nothing: its CPU, maybe another domain's, is left alone. */
	if (t && t->power == VCPU_ON && (deliverable(d, irq) || irq->lr != VGIC_NO_LR))
		vcpu_kick(t);
}

static void set_pending(struct vgic_irq *irq)
{
	if (irq->lr != VGIC_NO_LR)
		irq->repend = true;
	else
		irq->pending = true;
}

void vgic_inject_private(struct vcpu *v, uint32_t intid)
{
	struct domain *d = v->dom;

	if (intid >= VGIC_NR_PRIVATE)
		return;
	spin_lock(&d->arch.vgic.lock);
	set_pending(&v->arch.vgic.priv[intid]);
	spin_unlock(&d->arch.vgic.lock);
	notify(d, v, &v->arch.vgic.priv[intid]);
}

void vgic_inject_spi(struct domain *d, uint32_t intid)
{
	struct vgic_irq *irq = get_irq(d, NULL, intid);

	if (!irq)
		return;
	spin_lock(&d->arch.vgic.lock);
	set_pending(irq);
	spin_unlock(&d->arch.vgic.lock);
	notify(d, NULL, irq);
}

/* The input line of interrupt irq (of v, or an SPI) goes to level. */
static void set_level(struct domain *d, struct vcpu *v, struct vgic_irq *irq, bool level)
{
	bool changed;

	spin_lock(&d->arch.vgic.lock);
	changed = irq->line != level;
	irq->line = level;
	if (irq->edge && level && changed)
		set_pending(irq);
	spin_unlock(&d->arch.vgic.lock);
	if (changed)
		notify(d, v, irq);
}

void vgic_set_private_level(struct vcpu *v, uint32_t intid, bool level)
{
	if (intid < VGIC_NR_PRIVATE)
		set_level(v->dom, v, &v->arch.vgic.priv[intid], level);
}

bool vgic_private_line(const struct vcpu *v, uint32_t intid)
{
	return intid < VGIC_NR_PRIVATE && __atomic_load_n(&v->arch.vgic.priv[intid].line,
							  __ATOMIC_RELAXED);
}

void vgic_set_spi_level(struct domain *d, uint32_t intid, bool level)
{
	struct vgic_irq *irq = get_irq(d, NULL, intid);

	if (irq)
		set_level(d, NULL, irq, level);
}

void vgic_set_hw(struct domain *d, uint32_t intid)
{
	struct vgic_irq *irq = get_irq(d, NULL, intid);

	if (irq && intid >= VGIC_NR_PRIVATE)
		irq->hw = irq->sampled = true;
}

void vgic_send_sgi(struct vcpu *src, uint64_t sgi1r)
{
	struct domain *d = src->dom;
	uint32_t intid = (sgi1r >> 24) & 0xf;
	uint64_t aff1 = (sgi1r >> 16) & 0xff;
	bool broadcast = sgi1r & BIT(40);	/* IRM: all but self */
	unsigned rs = (sgi1r >> 44) & 0xf;	/* range selector: Aff0 = rs * 16 + bit */

	if ((sgi1r >> 32) & 0xff || (sgi1r >> 48) & 0xff)
		return;				/* Aff2/Aff3 name no vCPU of ours */
	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *t = d->vcpu[i];
		uint64_t aff = arch_vcpu_hwid(i);
		bool hit;

		if (broadcast)
			hit = t != src;
		else
			hit = ((aff >> 8) & 0xff) == aff1 && (aff & 0xf0) == rs * 16 &&
			      (sgi1r & BIT(aff & 0xf));
		if (hit)
			vgic_inject_private(t, intid);
	}
}

bool arch_vcpu_irq_pending(struct vcpu *v)
{
	struct domain *d = v->dom;
	bool found = false;

	spin_lock(&d->arch.vgic.lock);
	for (unsigned i = 0; i < VGIC_NR_PRIVATE && !found; i++)
		found = deliverable(d, &v->arch.vgic.priv[i]);
	for (unsigned i = 0; i < VGIC_NR_SPIS && !found; i++) {
		struct vgic_irq *irq = &d->arch.vgic.spi[i];
		found = deliverable(d, irq) && irq_target(d, NULL, irq) == v;
	}
	for (unsigned i = 0; i < VGIC_MAX_LRS && !found; i++)
		found = v->arch.vgic.lr_irq[i] && vgic_irq_is_pending(v->arch.vgic.lr_irq[i]);
	spin_unlock(&d->arch.vgic.lock);
	return found;
}

/* ---- list registers ---- */

void vgic_lr_sync(struct vcpu *v, unsigned lr, bool pending, bool active)
{
	struct domain *d = v->dom;
	struct vgic_irq *irq = lr < VGIC_MAX_LRS ? v->arch.vgic.lr_irq[lr] : NULL;
	bool handled;

	if (!irq)
		return;
	spin_lock(&d->arch.vgic.lock);
	irq->active = active;
	/*
	 * An edge stays pending while the LR shows it pending.  A level-sensitive
	 * interrupt is pending through its line; what the LR shows only keeps a
	 * latch (ISPENDR, injection) alive until the guest acknowledges it.
	 */
	irq->pending = (pending && (irq->edge || irq->pending)) || irq->repend;
	irq->repend = false;
	/* A host interrupt the guest has handled: its line is sampled again. */
	handled = irq->hw && irq->line && !irq->pending && !active;
	if (handled)
		irq->line = false;
	if (!irq->pending && !active && !(!irq->edge && irq->line)) {
		irq->lr = VGIC_NO_LR;
		irq->lr_vcpu = VGIC_NO_LR;
		v->arch.vgic.lr_irq[lr] = NULL;
		v->arch.vgic.lr_used &= (uint16_t)~BIT(lr);
	}
	spin_unlock(&d->arch.vgic.lock);
	if (handled)
		passthrough_handled(irq->intid);
}

static struct vgic_irq *best_candidate(struct vcpu *v)
{
	struct domain *d = v->dom;
	struct vgic_irq *best = NULL;

	for (unsigned i = 0; i < VGIC_NR_PRIVATE + VGIC_NR_SPIS; i++) {
		struct vgic_irq *irq = i < VGIC_NR_PRIVATE ? &v->arch.vgic.priv[i]
							   : &d->arch.vgic.spi[i - VGIC_NR_PRIVATE];

		if (irq->lr != VGIC_NO_LR || !deliverable(d, irq))
			continue;
		if (i >= VGIC_NR_PRIVATE && spi_target(d, irq) != v)
			continue;
		if (!best || irq->priority < best->priority)
			best = irq;
	}
	return best;
}

bool vgic_lr_idle(const struct vcpu *v)
{
	return !v->arch.vgic.lr_used &&
	       v->arch.vgic.seen_gen == __atomic_load_n(&v->dom->arch.vgic.gen, __ATOMIC_ACQUIRE);
}

bool vgic_lr_fill(struct vcpu *v, struct vgic_lr *lrs, unsigned nr)
{
	struct domain *d = v->dom;
	struct vgic_irq *irq;
	bool more = false;

	if (nr > VGIC_MAX_LRS)
		nr = VGIC_MAX_LRS;
	spin_lock(&d->arch.vgic.lock);
	v->arch.vgic.seen_gen = __atomic_load_n(&d->arch.vgic.gen, __ATOMIC_ACQUIRE);
	for (unsigned i = 0; i < nr; i++) {
		irq = v->arch.vgic.lr_irq[i];
		if (!irq) {
			irq = best_candidate(v);
			if (irq) {
				irq->lr = (int8_t)i;
				irq->lr_vcpu = (int8_t)v->id;
				v->arch.vgic.lr_irq[i] = irq;
				v->arch.vgic.lr_used |= (uint16_t)BIT(i);
			}
		}
		if (!irq) {
			lrs[i] = (struct vgic_lr){ .valid = false };
			continue;
		}
		/* From here on the list register carries any re-trigger. */
		irq->pending |= irq->repend;
		irq->repend = false;
		/*
		 * A sampled level the guest is handling (active) is not pending
		 * again by its line: Domus learns the line only at exits, and the
		 * guest's handler lowers it (disables its timer, serves its device)
		 * before its EOI, which a stale pending bit would turn into a
		 * second, spurious delivery.  Still up then, it is pending again at
		 * the next entry.
		 */
		lrs[i] = (struct vgic_lr){
			.valid = true,
			.intid = irq->intid,
			.priority = irq->priority,
			.pending = irq->pending ||
				   (!irq->edge && irq->line && !(irq->active && irq->sampled)),
			.active = irq->active,
		};
	}
	more = best_candidate(v) != NULL;
	if (more)
		v->arch.vgic.seen_gen--;	/* what did not fit must be looked at again */
	spin_unlock(&d->arch.vgic.lock);
	return more;
}

/* ---- register emulation shared by GICD and the GICR SGI frame ---- */

enum bit_reg { REG_ISENABLE, REG_ICENABLE, REG_ISPEND, REG_ICPEND, REG_ISACTIVE, REG_ICACTIVE };

static bool bit_get(const struct vgic_irq *irq, enum bit_reg r)
{
	switch (r) {
	case REG_ISENABLE:
	case REG_ICENABLE:
		return irq->enabled;
	case REG_ISPEND:
	case REG_ICPEND:
		return vgic_irq_is_pending(irq);
	default:
		return irq->active;
	}
}

static void bit_set(struct vgic_irq *irq, enum bit_reg r)
{
	switch (r) {
	case REG_ISENABLE:
		irq->enabled = true;
		break;
	case REG_ICENABLE:
		irq->enabled = false;
		break;
	case REG_ISPEND:
		set_pending(irq);
		break;
	case REG_ICPEND:
		irq->pending = irq->repend = false;
		break;
	case REG_ISACTIVE:
		irq->active = true;
		break;
	case REG_ICACTIVE:
		irq->active = false;
		break;
	}
}

struct irq_window {
	struct domain *d;
	struct vcpu *v;		/* owner of private interrupts, NULL in the distributor */
	uint32_t first;		/* interrupts this frame may touch */
	uint32_t end;
};

static struct vgic_irq *window_irq(const struct irq_window *w, uint32_t intid)
{
	if (intid < w->first || intid >= w->end)
		return NULL;
	return get_irq(w->d, w->v, intid);
}

/* IGROUPR..ICFGR: registers with a field per interrupt.  false = bad access size. */
static bool irq_reg_access(const struct irq_window *w, uint64_t off, unsigned size,
			   bool write, uint64_t *val)
{
	uint64_t result = 0;

	if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + 1024) {
		if (size != 1 && size != 4)
			return false;
		for (unsigned b = 0; b < size; b++) {
			struct vgic_irq *irq = window_irq(w, off - GICD_IPRIORITYR + b);
			if (!irq)
				continue;
			if (write)
				irq->priority = (*val >> (8 * b)) & PRIORITY_MASK;
			else
				result |= (uint64_t)irq->priority << (8 * b);
		}
	} else if (size != 4) {
		return false;
	} else if (off >= GICD_ICFGR && off < GICD_ICFGR + 256) {
		uint32_t base = (off - GICD_ICFGR) * 4;
		for (unsigned i = 0; i < 16; i++) {
			struct vgic_irq *irq = window_irq(w, base + i);
			if (!irq)
				continue;
			if (write && irq->intid >= 16)
				irq->edge = (*val >> (2 * i + 1)) & 1;
			result |= (uint64_t)irq->edge << (2 * i + 1);
		}
	} else if (off >= GICD_IGROUPR && off < GICD_ISENABLER) {
		uint32_t base = (off - GICD_IGROUPR) * 8;
		for (unsigned i = 0; i < 32; i++)
			if (window_irq(w, base + i))
				result |= BIT(i);	/* group 1 only: RAO/WI */
	} else if (off >= GICD_ISENABLER && off < GICD_IPRIORITYR) {
		enum bit_reg r = (off - GICD_ISENABLER) / 0x80;
		uint32_t base = ((off - GICD_ISENABLER) % 0x80) * 8;
		for (unsigned i = 0; i < 32; i++) {
			struct vgic_irq *irq = window_irq(w, base + i);
			if (!irq)
				continue;
			if (write && (*val & BIT(i)))
				bit_set(irq, r);
			if (bit_get(irq, r))
				result |= BIT(i);
		}
	}
	if (!write)
		*val = result;
	return true;
}

static void kick_window(const struct irq_window *w)
{
	for (uint32_t i = w->first; i < w->end; i++) {
		struct vgic_irq *irq = get_irq(w->d, w->v, i);
		if (irq)
			notify(w->d, w->v, irq);
	}
}

static bool locked_irq_access(const struct irq_window *w, uint64_t off, unsigned size,
			      bool write, uint64_t *val)
{
	bool ok;

	spin_lock(&w->d->arch.vgic.lock);
	ok = irq_reg_access(w, off, size, write, val);
	spin_unlock(&w->d->arch.vgic.lock);
	if (ok && write)
		kick_window(w);
	return ok;
}

/* ---- distributor ---- */

static bool dist_access(struct vcpu *v, uint64_t off, unsigned size, bool write, uint64_t *val)
{
	struct domain *d = v->dom;
	struct irq_window w = { d, NULL, 32, 32 + VGIC_NR_SPIS };

	if (off >= GICD_IROUTER + 32 * 8 && off < GICD_IROUTER + (32 + VGIC_NR_SPIS) * 8) {
		struct vgic_irq *irq = &d->arch.vgic.spi[(off - GICD_IROUTER) / 8 - 32];
		unsigned shift = (off & 4) * 8;
		uint64_t mask = size == 8 ? ~0ull : 0xffffffffull << shift;

		if (size != 8 && size != 4)
			return false;
		if (size == 8 && (off & 4))
			return false;
		if (write) {
			spin_lock(&d->arch.vgic.lock);
			irq->irouter = (irq->irouter & ~mask) | ((*val << shift) & mask);
			irq->irouter &= 0xff00ffffffull | IROUTER_IRM;
			spin_unlock(&d->arch.vgic.lock);
			notify(d, NULL, irq);
		} else {
			*val = (irq->irouter & mask) >> shift;
		}
		return true;
	}
	if (off >= GICD_IGROUPR && off < GICD_ICFGR + 256)
		return locked_irq_access(&w, off, size, write, val);
	if (size != 4)
		return false;
	switch (off) {
	case GICD_CTLR:
		if (write) {
			d->arch.vgic.ctlr = CTLR_ARE_NS | (*val & (CTLR_ENABLE_G1 | CTLR_ENABLE_G1A));
			kick_window(&w);
			for (unsigned i = 0; i < d->nr_vcpus; i++)
				vcpu_kick(d->vcpu[i]);
		}
		*val = d->arch.vgic.ctlr;
		return true;
	case GICD_TYPER:
		*val = ((32 + VGIC_NR_SPIS) / 32 - 1) | (9u << 19);	/* ITLines, IDbits=10 */
		return true;
	case GICD_IIDR:
		*val = IIDR_VALUE;
		return true;
	case GICD_PIDR2:
		*val = PIDR2_GICV3;
		return true;
	default:
		*val = 0;	/* reserved and unimplemented registers: RAZ/WI */
		return true;
	}
}

static bool dist_read(struct vcpu *v, void *dev, uint64_t off, unsigned size, uint64_t *val)
{
	(void)dev;
	return dist_access(v, off, size, false, val);
}

static bool dist_write(struct vcpu *v, void *dev, uint64_t off, unsigned size, uint64_t val)
{
	(void)dev;
	return dist_access(v, off, size, true, &val);
}

const struct mmio_ops vgic_dist_ops = { "gicv3-dist", dist_read, dist_write };

/* ---- redistributors: one 128 KiB frame pair per vCPU ---- */

static bool rdist_access(struct vcpu *v, uint64_t off, unsigned size, bool write, uint64_t *val)
{
	struct domain *d = v->dom;
	unsigned n = off / VGIC_RDIST_STRIDE;
	struct vcpu *t;
	uint64_t typer;

	if (n >= d->nr_vcpus)
		return false;
	t = d->vcpu[n];
	off %= VGIC_RDIST_STRIDE;
	if (off >= GICR_SGI_BASE) {
		struct irq_window w = { d, t, 0, VGIC_NR_PRIVATE };
		off -= GICR_SGI_BASE;
		if (off >= GICD_IGROUPR && off < GICD_ICFGR + 8)
			return locked_irq_access(&w, off, size, write, val);
		if (size != 4)
			return false;
		*val = 0;
		return true;
	}
	if (off == GICR_TYPER) {
		if (size != 8 && size != 4)
			return false;
		typer = (arch_vcpu_hwid(n) << 32) | ((uint64_t)n << 8);
		if (n == d->nr_vcpus - 1)
			typer |= GICR_TYPER_LAST;
		*val = size == 8 ? typer : (uint32_t)typer;
		return true;
	}
	if (off == GICR_TYPER + 4 && size == 4) {
		*val = arch_vcpu_hwid(n);
		return true;
	}
	if (size != 4)
		return false;
	switch (off) {
	case GICR_WAKER:
		if (write)
			t->arch.vgic.asleep = *val & WAKER_PS;
		*val = t->arch.vgic.asleep ? WAKER_PS | WAKER_CA : 0;
		return true;
	case GICR_IIDR:
		*val = IIDR_VALUE;
		return true;
	case GICR_PIDR2:
		*val = PIDR2_GICV3;
		return true;
	default:
		*val = 0;	/* CTLR (no LPIs), PROPBASER, PENDBASER...: RAZ/WI */
		return true;
	}
}

static bool rdist_read(struct vcpu *v, void *dev, uint64_t off, unsigned size, uint64_t *val)
{
	(void)dev;
	return rdist_access(v, off, size, false, val);
}

static bool rdist_write(struct vcpu *v, void *dev, uint64_t off, unsigned size, uint64_t val)
{
	(void)dev;
	return rdist_access(v, off, size, true, &val);
}

const struct mmio_ops vgic_rdist_ops = { "gicv3-rdist", rdist_read, rdist_write };
