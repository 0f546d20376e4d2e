/*
 * Runtime parameters (domus/params.h).  A value is parsed as on the command
 * line (cmdline.c) and put in effect at once; what is shown is the value in
 * effect, in Xen's words.
 */
#include <domus/params.h>
#include <domus/cmdline.h>
#include <domus/console.h>

/* Xen's "<always>/<rate-limited>"; Domus does not rate-limit, so both are one level. */
static void show_level(char *buf, size_t size, enum log_level level)
{
	static const char *const names[] = { "none", "error", "warning", "info", "all" };

	snprintf(buf, size, "%s/%s", names[level], names[level]);
}

static void show_loglvl(char *buf, size_t size)
{
	show_level(buf, size, console_loglevel());
}

static bool set_loglvl(const char *val)
{
	enum log_level level;

	if (!cmdline_parse_loglvl(val, &level))
		return false;
	console_set_loglevel(level);
	return true;
}

static void show_guest_loglvl(char *buf, size_t size)
{
	show_level(buf, size, console_guest_loglevel());
}

static bool set_guest_loglvl(const char *val)
{
	enum log_level level;

	if (!cmdline_parse_loglvl(val, &level))
		return false;
	console_set_guest_loglevel(level);
	return true;
}

static void show_timestamps(char *buf, size_t size)
{
	snprintf(buf, size, "%s", console_timestamps_name(console_timestamps()));
}

static bool set_timestamps(const char *val)
{
	enum console_timestamps mode;

	if (!cmdline_parse_timestamps(val, &mode))
		return false;
	console_set_timestamps(mode);
	return true;
}

const struct runtime_param runtime_params[] = {
	{ "console_timestamps", show_timestamps, set_timestamps },
	{ "guest_loglvl", show_guest_loglvl, set_guest_loglvl },
	{ "loglvl", show_loglvl, set_loglvl },
};
const unsigned nr_runtime_params = ARRAY_SIZE(runtime_params);
