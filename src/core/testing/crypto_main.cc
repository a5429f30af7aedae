// Linked into every test binary (before gtest_main's own main would be
// needed) so libsodium is initialised once before any test runs.
#include <gtest/gtest.h>

#include "core/crypto.h"

namespace {
class CryptoEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { acta::InitCrypto(); }
};
const auto* const kEnv = ::testing::AddGlobalTestEnvironment(new CryptoEnvironment);
}  // namespace
