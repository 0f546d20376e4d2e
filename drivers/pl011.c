/* Driver for the physical ARM PL011 UART that carries the console. */
#include <drivers/pl011_regs.h>
#include <domus/console.h>
#include <domus/lib.h>
#include <drivers/pl011.h>


#define TX_FIFO   16		/* bytes the transmit FIFO holds */

static volatile uint32_t *base;
static unsigned tx_room;	/* bytes the FIFO surely takes now, without asking (console lock) */

static uint32_t rd(unsigned off) { return base[off / 4]; }
static void wr(unsigned off, uint32_t v) { base[off / 4] = v; }

/*
 * A register read costs as much as a byte written (under emulation it is a
 * round trip through the device model), so the flags are read once per
 * FIFO-full: an empty FIFO takes TX_FIFO bytes without another look.
 */
static void pl011_putc(char c)
{
	if (!tx_room) {
		while (!(rd(UARTFR) & FR_TXFE))
			;
		tx_room = TX_FIFO;
	}
	tx_room--;
	wr(UARTDR, (uint8_t)c);
}

static int pl011_getc(void)
{
	return rd(UARTFR) & FR_RXFE ? -1 : (int)(rd(UARTDR) & 0xff);
}

static const struct console_uart pl011_console = { pl011_putc, pl011_getc };

/*
 * The firmware already set the line speed and format; Domus keeps them and
 * turns the FIFOs on (as Xen's driver does), once the line is idle.
 */
void pl011_init(uint64_t pa)
{
	base = (volatile uint32_t *)(uintptr_t)pa;
	while (rd(UARTFR) & FR_BUSY)
		;
	wr(UARTLCR_H, rd(UARTLCR_H) | LCR_H_FEN);
	console_attach(&pl011_console);
}

void pl011_enable_rx_irq(void)
{
	wr(UARTIMSC, INT_RX | INT_RT);
}

void pl011_irq(uint32_t intid)
{
	int c;

	(void)intid;
	wr(UARTICR, INT_RX | INT_RT);
	while ((c = pl011_getc()) >= 0)
		console_input((char)c);
}
