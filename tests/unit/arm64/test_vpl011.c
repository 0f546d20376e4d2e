/* The emulated PL011, against the PrimeCell UART (PL011) Technical Reference Manual. */
#include "../unit.h"
#include <domus/arch.h>
#include <domus/page.h>
#include <public/arch-arm64.h>

#define UART(off)  (GUEST_PL011_BASE + (off))
#define UARTDR     0x000
#define UARTFR     0x018
#define UARTIBRD   0x024
#define UARTFBRD   0x028
#define UARTLCR_H  0x02c
#define UARTCR     0x030
#define UARTIFLS   0x034
#define UARTIMSC   0x038
#define UARTRIS    0x03c
#define UARTMIS    0x040
#define UARTICR    0x044

#define FR_RXFE    0x10
#define FR_TXFF    0x20
#define FR_RXFF    0x40
#define FR_TXFE    0x80
#define FR_BUSY    0x08
#define INT_RX     0x10
#define INT_TX     0x20
#define INT_OE     0x400

#define LINE(d)    ((d)->arch.vgic.spi[GUEST_VPL011_SPI - 32].line)

static void receive(struct domain *d, const char *s)
{
	while (*s)
		CHECK(console_arch_receive(d, *s++));
}

TEST(id_registers)
{
	static const uint8_t ids[8] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };
	struct domain *d = fake_domain(1);
	struct vcpu *v = d->vcpu[0];

	for (unsigned i = 0; i < 8; i++) {
		CHECK_EQ(guest_read(v, UART(0xfe0 + 4 * i), 4), ids[i]);
		CHECK_EQ(guest_read(v, UART(0xfe0 + 4 * i), 1), ids[i]);
	}
}

TEST(reset_values)
{
	struct domain *d = fake_domain(1);
	struct vcpu *v = d->vcpu[0];

	CHECK_EQ(guest_read(v, UART(UARTCR), 4), 0x300);	/* TXE | RXE */
	CHECK_EQ(guest_read(v, UART(UARTIFLS), 4), 0x12);	/* half-full triggers */
	CHECK_EQ(guest_read(v, UART(UARTLCR_H), 4), 0);
	CHECK_EQ(guest_read(v, UART(UARTIMSC), 4), 0);
	CHECK_EQ(guest_read(v, UART(UARTMIS), 4), 0);
	CHECK(!LINE(d));
}

TEST(flag_register)
{
	struct domain *d = fake_domain(1);
	struct vcpu *v = d->vcpu[0];

	/* Transmission is immediate: TX FIFO empty, never full, never busy. */
	CHECK_EQ(guest_read(v, UART(UARTFR), 4), FR_TXFE | FR_RXFE);
	receive(d, "x");
	CHECK_EQ(guest_read(v, UART(UARTFR), 4), FR_TXFE);
	guest_read(v, UART(UARTDR), 4);
	CHECK_EQ(guest_read(v, UART(UARTFR), 4), FR_TXFE | FR_RXFE);
	for (unsigned i = 0; i < VPL011_RX_FIFO; i++)
		console_arch_receive(d, 'a');
	CHECK_EQ(guest_read(v, UART(UARTFR), 4), FR_TXFE | FR_RXFF);
	CHECK_EQ(guest_read(v, UART(UARTFR), 4) & (FR_TXFF | FR_BUSY), 0);
}

TEST(byte_halfword_and_word_reads)
{
	struct domain *d = fake_domain(1);
	struct vcpu *v = d->vcpu[0];

	guest_write(v, UART(UARTIBRD), 4, 0x12345);	/* 16-bit register */
	CHECK_EQ(guest_read(v, UART(UARTIBRD), 4), 0x2345);
	CHECK_EQ(guest_read(v, UART(UARTIBRD), 2), 0x2345);
	CHECK_EQ(guest_read(v, UART(UARTIBRD), 1), 0x45);
	CHECK_EQ(guest_read(v, UART(UARTIBRD + 1), 1), 0x23);
	CHECK_EQ(guest_read(v, UART(UARTIBRD + 2), 2), 0);
	CHECK_EQ(guest_read(v, UART(UARTFR), 1), FR_TXFE | FR_RXFE);
	guest_write(v, UART(UARTFBRD), 4, 0xff);	/* 6-bit register */
	CHECK_EQ(guest_read(v, UART(UARTFBRD), 4), 0x3f);
	guest_write(v, UART(UARTLCR_H), 1, 0x70);	/* 8 bits, FIFOs on */
	CHECK_EQ(guest_read(v, UART(UARTLCR_H), 4), 0x70);
	/* Byte reads of the data register return the next byte. */
	receive(d, "pq");
	CHECK_EQ(guest_read(v, UART(UARTDR), 1), 'p');
	CHECK_EQ(guest_read(v, UART(UARTDR), 2), 'q');
}

