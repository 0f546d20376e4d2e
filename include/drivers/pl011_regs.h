/* ARM PrimeCell UART (PL011) register layout, for the driver and the emulation. */
#ifndef DOMUS_PL011_REGS_H
#define DOMUS_PL011_REGS_H

#define UARTDR    0x000
#define UARTRSR   0x004
#define UARTFR    0x018
#define UARTILPR  0x020
#define UARTIBRD  0x024
#define UARTFBRD  0x028
#define UARTLCR_H 0x02c
#define UARTCR    0x030
#define UARTIFLS  0x034
#define UARTIMSC  0x038
#define UARTRIS   0x03c
#define UARTMIS   0x040
#define UARTICR   0x044
#define UARTDMACR 0x048
#define UARTID    0xfe0		/* PeriphID0-3, then PCellID0-3 */

#define FR_BUSY   (1u << 3)
#define FR_RXFE   (1u << 4)
#define FR_TXFF   (1u << 5)
#define FR_RXFF   (1u << 6)
#define FR_TXFE   (1u << 7)
#define LCR_H_FEN (1u << 4)
#define INT_RX    (1u << 4)
#define INT_TX    (1u << 5)
#define INT_RT    (1u << 6)
#define INT_OE    (1u << 10)
#define INT_ALL   0x7ffu

#endif
