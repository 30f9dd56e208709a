"""Scrapy commands of a pip-installed newscrawl, run from any folder (``scrapy.commands``
entry points, see pyproject.toml).

Outside the project folder there is no scrapy.cfg, so Scrapy loads no project settings:
these commands load ``newscrawl.settings`` themselves (``MONGO_URI``, ``NEWSCRAWL_*`` … from
the environment as usual). Inside the project Scrapy finds the plain classes through
``COMMANDS_MODULE``. (``corpus-stats`` lives in a module whose name has a dash, because
Scrapy names a command after its module; entry points need an importable name.)
"""

from __future__ import annotations

import argparse
from importlib import import_module

from scrapy.commands import ScrapyCommand


def _with_newscrawl_settings(command: type[ScrapyCommand]) -> type[ScrapyCommand]:
    class Command(command):  # type: ignore[valid-type,misc]
        def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
            assert self.settings is not None
            if self.settings.get("BOT_NAME") != "newscrawl":
                self.settings.setmodule("newscrawl.settings", priority="project")
            super().process_options(args, opts)

    Command.__doc__ = command.__doc__
    return Command


CorpusStats = _with_newscrawl_settings(import_module("newscrawl.commands.corpus-stats").Command)
Export = _with_newscrawl_settings(import_module("newscrawl.commands.export").Command)
Outlets = _with_newscrawl_settings(import_module("newscrawl.commands.outlets").Command)
ReplaySpill = _with_newscrawl_settings(import_module("newscrawl.commands.replay-spill").Command)
Reprocess = _with_newscrawl_settings(import_module("newscrawl.commands.reprocess").Command)
Runs = _with_newscrawl_settings(import_module("newscrawl.commands.runs").Command)
