/* POST /api/upgrade/upload: not in this build yet; it answers so. */
#include "front.h"

void
upload_route(struct evhttp_request *req)
{
	if (!front_is_method(req, EVHTTP_REQ_POST, "POST"))
		return;
	http_reply_error(req, 501, "uploads are not available in this build; "
	    "build the runtime with POST %sapi/build/runtime and upgrade with "
	    "its artifact", fr.cfg.base_path);
}
