#include "mirror/gzip.h"

#include <zlib.h>

#include <limits>

namespace acta::mirror {

Result<Bytes> Gzip(ByteSpan data) {
  constexpr size_t kFastAbove = size_t{1} << 20;
  if (data.size() > std::numeric_limits<uInt>::max())
    return MakeError(ErrorCode::kInvalidArgument, "file too large to gzip");
  z_stream z{};
  const int level = data.size() > kFastAbove ? 1 : 6;
  // windowBits 15 + 16: a gzip wrapper rather than zlib's.
  if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return MakeError(ErrorCode::kInternal, "deflateInit2 failed");
  Bytes out(deflateBound(&z, static_cast<uLong>(data.size())));
  z.next_in = const_cast<Bytef*>(reinterpret_cast<const Bytef*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return MakeError(ErrorCode::kInternal, "deflate did not finish");
  return out;
}

}  // namespace acta::mirror
