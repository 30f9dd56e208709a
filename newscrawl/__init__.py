"""newscrawl: clean, deduplicated Polish news articles from Scrapy into MongoDB."""

__version__ = "0.1.0"
