// Offline IP geolocation for the attack telemetry: which country and which
// autonomous system an address belongs to. Optional: without a database the
// telemetry counts by network only.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <memory>
#include <optional>
#include <string>

#include "core/error.h"

namespace acta::telemetry {

// Thread-safety: implementations must allow concurrent calls.
class GeoLookup {
 public:
  virtual ~GeoLookup() = default;
  // ISO 3166-1 alpha-2 code ("VE"), or nullopt when unknown.
  virtual std::optional<std::string> Country(const boost::asio::ip::address& address) const = 0;
  // "AS8048", or nullopt when unknown.
  virtual std::optional<std::string> Asn(const boost::asio::ip::address& address) const = 0;
};

// Reads MaxMind DB (MMDB v2) files through libmaxminddb: a country database
// (GeoLite2-Country / GeoIP2-Country / DB-IP country lite: the
// country.iso_code field) and an ASN database (GeoLite2-ASN: the
// autonomous_system_number field). Either path may be empty, and both may
// name the same file when one database carries both fields. The files are
// memory-mapped once; lookups are lock-free and thread-safe.
class MmdbGeoLookup final : public GeoLookup {
 public:
  // Errors: kInvalidArgument when both paths are empty; kIo when a file is
  // missing or unreadable; kCorruption when it is not a valid MMDB file. The
  // message names the file.
  static Result<std::unique_ptr<MmdbGeoLookup>> Open(const std::string& country_db,
                                                     const std::string& asn_db);
  ~MmdbGeoLookup() override;

  std::optional<std::string> Country(const boost::asio::ip::address& address) const override;
  std::optional<std::string> Asn(const boost::asio::ip::address& address) const override;

 private:
  struct Db;
  MmdbGeoLookup() = default;
  static Result<std::unique_ptr<Db>> OpenDb(const std::string& path);
  std::unique_ptr<Db> country_;
  std::unique_ptr<Db> asn_;
};

}  // namespace acta::telemetry
