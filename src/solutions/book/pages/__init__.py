"""One module per book page: ``values()`` (the glue keys) and ``show(style)`` (the terminal text).

A page imports only its own module, so the book's cache guard re-executes it
only when the code behind that answer changes.
"""
