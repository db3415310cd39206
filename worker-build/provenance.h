/* What a build was made from and with, recorded beside its artifact, so
 * that an operator (or srtool) can redo it and compare hashes. */
#ifndef RTFORGE_PROVENANCE_H
#define RTFORGE_PROVENANCE_H

#include <jansson.h>

#include "config.h"

/* {"rustc": "<rustc -vV>", "cargo_lock_sha256": "..."|null,
 *  "git_commit": "..."|null, "git_dirty": bool|null, "features": [...]}.
 * git_dirty is what git_source_dirty() said at the build's start (-1 is
 * null). Never fails: what cannot be learned is null. */
json_t *provenance_collect(const struct config_build *b, const char *features,
    int git_dirty);

#endif
