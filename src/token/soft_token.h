// A SoftHSM2 token in a directory of its own (a temporary one for tests,
// the work directory of `acta demo --token`): SOFTHSM2_CONF (process-wide)
// points at a configuration whose token directory is there, so neither
// touches the machine's tokens. Not for production keys: SoftHSM2 keeps its
// objects in files (encrypted with the PIN).
#pragma once

#include <memory>
#include <string>

#include "core/crypto.h"
#include "core/error.h"

namespace acta::token {

// Debian's SoftHSM2 module, or "" when softhsm2 is not installed.
std::string SoftHsmModule();

class SoftToken {
 public:
  // A new directory, configuration and token `label` with user PIN `pin`.
  // `dir` empty: a temporary directory, removed with the object; otherwise
  // `dir` (created), kept. Errors: kUnavailable when softhsm2 is not
  // installed; kInternal when softhsm2-util fails.
  static Result<std::unique_ptr<SoftToken>> Create(const std::string& label, const std::string& pin,
                                                   const std::string& dir = "");
  ~SoftToken();

  // A file holding `pin` (for wrong-PIN tests, any PIN).
  std::string PinFile(const std::string& pin) const;
  const std::string& pin_file() const { return pin_file_; }
  // pkcs11:token=<label>;object=<object>?module-path=<SoftHSM2>
  std::string Uri(const std::string& object) const;
  // Imports an Ed25519 key pair with this seed (softhsm2-util --import of a
  // PKCS#8 file), so that a test can compare the token's signatures with a
  // key file's byte for byte. Real keys are generated in the token.
  // `id`: the object's CKA_ID in hex (softhsm2-util refuses two with one).
  Status ImportSeed(const std::string& object, const Seed& seed,
                    const std::string& id = "01") const;

  // Takes the token away (its files moved aside), as pulling a hardware
  // token out would, and puts it back. Errors: kIo.
  Status Unplug() const;
  Status PlugBackIn() const;

 private:
  SoftToken() = default;
  std::string dir_;
  bool remove_dir_ = true;
  std::string label_;
  std::string pin_;
  std::string pin_file_;
};

}  // namespace acta::token
