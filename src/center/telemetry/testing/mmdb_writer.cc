#include "center/telemetry/testing/mmdb_writer.h"

#include <boost/asio/ip/address.hpp>

namespace acta::telemetry::testing {
namespace {

// MMDB data field types (MaxMind DB spec, "Output Data Section").
constexpr int kTypeUtf8 = 2;
constexpr int kTypeUint16 = 5;
constexpr int kTypeUint32 = 6;
constexpr int kTypeMap = 7;
constexpr int kTypeUint64 = 9;
constexpr int kTypeArray = 11;

void Control(Bytes& out, int type, size_t size) {
  // Sizes below 29 fit the control byte; acta's test data never needs more.
  const uint8_t low = static_cast<uint8_t>(size);
  if (type <= 7) {
    out.push_back(static_cast<uint8_t>(type << 5 | low));
  } else {
    out.push_back(low);
    out.push_back(static_cast<uint8_t>(type - 7));
  }
}

void String(Bytes& out, std::string_view s) {
  Control(out, kTypeUtf8, s.size());
  out.insert(out.end(), s.begin(), s.end());
}

void Unsigned(Bytes& out, int type, uint64_t v) {
  Bytes be;
  while (v != 0) {
    be.insert(be.begin(), static_cast<uint8_t>(v & 0xff));
    v >>= 8;
  }
  Control(out, type, be.size());
  out.insert(out.end(), be.begin(), be.end());
}

Bytes EncodeRecord(const MmdbRecord& r) {
  Bytes out;
  Control(out, kTypeMap, (r.country_iso ? 1 : 0) + (r.asn ? 1 : 0));
  if (r.country_iso) {
    String(out, "country");
    Control(out, kTypeMap, 1);
    String(out, "iso_code");
    String(out, *r.country_iso);
  }
  if (r.asn) {
    String(out, "autonomous_system_number");
    Unsigned(out, kTypeUint32, *r.asn);
  }
  return out;
}

void Put24(Bytes& out, uint32_t v) {
  out.push_back(static_cast<uint8_t>(v >> 16));
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}

}  // namespace

Status MmdbWriter::Insert(const std::string& cidr, const MmdbRecord& record) {
  const size_t slash = cidr.find('/');
  if (slash == std::string::npos) return MakeError(ErrorCode::kInvalidArgument, "no prefix length");
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(cidr.substr(0, slash), ec);
  if (ec) return MakeError(ErrorCode::kInvalidArgument, "bad address in " + cidr);
  int length = std::stoi(cidr.substr(slash + 1));
  std::array<uint8_t, 16> bits{};
  if (address.is_v4()) {
    const auto b = address.to_v4().to_bytes();
    std::copy(b.begin(), b.end(), bits.begin() + 12);
    length += 96;
  } else {
    bits = address.to_v6().to_bytes();
  }
  if (length < 1 || length > 128) return MakeError(ErrorCode::kInvalidArgument, "bad length");
  records_.push_back(record);
  uint32_t node = 0;
  for (int i = 0; i < length; ++i) {
    const int bit = (bits[i / 8] >> (7 - i % 8)) & 1;
    if (i == length - 1) {
      nodes_[node].child[bit] = Record{Record::kData, static_cast<uint32_t>(records_.size() - 1)};
      break;
    }
    Record& r = nodes_[node].child[bit];
    if (r.kind == Record::kData) return MakeError(ErrorCode::kInvalidArgument, "overlap");
    if (r.kind == Record::kEmpty) {
      nodes_.push_back(Node{});
      nodes_[node].child[bit] = Record{Record::kNode, static_cast<uint32_t>(nodes_.size() - 1)};
    }
    node = nodes_[node].child[bit].value;
  }
  return Ok();
}

Bytes MmdbWriter::Build() const {
  Bytes data;
  std::vector<uint32_t> offsets;
  for (const MmdbRecord& r : records_) {
    offsets.push_back(static_cast<uint32_t>(data.size()));
    const Bytes encoded = EncodeRecord(r);
    data.insert(data.end(), encoded.begin(), encoded.end());
  }
  const uint32_t node_count = static_cast<uint32_t>(nodes_.size());
  Bytes out;
  for (const Node& n : nodes_) {
    for (const Record& r : n.child) {
      switch (r.kind) {
        case Record::kEmpty:
          Put24(out, node_count);
          break;
        case Record::kNode:
          Put24(out, r.value);
          break;
        case Record::kData:
          Put24(out, node_count + 16 + offsets[r.value]);
          break;
      }
    }
  }
  out.insert(out.end(), 16, 0);  // the data section separator
  out.insert(out.end(), data.begin(), data.end());
  const std::string marker = "\xAB\xCD\xEFMaxMind.com";
  out.insert(out.end(), marker.begin(), marker.end());
  Bytes meta;
  Control(meta, kTypeMap, 9);
  String(meta, "binary_format_major_version");
  Unsigned(meta, kTypeUint16, 2);
  String(meta, "binary_format_minor_version");
  Unsigned(meta, kTypeUint16, 0);
  String(meta, "build_epoch");
  Unsigned(meta, kTypeUint64, 1'800'000'000);
  String(meta, "database_type");
  String(meta, "acta-test");
  String(meta, "description");
  Control(meta, kTypeMap, 0);
  String(meta, "ip_version");
  Unsigned(meta, kTypeUint16, 6);
  String(meta, "languages");
  Control(meta, kTypeArray, 0);
  String(meta, "node_count");
  Unsigned(meta, kTypeUint32, node_count);
  String(meta, "record_size");
  Unsigned(meta, kTypeUint16, 24);
  out.insert(out.end(), meta.begin(), meta.end());
  return out;
}

}  // namespace acta::telemetry::testing
