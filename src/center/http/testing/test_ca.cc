#include "center/http/testing/test_ca.h"

#include <cstdlib>
#include <fstream>
#include <vector>

namespace acta::http::testing {
namespace {

Status Run(const std::string& dir, const std::string& args) {
  const std::string command =
      "cd '" + dir + "' && openssl " + args + " >>openssl.log 2>&1 </dev/null";
  if (std::system(command.c_str()) != 0) {
    return MakeError(ErrorCode::kIo, "openssl " + args + " failed; see " + dir + "/openssl.log");
  }
  return Ok();
}

Status MakeCa(const std::string& dir, const std::string& name) {
  return Run(dir,
             "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
             "-keyout " +
                 name + ".key -out " + name + ".pem -subj '/CN=acta test " + name +
                 "' -addext basicConstraints=critical,CA:TRUE "
                 "-addext keyUsage=critical,keyCertSign,cRLSign");
}

}  // namespace

Result<TestPki> MakeTestPki() {
  char pattern[] = "/tmp/acta-pki-XXXXXX";
  if (mkdtemp(pattern) == nullptr) return MakeError(ErrorCode::kIo, "mkdtemp failed");
  TestPki pki;
  pki.dir = pattern;
  ACTA_RETURN_IF_ERROR(MakeCa(pki.dir, "ca"));
  ACTA_RETURN_IF_ERROR(MakeCa(pki.dir, "other-ca"));
  {
    std::ofstream ext(pki.dir + "/server.ext");
    ext << "basicConstraints=CA:FALSE\n"
           "keyUsage=critical,digitalSignature\n"
           "extendedKeyUsage=serverAuth\n"
           "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\n";
    if (!ext) return MakeError(ErrorCode::kIo, "cannot write server.ext");
  }
  ACTA_RETURN_IF_ERROR(Run(pki.dir,
                           "req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
                           "-keyout server.key -out server.csr -subj '/CN=127.0.0.1'"));
  ACTA_RETURN_IF_ERROR(Run(pki.dir,
                           "x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
                           "-days 2 -extfile server.ext -out server.pem"));
  pki.ca_cert = pki.dir + "/ca.pem";
  pki.other_ca_cert = pki.dir + "/other-ca.pem";
  pki.server_cert = pki.dir + "/server.pem";
  pki.server_key = pki.dir + "/server.key";
  return pki;
}

}  // namespace acta::http::testing
