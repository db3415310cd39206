/* The systemd notify protocol, spoken directly instead of linking
 * libsystemd: one datagram to $NOTIFY_SOCKET. A no-op outside systemd. */
#ifndef RTFORGE_NOTIFY_H
#define RTFORGE_NOTIFY_H

int notify_send(const char *state);

#endif
