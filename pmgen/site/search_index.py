"""A whole search index after a dirty rebuild (`pmgen serve`, issue 12).

A dirty rebuild renders only the pages whose source changed, and the search plugin
indexes only what it renders. Material keeps the previous index for one rebuilt page
(its own "dirty reload" case); saving a plan changes several pages (the track, its
sprint, the dashboard, the board), so the plugin keeps the entries of every page itself
and hands the search plugin the whole index before it is written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

Entries = dict[str, list[dict[str, Any]]]


def _index(config: MkDocsConfig) -> Any | None:
    """Material's search plugin's index of this build, if that is the search plugin."""
    for plugin in config.plugins.values():
        index = getattr(plugin, "search_index", None)
        if index is not None and isinstance(getattr(index, "entries", None), list) and hasattr(
                plugin, "search_index_prev"):
            return plugin
    return None


def complete(config: MkDocsConfig, previous: Entries, built: set[str],
             pages: set[str]) -> Entries:
    """Set the search plugin's entries to those of the pages just ``built`` plus, for
    every other page in ``pages``, its entries from ``previous``; return them by page."""
    plugin = _index(config)
    if plugin is None:
        return previous
    fresh: Entries = {}
    for entry in plugin.search_index.entries:
        fresh.setdefault(str(entry.get("location", "")).split("#", 1)[0], []).append(entry)
    merged = {page: entries for page, entries in previous.items()
              if page in pages and page not in built}
    merged.update(fresh)
    plugin.search_index.entries = [entry for entries in merged.values() for entry in entries]
    plugin.search_index_prev = None  # the whole index is given: no merge of its own
    return merged
