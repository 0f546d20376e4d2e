/* Domus's own lines on the console: the "(domus)" prefix and Xen's console_timestamps. */
#include "../unit.h"
#include <asm/cpu.h>

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
