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
	    !opt.bootscrub || opt.nr_warnings)
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

TEST(loglevel_names)
{
	static const struct { const char *arg; enum log_level level; } cases[] = {
		{ "loglevel=none", LOG_NONE },
		{ "loglevel=error", LOG_ERR },
		{ "loglevel=warning", LOG_WARN },
		{ "loglevel=info", LOG_INFO },
		{ "loglevel=debug", LOG_DEBUG },
		{ "loglevel=all", LOG_DEBUG },
		/* Xen's "<level>/<rate-limited level>": the first part is the level. */
		{ "loglevel=warning/info", LOG_WARN },
		{ "loglevel=error/all", LOG_ERR },
		{ "loglevel=debug/", LOG_DEBUG },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		parse(cases[i].arg);
		CHECK_EQ(opt.loglevel, cases[i].level);
		CHECK_EQ(opt.nr_warnings, 0);
	}
}

TEST(loglevel_bad_values_warn)
{
	static const char *const bad[] = {
		"loglevel=verbose", "loglevel=", "loglevel", "loglevel=/info", "loglevel=infos",
		"loglevel=inf", "loglevel=INFO",
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

TEST(bootscrub_boolean_forms)
{
	static const char *const yes[] = { "bootscrub", "bootscrub=1", "bootscrub=yes",
					   "bootscrub=on", "bootscrub=true", "bootscrub=enable" };
	static const char *const no[] = { "bootscrub=0", "bootscrub=no", "bootscrub=off",
					  "bootscrub=false", "bootscrub=disable" };

	for (unsigned i = 0; i < ARRAY_SIZE(no); i++) {
		parse(no[i]);
		CHECK(!opt.bootscrub);
		CHECK_EQ(opt.nr_warnings, 0);
	}
	for (unsigned i = 0; i < ARRAY_SIZE(yes); i++) {
		char line[64];

		snprintf(line, sizeof(line), "bootscrub=0 %s", yes[i]);
		parse(line);
		CHECK(opt.bootscrub);
		CHECK_EQ(opt.nr_warnings, 0);
	}
	parse("bootscrub=0 bootscrub=maybe");
	CHECK(!opt.bootscrub);
	CHECK_EQ(opt.nr_warnings, 1);
	CHECK_CONTAINS(opt.warnings[0], "bootscrub=maybe");
}

TEST(several_options_and_separators)
{
	parse("  loglevel=debug\tconsole=none  bootscrub=off dtuart=serial1  ");
	CHECK_EQ(opt.loglevel, LOG_DEBUG);
	CHECK_STR(opt.console, "none");
	CHECK(!opt.bootscrub);
	CHECK_STR(opt.dtuart, "serial1");
	CHECK_EQ(opt.nr_warnings, 0);
}

TEST(unknown_options_are_reported_and_ignored)
{
	parse("dom0_mem=1G loglevel=error ucode=scan noreboot");
	CHECK_EQ(opt.loglevel, LOG_ERR);
	CHECK_EQ(opt.nr_warnings, 3);
	CHECK_CONTAINS(opt.warnings[0], "dom0_mem=1G");
	CHECK_CONTAINS(opt.warnings[1], "ucode=scan");
	CHECK_CONTAINS(opt.warnings[2], "noreboot");
	/* An option name is matched whole, not by prefix. */
	parse("loglevelx=info consoles=none");
	CHECK_EQ(opt.nr_warnings, 2);
	CHECK_CONTAINS(opt.warnings[0], "loglevelx");
	CHECK_CONTAINS(opt.warnings[1], "consoles");
	CHECK_STR(opt.console, "dtuart");
	/* Known options are still parsed around bad ones. */
	parse("foo loglevel=bogus console=none");
	CHECK_EQ(opt.nr_warnings, 2);
	CHECK_STR(opt.console, "none");
	CHECK_EQ(opt.loglevel, LOG_INFO);
}

TEST(warnings_are_bounded)
{
	parse("alpha bravo charlie delta echo foxtrot golf hotel india juliet loglevel=debug");
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
	strcpy(line + 1000, " loglevel=error");
	parse(line);
	CHECK_EQ(opt.loglevel, LOG_ERR);
	CHECK_EQ(opt.nr_warnings, 1);
	CHECK_CONTAINS(opt.warnings[0], "xxxxxxxxxx");
	CHECK(strlen(opt.warnings[0]) < sizeof(opt.warnings[0]));

	/* A known option with an overlong value. */
	memcpy(line, "loglevel=", 9);
	memset(line + 9, 'y', 500);
	line[509] = '\0';
	parse(line);
	CHECK_EQ(opt.loglevel, LOG_INFO);
	CHECK_EQ(opt.nr_warnings, 1);
	CHECK_CONTAINS(opt.warnings[0], "loglevel=yyy");
}
