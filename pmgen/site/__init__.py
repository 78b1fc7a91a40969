"""The site: plain functions that turn plans, history and bundles into Markdown pages.

``pmgen.site.pages`` builds the pages; ``pmgen.site.plugin`` hands them to MkDocs and
``pmgen pages --out DIR`` writes them to disk for any engine that reads a docs folder.
"""
