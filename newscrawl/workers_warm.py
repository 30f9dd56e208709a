"""Imported by the text workers' fork server (``newscrawl.workers.PRELOAD``): loads the
text stage and runs it once, so that every worker forked from it starts warm (language
model, date parsers) and shares that memory with the others."""

from newscrawl.workers import warm_up

warm_up()
