from iblint.cli import run

run()
