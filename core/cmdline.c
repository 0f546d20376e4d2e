/*
 * Parsing of the hypervisor command line.  Options Domus does not know are
 * reported and ignored, so a Xen command line boots Domus unchanged.
 */
#include <domus/cmdline.h>
#include <stdlib.h>

struct option {
	const char *name;
	bool (*parse)(struct hv_options *opt, const char *val);
};

static void copy_value(char *dst, size_t size, const char *val)
{
	size_t n = strnlen(val, size - 1);

	memcpy(dst, val, n);
	dst[n] = '\0';
}

static bool parse_loglevel(struct hv_options *opt, const char *val)
{
	static const struct { const char *name; enum log_level level; } levels[] = {
		{ "none", LOG_NONE }, { "error", LOG_ERR }, { "warning", LOG_WARN },
		{ "info", LOG_INFO }, { "debug", LOG_DEBUG }, { "all", LOG_DEBUG },
	};
	/* Xen allows "<level>/<rate-limited level>"; the second part does not apply here. */
	size_t len = strchr(val, '/') ? (size_t)(strchr(val, '/') - val) : strlen(val);

	for (unsigned i = 0; i < ARRAY_SIZE(levels); i++) {
		if (strlen(levels[i].name) == len && !strncmp(val, levels[i].name, len)) {
			opt->loglevel = levels[i].level;
			return true;
		}
	}
	return false;
}

static bool parse_console(struct hv_options *opt, const char *val)
{
	if (strcmp(val, "dtuart") && strcmp(val, "none"))
		return false;
	copy_value(opt->console, sizeof(opt->console), val);
	return true;
}

static bool parse_dtuart(struct hv_options *opt, const char *val)
{
	/* Xen allows "path:options"; the options are the firmware's business here. */
	size_t n = strchr(val, ':') ? (size_t)(strchr(val, ':') - val) : strlen(val);

	if (!n || n >= sizeof(opt->dtuart))
		return false;
	memcpy(opt->dtuart, val, n);
	opt->dtuart[n] = '\0';
	return true;
}

static bool parse_bool(const char *val, bool *out)
{
	if (!*val || !strcmp(val, "1") || !strcmp(val, "yes") || !strcmp(val, "on") ||
	    !strcmp(val, "true") || !strcmp(val, "enable")) {
		*out = true;
		return true;
	}
	if (!strcmp(val, "0") || !strcmp(val, "no") || !strcmp(val, "off") ||
	    !strcmp(val, "false") || !strcmp(val, "disable")) {
		*out = false;
		return true;
	}
	return false;
}

static bool parse_bootscrub(struct hv_options *opt, const char *val)
{
	return parse_bool(val, &opt->bootscrub);
}

static bool parse_sched(struct hv_options *opt, const char *val)
{
	if (!*val || strlen(val) >= sizeof(opt->sched))
		return false;
	copy_value(opt->sched, sizeof(opt->sched), val);
	return true;
}

static bool parse_number(const char *val, unsigned min, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v = strtoul(val, &end, 10);

	if (!*val || *end || v < min || v > max)
		return false;
	*out = (unsigned)v;
	return true;
}

static bool parse_tslice(struct hv_options *opt, const char *val)
{
	return parse_number(val, 1, 1000, &opt->tslice_ms);
}

static bool parse_ratelimit(struct hv_options *opt, const char *val)
{
	return parse_number(val, 0, 500000, &opt->ratelimit_us);
}

static const struct option options[] = {
	{ "loglevel", parse_loglevel },
	{ "console", parse_console },
	{ "dtuart", parse_dtuart },
	{ "bootscrub", parse_bootscrub },
	{ "sched", parse_sched },
	{ "sched_credit_tslice_ms", parse_tslice },
	{ "sched_ratelimit_us", parse_ratelimit },
};

static void warn(struct hv_options *opt, const char *fmt, const char *word, size_t len)
{
	if (opt->nr_warnings == CMDLINE_MAX_WARNINGS)
		return;
	snprintf(opt->warnings[opt->nr_warnings++], sizeof(opt->warnings[0]), fmt,
		 (int)MIN(len, 60), word);
}

static void parse_word(struct hv_options *opt, const char *word, size_t len)
{
	char buf[160];
	const char *eq;
	size_t name_len;

	if (len >= sizeof(buf)) {
		warn(opt, "option too long, ignored: %.*s", word, len);
		return;
	}
	memcpy(buf, word, len);
	buf[len] = '\0';
	eq = strchr(buf, '=');
	name_len = eq ? (size_t)(eq - buf) : len;
	for (unsigned i = 0; i < ARRAY_SIZE(options); i++) {
		if (strlen(options[i].name) != name_len || strncmp(buf, options[i].name, name_len))
			continue;
		if (!options[i].parse(opt, eq ? eq + 1 : ""))
			warn(opt, "bad value, option ignored: %.*s", word, len);
		return;
	}
	warn(opt, "unknown option ignored: %.*s", word, len);
}

void cmdline_parse(const char *cmdline, struct hv_options *opt)
{
	*opt = (struct hv_options){ .loglevel = LOG_INFO, .console = "dtuart", .bootscrub = true,
				    .sched = "credit", .tslice_ms = 30, .ratelimit_us = 1000 };
	while (cmdline && *cmdline) {
		const char *end;

		while (*cmdline == ' ' || *cmdline == '\t')
			cmdline++;
		for (end = cmdline; *end && *end != ' ' && *end != '\t'; end++)
			;
		if (end > cmdline)
			parse_word(opt, cmdline, end - cmdline);
		cmdline = end;
	}
}
