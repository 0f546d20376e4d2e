/* Domus's console: its own messages, guest output, and typed input routing. */
#ifndef DOMUS_CONSOLE_H
#define DOMUS_CONSOLE_H

#include <domus/lib.h>

enum log_level { LOG_NONE, LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG };
/* console_timestamps: what prefixes each of Domus's lines ("date" forms: the boot time here). */
enum console_timestamps { TS_NONE, TS_DATE, TS_DATE_MS, TS_BOOT, TS_RAW };

struct domain;

#define CONSOLE_RING_SIZE 4096

/* A domain's console output waiting for the physical UART. */
struct console_ring {
	char buf[CONSOLE_RING_SIZE];
	unsigned head;
	unsigned len;
	uint64_t dropped;
	struct domain *dom;
	struct console_ring *next;
};

void console_domain_add(struct domain *d);
/* Prints at once what Domus still holds back (before the machine stops). */
void console_sync(void);
/* Prints output that waited for another domain's line; call often. */
void console_poll(void);
/* Whether console_poll() has nothing to do. */
bool console_quiet(void);
/* A CPU with nothing to run prints waiting output; false if there is none. */
bool console_idle_flush(void);
/* When waiting output must be printed at the latest (counter ticks; 0: none). */
uint64_t console_deadline(void);
/*
 * Prints what the domain left in its ring until deadline (0: all of it) and
 * then forgets it; false if lines are left for another call.
 */
bool console_domain_remove(struct domain *d, uint64_t deadline);

void console_set_loglevel(enum log_level level);
enum log_level console_loglevel(void);
/* guest_loglvl: a DomU's console_io output is a debug message, shown only at that level. */
void console_set_guest_loglevel(enum log_level level);
enum log_level console_guest_loglevel(void);
bool console_guest_debug_shown(void);
/* console_timestamps: the prefix of each of Domus's own lines after "(domus) ". */
void console_set_timestamps(enum console_timestamps mode);
enum console_timestamps console_timestamps(void);
/* Xen's name of the mode (console_timestamps=<name>). */
const char *console_timestamps_name(enum console_timestamps mode);
void printk(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vprintk(enum log_level level, const char *fmt, va_list ap);
/* Guest output: queued per domain, printed a line at a time, round robin. */
void console_guest_write(struct domain *d, const char *s, size_t n);
/* The same without printing now: the scheduler loops print it, a little at a time. */
void console_guest_queue(struct domain *d, const char *s, size_t n);
/* A byte typed on the physical console; routed to the domain that has input. */
void console_input(char c);
void console_set_input_domain(struct domain *d);

/* The history of what the console printed: Xen's console ring and its default size. */
#define CONSOLE_HISTORY_SIZE 16384

/* A read of the history (Xen's sysctl readconsole); in and out fields as marked. */
struct console_read {
	bool clear;		/* in: the history then forgets what was read, and all before */
	bool incremental;	/* in: start at index, if the history still holds it */
	uint32_t index;		/* in: where to start; out: where the read stopped */
	uint32_t count;		/* in: the most to read; out: how much was read */
	/* Takes n bytes for offset `at` of the reader's buffer; false if it cannot. */
	bool (*sink)(void *ctx, uint32_t at, const char *s, uint32_t n);
	void *ctx;
};
/*
 * Reads as Xen 4.17's read_console_ring does: from the oldest byte kept, or
 * from index when incremental and it lies after that and not beyond the
 * newest.  Positions are byte counts since boot, modulo 2^32.  False if the
 * sink failed; nothing is cleared then.
 */
bool console_history_read(struct console_read *r);

/* The physical UART behind the console, provided by its driver. */
struct console_uart {
	void (*putc)(char c);
	int (*getc)(void);
};
void console_attach(const struct console_uart *uart);

#define pr_err(...)   printk(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)  printk(LOG_WARN, __VA_ARGS__)
#define pr_info(...)  printk(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) printk(LOG_DEBUG, __VA_ARGS__)

void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#endif
