/*
 * Parsing of the hypervisor command line.  Options Domus does not know are
 * reported and ignored, so a Xen command line boots Domus unchanged.
 */
#include <domus/cmdline.h>
#include <domus/config.h>
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

/* One level name of [val, val + len); false if it is none. */
static bool level_named(const char *val, size_t len, enum log_level *out)
{
	static const struct { const char *name; enum log_level level; } levels[] = {
		{ "none", LOG_NONE }, { "error", LOG_ERR }, { "warning", LOG_WARN },
		{ "info", LOG_INFO }, { "debug", LOG_DEBUG }, { "all", LOG_DEBUG },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(levels); i++) {
		if (strlen(levels[i].name) == len && !strncmp(val, levels[i].name, len)) {
			*out = levels[i].level;
			return true;
		}
	}
	return false;
}

/*
 * Xen's "<level>[/<rate-limited level>]": Xen prints the first always and up
 * to the second rate limited; Domus, which does not rate-limit its own
 * lines, prints up to the second.
 */
bool cmdline_parse_loglvl(const char *val, enum log_level *out)
{
	const char *slash = strchr(val, '/');
	enum log_level always, limited;

	if (!level_named(val, slash ? (size_t)(slash - val) : strlen(val), &always))
		return false;
	limited = always;
	if (slash && slash[1] && !level_named(slash + 1, strlen(slash + 1), &limited))
		return false;
	*out = MAX(always, limited);
	return true;
}

static bool parse_loglvl(struct hv_options *opt, const char *val)
{
	return cmdline_parse_loglvl(val, &opt->loglevel);
}

static bool parse_guest_loglvl(struct hv_options *opt, const char *val)
{
	return cmdline_parse_loglvl(val, &opt->guest_loglevel);
}

bool cmdline_parse_timestamps(const char *val, enum console_timestamps *out)
{
	bool on;

	for (unsigned i = 0; i <= TS_RAW; i++)
		if (!strcmp(val, console_timestamps_name((enum console_timestamps)i))) {
			*out = (enum console_timestamps)i;
			return true;
		}
	if (!parse_bool(val, &on))
		return false;
	*out = on ? TS_DATE : TS_NONE;	/* and an empty value is "date" too */
	return true;
}

static bool parse_timestamps(struct hv_options *opt, const char *val)
{
	return cmdline_parse_timestamps(val, &opt->timestamps);
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

static bool parse_bootscrub(struct hv_options *opt, const char *val)
{
	bool on;

	if (val && !strcmp(val, "idle")) {
		opt->bootscrub = BOOTSCRUB_IDLE;
		return true;
	}
	if (!parse_bool(val, &on))
		return false;
	opt->bootscrub = on ? BOOTSCRUB_ON : BOOTSCRUB_OFF;
	return true;
}

static bool parse_p2m_mapping(struct hv_options *opt, const char *val)
{
	if (!strcmp(val, "blocks"))
		opt->p2m_mapping = P2M_MAPPING_BLOCKS;
	else if (!strcmp(val, "pages"))
		opt->p2m_mapping = P2M_MAPPING_PAGES;
	else
		return false;
	return true;
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

/* Xen's sizes: a number (0x for hex), then T, G, M, K or B; kilobytes without. */
static bool parse_size(const char *val, const char **end, uint64_t *out)
{
	char *e;
	uint64_t v = strtoul(val, &e, 0);
	unsigned shift = 10;

	if (e == val)
		return false;
	switch (*e) {
	case 'T': case 't': shift = 40; e++; break;
	case 'G': case 'g': shift = 30; e++; break;
	case 'M': case 'm': shift = 20; e++; break;
	case 'K': case 'k': shift = 10; e++; break;
	case 'B': case 'b': shift = 0; e++; break;
	}
	if (shift && v >> (64 - shift))
		return false;
	*out = v << shift;
	*end = e;
	return true;
}

/* "[min:<size>,][max:<size>,][<size>]", as on x86; Arm's Xen takes the plain size. */
static bool parse_dom0_mem(struct hv_options *opt, const char *val)
{
	uint64_t min = 0, max = 0, amount = 0, *to;
	const char *end;

	do {
		to = !strncmp(val, "min:", 4) ? &min : !strncmp(val, "max:", 4) ? &max : &amount;
		val += to == &amount ? 0 : 4;
		if (!parse_size(val, &end, to) || (*end && *end != ','))
			return false;
		val = *end ? end + 1 : end;
	} while (*end);
	if (!amount && !min && !max)
		return false;
	opt->dom0_mem = amount;
	opt->dom0_mem_min = min;
	opt->dom0_mem_max = max;
	return true;
}

/* "N", or x86's "min-max" (as many as there are CPUs, within the bounds). */
static bool parse_dom0_max_vcpus(struct hv_options *opt, const char *val)
{
	const char *dash = strchr(val, '-');
	char first[16];

	if (!dash)
		return parse_number(val, 1, MAX_VCPUS, &opt->dom0_vcpus_min) &&
		       parse_number(val, 1, MAX_VCPUS, &opt->dom0_vcpus_max);
	if ((size_t)(dash - val) >= sizeof(first))
		return false;
	memcpy(first, val, dash - val);
	first[dash - val] = '\0';
	return parse_number(first, 1, MAX_VCPUS, &opt->dom0_vcpus_min) &&
	       (!dash[1] ? (opt->dom0_vcpus_max = MAX_VCPUS) :
		parse_number(dash + 1, opt->dom0_vcpus_min, MAX_VCPUS, &opt->dom0_vcpus_max));
}

static bool parse_exit_profile(struct hv_options *opt, const char *val)
{
	return parse_bool(val, &opt->exit_profile);
}

static bool parse_dom0_vcpus_pin(struct hv_options *opt, const char *val)
{
	return parse_bool(val, &opt->dom0_vcpus_pin);
}

static const struct option options[] = {
	{ "loglvl", parse_loglvl },
	{ "guest_loglvl", parse_guest_loglvl },
	{ "console_timestamps", parse_timestamps },
	{ "dom0_mem", parse_dom0_mem },
	{ "dom0_max_vcpus", parse_dom0_max_vcpus },
	{ "dom0_vcpus_pin", parse_dom0_vcpus_pin },
	{ "exit_profile", parse_exit_profile },
	{ "console", parse_console },
	{ "dtuart", parse_dtuart },
	{ "bootscrub", parse_bootscrub },
	{ "p2m_mapping", parse_p2m_mapping },
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
	/* Xen's defaults but Domus's own loglvl: Xen's release builds print warnings only. */
	*opt = (struct hv_options){ .loglevel = LOG_INFO, .guest_loglevel = LOG_WARN,
				    .console = "dtuart", .bootscrub = BOOTSCRUB_ON_USE,
				    .sched = "credit", .tslice_ms = 30, .ratelimit_us = 1000 };
	snprintf(opt->text, sizeof(opt->text), "%s", cmdline ? cmdline : "");
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
