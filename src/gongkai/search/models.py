import dataclasses
import datetime as dt

from django.db import models

from gongkai.orgs.models import Organisation

EPOCH = dt.date(1970, 1, 1)
KEY_SCALE = 10_000_000_000  # room for ten billion disclosure ids per day


def sort_key_for(published_on: dt.date, disclosure_id: int) -> int:
    """One integer that orders like (published_on desc, id desc) when sorted descending.

    It is the FTS5 rowid and the PostgreSQL btree key, so "newest first" is an index walk on both engines.
    """
    return (published_on - EPOCH).days * KEY_SCALE + disclosure_id


ORG_LEVELS = 6  # province, city, county, township, village, and one more below


def sort_key_bounds(first: dt.date, last: dt.date) -> tuple[int, int]:
    return (first - EPOCH).days * KEY_SCALE, (last - EPOCH).days * KEY_SCALE + KEY_SCALE - 1


# Columns carried at the end of the subtree indexes (see SearchDocument.Meta).
COVERED = ["kind", "area", "visible_from", "posting_ends_on", "disclosure"]


class SearchDocument(models.Model):
    """One row per public disclosure: the public listing index and the full-text document.

    The tokens are space-separated (tokens.tokens_for_document), so that an engine's plain word splitter
    indexes each CJK bigram as a term. `tags` holds the filter terms (丨o<org id> for the organisation and
    each ancestor, 丨k<kind>, 丨a<area id>, 丨y<year>; see services.tag).
    SQLite: the FTS5 table search_fts (external content, rowid = sort_key); services.store_documents adds
    entries, triggers remove them (migrations 0002, 0003). Insert rows only through services.
    PostgreSQL: a generated tsvector column `tsv` with a GIN index. Both are created in migration 0002.
    """

    # By name, not by import: search sits below the catalog (it is told what to index; see services.IndexItem).
    disclosure = models.OneToOneField(
        "catalog.Disclosure", on_delete=models.CASCADE, related_name="search_document"
    )
    # No single-column indexes on the two foreign keys: the (…, sort_key) indexes below serve them.
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", db_index=False)
    org_path = models.CharField(max_length=255)
    # The organisation's ancestor at each depth (itself at its own), so that "newest in this subtree" is a
    # walk of one (org_lN, sort_key) index on both engines instead of a filtered walk of every row.
    org_l0 = models.BigIntegerField(null=True, blank=True)
    org_l1 = models.BigIntegerField(null=True, blank=True)
    org_l2 = models.BigIntegerField(null=True, blank=True)
    org_l3 = models.BigIntegerField(null=True, blank=True)
    org_l4 = models.BigIntegerField(null=True, blank=True)
    org_l5 = models.BigIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=20)
    area = models.ForeignKey(
        "catalog.CatalogArea",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    year = models.PositiveSmallIntegerField()
    published_on = models.DateField()
    sort_key = models.BigIntegerField(unique=True)
    visible_from = models.DateTimeField(null=True, blank=True)
    posting_ends_on = models.DateField(null=True, blank=True)  # the last day of a 公示期 (catalog.posting)
    title_tokens = models.TextField(blank=True)
    body_tokens = models.TextField(blank=True)
    tags = models.TextField(blank=True)

    class Meta:
        verbose_name = "检索文档"
        verbose_name_plural = "检索文档"
        # The subtree indexes also hold what a column reads besides the order (COVERED), so that its counts by
        # 目录 area, its current 公示 and its list pages are read from the index alone: at a million items a
        # township's area counts read 100,000 rows of ~6 kB and took 2–3 s; from the index, milliseconds
        # (docs/performance.md, issue 16).
        indexes = [
            models.Index(fields=["organisation", "-sort_key", *COVERED], name="searchdoc_org_order"),
            *[
                models.Index(fields=[f"org_l{n}", "-sort_key", *COVERED], name=f"searchdoc_l{n}_order")
                for n in range(ORG_LEVELS)
            ],
            models.Index(fields=["kind", "-sort_key"], name="searchdoc_kind_order"),
            models.Index(fields=["area", "-sort_key"], name="searchdoc_area_order"),
        ]

    def __str__(self):
        return f"检索文档 #{self.disclosure_id}"


class Synonym(models.Model):
    """A word as the public writes it and a word the items use: 低宝 → 低保 (a miswriting), 医保 ↔ 医疗保险 (two
    names of one thing). A search for `word` also finds `means` (and, both ways, the reverse): synonyms widen a
    query, never narrow it (queries.expand_phrases).

    `organisation` None: the platform's own additions (a superuser's), which apply everywhere; otherwise the
    organisation's, which apply to searches of it and of its subtree. Edited in the office (search/views.py) by
    the organisation's 管理员 through services.synonym_save / synonym_delete. The built-in defaults
    (BUILT_IN_SYNONYMS) apply everywhere too; they live in code, not rows, so that a new instance has them
    and a restore into an empty instance finds this table empty.
    """

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name="机构"
    )
    word = models.CharField("检索词", max_length=20)
    means = models.CharField("同时检索", max_length=20)
    both_ways = models.BooleanField(
        "双向", default=False, help_text="两个词说的是同一件事（如 医保 ↔ 医疗保险）"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "同义词"
        verbose_name_plural = "同义词"
        ordering = ["word", "means"]
        indexes = [models.Index(fields=["organisation", "word"], name="search_synonym_org_word")]

    def __str__(self):
        return f"{self.word}{'↔' if self.both_ways else '→'}{self.means}"


@dataclasses.dataclass(frozen=True)
class BuiltInSynonym:
    word: str
    means: str
    both_ways: bool = False
    organisation = None


# Words the public writes for what the items say: a one-way entry corrects a miswriting or an old name (it is
# also offered as “您要找的是不是”); a two-way one joins two names of one thing. They only widen a search.
BUILT_IN_SYNONYMS = [
    BuiltInSynonym("低宝", "低保"),
    BuiltInSynonym("底保", "低保"),
    BuiltInSynonym("低包", "低保"),
    BuiltInSynonym("五包", "五保"),
    BuiltInSynonym("公式", "公示"),
    BuiltInSynonym("危房改建", "危房改造"),
    BuiltInSynonym("危改", "危房改造"),
    BuiltInSynonym("危旧房改造", "危房改造", both_ways=True),
    BuiltInSynonym("低保", "最低生活保障", both_ways=True),
    BuiltInSynonym("医保", "医疗保险", both_ways=True),
    BuiltInSynonym("新农合", "城乡居民医保"),  # merged into 城乡居民基本医疗保险 (国发〔2016〕3号)
    BuiltInSynonym("新农合", "新型农村合作医疗", both_ways=True),
    BuiltInSynonym("特困供养", "特困人员救助供养", both_ways=True),
    BuiltInSynonym("五保", "特困人员"),  # 五保供养 became 特困人员救助供养 (国发〔2016〕14号)
    BuiltInSynonym("残疾人补贴", "残疾人两项补贴", both_ways=True),
    BuiltInSynonym("养老金", "养老保险"),
]
