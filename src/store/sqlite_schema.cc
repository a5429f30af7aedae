#include "store/sqlite_schema.h"

#include <iterator>
#include <optional>
#include <string>

#include "store/store.h"

namespace acta::store::sqlite {
namespace {

struct Migration {
  int64_t version;  // the schema version after this migration
  const char* sql;
};

// Append-only: a released migration is never edited; a change of schema is a
// new entry. The triggers make "never deleted, never overwritten" a property
// of the database itself, not only of this code.
constexpr Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE accepted (
  id             INTEGER PRIMARY KEY,  -- arrival order
  leaf_hash      BLOB    NOT NULL UNIQUE CHECK (length(leaf_hash) = 32),
  table_id       INTEGER NOT NULL CHECK (table_id BETWEEN 0 AND 4294967295),
  correction     INTEGER NOT NULL CHECK (correction BETWEEN 0 AND 4294967295),
  bytes          BLOB    NOT NULL,
  lane           INTEGER NOT NULL CHECK (lane IN (0, 1)),
  received_at_ms INTEGER NOT NULL CHECK (received_at_ms >= 0),
  receipt        BLOB    NOT NULL,
  conflict       INTEGER NOT NULL CHECK (conflict IN (0, 1)),
  seq            INTEGER UNIQUE CHECK (seq >= 0)
);
CREATE INDEX accepted_by_table ON accepted (table_id, id);
CREATE INDEX accepted_unsequenced ON accepted (id) WHERE seq IS NULL;

CREATE TRIGGER accepted_no_delete BEFORE DELETE ON accepted
BEGIN SELECT RAISE(ABORT, 'accepted actas are never deleted'); END;
CREATE TRIGGER accepted_immutable
BEFORE UPDATE OF id, leaf_hash, table_id, correction, bytes, lane, received_at_ms, receipt, conflict
ON accepted
BEGIN SELECT RAISE(ABORT, 'accepted actas are never modified'); END;
CREATE TRIGGER accepted_seq_once BEFORE UPDATE OF seq ON accepted WHEN OLD.seq IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a sequenced acta keeps its seq'); END;

CREATE TABLE checkpoints (
  id            INTEGER PRIMARY KEY,  -- order of signing
  size          INTEGER NOT NULL CHECK (size >= 0),
  root          BLOB    NOT NULL CHECK (length(root) = 32),
  note          TEXT    NOT NULL,
  created_at_ms INTEGER NOT NULL CHECK (created_at_ms >= 0)
);
CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are never deleted'); END;
CREATE TRIGGER checkpoints_immutable BEFORE UPDATE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are never modified'); END;
)sql"},
    {2, R"sql(
-- Witness cosignatures of stored checkpoints (issue #16), one per
-- (size, root, witness): a restarted center serves what it collected.
CREATE TABLE cosignatures (
  size    INTEGER NOT NULL CHECK (size >= 0),
  root    BLOB    NOT NULL CHECK (length(root) = 32),
  witness INTEGER NOT NULL CHECK (witness BETWEEN 0 AND 4294967295),
  line    TEXT    NOT NULL,
  PRIMARY KEY (size, root, witness)
) WITHOUT ROWID;
CREATE INDEX checkpoints_by_size ON checkpoints (size, root);
CREATE TRIGGER cosignatures_no_delete BEFORE DELETE ON cosignatures
BEGIN SELECT RAISE(ABORT, 'cosignatures are never deleted'); END;
CREATE TRIGGER cosignatures_immutable BEFORE UPDATE ON cosignatures
BEGIN SELECT RAISE(ABORT, 'cosignatures are never modified'); END;
)sql"},
    {3, R"sql(
-- The seq column's UNIQUE index holds the unsequenced rows too (seq NULL,
-- in rowid order), so "WHERE seq IS NULL ORDER BY id" is a range of it and
-- this partial index only cost an insert and a delete per acta (#21).
DROP INDEX accepted_unsequenced;
)sql"},
};

}  // namespace

int64_t CurrentSchemaVersion() { return std::end(kMigrations)[-1].version; }

Status MigrateSchema(Connection& db) {
  // schema_version belongs to the migration machinery, not to any migration,
  // so it exists from the first open on.
  ACTA_RETURN_IF_ERROR(
      db.Exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"));
  std::optional<int64_t> stored;
  {  // scoped so the statement is reset before any DDL runs
    auto select = db.Prepare("SELECT version FROM schema_version");
    if (!select) return std::unexpected(std::move(select).error());
    auto row = select->Step();
    if (!row) return std::unexpected(std::move(row).error());
    if (*row) stored = select->Int(0);
  }
  if (!stored) ACTA_RETURN_IF_ERROR(db.Exec("INSERT INTO schema_version (version) VALUES (0)"));
  const int64_t version = stored.value_or(0);
  ACTA_RETURN_IF_ERROR(CheckSchemaNotNewer(version, CurrentSchemaVersion()));
  for (const Migration& migration : kMigrations) {
    if (migration.version <= version) continue;
    ACTA_RETURN_IF_ERROR(db.Exec(migration.sql));
    auto update = db.Prepare("UPDATE schema_version SET version = ?");
    if (!update) return std::unexpected(std::move(update).error());
    update->BindInt(1, migration.version);
    ACTA_RETURN_IF_ERROR(update->Run());
  }
  return Ok();
}

}  // namespace acta::store::sqlite