TEST(rx_fifo_order)
{
	struct domain *d = fake_domain(1);
	struct vcpu *v = d->vcpu[0];

	receive(d, "abc");
	CHECK_EQ(guest_read(v, UART(UARTDR), 4), 'a');
	receive(d, "d");
	CHECK_EQ(guest_read(v, UART(UARTDR), 4), 'b');
	CHECK_EQ(guest_read(v, UART(UARTDR), 4), 'c');
	CHECK_EQ(guest_read(v, UART(UARTDR), 4), 'd');
	CHECK(guest_read(v, UART(UARTFR), 4) & FR_RXFE);
	/* Bytes with the top bit set come back as they were, without error flags. */
	CHECK(console_arch_receive(d, (char)0xe9));
	CHECK_EQ(guest_read(v, UART(UARTDR), 4), 0xe9);
	/* Many rounds through the ring. */
	for (unsigned i = 0; i < 3 * VPL011_RX_FIFO; i++) {
		CHECK(console_arch_receive(d, (char)i));
		CHECK(console_arch_receive(d, (char)(i + 1)));
		CHECK_EQ(guest_read(v, UART(UARTDR), 4), i & 0xff);
		CHECK_EQ(guest_read(v, UART(UARTDR), 4), (i + 1) & 0xff);
	}
	CHECK_EQ(d->arch.uart->rx_dropped, 0);
}

TEST(rx_overflow_drops_and_sets_oe)
{
	struct domain *d = fake_domain(1);
	struct vcpu *v = d->vcpu[0];

	for (unsigned i = 0; i < VPL011_RX_FIFO; i++)
		CHECK(console_arch_receive(d, (char)('A' + i % 26)));
	CHECK_EQ(guest_read(v, UART(UARTRIS), 4) & INT_OE, 0);
	CHECK(!console_arch_receive(d, '!'));
	CHECK(!console_arch_receive(d, '?'));
	CHECK_EQ(d->arch.uart->rx_dropped, 2);
	CHECK(guest_read(v, UART(UARTRIS), 4) & INT_OE);
	/* The FIFO holds the first 256 bytes, in order; the overflowing ones are gone. */
	for (unsigned i = 0; i < VPL011_RX_FIFO; i++)
		CHECK_EQ(guest_read(v, UART(UARTDR), 4), 'A' + i % 26);
	CHECK(guest_read(v, UART(UARTFR), 4) & FR_RXFE);
	/* Overrun stays latched after the FIFO drains, until cleared through ICR. */
	CHECK(guest_read(v, UART(UARTRIS), 4) & INT_OE);
	guest_write(v, UART(UARTICR), 4, INT_OE);
	CHECK_EQ(guest_read(v, UART(UARTRIS), 4) & INT_OE, 0);
}

