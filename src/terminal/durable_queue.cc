#include "terminal/durable_queue.h"

#include <algorithm>
#include <filesystem>

#include "core/file.h"

namespace acta::terminal {
namespace fs = std::filesystem;

Result<DurableQueue> DurableQueue::Open(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return MakeError(ErrorCode::kIo, "cannot create queue directory " + dir + ": " + ec.message());
  if (!fs::is_directory(dir, ec)) return MakeError(ErrorCode::kIo, dir + " is not a directory");
  return DurableQueue(dir);
}

std::string DurableQueue::NameOf(const ActaBody& body) {
  return "t" + std::to_string(body.table_id) + "-c" + std::to_string(body.correction);
}

std::string DurableQueue::PathOf(const std::string& name, const char* ext) const {
  return (fs::path(dir_) / (name + ext)).string();
}

Result<bool> DurableQueue::Enqueue(const Acta& acta) {
  const std::string name = NameOf(acta.body);
  const std::string path = PathOf(name, ".acta");
  std::error_code ec;
  if (fs::exists(path, ec)) {
    auto existing = ReadFile(path);
    if (!existing) return std::unexpected(existing.error());
    if (!DecodeActa(*existing)) {
      return MakeError(ErrorCode::kCorruption, path + ": queued acta no longer decodes");
    }
    if (*existing == acta.bytes) return false;
    return MakeError(ErrorCode::kConflict, "the queue already holds a different acta for table " +
                                               std::to_string(acta.body.table_id) + " correction " +
                                               std::to_string(acta.body.correction) + " (" + path +
                                               "); that one is sent, never a second version");
  }
  ACTA_RETURN_IF_ERROR(WriteFileAtomic(path, acta.bytes, 0644));
  return true;
}

Result<std::vector<QueueItem>> DurableQueue::List() const {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string file = it->path().filename().string();
    // Only complete files: WriteFileAtomic's temporaries have other names.
    if (file.size() > 5 && file.starts_with('t') && file.ends_with(".acta")) {
      names.push_back(file.substr(0, file.size() - 5));
    }
  }
  if (ec) return MakeError(ErrorCode::kIo, "cannot list " + dir_ + ": " + ec.message());
  std::sort(names.begin(), names.end());
  std::vector<QueueItem> items;
  for (const auto& name : names) {
    auto bytes = ReadFile(PathOf(name, ".acta"));
    if (!bytes) return std::unexpected(bytes.error());
    auto acta = DecodeActa(*bytes);
    if (!acta)
      return MakeError(ErrorCode::kCorruption, PathOf(name, ".acta") + ": " + acta.error().message);
    QueueItem item{name, std::move(*acta), std::nullopt};
    auto receipt = ReceiptFor(item.acta);
    if (!receipt) return std::unexpected(receipt.error());
    item.receipt = std::move(*receipt);
    items.push_back(std::move(item));
  }
  return items;
}

Result<std::vector<QueueItem>> DurableQueue::Pending() const {
  auto all = List();
  if (!all) return all;
  std::erase_if(*all, [](const QueueItem& i) { return i.receipt.has_value(); });
  return all;
}

Status DurableQueue::StoreReceipt(const Acta& acta, ByteSpan receipt) {
  const std::string name = NameOf(acta.body);
  std::error_code ec;
  if (!fs::exists(PathOf(name, ".acta"), ec)) {
    return MakeError(ErrorCode::kNotFound, "acta " + name + " is not queued in " + dir_);
  }
  return WriteFileAtomic(PathOf(name, ".receipt"), receipt, 0644);
}

Result<std::optional<Bytes>> DurableQueue::ReceiptFor(const Acta& acta) const {
  const std::string path = PathOf(NameOf(acta.body), ".receipt");
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::optional<Bytes>();
  auto bytes = ReadFile(path);
  if (!bytes) return std::unexpected(bytes.error());
  return std::optional<Bytes>(std::move(*bytes));
}

}  // namespace acta::terminal
