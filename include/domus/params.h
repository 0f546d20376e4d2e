/*
 * Runtime parameters: the command-line options that may change while Domus
 * runs, as Xen's runtime parameters (hypfs /params, xl set-parameters).
 */
#ifndef DOMUS_PARAMS_H
#define DOMUS_PARAMS_H

#include <domus/lib.h>

#define PARAM_VALUE_MAX 128	/* Xen's MAX_PARAM_SIZE: the longest value written */

enum log_level;

struct runtime_param {
	const char *name;
	/* The value now, as Xen writes it ("warning/warning" for loglvl). */
	void (*show)(const struct runtime_param *p, char *buf, size_t size);
	/* Takes a value with the command line's syntax; false if it is bad. */
	bool (*set)(const struct runtime_param *p, const char *val);
	/* A log level's: where it is kept. */
	enum log_level (*level)(void);
	void (*set_level)(enum log_level level);
};

/* Sorted by name. */
extern const struct runtime_param runtime_params[];
extern const unsigned nr_runtime_params;

#endif
