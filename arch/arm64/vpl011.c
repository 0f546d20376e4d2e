/*
 * Emulated ARM PL011 (PrimeCell UART).  Transmission is immediate, so the
 * transmit FIFO is always empty; received bytes wait in a FIFO until the
 * guest reads them.  The interrupt line follows (RIS & IMSC).
 *
 * A guest polls the flag register before and after every byte it sends,
 * and each trapped read costs a round trip through EL2 (about 4 us under
 * QEMU, against 0.1 us for the read itself).  So while the receive FIFO is
 * empty -- when no register read has a side effect -- the guest reads the
 * registers from a page Domus keeps current, "the view", mapped read-only
 * at the UART's address: only its writes trap.  A byte arriving hides the
 * view (every access traps again) until the guest has read the FIFO empty.
 */
#include <domus/arch.h>
#include <drivers/pl011_regs.h>
#include <asm/vpl011.h>
#include <domus/domain.h>
#include <domus/console.h>
#include <domus/page.h>
#include <domus/page_alloc.h>
#include <public/arch-arm64.h>

#define VIEW_REGS (UARTDMACR / 4 + 1)	/* the registers before the ID block */

/* PeriphID0-3 (part 0x011, designer Arm, revision 1) then the PrimeCell ID. */
static const uint8_t id_regs[8] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

static uint32_t reg_read(struct vpl011 *u, uint64_t off);

/*
 * Brings the view up to date, with the lock held.  Not while a byte waits:
 * the view, shown until view_sync() hides it, must go on saying "empty".
 * The data register reads as 0 from it, as from an empty FIFO.
 */
static void view_refresh(struct vpl011 *u)
{
	uint32_t *regs = pa_to_va(u->view);

	if (u->rx_count)
		return;
	for (unsigned i = 1; i < VIEW_REGS; i++)
		__atomic_store_n(&regs[i], reg_read(u, i * 4), __ATOMIC_RELAXED);
	arch_clean_dcache(regs, VIEW_REGS * 4);
}

/*
 * Shows or hides the view as the FIFO is empty or not.  Hiding it first,
 * before the guest can see a byte waiting, means it never reads the data
 * register from the view while there is something to take from it.
 */
static void view_sync(struct vpl011 *u)
{
	struct domain *d = u->dom;
	uint64_t held;

	spin_lock(&d->p2m_lock);
	spin_lock(&u->lock);
	/* A stopped domain's map may be torn down already (p2m_arch_relinquish()). */
	if (d->alive && u->view_on != !u->rx_count) {
		u->view_on = !u->rx_count;
		if (u->view_on)
			view_refresh(u);
		/* The same page again: the reference the map held stays with it. */
		p2m_arch_set_page(d, GUEST_PL011_BASE, u->view,
				  u->view_on ? P2M_REGS_VIEW : P2M_REGS_HIDDEN, &held);
	}
	spin_unlock(&u->lock);
	spin_unlock(&d->p2m_lock);
}

bool vpl011_init(struct vpl011 *u, struct domain *d, uint32_t intid)
{
	uint64_t view = alloc_pages_scrubbed(1, 1), *ids;

	*u = (struct vpl011){
		.dom = d,
		.intid = intid,
		.lock = SPINLOCK_INIT,
		.cr = 0x300,		/* TXE | RXE, as after reset */
		.lcr_h = 0,
		.ifls = 0x12,
		.view = view,
		.view_on = true,
	};
	if (!view)
		return false;
	page_assign(view, 1, d);	/* the map's reference: it goes with the p2m */
	d->pages++;
	ids = pa_to_va(view + UARTID);
	for (unsigned i = 0; i < ARRAY_SIZE(id_regs); i += 2)
		ids[i / 2] = id_regs[i] | (uint64_t)id_regs[i + 1] << 32;
	view_refresh(u);
	if (!p2m_arch_set_page(d, GUEST_PL011_BASE, view, P2M_REGS_VIEW, NULL)) {
		page_put(view);
		return false;
	}
	return true;
}

static uint32_t raw_status(const struct vpl011 *u)
{
	uint32_t ris = INT_TX | u->latched;

	if (u->rx_count)
		ris |= INT_RX | INT_RT;
	return ris;
}

/* Recompute the interrupt line; call with the lock held, act after dropping it. */
static bool line_level(const struct vpl011 *u)
{
	return (raw_status(u) & u->imsc) != 0;
}

