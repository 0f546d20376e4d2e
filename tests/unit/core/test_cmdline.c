/* Domus's command line, in Xen's syntax (docs/misc/xen-command-line.pandoc). */
#include "../unit.h"
#include <domus/cmdline.h>

static struct hv_options opt;

static void parse(const char *line)
{
	memset(&opt, 0x5a, sizeof(opt));	/* cmdline_parse must set every field */
	cmdline_parse(line, &opt);
}

static void check_defaults(const char *file, int line)
{
	if (opt.loglevel != LOG_INFO || strcmp(opt.console, "dtuart") || opt.dtuart[0] ||
	    opt.bootscrub != BOOTSCRUB_ON_USE || opt.p2m_mapping != P2M_MAPPING_AUTO ||
	    opt.nr_warnings)
		unit_fail(file, line, "options are the defaults", NULL, false);
}
#define CHECK_DEFAULTS() check_defaults(__FILE__, __LINE__)

TEST(empty_and_null_lines_give_defaults)
{
	parse(NULL);
	CHECK_DEFAULTS();
	parse("");
	CHECK_DEFAULTS();
	parse("   \t  ");
	CHECK_DEFAULTS();
}

TEST(loglvl_names)
{
	static const struct { const char *arg; enum log_level level; } cases[] = {
		{ "loglvl=none", LOG_NONE },
		{ "loglvl=error", LOG_ERR },
		{ "loglvl=warning", LOG_WARN },
		{ "loglvl=info", LOG_INFO },
		{ "loglvl=debug", LOG_DEBUG },
		{ "loglvl=all", LOG_DEBUG },
		/* Xen's "<level>/<rate-limited level>": Domus prints both, without a limit. */
		{ "loglvl=warning/info", LOG_INFO },
		{ "loglvl=error/all", LOG_DEBUG },
		{ "loglvl=info/error", LOG_INFO },
		{ "loglvl=debug/", LOG_DEBUG },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		parse(cases[i].arg);
		CHECK_EQ(opt.loglevel, cases[i].level);
		CHECK_EQ(opt.nr_warnings, 0);
	}
}

TEST(loglvl_bad_values_warn)
{
	static const char *const bad[] = {
		"loglvl=verbose", "loglvl=", "loglvl", "loglvl=/info", "loglvl=infos",
		"loglvl=inf", "loglvl=INFO", "loglvl=info/verbose", "loglevel=info",
	};

	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		parse(bad[i]);
		CHECK_EQ(opt.loglevel, LOG_INFO);
		CHECK_EQ(opt.nr_warnings, 1);
		CHECK_CONTAINS(opt.warnings[0], bad[i]);
	}
}

TEST(console_values)
{
	parse("console=none");
	CHECK_STR(opt.console, "none");
	CHECK_EQ(opt.nr_warnings, 0);
	parse("console=none console=dtuart");
	CHECK_STR(opt.console, "dtuart");
	parse("console=vga");
	CHECK_STR(opt.console, "dtuart");
	CHECK_EQ(opt.nr_warnings, 1);
	CHECK_CONTAINS(opt.warnings[0], "console=vga");
}

TEST(dtuart_path_and_alias)
{
	parse("dtuart=/pl011@9000000");
	CHECK_STR(opt.dtuart, "/pl011@9000000");
	parse("dtuart=serial0:115200n8");
	CHECK_STR(opt.dtuart, "serial0");
	parse("dtuart=/soc/serial@1c28000:115200");
	CHECK_STR(opt.dtuart, "/soc/serial@1c28000");
	CHECK_EQ(opt.nr_warnings, 0);
	parse("dtuart=");
	CHECK_STR(opt.dtuart, "");
	CHECK_EQ(opt.nr_warnings, 1);
	CHECK_CONTAINS(opt.warnings[0], "dtuart");
	parse("dtuart=:115200");
	CHECK_STR(opt.dtuart, "");
	CHECK_EQ(opt.nr_warnings, 1);
}

TEST(dtuart_too_long)
{
	char line[160] = "dtuart=/";

	/* 127 characters fit in the 128-byte field; 128 do not. */
	memset(line + 8, 'a', 126);
	parse(line);
	CHECK_EQ(strlen(opt.dtuart), 127);
	CHECK_EQ(opt.nr_warnings, 0);
	strcat(line, "b");
	parse(line);
	CHECK_STR(opt.dtuart, "");
	CHECK_EQ(opt.nr_warnings, 1);
	CHECK_CONTAINS(opt.warnings[0], "dtuart=/aaa");
}

