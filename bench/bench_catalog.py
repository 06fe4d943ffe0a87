"""Benchmark of the public catalog and search: generate N items of township text, import, time the pages.

    .venv/bin/python bench/bench_catalog.py                 # 10,000 items, SQLite file var/bench/bench-10000.sqlite3
    .venv/bin/python bench/bench_catalog.py -n 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongkai_bench_10k .venv/bin/python bench/bench_catalog.py

The database must be a benchmark database (its name contains "bench"); it is migrated, filled once with N
items (a deterministic seed, so every run measures the same data) and reused by later runs with the same N.
Prints the import rate (insert + full-text indexing, items/s) and p50/p95 over repeated requests through
Django's test Client, then the command that reproduces the figures. Not a test: nothing here asserts.
"""

import argparse
import datetime as dt
import os
import platform
import random
import shlex
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

VILLAGES = [
    "渠口村",
    "六顷地村",
    "太沙村",
    "永光村",
    "平原村",
    "星火村",
    "丰庆村",
    "沿河村",
    "通伏村",
    "长胜村",
    "新星村",
    "礼和村",
    "镇朔村",
]
TOWNSHIPS = [
    "渠口乡",
    "通伏乡",
    "高庄乡",
    "陶乐镇",
    "头闸镇",
    "姚伏镇",
    "城关镇",
    "黄渠桥镇",
    "宝丰镇",
    "灵沙乡",
]
BENEFITS = [
    "最低生活保障",
    "特困人员救助供养",
    "临时救助",
    "高龄津贴",
    "残疾人两项补贴",
    "耕地地力保护补贴",
    "农村危房改造补助",
    "独生子女父母奖励扶助",
    "城乡居民医疗保险参保资助",
    "困难群众取暖补贴",
]
TASKS = [
    "人居环境整治",
    "防汛抗旱",
    "森林草原防火",
    "安全生产大检查",
    "秸秆禁烧",
    "春耕备耕",
    "秋粮收购",
    "征兵宣传",
    "城乡居民养老保险征缴",
    "医保集中缴费",
    "义务教育控辍保学",
    "乡村振兴衔接资金项目",
    "高标准农田建设",
    "农村饮水安全巡查",
    "扫黑除恶常态化",
    "移风易俗",
    "河湖长制巡河",
    "村级换届选举",
    "森林防火值班",
    "耕地保护田长制",
    "农村集体产权制度改革",
    "冬春农田水利基本建设",
]
PLANS = [
    "渠口乡突发事件总体应急预案",
    "渠口乡防汛抗旱应急预案",
    "农村人居环境整治提升五年行动方案",
    "村级小微权力清单",
    "社会救助经办规程",
    "乡村振兴衔接资金项目管理办法",
    "政府信息公开工作制度",
    "村务公开民主管理办法",
    "耕地保护网格化监管办法",
    "村级财务管理制度",
]
BUDGETS = ["部门预算", "部门决算", "三公经费预算", "三公经费决算", "政府采购意向", "财政衔接资金使用情况"]
SURNAMES = "王李张刘陈杨马赵黄周吴徐孙朱胡郭何高林罗"
RARE_WORD = "枸杞烘干"  # appears in about 1 item in 20,000: the "rare term" case
SENTENCES = [
    "为进一步做好{task}工作，切实保障群众合法权益，根据上级有关文件精神，结合我乡实际，现将有关事项通知如下。",
    "经村民代表大会评议、乡人民政府审核，{village}拟将{n}户{m}人纳入{benefit}保障范围。",
    "公示期间，如对公示对象有异议，可向乡民政办或{village}村民委员会反映，联系电话0952-68606{tail}。",
    "{village}党支部书记带领村两委班子成员深入田间地头，现场查看{task}推进情况，逐户了解群众诉求。",
    "乡党委、政府高度重视{task}工作，成立了由乡长任组长的工作领导小组，明确分管领导和责任人。",
    "本次共发放{benefit}资金{money}元，资金已通过\u201c一卡通\u201d系统直接发放到户，不存在截留挪用现象。",
    "各村要严格按照\u201c四议两公开\u201d工作法，认真组织入户核查，做到应保尽保、应退尽退。",
    "截至{month}月底，全乡累计完成{task}任务的{pct}%，其中{village}完成进度位居全乡前列。",
    "会议强调，要把{task}作为当前的重点工作抓紧抓实，压紧压实属地责任，确保各项措施落到实处。",
    "乡纪委将对{task}工作开展情况进行专项督查，对工作不力、推诿扯皮的严肃追责问责。",
    "下一步，我乡将继续聚焦{task}，强化部门协作，健全长效机制，不断提升群众的获得感和满意度。",
    "根据《中华人民共和国政府信息公开条例》第二十一条规定，现将{village}{benefit}对象名单予以公示。",
    "{village}村民{name}反映的灌溉渠道渗漏问题已于{month}月{day}日修复完毕，群众对处理结果表示满意。",
    "乡财政所对{year}年度{budget}进行了编制，收支总额{money}元，比上年增长{pct}%。",
    "本预案适用于我乡行政区域内发生的自然灾害、事故灾难、公共卫生事件和社会安全事件的应对工作。",
    "请各村于{month}月{day}日前将{task}工作开展情况报送乡党政办，逾期未报的予以通报。",
    "为推动{task}常态化长效化，乡政府组织开展集中宣传活动，发放宣传资料{n}00余份，受益群众{m}00余人。",
]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "-n", "--items", type=int, default=10_000, help="number of items (10k default; 100k, 1M)"
    )
    parser.add_argument("-r", "--repeat", type=int, default=40, help="timed requests per case")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--batch", type=int, default=5000, help="items per import transaction")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="import processes, each with its own connection (default 1). For PostgreSQL; on SQLite a second "
        "writer only queues on the write lock, and the WAL never gets to restart (it grew past 15 GB at 500k)",
    )
    return parser.parse_args(argv)


