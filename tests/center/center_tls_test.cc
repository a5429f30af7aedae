// The center end to end over TLS, with a throwaway CA made by the test.
#include "center/http/testing/test_ca.h"
#include "core/receipt.h"
#include "tests/center/center_fixture.h"

namespace acta::testing {
namespace {

class CenterTlsTest : public CenterFixture {};

TEST_F(CenterTlsTest, TerminalGetsAReceiptOverHttps) {
  auto pki = http::testing::MakeTestPki();
  ASSERT_TRUE(pki) << pki.error().ToString();
  StopCenter();
  center::CenterOptions o = Options();
  o.tls = http::TlsFiles{pki->server_cert, pki->server_key};
  auto c = center::Center::Start(o, clock_);
  ASSERT_TRUE(c) << c.error().ToString();

  http::HttpClientOptions trusted;
  trusted.base_url = "https://127.0.0.1:" + std::to_string((*c)->ingest_port());
  trusted.ca_file = pki->ca_cert;
  auto client = http::HttpClient::Create(trusted);
  ASSERT_TRUE(client);
  Acta acta = TruthActa(0);
  Mac mac = ComputeMac(DeriveTransportKey(synth_->election.transport_master, acta.body.table_id),
                       acta.bytes);
  auto r = (*client)->Post("/v1/actas", acta.bytes, {{"Acta-Mac", Base64Encode(mac)}});
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->status, 201);
  auto receipt = Receipt::Decode(r->body);
  ASSERT_TRUE(receipt);
  EXPECT_TRUE(receipt->Verify(manifest_->centers[0]));

  // A client that trusts another CA refuses the center's certificate.
  http::HttpClientOptions untrusted = trusted;
  untrusted.ca_file = pki->other_ca_cert;
  auto other = http::HttpClient::Create(untrusted);
  ASSERT_TRUE(other);
  auto refused = (*other)->Post("/v1/actas", acta.bytes, {});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);

  // The public listener speaks TLS too.
  http::HttpClientOptions pub = trusted;
  pub.base_url = "https://127.0.0.1:" + std::to_string((*c)->public_port());
  auto reader = http::HttpClient::Create(pub);
  ASSERT_TRUE(reader);
  auto cp = (*reader)->Get("/checkpoint");
  ASSERT_TRUE(cp);
  EXPECT_EQ(cp->status, 200);
  (*c)->Stop();
}

}  // namespace
}  // namespace acta::testing