TEST(p2m_mapping_blocks_or_pages_and_nothing_else)
{
	parse("p2m_mapping=pages");
	CHECK_EQ(opt.p2m_mapping, P2M_MAPPING_PAGES);
	parse("p2m_mapping=blocks");
	CHECK_EQ(opt.p2m_mapping, P2M_MAPPING_BLOCKS);
	CHECK_EQ(opt.nr_warnings, 0);
	parse("p2m_mapping=pages p2m_mapping=1g");
	CHECK_EQ(opt.p2m_mapping, P2M_MAPPING_PAGES);
	CHECK_EQ(opt.nr_warnings, 1);
	CHECK_CONTAINS(opt.warnings[0], "p2m_mapping=1g");
	parse("p2m_mapping");
	CHECK_EQ(opt.p2m_mapping, P2M_MAPPING_AUTO);
	CHECK_EQ(opt.nr_warnings, 1);
}

TEST(bootscrub_idle_or_boolean_forms_as_xens)
{
	static const char *const yes[] = { "bootscrub", "bootscrub=1", "bootscrub=yes",
					   "bootscrub=on", "bootscrub=true", "bootscrub=enable" };
	static const char *const no[] = { "bootscrub=0", "bootscrub=no", "bootscrub=off",
					  "bootscrub=false", "bootscrub=disable" };

	for (unsigned i = 0; i < ARRAY_SIZE(no); i++) {
		parse(no[i]);
		CHECK_EQ(opt.bootscrub, BOOTSCRUB_OFF);
		CHECK_EQ(opt.nr_warnings, 0);
	}
	for (unsigned i = 0; i < ARRAY_SIZE(yes); i++) {
		char line[64];

		snprintf(line, sizeof(line), "bootscrub=0 %s", yes[i]);
		parse(line);
		CHECK_EQ(opt.bootscrub, BOOTSCRUB_ON);
		CHECK_EQ(opt.nr_warnings, 0);
	}
	parse("bootscrub=0 bootscrub=idle");
	CHECK_EQ(opt.bootscrub, BOOTSCRUB_IDLE);
	parse("bootscrub=0 bootscrub=maybe");
	CHECK_EQ(opt.bootscrub, BOOTSCRUB_OFF);
	CHECK_EQ(opt.nr_warnings, 1);
	CHECK_CONTAINS(opt.warnings[0], "bootscrub=maybe");
}

TEST(several_options_and_separators)
{
	parse("  loglvl=debug\tconsole=none  bootscrub=off dtuart=serial1  ");
	CHECK_EQ(opt.loglevel, LOG_DEBUG);
	CHECK_STR(opt.console, "none");
	CHECK(!opt.bootscrub);
	CHECK_STR(opt.dtuart, "serial1");
	CHECK_EQ(opt.nr_warnings, 0);
}

TEST(unknown_options_are_reported_and_ignored)
{
	parse("iommu=no loglvl=error ucode=scan noreboot");
	CHECK_EQ(opt.loglevel, LOG_ERR);
	CHECK_EQ(opt.nr_warnings, 3);
	CHECK_CONTAINS(opt.warnings[0], "iommu=no");
	CHECK_CONTAINS(opt.warnings[1], "ucode=scan");
	CHECK_CONTAINS(opt.warnings[2], "noreboot");
	/* An option name is matched whole, not by prefix. */
	parse("loglvlx=info consoles=none");
	CHECK_EQ(opt.nr_warnings, 2);
	CHECK_CONTAINS(opt.warnings[0], "loglvlx");
	CHECK_CONTAINS(opt.warnings[1], "consoles");
	CHECK_STR(opt.console, "dtuart");
	/* Known options are still parsed around bad ones. */
	parse("foo loglvl=bogus console=none");
	CHECK_EQ(opt.nr_warnings, 2);
	CHECK_STR(opt.console, "none");
	CHECK_EQ(opt.loglevel, LOG_INFO);
}

TEST(warnings_are_bounded)
{
	parse("alpha bravo charlie delta echo foxtrot golf hotel india juliet loglvl=debug");
	CHECK_EQ(opt.nr_warnings, CMDLINE_MAX_WARNINGS);
	CHECK_CONTAINS(opt.warnings[0], "alpha");
	CHECK_CONTAINS(opt.warnings[CMDLINE_MAX_WARNINGS - 1], "hotel");
	CHECK_EQ(opt.loglevel, LOG_DEBUG);
}

TEST(very_long_words)
{
	char line[2048];

	/* A 1000-character unknown option and then a valid one. */
	memset(line, 'x', 1000);
	strcpy(line + 1000, " loglvl=error");
	parse(line);
	CHECK_EQ(opt.loglevel, LOG_ERR);
	CHECK_EQ(opt.nr_warnings, 1);
	CHECK_CONTAINS(opt.warnings[0], "xxxxxxxxxx");
	CHECK(strlen(opt.warnings[0]) < sizeof(opt.warnings[0]));

	/* A known option with an overlong value. */
	memcpy(line, "loglvl=", 7);
	memset(line + 7, 'y', 500);
	line[507] = '\0';
	parse(line);
	CHECK_EQ(opt.loglevel, LOG_INFO);
	CHECK_EQ(opt.nr_warnings, 1);
	CHECK_CONTAINS(opt.warnings[0], "loglvl=yyy");
}

