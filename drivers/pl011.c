/* Driver for the physical ARM PL011 UART that carries the console. */
#include <drivers/pl011_regs.h>
#include <domus/console.h>
#include <domus/lib.h>
#include <drivers/pl011.h>


static volatile uint32_t *base;

static uint32_t rd(unsigned off) { return base[off / 4]; }
static void wr(unsigned off, uint32_t v) { base[off / 4] = v; }

static void pl011_putc(char c)
{
	while (rd(UARTFR) & FR_TXFF)
		;
	wr(UARTDR, (uint8_t)c);
}

static int pl011_getc(void)
{
	return rd(UARTFR) & FR_RXFE ? -1 : (int)(rd(UARTDR) & 0xff);
}

static const struct console_uart pl011_console = { pl011_putc, pl011_getc };

/* The firmware already set the line speed; Domus keeps it. */
void pl011_init(uint64_t pa)
{
	base = (volatile uint32_t *)(uintptr_t)pa;
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
