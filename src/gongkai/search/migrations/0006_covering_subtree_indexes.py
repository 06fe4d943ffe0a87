# The subtree indexes (organisation and org_l0…org_l5, each with sort_key) also carry the columns a column page
# reads besides the order, so its area counts, current 公示 and list pages are index-only (docs/performance.md).

from django.db import migrations, models

COVERED = ["kind", "area", "visible_from", "posting_ends_on", "disclosure"]
LEADING = {"searchdoc_org_order": "organisation", **{f"searchdoc_l{n}_order": f"org_l{n}" for n in range(6)}}


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0007_disclosure_channel_targets"),
        ("orgs", "0005_organisation_is_disclosure_organ"),
        ("search", "0005_synonym"),
    ]

    operations = [
        *[migrations.RemoveIndex(model_name="searchdocument", name=name) for name in LEADING],
        *[
            migrations.AddIndex(
                model_name="searchdocument",
                index=models.Index(fields=[leading, "-sort_key", *COVERED], name=name),
            )
            for name, leading in LEADING.items()
        ],
    ]
