// Writes the seed corpora under fuzz/corpus/<target>/: a few valid inputs
// per parser, all from fixed seeds so that rerunning gives the same files.
//   fuzz_make_corpus <fuzz/corpus directory>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/counts_file.h"
#include "core/acta.h"
#include "core/file.h"
#include "core/receipt.h"
#include "fuzz/fuzz_support.h"
#include "log/checkpoint.h"
#include "log/note.h"
#include "log/tiles.h"
#include "photo/testing/degrade.h"

namespace acta::fuzz {
namespace {

class CorpusWriter {
 public:
  explicit CorpusWriter(std::filesystem::path root) : root_(std::move(root)) {}

  void Add(const std::string& target, const std::string& name, ByteSpan data) {
    auto dir = root_ / target;
    std::filesystem::create_directories(dir);
    if (auto st = WriteFileAtomic((dir / name).string(), data); !st) {
      std::fprintf(stderr, "make_corpus: %s\n", st.error().ToString().c_str());
      std::exit(1);
    }
  }
  void Add(const std::string& target, const std::string& name, std::string_view text) {
    Add(target, name, AsBytes(text));
  }

 private:
  std::filesystem::path root_;
};

template <typename T>
T Must(Result<T> r) {
  if (!r) {
    std::fprintf(stderr, "make_corpus: %s\n", r.error().ToString().c_str());
    std::exit(1);
  }
  return std::move(*r);
}

std::vector<Acta> SampleActas(const Manifest& m) {
  const SigningKey key = SigningKey::FromSeed(FixedSeed(0x10));
  ActaBody small;
  small.election_id = m.election_id;
  small.table_id = 10;
  small.closing_time = 1796510000;
  small.ballots_cast = 412;
  small.contests = {{{150, 130, 110}, 12, 10}, {{200, 190}, 12, 10}};

  ActaBody minimal = small;
  minimal.table_id = 0;
  minimal.closing_time = 0;
  minimal.ballots_cast = 0;
  minimal.contests = {{{0}, 0, 0}};

  ActaBody large = small;  // many contests, multi-byte varints, a correction
  large.correction = 3;
  large.ballots_cast = 4'000'000'000u;
  large.contests.assign(kMaxContests, ContestCounts{{128, 16384, 1u << 21, 0, 1}, 300, 70000});

  std::vector<Acta> out;
  for (const ActaBody& b : {small, minimal, large}) out.push_back(Must(SignActa(b, key)));
  return out;
}

void Run(const std::filesystem::path& root) {
  InitCrypto();
  CorpusWriter w(root);
  const Manifest m = SmallManifest();
  const std::vector<Acta> actas = SampleActas(m);

  for (size_t i = 0; i < actas.size(); ++i) {
    const std::string n = "seed-" + std::to_string(i);
    w.Add("acta_decode", n, actas[i].bytes);
    w.Add("acta_text", n, ActaToText(actas[i]));
    w.Add("base45", n, Base45Encode(actas[i].bytes));
  }
  w.Add("acta_text", "seed-newline", ActaToText(actas[0]) + "\r\n");

  const std::string json = m.ToJson();
  Bytes manifest_input(json.begin(), json.end());
  manifest_input.push_back(0);
  const Bytes tables = m.EncodeTables();
  manifest_input.insert(manifest_input.end(), tables.begin(), tables.end());
  w.Add("manifest", "seed-0", manifest_input);

  const NamedSigningKey center = NamedSigningKey::From("fuzz-center", FixedSeed(0xc1));
  const Receipt receipt = Receipt::Sign(m.election_id, actas[0].LeafHash(), 1796510000123, center);
  w.Add("receipt", "seed-0", receipt.Encode());

  w.Add("base45", "seed-rfc9285", "BB8");  // "AB" in RFC 9285
  w.Add("base64", "seed-0", Base64Encode(actas[0].bytes));
  w.Add("base64", "seed-1", "YQ==");
  w.Add("base64", "seed-2", "YWI=");
  // First byte: where the request is split between two reads.
  const std::string post =
      "POST /v1/actas HTTP/1.1\r\nHost: center\r\nActa-Mac: " + Base64Encode(Bytes(16, 0x5a)) +
      "\r\nContent-Length: " + std::to_string(actas[0].bytes.size()) + "\r\n\r\n" +
      std::string(AsChars(actas[0].bytes));
  w.Add("http_request", "seed-post", "\x20" + post);
  w.Add("http_request", "seed-get", "\x05GET /healthz HTTP/1.1\r\nHost: c\r\n\r\n");
  w.Add("http_request", "seed-chunked",
        "\x30POST /v1/actas HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
        "Expect: 100-continue\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
  // The fast path's seeds: no split byte, the request as sent.
  w.Add("http_fast_request", "seed-post", post);
  w.Add("http_fast_request", "seed-get",
        "GET /v1/bulletin?x=1 HTTP/1.1\r\nHost: c\r\nConnection: close\r\n"
        "X-Empty:\r\nAccept:  */* \t\r\n\r\n");
  w.Add("http_fast_request", "seed-head",
        "HEAD / HTTP/1.1\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n");
  w.Add("hex", "seed-0", HexEncode(m.election_id));
  w.Add("hex", "seed-1", "DEADbeef");

  const log::Checkpoint cp0{log::LogOrigin(m.election_id), 0, Sha256(ByteSpan()), {}};
  const log::Checkpoint cp1{log::LogOrigin(m.election_id), 1234567, actas[0].LeafHash(), {"ext"}};
  const std::string note0 = log::SignCheckpoint(cp0, center);
  const std::string note1 = log::SignCheckpoint(cp1, center);
  const NamedSigningKey witness = NamedSigningKey::From("fuzz-witness", FixedSeed(0xd1));
  auto cosigned = Must(log::ParseNote(note1));
  auto witness_note = Must(log::ParseNote(Must(log::SignNote(cosigned.text, witness))));
  cosigned.signatures.push_back(witness_note.signatures[0]);
  w.Add("checkpoint", "seed-0", note0);
  w.Add("checkpoint", "seed-1", note1);
  w.Add("checkpoint", "seed-2", log::FormatNote(cosigned));
  w.Add("checkpoint", "seed-text", log::CheckpointText(cp1));
  w.Add("note", "seed-0", Must(log::SignNote("hello\nworld\n", center)));
  w.Add("note", "seed-1", log::FormatNote(cosigned));

  const log::TileId tiles[] = {{false, 0, 0, 256},
                               {false, 1, 1234067, 8},
                               {true, 0, 1000, 256},
                               {true, 0, 7, 3},
                               {false, 63, 1u << 30, 1}};
  for (size_t i = 0; i < std::size(tiles); ++i) {
    w.Add("tile_path", "seed-" + std::to_string(i), log::TilePath(tiles[i]));
  }

  std::vector<Bytes> entries;
  for (const Acta& a : actas) entries.push_back(a.bytes);
  w.Add("entry_bundle", "seed-0", Must(log::EncodeEntryBundle(entries)));
  Bytes tile_data;
  for (const Acta& a : actas) {
    const Hash256 h = a.LeafHash();
    tile_data.insert(tile_data.end(), h.begin(), h.end());
  }
  w.Add("entry_bundle", "seed-tile", tile_data);

  w.Add("counts_file", "seed-0", cli::CountsToJson(actas[0].body, m));
  w.Add("counts_file", "seed-1",
        R"({"ballots_cast":3,"contests":{"mayor":{"blank":0,"null":1,"votes":{"m1":1,"m2":1}},)"
        R"("president":{"votes":{"p1":0,"p2":3,"p3":0},"blank":0,"null":0}}})");

  // Small photos of a QR code in each format, with and without EXIF.
  const qr::GrayImage code = qr::Render(Must(qr::Encode(ActaToText(actas[0]))), 1, 2);
  w.Add("photo_decode", "seed-jpeg", Must(photo::testing::EncodeJpeg(code, 70)));
  w.Add("photo_decode", "seed-jpeg-exif6", Must(photo::testing::EncodeJpeg(code, 70, 6)));
  w.Add("photo_decode", "seed-webp-exif3", Must(photo::testing::EncodeWebp(code, 70, 3)));
  w.Add("photo_decode", "seed-png", Must(qr::EncodePng(code)));

  w.Add("audit_files", "seed-hand", "table,p1,p2,p3\n10,60,30,5\n11,0,100,0\n");
  w.Add("audit_files", "seed-reported",
        "table,region,region_name,state,registered,ballots,error_bound,p1,p2,p3\n"
        "10,XX-1,\"School, One\",counted,110,100,93052,60,30,5\n"
        "11,XX-1,School,uncounted,90,0,0,0,0,0\n");
  w.Add("audit_files", "seed-json",
        R"({"format":"acta-audit-v1","election_id":")" + std::string(64, 'a') +
            R"(","contest":"president","risk_limit":"0.05","seed":"31415926535897932384",)"
            R"("checkpoint":{"size":2,"root":")" +
            std::string(64, 'b') + R"(","note":"n"}})");
}

}  // namespace
}  // namespace acta::fuzz

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_make_corpus <fuzz/corpus directory>\n");
    return 2;
  }
  acta::fuzz::Run(argv[1]);
  return 0;
}
