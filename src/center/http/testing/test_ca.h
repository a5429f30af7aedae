// Test-only: a throwaway PKI made with the openssl command line.
#pragma once

#include <string>

#include "core/error.h"

namespace acta::http::testing {

struct TestPki {
  std::string dir;            // fresh temporary directory holding everything
  std::string ca_cert;        // PEM: the CA that signed server_cert
  std::string server_cert;    // PEM: server certificate (127.0.0.1, ::1, localhost)
  std::string server_key;     // PEM
  std::string other_ca_cert;  // PEM: an unrelated CA that signed nothing here
};

// Creates the files (P-256 keys, valid for two days). Errors: kIo when the
// openssl tool is missing or fails (its output is in dir/openssl.log).
Result<TestPki> MakeTestPki();

}  // namespace acta::http::testing