TEST(ris_mis_imsc_icr)
{
	struct domain *d = fake_domain(1);
	struct vcpu *v = d->vcpu[0];

	/* The TX FIFO is empty, so TXRIS is set; nothing received. */
	CHECK_EQ(guest_read(v, UART(UARTRIS), 4) & (INT_TX | INT_RX | INT_OE), INT_TX);
	CHECK_EQ(guest_read(v, UART(UARTMIS), 4), 0);
	guest_write(v, UART(UARTIMSC), 4, 0xffffffff);
	CHECK_EQ(guest_read(v, UART(UARTIMSC), 4), 0x7ff);	/* 11 mask bits */
	guest_write(v, UART(UARTIMSC), 4, INT_RX);
	CHECK_EQ(guest_read(v, UART(UARTMIS), 4), 0);
	receive(d, "z");
	CHECK(guest_read(v, UART(UARTRIS), 4) & INT_RX);
	CHECK_EQ(guest_read(v, UART(UARTMIS), 4), INT_RX);
	guest_read(v, UART(UARTDR), 4);
	CHECK_EQ(guest_read(v, UART(UARTRIS), 4) & INT_RX, 0);
	CHECK_EQ(guest_read(v, UART(UARTMIS), 4), 0);
	/* MIS is RIS masked by IMSC, for every source. */
	for (unsigned i = 0; i < VPL011_RX_FIFO + 1; i++)
		console_arch_receive(d, 'o');
	guest_write(v, UART(UARTIMSC), 4, INT_OE | INT_TX);
	CHECK_EQ(guest_read(v, UART(UARTMIS), 4), INT_OE | INT_TX);
	CHECK_EQ(guest_read(v, UART(UARTMIS), 4),
		 guest_read(v, UART(UARTRIS), 4) & guest_read(v, UART(UARTIMSC), 4));
	guest_write(v, UART(UARTICR), 4, INT_OE);
	CHECK_EQ(guest_read(v, UART(UARTMIS), 4), INT_TX);
	/* ICR is write-only; RIS and MIS are read-only. */
	guest_write(v, UART(UARTRIS), 4, 0);
	guest_write(v, UART(UARTMIS), 4, 0);
	CHECK_EQ(guest_read(v, UART(UARTMIS), 4), INT_TX);
	CHECK_EQ(guest_read(v, UART(UARTICR), 4), 0);
}

TEST(interrupt_line_follows_masked_status)
{
	struct domain *d = fake_domain(1);
	struct vcpu *v = d->vcpu[0];

	receive(d, "a");
	CHECK(!LINE(d));			/* RX pending but masked */
	guest_write(v, UART(UARTIMSC), 4, INT_RX);
	CHECK(LINE(d));
	guest_read(v, UART(UARTDR), 4);
	CHECK(!LINE(d));			/* drained */
	receive(d, "b");
	CHECK(LINE(d));			/* raised by reception itself */
	guest_write(v, UART(UARTIMSC), 4, 0);
	CHECK(!LINE(d));
	guest_write(v, UART(UARTIMSC), 4, INT_TX);
	CHECK(LINE(d));			/* TX FIFO empty */
	guest_write(v, UART(UARTIMSC), 4, INT_OE);
	CHECK(!LINE(d));
	for (unsigned i = 0; i < VPL011_RX_FIFO; i++)
		console_arch_receive(d, 'c');
	CHECK(LINE(d));			/* the overrun */
	guest_write(v, UART(UARTICR), 4, INT_OE);
	CHECK(!LINE(d));
}

TEST(interrupt_reaches_the_vcpu)
{
	struct domain *d = fake_domain(2);
	struct vcpu *v0 = d->vcpu[0];
	struct vgic_lr lrs[4];

	/* The guest driver: SPI 32 enabled, GIC on, RX interrupt unmasked. */
	guest_write(v0, GUEST_GICV3_GICD_BASE + 0x104, 4, 1);
	guest_write(v0, GUEST_GICV3_GICD_BASE, 4, 0x2);
	guest_write(v0, UART(UARTIMSC), 4, INT_RX);
	clear_kicks(d);
	receive(d, "k");
	CHECK_EQ(kicks(v0), 1);
	CHECK_EQ(kicks(d->vcpu[1]), 0);
	vgic_lr_fill(v0, lrs, 4);
	CHECK(lrs[0].valid && lrs[0].intid == GUEST_VPL011_SPI && lrs[0].pending);
	/* More bytes while the line is already high: no new event. */
	receive(d, "l");
	CHECK_EQ(kicks(v0), 1);
	/* The handler: acknowledge, drain, EOI; the interrupt is over. */
	vgic_lr_sync(v0, 0, false, true);
	guest_read(v0, UART(UARTDR), 4);
	guest_read(v0, UART(UARTDR), 4);
	vgic_lr_sync(v0, 0, false, false);
	CHECK(!arch_vcpu_irq_pending(v0));
	vgic_lr_fill(v0, lrs, 4);
	CHECK(!lrs[0].valid);
}

