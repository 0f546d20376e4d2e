/*
 * The console shared by Domus and its domains.  Domus's lines carry a
 * "(domus)" prefix; guest output passes through untouched but is kept from
 * splitting a Domus line (and vice versa).  Typed input goes to one domain at
 * a time; three Ctrl-A in a row move it to the next domain, or to Domus.
 */
#include <domus/console.h>
#include <domus/domain.h>
#include <domus/debugkeys.h>
#include <domus/vpl011.h>
#include <asm/spinlock.h>

#define CTRL_A 0x01

static spinlock_t console_lock = SPINLOCK_INIT;
static const struct console_uart *uart;
static enum log_level loglevel = LOG_INFO;
static bool at_line_start = true;
static int last_writer = -1;		/* domain id, or -1 for Domus */
static struct domain *input_domain;	/* NULL: Domus reads the keys */
static unsigned ctrl_a_count;

void console_attach(const struct console_uart *u)
{
	uart = u;
}

void console_set_loglevel(enum log_level level)
{
	loglevel = level;
}

enum log_level console_loglevel(void)
{
	return loglevel;
}

static void emit(char c)
{
	if (!uart)
		return;
	if (c == '\n')
		uart->putc('\r');
	uart->putc(c);
	at_line_start = c == '\n';
}

/* Finish another writer's partial line before starting ours. */
static void switch_writer(int writer)
{
	if (last_writer != writer && !at_line_start)
		emit('\n');
	last_writer = writer;
}

void vprintk(enum log_level level, const char *fmt, va_list ap)
{
	char buf[512];
	int n;

	if (level > loglevel)
		return;
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	spin_lock(&console_lock);
	switch_writer(-1);
	for (int i = 0; i < n; i++) {
		if (at_line_start) {
			for (const char *p = "(domus) "; *p; p++)
				emit(*p);
		}
		emit(buf[i]);
	}
	spin_unlock(&console_lock);
}

void printk(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(level, fmt, ap);
	va_end(ap);
}

void console_guest_write(struct domain *d, const char *s, size_t n)
{
	spin_lock(&console_lock);
	switch_writer((int)d->id);
	while (n--)
		emit(*s++);
	spin_unlock(&console_lock);
}

void console_set_input_domain(struct domain *d)
{
	input_domain = d;
}

static void announce_input(void)
{
	if (input_domain)
		pr_info("input to %s (type Ctrl-A three times to switch)\n", input_domain->name);
	else
		pr_info("input to Domus (h for help; Ctrl-A three times to switch)\n");
}

void console_input(char c)
{
	if (c == CTRL_A) {
		if (++ctrl_a_count == 3) {
			ctrl_a_count = 0;
			input_domain = domain_next_alive(input_domain);
			announce_input();
		}
		return;
	}
	ctrl_a_count = 0;
	if (input_domain && input_domain->alive && input_domain->uart)
		vpl011_receive(input_domain->uart, c);
	else
		debugkey_handle(c);
}
