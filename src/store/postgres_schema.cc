#include "store/postgres_schema.h"

#include <iterator>
#include <optional>
#include <string>

#include "store/store.h"

namespace acta::store::pg {
namespace {

// "actaSCHM": the advisory lock that serializes migrations in one database.
constexpr int64_t kMigrationLockKey = 0x616374615343484D;

struct Migration {
  int64_t version;  // the schema version after this migration
  const char* sql;
};

// Append-only: a released migration is never edited; a change of schema is a
// new entry. Same logical schema as SQLite (store/sqlite_schema.cc) plus
// log_head, the single row every sequencer locks so that two centers on one
// database can never fork the log. The triggers make "never deleted, never
// overwritten" a property of the database itself; RAISE EXCEPTION has
// SQLSTATE P0001, which PgError maps to kFailedPrecondition.
constexpr Migration kMigrations[] = {
    {1, R"sql(
CREATE FUNCTION acta_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', TG_ARGV[0];
END $$;

CREATE TABLE meta (
  key   TEXT  PRIMARY KEY,
  value BYTEA NOT NULL
);

CREATE TABLE accepted (
  id             BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- arrival order
  leaf_hash      BYTEA   NOT NULL UNIQUE CHECK (length(leaf_hash) = 32),
  table_id       BIGINT  NOT NULL CHECK (table_id BETWEEN 0 AND 4294967295),
  correction     BIGINT  NOT NULL CHECK (correction BETWEEN 0 AND 4294967295),
  bytes          BYTEA   NOT NULL,
  lane           BIGINT  NOT NULL CHECK (lane IN (0, 1)),
  received_at_ms BIGINT  NOT NULL CHECK (received_at_ms >= 0),
  receipt        BYTEA   NOT NULL,
  conflict       BOOLEAN NOT NULL,
  seq            BIGINT  UNIQUE CHECK (seq >= 0)
);
CREATE INDEX accepted_by_table ON accepted (table_id, id);
CREATE INDEX accepted_unsequenced ON accepted (id) WHERE seq IS NULL;

CREATE TRIGGER accepted_no_delete BEFORE DELETE ON accepted
  FOR EACH ROW EXECUTE FUNCTION acta_refuse('accepted actas are never deleted');
CREATE TRIGGER accepted_no_truncate BEFORE TRUNCATE ON accepted
  FOR EACH STATEMENT EXECUTE FUNCTION acta_refuse('accepted actas are never deleted');
CREATE TRIGGER accepted_immutable
  BEFORE UPDATE OF id, leaf_hash, table_id, correction, bytes, lane, received_at_ms, receipt,
                   conflict ON accepted
  FOR EACH ROW EXECUTE FUNCTION acta_refuse('accepted actas are never modified');
CREATE TRIGGER accepted_seq_once BEFORE UPDATE OF seq ON accepted
  FOR EACH ROW WHEN (OLD.seq IS NOT NULL)
  EXECUTE FUNCTION acta_refuse('a sequenced acta keeps its seq');

-- The log's size. Sequence locks this row (SELECT ... FOR UPDATE), checks
-- first_seq against it and advances it in the same transaction.
CREATE TABLE log_head (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  size BIGINT  NOT NULL CHECK (size >= 0)
);
INSERT INTO log_head (id, size) VALUES (1, 0);
CREATE TRIGGER log_head_no_delete BEFORE DELETE ON log_head
  FOR EACH ROW EXECUTE FUNCTION acta_refuse('the log head is never deleted');
CREATE TRIGGER log_head_no_truncate BEFORE TRUNCATE ON log_head
  FOR EACH STATEMENT EXECUTE FUNCTION acta_refuse('the log head is never deleted');
CREATE TRIGGER log_head_only_grows BEFORE UPDATE ON log_head
  FOR EACH ROW WHEN (NEW.size < OLD.size OR NEW.id <> OLD.id)
  EXECUTE FUNCTION acta_refuse('the log never shrinks');

CREATE TABLE checkpoints (
  id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- order of signing
  size          BIGINT NOT NULL CHECK (size >= 0),
  root          BYTEA  NOT NULL CHECK (length(root) = 32),
  note          BYTEA  NOT NULL,  -- the signed note's exact bytes, no encoding conversion
  created_at_ms BIGINT NOT NULL CHECK (created_at_ms >= 0)
);
CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
  FOR EACH ROW EXECUTE FUNCTION acta_refuse('checkpoints are never deleted');
CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION acta_refuse('checkpoints are never deleted');
CREATE TRIGGER checkpoints_immutable BEFORE UPDATE ON checkpoints
  FOR EACH ROW EXECUTE FUNCTION acta_refuse('checkpoints are never modified');
)sql"},
    {2, R"sql(
-- The tree head's root (issue #15): a fenced Sequence compares and swaps
-- (size, root), so a sequencer whose tree is not the store's cannot extend
-- the log. NULL when the last Sequence was unfenced and had no checkpoint.
-- Within one size the root may only be learned, never changed.
ALTER TABLE log_head ADD COLUMN root BYTEA CHECK (root IS NULL OR length(root) = 32);
CREATE TRIGGER log_head_root_fixed BEFORE UPDATE ON log_head
  FOR EACH ROW WHEN (NEW.size = OLD.size AND OLD.root IS NOT NULL
                     AND NEW.root IS DISTINCT FROM OLD.root)
  EXECUTE FUNCTION acta_refuse('the log head root changes only when the log grows');
)sql"},
    {3, R"sql(
-- Witness cosignatures of stored checkpoints (issue #16), one per
-- (size, root, witness): every center node serves the same cosigned note.
CREATE TABLE cosignatures (
  size    BIGINT NOT NULL CHECK (size >= 0),
  root    BYTEA  NOT NULL CHECK (length(root) = 32),
  witness BIGINT NOT NULL CHECK (witness BETWEEN 0 AND 4294967295),
  line    BYTEA  NOT NULL,  -- the signature line's exact bytes
  PRIMARY KEY (size, root, witness)
);
CREATE INDEX checkpoints_by_size ON checkpoints (size, root);
CREATE TRIGGER cosignatures_no_delete BEFORE DELETE ON cosignatures
  FOR EACH ROW EXECUTE FUNCTION acta_refuse('cosignatures are never deleted');
CREATE TRIGGER cosignatures_no_truncate BEFORE TRUNCATE ON cosignatures
  FOR EACH STATEMENT EXECUTE FUNCTION acta_refuse('cosignatures are never deleted');
CREATE TRIGGER cosignatures_immutable BEFORE UPDATE ON cosignatures
  FOR EACH ROW EXECUTE FUNCTION acta_refuse('cosignatures are never modified');
)sql"},
};

}  // namespace

int64_t CurrentSchemaVersion() { return std::end(kMigrations)[-1].version; }

Status MigrateSchema(Connection& db) {
  ACTA_RETURN_IF_ERROR(
      db.Query("SELECT pg_advisory_xact_lock($1)", Params().Int8(kMigrationLockKey)));
  // schema_version belongs to the migration machinery, not to any migration,
  // so it exists from the first Initialize on.
  ACTA_RETURN_IF_ERROR(
      db.Exec("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)"));
  auto rows = db.Query("SELECT version FROM schema_version");
  if (!rows) return std::unexpected(std::move(rows).error());
  if (rows->Rows() > 1) {
    return MakeError(ErrorCode::kCorruption,
                     "schema_version has " + std::to_string(rows->Rows()) + " rows");
  }
  int64_t version = 0;
  if (rows->Rows() == 0) {
    ACTA_RETURN_IF_ERROR(db.Exec("INSERT INTO schema_version (version) VALUES (0)"));
  } else {
    auto stored = rows->Int8(0, 0);
    if (!stored) return std::unexpected(std::move(stored).error());
    version = *stored;
  }
  ACTA_RETURN_IF_ERROR(CheckSchemaNotNewer(version, CurrentSchemaVersion()));
  for (const Migration& migration : kMigrations) {
    if (migration.version <= version) continue;
    ACTA_RETURN_IF_ERROR(db.Exec(migration.sql));
    ACTA_RETURN_IF_ERROR(
        db.Query("UPDATE schema_version SET version = $1", Params().Int8(migration.version)));
  }
  return Ok();
}

}  // namespace acta::store::pg
