// For tests of a center whose key is in a PKCS#11 token (issue #23): a fresh
// SoftHSM2 token holding the synthetic election's center key (imported, so
// that signatures can be compared with the key file's byte for byte).
// Create it in CenterFixture::BeforeCenter, Apply it in AdjustCenter.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "center/center.h"
#include "sim/synth.h"
#include "token/soft_token.h"

namespace acta::testing {

inline void CreateCenterKeyInToken(const sim::SynthResult& synth, const std::string& label,
                                   const std::string& pin, std::unique_ptr<token::SoftToken>& out) {
  auto t = token::SoftToken::Create(label, pin);
  ASSERT_TRUE(t) << t.error().ToString() << " (scripts/install-deps.sh installs softhsm2)";
  out = std::move(*t);
  ASSERT_TRUE(out->ImportSeed("center", synth.election.centers[0].key.seed()));
}

inline void UseCenterKeyInToken(const token::SoftToken& token, center::CenterOptions& o) {
  o.key_file = token.Uri("center");
  o.pin_file = token.pin_file();
}

}  // namespace acta::testing
