"""`gongkai self_check`: the daily inspection self-check of every organisation (or one, with --org).

--links     also run the link checker (links to GONGKAI_SITE_URL only, bounded by --link-limit and --timeout)
--digest    send each organisation's findings to its staff by e-mail and to its work-group robots (企业微信/钉钉,
            through the channels outbox, once per robot and ISO week) — run weekly: the weekly digest
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gongkai.orgs.models import Organisation
from gongkai.supervision import digest, links, queries, services


class Command(BaseCommand):
    help = "Run the inspection self-check (daily); --digest e-mails the findings to the staff (weekly)."

    def add_arguments(self, parser):
        parser.add_argument("--org", help="the code of one organisation (default: every organisation)")
        parser.add_argument("--links", action="store_true", help="run the link checker first")
        parser.add_argument("--link-limit", type=int, default=links.DEFAULT_LIMIT)
        parser.add_argument("--timeout", type=float, default=links.DEFAULT_TIMEOUT)
        parser.add_argument(
            "--digest", action="store_true", help="e-mail the findings to each organisation's staff"
        )

    def handle(self, *args, **options):
        today = timezone.localdate()
        organisations = Organisation.objects.order_by("path")
        if options["org"]:
            organisations = organisations.filter(code=options["org"])
            if not organisations.exists():
                raise CommandError(f"no organisation with code {options['org']!r}")
        sent = robots = 0
        for organisation in organisations:
            if options["links"]:
                services.links_check(
                    organisation=organisation,
                    today=today,
                    limit=options["link_limit"],
                    timeout=options["timeout"],
                )
            findings = queries.self_check(organisation, today=today)
            failing = sum(1 for f in findings if f.level == "failing")
            self.stdout.write(f"{organisation.code}\t{failing} failing\t{len(findings) - failing} warning")
            for f in findings:
                self.stdout.write(f"  [{f.level_label}] {f.label}：{f.subject}（{f.fails_on:%Y-%m-%d}）")
            if options["digest"] and findings:
                sent += digest.send(organisation, findings, today=today)
                robots += digest.send_to_robots(organisation, findings, today=today)
        if options["digest"]:
            self.stdout.write(f"digest sent to {sent} recipient(s), queued to {robots} robot(s)")
