"""Lets a database error escape `flask init-db` as a traceback instead of an 'Error:' line."""

import _reference
import click
from _reference import *


def register_cli(app):
    @app.cli.command("init-db")
    @click.option("--drop", is_flag=True)
    def init_db(drop):
        engine = _reference.get_engine()
        if drop:
            _reference.metadata.drop_all(engine)
        _reference.metadata.create_all(engine)
        click.echo("Initialised the database.")


_reference.register_cli = register_cli
