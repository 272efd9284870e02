"""The `cadre` command."""

from __future__ import annotations

import typer

from cadre import __version__
from cadre.cli import demo, engine_cmd, record_cmd, serve, twin_cmd, workspace_cmd

app = typer.Typer(
    name="cadre",
    help="Run a volunteer mobilization campaign end to end, and replay the campaign of the 25,000ers (1929-1933).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(record_cmd.app, name="record")
app.add_typer(engine_cmd.app, name="engine")
app.add_typer(twin_cmd.app, name="twin")
app.command("demo")(demo.demo)
app.command("serve")(serve.serve_cmd)
app.command("backup")(workspace_cmd.backup_cmd)
app.command("restore")(workspace_cmd.restore_cmd)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cadre {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """cadre: personal files and a rulebook go in; decisions, placements and analytics come out."""


if __name__ == "__main__":
    app()
