#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char log_role[32] = "rtforge";
static int log_debug_on;

void
log_set_role(const char *role)
{
	snprintf(log_role, sizeof(log_role), "%s", role);
}

void
log_init(const char *role, int debug)
{
	log_set_role(role);
	log_debug_on = debug;
}

/* Build the whole line first and write it once, so that lines from the
 * several roles sharing stderr never interleave mid-line. */
static void
log_emit(const char *level, const char *fmt, va_list ap, const char *suffix)
{
	char line[2048];
	int n = snprintf(line, sizeof(line), "%s[%d] %s: ", log_role,
	    (int)getpid(), level);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(line))
		vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	size_t len = strlen(line);
	if (suffix && len < sizeof(line) - 1)
		snprintf(line + len, sizeof(line) - len, ": %s", suffix);
	len = strlen(line);
	for (size_t i = 0; i < len; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	if (len >= sizeof(line) - 1)
		len = sizeof(line) - 2;
	line[len++] = '\n';
	ssize_t w = write(STDERR_FILENO, line, len);
	(void)w;
}

#define LOG_BODY(level, suffix)                                              \
	do {                                                                 \
		va_list ap;                                                  \
		va_start(ap, fmt);                                           \
		log_emit(level, fmt, ap, suffix);                            \
		va_end(ap);                                                  \
	} while (0)

void log_info(const char *fmt, ...) { LOG_BODY("info", NULL); }
void log_warnx(const char *fmt, ...) { LOG_BODY("warning", NULL); }

void
log_warn(const char *fmt, ...)
{
	const char *err = strerror(errno);
	LOG_BODY("warning", err);
}

void
log_debug(const char *fmt, ...)
{
	if (log_debug_on)
		LOG_BODY("debug", NULL);
}

void
fatal(const char *fmt, ...)
{
	const char *err = strerror(errno);
	LOG_BODY("fatal", err);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	LOG_BODY("fatal", NULL);
	exit(1);
}