TEST(guest_loglvl_defaults_to_xens_release_build)
{
	parse(NULL);
	CHECK_EQ(opt.guest_loglevel, LOG_WARN);	/* "none/warning": DomU console_io not shown */
	parse("guest_loglvl=all");
	CHECK_EQ(opt.guest_loglevel, LOG_DEBUG);
	parse("guest_loglvl=none/info");
	CHECK_EQ(opt.guest_loglevel, LOG_INFO);
	CHECK_EQ(opt.loglevel, LOG_INFO);
	parse("guest_loglvl=some");
	CHECK_EQ(opt.guest_loglevel, LOG_WARN);
	CHECK_EQ(opt.nr_warnings, 1);
}

TEST(console_timestamps_modes)
{
	static const struct { const char *arg; enum console_timestamps ts; } cases[] = {
		{ "console_timestamps=none", TS_NONE }, { "console_timestamps=date", TS_DATE },
		{ "console_timestamps=datems", TS_DATE_MS }, { "console_timestamps=boot", TS_BOOT },
		{ "console_timestamps=raw", TS_RAW }, { "console_timestamps", TS_DATE },
		{ "console_timestamps=yes", TS_DATE }, { "console_timestamps=0", TS_NONE },
	};

	parse(NULL);
	CHECK_EQ(opt.timestamps, TS_NONE);
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		parse(cases[i].arg);
		CHECK_EQ(opt.timestamps, cases[i].ts);
		CHECK_EQ(opt.nr_warnings, 0);
	}
	parse("console_timestamps=sometimes");
	CHECK_EQ(opt.timestamps, TS_NONE);
	CHECK_EQ(opt.nr_warnings, 1);
}

TEST(dom0_mem_sizes_and_bounds)
{
	static const struct { const char *arg; uint64_t amount, min, max; } cases[] = {
		{ "dom0_mem=512M", 512 * MiB, 0, 0 }, { "dom0_mem=1G", 1024 * MiB, 0, 0 },
		{ "dom0_mem=524288", 512 * MiB, 0, 0 },		/* kilobytes by default */
		{ "dom0_mem=536870912b", 512 * MiB, 0, 0 }, { "dom0_mem=0x20000M", 128 * 1024 * MiB, 0, 0 }, { "dom0_mem=262144k", 256 * MiB, 0, 0 },
		{ "dom0_mem=min:128M,max:1G,512M", 512 * MiB, 128 * MiB, 1024 * MiB },
		{ "dom0_mem=max:768M", 0, 0, 768 * MiB },
	};
	static const char *const bad[] = {
		"dom0_mem", "dom0_mem=", "dom0_mem=lots", "dom0_mem=512Q", "dom0_mem=512M,",
		"dom0_mem=min:", "dom0_mem=mid:4G", "dom0_mem=99999999999T",
	};

	parse(NULL);
	CHECK_EQ(opt.dom0_mem, 0);
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		parse(cases[i].arg);
		CHECK_EQ(opt.dom0_mem, cases[i].amount);
		CHECK_EQ(opt.dom0_mem_min, cases[i].min);
		CHECK_EQ(opt.dom0_mem_max, cases[i].max);
		CHECK_EQ(opt.nr_warnings, 0);
	}
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		parse(bad[i]);
		CHECK_EQ(opt.dom0_mem, 0);
		CHECK_EQ(opt.nr_warnings, 1);
		CHECK_CONTAINS(opt.warnings[0], bad[i]);
	}
}

TEST(dom0_vcpus)
{
	parse(NULL);
	CHECK(opt.dom0_vcpus_min == 0 && opt.dom0_vcpus_max == 0 && !opt.dom0_vcpus_pin);
	parse("dom0_max_vcpus=2 dom0_vcpus_pin");
	CHECK(opt.dom0_vcpus_min == 2 && opt.dom0_vcpus_max == 2 && opt.dom0_vcpus_pin);
	parse("dom0_max_vcpus=1-4 dom0_vcpus_pin=false");
	CHECK(opt.dom0_vcpus_min == 1 && opt.dom0_vcpus_max == 4 && !opt.dom0_vcpus_pin);
	parse("dom0_max_vcpus=2-");
	CHECK(opt.dom0_vcpus_min == 2 && opt.dom0_vcpus_max == MAX_VCPUS);
	CHECK_EQ(opt.nr_warnings, 0);
	parse("dom0_max_vcpus=0 dom0_max_vcpus=3-1 dom0_max_vcpus=99 dom0_max_vcpus=x");
	CHECK_EQ(opt.nr_warnings, 4);
	CHECK_EQ(opt.dom0_vcpus_max, 0);
}

TEST(exit_profile_is_off_unless_asked_for)
{
	parse(NULL);
	CHECK(!opt.exit_profile);
	parse("exit_profile");
	CHECK(opt.exit_profile);
	parse("exit_profile exit_profile=0");
	CHECK(!opt.exit_profile);
	CHECK_EQ(opt.nr_warnings, 0);
}
