#include "center/receipt_keys.h"

#include <nlohmann/json.hpp>

#include "core/bytes.h"

namespace acta::center {

ReceiptKeys::~ReceiptKeys() = default;

Status ReceiptKeys::Add(uint64_t day, std::vector<std::string>& notes, std::vector<Issued>& issued,
                        Current& current) {
  auto key = log::IssueReceiptKey(center_, origin_, day);
  if (!key) return std::unexpected(key.error());
  issued.push_back(Issued{key->key.key_id, Base64Encode(AsBytes(std::string_view(key->note)))});
  notes.push_back(key->note);
  keys_.push_back(std::make_unique<MemorySigner>(key->key.key, "receipt key " + key->key.name));
  current = Current{key->key.name, day, key->key.key_id, keys_.back().get()};
  return Ok();
}

Result<std::unique_ptr<ReceiptKeys>> ReceiptKeys::Issue(const NamedSigner& center,
                                                        std::string_view origin, uint64_t now_ms) {
  auto out = std::make_unique<ReceiptKeys>();
  out->center_ = center;
  out->origin_ = std::string(origin);
  const uint64_t today = now_ms / log::kDayMs;
  auto gen = std::make_unique<Generation>();
  // Six days back: a receipt signed before a restart (with an earlier
  // day's key) still has its certificate served.
  for (uint64_t day = today - std::min<uint64_t>(today, log::kReceiptKeyDays - 1); day <= today;
       ++day) {
    ACTA_RETURN_IF_ERROR(out->Add(day, out->notes_, gen->issued, gen->key));
  }
  gen->json = nlohmann::json{{"receipt_keys", out->notes_}}.dump();
  out->current_.store(gen.get(), std::memory_order_release);
  out->generations_.push_back(std::move(gen));
  return out;
}

Result<bool> ReceiptKeys::Rotate(uint64_t now_ms) {
  std::lock_guard lock(rotate_mu_);
  const Generation* now = current_.load(std::memory_order_acquire);
  const uint64_t today = now_ms / log::kDayMs;
  if (today <= now->key.day) return false;
  auto gen = std::make_unique<Generation>();
  gen->issued = now->issued;
  std::vector<std::string> notes = notes_;
  ACTA_RETURN_IF_ERROR(Add(today, notes, gen->issued, gen->key));
  notes_ = std::move(notes);
  gen->json = nlohmann::json{{"receipt_keys", notes_}}.dump();
  current_.store(gen.get(), std::memory_order_release);
  generations_.push_back(std::move(gen));
  return true;
}

std::string_view ReceiptKeys::HeaderFor(uint32_t key_id) const {
  const Generation* gen = current_.load(std::memory_order_acquire);
  if (gen == nullptr) return {};
  for (const Issued& i : gen->issued) {
    if (i.key_id == key_id) return i.header;
  }
  return {};
}

const std::string& ReceiptKeys::json() const {
  const Generation* gen = current_.load(std::memory_order_acquire);
  return gen ? gen->json : empty_json_;
}

}  // namespace acta::center