def configure(args):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    os.environ["GONGKAI_DEBUG"] = "0"  # DEBUG would record every query and slow everything down
    # The views themselves are timed: with the public-page cache on, every request after the first of a case is a
    # cache hit (bench/bench_http.py measures those).
    os.environ["GONGKAI_PAGE_CACHE_SECONDS"] = "0"
    os.environ.setdefault("GONGKAI_SQLITE_CACHE_MB", "64")  # the import's figures were measured with 64 MiB
    if not os.environ.get("DATABASE_URL"):
        path = ROOT / "var" / "bench" / f"bench-{args.items}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    import django

    django.setup()
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    if "bench" not in Path(name).name:
        sys.exit(
            f"refusing to run: database {name!r} is not a benchmark database (its name must contain 'bench')"
        )
    return connection


class Writer:
    """Realistic township items from templates and a vocabulary; deterministic for a seed."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def slots(self, year):
        r = self.rng
        return {
            "task": r.choice(TASKS),
            "village": r.choice(VILLAGES),
            "benefit": r.choice(BENEFITS),
            "budget": r.choice(BUDGETS),
            "plan": r.choice(PLANS),
            "year": year,
            "n": r.randint(2, 60),
            "m": r.randint(3, 150),
            "money": f"{r.randint(3, 900) * 1000 + r.randint(0, 999)}.{r.randint(0, 99):02d}",
            "pct": r.randint(30, 100),
            "month": r.randint(1, 12),
            "day": r.randint(1, 28),
            "tail": f"{r.randint(10, 99)}",
            "name": r.choice(SURNAMES) + "某某",
        }

    def item(self, kind, year):
        r = self.rng
        s = self.slots(year)
        quarter = r.randint(1, 4)
        titles = {
            "posting": [
                f"{s['village']}{year}年第{quarter}季度{s['benefit']}对象公示",
                f"{s['village']}{year}年{s['benefit']}资金发放情况公示",
                f"关于{s['task']}项目中标结果的公示",
            ],
            "notice": [
                f"关于做好{year}年{s['task']}工作的通知",
                f"关于开展{s['task']}的通知",
                f"关于{s['task']}有关事项的公告",
            ],
            "news": [
                f"扎实推进{s['task']}工作",
                f"召开{s['task']}工作推进会",
                f"{s['village']}开展{s['task']}活动",
            ],
            "document": [f"关于印发《{s['plan']}》的通知"],
            "interpretation": [f"《{s['plan']}》政策解读"],
            "other": [f"{year}年{s['budget']}公开"],
        }
        title = r.choice(titles[kind])
        sentences = [r.choice(SENTENCES).format(**self.slots(year)) for _ in range(r.randint(5, 12))]
        if r.random() < 1 / 20_000:
            sentences.append(f"{s['village']}{RARE_WORD}设备已安装调试完毕。")
        summary = sentences[0][:80]
        body = "".join(f"<p>{text}</p>" for text in sentences[1:])
        return title, summary, body


KINDS = (
    ["news"] * 40
    + ["notice"] * 25
    + ["posting"] * 20
    + ["document"] * 8
    + ["interpretation"] * 3
    + ["other"] * 4
)


def plan_items(args, orgs, county, entries):
    """Who publishes what and when, item by item: cheap, sequential and deterministic for the seed."""
    rng = random.Random(args.seed)
    first_day = dt.date(2019, 1, 1).toordinal()
    last_day = dt.date(2026, 11, 20).toordinal()
    serial = Counter()
    plan = []
    for number in range(args.items):
        organisation = orgs[1 + rng.randrange(len(orgs) - 1)] if rng.random() < 0.97 else county
        kind = rng.choice(KINDS)
        published_on = dt.date.fromordinal(rng.randint(first_day, last_day))
        serial[(organisation.pk, published_on.year)] += 1
        plan.append(
            (
                number,
                organisation.pk,
                kind,
                published_on,
                published_on - dt.timedelta(days=rng.randint(0, 10)),
                f"{organisation.code}/{published_on.year}-{serial[(organisation.pk, published_on.year)]:05d}",
                rng.choice(entries).pk if rng.random() < 0.6 else None,
                f"渠政发〔{published_on.year}〕{rng.randint(1, 120)}号" if kind == "document" else "",
            )
        )
    return plan


def import_share(args, plan, ready, done):
    """One import worker: write the texts of its share of the plan, wait for the start, import in batches.

    Each worker has its own database connection and transactions of `--batch` items, as a loader on a
    platform would. Texts come from a generator seeded per item, so the data do not depend on --workers.
    """
    from django.db import connections, transaction

    from gongkai.catalog.indexing import index_new
    from gongkai.catalog.models import CatalogEntry, Disclosure
    from gongkai.orgs.models import Organisation

    connections.close_all()  # never share the parent's connection
    organisations = {o.pk: o for o in Organisation.objects.all()}
    entries = {e.pk: e for e in CatalogEntry.objects.all()}
    texts = [Writer(args.seed * 7919 + item[0]).item(item[2], item[3].year) for item in plan]
    ready.wait()
    for start in range(0, len(plan), args.batch):
        rows = [
            Disclosure(
                organisation=organisations[org_id],
                title=title,
                summary=summary,
                body=body,
                kind=kind,
                index_no=index_no,
                written_on=written_on,
                published_on=published_on,
                status="published",
                catalog_entry=entries[entry_id] if entry_id else None,
                posting_days=7 if kind == "posting" else None,
                doc_no=doc_no,
            )
            for (_, org_id, kind, published_on, written_on, index_no, entry_id, doc_no), (
                title,
                summary,
                body,
            ) in zip(plan[start : start + args.batch], texts[start : start + args.batch], strict=True)
        ]
        with transaction.atomic():
            Disclosure.objects.bulk_create(rows, batch_size=1000)
            index_new(rows)
        done.put(len(rows))
    connections.close_all()


def generate(args, connection):
    import multiprocessing

    from django.db import connections

    from gongkai.catalog.models import CatalogArea, CatalogEntry, Disclosure
    from gongkai.orgs.models import Organisation, OrgKind
    from gongkai.orgs.services import org_insert

    county = Organisation.objects.filter(code="bench-county").first()
    if county is not None:
        existing = Disclosure.objects.filter(organisation__path__startswith=county.path).count()
        if existing != args.items:
            sys.exit(
                f"this database holds {existing} bench items, not {args.items}: use another database name"
            )
        return county, None
    county = org_insert(parent=None, kind=OrgKind.COUNTY, name="平罗县人民政府（测试）", code="bench-county")
    orgs = [county]
    for t, township_name in enumerate(TOWNSHIPS):
        township = org_insert(
            parent=county, kind=OrgKind.TOWNSHIP, name=f"{township_name}人民政府", code=f"bench-t{t}"
        )
        orgs.append(township)
        for v, village_name in enumerate(VILLAGES):
            orgs.append(
                org_insert(
                    parent=township,
                    kind=OrgKind.VILLAGE,
                    name=f"{township_name}{village_name}",
                    code=f"bench-t{t}-v{v}",
                )
            )
    areas = [
        CatalogArea.objects.get_or_create(name=name, defaults={"number": i + 1})[0]
        for i, name in enumerate(["社会救助", "乡村振兴", "财政预决算", "安全生产", "防灾减灾", "义务教育"])
    ]
    entries = [CatalogEntry.objects.create(area=area, level1=f"{area.name}信息") for area in areas]

    started = time.perf_counter()
    plan = plan_items(args, orgs, county, entries)
    connections.close_all()  # the workers are forked: each opens its own connection
    context = multiprocessing.get_context("fork")
    ready = context.Barrier(args.workers + 1)
    done = context.Queue()
    workers = [
        context.Process(target=import_share, args=(args, plan[w :: args.workers], ready, done))
        for w in range(args.workers)
    ]
    for worker in workers:
        worker.start()
    ready.wait()  # every worker has its texts: the import starts now
    generate_seconds = time.perf_counter() - started
    started = time.perf_counter()
    imported = 0
    while imported < args.items:
        imported += done.get()
        print(f"  imported {imported}/{args.items}", end="\r", file=sys.stderr, flush=True)
        if not any(w.is_alive() for w in workers) and done.empty() and imported < args.items:
            sys.exit("an import worker failed")
    for worker in workers:
        worker.join()
    import_seconds = time.perf_counter() - started
    print(file=sys.stderr)
    if connection.vendor == "postgresql":
        # VACUUM also empties the GIN pending list, which a bulk load fills (autovacuum would do it later).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
    return county, {
        "items": imported,
        "seconds": import_seconds,
        "rate": imported / import_seconds,
        "generate_seconds": generate_seconds,
        "workers": args.workers,
    }


def frequent_term(sample_size=2000):
    """The two-character token in the most documents, over a sample of the index."""
    from gongkai.search.models import SearchDocument

    counts = Counter()
    for title, body in SearchDocument.objects.order_by("-sort_key").values_list(
        "title_tokens", "body_tokens"
    )[:sample_size]:
        counts.update({t for t in f"{title} {body}".split() if len(t) == 2 and not t.isascii()})
    return counts.most_common(1)[0][0]


def timed(client, url, params, repeat, warmup=3):
    samples = []
    for i in range(warmup + repeat):
        p = params(i) if callable(params) else params
        u = url(i) if callable(url) else url
        started = time.perf_counter()
        response = client.get(u, p)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{u} {p} → {response.status_code}")
        if i >= warmup:
            samples.append(elapsed)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(round(0.95 * len(samples))) - 1)]
    return statistics.median(samples), p95


def measure(args, county, connection):
    from django.test import Client
    from django.urls import reverse

    from gongkai.orgs.models import Organisation
    from gongkai.portal.queries_catalog import cursor_for
    from gongkai.search.models import SearchDocument

    client = Client(SERVER_NAME="localhost")
    township = Organisation.objects.get(code="bench-t0")
    catalog = reverse("portal_catalog:catalog", args=[county.code])
    deep_offset = min(10_000, max(args.items - 40, 0))
    deep_key = SearchDocument.objects.order_by("-sort_key").values_list("sort_key", flat=True)[deep_offset]
    ids = list(
        SearchDocument.objects.order_by("-sort_key").values_list("disclosure_id", flat=True)[
            :: max(1, args.items // 200)
        ]
    )
    term = frequent_term()
    search = reverse("search:search")
    cases = [
        ("catalog page 1 (county, all items)", catalog, {}),
        (
            "catalog page 1 (one township + villages)",
            reverse("portal_catalog:catalog", args=[township.code]),
            {},
        ),
        (
            f"catalog deep page (cursor after item {deep_offset:,}, = page {deep_offset // 20 + 1})",
            catalog,
            {"after": cursor_for(deep_key)},
        ),
        ("catalog page 1, kind=公示, year=2024", catalog, {"kind": "posting", "year": "2024"}),
        (
            "item page (200 different items)",
            lambda i: reverse("portal_catalog:item", args=[ids[i % len(ids)]]),
            {},
        ),
        (f"search frequent term “{term}”, relevance", search, {"q": term}),
        (f"search frequent term “{term}”, by date", search, {"q": term, "order": "date"}),
        (f"search frequent term “{term}”, one township", search, {"q": term, "org": township.code}),
        (f"search rare term “{RARE_WORD[:2]}”", search, {"q": RARE_WORD[:2]}),
        ("search 4-character phrase “临时救助”", search, {"q": "临时救助"}),
        ("search two words “最低生活 公示”", search, {"q": "最低生活 公示"}),
        ("search no match “火星基地”", search, {"q": "火星基地"}),
    ]
    results = []
    for label, url, params in cases:
        p50, p95 = timed(client, url, params, args.repeat)
        results.append((label, p50, p95))
    return term, results


def main(argv=None):
    args = parse_args(argv)
    connection = configure(args)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    county, imported = generate(args, connection)

    from gongkai.search.models import SearchDocument

    indexed = SearchDocument.objects.filter(org_path__startswith=county.path).count()
    term, results = measure(args, county, connection)
    engine = f"{connection.vendor} {connection.Database.sqlite_version if connection.vendor == 'sqlite' else connection.pg_version}"
    print(
        f"\nGongkai catalog/search benchmark — {indexed:,} items, {engine}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {platform.machine()}"
    )
    if imported:
        print(
            f"import: {imported['items']:,} items in {imported['seconds']:.1f} s = {imported['rate']:,.0f} items/s "
            f"with {imported['workers']} worker(s) (insert + full-text indexing, wall clock; "
            f"text generation {imported['generate_seconds']:.1f} s not counted)"
        )
    else:
        print("import: (data already present; use a new database to measure the import rate)")
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average at the end (1/5/15 min): {load} — other work on the machine inflates the figures")
    print(f"{'case':<70} {'p50 ms':>8} {'p95 ms':>8}")
    for label, p50, p95 in results:
        print(f"{label:<70} {p50:8.1f} {p95:8.1f}")
    command = ".venv/bin/python bench/bench_catalog.py " + shlex.join(
        argv if argv is not None else sys.argv[1:]
    )
    if connection.vendor == "postgresql":
        command = f"DATABASE_URL=postgres://…/{connection.settings_dict['NAME']} " + command
    print(f"\nreproduce: {command.strip()}")


if __name__ == "__main__":
    main()
