// The witness's durable memory: for each log (by origin), the latest
// checkpoint it cosigned, and the refused-but-signed checkpoints that prove
// a log misbehaved. SQLite in WAL mode with synchronous=FULL, so a change
// is on disk (fsynced) when Commit returns: the witness answers only after.
//
// Thread-safety: none; Witness serializes every call under its own mutex,
// which also makes "check the old size, then store the new checkpoint"
// atomic (tlog-witness's rollback race).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/error.h"

namespace acta::store::sqlite {
class Connection;
}

namespace acta::witness {

struct CosignedRecord {
  uint64_t size = 0;
  Hash256 root{};
  // The checkpoint as GET <origin hash>/checkpoint serves it: its text, the
  // log's verified signature lines and this witness's cosignature.
  std::string note;
  uint64_t cosigned_at = 0;  // Unix seconds, the cosignature's timestamp

  bool operator==(const CosignedRecord&) const = default;
};

class WitnessState {
 public:
  // Opens (creating) the database at `path`. Errors (their messages name
  // the file): kIo, kCorruption, kUnsupportedVersion (a newer schema).
  [[nodiscard]] static Result<std::unique_ptr<WitnessState>> Open(const std::string& path);
  ~WitnessState();
  WitnessState(const WitnessState&) = delete;
  WitnessState& operator=(const WitnessState&) = delete;

  // The latest cosigned checkpoint of `origin`, nullopt if none.
  [[nodiscard]] Result<std::optional<CosignedRecord>> Latest(std::string_view origin);
  // Replaces the record of `origin` in one durable transaction.
  // REQUIRES: the caller checked `record` extends Latest(origin).
  [[nodiscard]] Status Store(std::string_view origin, const CosignedRecord& record);
  // Keeps a signed checkpoint the witness refused (422) as evidence.
  [[nodiscard]] Status KeepEvidence(std::string_view origin, std::string_view reason,
                                    std::string_view note, uint64_t at_unix_seconds);
  // Number of evidence rows for `origin` (metrics, tests).
  [[nodiscard]] Result<uint64_t> EvidenceCount(std::string_view origin);

 private:
  explicit WitnessState(std::unique_ptr<store::sqlite::Connection> db);
  [[nodiscard]] static Result<std::unique_ptr<WitnessState>> OpenAt(const std::string& path);
  std::unique_ptr<store::sqlite::Connection> db_;
};

}  // namespace acta::witness
