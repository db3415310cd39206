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
/* -1: not decided yet; 0: plain lines; 1: each line starts with "<N>". */
static int log_prefix_on = -1;

/* syslog(3) priorities, written as sd-daemon(3) prefixes. */
#define PRI_ERR "<3>"
#define PRI_WARNING "<4>"
#define PRI_INFO "<6>"
#define PRI_DEBUG "<7>"

/* journald (and systemd's stderr-to-syslog forwarding) reads a leading
 * "<N>" as the line's priority, so warnings and fatals keep their severity
 * in the journal. A person at a terminal does not want the noise.
 * RTFORGE_LOG_PRIORITY=1 or 0 decides either way; the roles inherit both
 * stderr and the environment, so every role decides alike. */
static int
log_want_prefix(void)
{
	const char *env = getenv("RTFORGE_LOG_PRIORITY");
	if (env && strcmp(env, "1") == 0)
		return 1;
	if (env && strcmp(env, "0") == 0)
		return 0;
	return isatty(STDERR_FILENO) ? 0 : 1;
}

void
log_set_role(const char *role)
{
	snprintf(log_role, sizeof(log_role), "%s", role);
	log_prefix_on = log_want_prefix();
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
log_emit(const char *pri, const char *level, const char *fmt, va_list ap,
    const char *suffix)
{
	char line[2048];
	if (log_prefix_on < 0)
		log_prefix_on = log_want_prefix();
	int n = snprintf(line, sizeof(line), "%s%s[%d] %s: ", log_prefix_on ?
	    pri : "", log_role, (int)getpid(), level);
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

#define LOG_BODY(pri, level, suffix)                                         \
	do {                                                                 \
		va_list ap;                                                  \
		va_start(ap, fmt);                                           \
		log_emit(pri, level, fmt, ap, suffix);                       \
		va_end(ap);                                                  \
	} while (0)

void log_info(const char *fmt, ...) { LOG_BODY(PRI_INFO, "info", NULL); }
void log_warnx(const char *fmt, ...) { LOG_BODY(PRI_WARNING, "warning", NULL); }

void
log_warn(const char *fmt, ...)
{
	const char *err = strerror(errno);
	LOG_BODY(PRI_WARNING, "warning", err);
}

void
log_debug(const char *fmt, ...)
{
	if (log_debug_on)
		LOG_BODY(PRI_DEBUG, "debug", NULL);
}

void
fatal(const char *fmt, ...)
{
	const char *err = strerror(errno);
	LOG_BODY(PRI_ERR, "fatal", err);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	LOG_BODY(PRI_ERR, "fatal", NULL);
	exit(1);
}
