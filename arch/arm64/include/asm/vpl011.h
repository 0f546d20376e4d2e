/* The emulated PL011 UART each domain gets at Xen's vpl011 address. */
#ifndef DOMUS_VPL011_H
#define DOMUS_VPL011_H

#include <domus/lib.h>
#include <domus/mmio.h>
#include <asm/spinlock.h>

#define VPL011_RX_FIFO 256

struct domain;

struct vpl011 {
	struct domain *dom;
	uint32_t intid;
	spinlock_t lock;
	uint8_t rx[VPL011_RX_FIFO];
	unsigned rx_head;
	unsigned rx_count;
	uint32_t rx_dropped;
	uint32_t cr, lcr_h, ibrd, fbrd, ifls, imsc, dmacr, ilpr;
	uint32_t latched;	/* edge-type status bits (overrun) until cleared by ICR */
	uint64_t view;		/* the register page the guest reads directly (vpl011.c) */
	bool view_on;		/* ... mapped readable: the receive FIFO is empty */
};

extern const struct mmio_ops vpl011_ops;

/* False if there is no memory for the register view. */
bool vpl011_init(struct vpl011 *u, struct domain *d, uint32_t intid);

#endif
