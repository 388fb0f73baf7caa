from newsdex.cli import cli

cli()
