/*
 * Runtime parameters (domus/params.h).  A value is parsed as on the command
 * line (cmdline.c) and put in effect at once; what is shown is the value in
 * effect, in Xen's words.
 */
#include <domus/params.h>
#include <domus/cmdline.h>
#include <domus/console.h>

/* Xen's "<always>/<rate-limited>"; Domus does not rate-limit, so both are one level. */
static void show_level(const struct runtime_param *p, char *buf, size_t size)
{
	static const char *const names[] = { "none", "error", "warning", "info", "all" };
	enum log_level level = p->level();

	snprintf(buf, size, "%s/%s", names[level], names[level]);
}

static bool set_level(const struct runtime_param *p, const char *val)
{
	enum log_level level;

	if (!cmdline_parse_loglvl(val, &level))
		return false;
	p->set_level(level);
	return true;
}

static void show_timestamps(const struct runtime_param *p, char *buf, size_t size)
{
	(void)p;
	snprintf(buf, size, "%s", console_timestamps_name(console_timestamps()));
}

static bool set_timestamps(const struct runtime_param *p, const char *val)
{
	enum console_timestamps mode;

	(void)p;
	if (!cmdline_parse_timestamps(val, &mode))
		return false;
	console_set_timestamps(mode);
	return true;
}

const struct runtime_param runtime_params[] = {
	{ .name = "console_timestamps", .show = show_timestamps, .set = set_timestamps },
	{ .name = "guest_loglvl", .show = show_level, .set = set_level,
	  .level = console_guest_loglevel, .set_level = console_set_guest_loglevel },
	{ .name = "loglvl", .show = show_level, .set = set_level,
	  .level = console_loglevel, .set_level = console_set_loglevel },
};
const unsigned nr_runtime_params = ARRAY_SIZE(runtime_params);
