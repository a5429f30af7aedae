#include "center/telemetry/geo_lookup.h"

#include <maxminddb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <filesystem>

namespace acta::telemetry {

struct MmdbGeoLookup::Db {
  MMDB_s mmdb{};
  ~Db() { MMDB_close(&mmdb); }
};

namespace {

// Finds the entry for `address`; false when the database has none (or the
// address is IPv6 and the database IPv4-only).
bool Lookup(const MMDB_s& mmdb, const boost::asio::ip::address& address, MMDB_entry_s& entry) {
  sockaddr_storage storage{};
  auto* sa = reinterpret_cast<sockaddr*>(&storage);
  boost::asio::ip::address a = address;
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    a = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6());
  }
  if (a.is_v4()) {
    auto* in = reinterpret_cast<sockaddr_in*>(&storage);
    in->sin_family = AF_INET;
    const auto bytes = a.to_v4().to_bytes();
    std::memcpy(&in->sin_addr, bytes.data(), bytes.size());
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&storage);
    in6->sin6_family = AF_INET6;
    const auto bytes = a.to_v6().to_bytes();
    std::memcpy(&in6->sin6_addr, bytes.data(), bytes.size());
  }
  int error = MMDB_SUCCESS;
  MMDB_lookup_result_s result = MMDB_lookup_sockaddr(&mmdb, sa, &error);
  if (error != MMDB_SUCCESS || !result.found_entry) return false;
  entry = result.entry;
  return true;
}

}  // namespace

Result<std::unique_ptr<MmdbGeoLookup::Db>> MmdbGeoLookup::OpenDb(const std::string& path) {
  // libmaxminddb reports a missing file and a directory alike as
  // MMDB_FILE_OPEN_ERROR; saying which is kinder to the operator.
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return MakeError(ErrorCode::kIo, "geolocation database " + path + ": no such file");
  }
  auto db = std::make_unique<MmdbGeoLookup::Db>();
  const int status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &db->mmdb);
  if (status != MMDB_SUCCESS) {
    // MMDB_open leaves nothing to close on failure.
    db->mmdb = MMDB_s{};
    const ErrorCode code = status == MMDB_FILE_OPEN_ERROR || status == MMDB_IO_ERROR ||
                                   status == MMDB_OUT_OF_MEMORY_ERROR
                               ? ErrorCode::kIo
                               : ErrorCode::kCorruption;
    return MakeError(code, "geolocation database " + path + ": " + MMDB_strerror(status));
  }
  return db;
}

Result<std::unique_ptr<MmdbGeoLookup>> MmdbGeoLookup::Open(const std::string& country_db,
                                                           const std::string& asn_db) {
  if (country_db.empty() && asn_db.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "no geolocation database given");
  }
  std::unique_ptr<MmdbGeoLookup> geo(new MmdbGeoLookup());
  if (!country_db.empty()) {
    auto db = OpenDb(country_db);
    if (!db) return std::unexpected(db.error());
    geo->country_ = std::move(*db);
  }
  if (!asn_db.empty()) {
    auto db = OpenDb(asn_db);
    if (!db) return std::unexpected(db.error());
    geo->asn_ = std::move(*db);
  }
  return geo;
}

MmdbGeoLookup::~MmdbGeoLookup() = default;

std::optional<std::string> MmdbGeoLookup::Country(const boost::asio::ip::address& address) const {
  if (!country_) return std::nullopt;
  MMDB_entry_s entry{};
  if (!Lookup(country_->mmdb, address, entry)) return std::nullopt;
  MMDB_entry_data_s data{};
  if (MMDB_get_value(&entry, &data, "country", "iso_code", nullptr) != MMDB_SUCCESS ||
      !data.has_data || data.type != MMDB_DATA_TYPE_UTF8_STRING || data.data_size == 0 ||
      data.data_size > 8) {
    return std::nullopt;
  }
  return std::string(data.utf8_string, data.data_size);
}

std::optional<std::string> MmdbGeoLookup::Asn(const boost::asio::ip::address& address) const {
  if (!asn_) return std::nullopt;
  MMDB_entry_s entry{};
  if (!Lookup(asn_->mmdb, address, entry)) return std::nullopt;
  MMDB_entry_data_s data{};
  if (MMDB_get_value(&entry, &data, "autonomous_system_number", nullptr) != MMDB_SUCCESS ||
      !data.has_data) {
    return std::nullopt;
  }
  uint64_t number = 0;
  switch (data.type) {
    case MMDB_DATA_TYPE_UINT16:
      number = data.uint16;
      break;
    case MMDB_DATA_TYPE_UINT32:
      number = data.uint32;
      break;
    case MMDB_DATA_TYPE_UINT64:
      number = data.uint64;
      break;
    default:
      return std::nullopt;
  }
  return "AS" + std::to_string(number);
}

}  // namespace acta::telemetry
