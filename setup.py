# Everything is in pyproject.toml. This file exists because `scrapyd-deploy` builds its egg
# with `python setup.py bdist_egg`, and writes a setup.py of its own (wrong name, no package
# data, tests in the egg) when there is none.
from setuptools import setup

setup()
