"""Compare: one prompt sent to 2 to 4 targets (a model with its quantization, load and
sampling settings, local or remote), run one after another on the one engine, side by side.

- :mod:`app.compare.targets`: what a comparison asks and of whom, checked.
- :mod:`app.compare.resolve`: a model named by a library id, a file or ``remote://``.
- :mod:`app.compare.starting_points`: the comparisons offered ready-made.
- :mod:`app.compare.runner`: the run through the scheduler, one target at a time.
- :mod:`app.compare.memory`: the model process's peak memory while a target runs.
- :mod:`app.compare.results`: one target's reply and figures.
- :mod:`app.compare.figures`: the figures in words (tables, the chart's values).
- :mod:`app.compare.saved`: comparisons and their runs in the chat database.
- :mod:`app.compare.export`: Markdown with the table, JSON.
- :mod:`app.compare.bridge`: the window's handle on a run (Qt signals on the GUI thread).

No widgets here: the view lives in ``ui/compare_window.py``, the chart in
``ui/compare_chart.py``, the command in :mod:`app.cli.compare`.
"""
