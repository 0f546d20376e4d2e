/* PL011 output and a small printf: %c %s %d %i %u %x %X %p, flags '0' '-',
 * width, and the l/ll/z length modifiers. */
#include "guest.h"

#define UART_DR         0x00
#define UART_FR         0x18
#define UART_FR_TXFF    (1U << 5)

/*
 * A domain xl builds has no PL011 (Xen gives one only with vuart=): there,
 * lines go to Xen's console_io instead, which Domus prints as the domain's
 * debug output.  Decided at the first character (the device tree is known).
 */
enum uart { UART_UNKNOWN, UART_PRESENT, UART_ABSENT };
static enum uart uart;
static char line[160];
static size_t line_len;

static bool uart_present(void)
{
    if (uart == UART_UNKNOWN)
        uart = IS_BARE || !fdt_totalsize() || fdt_has_uart() ? UART_PRESENT : UART_ABSENT;
    return uart == UART_PRESENT;
}

static void putchar_console_io(char c)
{
    line[line_len++] = c;
    if (c == '\n' || line_len == sizeof(line)) {
        hypercall(HYP_console_io, CONSOLEIO_write, line_len, (u64)(uintptr_t)line, 0, 0);
        line_len = 0;
    }
}

void putchar_uart(char c)
{
    if (!uart_present()) {
        putchar_console_io(c);
        return;
    }
    if (c == '\n')
        putchar_uart('\r');
    while (mmio_read32(UART_BASE + UART_FR) & UART_FR_TXFF)
        cpu_relax();
    mmio_write32(UART_BASE + UART_DR, (u8)c);
}

void puts_uart(const char *s)
{
    while (*s)
        putchar_uart(*s++);
}

struct out {
    char *buf;          /* NULL: to the UART */
    size_t size, len;
};

static void out_char(struct out *o, char c)
{
    if (!o->buf)
        putchar_uart(c);
    else if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void out_pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        out_char(o, c);
}

static int format(struct out *o, const char *fmt, va_list ap)
{
    char tmp[24];

    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            out_char(o, *fmt);
            continue;
        }
        bool zero = false, left = false;
        int width = 0, lng = 0;
        fmt++;
        for (;; fmt++) {
            if (*fmt == '0')
                zero = true;
            else if (*fmt == '-')
                left = true;
            else
                break;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l' || *fmt == 'z') {
            lng++;
            fmt++;
        }

        const char *s = tmp;
        int n = 0;
        switch (*fmt) {
        case 'c':
            tmp[0] = (char)va_arg(ap, int);
            n = 1;
            break;
        case 's':
            s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            n = (int)strlen(s);
            break;
        case 'd': case 'i': case 'u': case 'x': case 'X': case 'p': {
            u64 v;
            bool neg = false;
            unsigned int base = (*fmt == 'd' || *fmt == 'i' || *fmt == 'u') ? 10 : 16;
            if (*fmt == 'p') {
                v = (uintptr_t)va_arg(ap, void *);
                out_char(o, '0');
                out_char(o, 'x');
            } else if (*fmt == 'd' || *fmt == 'i') {
                s64 sv = lng ? va_arg(ap, s64) : va_arg(ap, int);
                neg = sv < 0;
                v = neg ? -(u64)sv : (u64)sv;
            } else {
                v = lng ? va_arg(ap, u64) : va_arg(ap, unsigned int);
            }
            const char *digits = *fmt == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
            char rev[24];
            int r = 0;
            do {
                rev[r++] = digits[v % base];
                v /= base;
            } while (v);
            if (neg)
                tmp[n++] = '-';
            while (r)
                tmp[n++] = rev[--r];
            if (neg && zero && width > n) {     /* "-0005" */
                out_char(o, '-');
                s++;
                n--;
                width--;
            }
            break;
        }
        case '%':
            tmp[0] = '%';
            n = 1;
            break;
        case '\0':
            fmt--;
            continue;
        default:
            tmp[0] = '%';
            tmp[1] = *fmt;
            n = 2;
            break;
        }
        if (!left)
            out_pad(o, zero ? '0' : ' ', width - n);
        for (int i = 0; i < n; i++)
            out_char(o, s[i]);
        if (left)
            out_pad(o, ' ', width - n);
    }
    return (int)o->len;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };
    int n = format(&o, fmt, ap);
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int vprintf(const char *fmt, va_list ap)
{
    struct out o = { NULL, 0, 0 };
    return format(&o, fmt, ap);
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

void info(const char *fmt, ...)
{
    va_list ap;
    puts_uart("info: ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar_uart('\n');
}
