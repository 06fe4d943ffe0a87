"""The database cache's table is made wherever the schema is: after every `gongkai migrate` (post_migrate),
so the embedded default (settings.CACHES → DatabaseCache) works on a fresh instance, the demo and in tests."""

from django.core.management import call_command


def create_cache_table(sender, using="default", verbosity=1, **kwargs):
    # createcachetable only makes the tables of the DatabaseCache backends in settings.CACHES, once.
    call_command("createcachetable", database=using, verbosity=0)
