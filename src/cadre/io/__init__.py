"""cadre.io: files in and out (tabular files; the bundled rulebooks), with errors that say what and where."""

from cadre.io.bundled import bundled_rulebooks, load_rulebook, rulebook_source
from cadre.io.tables import READABLE, WRITABLE, TableError, read_table, write_table, write_text

__all__ = [
    "READABLE",
    "WRITABLE",
    "TableError",
    "bundled_rulebooks",
    "load_rulebook",
    "read_table",
    "rulebook_source",
    "write_table",
    "write_text",
]
