/* Domus's own lines on the console: the "(domus)" prefix and Xen's console_timestamps. */
#include "../unit.h"
#include <domus/arch.h>
#include <asm/cpu.h>
#include <domus/percpu.h>

TEST(boot_timestamps_follow_the_prefix)
{
	fake_counter = FAKE_COUNTER_FREQ * 5 / 2;	/* 2.5 s after boot */
	console_set_timestamps(TS_BOOT);
	pr_info("stamped\n");
	console_set_timestamps(TS_NONE);
	pr_info("plain\n");
	CHECK(console_printed("(domus) [    2.500000] stamped\r\n"));
	CHECK(console_printed("(domus) plain\r\n"));
}

TEST(date_forms_print_the_boot_time_and_raw_the_counter)
{
	fake_counter = FAKE_COUNTER_FREQ * 61 + 7;
	console_set_timestamps(TS_DATE_MS);
	pr_info("no wall clock\n");
	console_set_timestamps(TS_RAW);
	fake_counter = 0x1234;
	pr_info("raw\n");
	console_set_timestamps(TS_NONE);
	CHECK(console_printed("(domus) [   61.000007] no wall clock"));
	CHECK(console_printed("(domus) [0000000000001234] raw"));
}

/* ---- the history (Xen's console ring, read by sysctl readconsole) ---- */

static char got[2 * CONSOLE_HISTORY_SIZE];

static bool to_got(void *ctx, uint32_t at, const char *s, uint32_t n)
{
	(void)ctx;
	memcpy(got + at, s, n);
	return true;
}

static bool refuse(void *ctx, uint32_t at, const char *s, uint32_t n)
{
	(void)ctx;
	(void)at;
	(void)s;
	(void)n;
	return false;
}

/* Reads up to max bytes (NUL-terminated into got); returns the read's results. */
static struct console_read history(bool incremental, uint32_t index, uint32_t max, bool clear)
{
	struct console_read r = { .clear = clear, .incremental = incremental, .index = index,
				  .count = max, .sink = to_got };

	memset(got, 0, sizeof(got));
	CHECK(console_history_read(&r));
	return r;
}

/* Empties the history; where it now ends. */
static uint32_t forget_history(void)
{
	return history(false, 0, sizeof(got), true).index;
}

TEST(history_keeps_domus_lines_without_carriage_returns)
{
	uint32_t end = forget_history();
	struct console_read r;

	pr_info("first line\n");
	r = history(false, 0, sizeof(got), false);
	CHECK_STR(got, "(domus) first line\n");
	CHECK_EQ(r.count, 19);
	CHECK_EQ(r.index, end + 19);
	/* Without clear, a read from the start gets it all again. */
	pr_info("second\n");
	r = history(false, 0, sizeof(got), false);
	CHECK_STR(got, "(domus) first line\n(domus) second\n");
	CHECK_EQ(r.index, end + 34);
}

TEST(history_incremental_reads_go_on_from_the_index)
{
	uint32_t end = forget_history();
	struct console_read r;

	pr_info("one\n");
	r = history(true, end, sizeof(got), false);
	CHECK_STR(got, "(domus) one\n");
	pr_info("two\n");
	r = history(true, r.index, sizeof(got), false);
	CHECK_STR(got, "(domus) two\n");
	CHECK_EQ(r.count, 12);
	/* At the end: nothing, and the index stays. */
	r = history(true, r.index, sizeof(got), false);
	CHECK_EQ(r.count, 0);
	CHECK_EQ(r.index, end + 24);
	/* A small buffer: the index says where the next read goes on. */
	r = history(true, end, 5, false);
	CHECK_STR(got, "(domu");
	CHECK_EQ(r.index, end + 5);
	r = history(true, r.index, 7, false);
	CHECK_STR(got, "s) one\n");
	/* An index the history does not hold (here: beyond its end) reads from its start. */
	r = history(true, end + 1000, sizeof(got), false);
	CHECK_STR(got, "(domus) one\n(domus) two\n");
}

TEST(history_clear_forgets_what_was_read_and_before)
{
	uint32_t end = forget_history();
	struct console_read r;

	pr_info("old\n");
	pr_info("older\n");
	r = history(false, 0, 12, true);	/* reads (and forgets) the first line only */
	CHECK_STR(got, "(domus) old\n");
	r = history(false, 0, sizeof(got), false);
	CHECK_STR(got, "(domus) older\n");
	CHECK_EQ(r.index, end + 26);
	history(false, 0, sizeof(got), true);
	r = history(false, 0, sizeof(got), false);
	CHECK_EQ(r.count, 0);
	CHECK_EQ(r.index, end + 26);
}

TEST(history_keeps_the_last_16_KiB)
{
	uint32_t end = forget_history();
	struct console_read r;
	char line[101];

	memset(line, 'x', 99);
	line[99] = '\n';
	line[100] = '\0';
	for (unsigned i = 0; i < 200; i++)	/* 200 lines of 108 bytes: 21600 */
		pr_info("%s", line);
	/* The start is gone: an incremental read from it starts at the oldest byte kept. */
	r = history(true, end, sizeof(got), false);
	CHECK_EQ(r.count, CONSOLE_HISTORY_SIZE);
	CHECK_EQ(r.index, end + 21600);
	CHECK_EQ(strlen(got), CONSOLE_HISTORY_SIZE);
	CHECK(!memcmp(got + CONSOLE_HISTORY_SIZE - 9, "xxxxxxxx\n", 9));
	/* A read clears what it got, even after the ring wrapped. */
	history(false, 0, 100, true);
	CHECK_EQ(history(false, 0, sizeof(got), false).count, CONSOLE_HISTORY_SIZE - 100);
}

