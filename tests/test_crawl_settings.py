"""The Scrapy settings of a crawl: what is switched off is not even loaded.

Scrapy imports every component named in its component settings, even one set to None, before
the component can say that it is disabled; the remote control brings aiohttp (when installed)
and the cookies middleware tldextract, about 140 ms of every crawl's start-up between them.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from scrapy.settings import default_settings

from newswatch.config import CrawlConfig
from newswatch.runner import crawl_settings
from newswatch.settings import NOT_LOADED

COMPONENT_SETTINGS = ("EXTENSIONS", "DOWNLOADER_MIDDLEWARES")
LOCAL = CrawlConfig()
SHARED_FRONTIER = replace(CrawlConfig(), redis_url="redis://127.0.0.1:6379/0")


def scrapy_base(setting: str) -> dict[str, int]:
    return dict(getattr(default_settings, f"{setting}_BASE"))


#: came with Scrapy 2.19; the releases down to the lower bound (2.15) do not name it
NEWER_THAN_THE_LOWER_BOUND = {"scrapy.extensions.remote_control.RemoteControl"}


def test_what_is_left_out_is_still_a_scrapy_component() -> None:
    named = set(scrapy_base("EXTENSIONS")) | set(scrapy_base("DOWNLOADER_MIDDLEWARES"))
    assert named >= NOT_LOADED - NEWER_THAN_THE_LOWER_BOUND


@pytest.mark.parametrize("crawl", [LOCAL, SHARED_FRONTIER], ids=["local", "shared frontier"])
def test_components_that_are_switched_off_are_not_named_at_all(crawl: CrawlConfig) -> None:
    settings = crawl_settings(crawl, log_file=None, quiet=True)
    for setting in COMPONENT_SETTINGS:
        assert not NOT_LOADED & set(settings.getwithbase(setting)), setting


@pytest.mark.parametrize("setting", COMPONENT_SETTINGS)
def test_every_other_scrapy_component_keeps_its_place(setting: str) -> None:
    settings = crawl_settings(LOCAL, log_file=None, quiet=True)
    kept = {path: order for path, order in scrapy_base(setting).items() if path not in NOT_LOADED}
    assert dict(settings.getdict(f"{setting}_BASE")) == kept


def test_the_switched_off_settings_agree() -> None:
    settings = crawl_settings(LOCAL, log_file=None, quiet=True)
    for name in ("COOKIES_ENABLED", "HTTPCACHE_ENABLED", "TELNETCONSOLE_ENABLED"):
        assert settings.getbool(name) is False, name
    assert settings.getbool("REMOTE_CONTROL_ENABLED", False) is False


def test_the_shared_frontier_keeps_its_worker_extension() -> None:
    extensions = crawl_settings(SHARED_FRONTIER, log_file=None, quiet=True).getwithbase(
        "EXTENSIONS"
    )
    assert extensions["newswatch.frontier.scrapy_adapter.FrontierWorker"] == 500
