// Signing keys (issue #23): signatures per second of each signing path in
// one run, one thread each: an Ed25519 key in memory (a key file), the same
// key in a SoftHSM2 token through token::TokenKey (PKCS#11 C_Sign with
// CKM_EDDSA, one session, as a center with --key pkcs11:... signs its
// checkpoints), and a receipt through a receipt key in memory (what such a
// center signs per acta). Writes a table for docs/PERFORMANCE.md
// (bench/report.py).
//
//   sign_paths [--seconds S] [--out FILE]
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "bench/bench_args.h"
#include "core/crypto.h"
#include "core/receipt.h"
#include "core/signer.h"
#include "log/checkpoint.h"
#include "token/soft_token.h"
#include "token/token_key.h"

namespace acta::bench {
namespace {

using Clock_ = std::chrono::steady_clock;

constexpr char kUsage[] = "usage: sign_paths [--seconds S (per path, default 3)] [--out FILE]\n";

struct Rate {
  double per_second = 0;
  uint64_t count = 0;
};

// Calls sign() for `seconds` (checking the clock every 16 calls).
template <typename F>
Rate Measure(double seconds, F sign) {
  const auto start = Clock_::now();
  uint64_t n = 0;
  double elapsed = 0;
  while (elapsed < seconds) {
    for (int i = 0; i < 16; ++i) {
      if (!sign(n)) return {};
      ++n;
    }
    elapsed = std::chrono::duration<double>(Clock_::now() - start).count();
  }
  return {static_cast<double>(n) / elapsed, n};
}

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

int Run(double seconds, const std::string& out_path) {
  Seed seed{};
  seed.fill(0x5a);
  const SigningKey memory_key = SigningKey::FromSeed(seed);
  auto soft = token::SoftToken::Create("acta-bench", "1234");
  if (!soft) {
    std::fprintf(stderr, "sign_paths: %s\n", soft.error().ToString().c_str());
    return 1;
  }
  if (auto st = (*soft)->ImportSeed("center", seed); !st) {
    std::fprintf(stderr, "sign_paths: %s\n", st.error().ToString().c_str());
    return 1;
  }
  auto token_key = token::TokenKey::Open((*soft)->Uri("center"), (*soft)->pin_file());
  if (!token_key) {
    std::fprintf(stderr, "sign_paths: %s\n", token_key.error().ToString().c_str());
    return 1;
  }

  // What a checkpoint signs: its text (origin, size, root).
  log::Checkpoint cp;
  cp.origin = log::LogOrigin(Hash256{});
  cp.size = 123456;
  const std::string text = log::CheckpointText(cp);
  const ByteSpan message = AsBytes(text);

  volatile uint8_t sink = 0;  // keeps the in-memory signatures from being optimized away
  const Rate memory = Measure(seconds, [&](uint64_t) {
    sink = sink ^ memory_key.Sign(message)[0];
    return true;
  });
  const Rate in_token =
      Measure(seconds, [&](uint64_t) { return (*token_key)->Sign(message).has_value(); });
  const MemorySigner receipt_key(SigningKey::FromSeed(Seed{}), "receipt key");
  const Rate receipt = Measure(seconds, [&](uint64_t i) {
    Hash256 leaf{};
    leaf[0] = static_cast<uint8_t>(i);
    return Receipt::SignWith(Hash256{}, leaf, 1796500000000 + i, receipt_key, 0x01020304)
        .has_value();
  });

  auto row = [&](const char* path, const char* used_for, const Rate& r) {
    return nlohmann::json::array({path, used_for, Fixed(r.per_second, 0),
                                  Fixed(1e6 / r.per_second, 1),
                                  Fixed(r.per_second / memory.per_second, 3)});
  };
  nlohmann::json doc = {
      {"title", "Signing keys"},
      {"columns", {"path", "signs", "signatures/s (one thread)", "µs each", "of in-memory"}},
      {"rows",
       {row("Ed25519 key in memory (key file, `SigningKey::Sign`)",
            "checkpoints and receipts of a center with a key file", memory),
        row("Same key in SoftHSM2 through `token::TokenKey` (PKCS#11 `C_Sign`, CKM_EDDSA)",
            "checkpoints (a few a second), receipt-key certificates at start", in_token),
        row("Receipt key in memory (`Receipt::SignWith`, message built and signed)",
            "receipts of a center with a key in a token: one per acta", receipt)}},
      {"notes",
       {"One run, one thread per path, " + Fixed(seconds, 1) +
            " s each, message = a checkpoint's text (" + std::to_string(text.size()) +
            " bytes); a receipt's signed message is 93 bytes.",
        "Receipts are signed once per acta on every verify worker, so they must be fast: a "
        "center whose key is in a token signs them with a per-day receipt key in memory that "
        "the token's key certifies (docs/FORMATS.md, \"Receipt key certificate\"). Checkpoints "
        "are signed once per sequencer batch (a few a second), so the token's rate is "
        "plenty for them.",
        "SoftHSM2 is software in this process's address space; a hardware token (smart card, "
        "USB or network HSM) adds its bus or network round trip per signature and is usually "
        "slower (not measured here), which is one more reason the per-acta path never goes "
        "to the token."}}};
  std::ofstream(out_path) << doc.dump(2) << "\n";
  std::printf("in memory %.0f/s, token %.0f/s, receipt key %.0f/s (%s)\n", memory.per_second,
              in_token.per_second, receipt.per_second, out_path.c_str());
  return 0;
}

}  // namespace
}  // namespace acta::bench

int main(int argc, char** argv) {
  using namespace acta::bench;
  BenchArgs args = ParseBenchArgs(argc, argv, "sign_paths", kUsage);
  if (args.exit_code) return *args.exit_code;
  double seconds = 3;
  std::string out = "sign_paths.json";
  for (const auto& [name, value] : args.options) {
    if (name == "--seconds") {
      seconds = std::stod(value);
    } else if (name == "--out") {
      out = value;
    } else {
      return UsageError("sign_paths", "unknown option " + name, kUsage);
    }
  }
  return Run(seconds, out);
}
