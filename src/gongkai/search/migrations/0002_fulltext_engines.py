"""The engine-specific half of the search index: FTS5 on SQLite, a GIN-indexed tsvector on PostgreSQL."""

from django.db import migrations

SQLITE_FORWARD = [
    # External content: FTS5 keeps only the inverted index; the text stays in search_searchdocument.
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        title_tokens, body_tokens, tags,
        content='search_searchdocument', content_rowid='sort_key', tokenize='unicode61'
    )""",
    """CREATE TRIGGER search_doc_ai AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts(rowid, title_tokens, body_tokens, tags)
        VALUES (new.sort_key, new.title_tokens, new.body_tokens, new.tags);
    END""",
    """CREATE TRIGGER search_doc_ad AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_tokens, body_tokens, tags)
        VALUES ('delete', old.sort_key, old.title_tokens, old.body_tokens, old.tags);
    END""",
    """CREATE TRIGGER search_doc_au AFTER UPDATE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_tokens, body_tokens, tags)
        VALUES ('delete', old.sort_key, old.title_tokens, old.body_tokens, old.tags);
        INSERT INTO search_fts(rowid, title_tokens, body_tokens, tags)
        VALUES (new.sort_key, new.title_tokens, new.body_tokens, new.tags);
    END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_doc_au",
    "DROP TRIGGER IF EXISTS search_doc_ad",
    "DROP TRIGGER IF EXISTS search_doc_ai",
    "DROP TABLE IF EXISTS search_fts",
]

POSTGRES_FORWARD = [
    # Title as weight A, body as B, filter tags (丨o12, 丨knews, …) as D. Queries use no weight restriction:
    # that would force a recheck of every candidate's tsvector; the tags cannot collide with text tokens.
    """ALTER TABLE search_searchdocument ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, title_tokens), 'A')
        || setweight(to_tsvector('simple'::regconfig, body_tokens), 'B')
        || to_tsvector('simple'::regconfig, tags)
    ) STORED""",
    "CREATE INDEX search_doc_tsv ON search_searchdocument USING gin (tsv)",
    # A search reads the tsvector of each candidate (ranking, phrase recheck). Kept in the row (MAIN, target
    # 8160) and lz4-compressed it reads 2-3 times faster than pglz chunks in the TOAST table.
    "ALTER TABLE search_searchdocument SET (toast_tuple_target = 8160)",
    "ALTER TABLE search_searchdocument ALTER COLUMN tsv SET STORAGE MAIN",
    """DO $$ BEGIN
        ALTER TABLE search_searchdocument ALTER COLUMN tsv SET COMPRESSION lz4;
    EXCEPTION WHEN feature_not_supported OR invalid_parameter_value OR syntax_error THEN
        RAISE NOTICE 'lz4 not available: tsv stays pglz-compressed';
    END $$""",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS search_doc_tsv",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS tsv",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
