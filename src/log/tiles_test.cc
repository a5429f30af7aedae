#include "log/tiles.h"

#include <gtest/gtest.h>

#include "log/hasher.h"

namespace acta::log {
namespace {

std::vector<Hash256> SequentialLeaves(size_t n) {
  std::vector<Hash256> leaves;
  leaves.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    Bytes entry;
    AppendU64(entry, i);
    leaves.push_back(HashLeaf(entry));
  }
  return leaves;
}

TEST(TilePathTest, SpecExamples) {
  EXPECT_EQ(TilePath({false, 0, 1234067, 256}), "tile/0/x001/x234/067");
  EXPECT_EQ(TilePath({false, 0, 1234067, 8}), "tile/0/x001/x234/067.p/8");
  EXPECT_EQ(TilePath({true, 0, 1234067, 256}), "tile/entries/x001/x234/067");
  EXPECT_EQ(TilePath({true, 0, 1234067, 255}), "tile/entries/x001/x234/067.p/255");
  EXPECT_EQ(TilePath({false, 0, 0, 256}), "tile/0/000");
  EXPECT_EQ(TilePath({false, 1, 0, 1}), "tile/1/000.p/1");
  EXPECT_EQ(TilePath({false, 2, 999, 256}), "tile/2/999");
  EXPECT_EQ(TilePath({false, 63, 1000, 256}), "tile/63/x001/000");
  EXPECT_EQ(TilePath({false, 0, 18446744073709551615u, 256}),
            "tile/0/x018/x446/x744/x073/x709/x551/615");
}

TEST(TilePathTest, ParseRoundTrips) {
  for (const TileId& t :
       {TileId{false, 0, 1234067, 256}, TileId{false, 0, 1234067, 8}, TileId{true, 0, 1234067, 256},
        TileId{true, 0, 0, 1}, TileId{false, 63, 1000, 255}, TileId{false, 10, 999999, 256},
        TileId{false, 0, 18446744073709551615u, 256}}) {
    auto parsed = ParseTilePath(TilePath(t));
    ASSERT_TRUE(parsed.has_value()) << TilePath(t) << ": " << parsed.error().ToString();
    EXPECT_EQ(*parsed, t) << TilePath(t);
  }
}

TEST(TilePathTest, ParseRejectsNonCanonicalPaths) {
  for (std::string_view bad : {
           "",
           "tile",
           "tile/",
           "tile/0",
           "tile/0/",
           "/tile/0/000",
           "tiles/0/000",
           "tile/00/000",
           "tile/01/000",
           "tile/64/000",
           "tile/-1/000",
           "tile/a/000",
           "tile/entry/000",
           "tile/0/67",
           "tile/0/0067",
           "tile/0/x067",
           "tile/0/x000/067",
           "tile/0/x001/234/567",
           "tile/0/001/x234",
           "tile/0/X001/234",
           "tile/0/x1000/000",
           "tile/0/x001/x234/067/",
           "tile/0/x018/x446/x744/x073/x709/x551/616",
           "tile/0/x001/x018/x446/x744/x073/x709/x551/615",
           "tile/0/000.p/0",
           "tile/0/000.p/256",
           "tile/0/000.p/08",
           "tile/0/000.p/",
           "tile/0/000.p/1x",
           "tile/0/000.p/1/",
           "tile/0/000.p",
           "tile/0/000.q/8",
           "tile/entries/000.p/256",
           "tile/entries/x000/000",
       }) {
    auto parsed = ParseTilePath(bad);
    ASSERT_FALSE(parsed.has_value()) << "accepted " << bad;
    EXPECT_EQ(parsed.error().code, ErrorCode::kMalformed) << bad;
  }
}

TEST(TilesTest, PartialWidths) {
  // The spec's example: a tree of 70,000 leaves.
  EXPECT_EQ(PartialTileWidth(0, 70000), 112u);
  EXPECT_EQ(PartialTileWidth(1, 70000), 17u);
  EXPECT_EQ(PartialTileWidth(2, 70000), 1u);
  EXPECT_EQ(PartialTileWidth(3, 70000), 0u);
  EXPECT_EQ(PartialTileWidth(0, 256), 0u);
  EXPECT_EQ(PartialTileWidth(1, 256), 1u);
  EXPECT_EQ(PartialTileWidth(63, 18446744073709551615u), 0u);
  EXPECT_EQ(PartialTileWidth(7, 18446744073709551615u), 255u);
}

TEST(TilesTest, TilesToPublishFromEmptyMatchesSpecExample) {
  // "273 full level 0 tiles, one partial level 0 tile of width 112, one full
  // level 1 tile, one partial level 1 tile of width 17, and one partial level
  // 2 tile of width 1", plus the entry bundles that mirror level 0.
  const auto tiles = TilesToPublish(0, 70000);
  ASSERT_EQ(tiles.size(), 274u + 274u + 2u + 1u);
  for (uint64_t n = 0; n < 273; ++n) {
    EXPECT_EQ(tiles[n], (TileId{true, 0, n, 256}));
    EXPECT_EQ(tiles[274 + n], (TileId{false, 0, n, 256}));
  }
  EXPECT_EQ(tiles[273], (TileId{true, 0, 273, 112}));
  EXPECT_EQ(tiles[547], (TileId{false, 0, 273, 112}));
  EXPECT_EQ(tiles[548], (TileId{false, 1, 0, 256}));
  EXPECT_EQ(tiles[549], (TileId{false, 1, 1, 17}));
  EXPECT_EQ(tiles[550], (TileId{false, 2, 0, 1}));

  // "a tree of size 256 will be represented by a full level 0 tile and a
  // partial level 1 tile of width 1."
  EXPECT_EQ(TilesToPublish(0, 256),
            (std::vector<TileId>{{true, 0, 0, 256}, {false, 0, 0, 256}, {false, 1, 0, 1}}));
}

TEST(TilesTest, TilesToPublishIncrementally) {
  EXPECT_TRUE(TilesToPublish(5, 5).empty());
  EXPECT_TRUE(TilesToPublish(6, 5).empty());
  EXPECT_EQ(TilesToPublish(0, 1), (std::vector<TileId>{{true, 0, 0, 1}, {false, 0, 0, 1}}));
  // Growing within one partial tile rewrites it wider.
  EXPECT_EQ(TilesToPublish(10, 20), (std::vector<TileId>{{true, 0, 0, 20}, {false, 0, 0, 20}}));
  // Completing a tile and starting the next; the level-1 tile is unchanged
  // from 256 to 300 (still one hash).
  EXPECT_EQ(TilesToPublish(250, 300), (std::vector<TileId>{{true, 0, 0, 256},
                                                           {true, 0, 1, 44},
                                                           {false, 0, 0, 256},
                                                           {false, 0, 1, 44},
                                                           {false, 1, 0, 1}}));
  EXPECT_EQ(TilesToPublish(256, 300), (std::vector<TileId>{{true, 0, 1, 44}, {false, 0, 1, 44}}));
  EXPECT_EQ(TilesToPublish(300, 512),
            (std::vector<TileId>{{true, 0, 1, 256}, {false, 0, 1, 256}, {false, 1, 0, 2}}));
}

class TileDataTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tree_ = new MerkleTree(MerkleTree::FromLeafHashes(SequentialLeaves(70000)));
  }
  static void TearDownTestSuite() {
    delete tree_;
    tree_ = nullptr;
  }
  static MerkleTree* tree_;
};
MerkleTree* TileDataTest::tree_ = nullptr;

