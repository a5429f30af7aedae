#include "verify/state.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/file.h"
#include "core/strict_json.h"

namespace acta::verify {
namespace {
constexpr char kStateFormat[] = "acta-verify-state-v1";
}  // namespace

Status VerifierState::Remember(RememberedCheckpoint cp) {
  auto it = std::lower_bound(checkpoints.begin(), checkpoints.end(), cp.size,
                             [](const RememberedCheckpoint& a, uint64_t s) { return a.size < s; });
  if (it != checkpoints.end() && it->size == cp.size) {
    if (it->root != cp.root) {
      return MakeError(ErrorCode::kConflict,
                       "a different root is remembered for size " + std::to_string(cp.size));
    }
    return Ok();
  }
  checkpoints.insert(it, std::move(cp));
  return Ok();
}

Result<VerifierState> ParseVerifierState(std::string_view text) {
  using nlohmann::json;
  json j = json::parse(text, nullptr, false);
  auto bad = [](const std::string& why) {
    return MakeError(ErrorCode::kMalformed, "verifier state: " + why);
  };
  if (JsonString(j, "format") != kStateFormat)
    return bad("not an " + std::string(kStateFormat) + " file");
  VerifierState state;
  try {
    state.origin = j.at("origin").get<std::string>();
    for (const auto& c : j.at("checkpoints")) {
      RememberedCheckpoint cp;
      // Not get<uint64_t>() on whatever is there: a number too large for
      // 64 bits parses as a double, whose conversion is undefined (found by
      // the verifier_inputs fuzz target).
      const auto size = JsonUint(c, "size");
      if (!size) return bad("a checkpoint's size is not a whole number below 2^64");
      cp.size = *size;
      auto root = HexDecodeFixed<32>(c.at("root").get<std::string>());
      if (!root) return bad("checkpoint of size " + std::to_string(cp.size) + ": bad root");
      cp.root = *root;
      cp.note = c.at("note").get<std::string>();
      if (auto st = state.Remember(std::move(cp)); !st) return bad(st.error().message);
    }
  } catch (const std::exception& e) {
    return bad(e.what());
  }
  return state;
}

std::string SerializeVerifierState(const VerifierState& state) {
  nlohmann::json cps = nlohmann::json::array();
  for (const auto& cp : state.checkpoints) {
    cps.push_back({{"size", cp.size}, {"root", HexEncode(cp.root)}, {"note", cp.note}});
  }
  nlohmann::json j = {{"format", kStateFormat}, {"origin", state.origin}, {"checkpoints", cps}};
  return j.dump(1) + "\n";
}

Result<VerifierState> LoadVerifierState(const std::string& path) {
  auto text = ReadTextFile(path);
  if (!text) {
    if (text.error().code == ErrorCode::kNotFound) return VerifierState{};
    return std::unexpected(text.error());
  }
  return ParseVerifierState(*text);
}

Status SaveVerifierState(const std::string& path, const VerifierState& state) {
  return WriteFileAtomic(path, SerializeVerifierState(state), 0600);
}

}  // namespace acta::verify
