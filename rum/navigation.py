"""The layout's list of resources, rendered once per mount point, language, set of readable
resources and current entry, and kept on the app (bounded), instead of on every page."""

from genshi.core import Markup

MAX_KEPT = 512  # mount points x languages x readable sets x current entries


class Navigation:
    """`navigation.html` (overridable like every page template) rendered per key and kept."""

    def __init__(self, renderer):
        self.renderer = renderer
        self._kept: dict[tuple, Markup] = {}

    def html(self, urls, translations, resources: list, current: str | None,
             recent_changes_url: str = "") -> Markup:
        """The navigation for `resources` (translated), `current` marked, under `urls`;
        a "Recent changes" entry when `recent_changes_url` is given."""
        key = (urls.root, translations.lang, tuple(r.name for r in resources), current,
               recent_changes_url)
        kept = None if self.renderer.auto_reload else self._kept.get(key)
        if kept is None:
            kept = Markup(self.renderer.fragment("navigation.html", {
                "urls": urls, "resources": resources, "menu_resource": current,
                "recent_changes_url": recent_changes_url},
                translations))
            if len(self._kept) >= MAX_KEPT:
                self._kept.clear()
            self._kept[key] = kept
        return kept
