/* GET /metrics: the front's view of rtforge in the Prometheus text
 * exposition format, version 0.0.4. */
#ifndef RTFORGE_METRICS_H
#define RTFORGE_METRICS_H

#include <event2/http.h>

/* Answers GET (and HEAD) /metrics; any other method gets 405. */
void metrics_route(struct evhttp_request *req);

/* The front calls this each time a worker ("build" or "sign") hands it a
 * fresh channel, that is each time the supervisor has (re)started that
 * worker. Every start after the first one this front saw is a restart. */
void metrics_worker_started(const char *role);

#endif
