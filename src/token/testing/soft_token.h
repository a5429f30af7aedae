// A SoftHSM2 token for tests, in its own temporary directory: SOFTHSM2_CONF
// (process-wide) points at a configuration whose token directory is there,
// so tests never touch the machine's tokens and run side by side.
#pragma once

#include <memory>
#include <string>

#include "core/crypto.h"
#include "core/error.h"

namespace acta::token::testing {

// Debian's SoftHSM2 module, or "" when softhsm2 is not installed.
std::string SoftHsmModule();

class SoftToken {
 public:
  // A new directory, configuration and token `label` with user PIN `pin`.
  // Errors: kUnavailable when softhsm2 is not installed; kInternal when
  // softhsm2-util fails.
  static Result<std::unique_ptr<SoftToken>> Create(const std::string& label,
                                                   const std::string& pin);
  ~SoftToken();

  // A file holding `pin` (for wrong-PIN tests, any PIN).
  std::string PinFile(const std::string& pin) const;
  const std::string& pin_file() const { return pin_file_; }
  // pkcs11:token=<label>;object=<object>?module-path=<SoftHSM2>
  std::string Uri(const std::string& object) const;
  // Imports an Ed25519 key pair with this seed (softhsm2-util --import of a
  // PKCS#8 file), so that a test can compare the token's signatures with a
  // key file's byte for byte. Real keys are generated in the token.
  Status ImportSeed(const std::string& object, const Seed& seed) const;

 private:
  SoftToken() = default;
  std::string dir_;
  std::string label_;
  std::string pin_;
  std::string pin_file_;
};

}  // namespace acta::token::testing
