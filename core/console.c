/*
 * The console shared by Domus and its domains.  Domus's lines carry a
 * "(domus)" prefix.  Guest output is queued per domain and printed a line at
 * a time, round robin, so that a domain flooding its UART gets a fair share
 * of the console and no more; once more than one domain runs, each line
 * carries the domain's "(dN)" prefix, but Dom0's (as on Xen, where Dom0
 * writes to the console itself).  Typed input goes to one domain at a time;
 * three Ctrl-A in a row move it to the next domain, or to Domus.
 *
 * What is printed is also kept in a history ring, Xen's console ring
 * (conring), which the toolstack reads with sysctl readconsole (xl dmesg):
 * Domus's lines and the DomUs'.  Dom0's own output stays out of it, as it
 * does on Xen (whose console_to_ring is off by default): Dom0 has its own log,
 * and its chatter would push Domus's boot messages out of the ring.
 */
#include <domus/console.h>
#include <domus/arch.h>
#include <domus/boot_dt.h>
#include <domus/debugkeys.h>
#include <domus/domain.h>
#include <domus/percpu.h>
#include <domus/sched.h>
#include <xen/pv.h>

#define CTRL_A        0x01
#define LONGEST_LINE  128	/* a longer line without a newline is cut */
#define HOLD_MS       50	/* others wait this long for a guest to finish its line */
#define WRITE_FLUSH_US 500	/* a writer prints for others this long at most, then stops */
#define POLL_FLUSH_US  200	/* a scheduler loop, likewise ... */
#define POLL_PERIOD_MS 5	/* ... this often while output waits: no CPU is given to the UART */
#define IDLE_FLUSH_US  1000	/* an idle CPU prints in turns this long, looking for work between */
#define PARTIAL_US     2000	/* the start of a guest's line waits this long for its end */
#define HANDOFF_US     1000	/* an idle CPU woken to print has this long to begin */
#define KEEP_MS        20	/* an idle CPU that printed looks for more this long after, */
#define KEEP_POLL_US   1000	/* ... this often, so that writers need not wake it */

static spinlock_t console_lock = SPINLOCK_INIT;	/* the UART and the line state */
static spinlock_t rings_lock = SPINLOCK_INIT;	/* the domains' rings and their list */
static const struct console_uart *uart;
static enum log_level loglevel = LOG_INFO;
static enum log_level guest_loglevel = LOG_DEBUG;
static enum console_timestamps timestamps;
static bool at_line_start = true;
static int last_writer = -1;		/* domain id, or -1 for Domus */
static bool keeping = true;		/* the writer's output goes into the history */
static struct console_ring *rings;
static unsigned nr_rings;
static volatile bool flush_wanted;
static uint64_t partial_since;		/* when a guest left the UART in mid-line */
static volatile bool held;		/* output waits for such a line to finish */
static volatile bool backlog;		/* lines left for the next flush: the work is bounded */
static volatile uint64_t partial_at;	/* when the start of a line was queued, unprinted */
static volatile uint64_t handoff_at;	/* when an idle CPU was woken to print the backlog */
static volatile int keeper = -1;	/* the idle CPU that looks for lines by itself ... */
static volatile uint64_t kept_until;	/* ... until then */
static char domus_pending[1024];	/* Domus's own messages waiting likewise */
static size_t domus_pending_len;

/* A guest has left the UART in mid-line, and only just: others wait a little. */
static bool guest_line_young(void)
{
	return !at_line_start && last_writer >= 0 && partial_since &&
	       arch_counter() - partial_since < arch_counter_freq() / 1000 * HOLD_MS;
}
static spinlock_t input_lock = SPINLOCK_INIT;	/* keeps the input domain alive while used */
#define DOMUS_INPUT (-1)
static int input_id = DOMUS_INPUT;	/* the domain typing goes to, or Domus */
static unsigned ctrl_a_count;

static void announce_input(void);
static void console_flush(unsigned budget_us);
static bool drain_ring(struct console_ring *r, uint64_t deadline);

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

void console_set_guest_loglevel(enum log_level level)
{
	guest_loglevel = level;
}

enum log_level console_guest_loglevel(void)
{
	return guest_loglevel;
}

bool console_guest_debug_shown(void)
{
	return guest_loglevel >= LOG_DEBUG;
}

