// Core formats and crypto: each acta operation beside the raw library call
// that bounds it (libsodium Ed25519 and BLAKE2b, OpenSSL SHA-256), on the
// same bytes, so bench/report.py can print our cost as a ratio of the limit.
// Benchmarks taking a shape argument run it for the typical acta (0) and the
// largest one (1); the label gives the message size.
#include <benchmark/benchmark.h>
#include <openssl/sha.h>
#include <sodium.h>

#include <string>
#include <vector>

#include "bench/bench_actas.h"
#include "core/acta.h"
#include "core/crypto.h"
#include "log/hasher.h"
#include "log/merkle.h"

namespace acta::bench {
namespace {

ActaShape Shape(const benchmark::State& state) { return static_cast<ActaShape>(state.range(0)); }

void Label(benchmark::State& state, size_t bytes) {
  state.SetLabel(std::string(ShapeName(Shape(state))) + " " + std::to_string(bytes) + " B");
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}

void BM_ActaEncode(benchmark::State& state) {
  const ActaBody body = SampleBody(Shape(state));
  size_t size = 0;
  for (auto _ : state) {
    auto bytes = EncodeActaBody(body);
    size = bytes->size();
    benchmark::DoNotOptimize(bytes);
  }
  Label(state, size + kSignatureSize);
}

void BM_ActaDecode(benchmark::State& state) {
  const Acta acta = SampleActa(Shape(state));
  for (auto _ : state) {
    auto decoded = DecodeActa(acta.bytes);
    benchmark::DoNotOptimize(decoded);
  }
  Label(state, acta.bytes.size());
}

void BM_ActaSign(benchmark::State& state) {
  const ActaBody body = SampleBody(Shape(state));
  const SigningKey key = BenchKey();
  size_t size = 0;
  for (auto _ : state) {
    auto acta = SignActa(body, key);
    size = acta->bytes.size();
    benchmark::DoNotOptimize(acta);
  }
  Label(state, size);
}

// crypto_sign_detached over the very message SignActa signs.
void BM_RawSodiumSign(benchmark::State& state) {
  const Acta acta = SampleActa(Shape(state));
  const Bytes message = acta.SignedMessage();
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  const Seed seed = BenchKey().seed();
  crypto_sign_seed_keypair(pk, sk, seed.data());
  unsigned char sig[crypto_sign_BYTES];
  for (auto _ : state) {
    crypto_sign_detached(sig, nullptr, message.data(), message.size(), sk);
    benchmark::DoNotOptimize(sig);
  }
  Label(state, acta.bytes.size());
}

void BM_ActaVerify(benchmark::State& state) {
  const Acta acta = SampleActa(Shape(state));
  const PublicKey key = BenchKey().public_key();
  for (auto _ : state) {
    bool ok = acta.VerifySignature(key);
    if (!ok) state.SkipWithError("signature did not verify");
    benchmark::DoNotOptimize(ok);
  }
  Label(state, acta.bytes.size());
}

// What a center does with an acta from the wire before its cheap checks:
// strict decode, then the signature.
void BM_ActaDecodeVerify(benchmark::State& state) {
  const Acta acta = SampleActa(Shape(state));
  const PublicKey key = BenchKey().public_key();
  for (auto _ : state) {
    auto decoded = DecodeActa(acta.bytes);
    bool ok = decoded && decoded->VerifySignature(key);
    if (!ok) state.SkipWithError("decode or verify failed");
    benchmark::DoNotOptimize(ok);
  }
  Label(state, acta.bytes.size());
}

void BM_RawSodiumVerify(benchmark::State& state) {
  const Acta acta = SampleActa(Shape(state));
  const Bytes message = acta.SignedMessage();
  const PublicKey key = BenchKey().public_key();
  for (auto _ : state) {
    int rc = crypto_sign_verify_detached(acta.signature.data(), message.data(), message.size(),
                                         key.data());
    if (rc != 0) state.SkipWithError("signature did not verify");
    benchmark::DoNotOptimize(rc);
  }
  Label(state, acta.bytes.size());
}

TransportKey BenchTransportKey() {
  TransportKey key;
  key.fill(0x7e);
  return key;
}

void BM_TransportMac(benchmark::State& state) {
  const Acta acta = SampleActa(Shape(state));
  const TransportKey key = DeriveTransportKey(BenchTransportKey(), 123456);
  for (auto _ : state) {
    Mac mac = ComputeMac(key, acta.bytes);
    benchmark::DoNotOptimize(mac);
  }
  Label(state, acta.bytes.size());
}

void BM_TransportMacVerify(benchmark::State& state) {
  const Acta acta = SampleActa(Shape(state));
  const TransportKey key = DeriveTransportKey(BenchTransportKey(), 123456);
  const Mac mac = ComputeMac(key, acta.bytes);
  for (auto _ : state) {
    bool ok = VerifyMac(key, acta.bytes, mac);
    benchmark::DoNotOptimize(ok);
  }
  Label(state, acta.bytes.size());
}

// Keyed BLAKE2b with a 16-byte output, as ComputeMac is.
void BM_RawSodiumGenericHash(benchmark::State& state) {
  const Acta acta = SampleActa(Shape(state));
  const TransportKey key = DeriveTransportKey(BenchTransportKey(), 123456);
  unsigned char out[kMacSize];
  for (auto _ : state) {
    crypto_generichash(out, sizeof out, acta.bytes.data(), acta.bytes.size(), key.data(),
                       key.size());
    benchmark::DoNotOptimize(out);
  }
  Label(state, acta.bytes.size());
}

void BM_DeriveTransportKey(benchmark::State& state) {
  const TransportKey master = BenchTransportKey();
  uint32_t table = 0;
  for (auto _ : state) {
    TransportKey key = DeriveTransportKey(master, table++);
    benchmark::DoNotOptimize(key);
  }
}

void BM_LeafHash(benchmark::State& state) {
  const Acta acta = SampleActa(Shape(state));
  for (auto _ : state) {
    Hash256 h = LeafHashOf(acta.bytes);
    benchmark::DoNotOptimize(h);
  }
  Label(state, acta.bytes.size());
}

// OpenSSL's one-shot SHA-256 over the same preimage, 0x00 || acta.
void BM_RawOpensslSha256(benchmark::State& state) {
  const Acta acta = SampleActa(Shape(state));
  Bytes preimage{0x00};
  preimage.insert(preimage.end(), acta.bytes.begin(), acta.bytes.end());
  unsigned char out[SHA256_DIGEST_LENGTH];
  for (auto _ : state) {
    SHA256(preimage.data(), preimage.size(), out);
    benchmark::DoNotOptimize(out);
  }
  Label(state, acta.bytes.size());
}

constexpr int64_t kAppendBatch = 1 << 16;

std::vector<Hash256> LeafHashes(size_t n) {
  std::vector<Hash256> leaves(n);
  for (size_t i = 0; i < n; ++i) {
    uint8_t entry[8];
    for (int b = 0; b < 8; ++b) entry[b] = static_cast<uint8_t>(i >> (8 * b));
    leaves[i] = log::HashLeaf(ByteSpan(entry, sizeof entry));
  }
  return leaves;
}

// Appends 65,536 leaf hashes one by one to a fresh tree; the figure is per
// leaf (items/s). A tree hashes about one node per leaf, amortised.
void BM_MerkleAppend(benchmark::State& state) {
  const std::vector<Hash256> leaves = LeafHashes(kAppendBatch);
  for (auto _ : state) {
    log::MerkleTree tree;
    for (const Hash256& leaf : leaves) tree.Append(leaf);
    benchmark::DoNotOptimize(tree.Root());
  }
  state.SetItemsProcessed(state.iterations() * kAppendBatch);
}

// One raw node hash, SHA-256(0x01 || left || right): the amortised limit of
// an append.
void BM_RawOpensslNodeHash(benchmark::State& state) {
  uint8_t preimage[65] = {0x01};
  unsigned char out[SHA256_DIGEST_LENGTH];
  for (auto _ : state) {
    SHA256(preimage, sizeof preimage, out);
    preimage[1] = out[0];
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_HashChildren(benchmark::State& state) {
  Hash256 left{}, right{};
  for (auto _ : state) {
    left = log::HashChildren(left, right);
    benchmark::DoNotOptimize(left);
  }
  state.SetItemsProcessed(state.iterations());
}

#define ACTA_SHAPES ->Arg(0)->Arg(1)
BENCHMARK(BM_ActaEncode) ACTA_SHAPES;
BENCHMARK(BM_ActaDecode) ACTA_SHAPES;
BENCHMARK(BM_ActaSign) ACTA_SHAPES;
BENCHMARK(BM_RawSodiumSign) ACTA_SHAPES;
BENCHMARK(BM_ActaVerify) ACTA_SHAPES;
BENCHMARK(BM_ActaDecodeVerify) ACTA_SHAPES;
BENCHMARK(BM_RawSodiumVerify) ACTA_SHAPES;
BENCHMARK(BM_TransportMac) ACTA_SHAPES;
BENCHMARK(BM_TransportMacVerify) ACTA_SHAPES;
BENCHMARK(BM_RawSodiumGenericHash) ACTA_SHAPES;
BENCHMARK(BM_DeriveTransportKey);
BENCHMARK(BM_LeafHash) ACTA_SHAPES;
BENCHMARK(BM_RawOpensslSha256) ACTA_SHAPES;
BENCHMARK(BM_MerkleAppend)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_HashChildren);
BENCHMARK(BM_RawOpensslNodeHash);

}  // namespace
}  // namespace acta::bench

int main(int argc, char** argv) {
  acta::InitCrypto();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