TEST(history_is_not_cleared_when_the_reader_fails)
{
	struct console_read r = { .clear = true, .count = 100, .sink = refuse };

	forget_history();
	pr_info("kept\n");
	CHECK(!console_history_read(&r));
	CHECK_EQ(history(false, 0, sizeof(got), false).count, 13);
}

TEST(history_keeps_domu_lines_but_not_dom0s)
{
	struct domain *dom0 = fake_domain(1), *domu = fake_domain(1);

	dom0->hardware = true;
	forget_history();
	console_guest_write(dom0, "dom0 says\n", 10);
	console_guest_write(domu, "domU says\n", 10);
	pr_info("domus says\n");
	history(false, 0, sizeof(got), false);
	CHECK(console_printed("dom0 says"));
	CHECK(!strstr(got, "dom0"));
	CHECK(strstr(got, "domU says\n"));
	CHECK(strstr(got, "(domus) domus says\n"));
	/* Dom0's half line (it has the input) is ended on the terminal, not in the history. */
	console_set_input_domain(dom0);
	console_guest_write(dom0, "half", 4);
	CHECK(console_idle_flush());
	console_set_input_domain(NULL);
	CHECK(console_printed("half"));
	pr_err("urgent\n");
	CHECK(console_printed("half\r\n(domus) urgent"));
	history(false, 0, sizeof(got), true);
	CHECK(strstr(got, "says\n(domus) urgent\n"));
}

TEST(a_line_waits_for_its_end_a_little)
{
	struct domain *d = fake_domain(1);

	console_guest_write(d, "start", 5);
	console_poll();
	CHECK(!console_printed("start"));	/* one byte at a time is slow: the rest may follow */
	CHECK(console_quiet());
	console_guest_write(d, " end\n", 5);
	CHECK(console_printed("start end\r\n"));
	console_guest_write(d, "prompt# ", 8);
	CHECK(console_deadline() > fake_counter);
	fake_counter += 3000;			/* 3 ms: a prompt is not kept waiting longer */
	CHECK(!console_quiet());
	console_poll();
	CHECK(console_printed("prompt# "));
	CHECK(console_quiet());
	console_guest_write(d, "\n", 1);
}

TEST(an_idle_cpu_is_woken_to_print_whole_lines)
{
	struct domain *d = fake_domain(1);
	unsigned kicks = fake_kicks[0];

	pcpus[0].idle = true;
	console_guest_write(d, "to print\n", 9);
	CHECK(!console_printed("to print"));
	CHECK_EQ(fake_kicks[0], kicks + 1);
	CHECK(console_quiet());			/* the writer goes on: CPU 0 prints */
	console_guest_write(d, "more\n", 5);
	CHECK_EQ(fake_kicks[0], kicks + 1);	/* already woken */
	CHECK(console_idle_flush());
	CHECK(console_printed("to print\r\nmore\r\n"));
	CHECK(!console_idle_flush());
}

TEST(an_idle_cpu_that_printed_looks_for_lines_a_while_unwoken)
{
	struct domain *d = fake_domain(1);
	struct pcpu *self = arch_this_cpu();
	unsigned kicks = fake_kicks[0];

	fake_counter = 1ull << 40;		/* what earlier tests' idle flushes left is long past */
	pcpus[0].idle = true;
	self->idle = true;
	console_guest_write(d, "first\n", 6);
	CHECK_EQ(fake_kicks[0], kicks + 1);
	CHECK(console_idle_flush());		/* this CPU, idle, prints it: and keeps looking */
	CHECK(console_printed("first\r\n"));
	fake_counter += 5000;
	console_guest_write(d, "second\n", 7);
	CHECK_EQ(fake_kicks[0], kicks + 1);	/* nobody woken: the looking CPU prints it */
	CHECK(console_quiet());			/* ... so the writer goes on */
	CHECK(console_deadline() && console_deadline() <= fake_counter + 1000);
	CHECK(!console_printed("second"));
	CHECK(console_idle_flush());
	CHECK(console_printed("second\r\n"));
	/* Busy, it looks no more; nor, idle, once 20 ms have passed without a line. */
	self->idle = false;
	console_guest_write(d, "third\n", 6);
	CHECK_EQ(fake_kicks[0], kicks + 2);
	CHECK(console_idle_flush());
	self->idle = true;
	fake_counter += 21000;
	console_guest_write(d, "fourth\n", 7);
	CHECK_EQ(fake_kicks[0], kicks + 3);
	CHECK(console_idle_flush());
	fake_counter += 21000;
	self->idle = false;
	pcpus[0].idle = false;
}

TEST(lines_a_woken_cpu_leaves_are_printed_by_others)
{
	struct domain *d = fake_domain(1);

	pcpus[0].idle = true;
	console_guest_write(d, "late\n", 5);
	CHECK(console_quiet());
	fake_counter += 2000;			/* 2 ms, and CPU 0 has not begun */
	CHECK(!console_quiet());
	console_poll();
	CHECK(console_printed("late\r\n"));
}

TEST(sync_prints_an_unfinished_line)
{
	struct domain *d = fake_domain(1);

	console_guest_write(d, "last words", 10);
	CHECK(!console_printed("last words"));
	console_sync();
	CHECK(console_printed("last words"));
}
