// The terminal's outbox on disk: every acta stays here until it holds a
// valid receipt, so a terminal killed at any moment resumes where it was and
// sends exactly the same bytes again (the center answers a replay with the
// same receipt).
//
// Layout of DIR (one file per acta, each written with WriteFileAtomic, so a
// crash leaves either no file or a complete one):
//   t<table>-c<correction>.acta     the acta bytes, exactly as signed
//   t<table>-c<correction>.receipt  the center's receipt (kReceiptSize bytes)
// An acta with a receipt file is delivered; one without is pending.
//
// Thread-safety: none; one process owns a queue directory at a time.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/acta.h"

namespace acta::terminal {

struct QueueItem {
  std::string name;  // "t<table>-c<correction>"
  Acta acta;
  std::optional<Bytes> receipt;
};

class DurableQueue {
 public:
  // Creates DIR when needed. Errors: kIo.
  static Result<DurableQueue> Open(const std::string& dir);

  // Queues `acta` durably. Returns true if it was added, false if exactly
  // these bytes were already queued (a restart). Errors: kConflict when the
  // queue already holds a DIFFERENT acta for the same table and correction
  // (the queued one is the one that gets sent; a terminal never sends two
  // versions of one acta); kIo; kCorruption if the queued file is damaged.
  Result<bool> Enqueue(const Acta& acta);

  // Every queued acta, sorted by name, with its receipt when delivered.
  // Errors: kIo; kCorruption for a damaged acta file (named in the message).
  Result<std::vector<QueueItem>> List() const;
  // The items without a receipt.
  Result<std::vector<QueueItem>> Pending() const;

  // Stores the receipt of a queued acta (atomically). Errors: kNotFound if
  // the acta is not queued, kIo.
  Status StoreReceipt(const Acta& acta, ByteSpan receipt);
  // The stored receipt, nullopt if none. Errors: kIo.
  Result<std::optional<Bytes>> ReceiptFor(const Acta& acta) const;

  const std::string& dir() const { return dir_; }
  static std::string NameOf(const ActaBody& body);

 private:
  explicit DurableQueue(std::string dir) : dir_(std::move(dir)) {}
  std::string PathOf(const std::string& name, const char* ext) const;
  std::string dir_;
};

}  // namespace acta::terminal
