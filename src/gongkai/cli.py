"""The `gongkai` command: Django's manage.py with Gongkai's settings."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    argv = argv if argv is not None else sys.argv
    if argv[1:2] == ["serve"]:
        # read by the settings: no debug pages, WhiteNoise, hashed static files
        os.environ["GONGKAI_SERVE"] = "1"
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