static void update_line(struct vpl011 *u, bool level)
{
	vgic_set_spi_level(u->dom, u->intid, level);
}

bool console_arch_receive(struct domain *d, char c)
{
	struct vpl011 *u = d->arch.uart;
	bool stored, level;

	if (!u)
		return false;
	spin_lock(&u->lock);
	stored = u->rx_count < VPL011_RX_FIFO;
	if (stored) {
		u->rx[(u->rx_head + u->rx_count) % VPL011_RX_FIFO] = (uint8_t)c;
		u->rx_count++;
	} else {
		u->rx_dropped++;
		u->latched |= INT_OE;
	}
	level = line_level(u);
	spin_unlock(&u->lock);
	update_line(u, level);
	view_sync(u);
	return stored;
}

static uint32_t pop_rx(struct vpl011 *u)
{
	uint32_t c;

	if (!u->rx_count)
		return 0;
	c = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % VPL011_RX_FIFO;
	u->rx_count--;
	return c;
}

static uint32_t reg_read(struct vpl011 *u, uint64_t off)
{
	switch (off) {
	case UARTDR:
		return pop_rx(u);
	case UARTFR:
		return FR_TXFE | (u->rx_count ? 0 : FR_RXFE) |
		       (u->rx_count == VPL011_RX_FIFO ? FR_RXFF : 0);
	case UARTILPR:  return u->ilpr;
	case UARTIBRD:  return u->ibrd;
	case UARTFBRD:  return u->fbrd;
	case UARTLCR_H: return u->lcr_h;
	case UARTCR:    return u->cr;
	case UARTIFLS:  return u->ifls;
	case UARTIMSC:  return u->imsc;
	case UARTRIS:   return raw_status(u);
	case UARTMIS:   return raw_status(u) & u->imsc;
	case UARTDMACR: return u->dmacr;
	default:
		if (off >= UARTID && off < UARTID + 0x20)
			return id_regs[(off - UARTID) / 4];
		return 0;
	}
}

static void reg_write(struct vpl011 *u, uint64_t off, uint32_t val)
{
	char c;

	switch (off) {
	case UARTDR:
		c = (char)val;
		console_guest_write(u->dom, &c, 1);
		break;
	case UARTRSR:   u->latched &= ~INT_OE; break;
	case UARTILPR:  u->ilpr = val & 0xff; break;
	case UARTIBRD:  u->ibrd = val & 0xffff; break;
	case UARTFBRD:  u->fbrd = val & 0x3f; break;
	case UARTLCR_H: u->lcr_h = val & 0xff; break;
	case UARTCR:    u->cr = val & 0xff87; break;
	case UARTIFLS:  u->ifls = val & 0x3f; break;
	case UARTIMSC:  u->imsc = val & INT_ALL; break;
	case UARTICR:   u->latched &= ~val; break;
	case UARTDMACR: u->dmacr = val & 7; break;
	default: break;		/* read-only or reserved: ignored */
	}
}

/* The PL011 is a 32-bit device; byte and halfword accesses reach the low bits. */
static bool access_ok(uint64_t off, unsigned size)
{
	return size <= 4 && (off & (size - 1)) == 0;
}

static bool vpl011_read(struct vcpu *v, void *dev, uint64_t off, unsigned size, uint64_t *val)
{
	struct vpl011 *u = dev;
	unsigned shift = (off & 3) * 8;
	bool level;

	(void)v;
	if (!access_ok(off, size))
		return false;
	spin_lock(&u->lock);
	*val = (reg_read(u, off & ~3ull) >> shift) & (size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1);
	level = line_level(u);
	spin_unlock(&u->lock);
	update_line(u, level);
	view_sync(u);		/* that read may have taken the last byte */
	return true;
}

static bool vpl011_write(struct vcpu *v, void *dev, uint64_t off, unsigned size, uint64_t val)
{
	struct vpl011 *u = dev;
	bool level;

	(void)v;
	if (!access_ok(off, size))
		return false;
	if (off & 3)
		return true;	/* writes to the upper bytes of a register have no effect */
	spin_lock(&u->lock);
	reg_write(u, off, (uint32_t)val);
	if (u->view_on && off != UARTDR)	/* sending changes no register */
		view_refresh(u);
	level = line_level(u);
	spin_unlock(&u->lock);
	update_line(u, level);
	return true;
}

const struct mmio_ops vpl011_ops = { "pl011", vpl011_read, vpl011_write };
