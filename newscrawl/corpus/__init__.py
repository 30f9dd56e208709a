"""The corpus side, pure logic: near-duplicate fingerprints, story assignment, export records.

Its MongoDB queries live in ``newscrawl/store/corpus.py``.
"""