void console_set_timestamps(enum console_timestamps mode)
{
	timestamps = mode;
}

enum console_timestamps console_timestamps(void)
{
	return timestamps;
}

const char *console_timestamps_name(enum console_timestamps mode)
{
	static const char *const names[] = { "none", "date", "datems", "boot", "raw" };

	return names[mode];
}

/*
 * The history: positions are free-running 32-bit byte counts, as Xen's are,
 * so that an index a reader keeps stays meaningful when the ring wraps.
 * Written and cleared under console_lock.
 */
static char history[CONSOLE_HISTORY_SIZE];
static uint32_t history_start, history_end;	/* the oldest byte kept; where the next goes */

static void history_put(char c)
{
	history[history_end++ % CONSOLE_HISTORY_SIZE] = c;
	if (history_end - history_start > CONSOLE_HISTORY_SIZE)
		history_start = history_end - CONSOLE_HISTORY_SIZE;
}

/* The history keeps what is printed, without the "\r" a terminal wants. */
static void emit(char c)
{
	if (keeping)
		history_put(c);
	at_line_start = c == '\n';
	if (!uart)
		return;
	if (c == '\n')
		uart->putc('\r');
	uart->putc(c);
}

static void emit_str(const char *s)
{
	while (*s)
		emit(*s++);
}

/* Xen's formats; with no wall clock, the date forms print the time since boot, as Xen's do. */
static void emit_timestamp(void)
{
	uint64_t now = arch_counter(), freq = arch_counter_freq();
	char ts[32];

	if (timestamps == TS_NONE)
		return;
	if (timestamps == TS_RAW)
		snprintf(ts, sizeof(ts), "[%016lx] ", (unsigned long)now);
	else
		snprintf(ts, sizeof(ts), "[%5lu.%06lu] ", (unsigned long)(now / freq),
			 (unsigned long)(now % freq * 1000000 / freq));
	emit_str(ts);
}

/* Finish another writer's partial line (in the history if it was kept) before starting ours. */
static void switch_writer(int writer, bool keep)
{
	if (last_writer != writer && !at_line_start)
		emit('\n');
	last_writer = writer;
	keeping = keep;
}

static void print_domus(const char *s, size_t n)
{
	switch_writer(-1, true);
	for (size_t i = 0; i < n; i++) {
		if (at_line_start) {
			emit_str("(domus) ");
			emit_timestamp();
		}
		emit(s[i]);
	}
}

