"""Pure text processing: bytes/strings in, data out. No Scrapy, network or database here."""