TEST_F(TileDataTest, LevelZeroTilesHoldLeafHashes) {
  auto data = TileData(*tree_, 0, 3, 256);
  ASSERT_TRUE(data.has_value()) << data.error().ToString();
  auto hashes = ParseTileData(*data).value();
  ASSERT_EQ(hashes.size(), 256u);
  for (uint64_t i = 0; i < 256; ++i) EXPECT_EQ(hashes[i], tree_->LeafHash(3 * 256 + i).value());
  // A partial tile is a prefix of the full one.
  auto partial = TileData(*tree_, 0, 3, 10).value();
  EXPECT_EQ(partial, Bytes(data->begin(), data->begin() + 10 * 32));
}

TEST_F(TileDataTest, TileRootIsTheHashOneLevelUp) {
  // A tile is the bottom of a height-8 subtree: the Merkle root of its 256
  // hashes is hash n of the level above.
  for (uint64_t n : {0u, 1u, 100u, 255u, 256u, 272u}) {
    auto hashes = ParseTileData(TileData(*tree_, 0, n, 256).value()).value();
    EXPECT_EQ(MerkleTree::FromLeafHashes(hashes).Root(), tree_->HashAt(8, n).value()) << n;
  }
  auto level1_partial = ParseTileData(TileData(*tree_, 1, 1, 17).value()).value();
  for (uint64_t i = 0; i < 17; ++i) {
    EXPECT_EQ(level1_partial[i], tree_->HashAt(8, 256 + i).value()) << i;
  }
  const Hash256 root_65536 = tree_->RootAt(65536).value();
  auto level1 = ParseTileData(TileData(*tree_, 1, 0, 256).value()).value();
  EXPECT_EQ(MerkleTree::FromLeafHashes(level1).Root(), root_65536);
  EXPECT_EQ(TileData(*tree_, 2, 0, 1).value(), Bytes(root_65536.begin(), root_65536.end()));
  EXPECT_EQ(ParseTileData(TileData(*tree_, 1, 1, 17).value()).value()[16],
            tree_->HashAt(8, 272).value());
}