/* Domus's own messages that waited for a guest's half-printed line; with console_lock. */
static void print_domus_pending(void)
{
	if (!domus_pending_len)
		return;
	print_domus(domus_pending, domus_pending_len);
	domus_pending_len = 0;
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
	/* Errors go out at once; other news waits for a guest to finish its line. */
	if (level > LOG_WARN && guest_line_young()) {
		n = MIN((size_t)n, sizeof(domus_pending) - domus_pending_len);
		memcpy(domus_pending + domus_pending_len, buf, n);
		domus_pending_len += n;
		held = true;
	} else {
		print_domus_pending();
		print_domus(buf, n);
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

/* ---- guest output ---- */

void console_domain_add(struct domain *d)
{
	struct console_ring *r = &d->console;

	r->head = r->len = 0;
	r->dropped = 0;
	r->dom = d;
	spin_lock(&rings_lock);
	r->next = rings;
	rings = r;
	nr_rings++;
	spin_unlock(&rings_lock);
}

/*
 * Takes one line (or, when `partial`, whatever is there) out of the ring.
 * Returns its length; 0 when nothing is ready.
 */
static size_t take_line(struct console_ring *r, char *out, bool partial)
{
	size_t n = 0;

	while (n < r->len && n < LONGEST_LINE) {
		char c = r->buf[(r->head + n) % CONSOLE_RING_SIZE];
		out[n++] = c;
		if (c == '\n')
			break;
	}
	if (!n || (out[n - 1] != '\n' && n < LONGEST_LINE && !partial))
		return 0;
	r->head = (r->head + n) % CONSOLE_RING_SIZE;
	r->len -= n;
	return n;
}

static void print_guest(struct console_ring *r, const char *s, size_t n, bool prefix)
{
	char tag[16];

	switch_writer((int)r->dom->id, !r->dom->hardware);
	snprintf(tag, sizeof(tag), "(d%u) ", r->dom->id);
	for (size_t i = 0; i < n; i++) {
		if (at_line_start && prefix)
			emit_str(tag);
		emit(s[i]);
	}
	if (at_line_start)
		partial_since = 0;
	else if (!partial_since)
		partial_since = arch_counter();
}

/* Whether r must wait: another guest's line is half printed, and only just. */
static bool must_wait(const struct console_ring *r)
{
	return last_writer != (int)r->dom->id && guest_line_young();
}

/* Now, as the counter value `since` of the functions below: never 0, which means never. */
static uint64_t stamp(void)
{
	return arch_counter() | 1;
}

/* Whether `since` (a counter value; 0: never) was less than us microseconds ago. */
static bool within_us(uint64_t since, unsigned us)
{
	return since && (int64_t)(arch_counter() - since) < (int64_t)(arch_counter_freq() / 1000000 * us);
}

/* The start of a line has waited long enough for its end: it is printed as it is. */
static bool partial_due(void)
{
	return partial_at && !within_us(partial_at, PARTIAL_US);
}

static uint64_t earliest(uint64_t a, uint64_t b)
{
	return !a ? b : !b ? a : MIN(a, b);
}

/*
 * An idle CPU that has just printed keeps looking for lines a while: under
 * emulation waking it (an SGI) costs the writer tens of microseconds a
 * line, its own timer nothing.
 */
static void keep_looking(void)
{
	keeper = (int)arch_this_cpu()->id;
	kept_until = arch_counter() + arch_counter_freq() / 1000 * KEEP_MS;
}

/* Whether such a CPU is looking still, idle: a writer's line then waits for it. */
static bool keeper_looking(void)
{
	int k = keeper;

	return k >= 0 && pcpus[k].idle && (int64_t)(arch_counter() - kept_until) < 0;
}

/* Lines wait that no CPU is about to print. */
static bool backlog_due(void)
{
	return backlog && !within_us(handoff_at, HANDOFF_US) && !keeper_looking();
}

uint64_t console_deadline(void)
{
	uint64_t freq = arch_counter_freq(), at = 0;

	if (pv_console_deferred())
		return arch_counter() + freq / 1000;
	if (keeper == (int)arch_this_cpu()->id && keeper_looking())
		at = arch_counter() + freq / 1000000 * KEEP_POLL_US;
	if (backlog)
		at = earliest(at, arch_counter() + freq / 1000 * POLL_PERIOD_MS);
	if (partial_at)
		at = earliest(at, partial_at + freq / 1000000 * PARTIAL_US);
	if (held && partial_since)
		at = earliest(at, partial_since + freq / 1000 * HOLD_MS);
	return at;
}

void console_sync(void)
{
	spin_lock(&console_lock);
	for (struct console_ring *r = rings; r; r = r->next)
		drain_ring(r, 0);
	print_domus_pending();
	spin_unlock(&console_lock);
}

bool console_idle_flush(void)
{
	if (!backlog && !partial_at)
		return false;
	console_flush(IDLE_FLUSH_US);
	keep_looking();
	return true;
}

bool console_quiet(void)
{
	return !pv_console_deferred() && !held && !backlog_due() && !partial_due();
}

void console_poll(void)
{
	if (pv_console_deferred())
		pv_console_poll();
	if (held || backlog_due() || partial_due())
		console_flush(POLL_FLUSH_US);
}

/* Whether r's lines carry "(dN) ": once several domains print, but Dom0's never (Xen's neither). */
static bool prefixed(const struct console_ring *r)
{
	return nr_rings > 1 && !r->dom->hardware;
}

/* One round: a line from every domain that has one.  Returns whether anything was printed. */
static bool drain_round(void)
{
	char line[LONGEST_LINE];
	bool printed = false;

	spin_lock(&rings_lock);
	for (struct console_ring *r = rings; r; r = r->next) {
		bool prefix = prefixed(r);
		bool partial = nr_rings == 1 || (int)r->dom->id == input_id;
		size_t n;
		uint64_t dropped = r->dropped;

		if (r->len && must_wait(r)) {
			held = true;
			continue;
		}
		n = take_line(r, line, partial);
		if (!n && !dropped)
			continue;
		r->dropped = 0;
		spin_unlock(&rings_lock);
		print_guest(r, line, n, prefix);
		if (dropped) {
			char note[64];
			int len = snprintf(note, sizeof(note), "%s[%lu bytes dropped]\n",
					   at_line_start ? "" : "\n", (unsigned long)dropped);
			print_guest(r, note, len, prefix);
		}
		printed = true;
		spin_lock(&rings_lock);
	}
	spin_unlock(&rings_lock);
	return printed;
}

/*
 * Everything left of a domain on its way out; bounded by its ring, whatever
 * the others write meanwhile.  With console_lock.
 */
/* Prints r's lines, partial ones too, until deadline (0: none); whether it is empty. */
static bool drain_ring(struct console_ring *r, uint64_t deadline)
{
	char line[LONGEST_LINE];
	bool prefix;
	size_t n = 0;

	spin_lock(&rings_lock);
	prefix = prefixed(r);
	while ((!deadline || arch_counter() < deadline) && (n = take_line(r, line, true))) {
		spin_unlock(&rings_lock);
		print_guest(r, line, n, prefix);
		spin_lock(&rings_lock);
	}
	n = r->len;
	spin_unlock(&rings_lock);
	return !n;
}

/*
 * Whoever holds the UART prints for everybody; others just leave their bytes
 * queued.  One call prints rounds of lines for at most budget_us (a line
 * takes long at UART speed), so that a guest flooding its console keeps no
 * CPU (and no lock) for long: what is left is the backlog, which the
 * scheduler loops print next, a little at a time (console_poll()).
 */
static void console_flush(unsigned budget_us)
{
	uint64_t end = arch_counter() + arch_counter_freq() / 1000000 * budget_us;
	bool more = false;

	flush_wanted = true;
	if (!spin_trylock(&console_lock))
		return;
	/* What comes after this is news for the next flush; what came before, this one prints. */
	partial_at = 0;
	handoff_at = 0;
	do {
		flush_wanted = false;
		held = false;
		while ((more = drain_round()) && arch_counter() < end)
			;
	} while (flush_wanted && arch_counter() < end);
	backlog = more;
	if (domus_pending_len && guest_line_young())
		held = true;
	else if (domus_pending_len)
		print_domus_pending();
	spin_unlock(&console_lock);
	/* Bytes queued by a CPU that found the lock taken: the next poll prints them. */
	arch_smp_mb();
	if (flush_wanted)
		backlog = true;
}

/* Queues guest bytes; whether they end a line (or fill one), so that it can be printed. */
static bool queue(struct domain *d, const char *s, size_t n)
{
	struct console_ring *r = &d->console;
	bool line = false;

	spin_lock(&rings_lock);
	for (; n; n--, s++) {
		if (r->len == CONSOLE_RING_SIZE) {
			r->dropped++;
			continue;
		}
		r->buf[(r->head + r->len) % CONSOLE_RING_SIZE] = *s;
		r->len++;
		line |= *s == '\n';
	}
	line |= r->len >= LONGEST_LINE || r->dropped;
	spin_unlock(&rings_lock);
	return line;
}

/*
 * A line waits for its end, a little (PARTIAL_US): a guest writes its UART a
 * byte at a time, and printing each costs far more than queueing it.
 */
void console_guest_queue(struct domain *d, const char *s, size_t n)
{
	if (queue(d, s, n))
		backlog = true;
	else if (!partial_at)
		partial_at = stamp();
}

/*
 * A whole line is printed now: by a CPU that has nothing else to do, if one
 * can be woken (the writer goes on meanwhile, as a UART's FIFO lets it), or
 * by the writer.
 */
void console_guest_write(struct domain *d, const char *s, size_t n)
{
	console_guest_queue(d, s, n);
	if (!backlog || within_us(handoff_at, HANDOFF_US) || keeper_looking())
		return;
	if (sched_wake_idle_cpu()) {
		handoff_at = stamp();
		return;
	}
	console_flush(WRITE_FLUSH_US);
}

bool console_domain_remove(struct domain *d, uint64_t deadline)
{
	struct console_ring **p;

	spin_lock(&console_lock);
	if (!drain_ring(&d->console, deadline)) {
		spin_unlock(&console_lock);
		return false;
	}
	spin_lock(&rings_lock);
	for (p = &rings; *p && *p != &d->console; p = &(*p)->next)
		;
	if (*p) {
		*p = d->console.next;
		nr_rings--;
	}
	spin_unlock(&rings_lock);
	spin_unlock(&console_lock);
	/* A restarting domain keeps the input; otherwise it moves on, and says so. */
	if (input_id == (int)d->id && !d->reboot) {
		struct domain *next;

		spin_lock(&input_lock);
		next = domain_next_alive(d);
		next = next ? next : domain_next_alive(NULL);
		input_id = next && next != d ? (int)next->id : DOMUS_INPUT;
		spin_unlock(&input_lock);
		announce_input();
	}
	return true;
}

/* ---- the history ---- */

#define HISTORY_CHUNK 256	/* bytes taken out under the lock at a time */

/* Whether index follows the oldest byte kept and is at most the newest (wrap-around included). */
static bool history_holds(uint32_t start, uint32_t end, uint32_t index)
{
	return start <= end ? start < index && index <= end : start < index || index <= end;
}

/* Hands what lies between *pos and end to the reader, within its count; false if it failed. */
static bool history_copy(struct console_read *r, uint32_t *pos, uint32_t end, uint32_t *done)
{
	char chunk[HISTORY_CHUNK];

	while (*pos != end && *done < r->count) {
		uint32_t at = *pos % CONSOLE_HISTORY_SIZE;
		uint32_t n = MIN(MIN(end - *pos, r->count - *done), CONSOLE_HISTORY_SIZE - at);

		n = MIN(n, HISTORY_CHUNK);
		/* A copy, so that the reader's copy to its guest is made without the lock. */
		spin_lock(&console_lock);
		memcpy(chunk, history + at, n);
		spin_unlock(&console_lock);
		if (!r->sink(r->ctx, *done, chunk, n))
			return false;
		*pos += n;
		*done += n;
	}
	return true;
}

bool console_history_read(struct console_read *r)
{
	uint32_t pos, end, done = 0;

	spin_lock(&console_lock);
	pos = history_start;
	end = history_end;
	spin_unlock(&console_lock);
	if (r->incremental && history_holds(pos, end, r->index))
		pos = r->index;
	if (!history_copy(r, &pos, end, &done))
		return false;
	if (r->clear) {
		spin_lock(&console_lock);
		/* Unless what was read has been overwritten meanwhile, the history starts after it. */
		history_start = history_end - pos > CONSOLE_HISTORY_SIZE ?
				history_end - CONSOLE_HISTORY_SIZE : pos;
		spin_unlock(&console_lock);
	}
	r->index = pos;
	r->count = done;
	return true;
}

/* ---- input ---- */

/* The domain typing goes to, or NULL when it goes to Domus. */
static struct domain *input_domain(void)
{
	return input_id != DOMUS_INPUT ? domain_by_id((unsigned)input_id) : NULL;
}

void console_set_input_domain(struct domain *d)
{
	input_id = d ? (int)d->id : DOMUS_INPUT;
}

static void announce_input(void)
{
	struct domain *d = input_domain();

	if (d)
		pr_info("input to %s (type Ctrl-A three times to switch)\n", d->name);
	else
		pr_info("input to Domus (h for help; Ctrl-A three times to switch)\n");
}

void console_input(char c)
{
	struct domain *d;
	bool to_domus;

	if (c == CTRL_A) {
		if (++ctrl_a_count == 3) {
			ctrl_a_count = 0;
			spin_lock(&input_lock);
			d = domain_next_alive(input_domain());
			input_id = d ? (int)d->id : DOMUS_INPUT;
			spin_unlock(&input_lock);
			announce_input();
			console_flush(WRITE_FLUSH_US);	/* the new domain's prompt, held back */
		}
		return;
	}
	ctrl_a_count = 0;
	spin_lock(&input_lock);
	d = input_domain();
	to_domus = !d || !d->alive || (!d->cfg->vpl011 && !d->pv);
	/* A PV guest that uses its hvc0 console reads there; otherwise its emulated UART. */
	if (!to_domus && d->pv && (d->pv->console_used || !d->cfg->vpl011)) {
		pv_console_receive(d, c);
		evtchn_raise_virq(d->vcpu[0], VIRQ_CONSOLE);
	} else if (!to_domus) {
		console_arch_receive(d, c);
	}
	spin_unlock(&input_lock);
	if (to_domus)
		debugkey_handle(c);
}
