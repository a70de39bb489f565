"""shopops: e-commerce operations analytics from the operator's own exports.

The package is layered; a module imports only from layers to its left::

    backends -> ingest -> warehouse -> metrics -> analyses -> reports -> cli / web

Quick start (Python)::

    >>> from shopops.project import Project            # doctest: +SKIP
    >>> project = Project.init("myshop")                 # doctest: +SKIP
    >>> project.import_files(["orders.csv"], kind="orders", source="tmall", store="tmall_flagship")  # doctest: +SKIP
"""

__version__ = "0.1.0"
