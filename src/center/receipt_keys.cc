#include "center/receipt_keys.h"

#include <nlohmann/json.hpp>

#include "core/bytes.h"

namespace acta::center {

Result<std::unique_ptr<ReceiptKeys>> ReceiptKeys::Issue(const NamedSigner& center,
                                                        std::string_view origin, uint64_t now_ms) {
  auto out = std::make_unique<ReceiptKeys>();
  const uint64_t today = now_ms / log::kDayMs;
  nlohmann::json notes = nlohmann::json::array();
  // Six days back: a receipt signed before a restart (with an earlier
  // day's key) still has its certificate served.
  for (uint64_t day = today - std::min<uint64_t>(today, log::kReceiptKeyDays - 1); day <= today;
       ++day) {
    auto issued = log::IssueReceiptKey(center, origin, day);
    if (!issued) return std::unexpected(issued.error());
    out->issued_.push_back(
        Issued{issued->key.key_id, Base64Encode(AsBytes(std::string_view(issued->note)))});
    notes.push_back(issued->note);
    if (day == today) {
      out->current_name_ = issued->key.name;
      out->current_ =
          std::make_unique<MemorySigner>(issued->key.key, "receipt key " + issued->key.name);
    }
  }
  out->json_ = nlohmann::json{{"receipt_keys", notes}}.dump();
  return out;
}

std::string_view ReceiptKeys::HeaderFor(uint32_t key_id) const {
  for (const Issued& i : issued_) {
    if (i.key_id == key_id) return i.header;
  }
  return {};
}

}  // namespace acta::center
