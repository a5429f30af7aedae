// Gzip (RFC 1952) of a file's bytes, for the "<file>.gz" that `acta mirror`
// writes beside its text files: nginx's gzip_static sends it to clients that
// accept gzip, so the server never compresses per request.
#pragma once

#include "core/bytes.h"
#include "core/error.h"

namespace acta::mirror {

// Deterministic (no name, time 0 in the header): the same bytes give the
// same .gz. Level 6 up to 1 MB, level 1 above (the CSV and the full bulletin
// of a large election are rewritten at every checkpoint; speed wins there).
[[nodiscard]] Result<Bytes> Gzip(ByteSpan data);

}  // namespace acta::mirror
