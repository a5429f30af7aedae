#include "center/telemetry/geo_lookup.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "center/telemetry/telemetry.h"
#include "center/telemetry/testing/mmdb_writer.h"
#include "core/file.h"

namespace acta::telemetry {
namespace {

using boost::asio::ip::make_address;

class MmdbGeoLookupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("acta-geo-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const Bytes& bytes) {
    const std::string path = (dir_ / name).string();
    EXPECT_TRUE(WriteFileAtomic(path, bytes));
    return path;
  }

  // 203.0.113.0/24 VE AS8048, 198.51.100.0/25 BR (no ASN),
  // 2001:db8:100::/40 AS64500 (no country).
  std::string WriteTestDb() {
    testing::MmdbWriter w;
    EXPECT_TRUE(w.Insert("203.0.113.0/24", {.country_iso = "VE", .asn = 8048}));
    EXPECT_TRUE(w.Insert("198.51.100.0/25", {.country_iso = "BR", .asn = std::nullopt}));
    EXPECT_TRUE(w.Insert("2001:db8:100::/40", {.country_iso = std::nullopt, .asn = 64500}));
    return Write("test.mmdb", w.Build());
  }

  std::filesystem::path dir_;
};

TEST_F(MmdbGeoLookupTest, MissingFileIsAClearIoError) {
  const std::string path = (dir_ / "GeoLite2-Country.mmdb").string();
  auto geo = MmdbGeoLookup::Open(path, "");
  ASSERT_FALSE(geo);
  EXPECT_EQ(geo.error().code, ErrorCode::kIo);
  EXPECT_EQ(geo.error().message, "geolocation database " + path + ": no such file");
}

TEST_F(MmdbGeoLookupTest, NoPathIsInvalidArgument) {
  auto geo = MmdbGeoLookup::Open("", "");
  ASSERT_FALSE(geo);
  EXPECT_EQ(geo.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(MmdbGeoLookupTest, NotAnMmdbFileIsCorruption) {
  const std::string path = Write("junk.mmdb", Bytes(4096, 0x5a));
  auto geo = MmdbGeoLookup::Open(path, "");
  ASSERT_FALSE(geo);
  EXPECT_EQ(geo.error().code, ErrorCode::kCorruption);
  EXPECT_NE(geo.error().message.find(path), std::string::npos);
}

TEST_F(MmdbGeoLookupTest, LooksUpCountryAndAsn) {
  const std::string path = WriteTestDb();
  auto geo = MmdbGeoLookup::Open(path, path);
  ASSERT_TRUE(geo) << geo.error().ToString();
  const GeoLookup& g = **geo;
  EXPECT_EQ(g.Country(make_address("203.0.113.77")), "VE");
  EXPECT_EQ(g.Asn(make_address("203.0.113.77")), "AS8048");
  EXPECT_EQ(g.Country(make_address("::ffff:203.0.113.1")), "VE");
  EXPECT_EQ(g.Country(make_address("198.51.100.127")), "BR");
  EXPECT_EQ(g.Asn(make_address("198.51.100.127")), std::nullopt);
  EXPECT_EQ(g.Country(make_address("198.51.100.128")), std::nullopt);  // outside the /25
  EXPECT_EQ(g.Asn(make_address("2001:db8:1ff:1::5")), "AS64500");
  EXPECT_EQ(g.Country(make_address("2001:db8:1ff:1::5")), std::nullopt);
  EXPECT_EQ(g.Country(make_address("2001:db8:200::1")), std::nullopt);
  EXPECT_EQ(g.Country(make_address("192.0.2.1")), std::nullopt);
}

TEST_F(MmdbGeoLookupTest, CountryOnlyDatabaseGivesNoAsn) {
  const std::string path = WriteTestDb();
  auto geo = MmdbGeoLookup::Open(path, "");
  ASSERT_TRUE(geo);
  EXPECT_EQ((*geo)->Country(make_address("203.0.113.77")), "VE");
  EXPECT_EQ((*geo)->Asn(make_address("203.0.113.77")), std::nullopt);
}

TEST_F(MmdbGeoLookupTest, TelemetryCountsByCountryThroughTheRealReader) {
  const std::string path = WriteTestDb();
  auto geo = MmdbGeoLookup::Open(path, path);
  ASSERT_TRUE(geo);
  FakeClock clock;
  TelemetryOptions options;
  options.geo = geo->get();
  SecurityTelemetry t(clock, options);
  for (int i = 0; i < 30; ++i) t.Record("bad_mac", Lane::kTerminal, make_address("203.0.113.5"));
  for (int i = 0; i < 20; ++i) t.Record("malformed", Lane::kPublic, make_address("198.51.100.5"));
  for (int i = 0; i < 10; ++i) t.Record("malformed", Lane::kPublic, make_address("192.0.2.5"));
  const auto s = t.Snapshot();
  ASSERT_EQ(s.countries.size(), 2u);
  EXPECT_EQ(s.countries[0].key, "VE");
  EXPECT_EQ(s.countries[0].count, 30u);
  EXPECT_EQ(s.countries[1].key, "BR");
  EXPECT_EQ(s.countries[1].count, 20u);
  ASSERT_EQ(s.asns.size(), 1u);
  EXPECT_EQ(s.asns[0].key, "AS8048");
  EXPECT_EQ(s.top_networks[0].country, "VE");
  EXPECT_EQ(s.top_networks[2].country, std::nullopt);
}

}  // namespace
}  // namespace acta::telemetry
