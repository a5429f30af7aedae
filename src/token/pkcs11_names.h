// Names of PKCS#11 return values for error messages ("CKR_PIN_INCORRECT").
#pragma once

#include <string>

namespace acta::token {

// The CKR_ name of `rv`, or "CKR 0x..." for a value not listed.
std::string RvName(unsigned long rv);

}  // namespace acta::token
