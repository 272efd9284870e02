"""The one place that converts ORM rows to engine frames and engine results back to rows.

- ``schema``: the campaign's personal-file schema, its rulebooks and its ladder, as the engine wants them.
- ``files``: personal files <-> the engine's personal-file frame; file states <-> the ladder's states frame.
- ``selection``, ``distribution``, ``placement``: the optimizers' inputs from rows, their answers as rows.

Services call these functions; models, views and selectors never build frames themselves.
"""
