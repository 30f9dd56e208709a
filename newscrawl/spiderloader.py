"""Spider loader that makes one spider per registry outlet.

``scrapy list`` shows every outlet key (plus ``news``, which takes ``-a outlets=a,b``);
``scrapy crawl <key>`` runs the generic ``NewsSpider`` for that outlet.
"""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.settings import BaseSettings

from newscrawl.envsettings import exit_usage
from newscrawl.outlets import RegistryError, load_registry
from newscrawl.spiders.news import NewsSpider


class OutletSpiderLoader:
    """Implements Scrapy's SpiderLoaderProtocol."""

    def __init__(self, settings: BaseSettings) -> None:
        try:
            self.outlets = load_registry(settings.get("NEWSCRAWL_OUTLETS_FILE") or None)
        except RegistryError as exc:
            exit_usage(str(exc))
        self._spiders: dict[str, type[Spider]] = {NewsSpider.name: NewsSpider}
        for key in self.outlets:
            self._spiders[key] = type(
                f"NewsSpider_{key}", (NewsSpider,), {"name": key, "default_outlets": (key,)}
            )

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> OutletSpiderLoader:
        return cls(settings)

    def load(self, spider_name: str) -> type[Spider]:
        try:
            return self._spiders[spider_name]
        except KeyError:
            raise KeyError(f"Spider not found: {spider_name}") from None

    def list(self) -> list[str]:
        return sorted(self._spiders)

    def find_by_request(self, request: Request) -> list[str]:
        return [key for key, outlet in self.outlets.items() if outlet.owns(request.url)]