TEST_F(TileDataTest, TilesBeyondTheTreeAreNotFound) {
  EXPECT_TRUE(TileData(*tree_, 0, 273, 112).has_value());
  EXPECT_EQ(TileData(*tree_, 0, 273, 113).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(TileData(*tree_, 0, 273, 256).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(TileData(*tree_, 0, 274, 1).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(TileData(*tree_, 1, 1, 18).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(TileData(*tree_, 2, 0, 2).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(TileData(*tree_, 3, 0, 1).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(TileData(*tree_, 63, 0, 1).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(TileData(*tree_, 0, 18446744073709551615u, 1).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(TileData(*tree_, 64, 0, 1).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(TileData(*tree_, 0, 0, 0).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(TileData(*tree_, 0, 0, 257).error().code, ErrorCode::kInvalidArgument);
}

TEST(TileDataParseTest, RejectsBadSizes) {
  EXPECT_EQ(ParseTileData({}).error().code, ErrorCode::kMalformed);
  EXPECT_EQ(ParseTileData(Bytes(33)).error().code, ErrorCode::kMalformed);
  EXPECT_EQ(ParseTileData(Bytes(31)).error().code, ErrorCode::kMalformed);
  EXPECT_EQ(ParseTileData(Bytes(257 * 32)).error().code, ErrorCode::kMalformed);
  EXPECT_EQ(ParseTileData(Bytes(256 * 32)).value().size(), 256u);
}

TEST(EntryBundleTest, ExactEncoding) {
  const std::vector<Bytes> entries = {Bytes{}, Bytes{'a'}, Bytes(300, 0x5a)};
  auto bundle = EncodeEntryBundle(entries);
  ASSERT_TRUE(bundle.has_value());
  Bytes want = {0x00, 0x00, 0x00, 0x01, 'a', 0x01, 0x2c};
  want.insert(want.end(), 300, 0x5a);
  EXPECT_EQ(*bundle, want);
  EXPECT_EQ(ParseEntryBundle(*bundle).value(), entries);
}

TEST(EntryBundleTest, EntriesHashToTheLevelZeroTile) {
  std::vector<Bytes> entries;
  MerkleTree tree;
  for (int i = 0; i < 40; ++i) {
    entries.push_back(Bytes(static_cast<size_t>(i), static_cast<uint8_t>(i)));
    tree.Append(HashLeaf(entries.back()));
  }
  auto parsed = ParseEntryBundle(EncodeEntryBundle(entries).value()).value();
  auto tile = ParseTileData(TileData(tree, 0, 0, 40).value()).value();
  ASSERT_EQ(parsed.size(), tile.size());
  for (size_t i = 0; i < parsed.size(); ++i) EXPECT_EQ(HashLeaf(parsed[i]), tile[i]);
}

TEST(EntryBundleTest, Limits) {
  EXPECT_EQ(EncodeEntryBundle({}).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(EncodeEntryBundle(std::vector<Bytes>(257)).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(EncodeEntryBundle(std::vector<Bytes>{Bytes(65536)}).error().code,
            ErrorCode::kInvalidArgument);
  auto max_entry = EncodeEntryBundle(std::vector<Bytes>{Bytes(65535, 1)});
  ASSERT_TRUE(max_entry.has_value());
  EXPECT_EQ(ParseEntryBundle(*max_entry).value()[0].size(), 65535u);
  auto full = EncodeEntryBundle(std::vector<Bytes>(256));
  ASSERT_TRUE(full.has_value());
  EXPECT_EQ(full->size(), 512u);
  EXPECT_EQ(ParseEntryBundle(*full).value().size(), 256u);
}

TEST(EntryBundleTest, MalformedBundles) {
  EXPECT_EQ(ParseEntryBundle({}).error().code, ErrorCode::kMalformed);
  EXPECT_EQ(ParseEntryBundle(Bytes{0x00}).error().code, ErrorCode::kMalformed);
  EXPECT_EQ(ParseEntryBundle(Bytes{0x00, 0x02, 'a'}).error().code, ErrorCode::kMalformed);
  EXPECT_EQ(ParseEntryBundle(Bytes{0x00, 0x01, 'a', 0x00}).error().code, ErrorCode::kMalformed);
  EXPECT_EQ(ParseEntryBundle(Bytes{0xff, 0xff}).error().code, ErrorCode::kMalformed);
  EXPECT_EQ(ParseEntryBundle(Bytes(257 * 2)).error().code, ErrorCode::kMalformed);
  auto st = ParseEntryBundle(Bytes{0x00, 0x01, 'a', 0x00, 0x05, 'b'});
  EXPECT_EQ(st.error().message, "entry bundle: entry 1 truncated");
}

}  // namespace
}  // namespace acta::log