TEST(tx_reaches_the_console)
{
	struct domain *d = fake_domain(1);
	struct vcpu *v = d->vcpu[0];
	size_t len;

	guest_write(v, UART(UARTDR), 4, 'H');
	guest_write(v, UART(UARTDR), 1, 'i');
	guest_write(v, UART(UARTDR), 2, '!');
	guest_write(v, UART(UARTDR), 4, 0x70a);	/* bits above the data byte are not sent */
	CHECK_STR(guest_output(d, &len), "Hi!\n");
	CHECK_EQ(len, 4);
	/* Other registers do not transmit. */
	guest_write(v, UART(UARTIBRD), 4, 'x');
	guest_write(v, UART(UARTFR), 4, 'x');
	guest_output(d, &len);
	CHECK_EQ(len, 4);
	/* A NUL byte is a byte too. */
	guest_write(v, UART(UARTDR), 4, 0);
	console_sync();
	guest_output(d, &len);
	CHECK_EQ(len, 5);
}

TEST(bad_accesses_rejected)
{
	struct domain *d = fake_domain(1);
	struct vcpu *v = d->vcpu[0];
	uint64_t val = 'x';
	size_t len;

	CHECK_EQ(guest_access(v, UART(UARTDR), 8, true, &val), MMIO_REJECTED);
	CHECK_EQ(guest_access(v, UART(UARTFR), 8, false, &val), MMIO_REJECTED);
	CHECK_EQ(guest_access(v, UART(UARTFR + 2), 4, false, &val), MMIO_REJECTED);
	CHECK_EQ(guest_access(v, UART(UARTFR + 1), 2, false, &val), MMIO_REJECTED);
	CHECK_EQ(guest_access(v, UART(UARTDR + 1), 4, true, &val), MMIO_REJECTED);
	guest_output(d, &len);
	CHECK_EQ(len, 0);
	CHECK_EQ(guest_access(v, UART(0x1000), 4, false, &val), MMIO_NO_DEVICE);
	CHECK_EQ(guest_access(v, UART(0xffe), 4, false, &val), MMIO_REJECTED);
}

/* The page at the UART's address and what it is to the guest. */
static const uint32_t *view_of(struct domain *d, enum p2m_type *type)
{
	uint64_t pa;

	CHECK(p2m_arch_lookup(d, UART(0), &pa, type));
	return pa_to_va(pa);
}

/* Every register the view shows reads there as the emulation answers it. */
static void check_view_current(struct vcpu *v)
{
	static const unsigned regs[] = { UARTFR, UARTIBRD, UARTFBRD, UARTLCR_H, UARTCR, UARTIFLS,
					 UARTIMSC, UARTRIS, UARTMIS, 0xfe0, 0xfe4, 0xff0, 0xffc };
	enum p2m_type type;
	const uint32_t *view = view_of(v->dom, &type);

	CHECK_EQ(type, P2M_REGS_VIEW);
	CHECK_EQ(view[UARTDR / 4], 0);
	for (unsigned i = 0; i < ARRAY_SIZE(regs); i++)
		CHECK_EQ(view[regs[i] / 4], guest_read(v, UART(regs[i]), 4));
}

TEST(register_view_is_current_and_hidden_while_a_byte_waits)
{
	struct domain *d = fake_domain(1);
	struct vcpu *v = d->vcpu[0];
	enum p2m_type type;

	check_view_current(v);
	guest_write(v, UART(UARTIMSC), 4, INT_RX | INT_TX);
	guest_write(v, UART(UARTIBRD), 4, 0x1234);
	guest_write(v, UART(UARTLCR_H), 4, 0x70);
	check_view_current(v);

	/* A byte waits: the guest must trap to read it, FR included. */
	receive(d, "ab");
	view_of(d, &type);
	CHECK_EQ(type, P2M_REGS_HIDDEN);
	guest_write(v, UART(UARTICR), 4, INT_OE);	/* a write meanwhile leaves it hidden */
	CHECK_EQ(guest_read(v, UART(UARTDR), 4), 'a');
	view_of(d, &type);
	CHECK_EQ(type, P2M_REGS_HIDDEN);
	CHECK_EQ(guest_read(v, UART(UARTDR), 4), 'b');
	check_view_current(v);
	CHECK(view_of(d, &type)[UARTFR / 4] & FR_RXFE);
	/* The map holds the page's one reference through all of it. */
	CHECK_EQ(page_refs(d->arch.uart->view), 1);
	/* A stopped domain's map is left alone: it may be being torn down. */
	d->alive = false;
	receive(d, "z");
	view_of(d, &type);
	CHECK_EQ(type, P2M_REGS_VIEW);
	d->alive = true;
}
