// Whole-file reads and crash-safe writes.
#pragma once

#include <string>

#include "core/bytes.h"

namespace acta {

Result<Bytes> ReadFile(const std::string& path);
Result<std::string> ReadTextFile(const std::string& path);

// Writes via a temporary file in the same directory, fsyncs it, renames it
// over `path` and fsyncs the directory: after return the content is durable
// and a crash leaves either the old or the new file, never a torn one.
Status WriteFileAtomic(const std::string& path, ByteSpan data, unsigned mode = 0644);
inline Status WriteFileAtomic(const std::string& path, std::string_view text,
                              unsigned mode = 0644) {
  return WriteFileAtomic(path, AsBytes(text), mode);
}

// fsync of a directory, so a rename or create inside it survives a crash.
Status SyncDirectory(const std::string& dir);

}  // namespace acta
